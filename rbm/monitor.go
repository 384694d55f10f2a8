package rbm

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Monitor is a set of per-epoch training monitors, combined with |. The
// zero value is the empty set: no monitor is computed.
type Monitor uint

const (
	// MonitorRecon is the reconstruction error mean((v − v₁)²), both with
	// v₁ = p(v=1|h) (Stats.Recon) and with v₁ sampled (Stats.ReconSampled,
	// the paper's number); see Model.ReconstructionErrors.
	MonitorRecon Monitor = 1 << iota
	// MonitorPLL is the stochastic pseudo-log-likelihood: one random site
	// per sample, scaled by Nv.
	MonitorPLL
	// MonitorPLLAll is the deterministic pseudo-log-likelihood summed over
	// all sites.
	MonitorPLLAll
	// MonitorFreeEnergy is the mean free energy of training and validation
	// data, and their gap.
	MonitorFreeEnergy
	// MonitorExact is the exact log Z and log-likelihood, by enumerating
	// the smaller layer; it is skipped when that layer has more than
	// MaxExact units.
	MonitorExact
	// MonitorAIS is the annealed-importance-sampling estimate of log Z and
	// the log-likelihood it implies.
	MonitorAIS
	// MonitorLattice compares the model with the data on the lattice
	// (Settings.L): the magnetisation per spin m = Σ sᵢ/N, its absolute
	// value and the zero-field energy per spin e = −Σ_⟨ij⟩ sᵢsⱼ/N over the
	// 2N nearest-neighbour bonds of the periodic L×L lattice (s = 2v − 1),
	// averaged over the training and validation rows (Stats.M, AbsM, E)
	// and over the model's samples (Monitors.Model): the persistent
	// chains of a trainer that keeps them (PCD), else Settings.MonitorChains
	// free chains started at random and run Settings.MonitorSteps block
	// Gibbs steps. A model whose samples drift away from the data's ⟨|m|⟩
	// and ⟨e⟩ is failing, whatever its reconstruction error says.
	MonitorLattice

	monitorLast = MonitorLattice
)

// Monitors are the values passed to Settings.Progress after each epoch.
// Values that were not computed are NaN.
type Monitors struct {
	Epoch        int
	LearningRate float64
	// Train is measured on the first Settings.MonitorRows rows of the
	// training data, Valid on Settings.Validation.
	Train, Valid Stats
	// Model holds the lattice monitors (M, AbsM, E) of the model's own
	// samples (MonitorLattice); its other fields are NaN.
	Model Stats
	// Score is the early-stopping score of this epoch (NaN on epochs that
	// are not scored), BestEpoch the best-scored epoch so far (0: none).
	Score     float64
	BestEpoch int
	// FreeEnergyGap is Valid.FreeEnergy − Train.FreeEnergy; it grows when
	// the model overfits.
	FreeEnergyGap float64
	// LogZ is the exact log partition function (MonitorExact) or the AIS
	// estimate, with LogZErr its standard error (0 when exact).
	LogZ, LogZErr float64
}

// Stats are the per-data-set monitors, each averaged over samples.
type Stats struct {
	Recon        float64 // mean((v − v₁)²) per cell, v₁ = p(v=1|h)
	ReconSampled float64 // mean((v − v₁)²) per cell, v₁ ~ p(v|h): the paper's number
	PLL          float64 // stochastic pseudo-log-likelihood per sample
	PLLAll       float64 // all-sites pseudo-log-likelihood per sample
	FreeEnergy   float64 // mean F(v)
	LogLik       float64 // mean log p(v) = −F(v) − log Z
	M            float64 // mean magnetisation per spin Σ sᵢ/N (MonitorLattice)
	AbsM         float64 // mean |Σ sᵢ|/N
	E            float64 // mean zero-field energy per spin −Σ_⟨ij⟩ sᵢsⱼ/N
}

func nanStats() Stats { n := math.NaN(); return Stats{n, n, n, n, n, n, n, n, n} }

// latticeStats returns the means over the rows of v, each an L×L periodic
// lattice in site order i*L+j with spins s = 2v − 1, of the magnetisation
// per spin, its absolute value and the zero-field energy per spin
// −Σ_⟨ij⟩ sᵢsⱼ/N (each site's bonds to its right and lower neighbours, so
// every one of the 2N bonds once).
func latticeStats(v *mat.Dense, L int) (m, absM, e float64) {
	rows, _ := v.Dims()
	n := float64(L * L)
	for r := 0; r < rows; r++ {
		row := v.RawRowView(r)
		var sum, bonds float64
		for i := 0; i < L; i++ {
			for j := 0; j < L; j++ {
				s := 2*row[i*L+j] - 1
				right := 2*row[i*L+(j+1)%L] - 1
				down := 2*row[((i+1)%L)*L+j] - 1
				sum += s
				bonds += s * (right + down)
			}
		}
		m += sum / n
		absM += math.Abs(sum) / n
		e -= bonds / n
	}
	k := float64(rows)
	return m / k, absM / k, e / k
}

type monitorState struct {
	m     *Model
	set   *Settings
	train *mat.Dense
	// chains are the trainer's persistent chains, if it keeps them.
	chains Persistent
	// With the float32 engine, the reconstruction monitors run on its
	// kernels too, from the masks of the training and validation rows.
	fast         bool
	trainMasks   *masks
	trainRows    int
	validMasks   *masks
	validPending bool
}

// newMonitorState prepares the monitors; data is the training set and dm
// its masks (nil unless the float32 engine trains).
func newMonitorState(m *Model, data *mat.Dense, dm *masks, set *Settings) *monitorState {
	n, c := data.Dims()
	tr := data
	if set.MonitorRows > 0 && set.MonitorRows < n {
		tr = data.Slice(0, set.MonitorRows, 0, c).(*mat.Dense)
	}
	ms := &monitorState{m: m, set: set, train: tr, fast: dm != nil, trainMasks: dm}
	ms.trainRows, _ = tr.Dims()
	ms.validPending = dm != nil && set.Validation != nil
	return ms
}

func (ms *monitorState) compute(epoch int, lr float64, seed uint64) Monitors {
	nan := math.NaN()
	out := Monitors{Epoch: epoch, LearningRate: lr, Train: nanStats(), Valid: nanStats(), Model: nanStats(),
		FreeEnergyGap: nan, LogZ: nan, LogZErr: nan, Score: nan}
	src := rand.NewPCG(seed, uint64(epoch))
	flags := ms.set.Monitors
	m := ms.m
	logZ := nan
	if flags&MonitorExact != 0 {
		if z, err := LogZ(m); err == nil {
			logZ, out.LogZ, out.LogZErr = z, z, 0
		}
	}
	if flags&MonitorAIS != 0 && math.IsNaN(logZ) {
		z, e := AIS(m, ms.set.AIS, src)
		logZ, out.LogZ, out.LogZErr = z, z, e
	}
	stats := func(st *Stats, d *mat.Dense, dm *masks) {
		if flags&MonitorRecon != 0 {
			if dm != nil {
				rows, _ := d.Dims()
				st.Recon, st.ReconSampled = reconErrors32(m, dm, rows, src)
			} else {
				st.Recon, st.ReconSampled = m.ReconstructionErrors(d, src)
			}
		}
		if flags&MonitorPLL != 0 {
			st.PLL = PseudoLogLikelihood(m, d, src)
		}
		if flags&MonitorPLLAll != 0 {
			st.PLLAll = PseudoLogLikelihood(m, d, nil)
		}
		if flags&(MonitorFreeEnergy|MonitorExact|MonitorAIS) != 0 {
			f := m.FreeEnergy(nil, d)
			var s float64
			for _, x := range f {
				s += x
			}
			st.FreeEnergy = s / float64(len(f))
			st.LogLik = -st.FreeEnergy - logZ
			if flags&MonitorFreeEnergy == 0 {
				st.FreeEnergy = nan
			}
		}
		if flags&MonitorLattice != 0 {
			st.M, st.AbsM, st.E = latticeStats(d, ms.set.L)
		}
	}
	if ms.validPending {
		// Validation data were checked binary by Train.
		ms.validMasks, _ = binaryMasks(ms.set.Validation, "validation")
		ms.validPending = false
	}
	var tm *masks
	if ms.fast {
		tm = ms.trainMasks
	}
	stats(&out.Train, ms.train, tm)
	if ms.set.Validation != nil {
		stats(&out.Valid, ms.set.Validation, ms.validMasks)
		out.FreeEnergyGap = out.Valid.FreeEnergy - out.Train.FreeEnergy
	}
	if flags&MonitorLattice != 0 {
		out.Model.M, out.Model.AbsM, out.Model.E = latticeStats(ms.modelSamples(src), ms.set.L)
	}
	return out
}

// modelSamples returns the model's samples for MonitorLattice: the
// persistent chains, or free chains from uniformly random states after
// MonitorSteps block Gibbs steps, drawn from src.
func (ms *monitorState) modelSamples(src rand.Source) *mat.Dense {
	if ms.chains != nil {
		return ms.chains.Chains()
	}
	nv, _ := ms.m.Dims()
	n := ms.set.MonitorChains
	r := fastRand{s: src.Uint64()}
	v := mat.NewDense(n, nv, nil)
	raw := v.RawMatrix().Data
	for i := range raw {
		raw[i] = float64(r.next() >> 63)
	}
	var h mat.Dense
	for range ms.set.MonitorSteps {
		ms.m.SampleHidden(&h, v, src)
		ms.m.SampleVisible(v, &h, src)
	}
	return v
}

// pllOp computes pseudo-log-likelihoods block-parallel.
type pllOp struct {
	m     *Model
	w     []float64
	v     []float64
	ldv   int
	rows  int
	seeds []uint64 // nil: all sites
	dst   []float64
}

func (op *pllOp) run(b int) {
	nv, nh := op.m.W.Dims()
	lo, hi := blockRange(b, op.rows)
	act := make([]float64, (hi-lo)*nh)
	gemm(false, hi-lo, nh, nv, op.v[lo*op.ldv:], op.ldv, op.w, nh, act, nh)
	var r fastRand
	if op.seeds != nil {
		r.s = op.seeds[b]
	}
	sp := make([]float64, nh)
	for k := 0; k < hi-lo; k++ {
		a := act[k*nh : (k+1)*nh]
		v := op.v[(lo+k)*op.ldv : (lo+k)*op.ldv+nv]
		for j := range a {
			a[j] += op.m.HBias[j]
			sp[j] = softplus(a[j])
		}
		// F(v′) − F(v) for v′ = v with site i flipped (δ = 1 − 2vᵢ):
		// −δ bᵢ − Σ_j [softplus(a_j + δ W_ij) − softplus(a_j)];
		// p(vᵢ | v₋ᵢ) = σ(F(v′) − F(v)).
		site := func(i int) float64 {
			d := 1 - 2*v[i]
			wi := op.w[i*nh : (i+1)*nh]
			df := -d * op.m.VBias[i]
			for j, x := range a {
				df -= softplus(x+d*wi[j]) - sp[j]
			}
			return logSigmoid(df)
		}
		var s float64
		if op.seeds == nil {
			for i := 0; i < nv; i++ {
				s += site(i)
			}
		} else {
			i := int((r.next() >> 32) * uint64(nv) >> 32)
			s = float64(nv) * site(i)
		}
		op.dst[lo+k] = s
	}
}

// PseudoLogLikelihood returns the mean over the rows of v of the
// pseudo-log-likelihood Σᵢ log p(vᵢ | v₋ᵢ). If src is nil the sum runs over
// all Nv sites (deterministic); otherwise one site per row is drawn from src
// and the term is scaled by Nv (an unbiased, cheaper estimate).
func PseudoLogLikelihood(m *Model, v *mat.Dense, src rand.Source) float64 {
	nv, _ := m.check()
	in, ldv, rows := input(v, nv)
	var buf []float64
	op := &pllOp{m: m, w: m.raw(&buf), v: in, ldv: ldv, rows: rows, dst: make([]float64, rows)}
	if src != nil {
		op.seeds = make([]uint64, blocks(rows))
		for i := range op.seeds {
			op.seeds[i] = src.Uint64()
		}
	}
	parallel(blocks(rows), op.run)
	var s float64
	for _, x := range op.dst {
		s += x
	}
	return s / float64(rows)
}

// MaxExact is the largest size of the smaller layer for which LogZ,
// LogLikelihood and ExactGradient enumerate its 2^n states.
const MaxExact = 24

// ErrTooLarge is returned when exact enumeration would need more than
// 2^MaxExact states.
var ErrTooLarge = errors.New("rbm: smaller layer too large for exact enumeration")

// enumOp enumerates the states s of the smaller layer (n units) with
// unnormalised log-probability
//
//	log p*(s) = a·s + Σ_k softplus(B_k + Σ_l s_l A_lk),
//
// where A is n×N. Blocks of 2^low consecutive states are walked in Gray-code
// order, so each state costs O(N).
type enumOp struct {
	n, big int
	a      []float64 // small-layer bias, n
	bb     []float64 // big-layer bias, N
	A      []float64 // n×N
	low    int
	// pass 1
	lse []logSumExp
	// pass 2 (moments), when logZ is set
	moments bool
	logZ    float64
	es      [][]float64 // per block: E[s_l]            (n)
	eb      [][]float64 // per block: E[σ_k]            (N)
	esb     [][]float64 // per block: E[s_l σ_k]        (n×N)
}

func newEnum(m *Model) (*enumOp, bool, error) {
	nv, nh := m.check()
	op := &enumOp{}
	smallIsH := nh <= nv
	if smallIsH {
		op.n, op.big, op.a, op.bb = nh, nv, m.HBias, m.VBias
		op.A = make([]float64, nh*nv)
		var buf []float64
		transpose(op.A, m.raw(&buf), nv, nh, nh)
	} else {
		op.n, op.big, op.a, op.bb = nv, nh, m.VBias, m.HBias
		var buf []float64
		op.A = append([]float64(nil), m.raw(&buf)...)
	}
	if op.n > MaxExact {
		return nil, smallIsH, fmt.Errorf("%w: %d units > %d", ErrTooLarge, op.n, MaxExact)
	}
	op.low = min(op.n, 12)
	nb := 1 << (op.n - op.low)
	op.lse = make([]logSumExp, nb)
	return op, smallIsH, nil
}

func (op *enumOp) run(b int) {
	n, N := op.n, op.big
	act := make([]float64, N)
	copy(act, op.bb)
	state := uint64(b) << op.low
	lin := 0.0
	for l := 0; l < n; l++ {
		if state>>l&1 == 1 {
			lin += op.a[l]
			row := op.A[l*N : (l+1)*N]
			for k := range act {
				act[k] += row[k]
			}
		}
	}
	lse := newLogSumExp()
	var es, eb, esb []float64
	if op.moments {
		es, eb, esb = make([]float64, n), make([]float64, N), make([]float64, n*N)
	}
	sig := make([]float64, N)
	for t := 0; t < 1<<op.low; t++ {
		if t > 0 {
			l := bits.TrailingZeros(uint(t))
			state ^= 1 << l
			d := 1.0
			if state>>l&1 == 0 {
				d = -1
			}
			lin += d * op.a[l]
			row := op.A[l*N : (l+1)*N]
			for k := range act {
				act[k] += d * row[k]
			}
		}
		lp := lin
		for _, x := range act {
			lp += softplus(x)
		}
		if !op.moments {
			lse.add(lp)
			continue
		}
		p := math.Exp(lp - op.logZ)
		for k, x := range act {
			sig[k] = 1 / (1 + math.Exp(-x))
			eb[k] += p * sig[k]
		}
		for l := 0; l < n; l++ {
			if state>>l&1 == 1 {
				es[l] += p
				row := esb[l*N : (l+1)*N]
				for k, s := range sig {
					row[k] += p * s
				}
			}
		}
	}
	if op.moments {
		op.es[b], op.eb[b], op.esb[b] = es, eb, esb
	} else {
		op.lse[b] = lse
	}
}

func (op *enumOp) logPartition() float64 {
	parallel(len(op.lse), op.run)
	total := newLogSumExp()
	for _, l := range op.lse {
		total.merge(l)
	}
	return total.value()
}

// LogZ returns the exact log partition function of m, enumerating the
// smaller layer. It returns an error wrapping ErrTooLarge if that layer has
// more than MaxExact units. The result does not depend on GOMAXPROCS.
func LogZ(m *Model) (float64, error) {
	op, _, err := newEnum(m)
	if err != nil {
		return 0, err
	}
	return op.logPartition(), nil
}

// LogLikelihood returns the exact mean log-likelihood (1/N) Σ log p(v) of
// the rows of v (which must be binary for the value to be a likelihood).
func LogLikelihood(m *Model, v *mat.Dense) (float64, error) {
	z, err := LogZ(m)
	if err != nil {
		return 0, err
	}
	f := m.FreeEnergy(nil, v)
	var s float64
	for _, x := range f {
		s -= x
	}
	return s/float64(len(f)) - z, nil
}

// ExactGradient returns the exact gradient of the mean log-likelihood of
// the rows of data, ⟨v hᵀ⟩_data − ⟨v hᵀ⟩_model (and likewise for the
// biases), with the model expectations computed by enumeration. Switched-off
// biases get a zero gradient.
func ExactGradient(m *Model, data *mat.Dense) (*Gradient, error) {
	op, smallIsH, err := newEnum(m)
	if err != nil {
		return nil, err
	}
	op.logZ = op.logPartition()
	nb := len(op.lse)
	op.moments = true
	op.es, op.eb, op.esb = make([][]float64, nb), make([][]float64, nb), make([][]float64, nb)
	parallel(nb, op.run)
	n, N := op.n, op.big
	es, eb, esb := make([]float64, n), make([]float64, N), make([]float64, n*N)
	for b := 0; b < nb; b++ {
		for i, x := range op.es[b] {
			es[i] += x
		}
		for i, x := range op.eb[b] {
			eb[i] += x
		}
		for i, x := range op.esb[b] {
			esb[i] += x
		}
	}
	nv, nh := m.Dims()
	g := &Gradient{W: mat.NewDense(nv, nh, nil), VBias: make([]float64, nv), HBias: make([]float64, nh)}
	// Data term: ⟨v p(h|v)ᵀ⟩ over the rows.
	var hp mat.Dense
	m.HiddenProbs(&hp, data)
	rows, _ := data.Dims()
	g.W.Mul(data.T(), &hp)
	g.W.Scale(1/float64(rows), g.W)
	for i := 0; i < rows; i++ {
		for j, x := range data.RawRowView(i) {
			g.VBias[j] += x / float64(rows)
		}
		for j, x := range hp.RawRowView(i) {
			g.HBias[j] += x / float64(rows)
		}
	}
	// Model term.
	for l := 0; l < n; l++ {
		for k := 0; k < N; k++ {
			if smallIsH { // l = hidden j, k = visible i
				g.W.Set(k, l, g.W.At(k, l)-esb[l*N+k])
			} else {
				g.W.Set(l, k, g.W.At(l, k)-esb[l*N+k])
			}
		}
	}
	vb, hb := eb, es
	if !smallIsH {
		vb, hb = es, eb
	}
	for i := range g.VBias {
		g.VBias[i] -= vb[i]
	}
	for j := range g.HBias {
		g.HBias[j] -= hb[j]
	}
	if m.NoVBias {
		clear(g.VBias)
	}
	if m.NoHBias {
		clear(g.HBias)
	}
	return g, nil
}
