package rbm

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestNewInit(t *testing.T) {
	t.Parallel()
	const nv, nh = 100, 100
	m := New(nv, nh, nil, rand.NewPCG(1, 1))
	var s, s2 float64
	for _, x := range m.W.RawMatrix().Data {
		s += x
		s2 += x * x
	}
	n := float64(nv * nh)
	mean, sd := s/n, math.Sqrt(s2/n-(s/n)*(s/n))
	// For n = 10⁴ Gaussian draws with σ = 0.1, the mean has standard error
	// σ/√n = 0.001 and the sample sd has standard error σ/√(2n) ≈ 0.0007;
	// allow 5 standard errors.
	if math.Abs(mean) > 5*0.001 || math.Abs(sd-DefaultSigma) > 5*0.0007 {
		t.Errorf("init mean %v sd %v, want 0 and %v", mean, sd, DefaultSigma)
	}
	for _, b := range append(append([]float64(nil), m.VBias...), m.HBias...) {
		if b != 0 {
			t.Fatal("biases not zero")
		}
	}
	nb := New(3, 2, &InitSettings{NoBias: true, Sigma: -1, Mean: 0.5}, rand.NewPCG(1, 1))
	if !nb.NoVBias || !nb.NoHBias || nb.W.At(2, 1) != 0.5 {
		t.Errorf("NoBias/Sigma<0/Mean not honoured: %+v", nb)
	}
	// Same seed, same weights.
	if !denseBits(m.W, New(nv, nh, nil, rand.NewPCG(1, 1)).W) {
		t.Error("New is not deterministic")
	}
}

func TestInferenceAgainstFormulas(t *testing.T) {
	t.Parallel()
	m := randomModel(7, 5, 0.8, 3)
	r := rand.New(rand.NewPCG(4, 4))
	v := mat.NewDense(150, 7, nil) // more than one block of rows
	h := mat.NewDense(150, 5, nil)
	for i := 0; i < 150; i++ {
		for j := 0; j < 7; j++ {
			v.Set(i, j, float64(r.IntN(2)))
		}
		for j := 0; j < 5; j++ {
			h.Set(i, j, float64(r.IntN(2)))
		}
	}
	var ph, pv mat.Dense
	m.HiddenProbs(&ph, v)
	m.VisibleProbs(&pv, h)
	f := m.FreeEnergy(nil, v)
	e := m.Energy(nil, v, h)
	const tol = 1e-12 // a few ulps of O(1) sums of ≤ 7 terms
	for i := 0; i < 150; i++ {
		for j := 0; j < 5; j++ {
			a := m.HBias[j]
			for k := 0; k < 7; k++ {
				a += v.At(i, k) * m.W.At(k, j)
			}
			if d := math.Abs(ph.At(i, j) - 1/(1+math.Exp(-a))); d > tol {
				t.Fatalf("p(h|v)[%d,%d] off by %g", i, j, d)
			}
		}
		for k := 0; k < 7; k++ {
			a := m.VBias[k]
			for j := 0; j < 5; j++ {
				a += h.At(i, j) * m.W.At(k, j)
			}
			if d := math.Abs(pv.At(i, k) - 1/(1+math.Exp(-a))); d > tol {
				t.Fatalf("p(v|h)[%d,%d] off by %g", i, k, d)
			}
		}
		// F(v) = −log Σ_h e^{−E(v,h)} by enumerating h.
		H := allStates(5)
		vs := mat.NewDense(32, 7, nil)
		for s := 0; s < 32; s++ {
			vs.SetRow(s, v.RawRowView(i))
		}
		lse := newLogSumExp()
		for _, x := range m.Energy(nil, vs, H) {
			lse.add(-x)
		}
		if d := math.Abs(f[i] + lse.value()); d > tol {
			t.Fatalf("F(v) row %d off by %g", i, d)
		}
		ee := -mat.Dot(v.RowView(i), mat.NewVecDense(7, m.VBias)) - mat.Dot(h.RowView(i), mat.NewVecDense(5, m.HBias))
		for k := 0; k < 7; k++ {
			for j := 0; j < 5; j++ {
				ee -= v.At(i, k) * m.W.At(k, j) * h.At(i, j)
			}
		}
		if d := math.Abs(e[i] - ee); d > tol {
			t.Fatalf("E(v,h) row %d off by %g", i, d)
		}
	}
}

func TestShapes(t *testing.T) {
	t.Parallel()
	m := randomModel(6, 4, 0.5, 1)
	v := mat.NewDense(3, 6, nil)
	mustPanicShape(t, "HiddenProbs dst", func() { m.HiddenProbs(mat.NewDense(3, 5, nil), v) })
	mustPanicShape(t, "HiddenProbs v", func() { m.HiddenProbs(&mat.Dense{}, mat.NewDense(3, 5, nil)) })
	mustPanicShape(t, "VisibleProbs dst", func() { m.VisibleProbs(mat.NewDense(2, 6, nil), mat.NewDense(3, 4, nil)) })
	mustPanicShape(t, "FreeEnergy dst", func() { m.FreeEnergy(make([]float64, 2), v) })
	mustPanicShape(t, "Energy rows", func() { m.Energy(nil, v, mat.NewDense(2, 4, nil)) })
	mustPanicShape(t, "Gibbs dst", func() { NewGibbs(m, nil, rand.NewPCG(1, 1)).Step(mat.NewDense(2, 6, nil), v) })
	var h mat.Dense
	m.SampleHidden(&h, v, rand.NewPCG(1, 2))
	if r, c := h.Dims(); r != 3 || c != 4 {
		t.Errorf("empty dst sized to %d×%d, want 3×4", r, c)
	}
}

func TestSamplingFrequencies(t *testing.T) {
	t.Parallel()
	m := randomModel(5, 3, 1, 9)
	const n = 20000
	v := mat.NewDense(n, 5, nil)
	for i := 0; i < n; i++ {
		v.Set(i, i%5, 1) // 5 distinct rows, repeated
	}
	var ph, hs mat.Dense
	m.HiddenProbs(&ph, v)
	m.SampleHidden(&hs, v, rand.NewPCG(5, 5))
	var pv, vs mat.Dense
	m.VisibleProbs(&pv, &hs)
	m.SampleVisible(&vs, &hs, rand.NewPCG(6, 6))
	for _, c := range []struct {
		p, s *mat.Dense
	}{{&ph, &hs}, {&pv, &vs}} {
		_, cols := c.s.Dims()
		for j := 0; j < cols; j++ {
			var sp, ss float64
			for i := 0; i < n; i++ {
				sp += c.p.At(i, j)
				ss += c.s.At(i, j)
			}
			// The sample count is a sum of n independent Bernoullis with
			// variance ≤ n/4: allow 5σ = 5·√n/2.
			if math.Abs(ss-sp) > 5*math.Sqrt(n)/2 {
				t.Errorf("column %d: %v ones, expected %v", j, ss, sp)
			}
		}
	}
}

func TestReconstructionError(t *testing.T) {
	t.Parallel()
	// With W = 0 and zero biases, p(v|h) = 1/2 everywhere, so the error
	// is exactly 1/4 for any binary data.
	m := New(4, 3, &InitSettings{Sigma: -1}, rand.NewPCG(1, 1))
	v := mat.NewDense(2, 4, []float64{1, 0, 1, 1, 0, 0, 0, 1})
	if e := m.ReconstructionError(v, rand.NewPCG(2, 2)); e != 0.25 {
		t.Errorf("reconstruction error %v, want 0.25", e)
	}
}

func TestReconstructionErrors(t *testing.T) {
	t.Parallel()
	m := randomModel(30, 20, 0.5, 4)
	const n = 2000
	v := gibbsInput(n, 30)
	var r mat.Dense
	m.Reconstruct(&r, v, rand.NewPCG(7, 7)) // the same hidden sample as below
	prob, sampled := m.ReconstructionErrors(v, rand.NewPCG(7, 7))
	var sp, pq float64
	for i := 0; i < n; i++ {
		for j, p := range r.RawRowView(i) {
			d := v.At(i, j) - p
			sp += d * d
			pq += p * (1 - p)
		}
	}
	cells := float64(n * 30)
	if math.Abs(prob-sp/cells) > 1e-15 {
		t.Errorf("prob error %v, want %v", prob, sp/cells)
	}
	// Given h, E[(v − v₁)²] = (v − p)² + p(1 − p) for sampled v₁; each
	// cell is a Bernoulli with variance ≤ 1/4, so the mean over 60 000
	// cells has sd ≤ 1/(2√60000) ≈ 0.002: allow 5 sd.
	want := (sp + pq) / cells
	if math.Abs(sampled-want) > 5/(2*math.Sqrt(cells)) {
		t.Errorf("sampled error %v, want %v ± %v", sampled, want, 5/(2*math.Sqrt(cells)))
	}
	t.Logf("reconstruction error: prob %.4f, sampled %.4f (expected %.4f)", prob, sampled, want)
}
