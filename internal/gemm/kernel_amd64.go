//go:build !purego

package gemm

import "golang.org/x/sys/cpu"

// hasAsm reports whether the CPU runs the AVX2/FMA assembly kernels; useAsm
// selects them (the tests switch it off to
// run the pure-Go kernels on the same machine).
var (
	hasAsm = cpu.X86.HasAVX2 && cpu.X86.HasFMA
	useAsm = hasAsm
)

// kernAVX is kernel in assembly; load is 1 if C is read (beta ≠ 0).
//
//go:noescape
func kernAVX(kb int, a *float32, rs, cs int, b *float32, c *float32, ldc int, alpha, beta float32, load int)

// packTransAVX writes the nr×(8·blocks) block of src (row stride ld)
// transposed into dst, (8·blocks)×nr, p-major.
//
//go:noescape
func packTransAVX(blocks int, src *float32, ld int, dst *float32)

// tanhAVX sets x[i] = tanh(x[i] + bias[i]) for i < 8·blocks (bias[i] = 0 if
// hasBias is 0; bias is then not read).
//
//go:noescape
func tanhAVX(blocks int, x, bias *float32, hasBias int)

// tanhGradAVX sets d[i] *= 1 − a[i]² for i < 8·blocks.
//
//go:noescape
func tanhGradAVX(blocks int, d, a *float32)

// axpyAVX sets y[i] += alpha·x[i] for i < 8·blocks.
//
//go:noescape
func axpyAVX(blocks int, alpha float32, x, y *float32)

// packCopyAVX copies kb rows of nr floats of src (row stride ld) to dst.
//
//go:noescape
func packCopyAVX(kb int, src *float32, ld int, dst *float32)

// packA6AVX writes the 6×(8·blocks) block of src (row stride ld) to dst as
// (8·blocks) groups of 8 floats: the 6 column elements and two zeros.
//
//go:noescape
func packA6AVX(blocks int, src *float32, ld int, dst *float32)

// adamAVX is AdamStep on 8·blocks elements; k holds b1, 1−b1, b2, 1−b2,
// lr, c1, c2, eps.
//
//go:noescape
func adamAVX(blocks int, p, grad, m, v *float32, k *[8]float32)

// momentumAVX is MomentumStep on 8·blocks elements.
//
//go:noescape
func momentumAVX(blocks int, p, grad, v *float32, mu, lr float32)
