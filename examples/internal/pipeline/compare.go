package pipeline

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/rgflow/rgflow/flow"
	"github.com/rgflow/rgflow/ising"
)

// ProductZ is the number of standard errors within which every connected
// correlation Conn(r), r ≥ 1, must vanish for a batch to count as a product
// state. With ⌊L/2⌋ = 5 distances tested at L = 10, a true product state
// fails with probability about 5 × 6.3e-5 = 3e-4.
const ProductZ = 4

// Ensemble is one batch of configurations summarised for the comparison of
// a flow's end with Monte Carlo: its correlation and the distributions of
// |m| and e.
type Ensemble struct {
	Name string  `json:"name"`
	T    float64 `json:"T"` // NaN for the flow's own batch
	N    int     `json:"n"`
	// AbsM, AbsMStd: mean and spread (standard deviation) of |m|; E, EStd
	// the same for the energy per spin.
	AbsM    float64 `json:"abs_m"`
	AbsMStd float64 `json:"abs_m_std"`
	E       float64 `json:"e"`
	EStd    float64 `json:"e_std"`
	// Corr is the spin correlation (flow.Correlate).
	Corr flow.Correlation `json:"corr"`
	// Product reports whether every Conn(r), r ≥ 1, is within ProductZ
	// standard errors of 0; Worst is the largest |Conn(r)|/ConnErr(r).
	Product bool    `json:"product_state"`
	Worst   float64 `json:"worst_conn_sigmas"`

	absMs, es []float64
}

// Comparison sets the last batch of a flow against Monte Carlo ensembles at
// the temperatures whose ⟨|m|⟩ and ⟨e⟩ match the batch's (the physical
// ensemble thermometers' readings), generated afresh at exactly those
// temperatures.
type Comparison struct {
	Flow      string `json:"flow"`
	Step      int    `json:"step"`
	Converged bool   `json:"converged"`
	// Binomial is the spread of |m| that independent spins with the
	// batch's ⟨|m|⟩ would have: √((1 − ⟨|m|⟩²)/N).
	Binomial float64     `json:"binomial_abs_m_std"`
	Batch    Ensemble    `json:"batch"`
	MCAbsM   *Ensemble   `json:"mc_at_T_abs_m,omitempty"`
	MCE      *Ensemble   `json:"mc_at_T_e,omitempty"`
	KSAbsM   *flow.Match `json:"ks_abs_m,omitempty"` // |m| against MCAbsM
	KSE      *flow.Match `json:"ks_e,omitempty"`     // e against MCE
}

// Summarize returns the summary of a batch of configurations on the L×L
// lattice at field h.
func Summarize(name string, T float64, v *mat.Dense, L int, h float64) Ensemble {
	n, _ := v.Dims()
	e := ising.Energies(nil, L, h, v)
	m := ising.Magnetizations(nil, v)
	for i := range m {
		m[i] = math.Abs(m[i])
	}
	s := Ensemble{Name: name, T: T, N: n, Corr: flow.Correlate(L, v, 0), absMs: m, es: e}
	s.AbsM, s.AbsMStd = meanStd(m)
	s.E, s.EStd = meanStd(e)
	s.Product = true
	for r := 1; r < len(s.Corr.Conn); r++ {
		z := math.Abs(s.Corr.Conn[r]) / s.Corr.ConnErr[r]
		if s.Corr.Conn[r] == 0 {
			z = 0
		}
		s.Worst = math.Max(s.Worst, z)
		if !(z <= ProductZ) {
			s.Product = false
		}
	}
	return s
}

func meanStd(xs []float64) (float64, float64) {
	var s, ss float64
	for _, x := range xs {
		s += x
	}
	mu := s / float64(len(xs))
	for _, x := range xs {
		ss += (x - mu) * (x - mu)
	}
	if len(xs) < 2 {
		return mu, 0
	}
	return mu, math.Sqrt(ss / float64(len(xs)-1))
}

// CompareWithMC compares the last batch of flow f (on the L×L lattice at
// field h) with Monte Carlo ensembles of n configurations at the
// temperatures read by the ensemble thermometers named "T from |m|" and
// "T from energy" at its last step (none where a reading is outside the
// data's range).
func CompareWithMC(f *FlowResult, L int, h float64, n int, seed uint64, p *Progress) (*Comparison, error) {
	last := f.Readouts[len(f.Readouts)-1]
	c := &Comparison{Flow: f.Name, Step: last.Step, Converged: f.Fixed != nil}
	c.Batch = Summarize("flow from "+f.Name+fmt.Sprintf(", step %d", last.Step), math.NaN(), f.Last, L, h)
	_, nv := f.Last.Dims()
	c.Binomial = math.Sqrt((1 - c.Batch.AbsM*c.Batch.AbsM) / float64(nv))
	var tM, tE = math.NaN(), math.NaN()
	for _, r := range last.Ensembles {
		switch r.Name {
		case "T from " + "|m|":
			tM = r.T
		case "T from energy":
			tE = r.T
		}
	}
	mc := func(T float64, part, matches string) (*Ensemble, error) {
		if math.IsNaN(T) || math.IsInf(T, 0) || T <= 0 {
			return nil, nil
		}
		d, err := ising.Generate(&ising.DatasetSettings{L: L, Grid: []float64{T}, PerTemp: n, H: h}, Src(seed, part+" "+f.Name), nil)
		if err != nil {
			return nil, err
		}
		p.Printf("Monte Carlo at T = %.3f (%s of the flow from %s): %d configurations", T, part, f.Name, n)
		s := Summarize(fmt.Sprintf("Monte Carlo at T = %.3f (matches %s)", T, matches), T, d.Configs, L, h)
		return &s, nil
	}
	var err error
	if c.MCAbsM, err = mc(tM, "T from |m|", "|m|"); err != nil {
		return nil, err
	}
	if c.MCE, err = mc(tE, "T from energy", "e"); err != nil {
		return nil, err
	}
	ks := func(a []float64, ref *Ensemble, xs func(*Ensemble) []float64, mean float64) *flow.Match {
		if ref == nil {
			return nil
		}
		d := flow.KS(a, xs(ref))
		return &flow.Match{T: ref.T, Mean: mean, D: d, P: flow.KSProb(d, len(a), ref.N)}
	}
	if c.MCAbsM != nil {
		c.KSAbsM = ks(c.Batch.absMs, c.MCAbsM, func(e *Ensemble) []float64 { return e.absMs }, c.MCAbsM.AbsM)
	}
	if c.MCE != nil {
		c.KSE = ks(c.Batch.es, c.MCE, func(e *Ensemble) []float64 { return e.es }, c.MCE.E)
	}
	return c, nil
}

// AbsMs and Es return the per-configuration |m| and e of the ensemble.
func (e *Ensemble) AbsMs() []float64 { return e.absMs }

// Es returns the per-configuration energies per spin of the ensemble.
func (e *Ensemble) Es() []float64 { return e.es }
