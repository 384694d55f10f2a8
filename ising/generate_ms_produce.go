package ising

import (
	"math"
	"math/rand/v2"
	"slices"
)

// Production of the multi-spin datasets: see the overview in generate_ms.go.

// msPlan is one temperature's part of the multi-spin production run.
type msPlan struct {
	t             *msTemp
	online        bool // still estimating τ_int
	pilot         Pilot
	burn, spacing int
	chains, cap   int
	lane0         int
	q             []int // configurations per chain
	row0          []int // per chain: first row
	next          int   // sweep of the next save
	saved         []int // per chain
	e, am         [][]float64
	checkAt       int         // online: sweep of the next estimate
	me, mam       [][]float64 // online: measured series per chain
	measWork      float64
	work          float64 // the lanes' share of the sweeps
	abandoned     bool    // handed over to Wolff
}

// msToWolff hands an online temperature over to Wolff if its growing
// multi-spin τ_int makes Wolff cheaper (running a Wolff pilot first if
// there is none and Wolff could win): its lanes are abandoned (the caller
// rebuilds the MultiSpin without them), their sweeps so far counted as
// pilot work, and a Wolff production job is queued. It reports whether it
// did.
func (g *genRun) msToWolff(p *msPlan) bool {
	t := p.t
	N := g.set.L * g.set.L
	tau := p.pilot.Tau()
	if g.set.Algorithm != Auto || p.pilot.Converged && tau*MultiSpinWork <= 0.5*WolffWork {
		return false
	}
	if t.wolff == nil && tau*MultiSpinWork > 0.5*WolffWork {
		t.wolff = g.wolffPilot(t.k)
	}
	if t.wolff == nil || !t.wolff.p.Converged || t.wolff.p.Cost() >= msCost(tau, N) {
		return false
	}
	t.useW = true
	t.work += p.measWork + p.work
	t.pilot = p.pilot
	p.online, p.abandoned = false, true
	p.me, p.mam = nil, nil
	g.push(func() int {
		if g.wolffProduce(t) {
			return 1
		}
		return 0
	})
	return true
}

// msProduce draws the configurations of the multi-spin temperatures ts
// (Wolff's excluded) into g's dataset and fills their TempInfo. A
// temperature whose saved rows turn out correlated (SavedTauE or SavedTauM
// above msRedoTau(PerTemp): its τ_int estimate missed a slow mode) is drawn again,
// up to msRedoMax times, with τ_int raised to max(2τ, 2·Spacing·τ_saved),
// from its chains' final states; TempInfo.Retries counts this and
// PilotWork includes the discarded run. It reports false if g was stopped.
func (g *genRun) msProduce(ts []*msTemp, src rand.Source) bool {
	for round := 0; len(ts) > 0; round++ {
		var ok bool
		if ts, ok = g.msProduceOnce(ts, src, round < msRedoMax); !ok {
			return false
		}
	}
	return true
}

// msProduceOnce is one round of msProduce; it returns the temperatures to
// draw again (none if redo is false).
func (g *genRun) msProduceOnce(ts []*msTemp, src rand.Source, redo bool) ([]*msTemp, bool) {
	ps := g.msPlans(ts)
	if len(ps) == 0 {
		return nil, true
	}
	msAllocate(ps, g.set.PerTemp)
	r := &msRun{g: g, ps: ps, src: src}
	r.build()
	r.assignRows()
	if !r.run() {
		return nil, false
	}
	return r.finish(redo), true
}

// msPlans returns the production plans of the temperatures ts not taken by
// Wolff, the online ones first: their lanes fill the first words, which
// alone are measured.
func (g *genRun) msPlans(ts []*msTemp) []*msPlan {
	set := g.set
	n := set.PerTemp
	var ps []*msPlan
	for _, t := range ts {
		if t.useW {
			continue
		}
		p := &msPlan{t: t, pilot: t.pilot, online: !t.pilot.Converged, chains: 1}
		tau := t.pilot.Tau()
		if p.online {
			tau *= 2 // allocate for twice the lower bound
		}
		p.burn = int(math.Ceil(DefaultBurnInTau * tau))
		p.spacing = max(1, int(math.Ceil(set.SpacingTau*tau)))
		p.cap = max(1, min(n, p.spacing*n/(4*p.burn)))
		if p.online {
			// An online temperature keeps at least its pilot chains, which
			// its τ_int estimate pools.
			p.chains = len(t.states)
			p.cap = max(p.cap, p.chains)
		}
		ps = append(ps, p)
	}
	slices.SortStableFunc(ps, func(a, b *msPlan) int {
		switch {
		case a.online == b.online:
			return 0
		case a.online:
			return -1
		}
		return 1
	})
	return ps
}

// msAllocate gives the plans ps chains up to a whole number of msLanes
// groups, one at a time to the plan that would take the most sweeps (burn-in
// and n/chains saves) and has not reached its cap.
func msAllocate(ps []*msPlan, n int) {
	sweeps := func(p *msPlan) int { return p.burn + (n+p.chains-1)/p.chains*p.spacing }
	lanes := 0
	for _, p := range ps {
		lanes += p.chains
	}
	total := max(msLanes, (lanes+msLanes-1)/msLanes*msLanes)
	for lanes < total {
		var best *msPlan
		for _, p := range ps {
			if p.chains < p.cap && (best == nil || sweeps(p) > sweeps(best)) {
				best = p
			}
		}
		if best == nil {
			break
		}
		best.chains++
		lanes++
	}
}

// msRun is one multi-spin production round: the plans, the MultiSpin that
// runs their lanes and the sweep count.
type msRun struct {
	g       *genRun
	ps      []*msPlan
	src     rand.Source
	ms      *MultiSpin
	temps   []float64 // per lane
	e, am   []float64 // per lane: the last measurement
	onLanes int       // lanes of the online plans (the first ones)
	onWords int       // words they fill
	now     int       // sweeps done
}

// build (re)builds the MultiSpin from the plans not abandoned, lanes in
// plan order, each chain from its state in the previous MultiSpin (or its
// pilot chain's state). It leaves ms nil if all plans are abandoned.
func (r *msRun) build() {
	L := r.g.set.L
	N := L * L
	old, oldLane0 := r.ms, make(map[*msPlan]int)
	var nt []float64
	r.onLanes = 0
	for _, p := range r.ps {
		if p.abandoned {
			continue
		}
		oldLane0[p] = p.lane0
		p.lane0 = len(nt)
		for range p.chains {
			nt = append(nt, p.t.T)
		}
		if p.online {
			r.onLanes = len(nt)
		}
	}
	r.temps = nt
	if len(r.temps) == 0 {
		r.ms = nil
		return
	}
	var err error
	if r.ms, err = NewMultiSpin(L, r.temps, 0, r.src); err != nil {
		panic(err)
	}
	row := make([]float64, N)
	for _, p := range r.ps {
		if p.abandoned {
			continue
		}
		for c := range p.chains {
			st := p.t.states[c%len(p.t.states)]
			if old != nil {
				old.ReadReplica(row, oldLane0[p]+c)
				st = row
			}
			if err := r.ms.SetReplica(p.lane0+c, st); err != nil {
				panic(err)
			}
		}
	}
	r.onWords = (r.onLanes + 63) / 64
	r.e, r.am = make([]float64, len(r.temps)), make([]float64, len(r.temps))
}

// assignRows gives each plan's chains their share of the temperature's
// rows and the buffers of the run.
func (r *msRun) assignRows() {
	n := r.g.set.PerTemp
	for _, p := range r.ps {
		row := p.t.k * n
		for c := range p.chains {
			q := n / p.chains
			if c < n%p.chains {
				q++
			}
			p.q = append(p.q, q)
			p.row0 = append(p.row0, row)
			row += q
		}
		p.saved = make([]int, p.chains)
		p.e, p.am = make([][]float64, p.chains), make([][]float64, p.chains)
		p.next = p.burn + p.spacing
		if p.online {
			p.me, p.mam = make([][]float64, p.chains), make([][]float64, p.chains)
			p.checkAt = msPilotFirst
			p.pilot.Chains = 0 // the production chains' first estimate discards half
		}
	}
}

// run sweeps until every plan has saved its rows or been abandoned,
// measuring the online plans after every sweep. It reports false if g was
// stopped.
func (r *msRun) run() bool {
	for {
		next, online, ok := r.nextEvent()
		if !ok {
			break
		}
		if !r.sweepTo(next) {
			return false
		}
		if online && r.measureOnline() {
			r.build()
			if r.ms == nil {
				break
			}
		}
		r.saveRows()
	}
	return true
}

// nextEvent returns the sweep of the next save or measurement, whether a
// plan is online (measured after every sweep), and false if there is
// nothing left to do.
func (r *msRun) nextEvent() (next int, online, ok bool) {
	next = math.MaxInt
	for _, p := range r.ps {
		switch {
		case p.abandoned:
		case p.online:
			online = true
		case p.saved[0] < p.q[0]:
			next = min(next, p.next)
		}
	}
	if online {
		next = r.now + 1
	}
	return next, online, next != math.MaxInt
}

// sweepTo sweeps up to sweep next, at most 64 sweeps between polls of the
// stop flag, and charges the work to the plans by their lanes. It reports
// false if g was stopped.
func (r *msRun) sweepTo(next int) bool {
	for r.now < next {
		if r.g.stopped() {
			return false
		}
		k := min(next-r.now, 64)
		r.ms.Sweep(k)
		r.now += k
		sw := float64(k) * msSweepWork(r.ms) / float64(len(r.temps))
		for _, p := range r.ps {
			if !p.abandoned {
				p.work += sw * float64(p.chains)
			}
		}
	}
	return true
}

// measureOnline measures the online plans' lanes, re-estimates τ_int where
// due, hands a plan over to Wolff when that is cheaper (msToWolff) and
// starts a converged plan's saves. It reports whether a plan was abandoned
// (the caller rebuilds the MultiSpin).
func (r *msRun) measureOnline() (rebuild bool) {
	g, now := r.g, r.now
	N := g.set.L * g.set.L
	e, am := r.e, r.am
	msMeasureWords(r.ms, 0, r.onWords, e, am)
	mw := msMeasureWork(r.ms, r.onWords) / float64(r.onLanes)
	for _, p := range r.ps {
		if !p.online {
			continue
		}
		for c := range p.chains {
			p.me[c] = append(p.me[c], e[p.lane0+c])
			p.mam[c] = append(p.mam[c], am[p.lane0+c])
		}
		p.measWork += mw * float64(p.chains)
		if now < p.checkAt {
			continue
		}
		p.checkAt = now + max(16, now/4)
		p.pilot = msEstimate(p.me, p.mam, now, p.pilot, N)
		if g.msToWolff(p) {
			rebuild = true
			continue
		}
		if p.pilot.Converged || float64(now+p.t.sweeps)*float64(N) >= maxPilotWork {
			tau := p.pilot.Tau()
			p.online = false
			p.burn = now
			p.spacing = max(1, int(math.Ceil(g.set.SpacingTau*tau)))
			p.next = now + p.spacing
			p.me, p.mam = nil, nil
		}
	}
	return rebuild
}

// saveRows saves a row of every chain of the plans due at this sweep,
// with their e and |m|: from the bit-sliced counters when the chains fill
// their words (a word costs about as much as eight rows), else from the
// rows just read.
func (r *msRun) saveRows() {
	L := r.g.set.L
	e, am := r.e, r.am
	for _, p := range r.ps {
		if p.online || p.abandoned || p.next != r.now || p.saved[0] == p.q[0] {
			continue
		}
		w0, w1 := p.lane0/64, (p.lane0+p.chains+63)/64
		byWords := p.chains > 8*(w1-w0)
		if byWords {
			msMeasureWords(r.ms, w0, w1, e, am)
		}
		for c := range p.chains {
			if p.saved[c] == p.q[c] {
				continue
			}
			row := r.g.d.Configs.RawRowView(p.row0[c] + p.saved[c])
			r.ms.ReadReplica(row, p.lane0+c)
			if byWords {
				p.e[c] = append(p.e[c], e[p.lane0+c])
				p.am[c] = append(p.am[c], am[p.lane0+c])
			} else {
				ec, mc := rowEM(L, row)
				p.e[c] = append(p.e[c], ec)
				p.am[c] = append(p.am[c], math.Abs(mc))
			}
			p.saved[c]++
		}
		p.next += p.spacing
	}
}

// finish checks τ_int along each plan's saved rows: a plan whose rows are
// correlated is prepared to be drawn again (if redo and there are at least
// msRedoMin rows) and returned; the others get their TempInfo and their
// random global flips.
func (r *msRun) finish(redo bool) []*msTemp {
	n := r.g.set.PerTemp
	var again []*msTemp
	for _, p := range r.ps {
		if p.abandoned {
			continue
		}
		tE, _ := TauIntChains(p.e)
		tM, _ := TauIntChains(p.am)
		tE, tM = clampTau(tE), clampTau(tM)
		if redo && n >= msRedoMin && max(tE, tM) > msRedoTau(n) {
			r.prepareRedo(p, tE, tM)
			again = append(again, p.t)
			continue
		}
		r.g.msRecord(p, tE, tM)
	}
	return again
}

// prepareRedo sets up p's temperature to be drawn again, with τ_int raised
// to max(2τ, 2·Spacing·τ_saved) from the saved rows' tE and tM, its chains'
// final states and this round's work counted as pilot work.
func (r *msRun) prepareRedo(p *msPlan, tE, tM float64) {
	t := p.t
	N := r.g.set.L * r.g.set.L
	s := float64(p.spacing)
	t.pilot = Pilot{Algorithm: AlgMultiSpin, Chains: p.chains, Work: float64(N), Converged: true,
		TauE: max(2*p.pilot.TauE, 2*s*tE), TauM: max(2*p.pilot.TauM, 2*s*tM), Updates: r.now}
	t.states = make([][]float64, p.chains)
	for c := range t.states {
		t.states[c] = make([]float64, N)
		r.ms.ReadReplica(t.states[c], p.lane0+c)
	}
	t.sweeps += r.now
	t.work += p.work + p.measWork
	t.retries++
}

// msRecord fills the TempInfo of p's finished temperature, whose saved
// rows have τ_int tE and tM, and applies the random global flips.
func (g *genRun) msRecord(p *msPlan, tE, tM float64) {
	t := p.t
	info := &g.d.Info[t.k]
	tau := p.pilot.Tau()
	*info = TempInfo{T: t.T, Algorithm: AlgMultiSpin, Candidates: []Pilot{p.pilot},
		Tau: tau, TauSweeps: tau, BurnIn: t.sweeps + p.burn, Spacing: p.spacing, Chains: p.chains,
		Retries: t.retries, SavedTauE: tE, SavedTauM: tM}
	if p.pilot.Chains != t.pilot.Chains || p.pilot.Updates != t.pilot.Updates {
		info.Candidates = append(info.Candidates, t.pilot) // the shared pilot's estimate
	}
	info.PilotWork = t.work + p.measWork
	if t.wolff != nil {
		info.Candidates = append(info.Candidates, t.wolff.p)
		info.PilotWork += t.wolff.work
	}
	info.Work = p.work
	g.flipRows(t.k)
}
