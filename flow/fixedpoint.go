package flow

import (
	"errors"
	"fmt"
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
	// MinFraction is the least fraction of the flow's steps the still
	// stretch must cover. A slow approach passes every statistical test on
	// a short enough stretch at the end of a flow (its drift there is below
	// the noise); requiring the stretch to be a good part of the flow means
	// a flow too short to tell a slow approach from a fixed point is
	// reported as not converged (run it longer). If MinFraction is 0, ½ is
	// used; a negative value turns the requirement off.
	MinFraction float64
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

	// AbsMHist and AbsMHistErr are the basin fractions (Readout.AbsMHist)
	// averaged over the stretch.
	AbsMHist    []float64 `json:"abs_m_hist,omitempty"`
	AbsMHistErr []float64 `json:"abs_m_hist_err,omitempty"`
	// Corr is the spin correlation averaged over the stretch (nil if the
	// readouts hold none).
	Corr *Correlation `json:"corr,omitempty"`
	// Drifts are the drifts of the readouts across the stretch (see
	// Drift), the evidence that it is still.
	Drifts []Drift `json:"drifts,omitempty"`
}

// Drift is the change of one readout across a stretch of steps, From to To,
// estimated from its least-squares trend, with its standard error. Where the
// readouts hold per-configuration values (Readout.AbsMs, Es, Ts), the trend
// is fitted chain by chain and the error is the standard error over the
// chains, which are independent: it holds however strongly successive steps
// of one chain are correlated. Otherwise the drift is the difference between
// the last and the first step with their standard errors combined.
type Drift struct {
	Name  string  `json:"name"`
	From  int     `json:"from"`
	To    int     `json:"to"`
	Value float64 `json:"value"`
	Err   float64 `json:"err"`
	// Paired reports whether the chain-by-chain estimate was used.
	Paired bool `json:"paired"`
}

// roundoff is the size below which a drift is rounding error: the readouts
// are O(1) numbers (|m|, e, fractions, temperatures) summed over at most a
// few thousand steps.
const roundoff = 1e-9

// Sigmas is |Value|/Err (+Inf for a drift without error, 0 for a drift
// below rounding error).
func (d Drift) Sigmas() float64 {
	if math.Abs(d.Value) <= roundoff {
		return 0
	}
	return math.Abs(d.Value) / d.Err
}

// ErrNotConverged is returned by FindFixedPoint when the readouts do not stay
// still for a whole window before the flow ends.
var ErrNotConverged = errors.New("flow: no fixed point within the flow")

// NotConvergedError is the error of FindFixedPoint for a flow that has not
// converged; errors.Is(err, ErrNotConverged) holds. It says which readout
// moved and by how much.
type NotConvergedError struct {
	// Reason names the readout that still moves and how, for example
	// "|m| drifts by +0.0213 ± 0.0031 over steps 30–40 (6.9σ)".
	Reason string
	// Drifts are the drifts of every readout over the last Window steps.
	Drifts []Drift
}

func (e *NotConvergedError) Error() string {
	if e.Reason == "" {
		return ErrNotConverged.Error()
	}
	return ErrNotConverged.Error() + ": " + e.Reason
}

// Unwrap returns ErrNotConverged.
func (e *NotConvergedError) Unwrap() error { return ErrNotConverged }

// FindFixedPoint finds the earliest step n₀ from which the readouts stay
// still until the end of rs, with at least Window steps after it and a
// stretch n₀ … end of at least MinFraction of the flow. Every
// readout must stay still: the temperature distribution (if any), |m|, the
// energy per spin and the basin fractions (the |m| histogram). Still means,
// for each of them,
//
//   - every step-to-step change, and the change from every step of the
//     stretch to the last, lies within Z combined standard errors; and
//   - its drift across the stretch n₀ … end (see Drift; for |m|, the
//     energy, the thermometer expectation Σₖ pₖTₖ and each basin
//     fraction) lies within Z of its standard errors.
//
// The drift test is what catches a slow approach: a flow whose |m| rises by
// 0.0025 per step passes every comparison of two steps with 1000 chains,
// but its trend over 15 steps stands many standard errors out. rs must be
// the readouts of consecutive steps of one flow. A flow that is not still
// for Window steps at its end returns a *NotConvergedError.
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
	if err := set.check(); err != nil {
		return FixedPoint{}, err
	}
	if err := sameShape(rs); err != nil {
		return FixedPoint{}, err
	}
	if set.Window == 0 {
		set.Window = 5
	}
	if set.Z == 0 {
		set.Z = 4
	}
	if set.MinFraction == 0 {
		set.MinFraction = 0.5
	}
	last := len(rs) - 1
	if last < set.Window {
		return FixedPoint{}, &NotConvergedError{Reason: fmt.Sprintf("%d readouts, fewer than the window of %d steps after the fixed point", len(rs), set.Window)}
	}
	tr := newTrends(rs)
	tr.push(last)
	// Scan backwards for the longest still tail.
	n0 := last
	reason := ""
	for n0 > 0 {
		if why := set.differ(&rs[n0-1], &rs[n0]); why != "" {
			reason = fmt.Sprintf("%s changes from step %d to %d beyond %gσ", why, rs[n0-1].Step, rs[n0].Step, set.Z)
			break
		}
		if why := set.differ(&rs[n0-1], &rs[last]); why != "" {
			reason = fmt.Sprintf("%s changes from step %d to %d beyond %gσ", why, rs[n0-1].Step, rs[last].Step, set.Z)
			break
		}
		tr.push(n0 - 1)
		if d, ok := tr.worst(set.Z); !ok {
			reason = fmt.Sprintf("%s drifts by %+.4g ± %.2g over steps %d–%d (%.1fσ)", d.Name, d.Value, d.Err, d.From, d.To, d.Sigmas())
			break
		}
		n0--
	}
	need := max(set.Window, int(math.Ceil(set.MinFraction*float64(last))))
	if last-n0 < need {
		if last-n0 >= set.Window {
			reason = fmt.Sprintf("the still stretch, steps %d–%d, covers less than %.0f%% of the flow, and before it %s", rs[n0].Step, rs[last].Step, 100*set.MinFraction, reason)
		}
		w := newTrends(rs)
		for k := last; k >= last-set.Window; k-- {
			w.push(k)
		}
		return FixedPoint{}, &NotConvergedError{Reason: reason, Drifts: w.drifts()}
	}
	fp := average(rs[n0:])
	// The trends of the stretch n₀ … end.
	w := newTrends(rs)
	for k := last; k >= n0; k-- {
		w.push(k)
	}
	fp.Drifts = w.drifts()
	return fp, nil
}

// differ returns the name of a readout in which a and b differ beyond the
// tolerance, or "" if they agree.
func (s *FixedPointSettings) differ(a, b *Readout) string {
	if a.HasDist() && b.HasDist() {
		if s.Tol > 0 {
			var tv float64
			for k := range a.Dist {
				tv += math.Abs(a.Dist[k] - b.Dist[k])
			}
			if tv/2 > s.Tol {
				return "the temperature distribution"
			}
		} else {
			for k := range a.Dist {
				if !within(a.Dist[k], a.DistErr[k], b.Dist[k], b.DistErr[k], s.Z) {
					return fmt.Sprintf("the temperature distribution (class T = %g)", a.Temps[k])
				}
			}
		}
	}
	if !within(a.AbsM, a.AbsMErr, b.AbsM, b.AbsMErr, s.Z) {
		return "|m|"
	}
	if !within(a.E, a.EErr, b.E, b.EErr, s.Z) {
		return "the energy"
	}
	if len(a.AbsMHist) == len(b.AbsMHist) {
		for k := range a.AbsMHist {
			if !within(a.AbsMHist[k], binomErr(a.AbsMHist[k], a.N), b.AbsMHist[k], binomErr(b.AbsMHist[k], b.N), s.Z) {
				return basinName(k, len(a.AbsMHist))
			}
		}
	}
	return ""
}

// binomErr is the standard error of a fraction p of n independent draws.
func binomErr(p float64, n int) float64 {
	if n < 1 {
		return 0
	}
	return math.Sqrt(p * (1 - p) / float64(n))
}

func basinName(k, bins int) string {
	return fmt.Sprintf("the fraction with |m| in [%.2g, %.2g)", float64(k)/float64(bins), float64(k+1)/float64(bins))
}

// trends accumulates, for the stretch of steps pushed so far (which must be
// pushed from the last step backwards), each readout's least-squares trend:
// per chain where the readouts hold per-configuration values, otherwise
// from the means.
type trends struct {
	rs         []Readout
	from, to   int // indices of rs
	k          int // steps in the stretch
	st, stt    float64
	paired     bool
	n, bins    int
	sx, stx    [][]float64 // [quantity][chain]
	names      []string
	hasE, hasT bool
}

func newTrends(rs []Readout) *trends {
	t := &trends{rs: rs, from: -1}
	r := &rs[len(rs)-1]
	t.n, t.bins = len(r.AbsMs), len(r.AbsMHist)
	t.paired = t.n > 0
	t.hasE, t.hasT = len(r.Es) == t.n && t.n > 0, len(r.Ts) == t.n && t.n > 0
	for i := range rs {
		q := &rs[i]
		if len(q.AbsMs) != t.n || (t.hasE && len(q.Es) != t.n) || (t.hasT && len(q.Ts) != t.n) || len(q.AbsMHist) != t.bins {
			t.paired = false
		}
	}
	t.names = []string{"|m|"}
	if t.hasE {
		t.names = append(t.names, "the energy")
	}
	if t.hasT {
		t.names = append(t.names, "the thermometer expectation")
	}
	for k := 0; k < t.bins; k++ {
		t.names = append(t.names, basinName(k, t.bins))
	}
	if t.paired {
		t.sx, t.stx = make([][]float64, len(t.names)), make([][]float64, len(t.names))
		for q := range t.names {
			t.sx[q], t.stx[q] = make([]float64, t.n), make([]float64, t.n)
		}
	}
	return t
}

// push adds step index i, the step before the stretch so far.
func (t *trends) push(i int) {
	if t.from < 0 {
		t.to = i
	}
	t.from = i
	t.k++
	x := float64(t.rs[i].Step)
	t.st += x
	t.stt += x * x
	if !t.paired {
		return
	}
	r := &t.rs[i]
	add := func(q, c int, v float64) {
		t.sx[q][c] += v
		t.stx[q][c] += x * v
	}
	for c := 0; c < t.n; c++ {
		q := 0
		add(q, c, r.AbsMs[c])
		if t.hasE {
			q++
			add(q, c, r.Es[c])
		}
		if t.hasT {
			q++
			add(q, c, r.Ts[c])
		}
		if t.bins > 0 {
			add(q+1+histBin(r.AbsMs[c], t.bins), c, 1)
		}
	}
}

// drifts returns every readout's drift across the stretch.
func (t *trends) drifts() []Drift {
	a, b := &t.rs[t.from], &t.rs[t.to]
	span := float64(b.Step - a.Step)
	var out []Drift
	for q, name := range t.names {
		d := Drift{Name: name, From: a.Step, To: b.Step}
		if t.paired && t.k >= 2 {
			den := float64(t.k)*t.stt - t.st*t.st
			var mv meanVar
			for c := 0; c < t.n; c++ {
				mv.add((float64(t.k)*t.stx[q][c] - t.st*t.sx[q][c]) / den)
			}
			d.Value, d.Err, d.Paired = mv.mean()*span, mv.stderr()*span, true
		} else {
			x, ex := t.unpaired(q, a)
			y, ey := t.unpaired(q, b)
			d.Value, d.Err = y-x, math.Hypot(ex, ey)
		}
		out = append(out, d)
	}
	return out
}

// unpaired returns readout q's mean and standard error at r.
func (t *trends) unpaired(q int, r *Readout) (float64, float64) {
	if q == 0 {
		return r.AbsM, r.AbsMErr
	}
	q--
	if t.hasE {
		if q == 0 {
			return r.E, r.EErr
		}
		q--
	}
	if t.hasT {
		if q == 0 {
			return r.Expect, r.ExpectErr
		}
		q--
	}
	if q < len(r.AbsMHist) {
		return r.AbsMHist[q], binomErr(r.AbsMHist[q], r.N)
	}
	return 0, 0
}

// worst returns the drift with the most standard errors, and whether every
// drift is within z of them.
func (t *trends) worst(z float64) (Drift, bool) {
	var w Drift
	for _, d := range t.drifts() {
		if d.Sigmas() > w.Sigmas() || w.Name == "" {
			w = d
		}
	}
	return w, !(w.Sigmas() > z)
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
	if b := len(rs[0].AbsMHist); b > 0 {
		fp.AbsMHist, fp.AbsMHistErr = make([]float64, b), make([]float64, b)
		for k := range b {
			fp.AbsMHist[k], fp.AbsMHistErr[k] = pick(func(r *Readout) (float64, float64) {
				if len(r.AbsMHist) != b {
					return math.NaN(), math.NaN()
				}
				return r.AbsMHist[k], binomErr(r.AbsMHist[k], r.N)
			})
		}
	}
	if c0 := rs[0].Corr; c0 != nil {
		c := Correlation{L: c0.L, RMax: c0.RMax}
		nr := len(c0.C)
		ok := true
		for i := range rs {
			ok = ok && rs[i].Corr != nil && len(rs[i].Corr.C) == nr
		}
		if ok {
			each := func(f func(c *Correlation) (float64, float64)) (float64, float64) {
				return pick(func(r *Readout) (float64, float64) { return f(r.Corr) })
			}
			c.C, c.CErr, c.Conn, c.ConnErr = make([]float64, nr), make([]float64, nr), make([]float64, nr), make([]float64, nr)
			for k := range nr {
				c.C[k], c.CErr[k] = each(func(c *Correlation) (float64, float64) { return c.C[k], c.CErr[k] })
				c.Conn[k], c.ConnErr[k] = each(func(c *Correlation) (float64, float64) { return c.Conn[k], c.ConnErr[k] })
			}
			c.M2, _ = each(func(c *Correlation) (float64, float64) { return c.M2, 0 })
			c.Bar, _ = each(func(c *Correlation) (float64, float64) { return c.Bar, 0 })
			c.Xi, c.XiErr = each(func(c *Correlation) (float64, float64) { return c.Xi, c.XiErr })
			fp.Corr = &c
		}
	}
	for j := range rs[0].Ensembles {
		t, e := pick(func(r *Readout) (float64, float64) { return r.Ensembles[j].T, r.Ensembles[j].Err })
		fp.Ensembles = append(fp.Ensembles, Reading{Name: rs[0].Ensembles[j].Name, T: t, Err: e})
	}
	return fp
}

// check returns an error wrapping ErrSettings naming the first field out
// of range (zero values are the defaults).
func (s FixedPointSettings) check() error {
	bad := func(field string, v any, want string) error {
		return fmt.Errorf("%w: %s = %v (want %s)", ErrSettings, field, v, want)
	}
	switch {
	case s.Window < 0:
		return bad("Window", s.Window, "≥ 0")
	case !(s.Z >= 0) || math.IsInf(s.Z, 0):
		return bad("Z", s.Z, "a finite value ≥ 0")
	case !(s.MinFraction >= 0 && s.MinFraction <= 1):
		return bad("MinFraction", s.MinFraction, "a value in [0, 1]")
	case !(s.Tol >= 0) || math.IsInf(s.Tol, 0):
		return bad("Tol", s.Tol, "a finite value ≥ 0")
	}
	return nil
}

// sameShape returns an error unless the readouts rs are of one flow read
// one way: the same temperature classes (Dist, DistErr and Temps) in every
// readout.
func sameShape(rs []Readout) error {
	if len(rs) == 0 {
		return nil
	}
	k := len(rs[0].Dist)
	for i := range rs {
		r := &rs[i]
		if len(r.Dist) != k || len(r.DistErr) != k || len(r.Temps) != len(rs[0].Temps) {
			return fmt.Errorf("flow: readout %d (step %d) has %d classes (%d errors, %d temperatures), readout 0 has %d (%d temperatures): not readouts of one flow read by one thermometer",
				i, r.Step, len(r.Dist), len(r.DistErr), len(r.Temps), k, len(rs[0].Temps))
		}
	}
	return nil
}
