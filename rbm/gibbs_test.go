package rbm

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestGibbsStationary runs many independent chains of a tiny RBM and
// compares the histogram of visible states with the exact p(v).
func TestGibbsStationary(t *testing.T) {
	t.Parallel()
	for _, prec := range []Precision{Float32, Float64} {
		t.Run(prec.String(), func(t *testing.T) { testGibbsStationary(t, prec) })
	}
}

func testGibbsStationary(t *testing.T, prec Precision) {
	m := randomModel(4, 3, 1.2, 5)
	p := modelDist(t, m)
	const n = 20000
	v := mat.NewDense(n, 4, nil) // all chains start at 0000
	g := NewGibbs(m, &GibbsSettings{K: 30, Precision: prec}, rand.NewPCG(8, 8))
	g.Step(v, v)
	counts := make([]float64, 16)
	for i := 0; i < n; i++ {
		counts[stateIndex(v.RawRowView(i))]++
	}
	var chi2 float64
	for s, c := range counts {
		e := n * p[s]
		chi2 += (c - e) * (c - e) / e
	}
	// χ² with 15 degrees of freedom has mean 15 and sd √30 ≈ 5.5; after 30
	// steps the chains of this 4×3 model are mixed to far below the
	// statistical noise. Allow mean + 5 sd.
	if lim := 15 + 5*math.Sqrt(30); chi2 > lim {
		t.Errorf("χ² = %.1f > %.1f: sampled states do not follow p(v)", chi2, lim)
	}
	t.Logf("χ²(15) = %.1f", chi2)
}

func TestGibbsMeanField(t *testing.T) {
	t.Parallel()
	m := randomModel(9, 6, 0.8, 6)
	v := mat.NewDense(130, 9, nil)
	r := rand.New(rand.NewPCG(1, 1))
	for i := range v.RawMatrix().Data {
		v.RawMatrix().Data[i] = float64(r.IntN(2))
	}
	var got mat.Dense
	NewGibbs(m, &GibbsSettings{MeanField: true, K: 2}, rand.NewPCG(2, 2)).Step(&got, v)
	var h, want mat.Dense
	x := mat.DenseCopyOf(v)
	for range 2 {
		m.HiddenProbs(&h, x)
		m.VisibleProbs(&want, &h)
		x.Copy(&want)
	}
	// Same operations in the same order, except for the transposed copy of
	// W used by Step: agreement to rounding, 1e-14.
	for i := 0; i < 130; i++ {
		for j := 0; j < 9; j++ {
			if d := math.Abs(got.At(i, j) - want.At(i, j)); d > 1e-14 {
				t.Fatalf("mean-field step [%d,%d] off by %g", i, j, d)
			}
		}
	}
}

func gibbsInput(n, nv int) *mat.Dense {
	v := mat.NewDense(n, nv, nil)
	r := rand.New(rand.NewPCG(3, 3))
	for i := range v.RawMatrix().Data {
		v.RawMatrix().Data[i] = float64(r.IntN(2))
	}
	return v
}

func TestGibbsAllocs(t *testing.T) {
	m := New(100, 100, nil, rand.NewPCG(1, 1))
	v := gibbsInput(1000, 100)
	for _, mf := range []bool{false, true} {
		g := NewGibbs(m, &GibbsSettings{MeanField: mf}, rand.NewPCG(2, 2))
		dst := &mat.Dense{}
		g.Step(dst, v)
		if a := testing.AllocsPerRun(20, func() { g.Step(dst, dst) }); a != 0 {
			t.Errorf("MeanField=%v: %v allocations per Step, want 0", mf, a)
		}
	}
}

func TestGibbsGOMAXPROCS(t *testing.T) {
	m := randomModel(100, 64, 0.1, 1)
	v := gibbsInput(1000, 100)
	run := func(procs int) (*mat.Dense, *mat.Dense) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		g := NewGibbs(m, &GibbsSettings{K: 3}, rand.NewPCG(5, 5))
		var a mat.Dense
		g.Step(&a, v)
		b := mat.DenseCopyOf(v) // in place
		g2 := NewGibbs(m, &GibbsSettings{K: 3}, rand.NewPCG(5, 5))
		g2.Step(b, b)
		return &a, b
	}
	a1, b1 := run(1)
	a2, b2 := run(2)
	if !denseBits(a1, a2) {
		t.Error("Gibbs step differs between GOMAXPROCS=1 and 2")
	}
	if !denseBits(a1, b1) || !denseBits(a2, b2) {
		t.Error("in-place Step (dst == v) differs from Step into a new matrix")
	}
	if denseBits(a1, v) {
		t.Error("Step did not change the state")
	}
}
