//go:build !purego

package simd

import "golang.org/x/sys/cpu"

// useAsm selects the AVX2 kernels; the tests switch it off to run the Go
// kernels on the same machine.
var useAsm = hasAVX2FMA && cpu.X86.HasBMI1 && cpu.X86.HasBMI2

// maskStripAVX2 sums one strip of width vectors for rows rows of masks.
//
//go:noescape
func maskStripAVX2(dst *float32, ldd int, init, a *float32, lda int, mask *uint64, mw, rows, width int)

// sigmoidAVX2 applies σ to n values of each of rows rows of x (stride
// ldx); if mask is not nil it also draws the Bernoulli bits, one byte per
// eight values, into the rows of mask (stride mw words), advancing r.
//
//go:noescape
func sigmoidAVX2(x *float32, n int, mask *uint64, r *RNG, rows, ldx, mw int)

//go:noescape
func updateAVX2(u, w, vel *float64, p, q *float32, n int, s *Step) bool

//go:noescape
func applyAVX2(w, vel, u *float64, w32 *float32, n int)

// rowMaskAVX2 converts quads·4 values.
//
//go:noescape
func rowMaskAVX2(dst *uint64, row *float64, quads int) bool

// maskRowAVX2 expands quads·4 bits.
//
//go:noescape
func maskRowAVX2(row *float64, mask *uint64, quads int)

// subAVX2 sets dst[i] = a[i] − b[i] for n values, n a multiple of Width.
//
//go:noescape
func subAVX2(dst, a, b *float32, n int)
