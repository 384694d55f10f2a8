package gemm

import (
	"math"
	"math/rand/v2"
	"testing"
)

// tanhTol is the absolute error allowed of Tanh: the rational approximation
// is good to a few float32 ulps of the result (≤ 2⁻²³·|tanh| each), and the
// clamp at 7.9053 costs at most 1 − tanh(7.9053) ≈ 2.7e-7.
const tanhTol = 1e-6

// TestTanh measures the error of Tanh against math.Tanh over a dense grid
// of [−10, 10], a logarithmic grid of tiny to huge magnitudes, and the
// special values, on both kernel paths.
func TestTanh(t *testing.T) {
	var xs []float32
	for i := -200000; i <= 200000; i++ {
		xs = append(xs, float32(i)*5e-5)
	}
	for e := -45.0; e <= 38; e += 0.01 {
		v := float32(math.Pow(10, e))
		xs = append(xs, v, -v)
	}
	xs = append(xs, 1e4, -1e4, math.MaxFloat32, -math.MaxFloat32, float32(math.Inf(1)), float32(math.Inf(-1)), 0, float32(math.Copysign(0, -1)))
	paths(t, func(t *testing.T) {
		y := append([]float32(nil), xs...)
		Tanh(y)
		var worst, worstRel float64
		for i, x := range xs {
			want := math.Tanh(float64(x))
			got := float64(y[i])
			if e := math.Abs(got - want); !(e <= tanhTol) || math.Abs(got) > 1 {
				t.Fatalf("Tanh(%v) = %v, want %v", x, got, want)
			}
			worst = max(worst, math.Abs(got-want))
			// Below 2.4e-36, x·P(0) is subnormal and loses bits.
			if math.Abs(float64(x)) < 1 && math.Abs(float64(x)) > 1e-35 {
				worstRel = max(worstRel, math.Abs(got-want)/math.Abs(want))
			}
		}
		// Odd and relatively accurate near 0, where absolute error alone
		// says little: a few ulps.
		if worstRel > 8*eps32*2 {
			t.Errorf("worst relative error for |x| < 1: %.3g", worstRel)
		}
		t.Logf("worst absolute error %.3g, relative (1e-35 < |x| < 1) %.3g", worst, worstRel)
		nan := []float32{float32(math.NaN()), 1, float32(math.NaN())}
		Tanh(nan)
		if !math.IsNaN(float64(nan[0])) || !math.IsNaN(float64(nan[2])) || math.Abs(float64(nan[1])-math.Tanh(1)) > tanhTol {
			t.Errorf("NaN: %v", nan)
		}
	})
}

// TestVecKernels checks BiasTanh, TanhGrad and Axpy against scalar
// references, at lengths around the 8-wide blocks, and that each element's
// result does not depend on its position (a shifted call gives the same
// bits).
func TestVecKernels(t *testing.T) {
	paths(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(1, 2))
		for n := 0; n <= 35; n++ {
			m := 3
			ldc := n + 2
			c := randSlice(m*ldc, rng)
			for i := range c {
				c[i] *= 4
			}
			bias := randSlice(n, rng)
			c0 := append([]float32(nil), c...)
			BiasTanh(m, n, c, ldc, bias)
			for i := 0; i < m; i++ {
				for j := 0; j < ldc; j++ {
					got, v := c[i*ldc+j], c0[i*ldc+j]
					if j >= n {
						if got != v {
							t.Fatalf("n=%d: padding written", n)
						}
						continue
					}
					if want := math.Tanh(float64(v) + float64(bias[j])); math.Abs(float64(got)-want) > tanhTol+2*eps32 {
						t.Fatalf("n=%d: BiasTanh = %v, want %v", n, got, want)
					}
				}
			}
			a := randSlice(n+1, rng)
			d := randSlice(n, rng)
			d0 := append([]float32(nil), d...)
			TanhGrad(d, a)
			for i := range d {
				want := float64(d0[i]) * (1 - float64(a[i])*float64(a[i]))
				if math.Abs(float64(d[i])-want) > 4*eps32 {
					t.Fatalf("n=%d: TanhGrad[%d] = %v, want %v", n, i, d[i], want)
				}
			}
			y := randSlice(n, rng)
			y0 := append([]float32(nil), y...)
			Axpy(-0.75, a, y)
			for i := range y {
				want := float64(y0[i]) - 0.75*float64(a[i])
				if math.Abs(float64(y[i])-want) > 4*eps32 {
					t.Fatalf("n=%d: Axpy[%d] = %v, want %v", n, i, y[i], want)
				}
			}
			// Position independence: the same values, shifted by 3.
			if n >= 4 {
				x := randSlice(n, rng)
				x2 := append([]float32{0, 0, 0}, x...)
				Tanh(x)
				Tanh(x2)
				for i := range x {
					if math.Float32bits(x[i]) != math.Float32bits(x2[i+3]) {
						t.Fatalf("n=%d: Tanh depends on position", n)
					}
				}
			}
		}
	})
}

func BenchmarkTanh(b *testing.B) {
	x := randSlice(100*512, rand.New(rand.NewPCG(1, 2)))
	bias := randSlice(512, rand.New(rand.NewPCG(3, 4)))
	b.ReportAllocs()
	for b.Loop() {
		BiasTanh(100, 512, x, 512, bias)
	}
	b.ReportMetric(b.Elapsed().Seconds()*1e9/float64(b.N)/float64(len(x)), "ns/elem")
}

// TestOptimizerSteps checks AdamStep and MomentumStep against float64
// arithmetic on the same float32 inputs, at lengths around the 8-wide
// blocks, and their position independence. Each output is a handful of
// float32 operations on values of order 1 (Adam's step of order lr), so a
// few ulps: 8·2⁻²⁴ relative to the largest term.
func TestOptimizerSteps(t *testing.T) {
	paths(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(5, 6))
		const lr, b1, b2, eps, mu = 1e-3, 0.9, 0.999, 1e-8, 0.5
		const c1, c2 = 1 / (1 - 0.9*0.9), 1 / (1 - 0.999*0.999)
		for n := 0; n <= 27; n++ {
			p, g, m := randSlice(n, rng), randSlice(n, rng), randSlice(n, rng)
			v := randSlice(n, rng)
			for i := range v {
				v[i] = v[i] * v[i]
			}
			p0, m0, v0 := append([]float32(nil), p...), append([]float32(nil), m...), append([]float32(nil), v...)
			AdamStep(p, g, m, v, lr, b1, b2, c1, c2, eps)
			for i := range p {
				gi := float64(g[i])
				wm := b1*float64(m0[i]) + (1-b1)*gi
				wv := b2*float64(v0[i]) + (1-b2)*gi*gi
				wp := float64(p0[i]) - lr*wm*c1/(math.Sqrt(wv*c2)+eps)
				if math.Abs(float64(m[i])-wm) > 8*eps32 || math.Abs(float64(v[i])-wv) > 8*eps32 ||
					math.Abs(float64(p[i])-wp) > 8*eps32*(math.Abs(wp)+lr*math.Abs(wm*c1/math.Sqrt(wv*c2))) {
					t.Fatalf("n=%d, i=%d: Adam p %v m %v v %v, want %v %v %v", n, i, p[i], m[i], v[i], wp, wm, wv)
				}
			}
			vel := randSlice(n, rng)
			vel0 := append([]float32(nil), vel...)
			copy(p, p0)
			MomentumStep(p, g, vel, mu, lr)
			for i := range p {
				wv := mu*float64(vel0[i]) - lr*float64(g[i])
				if math.Abs(float64(vel[i])-wv) > 8*eps32 || math.Abs(float64(p[i])-(float64(p0[i])+wv)) > 8*eps32 {
					t.Fatalf("n=%d, i=%d: momentum p %v v %v", n, i, p[i], vel[i])
				}
			}
			if n >= 4 {
				// The same values at an offset of 3 give the same bits.
				q, q3 := append([]float32(nil), p0...), append([]float32{0, 0, 0}, p0...)
				mm, mm3 := append([]float32(nil), m0...), append([]float32{0, 0, 0}, m0...)
				vv, vv3 := append([]float32(nil), v0...), append([]float32{0, 0, 0}, v0...)
				g3 := append([]float32{0, 0, 0}, g...)
				AdamStep(q, g, mm, vv, lr, b1, b2, c1, c2, eps)
				AdamStep(q3, g3, mm3, vv3, lr, b1, b2, c1, c2, eps)
				for i := range q {
					if math.Float32bits(q[i]) != math.Float32bits(q3[i+3]) {
						t.Fatalf("n=%d: AdamStep depends on position", n)
					}
				}
			}
		}
	})
}
