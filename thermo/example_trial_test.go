package thermo_test

import (
	"fmt"
	"maps"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"

	"github.com/rgflow/rgflow/ising"
	"github.com/rgflow/rgflow/thermo"
)

// The user trial's task (d) of issue 12, against the public API only: work
// in a field h ≠ 0. Data are drawn at h (ising.Generate picks a Metropolis
// chain per temperature there and never applies the global spin flip, which
// maps h to −h), their energies are taken with the field's term −hΣsᵢ, an
// energy thermometer is fitted at h and reads held-out data back, and what
// has no meaning or no implementation in a field is refused with an error
// that says why.
//
// The check: on the 4×4 torus the ensemble in a field is known exactly
// (ising.Enumerate sums all 2¹⁶ states), so each temperature's ⟨e⟩ and ⟨m⟩
// are printed beside the exact values, with the deviation in units of the
// standard error (BinnedMean's, which allows for any correlation left
// between saved configurations). With correct data and energies each
// deviation is a draw of N(0, 1): all below 3 is what to expect (here all
// are below 2). An energy with the field's sign wrong would miss by 2h⟨m⟩,
// about 0.4 to 1, tens to hundreds of errors; data drawn at h = 0 would
// have ⟨m⟩ = 0.
//
// The thermometer is set against the exact Bayes decision built from the
// same enumeration: it decides as that does except on one energy level,
// where two classes are all but tied (one flipped spin, between T = 2.5
// and 3), and its accuracy is the exact limit up to those rows. On 16 spins
// in a field the readings are pulled to the middle: at T = 1 and 1.5
// nearly every configuration is the all-up state, which no thermometer can
// place better than between them.
func ExampleFitEnergyBayes_field() {
	const L, h = 4, 0.5
	grid := []float64{1, 1.5, 2, 2.5, 3, 3.5, 4}
	set := &ising.DatasetSettings{L: L, H: h, Grid: grid, PerTemp: 400}
	d, err := ising.Generate(set, ising.Stream(12, "trial d"), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("h = %v: %v chains, global flip %v\n", d.H, d.Info[1].Algorithm, d.Flip)
	e := ising.Energies(nil, L, h, d.Configs)
	m := ising.Magnetizations(nil, d.Configs)
	row := 0
	for k, n := range d.Counts() {
		ex := ising.Enumerate(L, grid[k], h)
		me, se := ising.BinnedMean(e[row : row+n])
		mm, sm := ising.BinnedMean(m[row : row+n])
		fmt.Printf("T = %-3v e = %.3f ± %.3f (exact %.3f, %+.1fσ)  m = %.3f ± %.3f (exact %.3f, %+.1fσ)\n",
			grid[k], me, se, ex.E, (me-ex.E)/se, mm, sm, ex.M, (mm-ex.M)/sm)
		row += n
	}

	// The Bayes thermometer on the energy in the field, fitted on one half
	// and read on the other.
	train, test := d.Split(0.5, ising.Stream(12, "split"))
	b, err := thermo.FitEnergyBayes(h, train.Configs, train.Labels, train.Grid)
	if err != nil {
		fmt.Println(err)
		return
	}
	cal, err := thermo.Calibrate(b, test.Configs, test.Labels)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("thermometer at h = %v:  exact class %.2f, within one class %.2f\n", b.Field(), cal.Exact, cal.WithinOne)
	for _, c := range cal.Classes {
		fmt.Printf("  T = %-3v reads ⟨Σ pₖTₖ⟩ = %.2f\n", c.T, c.Expectation)
	}
	// The exact Bayes decision from the 2¹⁶ states: P(E | T_k) summed over
	// the states of each energy E (in the field), the best any thermometer
	// of a single configuration can do.
	pE := make([]map[float64]float64, len(grid))
	for k, T := range grid {
		en := ising.Enumerate(L, T, h)
		pE[k] = map[float64]float64{}
		for st, p := range en.Prob {
			pE[k][en.Energy[st]] += p
		}
	}
	var p mat.Dense
	b.Probabilities(&p, test.Configs)
	fitted := thermo.ArgmaxClass(nil, &p)
	exact := make([]int, len(fitted))
	differ := map[float64]bool{}
	for r, x := range ising.Energies(nil, L, h, test.Configs) {
		E := math.Round(2*x*L*L) / 2 // the total energy, a multiple of h = 1/2
		for k := range grid {
			if pE[k][E] > pE[exact[r]][E] {
				exact[r] = k
			}
		}
		if exact[r] != fitted[r] {
			differ[E] = true
		}
	}
	fmt.Printf("exact Bayes:            exact class %.2f, within one class %.2f; decides otherwise only at E = %v\n",
		thermo.WithinAccuracy(exact, test.Labels, 0), thermo.WithinAccuracy(exact, test.Labels, 1), slices.Sorted(maps.Keys(differ)))

	// Refused in a field, each with the reason.
	src := ising.Stream(12, "refused")
	_, err = ising.Generate(&ising.DatasetSettings{L: L, H: h, Grid: grid, Algorithm: ising.AlgWolff}, src, nil)
	fmt.Println(err)
	_, err = ising.NewSampler(ising.AlgSwendsenWang, L, 2, h, src)
	fmt.Println(err)
	_, err = ising.NewMultiSpin(L, grid, h, src)
	fmt.Println(err)
	_, err = thermo.FitEnergyBayes(math.Inf(1), train.Configs, train.Labels, train.Grid)
	fmt.Println(err)
	// Output:
	// h = 0.5: checkerboard chains, global flip false
	// T = 1   e = -2.496 ± 0.002 (exact -2.499, +1.3σ)  m = 0.999 ± 0.001 (exact 1.000, -1.3σ)
	// T = 1.5 e = -2.482 ± 0.005 (exact -2.475, -1.3σ)  m = 0.996 ± 0.001 (exact 0.994, +1.5σ)
	// T = 2   e = -2.359 ± 0.015 (exact -2.370, +0.7σ)  m = 0.962 ± 0.005 (exact 0.967, -0.9σ)
	// T = 2.5 e = -2.114 ± 0.025 (exact -2.119, +0.2σ)  m = 0.892 ± 0.009 (exact 0.889, +0.3σ)
	// T = 3   e = -1.700 ± 0.032 (exact -1.730, +0.9σ)  m = 0.733 ± 0.016 (exact 0.743, -0.7σ)
	// T = 3.5 e = -1.315 ± 0.038 (exact -1.332, +0.5σ)  m = 0.574 ± 0.020 (exact 0.575, -0.0σ)
	// T = 4   e = -1.006 ± 0.033 (exact -1.028, +0.7σ)  m = 0.430 ± 0.020 (exact 0.436, -0.3σ)
	// thermometer at h = 0.5:  exact class 0.31, within one class 0.63
	//   T = 1   reads ⟨Σ pₖTₖ⟩ = 1.85
	//   T = 1.5 reads ⟨Σ pₖTₖ⟩ = 1.87
	//   T = 2   reads ⟨Σ pₖTₖ⟩ = 2.05
	//   T = 2.5 reads ⟨Σ pₖTₖ⟩ = 2.44
	//   T = 3   reads ⟨Σ pₖTₖ⟩ = 2.84
	//   T = 3.5 reads ⟨Σ pₖTₖ⟩ = 3.14
	//   T = 4   reads ⟨Σ pₖTₖ⟩ = 3.33
	// exact Bayes:            exact class 0.30, within one class 0.64; decides otherwise only at E = [-31]
	// ising: invalid settings: Algorithm = wolff (want one that works in a field: wolff needs H = 0, have H = 0.5)
	// ising: swendsen-wang needs h = 0, have h = 0.5
	// ising: the multi-spin sampler supports h = 0 only: h = 0.5
	// thermo: invalid settings: h = +Inf (want a finite field)
}
