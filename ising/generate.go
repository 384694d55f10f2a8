package ising

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"gonum.org/v1/gonum/mat"
)

// Generate draws a labelled dataset with the given settings (nil means all
// defaults), taking randomness from src, and calls progress (if not nil) on
// the calling goroutine each time a temperature is done, with the number of
// temperatures done and their total. If progress returns an error,
// Generate stops promptly (the samplers poll for it between short runs of
// sweeps), discards everything drawn and returns that error unchanged; no
// dataset is returned.
//
// Each temperature gets its own random stream seeded from src in grid
// order, and the multi-spin lanes their own, so the result is bit-identical
// for any GOMAXPROCS or Workers. To draw n configurations at one
// temperature (for example a flow's Monte Carlo start ensemble) use a
// one-element Grid, or Sample.
//
// Generate returns an error for invalid settings: a grid that is empty,
// not ascending or has a negative or NaN temperature, L < 2, a negative
// count, a SpacingTau that is not positive and finite, or a cluster or
// multi-spin algorithm with h ≠ 0. src must not be nil (Generate panics).
func Generate(s *DatasetSettings, src rand.Source, progress func(done, total int) error) (*Dataset, error) {
	set := s.withDefaults()
	if err := set.validate(); err != nil {
		return nil, err
	}
	if src == nil {
		panic(errNilSource)
	}
	K := len(set.Grid)
	d := newDataset(&set)
	g := &genRun{set: &set, d: d, srcs: make([]*rand.PCG, K)}
	for k := range g.srcs {
		g.srcs[k] = rand.NewPCG(src.Uint64(), src.Uint64())
	}
	msSrc := rand.NewPCG(src.Uint64(), src.Uint64())

	// Jobs: one per temperature on the single-chain path, and for the
	// multi-spin temperatures a pilot job that queues their production
	// (one job for the multi-spin lanes, one per Wolff temperature).
	jobs := make(chan func() int, 2*K+2)
	var pending sync.WaitGroup
	g.push = func(f func() int) {
		pending.Add(1)
		jobs <- f
	}
	g.queue(msSrc)
	if err := g.run(jobs, &pending, progress); err != nil {
		return nil, err
	}
	d.label(set.PerTemp)
	return d, nil
}

// withDefaults returns a copy of *s (the zero settings if s is nil) with
// the defaults filled in.
func (s *DatasetSettings) withDefaults() DatasetSettings {
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
	return set
}

// newDataset returns the dataset Generate fills for the (valid, defaulted)
// settings, with room for all its rows.
func newDataset(set *DatasetSettings) *Dataset {
	L, n, K := set.L, set.PerTemp, len(set.Grid)
	N := L * L
	d := &Dataset{
		L: L, H: set.H, Grid: slices.Clone(set.Grid),
		Configs:   mat.NewDense(max(K*n, 1), N, nil),
		Temps:     make([]float64, K*n),
		Labels:    make([]int, K*n),
		Info:      make([]TempInfo, K),
		Algorithm: set.Algorithm, Flip: set.flip(),
	}
	if K*n == 0 {
		d.Configs = &mat.Dense{}
	}
	return d
}

// label sets Temps and Labels of a generated dataset, n rows per
// temperature in grid order.
func (d *Dataset) label(n int) {
	for k, T := range d.Grid {
		for r := k * n; r < (k+1)*n; r++ {
			d.Temps[r] = T
			d.Labels[r] = k
		}
	}
}

// queue pushes the first jobs: one per single-chain temperature, and one
// multi-spin pilot job for the other temperatures, which queues their
// production when it is done. A job returns the number of temperatures it
// finished.
func (g *genRun) queue(msSrc *rand.PCG) {
	var msKs []int
	for k, T := range g.set.Grid {
		if exactAlg(g.set, T) == Auto && g.set.multiSpin() {
			msKs = append(msKs, k)
			continue
		}
		g.push(func() int {
			if g.generateOne(k) {
				return 1
			}
			return 0
		})
	}
	if len(msKs) > 0 {
		g.push(func() int {
			ts := g.msPilot(msKs, msSrc)
			if ts == nil {
				return 0
			}
			g.queueProduction(ts, msSrc)
			return 0
		})
	}
}

// queueProduction pushes, after the multi-spin pilot, one job per
// temperature handed to Wolff and one for all multi-spin lanes.
func (g *genRun) queueProduction(ts []*msTemp, msSrc *rand.PCG) {
	for _, t := range ts {
		if t.useW {
			g.push(func() int {
				if g.wolffProduce(t) {
					return 1
				}
				return 0
			})
		}
	}
	g.push(func() int {
		if !g.msProduce(ts, msSrc) {
			return 0
		}
		c := 0
		for _, t := range ts {
			if !t.useW {
				c++
			}
		}
		return c
	})
}

// run works off the queued jobs (and those they queue) on up to Workers
// goroutines, calling progress on the calling goroutine for each finished
// temperature. If progress returns an error, run sets the stop flag, waits
// for the workers and returns that error.
func (g *genRun) run(jobs chan func() int, pending *sync.WaitGroup, progress func(done, total int) error) error {
	K := len(g.set.Grid)
	done := make(chan int)
	var workers sync.WaitGroup
	for range min(g.set.Workers, K) {
		workers.Add(1)
		go func() {
			defer workers.Done()
			for job := range jobs {
				c := 0
				if !g.stopped() {
					c = job()
				}
				done <- c
				pending.Done()
			}
		}()
	}
	go func() {
		pending.Wait()
		close(jobs)
		workers.Wait()
		close(done)
	}()
	var stopErr error
	finished := 0
	for c := range done {
		for range c {
			finished++
			if progress != nil && stopErr == nil {
				if err := progress(finished, K); err != nil {
					stopErr = err
					g.stop.Store(true)
				}
			}
		}
	}
	return stopErr
}

// genRun is the shared state of one Generate call.
type genRun struct {
	set  *DatasetSettings
	d    *Dataset
	srcs []*rand.PCG // per temperature
	stop atomic.Bool
	push func(job func() int) // queues a job (from any goroutine)
}

func (g *genRun) stopped() bool { return g.stop.Load() }

// sampSrc returns a new source for a sampler of temperature k, seeded from
// the temperature's stream.
func (g *genRun) sampSrc(k int) rand.Source {
	return rand.NewPCG(g.srcs[k].Uint64(), g.srcs[k].Uint64())
}

// flipRows applies the random global spin flip (if on) to the rows of
// temperature k, one bit of the temperature's stream per row.
func (g *genRun) flipRows(k int) {
	if !g.set.flip() {
		return
	}
	n := g.set.PerTemp
	var bits uint64
	nbits := 0
	for r := k * n; r < (k+1)*n; r++ {
		if nbits == 0 {
			bits, nbits = g.srcs[k].Uint64(), 64
		}
		if bits&1 == 1 {
			row := g.d.Configs.RawRowView(r)
			for j, v := range row {
				row[j] = 1 - v
			}
		}
		bits >>= 1
		nbits--
	}
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

// ErrSettings is returned (wrapped, naming the field and its value) by
// Generate and Measure for settings out of range.
var ErrSettings = errors.New("ising: invalid settings")

// validate returns an error wrapping ErrSettings for the first field of s
// out of range.
func (s *DatasetSettings) validate() error {
	switch {
	case s.L < 2:
		return badSetting("L", s.L, "≥ 2")
	case s.PerTemp < 0:
		return badSetting("PerTemp", s.PerTemp, "≥ 0")
	case len(s.Grid) == 0:
		return badSetting("Grid", s.Grid, "at least one temperature")
	case !(s.SpacingTau > 0) || math.IsInf(s.SpacingTau, 1):
		return badSetting("SpacingTau", s.SpacingTau, "a positive finite number")
	case s.Workers < 0:
		return badSetting("Workers", s.Workers, "≥ 0")
	case math.IsNaN(s.H) || math.IsInf(s.H, 0):
		return badSetting("H", s.H, "a finite field")
	}
	if err := s.validateAlgorithm(); err != nil {
		return err
	}
	for i, T := range s.Grid {
		if !(T >= 0) {
			return badSetting(fmt.Sprintf("Grid[%d]", i), T, "a temperature ≥ 0 (+Inf allowed)")
		}
		if i > 0 && !(T > s.Grid[i-1]) {
			return badSetting(fmt.Sprintf("Grid[%d]", i), T, fmt.Sprintf("a strictly ascending grid: above Grid[%d] = %v", i-1, s.Grid[i-1]))
		}
	}
	return nil
}

// validateAlgorithm reports an unknown Algorithm and one that does not
// work at the settings' H or L.
func (s *DatasetSettings) validateAlgorithm() error {
	switch {
	case s.Algorithm < Auto || s.Algorithm > AlgCurieWeiss && s.Algorithm != AlgMultiSpin:
		return badSetting("Algorithm", int(s.Algorithm), "a known algorithm")
	case s.H != 0 && (s.Algorithm == AlgWolff || s.Algorithm == AlgSwendsenWang || s.Algorithm == AlgMultiSpin):
		return badSetting("Algorithm", s.Algorithm, fmt.Sprintf("one that works in a field: %v needs H = 0, have H = %v", s.Algorithm, s.H))
	case (s.Algorithm == AlgCheckerboard || s.Algorithm == AlgHeatBath) && s.L%2 != 0:
		return badSetting("Algorithm", s.Algorithm, fmt.Sprintf("one that works at odd L: %v needs an even L, have L = %d", s.Algorithm, s.L))
	}
	return nil
}

// badSetting returns the ErrSettings error for field = v, saying what is
// wanted.
func badSetting(field string, v any, want string) error {
	return fmt.Errorf("%w: %s = %v (want %s)", ErrSettings, field, v, want)
}

// multiSpin reports whether the temperatures 0 < T < ∞ run on multi-spin
// lanes (Auto at h = 0, or AlgMultiSpin).
func (s *DatasetSettings) multiSpin() bool {
	return s.Algorithm == AlgMultiSpin || s.Algorithm == Auto && s.H == 0
}

// exactAlg returns the exact sampler's algorithm to use at T, or Auto if
// T needs a Markov chain.
func exactAlg(s *DatasetSettings, T float64) Algorithm {
	switch {
	case s.Algorithm == AlgMeanField || s.Algorithm == AlgCurieWeiss:
		return s.Algorithm
	case T == 0:
		return AlgZeroT
	case math.IsInf(T, 1):
		return AlgInfiniteT
	}
	return Auto
}

// newExact returns the exact sampler alg (from exactAlg) at T.
func newExact(s *DatasetSettings, alg Algorithm, T float64, src rand.Source) Sampler {
	switch alg {
	case AlgMeanField:
		return NewMeanField(s.L*s.L, T, s.H, src)
	case AlgCurieWeiss:
		return NewCurieWeiss(s.L*s.L, T, s.H, src)
	case AlgZeroT:
		return NewZeroT(s.L, s.H, src)
	}
	return NewInfiniteT(s.L*s.L, src)
}

// generateOne fills the rows of grid temperature k with one chain (or an
// exact sampler) and records its TempInfo; it reports false if g was
// stopped.
func (g *genRun) generateOne(k int) bool {
	s := g.set
	T := s.Grid[k]
	info := TempInfo{T: T, Chains: 1}
	N := s.L * s.L
	var smp Sampler
	var w *Wolff
	if alg := exactAlg(s, T); alg != Auto {
		smp = newExact(s, alg, T, g.sampSrc(k))
		info.Algorithm, info.Tau, info.TauSweeps, info.Spacing = alg, 0.5, 0, 1
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
			smp, _ := NewSampler(alg, s.L, T, s.H, g.sampSrc(k))
			var flipped0 int64
			if ws, ok := smp.(*Wolff); ok {
				flipped0 = ws.Flipped()
			}
			p, b, smp := pilot(smp, alg, s.L, s.H, pilotBurnIn, DefaultPilot, g.stopped)
			if g.stopped() {
				return false
			}
			if ws, ok := smp.(*WolffGroup); ok {
				info.PilotWork += float64(ws.Flipped()-flipped0) * WolffWork
			} else {
				info.PilotWork += float64(b * N)
			}
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
		info.BurnIn = max(burned, int(math.Ceil(DefaultBurnInTau*p.Tau())))
		var f0 int64
		if ws, ok := smp.(*WolffGroup); ok {
			w = ws.Wolff
			f0 = w.Flipped()
		}
		smp.Sweep(info.BurnIn - burned)
		if w != nil {
			info.Work = float64(w.Flipped()-f0) * WolffWork
		} else {
			info.Work = float64((info.BurnIn - burned) * N)
		}
	}
	return g.produce(k, &info, smp, w)
}

// produce saves PerTemp configurations of smp, Spacing updates apart, into
// the rows of temperature k, completes info (SavedTauE and SavedTauM, Work)
// and stores it; w is smp's Wolff sampler if it has one (for the work
// count). It reports false if g was stopped.
func (g *genRun) produce(k int, info *TempInfo, smp Sampler, w *Wolff) bool {
	s := g.set
	N := s.L * s.L
	e := make([]float64, s.PerTemp)
	am := make([]float64, s.PerTemp)
	var flipped0 int64
	if w != nil {
		flipped0 = w.Flipped()
	}
	for r := range s.PerTemp {
		if r%64 == 0 && g.stopped() {
			return false
		}
		smp.Sweep(info.Spacing)
		row := g.d.Configs.RawRowView(k*s.PerTemp + r)
		smp.Read(row)
		e[r] = EnergyPerSpin(s.L, s.H, row)
		am[r] = math.Abs(Magnetization(row))
	}
	switch {
	case w != nil:
		info.Work += float64(w.Flipped()-flipped0) * WolffWork
	default: // a sweep, or an exact draw, updates every site once
		info.Work += float64(s.PerTemp * info.Spacing * N)
	}
	info.SavedTauE = tauInt(e)
	info.SavedTauM = tauInt(am)
	g.d.Info[k] = *info
	g.flipRows(k)
	return true
}

// wolffProduce draws the configurations of a multi-spin-pilot temperature
// that Wolff took, continuing the Wolff pilot's sampler.
func (g *genRun) wolffProduce(t *msTemp) bool {
	N := g.set.L * g.set.L
	p := t.wolff.p
	info := TempInfo{T: t.T, Algorithm: AlgWolff, Candidates: []Pilot{p, t.pilot}, Chains: 1,
		Tau: p.Tau(), TauSweeps: p.Tau() * p.Work / float64(N),
		Spacing: max(1, int(math.Ceil(g.set.SpacingTau*p.Tau())))}
	info.PilotWork = t.work + t.wolff.work
	info.BurnIn = max(t.wolff.burned, int(math.Ceil(DefaultBurnInTau*p.Tau())))
	f0 := t.wolff.w.Flipped()
	t.wolff.smp.Sweep(info.BurnIn - t.wolff.burned)
	info.Work = float64(t.wolff.w.Flipped()-f0) * WolffWork
	return g.produce(t.k, &info, t.wolff.smp, t.wolff.w)
}

// pilot burns smp in for burn updates and measures τ_int of e and |m|,
// doubling the run from first updates until it is at least 100 τ_int long
// (or 2²⁷ spin updates), or stop reports true. It returns the pilot, the
// number of updates done, all of which count as burn-in, and the sampler
// to continue with (for Wolff, one that groups Pilot.Clusters clusters
// into one update).
func pilot(smp Sampler, alg Algorithm, L int, h float64, burn, first int, stop func() bool) (Pilot, int, Sampler) {
	N := L * L
	row := make([]float64, N)
	p := Pilot{Algorithm: alg, Work: float64(N), Chains: 1}
	w, isWolff := smp.(*Wolff)
	if isWolff {
		p.Clusters = w.ClustersPerSweep(wolffProbe, wolffProbeSweeps*int64(N))
		smp = w.Grouped(p.Clusters)
	}
	smp.Sweep(burn)
	done := burn
	var flipped0 int64
	if isWolff {
		flipped0 = w.Flipped()
	}
	for n := first; ; n *= 2 {
		e := make([]float64, n)
		am := make([]float64, n)
		for i := range n {
			if i%256 == 0 && stop() {
				return p, done, smp
			}
			smp.Sweep(1)
			smp.Read(row)
			e[i] = EnergyPerSpin(L, h, row)
			am[i] = math.Abs(Magnetization(row))
		}
		done += n
		if isWolff {
			p.Work = float64(w.Flipped()-flipped0) / float64(done-burn)
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
