package simd

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"testing"
)

// paths runs f once on the Go kernels and, where the CPU has them, once on
// the assembly kernels.
func paths(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	asm := useAsm
	t.Cleanup(func() { useAsm = asm })
	useAsm = false
	t.Run("go", f)
	if asm {
		useAsm = true
		t.Run("asm", f)
	}
}

func randMask(rng *rand.Rand, n int, density float64) []uint64 {
	m := make([]uint64, Words(n)+1) // one spare word, always zero
	for k := 0; k < n; k++ {
		if rng.Float64() < density {
			m[k>>6] |= 1 << (k & 63)
		}
	}
	return m
}

func TestMaskSum(t *testing.T) {
	paths(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(1, 2))
		for _, n := range []int{8, 16, 24, 32, 40, 48, 56, 64, 72, 80, 88, 96, 104, 112, 128, 200, 264, 400} {
			for _, rows := range []int{1, 7, 64, 65, 100, 130} {
				for _, withInit := range []bool{false, true} {
					lda := n + 8*rng.IntN(3)
					a := make([]float32, rows*lda)
					for i := range a {
						a[i] = float32(rng.NormFloat64())
					}
					mask := randMask(rng, rows, 0.5)
					var init []float32
					if withInit {
						init = make([]float32, n)
						for i := range init {
							init[i] = float32(rng.NormFloat64())
						}
					}
					dst := make([]float32, n+8)
					for i := range dst {
						dst[i] = float32(math.NaN())
					}
					MaskSum(dst, init, a, lda, mask, n)
					for j := 0; j < n; j++ {
						var want, abs float64
						if init != nil {
							want, abs = float64(init[j]), math.Abs(float64(init[j]))
						}
						for k := 0; k < rows; k++ {
							if mask[k>>6]>>(k&63)&1 == 1 {
								want += float64(a[k*lda+j])
								abs += math.Abs(float64(a[k*lda+j]))
							}
						}
						// A float32 sum of m terms errs by at most
						// m·2⁻²⁴·Σ|terms| (first-order bound).
						tol := float64(rows+1) * 0x1p-24 * abs
						if d := math.Abs(float64(dst[j]) - want); !(d <= tol) {
							t.Fatalf("n=%d rows=%d init=%v: dst[%d] = %v, want %v (tol %g)", n, rows, withInit, j, dst[j], want, tol)
						}
					}
					for j := n; j < len(dst); j++ {
						if !math.IsNaN(float64(dst[j])) {
							t.Fatalf("n=%d: MaskSum wrote past n at %d", n, j)
						}
					}
				}
			}
		}
	})
}

func TestMaskSumEmptyMask(t *testing.T) {
	paths(t, func(t *testing.T) {
		dst := []float32{1, 2, 3, 4, 5, 6, 7, 8}
		MaskSum(dst, nil, nil, 8, nil, 8)
		for _, v := range dst {
			if v != 0 {
				t.Fatalf("empty mask without init: %v", dst)
			}
		}
	})
}

func TestMaskSumPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"width":    func() { MaskSum(make([]float32, 8), nil, make([]float32, 8), 8, []uint64{1}, 6) },
		"lda":      func() { MaskSum(make([]float32, 8), nil, make([]float32, 24), 12, []uint64{1}, 8) },
		"short a":  func() { MaskSum(make([]float32, 8), nil, make([]float32, 8), 8, []uint64{2}, 8) },
		"short ds": func() { MaskSum(make([]float32, 4), nil, make([]float32, 8), 8, []uint64{1}, 8) },
		// The second of two rows selects a row of a beyond its end, in
		// the lower word of its mask.
		"short a, row 2": func() {
			MaskSumRows(make([]float32, 16), 8, nil, make([]float32, 63*8), 8, []uint64{1, 0, 1 << 63, 0}, 2, 2, 8)
		},
		"short a, row 1 high word": func() {
			MaskSumRows(make([]float32, 16), 8, nil, make([]float32, 63*8), 8, []uint64{0, 1, 1, 0}, 2, 2, 8)
		},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

// sigmoidGrid is a dense set of arguments over the whole float32 range.
func sigmoidGrid() []float32 {
	var x []float32
	for v := -30.0; v <= 30; v += 1.0 / 512 {
		x = append(x, float32(v))
	}
	for _, v := range []float64{-1e4, 1e4, -1e30, 1e30, -100, 100, -88, 88, -87.5, 87.5, 0,
		math.Inf(1), math.Inf(-1), math.MaxFloat32, -math.MaxFloat32, 1e-30, -1e-30} {
		x = append(x, float32(v))
	}
	for len(x)%Width != 0 {
		x = append(x, 0)
	}
	return x
}

func TestSigmoidAccuracy(t *testing.T) {
	paths(t, func(t *testing.T) {
		x := sigmoidGrid()
		p := append([]float32(nil), x...)
		Sigmoid(p)
		var worst float64
		for i, v := range x {
			want := 1 / (1 + math.Exp(-float64(v)))
			d := math.Abs(float64(p[i]) - want)
			worst = max(worst, d)
			// The stated bound: 2e-7 absolute (float32's own spacing
			// near 1 is 6e-8).
			if !(d <= 2e-7) {
				t.Errorf("σ(%v) = %v, want %v (error %g)", v, p[i], want, d)
			}
			if p[i] < 0 || p[i] > 1 {
				t.Errorf("σ(%v) = %v outside [0, 1]", v, p[i])
			}
		}
		t.Logf("largest absolute error %.3g over %d arguments", worst, len(x))
		nan := []float32{float32(math.NaN()), 0, 0, 0, 0, 0, 0, 0}
		Sigmoid(nan)
		if !math.IsNaN(float64(nan[0])) {
			t.Errorf("σ(NaN) = %v, want NaN", nan[0])
		}
	})
}

// TestSigmoidPathsAgree compares the assembly with the Go kernel: they
// differ only by the roundings of fused multiply-adds (the assembly fuses
// eight of them), a few ulps of the exponential, which σ ≤ 1 carries into at
// most two float32 spacings near 1 (2·6e-8 = 1.2e-7).
func TestSigmoidPathsAgree(t *testing.T) {
	if !useAsm {
		t.Skip("no assembly kernels")
	}
	x := sigmoidGrid()
	a := append([]float32(nil), x...)
	g := append([]float32(nil), x...)
	Sigmoid(a)
	sigmoidGo(g, nil, nil)
	for i := range x {
		if d := math.Abs(float64(a[i] - g[i])); d > 1.2e-7 {
			t.Fatalf("σ(%v): asm %v, go %v", x[i], a[i], g[i])
		}
	}
}

func TestRNGReference(t *testing.T) {
	// The reference C implementation of xoshiro128+ from state {1, 2, 3,
	// 4}: outputs 1–6 and 1001.
	var r RNG
	for l := 0; l < Width; l++ {
		r.s[0][l], r.s[1][l], r.s[2][l], r.s[3][l] = 1, 2, 3, 4
	}
	want := []uint32{5, 12295, 25178119, 27286542, 39879690, 1140358681}
	for i, w := range want {
		out := r.Next()
		for l, v := range out {
			if v != w {
				t.Fatalf("output %d lane %d = %d, want %d", i+1, l, v, w)
			}
		}
	}
	for range 994 {
		r.Next()
	}
	if out := r.Next(); out[3] != 3505657020 {
		t.Fatalf("output 1001 = %d, want 3505657020", out[3])
	}
}

func TestSigmoidSample(t *testing.T) {
	paths(t, func(t *testing.T) {
		const n, reps = 128, 4000
		x := make([]float32, n)
		probs := make([]float64, n)
		for i := range x {
			x[i] = float32(-6 + 12*float64(i)/n)
			probs[i] = 1 / (1 + math.Exp(-float64(x[i])))
		}
		var r RNG
		r.Seed(7)
		count := make([]int, n)
		buf := make([]float32, n)
		mask := make([]uint64, 3)
		for range reps {
			copy(buf, x)
			mask[2] = ^uint64(0)
			SigmoidSample(buf, mask, n, &r)
			if mask[2] != 0 {
				t.Fatal("word after the bits not cleared")
			}
			for i := 0; i < n; i++ {
				count[i] += int(mask[i>>6] >> (i & 63) & 1)
			}
		}
		// Each count is binomial(reps, p); a 5σ band for each of the 128
		// sites fails by chance with probability about 1e-4.
		for i, c := range count {
			p := probs[i]
			sd := math.Sqrt(reps * p * (1 - p))
			if math.Abs(float64(c)-reps*p) > 5*sd+1 {
				t.Errorf("p=%.4f: %d ones in %d, expected %.1f ± %.1f", p, c, reps, reps*p, sd)
			}
		}
	})
}

func TestSigmoidSampleClearsTail(t *testing.T) {
	paths(t, func(t *testing.T) {
		x := make([]float32, 104)
		for i := range x {
			x[i] = 50 // p = 1: every drawn bit is set
		}
		mask := []uint64{0, 0, ^uint64(0)}
		var r RNG
		r.Seed(1)
		SigmoidSample(x, mask, 100, &r)
		if mask[0] != ^uint64(0) || mask[1] != 1<<36-1 || mask[2] != 0 {
			t.Fatalf("mask %x, want 100 ones", mask)
		}
	})
}

// TestSamplePathsAgree checks that the two paths draw the same uniforms
// and agree on every bit whose uniform is not within rounding of p.
func TestSamplePathsAgree(t *testing.T) {
	if !useAsm {
		t.Skip("no assembly kernels")
	}
	rng := rand.New(rand.NewPCG(3, 3))
	const n = 256
	var ra, rg RNG
	ra.Seed(99)
	rg = ra
	for range 200 {
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(4 * rng.NormFloat64())
		}
		a, g := append([]float32(nil), x...), append([]float32(nil), x...)
		ma, mg := make([]uint64, 4), make([]uint64, 4)
		ref := rg // the uniforms the Go path will draw
		SigmoidSample(a, ma, n, &ra)
		useAsm = false
		SigmoidSample(g, mg, n, &rg)
		useAsm = true
		if ra != rg {
			t.Fatal("generator states differ between paths")
		}
		for grp := 0; grp < n; grp += Width {
			u := ref.Next()
			for l := 0; l < Width; l++ {
				i := grp + l
				ba, bg := ma[i>>6]>>(i&63)&1, mg[i>>6]>>(i&63)&1
				if ba != bg {
					uf := float64(u[l]>>8) * 0x1p-24
					if math.Abs(uf-float64(g[i])) > 2e-7 {
						t.Fatalf("bit %d: asm %d, go %d, u=%v p=%v", i, ba, bg, uf, g[i])
					}
				}
			}
		}
	}
}

func TestNoAllocs(t *testing.T) {
	x := make([]float32, 64)
	a := make([]float32, 64*64)
	mask := []uint64{0xf0f0f0f0f0f0f0f0}
	var r RNG
	if n := testing.AllocsPerRun(100, func() {
		MaskSum(x, nil, a, 64, mask, 64)
		SigmoidSample(x, mask, 64, &r)
	}); n != 0 {
		t.Fatalf("%v allocations per call", n)
	}
}

func BenchmarkMaskSum(b *testing.B) {
	for _, n := range []int{64, 104, 400} {
		b.Run("n="+itoa(n), func(b *testing.B) {
			const rows = 100
			a := make([]float32, rows*n)
			mask := randMask(rand.New(rand.NewPCG(1, 1)), rows, 0.5)
			set := 0
			for _, w := range mask {
				set += bits.OnesCount64(w)
			}
			dst := make([]float32, n)
			for b.Loop() {
				MaskSum(dst, nil, a, n, mask, n)
			}
			b.ReportMetric(float64(set*n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gadds/s")
		})
	}
}

func BenchmarkSigmoidSample(b *testing.B) {
	x := make([]float32, 1024)
	mask := make([]uint64, 16)
	var r RNG
	r.Seed(1)
	for b.Loop() {
		SigmoidSample(x, mask, 1024, &r)
	}
	b.ReportMetric(b.Elapsed().Seconds()*1e9/float64(b.N*len(x)), "ns/value")
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var s []byte
	for ; n > 0; n /= 10 {
		s = append([]byte{byte('0' + n%10)}, s...)
	}
	return string(s)
}

func TestRowMask(t *testing.T) {
	paths(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(5, 5))
		for _, n := range []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 31, 32, 33, 63, 64, 65, 66, 67, 68, 100, 127, 128, 129, 200} {
			row := make([]float64, n)
			for j := range row {
				row[j] = float64(rng.IntN(2))
			}
			if n > 3 {
				row[3] = math.Copysign(0, -1)
			}
			dst := make([]uint64, Words(n))
			if !RowMask(dst, row) {
				t.Fatalf("n=%d: 0/1 row reported non-binary", n)
			}
			for j, x := range row {
				if got := dst[j>>6] >> (j & 63) & 1; got != uint64(x) {
					t.Fatalf("n=%d: bit %d = %d, value %v", n, j, got, x)
				}
			}
			if w := dst[len(dst)-1]; n&63 != 0 && w>>(n&63) != 0 {
				t.Fatalf("n=%d: bits set past the row", n)
			}
			for _, bad := range []float64{0.5, 2, -1, math.NaN(), math.Inf(1)} {
				for _, at := range []int{0, n / 2, n - 1} {
					r := append([]float64(nil), row...)
					r[at] = bad
					if RowMask(dst, r) {
						t.Fatalf("n=%d: %v at %d not reported", n, bad, at)
					}
				}
			}
		}
	})
}

func TestUpdateApply(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	for _, n := range []int{1, 3, 4, 7, 64, 101} {
		u := make([]float64, n)
		w, vel := make([]float64, n), make([]float64, n)
		p, q := make([]float32, n), make([]float32, n)
		for j := 0; j < n; j++ {
			w[j], vel[j] = rng.NormFloat64(), 0.01*rng.NormFloat64()
			p[j], q[j] = float32(100*rng.Float64()), float32(100*rng.Float64())
		}
		st := &Step{Inv0: 0.01, InvN: 0.02, LR: 0.05, Mom: 0.9, L2: 1e-4}
		var want []float64
		paths(t, func(t *testing.T) {
			if !Update(u, w, vel, p, q, st) {
				t.Fatal("finite step reported non-finite")
			}
			for j := range u {
				d := st.Inv0*float64(p[j]) - st.InvN*float64(q[j]) - st.L2*w[j]
				if e := st.Mom*vel[j] + st.LR*d; u[j] != e {
					t.Fatalf("n=%d: u[%d] = %v, want %v", n, j, u[j], e)
				}
			}
			if want == nil {
				want = append([]float64(nil), u...)
			}
			w2, v2, w32 := append([]float64(nil), w...), append([]float64(nil), vel...), make([]float32, n)
			Apply(w2, v2, u, w32)
			for j := range u {
				if w2[j] != w[j]+u[j] || v2[j] != u[j] || w32[j] != float32(w2[j]) {
					t.Fatalf("n=%d: Apply wrong at %d", n, j)
				}
			}
			for _, bad := range []float64{math.Inf(1), math.Inf(-1), math.NaN()} {
				at := rng.IntN(n)
				old := w[at]
				w[at] = bad
				if Update(u, w, vel, p, q, st) {
					t.Errorf("n=%d: weight %v at %d not reported", n, bad, at)
				}
				w[at] = old
			}
		})
	}
}

func TestMaskRow(t *testing.T) {
	paths(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(8, 8))
		for _, n := range []int{1, 3, 4, 5, 63, 64, 65, 100, 128, 131} {
			mask := make([]uint64, Words(n))
			for i := range mask {
				mask[i] = rng.Uint64()
			}
			row := make([]float64, n+1)
			row[n] = 7
			MaskRow(row[:n], mask)
			for j := 0; j < n; j++ {
				if want := float64(mask[j>>6] >> (j & 63) & 1); row[j] != want {
					t.Fatalf("n=%d: row[%d] = %v, want %v", n, j, row[j], want)
				}
			}
			if row[n] != 7 {
				t.Fatalf("n=%d: wrote past the row", n)
			}
		}
	})
}

// TestMaskSumRows compares the multi-row form with one MaskSum per row,
// which it must equal bit for bit (the same adds in the same order).
func TestMaskSumRows(t *testing.T) {
	paths(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(9, 9))
		for _, n := range []int{8, 32, 64, 104, 136, 400, 416} {
			for _, aRows := range []int{3, 100, 400} {
				for _, rows := range []int{1, 2, 50, 64} {
					lda, ldd := n+8, n+16
					a := make([]float32, aRows*lda)
					for i := range a {
						a[i] = float32(rng.NormFloat64())
					}
					init := make([]float32, n)
					for i := range init {
						init[i] = float32(rng.NormFloat64())
					}
					mw := Words(aRows)
					mask := make([]uint64, rows*mw)
					for r := 0; r < rows; r++ {
						copy(mask[r*mw:], randMask(rng, aRows, 0.5)[:mw])
					}
					dst := make([]float32, rows*ldd)
					MaskSumRows(dst, ldd, init, a, lda, mask, mw, rows, n)
					one := make([]float32, n)
					for r := 0; r < rows; r++ {
						MaskSum(one, init, a, lda, mask[r*mw:(r+1)*mw], n)
						for j := 0; j < n; j++ {
							if dst[r*ldd+j] != one[j] {
								t.Fatalf("n=%d aRows=%d rows=%d: row %d col %d: %v != %v", n, aRows, rows, r, j, dst[r*ldd+j], one[j])
							}
						}
					}
				}
			}
		}
	})
}

// BenchmarkMaskSumRows times the block-wide masked sums of the CD-1
// trainer, 50 rows of masks with half the bits set: v → h reads the
// Nv×Nh weights (100 rows), h → v the Nh×Nv transpose.
func BenchmarkMaskSumRows(b *testing.B) {
	for _, c := range []struct {
		name     string
		aRows, n int
	}{{"v→h/Nh=64", 100, 64}, {"h→v/Nh=64", 64, 104}, {"v→h/Nh=100", 100, 104}, {"v→h/Nh=400", 100, 400}, {"h→v/Nh=400", 400, 104}} {
		b.Run(c.name, func(b *testing.B) {
			const rows = 50
			a := make([]float32, c.aRows*c.n)
			mw := Words(c.aRows)
			rng := rand.New(rand.NewPCG(1, 1))
			mask := make([]uint64, rows*mw)
			set := 0
			for r := 0; r < rows; r++ {
				for k := 0; k < c.aRows; k++ {
					if rng.IntN(2) == 1 {
						mask[r*mw+k>>6] |= 1 << (k & 63)
						set++
					}
				}
			}
			dst := make([]float32, rows*c.n)
			b.ReportAllocs()
			for b.Loop() {
				MaskSumRows(dst, c.n, nil, a, c.n, mask, mw, rows, c.n)
			}
			b.ReportMetric(float64(set*c.n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gadds/s")
		})
	}
}

// TestSigmoidSampleRows checks that the multi-row form equals rows calls
// of SigmoidSample, bit for bit, values, masks and generator state.
func TestSigmoidSampleRows(t *testing.T) {
	paths(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(4, 4))
		for _, c := range []struct{ n, nbits, rows, ldx, mw int }{{104, 100, 7, 104, 2}, {64, 64, 3, 72, 1}, {400, 400, 5, 400, 7}, {8, 3, 2, 16, 1}} {
			x := make([]float32, c.rows*c.ldx)
			for i := range x {
				x[i] = float32(3 * rng.NormFloat64())
			}
			a, b := append([]float32(nil), x...), append([]float32(nil), x...)
			ma, mb := make([]uint64, c.rows*c.mw), make([]uint64, c.rows*c.mw)
			for i := range ma {
				ma[i], mb[i] = ^uint64(0), ^uint64(0)
			}
			var ra, rb RNG
			ra.Seed(5)
			rb = ra
			SigmoidSampleRows(a, c.ldx, c.n, ma, c.mw, c.nbits, c.rows, &ra)
			for i := 0; i < c.rows; i++ {
				SigmoidSample(b[i*c.ldx:i*c.ldx+c.n], mb[i*c.mw:(i+1)*c.mw], c.nbits, &rb)
			}
			if ra != rb {
				t.Fatalf("%+v: generator states differ", c)
			}
			for i := range a {
				if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
					t.Fatalf("%+v: value %d differs", c, i)
				}
			}
			for i := range ma {
				if ma[i] != mb[i] {
					t.Fatalf("%+v: mask word %d: %x != %x", c, i, ma[i], mb[i])
				}
			}
		}
	})
}

// TestSub checks Sub against float32 subtraction (exact per value) for
// lengths that exercise both loops of the assembly, and that it writes
// nothing past dst.
func TestSub(t *testing.T) {
	paths(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(10, 10))
		for _, n := range []int{0, 8, 16, 24, 32, 40, 64, 400, 408} {
			a, b := make([]float32, n+8), make([]float32, n+8)
			for i := range a {
				a[i], b[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64())
			}
			dst := make([]float32, n+8)
			dst[n] = 7
			Sub(dst[:n], a, b)
			for i := 0; i < n; i++ {
				if want := a[i] - b[i]; dst[i] != want {
					t.Fatalf("n=%d: dst[%d] = %v, want %v", n, i, dst[i], want)
				}
			}
			if dst[n] != 7 {
				t.Fatalf("n=%d: wrote past dst", n)
			}
		}
		if !panics(func() { Sub(make([]float32, 4), make([]float32, 4), make([]float32, 4)) }) {
			t.Error("Sub of 4 values did not panic")
		}
		if !panics(func() { Sub(make([]float32, 8), make([]float32, 4), make([]float32, 8)) }) {
			t.Error("Sub with a short a did not panic")
		}
	})
}

func panics(f func()) (p bool) {
	defer func() { p = recover() != nil }()
	f()
	return false
}
