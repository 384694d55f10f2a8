//go:build purego || !amd64

package gemm

// hasAsm and useAsm are false: there are no assembly kernels on this platform or build.
var (
	hasAsm = false
	useAsm = false
)

func kernAVX(kb int, a *float32, rs, cs int, b *float32, c *float32, ldc int, alpha, beta float32, load int) {
	panic("gemm: no assembly kernels")
}

func packTransAVX(blocks int, src *float32, ld int, dst *float32) { panic("gemm: no assembly kernels") }

func tanhAVX(blocks int, x, bias *float32, hasBias int) { panic("gemm: no assembly kernels") }

func tanhGradAVX(blocks int, d, a *float32) { panic("gemm: no assembly kernels") }

func axpyAVX(blocks int, alpha float32, x, y *float32) { panic("gemm: no assembly kernels") }

func packCopyAVX(kb int, src *float32, ld int, dst *float32) { panic("gemm: no assembly kernels") }

func packA6AVX(blocks int, src *float32, ld int, dst *float32) { panic("gemm: no assembly kernels") }

func adamAVX(blocks int, p, grad, m, v *float32, k *[8]float32) { panic("gemm: no assembly kernels") }

func momentumAVX(blocks int, p, grad, v *float32, mu, lr float32) { panic("gemm: no assembly kernels") }
