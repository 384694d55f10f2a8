//go:build !purego

package simd

import "golang.org/x/sys/cpu"

// useAsm selects the AVX2 kernels; the tests switch it off to run the Go
// kernels on the same machine.
var useAsm = hasAVX2FMA && cpu.X86.HasBMI1

//go:noescape
func maskSumAVX2(dst, init, a *float32, lda int, mask *uint64, nwords, n int)

// sigmoidAVX2 applies σ to x[:n]; if mask is not nil it also draws the
// Bernoulli bits, one byte per eight values, advancing r.
//
//go:noescape
func sigmoidAVX2(x *float32, n int, mask *uint64, r *RNG)
