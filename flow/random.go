package flow

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// RandomWeights is the untrained baseline of Veiga and Vicente
// (arXiv:2006.10176): a bias-free Bernoulli RBM step v → h → v′ whose Nv×Nh
// weights are redrawn from N(Mean, Std²) before each half-step. Both
// half-steps are sampled: p(h=1|v) = σ(vW), p(v=1|h) = σ(hWᵀ). One W is
// drawn per half-step and shared by every row of the batch, as in the
// reference code.
//
// The reference's baseline, m* = 0.5939 at L = 100, is Nh = L² = 10 000,
// Mean = −0.001 and a variance of 0.0015 (Std = √0.0015 ≈ 0.0387), 20 steps,
// m the mean over chains of |mean spin| (this type gives 0.597 ± 0.013
// with 20 chains). The value comes from the weight mean acting on Nv 0/1
// units (with Mean = 0 it is about 0.008), not from the Ising model: it has
// nothing to do with T_c. Because every chain sees the same W, successive
// readouts fluctuate together by more than their standard errors over the
// chains, and FindFixedPoint, whose tests use those errors, reports no
// fixed point; average the readouts over the flow's second half instead.
//
// A RandomWeights draws from Src and is not safe for concurrent use.
type RandomWeights struct {
	Nh        int
	Mean, Std float64
	Src       rand.Source

	w, h mat.Dense
	rng  *rand.Rand
}

var _ Stepper = (*RandomWeights)(nil)

// Step performs one step on every row of v into dst; an empty dst is sized.
// It panics with mat.ErrShape if a non-empty dst differs from v in shape,
// and with a message naming Nh if Nh < 1 (a programmer's mistake: Step
// has no error to return). Nh and the batch size may change between calls.
func (r *RandomWeights) Step(dst, v *mat.Dense) {
	n, nv := v.Dims()
	if dn, dc := dst.Dims(); !dst.IsEmpty() && (dn != n || dc != nv) {
		panic(mat.ErrShape)
	}
	if r.Nh < 1 {
		panic(fmt.Sprintf("flow: RandomWeights.Nh = %d (want ≥ 1)", r.Nh))
	}
	if r.rng == nil {
		r.rng = rand.New(r.Src)
	}
	if wr, wc := r.w.Dims(); wr != nv || wc != r.Nh {
		r.w = *mat.NewDense(nv, r.Nh, nil)
	}
	if hr, hc := r.h.Dims(); hr != n || hc != r.Nh {
		r.h = *mat.NewDense(n, r.Nh, nil)
	}
	r.redraw()
	r.h.Mul(v, &r.w)
	r.sample(&r.h)
	r.redraw()
	if dst.IsEmpty() {
		dst.ReuseAs(n, nv)
	}
	dst.Mul(&r.h, r.w.T())
	r.sample(dst)
}

func (r *RandomWeights) redraw() {
	raw := r.w.RawMatrix().Data
	for i := range raw {
		raw[i] = r.Mean + r.Std*r.rng.NormFloat64()
	}
}

// sample replaces each activation a of m by a Bernoulli draw with
// probability σ(a).
func (r *RandomWeights) sample(m *mat.Dense) {
	rows, _ := m.Dims()
	for i := 0; i < rows; i++ {
		row := m.RawRowView(i)
		for j, a := range row {
			if r.rng.Float64() < 1/(1+math.Exp(-a)) {
				row[j] = 1
			} else {
				row[j] = 0
			}
		}
	}
}
