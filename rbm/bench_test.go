package rbm

import (
	"fmt"
	"math/rand/v2"
	"runtime"
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

// BenchmarkTrainEpochCD1 times one CD-1 epoch (batch 100) with Nv = 100 at
// the sizes of the speed goals: Nh = 64 on 25 000 samples, Nh = 100 and 400
// on 40 000, on the float32 kernels and the float64 reference, on one core
// and two. A CD-1 update costs five Nv×Nh products per sample (v₀W, hWᵀ,
// v₁W and the two outer-product sums), 10·Nv·Nh flops counted as dense
// products even where the kernels skip the zeros.
func BenchmarkTrainEpochCD1(b *testing.B) {
	const nv = 100
	for _, c := range []struct{ nh, n int }{{64, 25000}, {100, 40000}, {400, 40000}} {
		data := benchData(c.n, nv)
		for _, prec := range []Precision{Float32, Float64} {
			for _, procs := range []int{1, 2} {
				b.Run(fmt.Sprintf("Nh=%d/N=%d/%v/procs=%d", c.nh, c.n, prec, procs), func(b *testing.B) {
					defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
					m := New(nv, c.nh, &InitSettings{NoBias: true}, rand.NewPCG(2, 2))
					set := &Settings{Epochs: 1, BatchSize: 100, LearningRate: 0.01, Src: rand.NewPCG(3, 3)}
					b.ReportAllocs()
					for b.Loop() {
						if err := Train(m, data, set, CD{K: 1, Precision: prec}); err != nil {
							b.Fatal(err)
						}
					}
					sec := b.Elapsed().Seconds() / float64(b.N)
					b.ReportMetric(sec*1e3, "ms/epoch")
					b.ReportMetric(10*float64(nv*c.nh*c.n)/sec/1e9, "GFLOP/s")
					b.ReportMetric(float64(c.n)/sec, "samples/s")
				})
			}
		}
	}
}

// BenchmarkGibbsStep times one sampled step v → h → v′ of 1000 chains at
// Nv = Nh = 100 (4·Nv·Nh flops per chain).
func BenchmarkGibbsStep(b *testing.B) {
	const chains, nv, nh = 1000, 100, 100
	m := New(nv, nh, nil, rand.NewPCG(2, 2))
	v := benchData(chains, nv)
	for _, c := range []struct {
		mf   bool
		prec Precision
	}{{false, Float32}, {false, Float64}, {true, Float64}} {
		b.Run(fmt.Sprintf("chains=%d/MeanField=%v/%v", chains, c.mf, c.prec), func(b *testing.B) {
			g := NewGibbs(m, &GibbsSettings{MeanField: c.mf, Precision: c.prec}, rand.NewPCG(3, 3))
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
