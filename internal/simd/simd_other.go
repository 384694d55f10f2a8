//go:build purego || !amd64

package simd

var useAsm = false

func maskStripAVX2(dst *float32, ldd int, init, a *float32, lda int, mask *uint64, mw, rows, width int) {
	panic("simd: no assembly kernels in this build")
}

func sigmoidAVX2(x *float32, n int, mask *uint64, r *RNG, rows, ldx, mw int) {
	panic("simd: no assembly kernels in this build")
}

func updateAVX2(u, w, vel *float64, p, q *float32, n int, s *Step) bool {
	panic("simd: no assembly kernels in this build")
}

func applyAVX2(w, vel, u *float64, w32 *float32, n int) {
	panic("simd: no assembly kernels in this build")
}

func rowMaskAVX2(dst *uint64, row *float64, quads int) bool {
	panic("simd: no assembly kernels in this build")
}

func maskRowAVX2(row *float64, mask *uint64, quads int) {
	panic("simd: no assembly kernels in this build")
}

func subAVX2(dst, a, b *float32, n int) {
	panic("simd: no assembly kernels in this build")
}
