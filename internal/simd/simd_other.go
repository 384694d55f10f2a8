//go:build purego || !amd64

package simd

var useAsm = false

func maskSumAVX2(dst, init, a *float32, lda int, mask *uint64, nwords, n int) {
	panic("simd: no assembly kernels in this build")
}

func sigmoidAVX2(x *float32, n int, mask *uint64, r *RNG) {
	panic("simd: no assembly kernels in this build")
}
