package ising_test

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/rgflow/rgflow/ising"
)

func ExampleDensityOfStates() {
	// The number of states of each energy on the 3×3 periodic lattice.
	energies, lnG, err := ising.DensityOfStates(3, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, e := range energies {
		fmt.Printf("E = %3d: g = %.0f\n", e, math.Exp(lnG[i]))
	}
	// Output:
	// E = -18: g = 2
	// E = -10: g = 18
	// E =  -6: g = 48
	// E =  -2: g = 198
	// E =   2: g = 144
	// E =   6: g = 102
}

func ExampleExact() {
	x := ising.Exact(10, 2.0)
	fmt.Printf("L=10 T=2: e = %.7f, c = %.7f\n", x.E, x.C)
	x = ising.Exact(10, 3.0)
	fmt.Printf("L=10 T=3: e = %.7f, c = %.7f\n", x.E, x.C)
	fmt.Printf("Onsager T=2: e = %.6f, c = %.6f, m = %.6f\n",
		ising.OnsagerEnergy(2), ising.OnsagerSpecificHeat(2), ising.SpontaneousMagnetization(2))
	// Output:
	// L=10 T=2: e = -1.7454310, c = 0.7231649
	// L=10 T=3: e = -0.8256408, c = 0.4395525
	// Onsager T=2: e = -1.745565, c = 0.724871, m = 0.911319
}

func ExampleEnumerate() {
	en := ising.Enumerate(4, ising.Tc, 0)
	fmt.Printf("4×4 at Tc: e = %.4f, |m| = %.4f, c = %.4f\n", en.E, en.AbsM, en.C)
	allUp := en.StateIndex([]float64{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1})
	fmt.Printf("p(all up) = %.4f\n", en.Prob[allUp])
	// Output:
	// 4×4 at Tc: e = -1.5656, |m| = 0.8439, c = 0.7833
	// p(all up) = 0.2417
}

func ExampleJackknife() {
	// The ratio ⟨x⟩/⟨y⟩ of two paired series, with its jackknife error.
	x := []float64{1.0, 1.2, 0.9, 1.1, 1.0, 0.8}
	y := []float64{2.0, 2.1, 1.9, 2.2, 2.0, 1.8}
	r, err := ising.Jackknife(len(x), func(m []float64) float64 { return m[0] / m[1] }, x, y)
	fmt.Printf("⟨x⟩/⟨y⟩ = %.4f ± %.4f\n", r, err)
	// Output:
	// ⟨x⟩/⟨y⟩ = 0.5003 ± 0.0171
}

func ExampleCorrelations() {
	// Two 4×4 configurations: all up, and vertical stripes of width 2.
	up := []float64{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}
	stripes := []float64{1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0}
	cr := ising.Correlations(4, mat.NewDense(2, 16, append(up, stripes...)))
	for k, r := range cr.R {
		fmt.Printf("G(r=%.3f) = %+.3f\n", r, cr.GR[k])
	}
	// Output:
	// G(r=0.000) = +1.000
	// G(r=1.000) = +0.750
	// G(r=1.414) = +0.500
	// G(r=2.000) = +0.500
	// G(r=2.236) = +0.250
	// G(r=2.828) = +0.000
}

func ExampleSummarize() {
	// Per-spin energy and |m| of six independent 4×4 samples at T = 2.
	e := []float64{-2, -1.5, -2, -1.75, -2, -1.5}
	absM := []float64{1, 0.75, 1, 0.875, 1, 0.75}
	s := ising.Summarize(e, absM, 2, 16)
	fmt.Printf("e = %.3f ± %.3f, |m| = %.3f ± %.3f\n", s.E, s.EErr, s.AbsM, s.AbsMErr)
	fmt.Printf("c = %.3f ± %.3f, U = %.3f ± %.3f\n", s.C, s.CErr, s.Binder, s.BinderErr)
	// Output:
	// e = -1.792 ± 0.100, |m| = 0.896 ± 0.050
	// c = 0.242 ± 0.061, U = 0.645 ± 0.008
}
