package flow

import (
	"errors"
	"math"
)

// FixedPointSettings controls FindFixedPoint. The zero value means the
// documented defaults.
type FixedPointSettings struct {
	// Window is the least number of steps the readouts must stay still for
	// the flow to count as converged. If Window is 0, 5 is used.
	Window int
	// Z is the statistical tolerance: two readouts agree when every compared
	// quantity differs by at most Z combined standard errors. If Z is 0, 4
	// is used: with 25 classes compared at once, pure noise exceeds 4σ in
	// some class with probability ≈ 25 × 6.3e-5 ≈ 0.2% per comparison.
	Z float64
	// Tol, if positive, replaces the statistical criterion for distributions
	// by a fixed one: the total-variation distance ½Σₖ|pₖ − qₖ| ≤ Tol.
	Tol float64
}

// FixedPoint is where a flow settled: the readouts averaged over the steps
// from Step to the end of the flow.
type FixedPoint struct {
	// Step is the first step of the converged stretch: the number of steps
	// the flow took to reach the fixed point.
	Step int `json:"step"`
	// Steps is the number of readouts averaged.
	Steps int `json:"steps"`

	Temps   []float64 `json:"temps,omitempty"`
	Dist    []float64 `json:"dist,omitempty"`
	DistErr []float64 `json:"dist_err,omitempty"`
	Peak    float64   `json:"peak"`

	Expect    float64 `json:"expect"`
	ExpectErr float64 `json:"expect_err"`
	Argmax    float64 `json:"argmax"`
	ArgmaxErr float64 `json:"argmax_err"`

	AbsM    float64 `json:"abs_m"`
	AbsMErr float64 `json:"abs_m_err"`
	E       float64 `json:"e"`
	EErr    float64 `json:"e_err"`

	Ensembles []Reading `json:"ensembles,omitempty"`
}

// ErrNotConverged is returned by FindFixedPoint when the readouts do not stay
// still for a whole window before the flow ends.
var ErrNotConverged = errors.New("flow: no fixed point within the flow")

// FindFixedPoint finds the earliest step n₀ from which the readouts stay
// still until the end of rs, with at least Window steps after it: every
// step-to-step change and the change from n₀ to the last step lie within the
// tolerance. Readouts with a temperature distribution are compared on it;
// readouts without one on |m| and the energy per spin. rs must be the
// readouts of consecutive steps of one flow.
//
// The fixed point's values are means over steps n₀ … end; each error
// combines, in quadrature, the typical per-step standard error with the
// spread across those steps, since successive steps of the same chains are
// correlated and averaging them does not shrink the error as for
// independent samples.
func FindFixedPoint(rs []Readout, s *FixedPointSettings) (FixedPoint, error) {
	var set FixedPointSettings
	if s != nil {
		set = *s
	}
	if set.Window <= 0 {
		set.Window = 5
	}
	if set.Z <= 0 {
		set.Z = 4
	}
	last := len(rs) - 1
	if last < set.Window {
		return FixedPoint{}, ErrNotConverged
	}
	// Scan backwards for the longest still tail.
	n0 := last
	for n0 > 0 && set.same(&rs[n0-1], &rs[n0]) && set.same(&rs[n0-1], &rs[last]) {
		n0--
	}
	if last-n0 < set.Window {
		return FixedPoint{}, ErrNotConverged
	}
	return average(rs[n0:]), nil
}

// same reports whether readouts a and b agree within the tolerance.
func (s *FixedPointSettings) same(a, b *Readout) bool {
	if a.HasDist() && b.HasDist() {
		if s.Tol > 0 {
			var tv float64
			for k := range a.Dist {
				tv += math.Abs(a.Dist[k] - b.Dist[k])
			}
			return tv/2 <= s.Tol
		}
		for k := range a.Dist {
			if !within(a.Dist[k], a.DistErr[k], b.Dist[k], b.DistErr[k], s.Z) {
				return false
			}
		}
		return true
	}
	return within(a.AbsM, a.AbsMErr, b.AbsM, b.AbsMErr, s.Z) &&
		within(a.E, a.EErr, b.E, b.EErr, s.Z)
}

func within(x, ex, y, ey, z float64) bool {
	return math.Abs(x-y) <= z*math.Hypot(ex, ey)
}

// combine returns the mean of xs and an error combining the root-mean-square
// of errs with the spread of xs.
func combine(xs, errs []float64) (mean, err float64) {
	var a meanVar
	var e2 float64
	for i, x := range xs {
		a.add(x)
		e2 += errs[i] * errs[i]
	}
	sd := a.std()
	return a.mean(), math.Sqrt(e2/float64(len(xs)) + sd*sd)
}

func average(rs []Readout) FixedPoint {
	fp := FixedPoint{Step: rs[0].Step, Steps: len(rs)}
	pick := func(f func(r *Readout) (float64, float64)) (float64, float64) {
		xs, es := make([]float64, len(rs)), make([]float64, len(rs))
		for i := range rs {
			xs[i], es[i] = f(&rs[i])
		}
		return combine(xs, es)
	}
	fp.AbsM, fp.AbsMErr = pick(func(r *Readout) (float64, float64) { return r.AbsM, r.AbsMErr })
	fp.E, fp.EErr = pick(func(r *Readout) (float64, float64) { return r.E, r.EErr })
	if rs[0].HasDist() {
		k := len(rs[0].Dist)
		fp.Temps = append([]float64(nil), rs[0].Temps...)
		fp.Dist, fp.DistErr = make([]float64, k), make([]float64, k)
		best := 0
		for c := 0; c < k; c++ {
			fp.Dist[c], fp.DistErr[c] = pick(func(r *Readout) (float64, float64) { return r.Dist[c], r.DistErr[c] })
			if fp.Dist[c] > fp.Dist[best] {
				best = c
			}
		}
		fp.Peak = fp.Temps[best]
		fp.Expect, fp.ExpectErr = pick(func(r *Readout) (float64, float64) { return r.Expect, r.ExpectErr })
		fp.Argmax, fp.ArgmaxErr = pick(func(r *Readout) (float64, float64) {
			return r.Argmax, r.ArgmaxStd / math.Sqrt(float64(max(r.N, 1)))
		})
	}
	for j := range rs[0].Ensembles {
		t, e := pick(func(r *Readout) (float64, float64) { return r.Ensembles[j].T, r.Ensembles[j].Err })
		fp.Ensembles = append(fp.Ensembles, Reading{Name: rs[0].Ensembles[j].Name, T: t, Err: e})
	}
	return fp
}
