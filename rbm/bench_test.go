package rbm

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// benchData returns n random binary rows of width nv with half the cells 1,
// like Ising configurations pooled over temperatures.
func benchData(n, nv int) *mat.Dense {
	r := rand.New(rand.NewPCG(1, 1))
	d := mat.NewDense(n, nv, nil)
	raw := d.RawMatrix().Data
	for i := range raw {
		raw[i] = float64(r.IntN(2))
	}
	return d
}

// BenchmarkTrainEpochCD1 times one CD-1 epoch at the paper's sizes:
// Nv = 100, 25 000 samples, batch 100. A CD-1 update costs five Nv×Nh
// products per sample (v₀W, hWᵀ, v₁W and the two outer-product sums),
// 10·Nv·Nh flops.
func BenchmarkTrainEpochCD1(b *testing.B) {
	const n, nv = 25000, 100
	data := benchData(n, nv)
	for _, nh := range []int{64, 100} {
		b.Run(fmt.Sprintf("Nh=%d", nh), func(b *testing.B) {
			m := New(nv, nh, &InitSettings{NoBias: true}, rand.NewPCG(2, 2))
			set := &Settings{Epochs: 1, BatchSize: 100, LearningRate: 0.01, Src: rand.NewPCG(3, 3)}
			b.ReportAllocs()
			for b.Loop() {
				if err := Train(m, data, set, CD{K: 1}); err != nil {
					b.Fatal(err)
				}
			}
			sec := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(sec*1e3, "ms/epoch")
			b.ReportMetric(10*float64(nv*nh*n)/sec/1e9, "GFLOP/s")
			b.ReportMetric(float64(n)/sec, "samples/s")
		})
	}
}

// BenchmarkGibbsStep times one sampled step v → h → v′ of 1000 chains at
// Nv = Nh = 100 (4·Nv·Nh flops per chain).
func BenchmarkGibbsStep(b *testing.B) {
	const chains, nv, nh = 1000, 100, 100
	m := New(nv, nh, nil, rand.NewPCG(2, 2))
	v := benchData(chains, nv)
	for _, mf := range []bool{false, true} {
		b.Run(fmt.Sprintf("chains=%d/MeanField=%v", chains, mf), func(b *testing.B) {
			g := NewGibbs(m, &GibbsSettings{MeanField: mf}, rand.NewPCG(3, 3))
			dst := mat.DenseCopyOf(v)
			b.ReportAllocs()
			for b.Loop() {
				g.Step(dst, dst)
			}
			sec := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(sec*1e3, "ms/step")
			b.ReportMetric(4*float64(nv*nh*chains)/sec/1e9, "GFLOP/s")
			b.ReportMetric(float64(chains)/sec, "chains/s")
		})
	}
}
