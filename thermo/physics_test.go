package thermo

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/rgflow/rgflow/internal/lattice"
)

// TestIsingThermometer trains the small network on L = 10 Ising data and
// compares it with the Bayes-on-energy thermometer on the same held-out rows.
func TestIsingThermometer(t *testing.T) {
	t.Parallel()
	d := L10()
	bayes, err := FitEnergyBayes(0, d.xtr, d.ytr, d.grid)
	if err != nil {
		t.Fatal(err)
	}
	cb, err := Calibrate(bayes, d.xte, d.yte)
	if err != nil {
		t.Fatal(err)
	}
	net := NewNetwork(100, d.grid, Small, rand.NewPCG(1, 1))
	if _, err := Train(net, d.xtr, d.ytr, &TrainSettings{Epochs: 25, Symmetrize: true, Src: rand.NewPCG(2, 2)}); err != nil {
		t.Fatal(err)
	}
	cn, err := Calibrate(net, d.xte, d.yte)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("network: exact %.3f, within one %.3f, MAE %.3f; T = 2.25 reads %.3f ± %.3f",
		cn.Exact, cn.WithinOne, cn.MAE, cn.Classes[9].Argmax, cn.Classes[9].ArgmaxStd)
	t.Logf("bayes:   exact %.3f, within one %.3f, MAE %.3f; T = 2.25 reads %.3f ± %.3f",
		cb.Exact, cb.WithinOne, cb.MAE, cb.Classes[9].Argmax, cb.Classes[9].ArgmaxStd)
	// The Bayes classifier itself must reproduce the reference code's
	// calibration, which is near the limit (within one 0.42, exact 0.17,
	// MAE 0.66): it cannot be worse, and 5000 rows give accuracies to
	// ±0.007 (1σ), so 0.42 − 0.02 is a safe floor.
	if cb.WithinOne < 0.40 || cb.Exact < 0.15 || cb.MAE > 0.70 {
		t.Errorf("Bayes thermometer worse than the reference network")
	}
	// Accuracies on n = 5000 shared rows: the difference of two
	// classifiers' accuracies has standard error ≤ √(1/n) ≈ 0.014, so the
	// network may beat the Bayes limit by chance by at most 3σ ≈ 0.04.
	// The model allowance is what the network of this size, trained on
	// 1200 rows per class, is expected to lose to the limit (0.03 in the
	// reference-size runs) plus 3σ: 0.08.
	const noise, allowance = 0.04, 0.08
	if cn.Exact > cb.Exact+noise {
		t.Errorf("network exact accuracy %.3f beats the Bayes limit %.3f", cn.Exact, cb.Exact)
	}
	// The within-one limit is reached by the window decision on the Bayes
	// posterior; the network's argmax cannot beat it beyond noise.
	var pb mat.Dense
	bayes.Probabilities(&pb, d.xte)
	limit := WithinAccuracy(ArgmaxWindow(nil, &pb, 1), d.yte, 1)
	t.Logf("bayes within-one limit (window decision) %.3f", limit)
	if cn.WithinOne > limit+noise || cb.WithinOne > limit+noise {
		t.Errorf("within-one accuracy above the limit %.3f", limit)
	}
	if cn.WithinOne < cb.WithinOne-allowance {
		t.Errorf("network within-one accuracy %.3f more than %v below Bayes %.3f", cn.WithinOne, allowance, cb.WithinOne)
	}
	// T = 2.25: 200 rows with a readout spread ≈ 0.4 give a mean to ±0.03.
	if got := cn.Classes[9]; d.grid[9] != 2.25 || math.Abs(got.Argmax-2.25) > 0.25 {
		t.Errorf("T = 2.25 reads %.3f ± %.3f", got.Argmax, got.ArgmaxStd)
	}
}

// enumerate returns the bond energy of every state of the L = 4 lattice
// (state bits = site values) and the states grouped by energy.
func enumerate4() (levels []float64, states map[float64][]uint32) {
	const L, N = 4, 16
	states = map[float64][]uint32{}
	row := make([]float64, N)
	for s := uint32(0); s < 1<<N; s++ {
		for i := range row {
			row[i] = float64(s >> i & 1)
		}
		e := lattice.Bonds(L, row)
		states[e] = append(states[e], s)
	}
	for e := range states {
		levels = append(levels, e)
	}
	sort.Float64s(levels)
	return levels, states
}

// TestEnergyBayesExact draws exact samples of the 4×4 Ising model by
// enumeration and compares the estimated density of states and the posterior
// with the exact ones.
func TestEnergyBayesExact(t *testing.T) {
	t.Parallel()
	levels, states := enumerate4()
	grid := []float64{0, 1, 1.5, 2, 2.5, 3, 4, 6}
	const nPer = 2000
	rng := rand.New(rand.NewPCG(4, 4))
	x := mat.NewDense(len(grid)*nPer, 16, nil)
	labels := make([]int, len(grid)*nPer)
	exactLnP := func(T float64) []float64 { // ln P(E | T) on levels
		lp := make([]float64, len(levels))
		var z float64
		for _, e := range levels {
			z += float64(len(states[e])) * math.Exp(-(e+32)/T)
		}
		for m, e := range levels {
			lp[m] = math.Log(float64(len(states[e]))) - (e+32)/T - math.Log(z)
		}
		return lp
	}
	for k, T := range grid {
		var cum []float64
		if T > 0 {
			lp := exactLnP(T)
			c := 0.0
			for _, v := range lp {
				c += math.Exp(v)
				cum = append(cum, c)
			}
		}
		for i := 0; i < nPer; i++ {
			r := k*nPer + i
			labels[r] = k
			e := levels[0]
			if T > 0 {
				e = levels[min(sort.SearchFloat64s(cum, rng.Float64()*cum[len(cum)-1]), len(levels)-1)]
			}
			ss := states[e]
			s := ss[rng.IntN(len(ss))]
			row := x.RawRowView(r)
			for j := range row {
				row[j] = float64(s >> j & 1)
			}
		}
	}
	b, err := FitEnergyBayes(0, x, labels, grid)
	if err != nil {
		t.Fatal(err)
	}
	// Density of states: ln g(E) − ln g(E_min) against the exact count.
	// A level seen H times has a relative error ≈ 1/√H; the reference
	// level E_min (H ≈ 5000) adds ≈ 0.015. 4/√H + 0.05 is a 4σ bound.
	lv, lnG := b.DensityOfStates()
	hits := map[float64]int{}
	for i := range labels {
		if grid[labels[i]] > 0 {
			hits[lattice.Bonds(4, x.RawRowView(i))]++
		}
	}
	for m, e := range lv {
		want := math.Log(float64(len(states[e])) / 2)
		if h := hits[e]; h >= 20 {
			if tol := 4/math.Sqrt(float64(h)) + 0.05; math.Abs(lnG[m]-want) > tol {
				t.Errorf("ln g(%v) = %.4f, exact %.4f (H = %d, tol %.3f)", e, lnG[m], want, h, tol)
			}
		}
	}
	// Posterior at every level against the exact posterior (uniform prior).
	exact := make([][]float64, len(grid))
	for k, T := range grid {
		if T > 0 {
			exact[k] = exactLnP(T)
		}
	}
	lnCount := make([]float64, len(levels))
	for m, e := range levels {
		lnCount[m] = math.Log(float64(len(states[e])))
	}
	exactBayes, err := EnergyBayesFromDOS(4, grid, levels, lnCount)
	if err != nil {
		t.Fatal(err)
	}
	p := mat.NewDense(1, len(grid), nil)
	pe := mat.NewDense(1, len(grid), nil)
	row := mat.NewDense(1, 16, nil)
	for m, e := range levels {
		s := states[e][0]
		for j := 0; j < 16; j++ {
			row.Set(0, j, float64(s>>j&1))
		}
		b.Probabilities(p, row)
		exactBayes.Probabilities(pe, row)
		want := make([]float64, len(grid))
		var sum float64
		for k, T := range grid {
			switch {
			case T > 0:
				want[k] = math.Exp(exact[k][m])
			case m == 0:
				want[k] = 1
			}
			sum += want[k]
		}
		// Total variation: the estimated ln Z_k err by ≈ 1/√2000 ≈ 0.02
		// and ln g(E) by 1/√H; levels with mass < 1e-3 in every class
		// are rarely seen, so only a loose 0.3 applies there; elsewhere
		// 0.07 is ≈ 3σ.
		var tv float64
		var mass float64
		for k := range grid {
			tv += math.Abs(p.At(0, k) - want[k]/sum)
			mass = max(mass, want[k])
		}
		tol := 0.07
		if mass < 1e-3 {
			tol = 0.3
		}
		// The exact density of states gives the exact posterior up to
		// rounding in the log-sum-exp (≈ 1e-14 relative here).
		for k := range grid {
			if d := math.Abs(pe.At(0, k) - want[k]/sum); d > 1e-12 {
				t.Errorf("exact DOS, E = %v, class %d: %v, want %v", e, k, pe.At(0, k), want[k]/sum)
			}
		}
		if tv/2 > tol {
			t.Errorf("E = %v (%d states, %d ones): total variation %.4f > %v", e, len(states[e]), bits.OnesCount32(s), tv/2, tol)
		}
	}
}

// TestEnsembleThermometer fits ⟨E⟩ and ⟨|m|⟩ tables on the training data
// and reads held-out ensembles at the grid temperatures, at temperatures
// between them, and the exact finite-lattice energy.
func TestEnsembleThermometer(t *testing.T) {
	t.Parallel()
	d := L10()
	off := []float64{1.9, 2.6, 3.3, 4.4}
	xoff, yoff := isingData(10, off, 400, 99)
	for _, obs := range []Observable{Energy, AbsMagnetization} {
		e, err := FitEnsemble(0, obs, d.xtr, d.ytr, d.grid)
		if err != nil {
			t.Fatal(err)
		}
		check := func(T float64, x *mat.Dense) {
			got, sd := e.EstimateEnsemble(x)
			// "Within its stated uncertainty": the uncertainty is one
			// standard deviation, so 3σ fails by chance in 0.3% of
			// ensembles (≈ 0.1 expected failures over the 33 here).
			if math.IsInf(sd, 0) || math.IsNaN(sd) || math.Abs(got-T) > 3*sd {
				t.Errorf("%v: T = %v reads %.4f ± %.4f", obs, T, got, sd)
			}
			// It must also be informative where the observable varies.
			if obs == Energy && T >= 1.5 && T <= 4.5 && sd > 0.15 {
				t.Errorf("%v: T = %v uncertainty %.3f too large", obs, T, sd)
			}
		}
		for k, T := range d.grid {
			check(T, rowsOf(d.xte, d.yte, k))
		}
		for k, T := range off {
			check(T, rowsOf(xoff, yoff, k))
		}
	}
	// Exact L = 10 energies per spin (Kaufman, PAPER.md §7).
	e, _ := FitEnsemble(0, Energy, d.xtr, d.ytr, d.grid)
	for _, c := range []struct{ T, e float64 }{{2, -1.745431}, {3, -0.825641}} {
		got, sd := e.EstimateMean(c.e, 0)
		if math.Abs(got-c.T) > 3*sd || sd > 0.05 {
			t.Errorf("exact ⟨E⟩(%v) reads %.4f ± %.4f", c.T, got, sd)
		}
	}
	// Beyond the table: the end temperature with an infinite uncertainty.
	if got, sd := e.EstimateMean(0, 0); got != 6 || !math.IsInf(sd, 1) {
		t.Errorf("T = ∞ energy reads %v ± %v", got, sd)
	}
}

// rowsOf returns the rows of class k.
func rowsOf(x *mat.Dense, y []int, k int) *mat.Dense {
	var idx []int
	for i, v := range y {
		if v == k {
			idx = append(idx, i)
		}
	}
	_, c := x.Dims()
	out := mat.NewDense(len(idx), c, nil)
	for i, r := range idx {
		out.SetRow(i, x.RawRowView(r))
	}
	return out
}

func TestIsotonic(t *testing.T) {
	t.Parallel()
	got := isotonic([]float64{1, 3, 2, 4, 0}, []float64{1, 1, 1, 1, 3})
	// Pool adjacent violators: [3, 2] → 2.5 (weight 2); 4 is fine; 0
	// (weight 3) < 4 → (4 + 0·3)/4 = 1 (weight 4) < 2.5 → (2.5·2 + 1·4)/6
	// = 1.5 ≥ 1: blocks {1}, {1.5 ×4}.
	want := []float64{1, 1.5, 1.5, 1.5, 1.5}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-15 {
			t.Fatalf("isotonic = %v, want %v", got, want)
		}
	}
}

// TestBadGridIsAnError checks that the constructors fed with a data set's
// grid return an error, not a panic, for a grid that is not finite,
// non-negative and strictly ascending, while NewNetwork panics.
func TestBadGridIsAnError(t *testing.T) {
	t.Parallel()
	good := []float64{1, 2, 3}
	x, y := isingData(4, good, 4, 5)
	for _, tc := range []struct {
		name string
		grid []float64
	}{
		{"+Inf", []float64{1, 2, math.Inf(1)}},
		{"-Inf", []float64{math.Inf(-1), 2, 3}},
		{"NaN", []float64{1, math.NaN(), 3}},
		{"descending", []float64{3, 2, 1}},
		{"repeated", []float64{1, 2, 2}},
		{"negative", []float64{-1, 2, 3}},
		{"short", []float64{1}},
	} {
		labels := y
		if len(tc.grid) < len(good) {
			labels = make([]int, len(y)) // all class 0: in range
		}
		if _, err := FitEnsemble(0, Energy, x, labels, tc.grid); !isGridError(err) {
			t.Errorf("%s: FitEnsemble(%v): err = %v, want a grid error", tc.name, tc.grid, err)
		}
		if _, err := FitEnergyBayes(0, x, labels, tc.grid); !isGridError(err) {
			t.Errorf("%s: FitEnergyBayes(%v): err = %v, want a grid error", tc.name, tc.grid, err)
		}
		if _, err := EnergyBayesFromDOS(4, tc.grid, []float64{-32, -24}, []float64{0, 1}); !isGridError(err) {
			t.Errorf("%s: EnergyBayesFromDOS(%v): err = %v, want a grid error", tc.name, tc.grid, err)
		}
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: NewNetwork did not panic on %v", tc.name, tc.grid)
				}
			}()
			NewNetwork(16, tc.grid, Small, rand.NewPCG(1, 2))
		}()
	}
	// The good grid still works.
	if _, err := FitEnsemble(0, Energy, x, y, good); err != nil {
		t.Errorf("FitEnsemble on a good grid: %v", err)
	}
	if _, err := FitEnergyBayes(0, x, y, good); err != nil {
		t.Errorf("FitEnergyBayes on a good grid: %v", err)
	}
}

func isGridError(err error) bool {
	return err != nil && strings.Contains(err.Error(), "temperature grid")
}

// TestEstimateEnsembleFewRows checks the readout of ensembles too small for
// an error estimate: one row reads the table temperature of its observable
// with an infinite uncertainty, no rows read NaN.
func TestEstimateEnsembleFewRows(t *testing.T) {
	t.Parallel()
	grid := []float64{1, 2, 3, 4}
	x, y := isingData(4, grid, 50, 7)
	e, err := FitEnsemble(0, Energy, x, y, grid)
	if err != nil {
		t.Fatal(err)
	}
	if got, sd := e.EstimateEnsemble(&mat.Dense{}); !math.IsNaN(got) || !math.IsNaN(sd) {
		t.Errorf("no rows read %v ± %v, want NaN ± NaN", got, sd)
	}
	for i := range 5 {
		row := mat.NewDense(1, 16, slices.Clone(x.RawRowView(60*i%200)))
		got, sd := e.EstimateEnsemble(row)
		want, _ := e.EstimateMean(Energy.Measure(nil, row)[0], 0)
		if got != want || !math.IsInf(sd, 1) {
			t.Errorf("one row %d reads %v ± %v, want %v ± +Inf", i, got, sd, want)
		}
	}
	// Batches of varying sizes reuse the buffer without a shape panic.
	for _, n := range []int{1, 200, 2, 1, 0, 50} {
		var sub mat.Dense
		if n > 0 {
			sub.CloneFrom(x.Slice(0, n, 0, 16))
		}
		got, sd := e.EstimateEnsemble(&sub)
		if n >= 2 && (math.IsNaN(got) || math.IsNaN(sd) || math.IsInf(sd, 0)) {
			t.Errorf("%d rows read %v ± %v", n, got, sd)
		}
	}
}
