package simd

import (
	"math"
	"math/bits"
)

// The pure-Go kernels. They are the only kernels on platforms without the
// assembly and under the purego build tag, and the reference the assembly
// is tested against. They follow the assembly's arithmetic step by step;
// the only differences are the fused multiply-adds of the assembly, which
// change results by a rounding.

func maskSumGo(dst, init, a []float32, lda int, mask []uint64, n int) {
	d := dst[:n]
	if init != nil {
		copy(d, init[:n])
	} else {
		clear(d)
	}
	for w, word := range mask {
		for word != 0 {
			k := w<<6 + bits.TrailingZeros64(word)
			word &= word - 1
			row := a[k*lda : k*lda+n]
			for j := 0; j < n; j += 4 {
				d[j] += row[j]
				d[j+1] += row[j+1]
				d[j+2] += row[j+2]
				d[j+3] += row[j+3]
			}
		}
	}
}

// The exponential of sigmoid: e^y = 2^n·e^r with n = round(y·log₂e) and
// r = y − n·ln2 (in two parts), e^r from the degree-7 polynomial
// 1 + r + r²·P(r) with Cephes' expf coefficients (relative error about
// 1e-7 on |r| ≤ ln2/2). y is clamped to [−87, 88] so that 2^n stays a
// normal float32 and e^y does not overflow.
const (
	expLo     = -87
	expHi     = 88
	log2e     = 1.44269504088896341
	ln2Hi     = 0.693359375
	ln2Lo     = -2.12194440e-4
	expP0     = 1.9875691500e-4
	expP1     = 1.3981999507e-3
	expP2     = 8.3334519073e-3
	expP3     = 4.1665795894e-2
	expP4     = 1.6666665459e-1
	expP5     = 5.0000001201e-1
	roundBias = 12582912 // 1.5·2²³: adding and subtracting it rounds to the nearest integer (ties to even)
)

// expf1 returns e^y + 1 for y in [expLo, expHi] (the caller clamps). The
// polynomial is evaluated in Estrin's order, as the assembly does, for a
// short dependency chain.
func expf1(y float32) float32 {
	t := y*log2e + roundBias
	n := t - roundBias
	r := y - n*ln2Hi
	r = r - n*ln2Lo
	r2 := r * r
	c := expP0*r + expP1
	b := expP2*r + expP3
	a := expP4*r + expP5
	p := (c*r2+b)*r2 + a
	e := p*r2 + (r + 1)
	scale := math.Float32frombits(uint32(int32(n)+127) << 23)
	return e*scale + 1
}

func sigmoidGo(x []float32, mask []uint64, r *RNG) {
	for g := 0; g < len(x); g += Width {
		v := x[g : g+Width]
		var u [Width]uint32
		if r != nil {
			u = r.Next()
		}
		var byteMask uint64
		for l := 0; l < Width; l++ {
			y := -v[l]
			y = max(y, expLo) // max/min also map NaN to the bound, as VMAXPS does for a NaN first operand
			y = min(y, expHi)
			p := 1 / expf1(y)
			v[l] = p
			if r != nil && float32(u[l]>>8)*0x1p-24 < p {
				byteMask |= 1 << l
			}
		}
		if r != nil {
			mask[g>>6] = mask[g>>6]&^(0xff<<(g&63)) | byteMask<<(g&63)
		}
	}
}
