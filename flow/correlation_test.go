package flow

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// productState returns n configurations of L×L independent spins, each
// configuration with its own probability of up, drawn uniformly from
// [0.1, 0.35] or, with equal chance, [0.65, 0.9]: a Z₂-symmetric mixture of
// product states like the flow's fixed point.
func productState(n, L int, rng *rand.Rand) *mat.Dense {
	v := mat.NewDense(n, L*L, nil)
	for k := 0; k < n; k++ {
		p := 0.1 + 0.25*rng.Float64()
		if rng.IntN(2) == 1 {
			p = 1 - p
		}
		row := v.RawRowView(k)
		for i := range row {
			if rng.Float64() < p {
				row[i] = 1
			}
		}
	}
	return v
}

// TestCorrelateProductState: independent spins given each configuration's
// magnetisation have zero connected correlation at every distance, and
// zero correlation length, within their standard errors (4σ: with 6
// distances and ξ, a false failure has probability ≈ 4e-4). The test can
// fail: subtracting ⟨m²⟩ instead of C̄ leaves the bias −(1 − μ²)/N, here
// about −0.006, many standard errors (≈ 0.0008) out.
func TestCorrelateProductState(t *testing.T) {
	t.Parallel()
	const n, L = 4000, 10
	c := Correlate(L, productState(n, L, rand.New(rand.NewPCG(1, 2))), 0)
	if c.RMax != 5 || len(c.Conn) != 6 {
		t.Fatalf("RMax %d, %d distances; want 5, 6", c.RMax, len(c.Conn))
	}
	for r := 1; r <= c.RMax; r++ {
		if math.Abs(c.Conn[r]) > 4*c.ConnErr[r] {
			t.Errorf("Conn(%d) = %.5f ± %.5f, want 0", r, c.Conn[r], c.ConnErr[r])
		}
		// The full correlation is flat at C̄ ≈ ⟨μ²⟩: not zero.
		if c.C[r] < 0.2 {
			t.Errorf("C(%d) = %v, want the flat ⟨μ²⟩ ≈ 0.3", r, c.C[r])
		}
	}
	if math.Abs(c.Xi) > 4*c.XiErr || c.XiErr > 0.01 {
		t.Errorf("ξ = %v ± %v, want 0", c.Xi, c.XiErr)
	}
	biased := c.C[1] - c.M2
	if math.Abs(biased) < 4*c.ConnErr[1] {
		t.Errorf("C(1) − ⟨m²⟩ = %v ± %v: the test cannot tell the subtractions apart", biased, c.ConnErr[1])
	}
	if want := (100*c.M2 - 1) / 99; math.Abs(c.Bar-want) > 1e-12 {
		t.Errorf("C̄ = %v, want %v", c.Bar, want)
	}
}

// TestCorrelateExact checks Correlate against exact values: all 2^16
// configurations of the 4×4 lattice (T = ∞: C(r) = δ_{r0}, C̄ = 0
// exactly), deterministic patterns, and a direct sum over all site pairs
// for random configurations.
func TestCorrelateExact(t *testing.T) {
	t.Parallel()
	const L = 4
	all := mat.NewDense(1<<16, 16, nil)
	for k := 0; k < 1<<16; k++ {
		for i := 0; i < 16; i++ {
			all.Set(k, i, float64(k>>i&1))
		}
	}
	c := Correlate(L, all, 0)
	for r, want := range []float64{1, 0, 0} {
		if math.Abs(c.C[r]-want) > 1e-12 || math.Abs(c.Conn[r]-(want-c.Bar)) > 1e-12 {
			t.Errorf("4×4 enumeration: C(%d) = %v, Conn = %v; want %v", r, c.C[r], c.Conn[r], want)
		}
	}
	if math.Abs(c.M2-1.0/16) > 1e-12 || math.Abs(c.Bar) > 1e-12 || math.Abs(c.Xi) > 1e-12 {
		t.Errorf("4×4 enumeration: ⟨m²⟩ = %v, C̄ = %v, ξ = %v; want 1/16, 0, 0", c.M2, c.Bar, c.Xi)
	}
	// Checkerboard: C(r) = (−1)^r.
	cb := mat.NewDense(1, 36, nil)
	for i := 0; i < 6; i++ {
		for j := 0; j < 6; j++ {
			cb.Set(0, i*6+j, float64((i+j)%2))
		}
	}
	c = Correlate(6, cb, 0)
	for r := 0; r <= 3; r++ {
		if want := math.Pow(-1, float64(r)); c.C[r] != want {
			t.Errorf("checkerboard: C(%d) = %v, want %v", r, c.C[r], want)
		}
	}
	// Random configurations against a direct double sum over coordinates.
	rng := rand.New(rand.NewPCG(3, 4))
	const L5 = 5
	v := mat.NewDense(3, 25, nil)
	for k := 0; k < 3; k++ {
		for i := 0; i < 25; i++ {
			v.Set(k, i, float64(rng.IntN(2)))
		}
	}
	c = Correlate(L5, v, 2)
	for r := 0; r <= 2; r++ {
		var want float64
		for k := 0; k < 3; k++ {
			s := func(x, y int) float64 { return 2*v.At(k, (x%L5)*L5+y%L5) - 1 }
			for x := 0; x < L5; x++ {
				for y := 0; y < L5; y++ {
					want += s(x, y) * (s(x+r, y) + s(x, y+r)) / (2 * 25 * 3)
				}
			}
		}
		if math.Abs(c.C[r]-want) > 1e-12 {
			t.Errorf("direct sum: C(%d) = %v, want %v", r, c.C[r], want)
		}
	}
	// A perfectly ordered batch has no fluctuation: ξ is undefined.
	if c := Correlate(4, AllUp(2, 16), 0); c.Conn[1] != 0 || !math.IsNaN(c.Xi) {
		t.Errorf("all up: Conn(1) = %v, ξ = %v; want 0, NaN", c.Conn[1], c.Xi)
	}
}

// TestCorrelateCorrelated: a batch with genuine short-range correlation (each
// row a random pattern of 2×1 dominoes on independent background) reads a
// positive connected correlation at r = 1 and a positive ξ, many errors
// from zero.
func TestCorrelateCorrelated(t *testing.T) {
	t.Parallel()
	const n, L = 2000, 10
	rng := rand.New(rand.NewPCG(5, 6))
	v := mat.NewDense(n, L*L, nil)
	for k := 0; k < n; k++ {
		row := v.RawRowView(k)
		for i := 0; i < L; i++ {
			for j := 0; j < L; j += 2 {
				s := float64(rng.IntN(2))
				row[i*L+j], row[i*L+j+1] = s, s
			}
		}
	}
	c := Correlate(L, v, 0)
	// Along x, pairs at r = 1 are equal half the time (within a domino),
	// independent otherwise; along y independent: C(1) = ¼.
	if math.Abs(c.C[1]-0.25) > 4*c.CErr[1] || c.Xi < 10*c.XiErr {
		t.Errorf("dominoes: C(1) = %v ± %v (want 0.25), ξ = %v ± %v (want > 0)", c.C[1], c.CErr[1], c.Xi, c.XiErr)
	}
}

func TestCorrelatePanics(t *testing.T) {
	t.Parallel()
	for name, f := range map[string]func(){
		"columns": func() { Correlate(4, mat.NewDense(2, 15, nil), 0) },
		"L=1":     func() { Correlate(1, mat.NewDense(2, 1, nil), 0) },
	} {
		func() {
			defer func() {
				if recover() != mat.ErrShape {
					t.Errorf("%s: no mat.ErrShape panic", name)
				}
			}()
			f()
		}()
	}
}

func TestKSExact(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		a, b []float64
		want float64
	}{
		{[]float64{1, 2, 3}, []float64{3, 2, 1}, 0},
		{[]float64{1, 2}, []float64{3, 4, 5}, 1},
		// F_a jumps at 1, 2, 3, 4 by ¼; F_b at 2.5 by 1: sup at x = 2 (½ vs 0).
		{[]float64{1, 2, 3, 4}, []float64{2.5}, 0.5},
		// Ties across samples: both step at 1 (a to ½, b to 1), then a at 2.
		{[]float64{1, 2}, []float64{1, 1}, 0.5},
	} {
		if got := KS(tc.a, tc.b); got != tc.want {
			t.Errorf("KS(%v, %v) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
	if !math.IsNaN(KS(nil, []float64{1})) || !math.IsNaN(KSProb(0.1, 0, 3)) {
		t.Error("empty samples: want NaN")
	}
	// The Kolmogorov distribution: P(K > 1.3581) = 0.0500, P(K > 1.2238) = 0.1000.
	for _, tc := range []struct{ lam, want float64 }{{1.3581, 0.05}, {1.2238, 0.1}, {0.8276, 0.5}} {
		const n = 1 << 40 // λ = √nₑ·d: the correction terms vanish
		d := tc.lam / math.Sqrt(n/2)
		if got := KSProb(d, n, n); math.Abs(got-tc.want) > 2e-4 {
			t.Errorf("Q(%v) = %v, want %v", tc.lam, got, tc.want)
		}
	}
}

// TestKSNull draws pairs of samples of one distribution and checks that
// KSProb is calibrated: the fraction of pairs with P < 0.05 is 0.05 within
// 4 binomial standard errors (4·√(0.05·0.95/3000) = 0.016), and that
// samples of two distributions (shifted by a quarter of a standard
// deviation) are told apart.
func TestKSNull(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 8))
	const trials, n, m = 3000, 200, 300
	a, b := make([]float64, n), make([]float64, m)
	low, shifted := 0, 0
	for k := 0; k < trials; k++ {
		for i := range a {
			a[i] = rng.NormFloat64()
		}
		for i := range b {
			b[i] = rng.NormFloat64()
		}
		if KSProb(KS(a, b), n, m) < 0.05 {
			low++
		}
		for i := range b {
			b[i] += 0.25
		}
		if KSProb(KS(a, b), n, m) < 0.05 {
			shifted++
		}
	}
	if f := float64(low) / trials; math.Abs(f-0.05) > 0.016 {
		t.Errorf("null: P < 0.05 in a fraction %v of pairs, want 0.05", f)
	}
	// Power at a shift of 0.25σ with nₑ = 120: about 0.6.
	if f := float64(shifted) / trials; f < 0.4 {
		t.Errorf("shift 0.25σ: detected in a fraction %v of pairs, want ≳ 0.6", f)
	}
}

// BenchmarkCorrelate measures the spin correlation of a flow step (1000
// configurations) at the paper's L = 10 and at L = 32.
func BenchmarkCorrelate(b *testing.B) {
	for _, L := range []int{10, 32} {
		b.Run("L="+strconv.Itoa(L), func(b *testing.B) {
			const n = 1000
			v := Random(n, L*L, rand.NewPCG(1, 2))
			b.ReportAllocs()
			for b.Loop() {
				Correlate(L, v, 0)
			}
			b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "configs/s")
		})
	}
}

// BenchmarkMeasureFull is BenchmarkMeasure with every readout the examples
// use: the correlation and the matching against 25 reference ensembles of
// 1600 configurations.
func BenchmarkMeasureFull(b *testing.B) {
	const n, L = 1000, 10
	v := Random(n, L*L, rand.NewPCG(1, 2))
	temps := make([]float64, 25)
	refs := make([]Reference, 25)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range temps {
		temps[i] = 0.25 * float64(i)
		refs[i].T = temps[i]
		for k := 0; k < 1600; k++ {
			refs[i].AbsM = append(refs[i].AbsM, rng.Float64())
			refs[i].E = append(refs[i].E, -2*rng.Float64())
		}
	}
	o := Observer{Classifier: bins{temps}, Energy: LatticeEnergy(L, 0), Lattice: L, References: refs}
	b.ReportAllocs()
	for b.Loop() {
		o.Measure(0, v)
	}
	b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "configs/s")
}

// TestCorrelateBoltzmann checks Correlate against exact enumeration: on the
// 4×4 torus at T = 2.5, the exact ⟨sᵢ sᵢ₊ᵣ⟩ (r = 0, 1, 2), ⟨m²⟩ and
// connected correlation are sums over all 2^16 states with Boltzmann
// weights; 40 000 configurations drawn exactly from that distribution
// (inverse CDF) must read them within 4 standard errors.
func TestCorrelateBoltzmann(t *testing.T) {
	t.Parallel()
	const L, N, T, n = 4, 16, 2.5, 40000
	states := mat.NewDense(1<<N, N, nil)
	w := make([]float64, 1<<N)
	var z float64
	for k := 0; k < 1<<N; k++ {
		row := states.RawRowView(k)
		for i := range row {
			row[i] = float64(k >> i & 1)
		}
		w[k] = math.Exp(-LatticeEnergy(L, 0)(row) * N / T)
		z += w[k]
	}
	// Exact values: the per-state correlation, weighted.
	exactC := make([]float64, 3)
	var exactM2 float64
	for k := range w {
		p := w[k] / z
		row := states.RawRowView(k)
		one := Correlate(L, mat.NewDense(1, N, row), 0)
		for r := range exactC {
			exactC[r] += p * one.C[r]
		}
		exactM2 += p * one.M2
	}
	exactBar := (N*exactM2 - 1) / (N - 1)
	// Exact sampling by the inverse CDF.
	cdf := make([]float64, len(w))
	var acc float64
	for k := range w {
		acc += w[k] / z
		cdf[k] = acc
	}
	rng := rand.New(rand.NewPCG(9, 10))
	v := mat.NewDense(n, N, nil)
	for i := 0; i < n; i++ {
		k, _ := slices.BinarySearch(cdf, rng.Float64()*acc)
		copy(v.RawRowView(i), states.RawRowView(min(k, len(w)-1)))
	}
	c := Correlate(L, v, 0)
	for r := range exactC {
		if d := c.C[r] - exactC[r]; math.Abs(d) > 4*c.CErr[r]+1e-12 {
			t.Errorf("C(%d) = %.4f ± %.4f, exact %.4f", r, c.C[r], c.CErr[r], exactC[r])
		}
		if d := c.Conn[r] - (exactC[r] - exactBar); math.Abs(d) > 4*c.ConnErr[r]+1e-12 {
			t.Errorf("Conn(%d) = %.4f ± %.4f, exact %.4f", r, c.Conn[r], c.ConnErr[r], exactC[r]-exactBar)
		}
	}
	// The exact connected correlation at r = 1 (0.058 at T = 2.5 on 4×4)
	// stands many standard errors from zero: the batch reads as
	// correlated, not as a product state.
	if exactC[1]-exactBar < 10*c.ConnErr[1] {
		t.Errorf("exact Conn(1) = %v within 10 errors (%v) of 0", exactC[1]-exactBar, c.ConnErr[1])
	}
}
