package flow

import (
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
	// example LatticeEnergy(L).
	Energy func(row []float64) float64

	probs mat.Dense
}

// LatticeEnergy returns the per-spin energy −Σ⟨ij⟩ sᵢsⱼ / L² of a 0/1 row on
// the L×L periodic square lattice (J = 1, h = 0), for Observer.Energy. Rows
// of probabilities (mean-field flows) give the energy of the mean spins.
func LatticeEnergy(L int) func(row []float64) float64 {
	return func(row []float64) float64 { return lattice.EnergyPerSpin(L, 0, row) }
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
}

// HasDist reports whether the readout holds a temperature distribution.
func (r *Readout) HasDist() bool { return len(r.Dist) > 0 }

// Measure reads out the batch v as the given step.
func (o *Observer) Measure(step int, v *mat.Dense) Readout {
	n, nv := v.Dims()
	r := Readout{Step: step, N: n}
	var m, am, e meanVar
	for i := 0; i < n; i++ {
		row := v.RawRowView(i)
		mi := lattice.Spin(row) / float64(nv)
		m.add(mi)
		am.add(math.Abs(mi))
		if o.Energy != nil {
			e.add(o.Energy(row))
		}
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
	return r
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
