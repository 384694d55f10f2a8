package rbm

import (
	"errors"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestLogZBruteForce(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ nv, nh int }{{5, 3}, {3, 6}, {4, 4}, {1, 1}} {
		m := randomModel(c.nv, c.nh, 0.9, uint64(c.nv*10+c.nh))
		got, err := LogZ(m)
		if err != nil {
			t.Fatal(err)
		}
		want := bruteLogZ(m)
		// Both are O(10) sums of ≤ 2⁹ exponentials in float64: agreement to
		// 1e-12 relative is expected; allow 1e-10 absolute.
		if math.Abs(got-want) > 1e-10 {
			t.Errorf("%d×%d: LogZ %v, brute force %v", c.nv, c.nh, got, want)
		}
		// Likelihood of a few states against the normalised brute force.
		v := allStates(c.nv)
		ll, err := LogLikelihood(m, v)
		if err != nil {
			t.Fatal(err)
		}
		var s float64
		for _, f := range m.FreeEnergy(nil, v) {
			s += -f - want
		}
		if math.Abs(ll-s/float64(int(1)<<c.nv)) > 1e-10 {
			t.Errorf("%d×%d: LogLikelihood %v, brute force %v", c.nv, c.nh, ll, s/float64(int(1)<<c.nv))
		}
		// p(v) sums to one.
		var tot float64
		for _, p := range modelDist(t, m) {
			tot += p
		}
		if math.Abs(tot-1) > 1e-12 {
			t.Errorf("%d×%d: Σ p(v) = %v", c.nv, c.nh, tot)
		}
	}
}

// TestLogZLarge checks the multi-block Gray-code enumeration (13 hidden
// units, 2 blocks) against a logsumexp of −F(v) over all 2^16 visible states.
func TestLogZLarge(t *testing.T) {
	t.Parallel()
	m := randomModel(16, 13, 0.3, 77)
	got, err := LogZ(m)
	if err != nil {
		t.Fatal(err)
	}
	lse := newLogSumExp()
	for _, f := range m.FreeEnergy(nil, allStates(16)) {
		lse.add(-f)
	}
	// The Gray-code walk accumulates ≤ 4096 additions per block into each
	// activation (rounding ~4096·1e-16·|W| ≈ 1e-13); allow 1e-9 on log Z ≈ 20.
	if d := math.Abs(got - lse.value()); d > 1e-9 {
		t.Errorf("LogZ %v, via free energies %v (diff %g)", got, lse.value(), d)
	}
	big := New(30, 25, nil, rand.NewPCG(1, 1))
	if _, err := LogZ(big); !errors.Is(err, ErrTooLarge) {
		t.Errorf("LogZ of a 30×25 model: err %v, want ErrTooLarge", err)
	}
}

func TestExactGradientFiniteDifferences(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ nv, nh int }{{5, 3}, {3, 5}} {
		m := randomModel(c.nv, c.nh, 0.7, 11)
		r := rand.New(rand.NewPCG(12, 12))
		data := mat.NewDense(40, c.nv, nil)
		for i := 0; i < 40; i++ {
			for j := 0; j < c.nv; j++ {
				if r.Float64() < 0.3+0.4*float64(j%2) {
					data.Set(i, j, 1)
				}
			}
		}
		g, err := ExactGradient(m, data)
		if err != nil {
			t.Fatal(err)
		}
		ll := func() float64 {
			x, err := LogLikelihood(m, data)
			if err != nil {
				t.Fatal(err)
			}
			return x
		}
		// Central differences with step h have truncation error
		// O(h²·|ℓ'''|) ≈ 1e-8 and rounding error O(ε·|ℓ|/h) ≈ 1e-11 for
		// h = 1e-4, ℓ ≈ 5: tolerance 1e-7.
		const h, tol = 1e-4, 1e-7
		fd := func(p *float64) float64 {
			old := *p
			*p = old + h
			up := ll()
			*p = old - h
			dn := ll()
			*p = old
			return (up - dn) / (2 * h)
		}
		raw := m.W.RawMatrix().Data
		for i := range raw {
			if d := math.Abs(fd(&raw[i]) - g.W.RawMatrix().Data[i]); d > tol {
				t.Errorf("%d×%d: dW[%d] off by %g", c.nv, c.nh, i, d)
			}
		}
		for i := range m.VBias {
			if d := math.Abs(fd(&m.VBias[i]) - g.VBias[i]); d > tol {
				t.Errorf("%d×%d: db[%d] off by %g", c.nv, c.nh, i, d)
			}
		}
		for j := range m.HBias {
			if d := math.Abs(fd(&m.HBias[j]) - g.HBias[j]); d > tol {
				t.Errorf("%d×%d: dc[%d] off by %g", c.nv, c.nh, j, d)
			}
		}
	}
}

// TestCDkApproachesExactGradient checks that the CD-k estimate with a long
// chain approaches the exact gradient, and that CD-1's bias is visible.
func TestCDkApproachesExactGradient(t *testing.T) {
	t.Parallel()
	m := randomModel(6, 4, 1.0, 21)
	// A data set far from the model's distribution, so CD-1 is biased:
	// 20 000 copies of two patterns.
	const n = 20000
	data := mat.NewDense(n, 6, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < 6; j++ {
			if (i%2 == 0) == (j < 3) {
				data.Set(i, j, 1)
			}
		}
	}
	exact, err := ExactGradient(m, data)
	if err != nil {
		t.Fatal(err)
	}
	maxDiff := func(g *Gradient) float64 {
		var d float64
		for i, x := range g.W.RawMatrix().Data {
			d = max(d, math.Abs(x-exact.W.RawMatrix().Data[i]))
		}
		for i, x := range g.VBias {
			d = max(d, math.Abs(x-exact.VBias[i]))
		}
		for i, x := range g.HBias {
			d = max(d, math.Abs(x-exact.HBias[i]))
		}
		return d
	}
	for _, prec := range []Precision{Float32, Float64} {
		cdK, err := EstimateGradient(m, data, CD{K: 200, Precision: prec}, rand.NewPCG(3, 3))
		if err != nil {
			t.Fatal(err)
		}
		cd1, err := EstimateGradient(m, data, CD{K: 1, Precision: prec}, rand.NewPCG(3, 3))
		if err != nil {
			t.Fatal(err)
		}
		// Each model-term entry is a mean over n chains of a quantity in
		// [0, 1] (variance ≤ 1/4), so its standard error is ≤ 1/(2√n) ≈ 0.0035.
		// After 200 steps the chains of this 6×4 model are mixed (its mixing
		// time is a few steps), so the 34 entries should all lie within 4.5
		// standard errors: 0.016.
		// The float32 kernels add rounding of order 1e-7, far below tol.
		const tol = 4.5 / (2 * 141.42)
		dk, d1 := maxDiff(cdK), maxDiff(cd1)
		t.Logf("%v: max |CD-k − exact|: k=200 %.4f, k=1 %.4f", prec, dk, d1)
		if dk > tol {
			t.Errorf("%v: CD-200 differs from the exact gradient by %v > %v", prec, dk, tol)
		}
		if d1 < 2*tol {
			t.Errorf("%v: CD-1 is unexpectedly close to the exact gradient (%v); the test cannot tell CD-k from CD-1", prec, d1)
		}
	}
}

// TestParallelDeterminism checks that the enumeration (several blocks of
// states), the pseudo-log-likelihood and the free energies give the same
// bits for GOMAXPROCS 1 and 2, as do the layer samplers and the
// reconstruction errors.
func TestParallelDeterminism(t *testing.T) {
	m := randomModel(40, 15, 0.3, 5)
	v := mat.NewDense(300, 40, nil)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range v.RawMatrix().Data {
		v.RawMatrix().Data[i] = float64(r.IntN(2))
	}
	run := func(p int) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(p))
		z, err := LogZ(m)
		if err != nil {
			t.Fatal(err)
		}
		g, err := ExactGradient(m, v)
		if err != nil {
			t.Fatal(err)
		}
		out := []float64{z, PseudoLogLikelihood(m, v, nil), PseudoLogLikelihood(m, v, rand.NewPCG(3, 3))}
		out = append(out, g.W.RawMatrix().Data...)
		var h, v1 mat.Dense
		src := rand.NewPCG(4, 4)
		m.SampleHidden(&h, v, src)
		m.SampleVisible(&v1, &h, src)
		rp, rs := m.ReconstructionErrors(v, src)
		out = append(out, rp, rs)
		out = append(out, h.RawMatrix().Data...)
		out = append(out, v1.RawMatrix().Data...)
		return append(out, m.FreeEnergy(nil, v)...)
	}
	if !sameBits(run(1), run(2)) {
		t.Error("results differ between GOMAXPROCS=1 and 2")
	}
}
