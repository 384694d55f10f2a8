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

// magnetisedData returns n binary rows of width nv like the paper's data
// pooled over 25 temperatures: row r has magnetisation ±m, m uniform in
// [0, 1], so its density is (1 ± m)/2 and the rarer value has density
// 0.25 on average (0.245 in the paper's data set).
func magnetisedData(n, nv int) *mat.Dense {
	r := rand.New(rand.NewPCG(1, 2))
	d := mat.NewDense(n, nv, nil)
	for i := 0; i < n; i++ {
		m := r.Float64()
		if r.IntN(2) == 0 {
			m = -m
		}
		row := d.RawRowView(i)
		for j := range row {
			if r.Float64() < (1+m)/2 {
				row[j] = 1
			}
		}
	}
	return d
}

// BenchmarkTrainEpochCD1Magnetised is BenchmarkTrainEpochCD1 at Nh = 100
// on rows with the paper's spread of magnetisations (magnetisedData)
// instead of density ½: the products take the complement of rows with
// more bits set than clear, so they add about half the rows they add on
// random data.
func BenchmarkTrainEpochCD1Magnetised(b *testing.B) {
	const nv, nh, n = 100, 100, 40000
	data := magnetisedData(n, nv)
	for _, procs := range []int{1, 2} {
		b.Run(fmt.Sprintf("Nh=%d/N=%d/procs=%d", nh, n, procs), func(b *testing.B) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
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
			b.ReportMetric(float64(n)/sec, "samples/s")
		})
	}
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
	// Chains magnetised like the flow's fixed point: |m| = 0.65, 82 or 18
	// of the 100 bits set.
	mag := mat.NewDense(chains, nv, nil)
	r := rand.New(rand.NewPCG(4, 4))
	for i := 0; i < chains; i++ {
		d := 0.825
		if i%2 == 1 {
			d = 0.175
		}
		for j := 0; j < nv; j++ {
			if r.Float64() < d {
				mag.Set(i, j, 1)
			}
		}
	}
	for _, c := range []struct {
		mf   bool
		prec Precision
		mag  bool
	}{{false, Float32, false}, {false, Float32, true}, {false, Float64, false}, {true, Float64, false}} {
		name := fmt.Sprintf("chains=%d/MeanField=%v/%v", chains, c.mf, c.prec)
		if c.mag {
			name += "/magnetised"
		}
		b.Run(name, func(b *testing.B) {
			g := NewGibbs(m, &GibbsSettings{MeanField: c.mf, Precision: c.prec}, rand.NewPCG(3, 3))
			dst := mat.DenseCopyOf(v)
			src := dst
			if c.mag {
				// Every step from the magnetised chains: the model's
				// random weights would demagnetise chains left to run.
				src = mag
			}
			b.ReportAllocs()
			for b.Loop() {
				g.Step(dst, src)
			}
			sec := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(sec*1e3, "ms/step")
			b.ReportMetric(4*float64(nv*nh*chains)/sec/1e9, "GFLOP/s")
			b.ReportMetric(float64(chains)/sec, "chains/s")
		})
	}
}
