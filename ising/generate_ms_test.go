package ising

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// TestMSMeasure: the bit-sliced counts agree with MultiSpin's own
// Energies and Magnetizations, for odd and even L and a partial last word.
func TestMSMeasure(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ L, R int }{{3, 5}, {10, 256}, {7, 130}, {16, 64}} {
		temps := make([]float64, tc.R)
		for i := range temps {
			temps[i] = 1 + 4*float64(i)/float64(tc.R)
		}
		m, err := NewMultiSpin(tc.L, temps, 0, rand.NewPCG(1, uint64(tc.L)))
		if err != nil {
			t.Fatal(err)
		}
		m.Sweep(7)
		e, am := make([]float64, tc.R), make([]float64, tc.R)
		msMeasure(m, e, am)
		we, wm := m.Energies(nil), m.Magnetizations(nil)
		for r := range e {
			if e[r] != we[r] || am[r] != math.Abs(wm[r]) {
				t.Fatalf("L=%d replica %d: e %v |m| %v, want %v %v", tc.L, r, e[r], am[r], we[r], math.Abs(wm[r]))
			}
		}
	}
}

func BenchmarkMSMeasure(b *testing.B) {
	temps := make([]float64, 256)
	for i := range temps {
		temps[i] = 2.5
	}
	m, _ := NewMultiSpin(100, temps, 0, rand.NewPCG(1, 1))
	m.Sweep(10)
	e, am := make([]float64, 256), make([]float64, 256)
	b.Run("measure", func(b *testing.B) {
		for b.Loop() {
			msMeasure(m, e, am)
		}
	})
	b.Run("sweep", func(b *testing.B) {
		for b.Loop() {
			m.Sweep(1)
		}
	})
}

// TestGenerateMultiSpinKaufman: the multi-spin path's data at L = 16 match
// Kaufman's exact finite-lattice ⟨e⟩ and specific heat at temperatures on
// both sides of T_c, and its saved rows are independent.
//
// Tolerance: Summarize's jackknife errors over bins of 20 τ_int of the row
// series (rows are chain-major, so the series is the chains one after the
// other), 5 errors for 8 comparisons: a false alarm has probability
// ≈ 5·10⁻⁶. τ_int of the saved rows: at most msRedoTau(n) (≈ 0.67 at
// n = 2000), the threshold above which Generate itself draws them again.
func TestGenerateMultiSpinKaufman(t *testing.T) {
	t.Parallel()
	const L, n = 16, 2000
	grid := []float64{1.5, 2.25, 2.5, 3.5}
	d, err := Generate(&DatasetSettings{L: L, Grid: grid, PerTemp: n}, rand.NewPCG(16, 16), nil)
	if err != nil {
		t.Fatal(err)
	}
	e := Energies(nil, L, 0, d.Configs)
	m := Magnetizations(nil, d.Configs)
	for k, T := range grid {
		in := d.Info[k]
		if in.Algorithm != AlgMultiSpin || in.Chains < 2 {
			t.Errorf("T = %v: %v with %d chains", T, in.Algorithm, in.Chains)
		}
		am := make([]float64, n)
		for i, v := range m[k*n : (k+1)*n] {
			am[i] = math.Abs(v)
		}
		s := Summarize(e[k*n:(k+1)*n], am, T, L*L)
		ex := Exact(L, T)
		if math.Abs(s.E-ex.E) > 5*s.EErr || math.Abs(s.C-ex.C) > 5*s.CErr {
			t.Errorf("T = %v: e = %.4f ± %.4f (exact %.4f), c = %.3f ± %.3f (exact %.3f)", T, s.E, s.EErr, ex.E, s.C, s.CErr, ex.C)
		}
		if lim := msRedoTau(n); in.SavedTauE > lim || in.SavedTauM > lim || s.TauE > lim || s.TauAbsM > lim {
			t.Errorf("T = %v: saved rows correlated: τ_e %.2f τ_|m| %.2f (rows %.2f %.2f)", T, in.SavedTauE, in.SavedTauM, s.TauE, s.TauAbsM)
		}
	}
}

// TestGenerateChainsIndependent: production chains beyond the pilot's
// start from copies of pilot states (lanes started equal); after their
// burn-in they must be as independent as separate chains. The first saved
// energies of chains c and c+R (R pilot chains: the same pilot state) are
// correlated over all such pairs; independent pairs give a Pearson r of
// mean 0 and standard deviation 1/√pairs; the test allows 4 of them (and
// would see r ≈ 1 for copies that stayed equal).
func TestGenerateChainsIndependent(t *testing.T) {
	t.Parallel()
	const L, n = 10, 2000
	grid := []float64{2.5, 3, 4}
	d, err := Generate(&DatasetSettings{L: L, Grid: grid, PerTemp: n}, rand.NewPCG(3, 3), nil)
	if err != nil {
		t.Fatal(err)
	}
	e := Energies(nil, L, 0, d.Configs)
	R := msPilotChains(len(grid))
	var xs, ys []float64
	for k := range grid {
		in := d.Info[k]
		if in.Chains <= R {
			t.Fatalf("T = %v: %d chains, no copies of the %d pilot chains to test", in.T, in.Chains, R)
		}
		first := make([]float64, in.Chains) // first saved energy of each chain
		row := k * n
		for c := range in.Chains {
			first[c] = e[row]
			q := n / in.Chains
			if c < n%in.Chains {
				q++
			}
			row += q
		}
		// Standardise per temperature.
		mu, v := fluct(first, 0, 0)
		for c := range first {
			first[c] = (first[c] - mu) / math.Sqrt(v)
		}
		for c := 0; c+R < in.Chains; c++ {
			xs = append(xs, first[c])
			ys = append(ys, first[c+R])
		}
	}
	var r float64
	for i := range xs {
		r += xs[i] * ys[i]
	}
	r /= float64(len(xs))
	if tol := 4 / math.Sqrt(float64(len(xs))); math.Abs(r) > tol {
		t.Errorf("chains started from the same pilot state: r = %.3f over %d pairs, want |r| ≤ %.3f", r, len(xs), tol)
	}
}

// TestTauIntChains: one chain gives TauInt's value; an ensemble of equal
// values is constant whatever the value (even one not exact in binary);
// a NaN gives NaN; R independent AR(1) chains with ρ = 0.8 give
// τ = ½(1+ρ)/(1−ρ) = 4.5 within 5 Madras–Sokal errors.
func TestTauIntChains(t *testing.T) {
	t.Parallel()
	src := rand.New(rand.NewPCG(1, 2))
	ar := func(n int) []float64 {
		x := make([]float64, n)
		for i := range x {
			x[i] = src.NormFloat64()
			if i > 0 {
				x[i] += 0.8 * x[i-1]
			}
		}
		return x
	}
	one := ar(5000)
	t1, e1 := TauInt(one)
	t2, e2 := TauIntChains([][]float64{one})
	if math.Abs(t1-t2) > 1e-9*t1 || math.Abs(e1-e2) > 1e-9*e1 {
		t.Errorf("one chain: %v ± %v, TauInt %v ± %v", t2, e2, t1, e1)
	}
	chains := make([][]float64, 32)
	for c := range chains {
		chains[c] = ar(400)
	}
	if tau, err := TauIntChains(chains); math.Abs(tau-4.5) > 5*err {
		t.Errorf("32 AR(1) chains: τ = %v ± %v, want 4.5", tau, err)
	}
	if tau, err := TauIntChains([][]float64{{-2.1, -2.1, -2.1}, {-2.1, -2.1}}); tau != 0.5 || err != 0 {
		t.Errorf("constant ensemble: %v ± %v", tau, err)
	}
	if tau, _ := TauIntChains([][]float64{{1, 2, math.NaN(), 3}}); !math.IsNaN(tau) {
		t.Errorf("NaN: τ = %v", tau)
	}
}

// TestGenerateStop: a progress callback's error stops Generate, which
// returns it unchanged, with no dataset, and calls progress no more.
func TestGenerateStop(t *testing.T) {
	t.Parallel()
	stop := errors.New("enough")
	for _, h := range []float64{0, 0.1} {
		calls := 0
		d, err := Generate(&DatasetSettings{L: 32, H: h, PerTemp: 500}, rand.NewPCG(1, 1), func(done, total int) error {
			calls++
			return stop
		})
		if err != stop || d != nil || calls != 1 {
			t.Errorf("h = %v: %v, %v, %d calls", h, d, err, calls)
		}
	}
}

// TestGenerateFrozenField is the regression test of the Generate hang at
// h ≠ 0 and low T: at h = 0.1, T = 0.25 the chain is frozen all up with
// e = −2.1, not exact in binary; TauInt must see the constant series
// (τ = ½) rather than the rounding noise around its mean (which gave
// τ = n/4 and spacings of 10⁶ sweeps), so the spacing is ⌈5·½⌉ = 3.
func TestGenerateFrozenField(t *testing.T) {
	t.Parallel()
	x := make([]float64, 4000)
	for i := range x {
		x[i] = -2.1
	}
	if tau, err := TauInt(x); tau != 0.5 || err != 0 {
		t.Errorf("TauInt of a constant −2.1 series: %v ± %v", tau, err)
	}
	if m, err := BinnedMean(x); m != -2.1 || err != 0 {
		t.Errorf("BinnedMean of a constant −2.1 series: %v ± %v", m, err)
	}
	d, err := Generate(&DatasetSettings{L: 10, H: 0.1, Grid: []float64{0.25}, PerTemp: 200}, rand.NewPCG(1, 1), nil)
	if err != nil {
		t.Fatal(err)
	}
	if in := d.Info[0]; in.Tau != 0.5 || in.Spacing != 3 {
		t.Errorf("h = 0.1, T = 0.25: τ %v, spacing %d, want ½ and 3", in.Tau, in.Spacing)
	}
	for _, e := range Energies(nil, 10, 0.1, d.Configs) {
		if math.Abs(e+2.1) > 1e-12 {
			t.Fatalf("h = 0.1, T = 0.25: e = %v, want the frozen −2.1", e)
		}
	}
}

// TestRowEM: the one-pass energy and magnetisation equal EnergyPerSpin and
// Magnetization on random rows of odd and even sides.
func TestRowEM(t *testing.T) {
	t.Parallel()
	src := rand.New(rand.NewPCG(4, 4))
	for _, L := range []int{2, 3, 10, 17} {
		row := make([]float64, L*L)
		for range 20 {
			for i := range row {
				row[i] = float64(src.IntN(2))
			}
			e, m := rowEM(L, row)
			if e != EnergyPerSpin(L, 0, row) || m != Magnetization(row) {
				t.Fatalf("L=%d: rowEM %v %v, want %v %v", L, e, m, EnergyPerSpin(L, 0, row), Magnetization(row))
			}
		}
	}
}
