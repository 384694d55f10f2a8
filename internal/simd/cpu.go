// Package simd holds the float32 kernels of rgflow's hot loops: masked row
// sums over 0/1 data, a fused sigmoid and Bernoulli draw, tanh, and a
// vectorised random generator. On amd64 with AVX2 and FMA they run in Go
// assembly; elsewhere, or under the purego build tag, in plain Go.
package simd

import "golang.org/x/sys/cpu"

// hasAVX2FMA reports whether the CPU runs the assembly kernels.
var hasAVX2FMA = cpu.X86.HasAVX2 && cpu.X86.HasFMA
