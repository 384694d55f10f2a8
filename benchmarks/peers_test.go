package benchmarks

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/rgflow/rgflow/rbm"
	"github.com/rgflow/rgflow/thermo"
)

// The benchmarks in this file are the rows of the speed goals of issue 8 and
// the Go side of the peer comparison in benchmarks/peers (run.sh there runs
// them beside PyTorch and scikit-learn and prints the ratios). They use the
// public API only, on the same shapes as benchmarks/peers/peers.py.
//
// The data are random 0/1 matrices with independent Bernoulli(1/2) cells:
// that is the average density of Ising data at zero field (⟨v⟩ = 1/2 by the
// Z₂ symmetry), so products that exploit 0/1 structure see the same number of
// ones, and the Python side draws the same kind of data with the same shapes.
// The data are made once per shape, outside the timed loops; making them
// all takes a fraction of a second.

// peerNv is the number of visible units (L = 10) in every peer workload.
const peerNv = 100

// peerProcs are the GOMAXPROCS values of the sub-benchmarks.
var peerProcs = []int{1, 2}

// peerCache holds the random data by shape, so that the procs=1 and procs=2
// sub-benchmarks (and -count repeats) share them.
var peerCache = map[[2]int]*mat.Dense{}

// randomBinary returns a rows×cols matrix of independent Bernoulli(1/2)
// cells drawn from a fixed seed.
func randomBinary(rows, cols int) *mat.Dense {
	key := [2]int{rows, cols}
	if d, ok := peerCache[key]; ok {
		return d
	}
	rng := rand.New(rand.NewPCG(uint64(rows), uint64(cols)))
	data := make([]float64, rows*cols)
	for i := 0; i < len(data); i += 64 {
		bits := rng.Uint64()
		for j := i; j < min(i+64, len(data)); j++ {
			data[j] = float64(bits & 1)
			bits >>= 1
		}
	}
	d := mat.NewDense(rows, cols, data)
	peerCache[key] = d
	return d
}

// withProcs runs f as sub-benchmarks procs=1 and procs=2, each with
// runtime.GOMAXPROCS set to that value for its duration.
func withProcs(b *testing.B, f func(b *testing.B)) {
	for _, p := range peerProcs {
		b.Run(fmt.Sprintf("procs=%d", p), func(b *testing.B) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(p))
			f(b)
		})
	}
}

// reportPerOp reports the time per operation in milliseconds under the
// given unit ("ms/epoch", "ms/step") and returns it in seconds.
func reportPerOp(b *testing.B, unit string) float64 {
	sec := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(1e3*sec, unit)
	return sec
}

// BenchmarkCD1Epoch is one epoch of CD-1 (batch 100, learning rate 0.01, no
// momentum) of an RBM with 100 visible units, by hidden size and number of
// samples. The biases are on (rbm.New's default), as in the usual PyTorch RBM
// the peer comparison runs; the paper's RBM has none (BenchmarkRBMEpoch).
//
// GFLOP/s counts 2·Nv·Nh flops for each of the five matrix products per
// sample: v₀W, h₀Wᵀ, v₁W and the two gradient outer products v₀ᵀp(h|v₀)
// and v₁ᵀp(h|v₁). Sigmoids, sampling and updates are not counted.
func BenchmarkCD1Epoch(b *testing.B) {
	for _, c := range []struct{ nh, n int }{{64, 25000}, {100, 40000}, {400, 40000}} {
		b.Run(fmt.Sprintf("Nh=%d/N=%d", c.nh, c.n), func(b *testing.B) {
			data := randomBinary(c.n, peerNv)
			withProcs(b, func(b *testing.B) {
				m := rbm.New(peerNv, c.nh, nil, rand.NewPCG(21, 22))
				s := &rbm.Settings{Epochs: 1, BatchSize: 100, LearningRate: 0.01, Src: rand.NewPCG(23, 24)}
				b.ReportAllocs()
				for b.Loop() {
					if err := rbm.Train(m, data, s, rbm.CD{K: 1}); err != nil {
						b.Fatal(err)
					}
				}
				sec := reportPerOp(b, "ms/epoch")
				b.ReportMetric(float64(c.n)/sec, "samples/s")
				b.ReportMetric(5*2*peerNv*float64(c.nh)*float64(c.n)/sec/1e9, "GFLOP/s")
			})
		})
	}
}

// BenchmarkFlowStep is one sampled Gibbs step v → h → v′ of 1000 chains of an
// RBM with 100 visible and 100 hidden units (with biases), the unit of the
// paper's flow.
func BenchmarkFlowStep(b *testing.B) {
	const nh, chains = 100, 1000
	b.Run(fmt.Sprintf("Nh=%d/chains=%d", nh, chains), func(b *testing.B) {
		v0 := randomBinary(chains, peerNv)
		withProcs(b, func(b *testing.B) {
			m := rbm.New(peerNv, nh, nil, rand.NewPCG(25, 26))
			g := rbm.NewGibbs(m, nil, rand.NewPCG(27, 28))
			v := mat.NewDense(chains, peerNv, nil)
			v.Copy(v0)
			dst := mat.NewDense(chains, peerNv, nil)
			g.Step(dst, v) // sizes the sampler's buffers, as PyTorch's warm-up does
			b.ReportAllocs()
			for b.Loop() {
				g.Step(dst, v)
				v, dst = dst, v
			}
			sec := reportPerOp(b, "ms/step")
			b.ReportMetric(chains/sec, "chain-steps/s")
		})
	})
}

// BenchmarkThermometerSGDEpoch is one epoch of plain SGD (batch 100, learning
// rate 0.1, no momentum) of the reference thermometer (100 → 512 → 256 → 64 →
// 25, tanh, cross-entropy) on 40 000 rows with random labels among 25
// temperatures. (BenchmarkThermometerEpoch, in paper_test.go, is the small
// network with the default Adam on the 5000-row stand-in dataset.)
//
// GFLOP/s counts 2·in·out flops per sample and layer for the forward pass
// and for the weight gradient, and again for the gradient with respect to the
// layer's input in every layer but the first (3 products per layer, 2 for the
// first). Activations, softmax and updates are not counted.
func BenchmarkThermometerSGDEpoch(b *testing.B) {
	const n = 40000
	b.Run(fmt.Sprintf("arch=reference/N=%d", n), func(b *testing.B) {
		x := randomBinary(n, peerNv)
		grid := make([]float64, 25)
		for i := range grid {
			grid[i] = 1 + 0.1*float64(i)
		}
		labels := make([]int, n)
		rng := rand.New(rand.NewPCG(29, 30))
		for i := range labels {
			labels[i] = rng.IntN(len(grid))
		}
		widths := append(append([]int{peerNv}, thermo.Reference.Hidden...), len(grid))
		flops := 0.0
		for l := 1; l < len(widths); l++ {
			mul := 2 * float64(widths[l-1]*widths[l])
			flops += 2 * mul
			if l > 1 {
				flops += mul
			}
		}
		withProcs(b, func(b *testing.B) {
			net := thermo.NewNetwork(peerNv, grid, thermo.Reference, rand.NewPCG(31, 32))
			s := &thermo.TrainSettings{Epochs: 1, BatchSize: 100, Optimizer: thermo.SGD,
				LearningRate: 0.1, Src: rand.NewPCG(33, 34)}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := thermo.Train(net, x, labels, s); err != nil {
					b.Fatal(err)
				}
			}
			sec := reportPerOp(b, "ms/epoch")
			b.ReportMetric(n/sec, "samples/s")
			b.ReportMetric(flops*n/sec/1e9, "GFLOP/s")
		})
	})
}
