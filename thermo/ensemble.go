package thermo

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/interp"
	"gonum.org/v1/gonum/mat"

	"github.com/rgflow/rgflow/internal/lattice"
)

// EnsembleThermometer reads the temperature of a whole ensemble of
// configurations. Ensemble satisfies it.
type EnsembleThermometer interface {
	// EstimateEnsemble returns the temperature of the ensemble in the rows of
	// x and its one-standard-deviation uncertainty.
	EstimateEnsemble(x *mat.Dense) (t, err float64)
}

var _ EnsembleThermometer = (*Ensemble)(nil)

// Observable is a per-configuration quantity an Ensemble thermometer averages.
type Observable int

const (
	// Energy is the energy per spin −Σ_<ij> s_i s_j / N at zero field
	// (Measure); an Ensemble fitted in a field h measures
	// (−Σ_<ij> s_i s_j − h Σ s_i) / N.
	Energy Observable = iota
	// AbsMagnetization is |Σ s_i| / N.
	AbsMagnetization
)

// String returns "energy" or "|m|".
func (o Observable) String() string {
	switch o {
	case Energy:
		return "energy"
	case AbsMagnetization:
		return "|m|"
	}
	return fmt.Sprintf("Observable(%d)", int(o))
}

// Measure writes the observable of each of the N rows of x (an L×L lattice)
// into dst and returns it. A nil or empty dst is allocated with length N; a
// dst of any other length than N makes Measure panic with mat.ErrShape, as
// does a number of columns that is not a perfect square.
func (o Observable) Measure(dst []float64, x *mat.Dense) []float64 {
	return o.measure(dst, x, 0)
}

// measure is Measure with the energy in the field h.
func (o Observable) measure(dst []float64, x *mat.Dense, h float64) []float64 {
	r, c := x.Dims()
	L, ok := lattice.Side(c)
	if !ok {
		panic(mat.ErrShape)
	}
	dst = sized(dst, r)
	n := float64(c)
	for i := range dst {
		row := x.RawRowView(i)
		switch o {
		case Energy:
			dst[i] = fieldEnergy(L, h, row) / n
		case AbsMagnetization:
			dst[i] = math.Abs(lattice.Spin(row)) / n
		default:
			panic("thermo: unknown observable")
		}
	}
	return dst
}

// Ensemble is a physical ensemble thermometer: a calibration table of the
// Monte Carlo mean ⟨O⟩(T_k) of an observable at each temperature of a grid,
// made monotone (⟨E⟩ rises and ⟨|m|⟩ falls with T) by isotonic regression and
// interpolated by a monotone cubic (Fritsch–Butland). An ensemble's
// temperature is where the curve meets the ensemble's mean.
type Ensemble struct {
	obs             Observable
	h               float64 // the field of the energies
	temps, mean, se []float64
	sd              []float64
	curve, lin      func(float64) float64
	lo, hi          float64 // curve range over the table
	sign            float64 // +1 for a rising observable, −1 for a falling one
	buf             []float64
	fine, fineCurve []float64 // dense evaluation grid for the inversion
	fineSE          []float64
}

// fineSteps is the number of intervals of the dense grid used to invert the
// calibration curve.
const fineSteps = 4000

// FitEnsemble builds the calibration table of obs from configurations x
// sampled in the uniform field h, with labels indexing grid (ascending,
// finite, non-negative): per class the mean, its standard error and the
// standard deviation. The Energy observable includes the field's term
// −h Σ s_i / N (pass 0 for zero-field data), and EstimateEnsemble measures
// it in the same field. Classes need at least two configurations each, and
// at least two classes must have data (classes without data are left out of
// the table). It panics with mat.ErrShape if len(labels) differs from the
// number of rows; it returns an error for a grid that is not at least two
// finite, non-negative, strictly ascending temperatures (a data set's grid
// is run-time data), a field that is not finite, a label out of range, a
// NaN or infinite cell of x, or an unknown observable.
func FitEnsemble(h float64, obs Observable, x *mat.Dense, labels []int, grid []float64) (*Ensemble, error) {
	r, _ := x.Dims()
	if len(labels) != r {
		panic(mat.ErrShape)
	}
	if err := gridError(grid); err != nil {
		return nil, err
	}
	if obs != Energy && obs != AbsMagnetization {
		return nil, errors.New("thermo: unknown observable")
	}
	if math.IsNaN(h) || math.IsInf(h, 0) {
		return nil, fmt.Errorf("%w: h = %v (want a finite field)", ErrSettings, h)
	}
	if err := finiteCells(x); err != nil {
		return nil, err
	}
	K := len(grid)
	v := obs.measure(nil, x, h)
	s := make([][3]float64, K)
	for i, y := range labels {
		if y < 0 || y >= K {
			return nil, fmt.Errorf("thermo: label %d out of range [0, %d)", y, K)
		}
		s[y][0]++
		s[y][1] += v[i]
		s[y][2] += v[i] * v[i]
	}
	e := &Ensemble{obs: obs, h: h, sign: 1}
	if obs == AbsMagnetization {
		e.sign = -1
	}
	for k, t := range grid {
		n := s[k][0]
		if n == 0 {
			continue
		}
		if n < 2 {
			return nil, fmt.Errorf("thermo: class T = %g has only one configuration", t)
		}
		m, sd := meanStd(s[k][1], s[k][2], n)
		e.temps = append(e.temps, t)
		e.mean = append(e.mean, m)
		e.sd = append(e.sd, sd)
		e.se = append(e.se, sd/math.Sqrt(n))
	}
	if len(e.temps) < 2 {
		return nil, errors.New("thermo: need data at two temperatures at least")
	}
	e.build()
	return e, nil
}

// build fits the monotone curves through the table.
func (e *Ensemble) build() {
	n := len(e.temps)
	// Isotonic regression of sign·mean, weighted by 1/se².
	y := make([]float64, n)
	w := make([]float64, n)
	for i := range y {
		y[i] = e.sign * e.mean[i]
		w[i] = 1 / math.Max(e.se[i]*e.se[i], 1e-300)
	}
	iso := isotonic(y, w)
	for i := range iso {
		iso[i] *= e.sign
	}
	var fb interp.FritschButland
	if err := fb.Fit(e.temps, iso); err != nil {
		panic(err) // temps are strictly ascending, iso monotone
	}
	var pl interp.PiecewiseLinear
	if err := pl.Fit(e.temps, iso); err != nil {
		panic(err)
	}
	e.curve, e.lin = fb.Predict, pl.Predict
	var sel interp.PiecewiseLinear
	if err := sel.Fit(e.temps, e.se); err != nil {
		panic(err)
	}
	t0, t1 := e.temps[0], e.temps[n-1]
	e.fine = make([]float64, fineSteps+1)
	e.fineCurve = make([]float64, fineSteps+1)
	e.fineSE = make([]float64, fineSteps+1)
	for i := range e.fine {
		t := t0 + (t1-t0)*float64(i)/fineSteps
		e.fine[i], e.fineCurve[i], e.fineSE[i] = t, e.curve(t), sel.Predict(t)
	}
	e.lo, e.hi = min(iso[0], iso[n-1]), max(iso[0], iso[n-1])
}

// isotonic returns the weighted least-squares non-decreasing fit to y (pool
// adjacent violators).
func isotonic(y, w []float64) []float64 {
	type block struct {
		v, w float64
		n    int
	}
	var bs []block
	for i := range y {
		bs = append(bs, block{y[i], w[i], 1})
		for len(bs) > 1 && bs[len(bs)-2].v > bs[len(bs)-1].v {
			a, b := bs[len(bs)-2], bs[len(bs)-1]
			bs = bs[:len(bs)-2]
			bs = append(bs, block{(a.v*a.w + b.v*b.w) / (a.w + b.w), a.w + b.w, a.n + b.n})
		}
	}
	out := make([]float64, 0, len(y))
	for _, b := range bs {
		for range b.n {
			out = append(out, b.v)
		}
	}
	return out
}

// Observable returns the thermometer's observable.
func (e *Ensemble) Observable() Observable { return e.obs }

// Field returns the field h of the energies.
func (e *Ensemble) Field() float64 { return e.h }

// Table returns copies of the calibration table: the temperatures with data,
// the mean observable, its standard error and its standard deviation over
// configurations.
func (e *Ensemble) Table() (temps, mean, se, sd []float64) {
	return slices.Clone(e.temps), slices.Clone(e.mean), slices.Clone(e.se), slices.Clone(e.sd)
}

// Curve returns the interpolated calibration curve ⟨O⟩(t) (constant beyond
// the table's ends).
func (e *Ensemble) Curve(t float64) float64 {
	t = min(max(t, e.temps[0]), e.temps[len(e.temps)-1])
	return e.curve(t)
}

// EstimateEnsemble returns the temperature at which the calibration curve
// equals the mean observable of the rows of x, and its uncertainty; see
// EstimateMean. A single row has no spread to estimate the error of its
// mean from: t is then the temperature the table gives for that row's
// observable, and err is +Inf. An empty x (no rows), or one with a NaN
// cell, gives NaN, NaN. It panics
// with mat.ErrShape if the columns of x are not an L×L lattice.
func (e *Ensemble) EstimateEnsemble(x *mat.Dense) (t, err float64) {
	r, _ := x.Dims()
	if r == 0 {
		return math.NaN(), math.NaN()
	}
	if cap(e.buf) >= r {
		e.buf = e.buf[:r]
	} else {
		e.buf = nil
	}
	e.buf = e.obs.measure(e.buf, x, e.h)
	if r == 1 {
		t, _ = e.EstimateMean(e.buf[0], 0)
		return t, math.Inf(1)
	}
	n := float64(r)
	var s, s2 float64
	for _, v := range e.buf {
		s += v
		s2 += v * v
	}
	m, sd := meanStd(s, s2, n)
	return e.EstimateMean(m, sd/math.Sqrt(n))
}

// EstimateMean returns the temperature t at which the calibration curve
// equals mean, and its one-standard-deviation uncertainty given the standard
// error se of mean. The uncertainty is the larger distance from t to either
// end, max(hi − t, t − lo), of the set [lo, hi] of temperatures whose curve
// value lies within σ(T) = √(se² + se_table(T)²) of mean (so it covers flat
// stretches of the curve, where the observable cannot tell temperatures
// apart, and is at least one step of the dense inversion grid), combined in
// quadrature with the interpolation error, estimated as the difference
// between the cubic and the linear inversions.
//
// If mean lies beyond the range of the table by at most 3σ of that end, t is
// the end temperature and the band is widened by the excess. If it lies
// further out, t is the nearest end temperature and err is +Inf: the
// ensemble is hotter or colder than the table reaches.
func (e *Ensemble) EstimateMean(mean, se float64) (t, err float64) {
	n := len(e.temps)
	if math.IsNaN(mean) || math.IsNaN(se) {
		return math.NaN(), math.NaN()
	}
	excess := 0.0
	if mean < e.lo || mean > e.hi {
		// Below the low end of a rising curve is the low-T end, and so on.
		end := n - 1
		if (mean < e.lo) == (e.sign > 0) {
			end = 0
		}
		edge := e.lo
		if mean > e.hi {
			edge = e.hi
		}
		excess = math.Abs(mean - edge)
		if excess > 3*math.Hypot(se, e.se[end]) {
			return e.temps[end], math.Inf(1)
		}
		mean = edge
	}
	t = invert(e.curve, mean, e.sign, e.temps[0], e.temps[n-1])
	tl := invert(e.lin, mean, e.sign, e.temps[0], e.temps[n-1])
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, ti := range e.fine {
		tol := math.Hypot(se, e.fineSE[i]) + excess
		if math.Abs(e.fineCurve[i]-mean) <= tol {
			lo, hi = min(lo, ti), max(hi, ti)
		}
	}
	half := 0.0
	if lo <= hi {
		half = max(hi-t, t-lo, 0)
	}
	// One step of the dense grid is the resolution of the scan.
	half = math.Max(half, (e.temps[n-1]-e.temps[0])/fineSteps)
	return t, math.Hypot(half, t-tl)
}

// invert finds t in [a, b] with f(t) = y for a monotone f (rising if sign > 0)
// by bisection.
func invert(f func(float64) float64, y, sign, a, b float64) float64 {
	for range 100 {
		mid := 0.5 * (a + b)
		if sign*(f(mid)-y) < 0 {
			a = mid
		} else {
			b = mid
		}
	}
	return 0.5 * (a + b)
}
