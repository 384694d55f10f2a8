package thermo_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"

	"gonum.org/v1/gonum/mat"

	"github.com/rgflow/rgflow/ising"
	"github.com/rgflow/rgflow/thermo"
)

// Train a small network to tell two temperatures apart: here stand-in
// "configurations" of 16 sites, mostly up at the low temperature and random
// at the high one.
func ExampleTrain() {
	rng := rand.New(rand.NewPCG(1, 2))
	grid := []float64{1, 5}
	x := mat.NewDense(400, 16, nil)
	labels := make([]int, 400)
	for i := range 400 {
		labels[i] = i % 2
		p := 0.95 // probability of a 1 at the low temperature
		if labels[i] == 1 {
			p = 0.5
		}
		for j := range 16 {
			if rng.Float64() < p {
				x.Set(i, j, 1)
			}
		}
	}
	net := thermo.NewNetwork(16, grid, thermo.Small, rand.NewPCG(3, 4))
	res, err := thermo.Train(net, x, labels, &thermo.TrainSettings{Epochs: 100, Src: rand.NewPCG(5, 6)})
	if err != nil {
		fmt.Println(err)
		return
	}
	cal, _ := thermo.Calibrate(net, x, labels)
	fmt.Printf("%d epochs, accuracy %.2f\n", res.Epochs, cal.Exact)
	// Output:
	// 100 epochs, accuracy 1.00
}

// The Bayes-on-energy thermometer reads a ground state as T = 0 and the
// antiferromagnetic checkerboard, the highest energy, as the hottest class.
func ExampleFitEnergyBayes() {
	data, err := ising.Generate(&ising.DatasetSettings{PerTemp: 200}, rand.NewPCG(1, 2), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	b, err := thermo.FitEnergyBayes(0, data.Configs, data.Labels, data.Grid)
	if err != nil {
		fmt.Println(err)
		return
	}
	x := mat.NewDense(2, 100, nil)
	for i := range 10 {
		for j := range 10 {
			x.Set(0, i*10+j, 1)
			x.Set(1, i*10+j, float64((i+j)%2))
		}
	}
	var p mat.Dense
	b.Probabilities(&p, x)
	fmt.Println(thermo.Argmax(nil, &p, b.Temperatures()))
	// Output:
	// [0 6]
}

// An ensemble thermometer inverts the Monte Carlo ⟨E⟩(T) table: the exact
// energy per spin of the 10×10 lattice at T = 2 (Kaufman) reads T ≈ 2.
func ExampleEnsemble_EstimateMean() {
	data, err := ising.Generate(&ising.DatasetSettings{PerTemp: 200}, rand.NewPCG(1, 2), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	e, err := thermo.FitEnsemble(0, thermo.Energy, data.Configs, data.Labels, data.Grid)
	if err != nil {
		fmt.Println(err)
		return
	}
	t, sd := e.EstimateMean(-1.745431, 0)
	fmt.Printf("T = %.1f (uncertainty below 0.05: %v)\n", t, sd < 0.05)
	// Output:
	// T = 2.0 (uncertainty below 0.05: true)
}

// The readouts of a batch of class probabilities.
func ExampleMeanSoftmax() {
	grid := []float64{1, 2, 3}
	p := mat.NewDense(2, 3, []float64{
		0.6, 0.3, 0.1,
		0.2, 0.2, 0.6,
	})
	fmt.Println("argmax:", thermo.Argmax(nil, p, grid))
	fmt.Printf("expectation: %.1f\n", thermo.Expectation(nil, p, grid))
	mean, se := thermo.MeanSoftmax(p)
	fmt.Printf("mean softmax: %.2f ± %.2f\n", mean, se)
	// Output:
	// argmax: [1 3]
	// expectation: [1.5 2.4]
	// mean softmax: [0.40 0.25 0.35] ± [0.20 0.05 0.25]
}

// Save a network as a NumPy .npz archive and load it back.
func ExampleNetwork_Save() {
	dir, err := os.MkdirTemp("", "thermo")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	net := thermo.NewNetwork(100, ising.DefaultGrid(), thermo.Reference, rand.NewPCG(1, 2))
	path := filepath.Join(dir, "thermometer.npz")
	if err := net.Save(path); err != nil {
		fmt.Println(err)
		return
	}
	back, err := thermo.Load(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(back.Inputs(), back.Architecture().Hidden, len(back.Temperatures()), back.NumParams())
	// Output:
	// 100 [512 256 64] 25 201113
}

// A run interrupted after 20 epochs and resumed from its checkpoint ends
// with the same weights as the uninterrupted run: the checkpoint holds the
// optimizer's moments, the random stream and the split.
func ExampleLoadCheckpoint() {
	dir, err := os.MkdirTemp("", "thermo-checkpoint")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	rng := rand.New(rand.NewPCG(1, 2))
	grid := []float64{1, 5}
	x := mat.NewDense(400, 16, nil)
	labels := make([]int, 400)
	for i := range 400 {
		labels[i] = i % 2
		for j := range 16 {
			if rng.Float64() < 0.95-0.45*float64(labels[i]) {
				x.Set(i, j, 1)
			}
		}
	}
	set := thermo.TrainSettings{Epochs: 40, ValidationFraction: 0.2, Src: rand.NewPCG(5, 6),
		Schedule: func(epoch int) float64 { return 1e-2 / float64(epoch) }}
	full := thermo.NewNetwork(16, grid, thermo.Small, rand.NewPCG(3, 4))
	if _, err := thermo.Train(full, x, labels, &set); err != nil {
		fmt.Println(err)
		return
	}

	half := set
	half.Epochs, half.Src, half.CheckpointPath = 20, rand.NewPCG(5, 6), filepath.Join(dir, "ck.npz")
	net := thermo.NewNetwork(16, grid, thermo.Small, rand.NewPCG(3, 4))
	if _, err := thermo.Train(net, x, labels, &half); err != nil {
		fmt.Println(err)
		return
	}
	ck, err := thermo.LoadCheckpoint(half.CheckpointPath)
	if err != nil {
		fmt.Println(err)
		return
	}
	rest := set
	rest.Src, rest.Resume = nil, ck // a new default source takes the checkpoint's state
	if _, err := thermo.Train(net, x, labels, &rest); err != nil {
		fmt.Println(err)
		return
	}
	w1, _ := net.Weights(0)
	w2, _ := full.Weights(0)
	fmt.Println("resumed from epoch", ck.Epoch, "- identical weights:", mat.Equal(w1, w2))
	// Output:
	// resumed from epoch 20 - identical weights: true
}

// A learning rate that decays by 3 % per epoch, as examples/thermometer
// trains the Medium network to the Bayes limit: pass it as
// TrainSettings.Schedule.
func ExampleExponentialSchedule() {
	set := thermo.TrainSettings{Epochs: 100, Schedule: thermo.ExponentialSchedule(1e-3, 0.97)}
	for _, e := range []int{1, 2, 50, 100} {
		fmt.Printf("epoch %3d: %.3g\n", e, set.Schedule(e))
	}
	// Output:
	// epoch   1: 0.001
	// epoch   2: 0.00097
	// epoch  50: 0.000225
	// epoch 100: 4.9e-05
}
