package flow

import (
	"errors"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/rgflow/rgflow/internal/lattice"
)

// Classifier is a per-configuration thermometer: it assigns each row of x a
// probability distribution over an ascending grid of temperature classes.
// The neural thermometer and the Bayes-on-energy thermometer of package
// thermo satisfy it. Probabilities writes an N×K matrix into dst (an empty
// dst is sized).
type Classifier interface {
	Temperatures() []float64
	Probabilities(dst, x *mat.Dense)
}

// EnsembleThermometer reads one temperature, with its uncertainty, from a
// whole ensemble of configurations, such as a calibration of the Monte Carlo
// ⟨E⟩(T) or ⟨|m|⟩(T) curve.
type EnsembleThermometer interface {
	EstimateEnsemble(x *mat.Dense) (t, err float64)
}

// NamedEnsemble labels an EnsembleThermometer in readouts.
type NamedEnsemble struct {
	Name        string
	Thermometer EnsembleThermometer
}

// Observer turns a batch of configurations into a Readout. Every field is
// optional: a nil Classifier skips the temperature distribution, a nil
// Energy skips the energy. An Observer reuses internal buffers and is not
// safe for concurrent use.
type Observer struct {
	// Classifier reads the temperature distribution of each configuration.
	Classifier Classifier
	// Ensembles read one temperature for the whole batch each.
	Ensembles []NamedEnsemble
	// Energy returns the energy per spin of one configuration row, for
	// example LatticeEnergy(L, h).
	Energy func(row []float64) float64
	// Bins is the number of equal bins of the |m| histogram on [0, 1]
	// (Readout.AbsMHist, the basin fractions). If Bins is 0, 10 is used.
	Bins int
	// Lattice, if positive, is the side L of the periodic square lattice
	// the rows live on: each readout then holds the spin correlation
	// (Correlate(Lattice, v, CorrRMax)).
	Lattice, CorrRMax int
	// References are equilibrium ensembles (Monte Carlo at several
	// temperatures) to set each step against: the one whose mean |m|, and
	// the one whose mean energy, is nearest the batch's, with the
	// Kolmogorov–Smirnov distance between the distributions
	// (Readout.MatchAbsM, MatchE; MatchE needs Energy).
	References []Reference

	probs mat.Dense
}

// Reference is an equilibrium ensemble at one temperature, given by the
// per-configuration |m| and energy per spin of its configurations.
type Reference struct {
	T    float64
	AbsM []float64
	E    []float64
}

func (r *Reference) means() (absM, e float64) { return mean(r.AbsM), mean(r.E) }

func mean(xs []float64) float64 {
	var a meanVar
	for _, x := range xs {
		a.add(x)
	}
	if a.n == 0 {
		return math.NaN()
	}
	return a.mean()
}

// Match is a batch set against the reference ensemble whose mean of one
// observable is nearest the batch's: the reference's temperature and mean,
// the Kolmogorov–Smirnov distance D between the two distributions of the
// observable, and the probability KSProb of a distance at least D were
// both samples of one distribution. A small P with matching means says the
// batch is not that equilibrium ensemble.
type Match struct {
	T    float64 `json:"T"`
	Mean float64 `json:"mean"`
	D    float64 `json:"ks_d"`
	P    float64 `json:"ks_p"`
}

// ErrField is the panic value of LatticeEnergy for a non-finite field.
var ErrField = errors.New("flow: LatticeEnergy field is not finite")

// LatticeEnergy returns the per-spin energy (−Σ⟨ij⟩ sᵢsⱼ − h Σᵢ sᵢ) / L² of a
// 0/1 row on the L×L periodic square lattice (J = 1, field h), for
// Observer.Energy: pass the field of the data the flow is compared with.
// Rows of probabilities (mean-field flows) give the energy of the mean
// spins. It panics with ErrField if h is NaN or infinite.
func LatticeEnergy(L int, h float64) func(row []float64) float64 {
	if math.IsNaN(h) || math.IsInf(h, 0) {
		panic(ErrField)
	}
	return func(row []float64) float64 { return lattice.EnergyPerSpin(L, h, row) }
}

// Reading is one ensemble thermometer's temperature and its uncertainty.
type Reading struct {
	Name string  `json:"name"`
	T    float64 `json:"T"`
	Err  float64 `json:"err"`
}

// Readout summarises one step of a flow. Errors are standard errors of the
// mean over the batch's configurations, which are independent chains.
type Readout struct {
	Step int `json:"step"`
	N    int `json:"n"`

	// Temps is the classifier's temperature grid; Dist[k] is the mean over
	// configurations of the probability of class k (the paper's temperature
	// distribution) and DistErr[k] its standard error.
	Temps   []float64 `json:"temps,omitempty"`
	Dist    []float64 `json:"dist,omitempty"`
	DistErr []float64 `json:"dist_err,omitempty"`
	// Peak is the temperature of the class with the largest Dist.
	Peak float64 `json:"peak"`
	// Expect is the mean over configurations of Σₖ pₖTₖ; ExpectStd its
	// spread (standard deviation) and ExpectErr its standard error.
	Expect    float64 `json:"expect"`
	ExpectStd float64 `json:"expect_std"`
	ExpectErr float64 `json:"expect_err"`
	// Argmax is the mean over configurations of the most probable class's
	// temperature; ArgmaxStd its spread.
	Argmax    float64 `json:"argmax"`
	ArgmaxStd float64 `json:"argmax_std"`

	// AbsM is ⟨|m|⟩ per spin and M the signed ⟨m⟩, with standard errors.
	AbsM    float64 `json:"abs_m"`
	AbsMErr float64 `json:"abs_m_err"`
	M       float64 `json:"m"`
	MErr    float64 `json:"m_err"`
	// E is the mean energy per spin and EErr its standard error (zero
	// without an Energy function).
	E    float64 `json:"e"`
	EErr float64 `json:"e_err"`

	Ensembles []Reading `json:"ensembles,omitempty"`

	// AbsMHist[k] is the fraction of configurations with |m| in the k-th
	// of len(AbsMHist) equal bins of [0, 1] (|m| = 1 in the last): the
	// basin fractions of a flow with an ordered and a disordered basin.
	AbsMHist []float64 `json:"abs_m_hist,omitempty"`
	// Corr is the spin correlation (Observer.Lattice > 0).
	Corr *Correlation `json:"corr,omitempty"`
	// MatchAbsM and MatchE set the batch against the nearest reference
	// ensemble in |m| and in energy (Observer.References).
	MatchAbsM *Match `json:"match_abs_m,omitempty"`
	MatchE    *Match `json:"match_e,omitempty"`

	// AbsMs, Es and Ts are the per-configuration |m|, energy per spin and
	// thermometer expectation Σₖ pₖTₖ (nil without an Energy function or a
	// Classifier), row by row. FindFixedPoint uses them to measure drifts
	// with errors that hold for correlated steps. They are not written to
	// JSON.
	AbsMs []float64 `json:"-"`
	Es    []float64 `json:"-"`
	Ts    []float64 `json:"-"`
}

// HasDist reports whether the readout holds a temperature distribution.
func (r *Readout) HasDist() bool { return len(r.Dist) > 0 }

// Measure reads out the batch v as the given step.
func (o *Observer) Measure(step int, v *mat.Dense) Readout {
	n, nv := v.Dims()
	r := Readout{Step: step, N: n, AbsMs: make([]float64, n)}
	if o.Energy != nil {
		r.Es = make([]float64, n)
	}
	bins := o.Bins
	if bins <= 0 {
		bins = 10
	}
	r.AbsMHist = make([]float64, bins)
	var m, am, e meanVar
	for i := 0; i < n; i++ {
		row := v.RawRowView(i)
		mi := lattice.Spin(row) / float64(nv)
		m.add(mi)
		am.add(math.Abs(mi))
		r.AbsMs[i] = math.Abs(mi)
		r.AbsMHist[histBin(math.Abs(mi), bins)]++
		if o.Energy != nil {
			r.Es[i] = o.Energy(row)
			e.add(r.Es[i])
		}
	}
	for k := range r.AbsMHist {
		r.AbsMHist[k] /= float64(n)
	}
	r.M, r.MErr = m.mean(), m.stderr()
	r.AbsM, r.AbsMErr = am.mean(), am.stderr()
	if o.Energy != nil {
		r.E, r.EErr = e.mean(), e.stderr()
	}
	if o.Classifier != nil {
		o.measureDist(&r, v)
	}
	for _, ne := range o.Ensembles {
		t, err := ne.Thermometer.EstimateEnsemble(v)
		r.Ensembles = append(r.Ensembles, Reading{Name: ne.Name, T: t, Err: err})
	}
	if o.Lattice > 0 {
		c := Correlate(o.Lattice, v, o.CorrRMax)
		r.Corr = &c
	}
	if len(o.References) > 0 {
		r.MatchAbsM = o.match(r.AbsMs, r.AbsM, func(ref *Reference) []float64 { return ref.AbsM }, 0)
		if o.Energy != nil {
			r.MatchE = o.match(r.Es, r.E, func(ref *Reference) []float64 { return ref.E }, 1)
		}
	}
	return r
}

// histBin is the bin of x ∈ [0, 1] among bins equal bins (1 in the last).
func histBin(x float64, bins int) int {
	return min(bins-1, max(0, int(x*float64(bins))))
}

// match sets the sample xs (mean mu) against the reference whose mean of the
// observable (which: 0 |m|, 1 energy) is nearest mu.
func (o *Observer) match(xs []float64, mu float64, obs func(*Reference) []float64, which int) *Match {
	best, dist := -1, math.Inf(1)
	for i := range o.References {
		am, e := o.References[i].means()
		ref := [2]float64{am, e}[which]
		if d := math.Abs(ref - mu); d < dist {
			best, dist = i, d
		}
	}
	if best < 0 {
		return nil
	}
	ref := &o.References[best]
	ys := obs(ref)
	d := KS(xs, ys)
	am, e := ref.means()
	return &Match{T: ref.T, Mean: [2]float64{am, e}[which], D: d, P: KSProb(d, len(xs), len(ys))}
}

func (o *Observer) measureDist(r *Readout, v *mat.Dense) {
	temps := o.Classifier.Temperatures()
	k := len(temps)
	n, _ := v.Dims()
	if pr, pc := o.probs.Dims(); pr != n || pc != k {
		o.probs = mat.Dense{}
	}
	o.Classifier.Probabilities(&o.probs, v)
	r.Temps = append([]float64(nil), temps...)
	cls := make([]meanVar, k)
	var ex, am meanVar
	r.Ts = make([]float64, n)
	for i := 0; i < n; i++ {
		p := o.probs.RawRowView(i)
		var t float64
		best := 0
		for c, pc := range p {
			cls[c].add(pc)
			t += pc * temps[c]
			if pc > p[best] {
				best = c
			}
		}
		ex.add(t)
		r.Ts[i] = t
		am.add(temps[best])
	}
	r.Dist = make([]float64, k)
	r.DistErr = make([]float64, k)
	best := 0
	for c := range cls {
		r.Dist[c], r.DistErr[c] = cls[c].mean(), cls[c].stderr()
		if r.Dist[c] > r.Dist[best] {
			best = c
		}
	}
	r.Peak = temps[best]
	r.Expect, r.ExpectStd, r.ExpectErr = ex.mean(), ex.std(), ex.stderr()
	r.Argmax, r.ArgmaxStd = am.mean(), am.std()
}

// meanVar accumulates a mean and variance with Welford's update.
type meanVar struct {
	n      int
	mu, m2 float64
}

func (a *meanVar) add(x float64) {
	a.n++
	d := x - a.mu
	a.mu += d / float64(a.n)
	a.m2 += d * (x - a.mu)
}

func (a *meanVar) mean() float64 { return a.mu }

// std is the sample standard deviation (n − 1 in the denominator).
func (a *meanVar) std() float64 {
	if a.n < 2 {
		return 0
	}
	return math.Sqrt(a.m2 / float64(a.n-1))
}

func (a *meanVar) stderr() float64 {
	if a.n < 2 {
		return 0
	}
	return a.std() / math.Sqrt(float64(a.n))
}
