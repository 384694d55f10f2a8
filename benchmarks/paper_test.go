package benchmarks

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/rgflow/rgflow/flow"
	"github.com/rgflow/rgflow/ising"
	"github.com/rgflow/rgflow/rbm"
	"github.com/rgflow/rgflow/thermo"
)

// paperData is a small stand-in for the paper's training set, made once:
// 200 configurations at each of the 25 temperatures, L = 10.
var paperData *ising.Dataset

func data(b *testing.B) *ising.Dataset {
	b.Helper()
	if paperData == nil {
		d, err := ising.Generate(&ising.DatasetSettings{PerTemp: 200}, rand.NewPCG(1, 2), nil)
		if err != nil {
			b.Fatal(err)
		}
		paperData = d
	}
	return paperData
}

// BenchmarkDataset generates the paper's 25-temperature dataset at 200
// configurations per temperature.
func BenchmarkDataset(b *testing.B) {
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		d, err := ising.Generate(&ising.DatasetSettings{PerTemp: 200}, rand.NewPCG(3, 4), nil)
		if err != nil {
			b.Fatal(err)
		}
		n += len(d.Temps)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "configs/s")
}

// BenchmarkRBMEpoch is one epoch of the default schedule (CD-1, momentum,
// batch 100) of a bias-free RBM with 100 visible units on the 5000
// configurations, by hidden size.
func BenchmarkRBMEpoch(b *testing.B) {
	d := data(b)
	rows, _ := d.Configs.Dims()
	for _, nh := range []int{64, 100, 400} {
		b.Run(fmt.Sprintf("Nh=%d", nh), func(b *testing.B) {
			m := rbm.New(100, nh, &rbm.InitSettings{NoBias: true}, rand.NewPCG(5, 6))
			s := &rbm.Settings{Epochs: 1, LearningRate: 0.05, Momentum: 0.9, Src: rand.NewPCG(7, 8)}
			b.ReportAllocs()
			for b.Loop() {
				if err := rbm.Train(m, d.Configs, s, rbm.CD{K: 1}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*rows)/b.Elapsed().Seconds(), "samples/s")
		})
	}
}

// BenchmarkFlow is the paper's flow: 1000 chains, 40 sampled steps of a
// bias-free RBM with 100 visible units, each step read out by a small
// neural thermometer, the lattice energy and |m|, by hidden size.
func BenchmarkFlow(b *testing.B) {
	d := data(b)
	net := thermo.NewNetwork(100, d.Grid, thermo.Small, rand.NewPCG(11, 12))
	obs := flow.Observer{Classifier: net, Energy: flow.LatticeEnergy(10, 0)}
	v0 := flow.Random(1000, 100, rand.NewPCG(13, 14))
	const steps = 40
	for _, nh := range []int{100, 400} {
		b.Run(fmt.Sprintf("Nh=%d", nh), func(b *testing.B) {
			m := rbm.New(100, nh, &rbm.InitSettings{NoBias: true}, rand.NewPCG(9, 10))
			b.ReportAllocs()
			for b.Loop() {
				g := rbm.NewGibbs(m, nil, rand.NewPCG(15, 16))
				if err := flow.Run(g, v0, steps, func(n int, v *mat.Dense) error {
					obs.Measure(n, v)
					return nil
				}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*1000*steps)/b.Elapsed().Seconds(), "chain-steps/s")
		})
	}
}

// BenchmarkThermometerEpoch is one training epoch of the small thermometer
// on the 5000 configurations.
func BenchmarkThermometerEpoch(b *testing.B) {
	d := data(b)
	net := thermo.NewNetwork(100, d.Grid, thermo.Small, rand.NewPCG(17, 18))
	s := &thermo.TrainSettings{Epochs: 1, Src: rand.NewPCG(19, 20)}
	rows, _ := d.Configs.Dims()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := thermo.Train(net, d.Configs, d.Labels, s); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*rows)/b.Elapsed().Seconds(), "samples/s")
}
