package ising

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// Multi-spin datasets: how Generate runs the temperatures 0 < T < ∞ at
// h = 0 with Auto (or AlgMultiSpin) as lanes of MultiSpin samplers.
//
// Pilot. Every such temperature gets msPilotChains(K) independent chains
// (lanes), all started from all spins up, in one MultiSpin (the AVX2 kernel
// when they fill groups of 256 lanes). It runs msPilotStages stages of
// sweeps (64, then up to 128 in total), measuring every lane's e and |m|
// after each sweep; after each stage τ_int of e and |m| is estimated from
// the chains pooled (TauIntChains) after discarding a burn-in (the first
// half, or DefaultBurnInTau·τ_int of the previous estimate if shorter). A
// temperature is converged when the measured part is at least msPilotTaus
// τ_int long (12 with 16 chains or more) and the window self-consistent.
//
// Wolff. Where a multi-spin τ_int (a lower bound while unconverged) is so
// long that Wolff could be cheaper (τ·MultiSpinWork > ½·WolffWork: Wolff
// needs at least ½ update of about L² flips per independent sample), a short
// Wolff pilot runs, and Wolff takes the temperature once its cost per
// independent sample (Pilot.Cost) is lower than the multi-spin one. An
// online temperature (below) is checked again at every new estimate, and
// handed over to Wolff when its growing τ_int makes Wolff cheaper.
//
// Production. The multi-spin temperatures share one MultiSpin of at least
// 256 lanes, each temperature getting a number of chains chosen greedily so
// that all finish after about the same number of sweeps (a temperature with
// a longer spacing gets more chains), but no more than keep the extra
// burn-in below a quarter of its saved sweeps. Each chain starts from a
// pilot chain's final state. A converged temperature burns in another
// DefaultBurnInTau·τ_int sweeps (so chains started from the same pilot state
// decorrelate) and then saves a configuration every Spacing sweeps. An
// unconverged one ("online") keeps measuring all its chains during the
// production run, re-estimating τ_int as the measured part grows by a
// quarter, and starts saving once the estimate converges and at least
// DefaultBurnInTau·τ_int sweeps have passed; its lanes were allocated for
// twice the pilot's estimate. A temperature whose saved rows turn out
// correlated is drawn again (msProduce). Rows are chain-major: a chain's configurations
// are consecutive in time order, so τ_int along the rows still measures the
// chains' correlation; TempInfo.SavedTauE and SavedTauM pool the chains.

const (
	// MultiSpinWork is the cost of one multi-spin site update (one lane of
	// one site) relative to one checkerboard site update (BenchmarkSweep and
	// BenchmarkMultiSpin: ≈ 0.2 ns with AVX2 and ≈ 0.65 ns in pure Go
	// against ≈ 6.5 ns on a shared AMD EPYC core), used when Auto compares
	// the multi-spin sampler with Wolff. It is a constant, not a timing, so
	// the choice and the data do not depend on the machine's load.
	MultiSpinWork = 0.04
	// multiSpinWorkGo is the same for a MultiSpin whose word count is not a
	// multiple of 4, which runs the pure-Go kernel on every machine.
	multiSpinWorkGo = 0.1
	msPilotTaus     = 25  // a converged measurement is this many τ_int long (fewer than 16 chains)
	msPilotFirst    = 64  // sweeps of the first pilot stage
	msPilotStages   = 2   // pilot stages every temperature runs before going online
	msContend       = 10  // an unconverged multi-spin τ_int may be this many times too short
	msLanes         = 256 // production lanes: a multiple of 4 words for the AVX2 kernel
	msRedoMin       = 100 // saved rows are checked (msRedoTau) if there are at least this many per temperature …
	msRedoMax       = 3   // … and drawn again at most this many times
	wolffBurnIn     = 100 // Wolff pilot updates before measuring (after the probe)
	wolffFirst      = 512 // Wolff pilot updates in the first measurement (τ_int ≈ 2 near T_c: ±30%)
)

// msPilotChains returns the pilot chains per temperature for k
// temperatures: at least 8 (pooling them gives τ_int the statistics of
// 8 times one chain's length), filling whole 256-lane groups, at most 16.
func msPilotChains(k int) int {
	lanes := (8*k + msLanes - 1) / msLanes * msLanes
	return min(16, max(8, lanes/k))
}

// addBits adds the one-bit lane values x at level j of the bit-sliced
// counter c.
func addBits(c *[32]uint64, j int, x uint64) {
	for x != 0 && j < len(c) {
		t := c[j] & x
		c[j] ^= x
		x = t
		j++
	}
}

// csa is a carry-save adder of three bit-sliced one-bit values.
func csa(a, b, c uint64) (hi, lo uint64) {
	u := a ^ b
	return a&b | u&c, u ^ c
}

// laneCounter counts, per lane, the set bits of the words added to it
// (Harley–Seal: carry-save adders over groups of 16 words, then a
// bit-sliced ripple counter for the sixteens).
type laneCounter struct {
	ones, twos, fours, eights uint64
	c                         [32]uint64 // level j: bit j of count/16 … shifted by 4
	buf                       [16]uint64
	n                         int
}

func (h *laneCounter) add(x uint64) {
	h.buf[h.n] = x
	h.n++
	if h.n == 16 {
		h.flush()
	}
}

func (h *laneCounter) flush() {
	b := &h.buf
	var twosA, twosB, foursA, foursB, eightsA, eightsB, sixteens uint64
	twosA, h.ones = csa(h.ones, b[0], b[1])
	twosB, h.ones = csa(h.ones, b[2], b[3])
	foursA, h.twos = csa(h.twos, twosA, twosB)
	twosA, h.ones = csa(h.ones, b[4], b[5])
	twosB, h.ones = csa(h.ones, b[6], b[7])
	foursB, h.twos = csa(h.twos, twosA, twosB)
	eightsA, h.fours = csa(h.fours, foursA, foursB)
	twosA, h.ones = csa(h.ones, b[8], b[9])
	twosB, h.ones = csa(h.ones, b[10], b[11])
	foursA, h.twos = csa(h.twos, twosA, twosB)
	twosA, h.ones = csa(h.ones, b[12], b[13])
	twosB, h.ones = csa(h.ones, b[14], b[15])
	foursB, h.twos = csa(h.twos, twosA, twosB)
	eightsB, h.fours = csa(h.fours, foursA, foursB)
	sixteens, h.eights = csa(h.eights, eightsA, eightsB)
	addBits(&h.c, 4, sixteens)
	h.n = 0
}

// finish adds the partial sums into the counter, after which lane(b)
// returns lane b's count.
func (h *laneCounter) finish() {
	for _, x := range h.buf[:h.n] {
		addBits(&h.c, 0, x)
	}
	h.n = 0
	addBits(&h.c, 0, h.ones)
	addBits(&h.c, 1, h.twos)
	addBits(&h.c, 2, h.fours)
	addBits(&h.c, 3, h.eights)
	h.ones, h.twos, h.fours, h.eights = 0, 0, 0, 0
}

// lane returns lane b's count, which must be below 2^levels.
func (h *laneCounter) lane(b, levels int) uint64 {
	var v uint64
	for j, c := range h.c[:levels] {
		v |= (c >> b & 1) << j
	}
	return v
}

// msMeasure writes every replica's energy per spin (h = 0) into e and its
// |m| into am (both of length Replicas()). It counts anti-aligned bonds and
// up spins with bit-sliced counters, a few word operations per site and
// word instead of one per replica, reading MultiSpin's words directly (site
// k of replicas 64w … 64w+63 at spins[k*nw+w]).
func msMeasure(m *MultiSpin, e, am []float64) {
	msMeasureWords(m, 0, m.nw, e, am)
}

// msMeasureWords is msMeasure of the words [w0, w1) only (lanes < len(e)).
func msMeasureWords(m *MultiSpin, w0, w1 int, e, am []float64) {
	L, nw := m.l, m.nw
	N := L * L
	sp := m.spins
	fN := float64(N)
	var cb, cu laneCounter
	lv := bits.Len(uint(2 * N))
	for w := w0; w < w1; w++ {
		cb.c, cu.c = [32]uint64{}, [32]uint64{}
		for i := range L {
			row, down := i*L*nw, (i+1)%L*L*nw
			for j := range L {
				jr := j + 1
				if jr == L {
					jr = 0
				}
				s := sp[row+j*nw+w]
				cb.add(s ^ sp[row+jr*nw+w])
				cb.add(s ^ sp[down+j*nw+w])
				cu.add(s)
			}
		}
		cb.finish()
		cu.finish()
		for b := range min(64, len(e)-64*w) {
			nb, nu := cb.lane(b, lv), cu.lane(b, lv)
			r := 64*w + b
			e[r] = (2*float64(nb) - 2*fN) / fN
			am[r] = math.Abs(2*float64(nu)-fN) / fN
		}
	}
}

// msRedoTau returns the τ_int of n saved rows above which they are drawn
// again: 4 standard deviations above ½, the estimate's standard deviation
// for independent rows being about ½·√((4W+2)/n) with Sokal's window W ≈ 3
// (Madras–Sokal), so a false alarm has probability ≈ 3·10⁻⁵.
func msRedoTau(n int) float64 { return 0.5 + 2*math.Sqrt(14/float64(n)) }

// msEnough returns how many τ_int a converged measurement of R chains
// must be long.
func msEnough(R int) float64 {
	if R >= 16 {
		return 12
	}
	return msPilotTaus
}

// rowEM returns the h = 0 energy and the magnetisation per spin of a 0/1
// row of the L×L lattice in one pass (EnergyPerSpin and Magnetization
// make two).
func rowEM(L int, row []float64) (e, m float64) {
	var bonds, up float64
	for i := range L {
		r := row[i*L : (i+1)*L]
		d := row[(i+1)%L*L : ((i+1)%L+1)*L]
		for j, v := range r {
			jr := j + 1
			if jr == L {
				jr = 0
			}
			// Anti-aligned bonds: v ≠ neighbour, (v − w)² for 0/1 cells.
			a, b := v-r[jr], v-d[j]
			bonds += a*a + b*b
			up += v
		}
	}
	N := float64(L * L)
	return (2*bonds - 2*N) / N, (2*up - N) / N
}

// msTemp is one temperature's state in the multi-spin pilot.
type msTemp struct {
	k       int // grid index
	T       float64
	e, am   [][]float64 // per pilot chain: the measured series
	states  [][]float64 // per pilot chain: the last state (0/1 row)
	pilot   Pilot
	wolff   *wolffRun // the Wolff pilot, if one ran
	useW    bool      // Wolff takes the temperature
	sweeps  int       // pilot sweeps per chain
	work    float64   // multi-spin pilot work (its share of the MultiSpins' sweeps and measurements)
	retries int       // production runs discarded (TempInfo.Retries)
}

// wolffRun is a Wolff pilot and the sampler to continue with.
type wolffRun struct {
	p      Pilot
	burned int // updates done, all burn-in
	smp    Sampler
	w      *Wolff
	work   float64 // flips in the pilot
}

// msCost returns the multi-spin cost per independent sample at τ (updates).
func msCost(tau float64, N int) float64 { return 2 * tau * float64(N) * MultiSpinWork }

// msMeasureWork returns the work of measuring nw words of m with
// msMeasureWords (BenchmarkMSMeasure: about 0.6 AVX2 sweeps), in the units
// of msSweepWork.
func msMeasureWork(m *MultiSpin, nw int) float64 {
	return 0.6 * float64(64*nw*m.Sites()) * MultiSpinWork
}

// msSweepWork returns the work of one sweep of m, every lane of every word
// counted (padding included), in checkerboard site updates: by the word
// count, not the CPU, so that it is the same on every machine.
func msSweepWork(m *MultiSpin) float64 {
	w := multiSpinWorkGo
	if m.nw%4 == 0 {
		w = MultiSpinWork
	}
	return float64(64*m.nw*m.Sites()) * w
}

// cutChains returns the last n values of every chain.
func cutChains(x [][]float64, n int) [][]float64 {
	y := make([][]float64, len(x))
	for c := range x {
		y[c] = x[c][len(x[c])-n:]
	}
	return y
}

// msEstimate returns the pilot estimate from chains e and am after sweeps
// sweeps, discarding a burn-in as described above; prev is the previous
// estimate (Chains 0 if none).
func msEstimate(e, am [][]float64, sweeps int, prev Pilot, N int) Pilot {
	meas := sweeps / 2
	if prev.Chains > 0 {
		meas = sweeps - min(sweeps/2, int(math.Ceil(DefaultBurnInTau*prev.Tau())))
	}
	R := len(e)
	ce, cm := cutChains(e, meas), cutChains(am, meas)
	te, _, okE := tauIntChains(ce)
	tm, _, okM := tauIntChains(cm)
	p := Pilot{Algorithm: AlgMultiSpin, Chains: R, TauE: clampTau(te), TauM: clampTau(tm), Updates: meas, Work: float64(N)}
	p.Converged = okE && okM && float64(meas) >= msEnough(R)*p.Tau() && float64(sweeps) >= DefaultBurnInTau*p.Tau() &&
		chainsAgree(ce, p.TauE) && chainsAgree(cm, p.TauM)
	return p
}

// chainsAgree is a Gelman–Rubin-like check of a τ_int estimate from R
// equally long chains: the variance of the chain means must be compatible
// with the 2τσ²/n that τ predicts (below the 99.9% quantile of
// σ²·χ²_(R−1)/(R−1) times that). Chains that have not yet seen a slow mode
// (all still in the magnetised state they started in, say) fluctuate fast
// around means that differ by more, and fail it; a window that closed
// early on such chains underestimates τ by the same factor.
func chainsAgree(x [][]float64, tau float64) bool {
	R := len(x)
	if R < 4 {
		return true
	}
	n := len(x[0])
	means := make([]float64, R)
	var all, ss float64
	for c, xc := range x {
		var s float64
		for _, v := range xc {
			s += v
		}
		means[c] = s / float64(n)
		all += s
	}
	all /= float64(R * n)
	for _, xc := range x {
		for _, v := range xc {
			ss += (v - all) * (v - all)
		}
	}
	s2 := ss / float64(R*n-1)
	if s2 == 0 {
		return true
	}
	var vb float64
	for _, m := range means {
		vb += (m - all) * (m - all)
	}
	vb /= float64(R - 1)
	q := distuv.ChiSquared{K: float64(R - 1)}.Quantile(0.999) / float64(R-1)
	return vb <= q*2*tau*s2/float64(n)
}

// msPilot runs the multi-spin pilots of the grid temperatures ks and
// returns the temperatures, each with Wolff chosen or not. It returns nil
// if g was stopped.
func (g *genRun) msPilot(ks []int, src rand.Source) []*msTemp {
	L := g.set.L
	N := L * L
	R := msPilotChains(len(ks))
	ts := make([]*msTemp, len(ks))
	for i, k := range ks {
		ts[i] = &msTemp{k: k, T: g.set.Grid[k], e: make([][]float64, R), am: make([][]float64, R),
			states: make([][]float64, R)}
	}
	active := slices.Clone(ts)
	stage := msPilotFirst
	for st := 0; len(active) > 0; st++ {
		ms := g.msPilotStage(active, R, stage, src)
		if ms == nil {
			return nil
		}
		next := active[:0]
		share := float64(stage) * (msSweepWork(ms) + msMeasureWork(ms, ms.nw)) / float64(len(active))
		for i, t := range active {
			t.sweeps += stage
			t.work += share
			for c := range R {
				if t.states[c] == nil {
					t.states[c] = make([]float64, N)
				}
				ms.ReadReplica(t.states[c], i*R+c)
			}
			if !g.msDecide(t, st+1 >= msPilotStages) {
				next = append(next, t)
			}
		}
		active = next
		if len(active) == 0 {
			break
		}
		stage = msNextStage(active)
	}
	return ts
}

// msPilotStage runs one pilot stage of stage sweeps of the R chains of each
// active temperature, in one MultiSpin started from the chains' states
// (all up at first), appending every chain's e and |m| after each sweep.
// It returns the MultiSpin, or nil if g was stopped.
func (g *genRun) msPilotStage(active []*msTemp, R, stage int, src rand.Source) *MultiSpin {
	temps := make([]float64, 0, len(active)*R)
	for _, t := range active {
		for range R {
			temps = append(temps, t.T)
		}
	}
	ms, err := NewMultiSpin(g.set.L, temps, 0, src)
	if err != nil {
		panic(err) // h = 0 here
	}
	for i, t := range active {
		for c, st := range t.states {
			if st != nil {
				if err := ms.SetReplica(i*R+c, st); err != nil {
					panic(err)
				}
			}
		}
	}
	e, am := make([]float64, len(temps)), make([]float64, len(temps))
	for range stage {
		if g.stopped() {
			return nil
		}
		ms.Sweep(1)
		msMeasure(ms, e, am)
		for i, t := range active {
			for c := range R {
				t.e[c] = append(t.e[c], e[i*R+c])
				t.am[c] = append(t.am[c], am[i*R+c])
			}
		}
	}
	return ms
}

// msNextStage returns the sweeps of the next pilot stage: it grows the
// pilot to the length the current τ_int estimates call for
// (DefaultBurnInTau + msPilotTaus of them, with a fifth to spare), by at
// least a quarter and at most doubling it, in multiples of 16.
func msNextStage(active []*msTemp) int {
	done := active[0].sweeps
	want := done + done/4
	for _, t := range active {
		want = max(want, int(math.Ceil(1.2*(DefaultBurnInTau+msPilotTaus)*t.pilot.Tau())))
	}
	return (min(want, 2*done) - done + 15) / 16 * 16
}

// msDecide updates t's pilot after a stage and reports whether t is done:
// converged, taken by Wolff, or (after the shared stages, shared true)
// going online in the production run.
func (g *genRun) msDecide(t *msTemp, shared bool) bool {
	N := g.set.L * g.set.L
	p := msEstimate(t.e, t.am, t.sweeps, t.pilot, N)
	t.pilot = p
	if g.set.Algorithm == Auto && t.wolff == nil && p.Tau()*MultiSpinWork > 0.5*WolffWork {
		t.wolff = g.wolffPilot(t.k)
	}
	if t.wolff != nil && t.wolff.p.Converged && t.wolff.p.Cost() < msCost(p.Tau(), N) {
		// Wolff is cheaper than the multi-spin estimate (a lower bound
		// while unconverged).
		t.useW = true
		return true
	}
	return p.Converged || shared || float64(t.sweeps)*float64(N) >= maxPilotWork
}

// clampTau returns τ, at least ½ (see tauInt).
func clampTau(tau float64) float64 {
	if !(tau > 0.5) {
		return 0.5
	}
	return tau
}

// wolffPilot runs a short Wolff pilot at grid temperature k with the
// temperature's own stream.
func (g *genRun) wolffPilot(k int) *wolffRun {
	T := g.set.Grid[k]
	w := NewWolff(g.set.L, T, g.sampSrc(k))
	p, done, smp := pilot(w, AlgWolff, g.set.L, 0, wolffBurnIn, wolffFirst, g.stopped)
	return &wolffRun{p: p, burned: done, smp: smp, w: w, work: float64(w.Flipped()) * WolffWork}
}
