package rbm

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

var (
	// ErrNotBinary is returned (wrapped) when data that must be 0/1 is not.
	ErrNotBinary = errors.New("rbm: data is not binary (0/1)")
	// ErrNoData is returned by Train for an empty data set.
	ErrNoData = errors.New("rbm: no training data")
)

// checkBinary returns an ErrNotBinary-wrapping error unless every cell of d
// is 0 or 1.
func checkBinary(d *mat.Dense, what string) error {
	r, _ := d.Dims()
	for i := 0; i < r; i++ {
		for j, x := range d.RawRowView(i) {
			if x != 0 && x != 1 {
				return fmt.Errorf("%w: %s[%d,%d] = %v", ErrNotBinary, what, i, j, x)
			}
		}
	}
	return nil
}

// Train fits m to the binary rows of data by stochastic gradient ascent on
// the log-likelihood, with the negative phase from t (if t is nil, CD{}:
// CD-1 in float32). It panics with mat.ErrShape if data or the validation
// data do not have Nv columns, or if m's biases do not match W.
//
// Everything else that is wrong is an error, returned before m changes
// unless said otherwise: an error wrapping ErrSettings, naming the field
// and its value, for a negative Epochs, BatchSize, MonitorRows,
// ProgressEvery, CheckpointEvery, L, MonitorChains, MonitorSteps or
// Patience, a LearningRate, L2 or L1 that is negative or not finite, a
// Momentum outside [0, 1), unknown Monitors bits, an L with L² ≠ Nv, a
// Patience without Validation or Score, invalid AIS settings, a trainer's
// invalid fields, and a Resume checkpoint that does not fit (another
// shape, invalid arrays, persistent chains for a trainer without them or
// none for one with them, Epochs below its epoch); a Schedule value that
// is negative or not finite and a NaN early-stopping score (found at their
// epoch, which leaves m at the end of the previous one); ErrNoData for
// empty data; an error wrapping ErrNotBinary for non-binary data or
// validation data; ErrDiverged (wrapped) if training diverges; the
// Progress callback's error unchanged (m at the end of that epoch); or an
// I/O error from checkpointing.
//
// Divergence rule: let r be the root mean square of the trainable
// parameters (W and the biases that are on). Training has diverged when an
// update would make a parameter NaN or ±Inf, or when at the end of an epoch
// r exceeds DivergedGrowth × max(r₀, 1), where r₀ is r at the start of the
// epoch, or exceeds DivergedRMS. On divergence m is restored to its values
// at the start of the epoch (the end of the last good epoch), and
// m.Hyper.Epochs is that epoch's number minus one. Sound training (learning
// rates up to about 0.1 with momentum 0.9 on Ising data) grows r by far less
// than DivergedGrowth in an epoch.
func Train(m *Model, data *mat.Dense, s *Settings, t Trainer) error {
	if t == nil {
		t = CD{}
	}
	set := withDefaults(s)
	dm, err := checkTrain(m, data, &set)
	if err != nil {
		return err
	}
	r, err := newRun(m, data, dm, &set, t)
	if err != nil {
		return err
	}
	for epoch := r.first; epoch <= set.Epochs && !r.es.stopped; epoch++ {
		if err := r.epoch(epoch); err != nil {
			return err
		}
	}
	if set.Patience > 0 {
		r.es.keepBest(m, r.last)
	}
	return nil
}

// checkTrain checks Train's arguments (set after defaults) and returns the
// masks of data. It returns the errors and panics Train documents for
// what is wrong before training, in this order: settings, empty data,
// shapes (panics), the Resume checkpoint, non-binary data, non-binary
// validation data.
func checkTrain(m *Model, data *mat.Dense, set *Settings) (*masks, error) {
	nv, nh := m.check()
	if err := set.check(nv); err != nil {
		return nil, err
	}
	if data.IsEmpty() {
		return nil, ErrNoData
	}
	if _, cols := data.Dims(); cols != nv {
		panic(mat.ErrShape)
	}
	if set.Validation != nil {
		if _, c := set.Validation.Dims(); c != nv {
			panic(mat.ErrShape)
		}
	}
	if ck := set.Resume; ck != nil {
		if err := ck.checkResume(nv, nh, set.Epochs); err != nil {
			return nil, err
		}
	}
	dm, err := binaryMasks(data, "data")
	if err != nil {
		return nil, err
	}
	if set.Validation != nil {
		if err := checkBinary(set.Validation, "validation"); err != nil {
			return nil, err
		}
	}
	return dm, nil
}

// run is the state of one Train call between its epochs.
type run struct {
	m     *Model
	data  *mat.Dense
	set   *Settings
	n, bs int        // rows of data, minibatch size
	pcg   *rand.PCG  // the run's random stream (a checkpoint saves it)
	rng   *rand.Rand // shuffles, drawing from pcg
	perm  []int      // the epoch's order of the rows
	smp   Sampler
	ft    *fast // the float32 engine, or nil
	tr    *trainer
	es    earlyStop
	mon   *monitorState
	score func(Monitors) float64
	snap  snapshot // the model at the start of the epoch
	first int      // the first epoch to train
	last  int      // the last epoch trained
}

// newRun sets up a run of Train on data (with masks dm) after
// checkTrain: it seeds the random stream (or restores it, with the rest
// of the Resume checkpoint), asks t for its sampler, records the
// hyper-parameters in m and prepares the monitors. It returns the
// trainer's settings errors and a mismatch between the checkpoint's
// chains and the trainer.
func newRun(m *Model, data *mat.Dense, dm *masks, set *Settings, t Trainer) (*run, error) {
	n, _ := data.Dims()
	r := &run{m: m, data: data, set: set, n: n, bs: min(set.BatchSize, n), pcg: rand.NewPCG(1, 2),
		es: earlyStop{bestScore: math.Inf(1)}, first: 1}
	ck := set.Resume
	var chains *mat.Dense
	if ck != nil {
		chains = ck.Chains
	} else if set.Src != nil {
		r.pcg.Seed(set.Src.Uint64(), set.Src.Uint64())
	}
	smp, err := t.Sampler(m, SamplerConfig{BatchSize: r.bs, Src: r.pcg, Chains: chains})
	if err != nil {
		return nil, err
	}
	persistent, _ := smp.(Persistent)
	if err := ck.checkChains(t, persistent != nil); err != nil {
		return nil, err
	}
	r.smp = smp
	r.tr = newTrainer(m, r.bs)
	if ck != nil {
		ck.restore(m, r.tr, r.pcg, &r.es)
		r.first = ck.Epoch + 1
	}
	r.ft = fastEngine(m, dm, smp)
	r.rng = rand.New(r.pcg)
	r.perm = make([]int, n)
	r.recordHyper(t)
	var fm *masks
	if r.ft != nil {
		fm = dm
	}
	r.mon = newMonitorState(m, data, fm, set)
	r.mon.chains = persistent
	r.score = set.Score
	if r.score == nil {
		r.score = func(mo Monitors) float64 { return mo.Valid.Recon }
	}
	r.last = r.first - 1
	return r, nil
}

// recordHyper records the run's hyper-parameters in the model.
func (r *run) recordHyper(t Trainer) {
	h, set := &r.m.Hyper, r.set
	h.Trainer = trainerRecord(t, r.smp)
	h.BatchSize, h.Momentum, h.L2, h.L1 = r.bs, set.Momentum, set.L2, set.L1
	h.Schedule = set.Schedule != nil
	if set.Schedule == nil {
		h.LearningRate = set.LearningRate
	}
}

// trainerRecord returns the record of the trainer t with sampler smp in
// Hyper.Trainer: its type and fields, with the defaults of CD and PCD
// filled in (K 1, the number of chains), so that the record says what ran.
func trainerRecord(t Trainer, smp Sampler) string {
	switch v := t.(type) {
	case CD:
		v.K = max(v.K, 1)
		t = v
	case PCD:
		v.K = max(v.K, 1)
		if s, ok := smp.(*pcdSampler); ok && v.Chains == 0 {
			v.Chains, _ = s.chains.Dims()
		}
		t = v
	}
	return fmt.Sprintf("%T%+v", t, t)
}

// epoch trains one epoch: the minibatches in a fresh random order, the
// divergence rule, the monitors and early stopping, the checkpoint and
// the Progress callback.
func (r *run) epoch(epoch int) error {
	lr, err := r.rate(epoch)
	if err != nil {
		return err
	}
	r.snap.take(r.m, r.tr)
	r0 := paramRMS(r.m)
	r.shuffle()
	monSeed := r.pcg.Uint64()
	if err := r.batches(epoch, lr); err != nil {
		return err
	}
	if err := r.checkGrowth(epoch, r0); err != nil {
		return err
	}
	r.m.Hyper.Epochs, r.m.Hyper.LearningRate = epoch, lr
	r.last = epoch
	mons, progress, err := r.monitor(epoch, lr, monSeed)
	if err != nil {
		return err
	}
	if err := r.saveCheckpoint(epoch); err != nil {
		return err
	}
	if progress {
		return r.set.Progress(mons)
	}
	return nil
}

// rate returns the learning rate of epoch: the Schedule's (an error for a
// value that is negative or not finite) or LearningRate.
func (r *run) rate(epoch int) (float64, error) {
	if r.set.Schedule == nil {
		return r.set.LearningRate, nil
	}
	lr := r.set.Schedule(epoch)
	if !(lr >= 0) || math.IsInf(lr, 0) {
		return 0, fmt.Errorf("%w: Schedule(%d) = %v (want a finite value ≥ 0)", ErrSettings, epoch, lr)
	}
	return lr, nil
}

// shuffle draws the epoch's order of the rows. It restarts from the
// identity so that a resumed run shuffles exactly as the uninterrupted
// one.
func (r *run) shuffle() {
	for i := range r.perm {
		r.perm[i] = i
	}
	r.rng.Shuffle(r.n, func(i, j int) { r.perm[i], r.perm[j] = r.perm[j], r.perm[i] })
}

// batches trains on the minibatches of the epoch with learning rate lr.
// If an update would make a parameter NaN or ±Inf it restores the model
// to the start of the epoch and returns ErrDiverged (wrapped).
func (r *run) batches(epoch int, lr float64) error {
	for b0 := 0; b0 < r.n; b0 += r.bs {
		if !r.tr.step(r.ft, r.smp, r.data, r.perm[b0:min(b0+r.bs, r.n)], lr, r.set, r.pcg) {
			r.snap.restore(r.m, r.tr)
			return fmt.Errorf("%w: a parameter would become NaN or Inf (epoch %d)", ErrDiverged, epoch)
		}
	}
	return nil
}

// monitor computes the epoch's monitors if Progress sees them or early
// stopping scores the epoch, scores it, and reports whether Progress is
// to be called. A NaN score is an error (the model restored to the start
// of the epoch).
func (r *run) monitor(epoch int, lr float64, seed uint64) (mons Monitors, progress bool, err error) {
	set := r.set
	// Early stopping scores every ProgressEvery-th epoch (never the last
	// one just for being last, so that where a run was interrupted does
	// not change what is scored).
	progress = set.Progress != nil && (epoch%set.ProgressEvery == 0 || epoch == set.Epochs)
	scored := set.Patience > 0 && epoch%set.ProgressEvery == 0
	if progress || scored {
		mons = r.mon.compute(epoch, lr, seed)
	}
	if scored {
		sc := r.score(mons)
		if math.IsNaN(sc) {
			r.snap.restore(r.m, r.tr)
			return mons, false, fmt.Errorf("%w: Score = NaN at epoch %d (was its monitor computed?)", ErrSettings, epoch)
		}
		mons.Score = sc
		r.es.add(r.m, epoch, sc, set.Patience)
	}
	mons.BestEpoch = r.es.bestEpoch
	return mons, progress, nil
}

// saveCheckpoint writes the checkpoint of the run after epoch, if one is
// due: every CheckpointEvery epochs, after the last one and when early
// stopping ends the run.
func (r *run) saveCheckpoint(epoch int) error {
	set := r.set
	if set.CheckpointPath == "" || !(epoch%set.CheckpointEvery == 0 || epoch == set.Epochs || r.es.stopped) {
		return nil
	}
	return newCheckpoint(r.m, r.tr, r.pcg, r.smp, epoch, &r.es).Save(set.CheckpointPath)
}
