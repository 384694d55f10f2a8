package ising

import (
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// Dataset defaults (the paper's data, PAPER.md §1).
const (
	DefaultL          = 10   // lattice side
	DefaultPerTemp    = 2000 // configurations per temperature
	DefaultSpacingTau = 5    // saved configurations are this many τ_int apart
	DefaultBurnInTau  = 20   // minimum burn-in in units of τ_int
	DefaultPilot      = 4000 // updates in the first pilot run per candidate
	pilotBurnIn       = 1000 // updates before the pilot run measures
	wolffProbe        = 1000 // clusters that fix the Wolff update (Pilot.Clusters) …
	wolffProbeSweeps  = 20   // … or fewer, once they have flipped this many times L² spins
	maxPilotWork      = 1 << 27
	// WolffWork is the cost of one spin flipped by Wolff relative to one
	// checkerboard site update (BenchmarkSweep: ≈ 22 ns against ≈ 5 ns on
	// an AMD EPYC core), used when Auto compares the algorithms' cost per
	// independent sample.
	WolffWork = 4
)

// DefaultGrid returns the paper's temperature grid 0, 0.25, …, 6.
func DefaultGrid() []float64 {
	g := make([]float64, 25)
	for i := range g {
		g[i] = 0.25 * float64(i)
	}
	return g
}

// DatasetSettings configures Generate. The zero value (or a nil pointer)
// gives the paper's data: L = 10, T = 0, 0.25, …, 6, 2000 configurations per
// temperature, h = 0, automatic algorithm choice, random global spin flip
// (at h = 0 only).
type DatasetSettings struct {
	// L is the lattice side. If L is 0, DefaultL is used.
	L int
	// Grid holds the temperatures, ascending, T ≥ 0 (+Inf allowed). If Grid
	// is nil, DefaultGrid() is used.
	Grid []float64
	// PerTemp is the number of configurations per temperature. If PerTemp is
	// 0, DefaultPerTemp is used.
	PerTemp int
	// H is the uniform external field.
	H float64
	// Algorithm selects the sampler for 0 < T < ∞. At h = 0, Auto runs
	// every such temperature as lanes of multi-spin samplers (NewMultiSpin:
	// many independent chains per temperature, any L), with short pilots
	// that measure τ_int, and hands a temperature to Wolff where Wolff's
	// work per independent sample (Pilot.Cost) is smaller (near T_c at
	// large L); see generate_ms.go's overview for the pilots, the lane
	// allocation and the checks. AlgMultiSpin does the same without Wolff.
	// At h ≠ 0 (which the multi-spin sampler refuses) Auto runs a pilot of
	// checkerboard Metropolis (random-site Metropolis for odd L) per
	// temperature, as the single-chain algorithms do.
	// T = 0 and T = +Inf are always sampled exactly (ZeroT, InfiniteT) by
	// the lattice algorithms; AlgMeanField and AlgCurieWeiss are exact at
	// every T.
	Algorithm Algorithm
	// NoFlip turns off the random global spin flip (Z₂) of each saved
	// configuration, which is on by default at h = 0. The flip is a
	// symmetry of the ensemble only at h = 0 (it maps the ensemble at h to
	// the one at −h), so it is never applied when H ≠ 0, whatever NoFlip
	// says.
	NoFlip bool
	// SpacingTau is the spacing between saved configurations in units of
	// the measured τ_int (rounded up to whole updates). If SpacingTau is 0,
	// DefaultSpacingTau is used.
	SpacingTau float64
	// Workers bounds the number of goroutines that generate in parallel
	// (one per temperature on the single-chain path; the multi-spin lanes
	// are one job, each Wolff temperature another). If Workers is 0,
	// runtime.GOMAXPROCS(0) is used. The result does not depend on it.
	Workers int
}

// Pilot is the outcome of one pilot run at one temperature.
type Pilot struct {
	Algorithm Algorithm `json:"algorithm"`
	// Clusters is, for Wolff, the number of clusters in one update, fixed
	// before any measurement as L² divided by the mean size of a probe of
	// 1000 clusters (fewer if they flip 20 L² spins first), so that an
	// update is about one sweep's worth of flips;
	// 0 for the other algorithms, whose update is one sweep.
	Clusters int `json:"clusters_per_update,omitempty"`
	// TauE and TauM are the integrated autocorrelation times of the energy
	// and |m| in updates, from TauInt over Updates updates (for the
	// multi-spin pilot, TauIntChains over Chains chains of Updates sweeps
	// each, after its burn-in).
	TauE    float64 `json:"tau_e"`
	TauM    float64 `json:"tau_absm"`
	Updates int     `json:"updates"`
	// Converged reports whether the run was at least 100 τ_int long (the
	// multi-spin pilot: 25 τ_int per chain, 12 with 16 chains or more, a
	// self-consistent window and chain means that agree); the pilot stops
	// at 2²⁷ spin updates otherwise and its τ_int is a lower bound.
	Converged bool `json:"converged"`
	// Work is the mean number of spins updated per update: L² for a sweep,
	// Clusters times the mean cluster size for Wolff.
	Work float64 `json:"work"`
	// Chains is the number of independent chains the pilot pooled (the
	// multi-spin pilot's lanes per temperature; 1 otherwise); Updates is
	// per chain.
	Chains int `json:"chains"`
}

// Tau returns max(TauE, TauM).
func (p Pilot) Tau() float64 { return math.Max(p.TauE, p.TauM) }

// Cost returns the work per independent sample, 2·Tau·Work spin updates,
// with Wolff's flips weighted by WolffWork and multi-spin site updates by
// MultiSpinWork (units: one checkerboard site update).
func (p Pilot) Cost() float64 {
	c := 2 * p.Tau() * p.Work
	switch p.Algorithm {
	case AlgWolff:
		c *= WolffWork
	case AlgMultiSpin:
		c *= MultiSpinWork
	}
	return c
}

// better reports whether p should be preferred to q: converged pilots
// first, then the lower cost.
func (p Pilot) better(q Pilot) bool {
	if p.Converged != q.Converged {
		return p.Converged
	}
	return p.Cost() < q.Cost()
}

// TempInfo records how the configurations of one temperature were drawn
// and how independent they are.
type TempInfo struct {
	T         float64   `json:"T"`
	Algorithm Algorithm `json:"algorithm"`
	// Candidates holds the pilot runs; the chosen algorithm's comes first.
	// It is empty for the exact samplers.
	Candidates []Pilot `json:"candidates,omitempty"`
	// Tau is the chosen algorithm's τ_int = max(τ_E, τ_|m|) in updates (0.5
	// for the exact samplers, whose draws are independent).
	Tau float64 `json:"tau"`
	// TauSweeps is Tau converted to sweeps of L² spin updates.
	TauSweeps float64 `json:"tau_sweeps"`
	// BurnIn and Spacing are in updates: BurnIn before the first saved
	// configuration (at least 20 τ_int; Wolff adds its probe clusters; for
	// the multi-spin lanes the pilot's sweeps and the production run's own
	// burn-in, and those of discarded runs, see Retries), Spacing between
	// saved configurations.
	BurnIn  int `json:"burn_in"`
	Spacing int `json:"spacing"`
	// SavedTauE and SavedTauM are τ_int of e and |m| along the saved
	// configurations, in saved configurations, pooled over the chains
	// (TauIntChains): 0.5 means independent.
	SavedTauE float64 `json:"saved_tau_e"`
	SavedTauM float64 `json:"saved_tau_absm"`
	// Chains is the number of independent chains the configurations come
	// from (multi-spin lanes; 1 for one chain or an exact sampler). Rows
	// are chain-major: each chain's configurations are consecutive, in
	// time order.
	Chains int `json:"chains"`
	// PilotWork and Work are the cost of the pilot runs and of the
	// production run (burn-in after the pilots, and the saved sweeps) in
	// units of one checkerboard site update: site updates weighted by
	// MultiSpinWork for multi-spin lanes, spins flipped by Wolff weighted
	// by WolffWork (see Pilot.Cost). Dataset.PilotShare sums them.
	PilotWork float64 `json:"pilot_work"`
	Work      float64 `json:"work"`
	// Retries counts production runs of a multi-spin temperature discarded
	// because their saved rows were correlated (see Generate); their work
	// is in PilotWork.
	Retries int `json:"retries"`
}

// Dataset is a labelled set of configurations.
type Dataset struct {
	L    int
	H    float64
	Grid []float64 // ascending temperatures; labels index it
	// Configs holds one 0/1 configuration per row (site i*L+j); rows are
	// grouped by temperature in grid order.
	Configs *mat.Dense
	Temps   []float64  // each row's temperature
	Labels  []int      // each row's index into Grid
	Info    []TempInfo // per grid temperature
	// Algorithm is the requested algorithm, Flip whether the random global
	// spin flip was applied (never when H ≠ 0, see DatasetSettings.NoFlip).
	Algorithm Algorithm
	Flip      bool
	// Seed is informational: Generate leaves it 0; callers that derive src
	// from a number may set it, and Save records it.
	Seed uint64
}

// Split divides the dataset per temperature into a training part holding
// round(frac·n_k) of the n_k rows of each temperature, chosen uniformly at
// random with src, and a test part holding the rest. Rows keep their
// relative order. Both parts share Grid and Info. It panics if frac is
// outside [0, 1] or src is nil.
func (d *Dataset) Split(frac float64, src rand.Source) (train, test *Dataset) {
	if !(frac >= 0 && frac <= 1) {
		panic("ising: split fraction outside [0, 1]")
	}
	if src == nil {
		panic(errNilSource)
	}
	byLabel := make([][]int, len(d.Grid))
	for r, k := range d.Labels {
		byLabel[k] = append(byLabel[k], r)
	}
	inTrain := make([]bool, len(d.Labels))
	for _, rows := range byLabel {
		for i := len(rows) - 1; i > 0; i-- {
			j := int(uintn(src, uint64(i+1)))
			rows[i], rows[j] = rows[j], rows[i]
		}
		nt := int(math.Round(frac * float64(len(rows))))
		for _, r := range rows[:nt] {
			inTrain[r] = true
		}
	}
	var tr, te []int
	for r, in := range inTrain {
		if in {
			tr = append(tr, r)
		} else {
			te = append(te, r)
		}
	}
	return d.subset(tr), d.subset(te)
}

// subset returns a dataset with the given rows.
func (d *Dataset) subset(rows []int) *Dataset {
	_, c := d.Configs.Dims()
	s := *d
	s.Grid = slices.Clone(d.Grid)
	s.Info = slices.Clone(d.Info)
	s.Temps = make([]float64, len(rows))
	s.Labels = make([]int, len(rows))
	s.Configs = &mat.Dense{}
	if len(rows) > 0 {
		s.Configs = mat.NewDense(len(rows), c, nil)
	}
	for i, r := range rows {
		copy(s.Configs.RawRowView(i), d.Configs.RawRowView(r))
		s.Temps[i] = d.Temps[r]
		s.Labels[i] = d.Labels[r]
	}
	return &s
}

// PilotShare returns the pilots' share of the work that drew the dataset's
// Markov-chain temperatures, ΣPilotWork / Σ(PilotWork + Work) over the
// records with pilot runs (the exact samplers have none), or 0 if there
// are none.
func (d *Dataset) PilotShare() float64 {
	var p, w float64
	for _, in := range d.Info {
		if len(in.Candidates) == 0 {
			continue
		}
		p += in.PilotWork
		w += in.Work
	}
	if p+w == 0 {
		return 0
	}
	return p / (p + w)
}

// Counts returns the number of rows per grid temperature.
func (d *Dataset) Counts() []int {
	c := make([]int, len(d.Grid))
	for _, k := range d.Labels {
		c[k]++
	}
	return c
}
