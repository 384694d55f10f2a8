package ising

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"

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
	wolffProbe        = 1000 // clusters that fix the Wolff update (Pilot.Clusters)
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
	// Algorithm selects the sampler for 0 < T < ∞. Auto runs a pilot of
	// checkerboard Metropolis (random-site Metropolis for odd L) and, for
	// h = 0, Wolff at every temperature and keeps the one with the smaller
	// work per independent sample (Pilot.Cost).
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
	// Workers bounds the number of temperatures generated in parallel. If
	// Workers is 0, runtime.GOMAXPROCS(0) is used. The result does not depend
	// on it.
	Workers int
}

// Pilot is the outcome of one pilot run at one temperature.
type Pilot struct {
	Algorithm Algorithm `json:"algorithm"`
	// Clusters is, for Wolff, the number of clusters in one update, fixed
	// before any measurement as L² divided by the mean size of a probe of
	// 1000 clusters, so that an update is about one sweep's worth of flips;
	// 0 for the other algorithms, whose update is one sweep.
	Clusters int `json:"clusters_per_update,omitempty"`
	// TauE and TauM are the integrated autocorrelation times of the energy
	// and |m| in updates, from TauInt over Updates updates.
	TauE    float64 `json:"tau_e"`
	TauM    float64 `json:"tau_absm"`
	Updates int     `json:"updates"`
	// Converged reports whether the run was at least 100 τ_int long; the
	// pilot stops at 2²⁷ spin updates otherwise and its τ_int is a lower bound.
	Converged bool `json:"converged"`
	// Work is the mean number of spins updated per update: L² for a sweep,
	// Clusters times the mean cluster size for Wolff.
	Work float64 `json:"work"`
}

// Tau returns max(TauE, TauM).
func (p Pilot) Tau() float64 { return math.Max(p.TauE, p.TauM) }

// Cost returns the work per independent sample, 2·Tau·Work spin updates,
// with Wolff's flips weighted by WolffWork.
func (p Pilot) Cost() float64 {
	c := 2 * p.Tau() * p.Work
	if p.Algorithm == AlgWolff {
		c *= WolffWork
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
	// configuration (at least 20 τ_int; Wolff adds its 1000-cluster probe),
	// Spacing between saved configurations.
	BurnIn  int `json:"burn_in"`
	Spacing int `json:"spacing"`
	// SavedTauE and SavedTauM are τ_int of e and |m| along the saved
	// configurations, in saved configurations: 0.5 means independent.
	SavedTauE float64 `json:"saved_tau_e"`
	SavedTauM float64 `json:"saved_tau_absm"`
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

// Generate draws a labelled dataset with the given settings (nil means all
// defaults), taking randomness from src, and calls progress (if not nil) on
// the calling goroutine after each temperature with the number of
// temperatures done and their total.
//
// Each temperature gets its own random stream seeded from src in grid
// order, so the result is bit-identical for any GOMAXPROCS or Workers. To
// draw n configurations at one temperature (for example a flow's Monte
// Carlo start ensemble) use a one-element Grid, or Sample.
//
// Generate returns an error for invalid settings: a grid that is empty,
// not ascending or has a negative or NaN temperature, L < 2, a negative
// count, or a cluster algorithm with h ≠ 0.
func Generate(s *DatasetSettings, src rand.Source, progress func(done, total int)) (*Dataset, error) {
	var set DatasetSettings
	if s != nil {
		set = *s
	}
	if set.L == 0 {
		set.L = DefaultL
	}
	if set.Grid == nil {
		set.Grid = DefaultGrid()
	}
	if set.PerTemp == 0 {
		set.PerTemp = DefaultPerTemp
	}
	if set.SpacingTau == 0 {
		set.SpacingTau = DefaultSpacingTau
	}
	if set.Workers == 0 {
		set.Workers = runtime.GOMAXPROCS(0)
	}
	if err := set.validate(); err != nil {
		return nil, err
	}
	L, n, K := set.L, set.PerTemp, len(set.Grid)
	N := L * L
	d := &Dataset{
		L: L, H: set.H, Grid: slices.Clone(set.Grid),
		Configs:   mat.NewDense(K*n, N, nil),
		Temps:     make([]float64, K*n),
		Labels:    make([]int, K*n),
		Info:      make([]TempInfo, K),
		Algorithm: set.Algorithm, Flip: set.flip(),
	}
	seeds := make([][2]uint64, K)
	for k := range seeds {
		seeds[k] = [2]uint64{src.Uint64(), src.Uint64()}
	}
	jobs := make(chan int)
	done := make(chan int)
	var wg sync.WaitGroup
	for range min(set.Workers, K) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range jobs {
				d.Info[k] = generateOne(&set, set.Grid[k], rand.NewPCG(seeds[k][0], seeds[k][1]), d.Configs, k*n)
				done <- k
			}
		}()
	}
	go func() {
		for k := range K {
			jobs <- k
		}
		close(jobs)
	}()
	for c := 1; c <= K; c++ {
		<-done
		if progress != nil {
			progress(c, K)
		}
	}
	wg.Wait()
	for k, T := range d.Grid {
		for r := k * n; r < (k+1)*n; r++ {
			d.Temps[r] = T
			d.Labels[r] = k
		}
	}
	return d, nil
}

// Sample draws n configurations at temperature T and field h on the L×L
// lattice with the automatic algorithm choice and, at h = 0 only, the
// random global spin flip: Generate with a one-element grid.
func Sample(L int, T, h float64, n int, src rand.Source) (*mat.Dense, error) {
	d, err := Generate(&DatasetSettings{L: L, Grid: []float64{T}, PerTemp: n, H: h}, src, nil)
	if err != nil {
		return nil, err
	}
	return d.Configs, nil
}

// flip reports whether the random global spin flip applies: unless turned
// off, and only at h = 0, where it is a symmetry of the ensemble.
func (s *DatasetSettings) flip() bool { return !s.NoFlip && s.H == 0 }

func (s *DatasetSettings) validate() error {
	switch {
	case s.L < 2:
		return fmt.Errorf("ising: dataset lattice side %d < 2", s.L)
	case s.PerTemp < 0:
		return fmt.Errorf("ising: negative configurations per temperature %d", s.PerTemp)
	case len(s.Grid) == 0:
		return errors.New("ising: empty temperature grid")
	case !(s.SpacingTau > 0):
		return fmt.Errorf("ising: SpacingTau %v must be positive", s.SpacingTau)
	case s.Workers < 0:
		return fmt.Errorf("ising: negative Workers %d", s.Workers)
	case math.IsNaN(s.H) || math.IsInf(s.H, 0):
		return fmt.Errorf("ising: field h = %v is not finite", s.H)
	case s.Algorithm < Auto || s.Algorithm > AlgCurieWeiss:
		return fmt.Errorf("ising: unknown algorithm %v", s.Algorithm)
	case s.H != 0 && (s.Algorithm == AlgWolff || s.Algorithm == AlgSwendsenWang):
		return fmt.Errorf("ising: %v needs h = 0, have h = %v", s.Algorithm, s.H)
	case (s.Algorithm == AlgCheckerboard || s.Algorithm == AlgHeatBath) && s.L%2 != 0:
		return fmt.Errorf("ising: %v needs an even lattice side, have L = %d", s.Algorithm, s.L)
	}
	for i, T := range s.Grid {
		if !(T >= 0) {
			return fmt.Errorf("ising: temperature %v is negative or NaN", T)
		}
		if i > 0 && !(T > s.Grid[i-1]) {
			return fmt.Errorf("ising: temperature grid is not strictly ascending at %v", T)
		}
	}
	return nil
}

// exactAt returns the exact sampler to use at T, or nil.
func exactAt(s *DatasetSettings, T float64, src rand.Source) (Sampler, Algorithm) {
	switch s.Algorithm {
	case AlgMeanField:
		return NewMeanField(s.L*s.L, T, s.H, src), AlgMeanField
	case AlgCurieWeiss:
		return NewCurieWeiss(s.L*s.L, T, s.H, src), AlgCurieWeiss
	}
	if T == 0 {
		return NewZeroT(s.L, s.H, src), AlgZeroT
	}
	if math.IsInf(T, 1) {
		return NewInfiniteT(s.L*s.L, src), AlgInfiniteT
	}
	return nil, 0
}

// generateOne fills rows [row0, row0+PerTemp) of dst at temperature T.
func generateOne(s *DatasetSettings, T float64, src *rand.PCG, dst *mat.Dense, row0 int) TempInfo {
	info := TempInfo{T: T}
	N := s.L * s.L
	var smp Sampler
	if ex, alg := exactAt(s, T, rand.NewPCG(src.Uint64(), src.Uint64())); ex != nil {
		smp, info.Algorithm, info.Tau, info.TauSweeps, info.Spacing = ex, alg, 0.5, 0, 1
	} else {
		cands := []Algorithm{s.Algorithm}
		if s.Algorithm == Auto {
			cands = []Algorithm{AlgCheckerboard}
			if s.L%2 != 0 {
				cands[0] = AlgMetropolis // checkerboard needs an even side
			}
			if s.H == 0 {
				cands = append(cands, AlgWolff)
			}
		}
		var best Sampler
		var burned int
		for _, alg := range cands {
			smp, _ := NewSampler(alg, s.L, T, s.H, rand.NewPCG(src.Uint64(), src.Uint64()))
			p, b, smp := pilot(smp, alg, s.L, s.H)
			if len(info.Candidates) == 0 || p.better(info.Candidates[0]) {
				info.Candidates = append([]Pilot{p}, info.Candidates...)
				best, burned = smp, b
			} else {
				info.Candidates = append(info.Candidates, p)
			}
		}
		p := info.Candidates[0]
		smp, info.Algorithm, info.Tau = best, p.Algorithm, p.Tau()
		info.TauSweeps = p.Tau() * p.Work / float64(N)
		info.Spacing = max(1, int(math.Ceil(s.SpacingTau*p.Tau())))
		extra := max(0, int(math.Ceil(DefaultBurnInTau*p.Tau()))-burned)
		smp.Sweep(extra)
		info.BurnIn = burned + extra
	}
	e := make([]float64, s.PerTemp)
	am := make([]float64, s.PerTemp)
	var bits uint64
	nbits := 0
	flip := s.flip()
	for r := range s.PerTemp {
		smp.Sweep(info.Spacing)
		row := dst.RawRowView(row0 + r)
		smp.Read(row)
		e[r] = EnergyPerSpin(s.L, s.H, row)
		am[r] = math.Abs(Magnetization(row))
		if flip {
			if nbits == 0 {
				bits, nbits = src.Uint64(), 64
			}
			if bits&1 == 1 {
				for j, v := range row {
					row[j] = 1 - v
				}
			}
			bits >>= 1
			nbits--
		}
	}
	info.SavedTauE = tauInt(e)
	info.SavedTauM = tauInt(am)
	return info
}

// pilot burns smp in and measures τ_int of e and |m|, doubling the run
// until it is at least 100 τ_int long (or 2²⁷ spin updates). It returns the
// pilot, the number of updates done, all of which count as burn-in, and the
// sampler to continue with (for Wolff, one that groups Pilot.Clusters
// clusters into one update).
func pilot(smp Sampler, alg Algorithm, L int, h float64) (Pilot, int, Sampler) {
	N := L * L
	row := make([]float64, N)
	p := Pilot{Algorithm: alg, Work: float64(N)}
	w, isWolff := smp.(*Wolff)
	if isWolff {
		w.Sweep(wolffProbe)
		p.Clusters = max(1, int(math.Round(float64(N)*wolffProbe/float64(w.Flipped()))))
		smp = &wolffSweeps{w, p.Clusters}
	}
	smp.Sweep(pilotBurnIn)
	done := pilotBurnIn
	var flipped0 int64
	if isWolff {
		flipped0 = w.Flipped()
	}
	for n := DefaultPilot; ; n *= 2 {
		e := make([]float64, n)
		am := make([]float64, n)
		for i := range n {
			smp.Sweep(1)
			smp.Read(row)
			e[i] = EnergyPerSpin(L, h, row)
			am[i] = math.Abs(Magnetization(row))
		}
		done += n
		if isWolff {
			p.Work = float64(w.Flipped()-flipped0) / float64(done-pilotBurnIn)
		}
		p.TauE, p.TauM, p.Updates = tauInt(e), tauInt(am), n
		if float64(n) >= 100*p.Tau() {
			p.Converged = true
			break
		}
		if float64(2*n)*max(p.Work, float64(N)) > maxPilotWork {
			break
		}
	}
	return p, done, smp
}

// wolffSweeps groups k Wolff clusters into one update.
type wolffSweeps struct {
	*Wolff
	k int
}

// Sweep grows and flips n·k clusters.
func (w *wolffSweeps) Sweep(n int) {
	if n < 0 {
		panic(errNegative)
	}
	w.Wolff.Sweep(n * w.k)
}

// tauInt returns TauInt(x) (Sokal's automatic window), at least 1/2: a
// series without fluctuations, or one shorter than two samples, counts as
// independent (as would a NaN τ_int, which finite energies cannot give).
func tauInt(x []float64) float64 {
	tau, _ := TauInt(x)
	if !(tau > 0.5) {
		return 0.5
	}
	return tau
}

// Split divides the dataset per temperature into a training part holding
// round(frac·n_k) of the n_k rows of each temperature, chosen uniformly at
// random with src, and a test part holding the rest. Rows keep their
// relative order. Both parts share Grid and Info. It panics if frac is
// outside [0, 1].
func (d *Dataset) Split(frac float64, src rand.Source) (train, test *Dataset) {
	if !(frac >= 0 && frac <= 1) {
		panic("ising: split fraction outside [0, 1]")
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

// Counts returns the number of rows per grid temperature.
func (d *Dataset) Counts() []int {
	c := make([]int, len(d.Grid))
	for _, k := range d.Labels {
		c[k]++
	}
	return c
}
