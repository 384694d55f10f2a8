package thermo

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func randomRows(n, c int, seed uint64) (*mat.Dense, []int) {
	rng := rand.New(rand.NewPCG(seed, 1))
	x := mat.NewDense(n, c, nil)
	for i := range x.RawMatrix().Data {
		x.RawMatrix().Data[i] = float64(rng.IntN(2))
	}
	y := make([]int, n)
	for i := range y {
		y[i] = rng.IntN(25)
	}
	return x, y
}

// trainFlops returns the floating-point operations of one training pass
// over one row: forward 2·in·out per layer, the weight gradient 2·in·out,
// and the back-propagated gradient 2·in·out for all layers but the first.
func trainFlops(n *Network) float64 {
	f := 3 * n.flopsPerSample()
	return f - 2*float64(n.sizes[0]*n.sizes[1])
}

// BenchmarkTrainEpoch is one epoch (Adam, batch 100) over 40 000 rows of
// 100 sites, the paper's training set.
func BenchmarkTrainEpoch(b *testing.B) {
	const rows = 40000
	x, y := randomRows(rows, 100, 1)
	for _, c := range []struct {
		name string
		arch Architecture
	}{{"arch=reference", Reference}, {"arch=small", Small}} {
		b.Run(fmt.Sprintf("%s/N=%d", c.name, rows), func(b *testing.B) {
			net := NewNetwork(100, paperGrid(), c.arch, rand.NewPCG(1, 2))
			s := &TrainSettings{Epochs: 1, Src: rand.NewPCG(3, 4)}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Train(net, x, y, s); err != nil {
					b.Fatal(err)
				}
			}
			sec := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(1e3*sec, "ms/epoch")
			b.ReportMetric(trainFlops(net)*rows/sec/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkTrainEpochSGD is one epoch of the reference architecture
// (100 → 512 → 256 → 64 → 25, tanh) by plain SGD (batch 100, learning rate
// 0.1, the reference code's settings) over 40 000 rows, on one and two
// cores.
func BenchmarkTrainEpochSGD(b *testing.B) {
	const rows = 40000
	x, y := randomRows(rows, 100, 1)
	for _, procs := range []int{1, 2} {
		b.Run(fmt.Sprintf("procs=%d", procs), func(b *testing.B) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			net := NewNetwork(100, paperGrid(), Reference, rand.NewPCG(1, 2))
			s := &TrainSettings{Epochs: 1, Optimizer: SGD, LearningRate: 0.1, BatchSize: 100, Src: rand.NewPCG(3, 4)}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Train(net, x, y, s); err != nil {
					b.Fatal(err)
				}
			}
			sec := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(1e3*sec, "ms/epoch")
			b.ReportMetric(trainFlops(net)*rows/sec/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkProbabilities is inference on 10 000 configurations of L = 10.
func BenchmarkProbabilities(b *testing.B) {
	const rows = 10000
	x, _ := randomRows(rows, 100, 2)
	for _, c := range []struct {
		name string
		arch Architecture
	}{{"arch=reference", Reference}, {"arch=small", Small}} {
		b.Run(fmt.Sprintf("%s/N=%d", c.name, rows), func(b *testing.B) {
			net := NewNetwork(100, paperGrid(), c.arch, rand.NewPCG(1, 2))
			p := mat.NewDense(rows, 25, nil)
			b.ReportAllocs()
			for b.Loop() {
				net.Probabilities(p, x)
			}
			sec := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(rows/sec, "configs/s")
			b.ReportMetric(net.flopsPerSample()*rows/sec/1e9, "GFLOP/s")
		})
	}
	b.Run(fmt.Sprintf("bayes/N=%d", rows), func(b *testing.B) {
		d := L10()
		bayes, err := FitEnergyBayes(0, d.xtr, d.ytr, d.grid)
		if err != nil {
			b.Fatal(err)
		}
		p := mat.NewDense(rows, 25, nil)
		b.ReportAllocs()
		for b.Loop() {
			bayes.Probabilities(p, x)
		}
		b.ReportMetric(rows/(b.Elapsed().Seconds()/float64(b.N)), "configs/s")
	})
}
