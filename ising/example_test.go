package ising_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"

	"github.com/rgflow/rgflow/ising"
)

// Generate draws a labelled dataset; each temperature reports the sampler
// it chose, from how many independent chains the configurations come and
// how far apart they are; PilotShare is the pilot runs' share of the work.
func ExampleGenerate() {
	set := &ising.DatasetSettings{L: 16, Grid: []float64{0, 2.25, 6}, PerTemp: 100}
	d, err := ising.Generate(set, rand.NewPCG(1, 2), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	r, c := d.Configs.Dims()
	fmt.Println(r, "configurations of", c, "spins")
	for _, info := range d.Info {
		fmt.Printf("T = %v: %v, %d chains, saved every %d updates\n", info.T, info.Algorithm, info.Chains, info.Spacing)
	}
	fmt.Printf("pilots: %.0f%% of the work\n", 100*d.PilotShare())
	// Output:
	// 300 configurations of 256 spins
	// T = 0: zero-t, 1 chains, saved every 1 updates
	// T = 2.25: multispin, 16 chains, saved every 110 updates
	// T = 6: multispin, 6 chains, saved every 3 updates
	// pilots: 18% of the work
}

// A Sampler advances by a fixed number of updates between measurements.
func ExampleNewWolff() {
	const L, T = 16, 1.5
	s := ising.NewWolff(L, T, rand.NewPCG(3, 4))
	row := make([]float64, s.Sites())
	s.Sweep(100)
	var e, m float64
	const n = 2000
	for range n {
		s.Sweep(1)
		s.Read(row)
		e += ising.EnergyPerSpin(L, 0, row)
		m += math.Abs(ising.Magnetization(row))
	}
	fmt.Printf("⟨e⟩ = %.2f (Onsager %.2f), ⟨|m|⟩ = %.2f (Yang %.2f)\n",
		e/n, ising.OnsagerEnergy(T), m/n, ising.SpontaneousMagnetization(T))
	// Output:
	// ⟨e⟩ = -1.95 (Onsager -1.95), ⟨|m|⟩ = 0.99 (Yang 0.99)
}

// Split divides each temperature 80/20; Save and Load keep a dataset as
// NumPy files with checksums.
func ExampleDataset_Save() {
	d, err := ising.Generate(&ising.DatasetSettings{L: 4, Grid: []float64{1, 3}, PerTemp: 50}, rand.NewPCG(5, 6), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	train, test := d.Split(0.8, rand.NewPCG(7, 8))
	fmt.Println("train", train.Counts(), "test", test.Counts())
	dir, err := os.MkdirTemp("", "ising-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	if err := train.Save(dir); err != nil {
		fmt.Println(err)
		return
	}
	back, err := ising.Load(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	r, c := back.Configs.Dims()
	fmt.Println("loaded", r, "×", c, "grid", back.Grid)
	// Output:
	// train [40 40] test [10 10]
	// loaded 80 × 16 grid [1 3]
}

// The topology-free generators for the follow-up experiments.
func ExampleNewCurieWeiss() {
	fmt.Printf("mean-field m(T=2) = %.4f, m(T=4) = %v\n", ising.MeanFieldM(2, 0), ising.MeanFieldM(4, 0))
	p := ising.CurieWeissProbs(4, 0, 0)
	fmt.Println("Curie–Weiss N=4, T=0: P(#up) =", p)
	// Output:
	// mean-field m(T=2) = 0.9575, m(T=4) = 0
	// Curie–Weiss N=4, T=0: P(#up) = [0.5 0 0 0 0.5]
}

// The measurement loop of a study with Wolff at L = 32: clusters grouped
// into sweep-sized updates, a burn-in, then a series of e and m whose
// averages carry errors that account for the autocorrelation.
func ExampleMeasure() {
	const L, T = 32, 2.5
	w := ising.NewWolff(L, T, ising.Stream(1, "wolff"))
	k := w.ClustersPerSweep(1000, 20*L*L)
	s, err := ising.Measure(w.Grouped(k), ising.MeasureSettings{BurnIn: 200, N: 4000}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	sum := s.Summarize(T)
	fmt.Printf("%d clusters per update; τ_int(|m|) = %.1f updates\n", k, sum.TauAbsM)
	fmt.Printf("⟨|m|⟩ = %.3f ± %.3f, U = %.3f ± %.3f, χ = %.2f ± %.2f\n",
		sum.AbsM, sum.AbsMErr, sum.Binder, sum.BinderErr, sum.Chi, sum.ChiErr)
	// Output:
	// 17 clusters per update; τ_int(|m|) = 0.5 updates
	// ⟨|m|⟩ = 0.200 ± 0.002, U = 0.151 ± 0.014, χ = 8.20 ± 0.18
}

// Datasets drawn at different temperatures (each from its own named
// stream) join into one; Subset picks rows.
func ExampleConcat() {
	low, err := ising.Generate(&ising.DatasetSettings{L: 8, Grid: []float64{1, 2}, PerTemp: 30}, ising.Stream(7, "low"), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	high, err := ising.Generate(&ising.DatasetSettings{L: 8, Grid: []float64{3}, PerTemp: 20}, ising.Stream(7, "high"), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	all, err := ising.Concat(high, low)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("grid", all.Grid, "counts", all.Counts())
	first := all.Subset([]int{0, 30, 60})
	fmt.Println("subset temperatures", first.Temps)
	// Output:
	// grid [1 2 3] counts [30 30 20]
	// subset temperatures [1 2 3]
}

// In a field the response of ⟨m⟩ to h is χ_h = N(⟨m²⟩ − ⟨m⟩²)/T, from the
// signed magnetisation: SummarizeSigned (and Series.Summarize) give it with
// ⟨m⟩, here on 4×4 beside exact enumeration.
func ExampleSummarizeSigned() {
	const L, T, h = 4, 2.5, 0.5
	smp := ising.NewMetropolis(L, T, h, ising.Stream(2, "field"))
	s, err := ising.Measure(smp, ising.MeasureSettings{BurnIn: 2000, Every: 16, N: 20000, H: h}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	sum := ising.SummarizeSigned(s.E, s.M, T, L*L)
	ex := ising.Enumerate(L, T, h)
	chi := L * L * (ex.M2 - ex.M*ex.M) / T
	fmt.Printf("⟨m⟩ = %.4f ± %.4f (exact %.4f, %+.1fσ)\n", sum.M, sum.MErr, ex.M, (sum.M-ex.M)/sum.MErr)
	fmt.Printf("χ_h = %.3f ± %.3f (exact %.3f, %+.1fσ)\n", sum.ChiField, sum.ChiFieldErr, chi, (sum.ChiField-chi)/sum.ChiFieldErr)
	// Output:
	// ⟨m⟩ = 0.8878 ± 0.0015 (exact 0.8887, -0.6σ)
	// χ_h = 0.257 ± 0.010 (exact 0.259, -0.2σ)
}
