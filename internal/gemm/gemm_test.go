package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// eps32 is the unit roundoff of float32.
const eps32 = 0x1p-24

// paths runs f once per available kernel path (assembly and pure Go).
func paths(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	defer func(u bool) { useAsm = u }(useAsm)
	if hasAsm {
		useAsm = true
		t.Run("asm", f)
	}
	useAsm = false
	t.Run("go", f)
}

// at returns element (r, c) of op(X) for X stored with stride ld.
func at(x []float32, ld int, trans bool, r, c int) float64 {
	if trans {
		return float64(x[c*ld+r])
	}
	return float64(x[r*ld+c])
}

type gemmCase struct {
	tA, tB        bool
	m, n, k       int
	lda, ldb, ldc int
	alpha, beta   float32
}

func (c gemmCase) String() string {
	return fmt.Sprintf("tA=%v/tB=%v/m=%d/n=%d/k=%d/ld=%d,%d,%d/alpha=%v/beta=%v",
		c.tA, c.tB, c.m, c.n, c.k, c.lda, c.ldb, c.ldc, c.alpha, c.beta)
}

// stride returns the smallest legal stride for width w plus pad.
func stride(w, pad int) int { return max(w, 1) + pad }

func randSlice(n int, rng *rand.Rand) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(2*rng.Float64() - 1)
	}
	return s
}

// check runs one case against the float64 reference and returns C.
//
// Tolerance: each element is alpha·Σ_p a_p·b_p + beta·c computed in float32
// with one rounding per multiply-add (k of them), one for alpha and one for
// beta. The classic bound for a recursively summed dot product is
// γ_k·Σ|a_p·b_p| with γ_k = k·u/(1 − k·u) ≈ k·u, u = 2⁻²⁴; the two extra
// roundings add 2u of the result's magnitude. The tolerance is
// 2·(k + 2)·u·(|alpha|·Σ|a_p·b_p| + |beta·c|), twice the worst case, which
// any missing term or wrong index exceeds by orders of magnitude.
func check(t *testing.T, g *Gemm, c gemmCase, rng *rand.Rand, nanC bool) []float32 {
	t.Helper()
	ar, ac := c.m, c.k
	if c.tA {
		ar, ac = c.k, c.m
	}
	br, bc := c.k, c.n
	if c.tB {
		br, bc = c.n, c.k
	}
	a := randSlice(max(0, (ar-1)*c.lda+ac), rng)
	b := randSlice(max(0, (br-1)*c.ldb+bc), rng)
	cm := randSlice(max(0, (c.m-1)*c.ldc+c.n), rng)
	if nanC {
		for i := range cm {
			cm[i] = float32(math.NaN())
		}
	}
	c0 := append([]float32(nil), cm...)
	g.Sgemm(c.tA, c.tB, c.m, c.n, c.k, c.alpha, a, c.lda, b, c.ldb, c.beta, cm, c.ldc)
	// op(A) row by row and op(B) column by column, in float64.
	oa := make([]float64, c.m*c.k)
	for i := 0; i < c.m; i++ {
		for p := 0; p < c.k; p++ {
			oa[i*c.k+p] = at(a, c.lda, c.tA, i, p)
		}
	}
	ob := make([]float64, c.n*c.k)
	for j := 0; j < c.n; j++ {
		for p := 0; p < c.k; p++ {
			ob[j*c.k+p] = at(b, c.ldb, c.tB, p, j)
		}
	}
	for i := 0; i < c.m; i++ {
		for j := 0; j < c.n; j++ {
			var s, sa float64
			ra, rb := oa[i*c.k:(i+1)*c.k], ob[j*c.k:(j+1)*c.k]
			for p, x := range ra {
				v := x * rb[p]
				s += v
				sa += math.Abs(v)
			}
			want := float64(c.alpha) * s
			mag := math.Abs(float64(c.alpha)) * sa
			if c.beta != 0 {
				want += float64(c.beta) * float64(c0[i*c.ldc+j])
				mag += math.Abs(float64(c.beta) * float64(c0[i*c.ldc+j]))
			}
			tol := 2 * float64(c.k+2) * eps32 * mag
			got := float64(cm[i*c.ldc+j])
			if !(math.Abs(got-want) <= tol) {
				t.Fatalf("%v: C[%d][%d] = %v, want %v (tol %.3g)", c, i, j, got, want, tol)
			}
		}
		// Cells between rows (the stride padding) are untouched.
		if i+1 < c.m {
			for j := c.n; j < c.ldc; j++ {
				if o := i*c.ldc + j; math.Float32bits(cm[o]) != math.Float32bits(c0[o]) {
					t.Fatalf("%v: padding cell %d written", c, o)
				}
			}
		}
	}
	return cm
}

var scalars = []float32{0, 1, -0.5, 2}

// TestSgemmSmall covers every m, n, k in 1…40 for the four transpose
// combinations (with alpha and beta cycling through {0, 1, −0.5, 2}), on
// both kernel paths.
func TestSgemmSmall(t *testing.T) {
	maxDim := 40
	if testing.Short() {
		maxDim = 20
	}
	paths(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(1, 2))
		var g Gemm
		i := 0
		for _, tA := range []bool{false, true} {
			for _, tB := range []bool{false, true} {
				for m := 1; m <= maxDim; m++ {
					for n := 1; n <= maxDim; n++ {
						for k := 1; k <= maxDim; k++ {
							i++
							c := gemmCase{tA: tA, tB: tB, m: m, n: n, k: k,
								alpha: scalars[i%4], beta: scalars[(i/4)%4]}
							ac, bc := k, n
							if tA {
								ac = m
							}
							if tB {
								bc = k
							}
							c.lda, c.ldb, c.ldc = stride(ac, 0), stride(bc, 0), stride(n, 0)
							check(t, &g, c, rng, false)
						}
					}
				}
			}
		}
	})
}

// hotShapes are the thermometer's products (m = batch 100): the forward
// layers, the back-propagated deltas (NT) and the weight gradients (TN).
var hotShapes = []gemmCase{
	{m: 100, n: 512, k: 100}, {m: 100, n: 256, k: 512}, {m: 100, n: 64, k: 256}, {m: 100, n: 25, k: 64},
	{tB: true, m: 100, n: 512, k: 256}, {tB: true, m: 100, n: 256, k: 64}, {tB: true, m: 100, n: 64, k: 25},
	{tA: true, m: 100, n: 512, k: 100}, {tA: true, m: 512, n: 256, k: 100}, {tA: true, m: 256, n: 64, k: 100}, {tA: true, m: 64, n: 25, k: 100},
}

func (c gemmCase) dense() gemmCase {
	ac, bc := c.k, c.n
	if c.tA {
		ac = c.m
	}
	if c.tB {
		bc = c.k
	}
	c.lda, c.ldb, c.ldc = ac, bc, c.n
	return c
}

// TestSgemmShapes covers the hot shapes, large k and n (several k- and
// n-blocks), odd strides wider than the rows, all alpha/beta pairs, and
// beta = 0 over a C full of NaN.
func TestSgemmShapes(t *testing.T) {
	paths(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(3, 4))
		var g Gemm
		var cases []gemmCase
		for _, c := range hotShapes {
			c = c.dense()
			c.alpha, c.beta = 1, 0
			cases = append(cases, c)
		}
		for _, tA := range []bool{false, true} {
			for _, tB := range []bool{false, true} {
				for _, sh := range [][3]int{{64, 1024, 1024}, {256, 600, 520}, {7, 1000, 600}, {150, 33, 257}, {1, 1, 1000}, {13, 517, 3}} {
					for ia, alpha := range scalars {
						for ib, beta := range scalars {
							if sh[0]*sh[1]*sh[2] > 1e7 && (ia != 3 || ib != 2) {
								continue // the big ones at alpha = 2, beta = −0.5 only
							}
							c := gemmCase{tA: tA, tB: tB, m: sh[0], n: sh[1], k: sh[2], alpha: alpha, beta: beta}
							ac, bc := c.k, c.n
							if tA {
								ac = c.m
							}
							if tB {
								bc = c.k
							}
							c.lda, c.ldb, c.ldc = ac+3, bc+5, c.n+7
							cases = append(cases, c)
						}
					}
				}
			}
		}
		for _, c := range cases {
			check(t, &g, c, rng, false)
			if c.beta == 0 {
				check(t, &g, c, rng, true)
			}
		}
	})
}

// TestPathsAgree compares the assembly and pure-Go kernels with each other
// on the hot shapes: both are within the bound of check of the exact value,
// so within twice that of each other; this test asks for the same bound
// (not twice), which the two roundings meet comfortably in practice.
func TestPathsAgree(t *testing.T) {
	if !hasAsm {
		t.Skip("no assembly kernels")
	}
	defer func(u bool) { useAsm = u }(useAsm)
	rng := rand.New(rand.NewPCG(5, 6))
	var g Gemm
	for _, c := range hotShapes {
		c = c.dense()
		ar, ac := c.m, c.k
		if c.tA {
			ar, ac = c.k, c.m
		}
		a := randSlice(ar*ac, rng)
		b := randSlice(c.k*c.n, rng)
		out := [2][]float32{make([]float32, c.m*c.n), make([]float32, c.m*c.n)}
		for i, u := range []bool{true, false} {
			useAsm = u
			g.Sgemm(c.tA, c.tB, c.m, c.n, c.k, 1, a, c.lda, b, c.ldb, 0, out[i], c.ldc)
		}
		for i := range out[0] {
			// |a|, |b| ≤ 1: Σ|a_p b_p| ≤ k.
			tol := 2 * float64(c.k+2) * eps32 * float64(c.k)
			if d := math.Abs(float64(out[0][i] - out[1][i])); d > tol {
				t.Fatalf("%v: element %d: asm %v, go %v", c, i, out[0][i], out[1][i])
			}
		}
	}
}

// TestPartition checks the determinism promise: computing C in row ranges
// or column ranges at arbitrary split points gives the same bits as one
// call.
func TestPartition(t *testing.T) {
	paths(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(7, 8))
		var g Gemm
		for _, c := range append(hotShapes, gemmCase{m: 50, n: 700, k: 600}, gemmCase{tA: true, tB: true, m: 37, n: 45, k: 300}) {
			c = c.dense()
			ar, ac := c.m, c.k
			if c.tA {
				ar, ac = c.k, c.m
			}
			a := randSlice(ar*ac, rng)
			b := randSlice(c.k*c.n, rng)
			c0 := randSlice(c.m*c.n, rng)
			whole := append([]float32(nil), c0...)
			g.Sgemm(c.tA, c.tB, c.m, c.n, c.k, -0.5, a, c.lda, b, c.ldb, 2, whole, c.ldc)
			for _, split := range []int{1, 7, 17, c.m / 2} {
				if split >= c.m {
					continue
				}
				rows := append([]float32(nil), c0...)
				for _, r := range [][2]int{{0, split}, {split, c.m}} {
					aoff := r[0] * c.lda
					if c.tA {
						aoff = r[0]
					}
					g.Sgemm(c.tA, c.tB, r[1]-r[0], c.n, c.k, -0.5, a[aoff:], c.lda, b, c.ldb, 2, rows[r[0]*c.ldc:], c.ldc)
				}
				same(t, c, "rows", split, whole, rows)
			}
			for _, split := range []int{1, 5, 16, 40, c.n / 2} {
				if split >= c.n {
					continue
				}
				cols := append([]float32(nil), c0...)
				for _, r := range [][2]int{{0, split}, {split, c.n}} {
					boff := r[0]
					if c.tB {
						boff = r[0] * c.ldb
					}
					g.Sgemm(c.tA, c.tB, c.m, r[1]-r[0], c.k, -0.5, a, c.lda, b[boff:], c.ldb, 2, cols[r[0]:], c.ldc)
				}
				same(t, c, "cols", split, whole, cols)
			}
		}
	})
}

func same(t *testing.T, c gemmCase, how string, split int, want, got []float32) {
	t.Helper()
	for i := range want {
		if math.Float32bits(want[i]) != math.Float32bits(got[i]) {
			t.Fatalf("%v: split %s at %d: element %d is %v, want %v", c, how, split, i, got[i], want[i])
		}
	}
}

func TestSgemmEdges(t *testing.T) {
	var g Gemm
	// k = 0 and alpha = 0 scale C by beta without reading A or B.
	c := []float32{1, float32(math.NaN()), 3, 4}
	g.Sgemm(false, false, 2, 2, 0, 1, nil, 1, nil, 2, 0, c, 2)
	for _, v := range c {
		if v != 0 {
			t.Fatalf("k=0, beta=0: %v", c)
		}
	}
	c = []float32{1, 2, 3, 4}
	g.Sgemm(false, false, 2, 2, 3, 0, make([]float32, 6), 3, make([]float32, 6), 2, 2, c, 2)
	if c[3] != 8 {
		t.Fatalf("alpha=0: %v", c)
	}
	g.Sgemm(false, false, 0, 5, 5, 1, nil, 5, make([]float32, 25), 5, 1, nil, 5)
	for _, tc := range []struct {
		name string
		want string
		f    func()
	}{
		{"negative m", ErrNegative, func() { g.Sgemm(false, false, -1, 1, 1, 1, nil, 1, nil, 1, 0, nil, 1) }},
		{"lda", ErrStride, func() {
			g.Sgemm(false, false, 2, 2, 3, 1, make([]float32, 6), 2, make([]float32, 6), 2, 0, make([]float32, 4), 2)
		}},
		{"ldc", ErrStride, func() {
			g.Sgemm(false, false, 2, 2, 2, 1, make([]float32, 4), 2, make([]float32, 4), 2, 0, make([]float32, 4), 1)
		}},
		{"short a", ErrShort, func() {
			g.Sgemm(true, false, 2, 2, 3, 1, make([]float32, 5), 2, make([]float32, 6), 2, 0, make([]float32, 4), 2)
		}},
		{"short c", ErrShort, func() {
			g.Sgemm(false, false, 2, 2, 2, 1, make([]float32, 4), 2, make([]float32, 4), 2, 0, make([]float32, 3), 2)
		}},
		{"short bias", ErrLength, func() { BiasTanh(1, 3, make([]float32, 3), 3, make([]float32, 2)) }},
		{"short a tanh'", ErrLength, func() { TanhGrad(make([]float32, 3), make([]float32, 2)) }},
	} {
		func() {
			defer func() {
				if r := recover(); r != tc.want {
					t.Errorf("%s: panic %v, want %q", tc.name, r, tc.want)
				}
			}()
			tc.f()
		}()
	}
}

func TestNoAllocations(t *testing.T) {
	var g Gemm
	rng := rand.New(rand.NewPCG(9, 10))
	a, b, c := randSlice(100*512, rng), randSlice(512*256, rng), make([]float32, 100*256)
	g.Sgemm(false, true, 100, 256, 512, 1, a, 512, b, 512, 0, c, 256)
	if n := testing.AllocsPerRun(10, func() {
		g.Sgemm(false, false, 100, 256, 512, 1, a, 512, b, 256, 1, c, 256)
		g.Sgemm(true, true, 100, 100, 256, 1, a, 100, b, 256, 0, c, 100)
		BiasTanh(100, 256, c, 256, b)
		TanhGrad(c, a)
		Axpy(0.5, a, c)
	}); n != 0 {
		t.Errorf("%v allocations per run", n)
	}
}

func BenchmarkSgemm(b *testing.B) {
	for _, c := range hotShapes {
		c = c.dense()
		name := fmt.Sprintf("%s%s/m=%d/n=%d/k=%d", map[bool]string{false: "N", true: "T"}[c.tA], map[bool]string{false: "N", true: "T"}[c.tB], c.m, c.n, c.k)
		b.Run(name, func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			x, y, z := randSlice(c.m*c.k, rng), randSlice(c.k*c.n, rng), make([]float32, c.m*c.n)
			var g Gemm
			b.ReportAllocs()
			for b.Loop() {
				g.Sgemm(c.tA, c.tB, c.m, c.n, c.k, 1, x, c.lda, y, c.ldb, 0, z, c.ldc)
			}
			b.ReportMetric(2*float64(c.m*c.n*c.k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
