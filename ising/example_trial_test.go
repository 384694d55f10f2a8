package ising_test

import (
	"fmt"

	"github.com/rgflow/rgflow/ising"
)

// The user trial's task (a) of issue 12, against the public API only: Wolff
// at L = 32, ⟨|m|⟩, the Binder cumulant U and the susceptibility χ with
// errors that account for the autocorrelation, beside the exact or known
// values where they exist.
//
// The references: the energy e and the specific heat c of the 32×32 torus
// are exact (Kaufman's partition function, ising.Exact). ⟨|m|⟩ at T = 2 is
// set against Yang's spontaneous magnetisation of the infinite lattice:
// there the correlation length is about one lattice spacing, far below L,
// and the torus differs from it only through the asymmetry of the peak of
// m about ±m₀, a term of order 1/N that the error here does not resolve.
// U at T = 2 tends to 2/3 as L → ∞; at L = 32 it lies below by a term of
// order χT/(N⟨|m|⟩²) ≈ 10⁻³ from the spread of that peak, which is many of
// its tiny errors, so no σ is printed. At T_c, U tends to the universal
// U* = 1 − 1/(3Q*) = 0.61069 of the periodic square lattice (Q* =
// ⟨m²⟩²/⟨m⁴⟩ = 0.856216, Kamieniarz & Blöte 1993), with corrections that
// fall off as a power of 1/L and are below the error here. ⟨|m|⟩ at T_c and χ have no exact value
// at finite L.
//
// The tolerance: each estimate's printed error is one standard error
// (Summarize's jackknife over bins of 20 τ_int, so the autocorrelation is
// in it), and the deviation from the reference is printed in those units:
// with a correct sampler and honest errors each is a draw of N(0, 1), so
// every |dev| below 3 is what to expect (here all are below 2). A biased
// sampler (say a bond probability 1 − e^{−1/T}) or errors that ignore the
// autocorrelation show up as deviations of many σ.
func ExampleMeasure_wolffL32() {
	const L, n = 32, 10000
	for _, T := range []float64{2, ising.Tc} {
		w := ising.NewWolff(L, T, ising.Stream(12, fmt.Sprintf("trial a, T = %v", T)))
		// A fixed number of clusters per update, about one sweep's flips,
		// chosen before any measurement.
		k := w.ClustersPerSweep(1000, 20*L*L)
		s, err := ising.Measure(w.Grouped(k), ising.MeasureSettings{BurnIn: 500, N: n}, nil)
		if err != nil {
			fmt.Println(err)
			return
		}
		sum := s.Summarize(T)
		ex := ising.Exact(L, T)
		fmt.Printf("T = %.4f: %d cluster(s) per update, τ_int(e) = %.1f, τ_int(|m|) = %.1f updates\n",
			T, k, sum.TauE, sum.TauAbsM)
		fmt.Printf("  e     = %.4f ± %.4f  exact %.4f (%+.1fσ)\n", sum.E, sum.EErr, ex.E, (sum.E-ex.E)/sum.EErr)
		fmt.Printf("  c     =  %.4f ± %.4f  exact  %.4f (%+.1fσ)\n", sum.C, sum.CErr, ex.C, (sum.C-ex.C)/sum.CErr)
		if T < ising.Tc {
			m0 := ising.SpontaneousMagnetization(T)
			fmt.Printf("  ⟨|m|⟩ =  %.4f ± %.4f  Yang   %.4f (%+.1fσ)\n", sum.AbsM, sum.AbsMErr, m0, (sum.AbsM-m0)/sum.AbsMErr)
			fmt.Printf("  U     =  %.5f ± %.5f  L → ∞: 2/3\n", sum.Binder, sum.BinderErr)
		} else {
			const uStar = 0.61069
			fmt.Printf("  ⟨|m|⟩ =  %.4f ± %.4f\n", sum.AbsM, sum.AbsMErr)
			fmt.Printf("  U     =  %.4f ± %.4f  U*     %.4f (%+.1fσ)\n", sum.Binder, sum.BinderErr, uStar, (sum.Binder-uStar)/sum.BinderErr)
		}
		fmt.Printf("  χ     = %7.4f ± %.4f\n", sum.Chi, sum.ChiErr)
	}
	// Output:
	// T = 2.0000: 1 cluster(s) per update, τ_int(e) = 1.0, τ_int(|m|) = 0.9 updates
	//   e     = -1.7460 ± 0.0007  exact -1.7456 (-0.6σ)
	//   c     =  0.7126 ± 0.0131  exact  0.7249 (-0.9σ)
	//   ⟨|m|⟩ =  0.9116 ± 0.0004  Yang   0.9113 (+0.8σ)
	//   U     =  0.66553 ± 0.00003  L → ∞: 2/3
	//   χ     =  0.3745 ± 0.0110
	// T = 2.2692: 2 cluster(s) per update, τ_int(e) = 1.9, τ_int(|m|) = 1.5 updates
	//   e     = -1.4323 ± 0.0018  exact -1.4337 (+0.8σ)
	//   c     =  1.8772 ± 0.0367  exact  1.8468 (+0.8σ)
	//   ⟨|m|⟩ =  0.6512 ± 0.0028
	//   U     =  0.6090 ± 0.0016  U*     0.6107 (-1.0σ)
	//   χ     = 14.5740 ± 0.4151
}
