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
	nv, nh := m.check()
	if err := set.check(nv); err != nil {
		return err
	}
	if data.IsEmpty() {
		return ErrNoData
	}
	n, cols := data.Dims()
	if cols != nv {
		panic(mat.ErrShape)
	}
	if set.Validation != nil {
		if _, c := set.Validation.Dims(); c != nv {
			panic(mat.ErrShape)
		}
	}
	ck := set.Resume
	if ck != nil {
		if err := ck.checkResume(nv, nh, set.Epochs); err != nil {
			return err
		}
	}
	dm, err := binaryMasks(data, "data")
	if err != nil {
		return err
	}
	if set.Validation != nil {
		if err := checkBinary(set.Validation, "validation"); err != nil {
			return err
		}
	}
	bs := min(set.BatchSize, n)
	pcg := rand.NewPCG(1, 2)
	var chains *mat.Dense
	if ck != nil {
		chains = ck.Chains
	} else if set.Src != nil {
		pcg.Seed(set.Src.Uint64(), set.Src.Uint64())
	}
	smp, err := t.Sampler(m, SamplerConfig{BatchSize: bs, Src: pcg, Chains: chains})
	if err != nil {
		return err
	}
	persistent, _ := smp.(Persistent)
	if ck != nil && (ck.Chains != nil) != (persistent != nil) {
		if persistent == nil {
			return fmt.Errorf("%w: Resume.Chains: the checkpoint holds persistent chains but the trainer %T%+v keeps none", ErrSettings, t, t)
		}
		return fmt.Errorf("%w: Resume.Chains = nil but the trainer %T%+v keeps persistent chains", ErrSettings, t, t)
	}
	tr := newTrainer(m, bs)
	first := 1
	es := earlyStop{bestScore: math.Inf(1)}
	if ck != nil {
		ck.restore(m, tr, pcg, &es)
		first = ck.Epoch + 1
	}
	ft := fastEngine(m, dm, smp)
	rng := rand.New(pcg)
	perm := make([]int, n)
	m.Hyper.Trainer = fmt.Sprintf("%T%+v", t, t)
	m.Hyper.BatchSize, m.Hyper.Momentum, m.Hyper.L2, m.Hyper.L1 = bs, set.Momentum, set.L2, set.L1
	m.Hyper.Schedule = set.Schedule != nil
	if set.Schedule == nil {
		m.Hyper.LearningRate = set.LearningRate
	}
	var fm *masks
	if ft != nil {
		fm = dm
	}
	mon := newMonitorState(m, data, fm, &set)
	mon.chains = persistent
	score := set.Score
	if score == nil {
		score = func(mo Monitors) float64 { return mo.Valid.Recon }
	}
	last := first - 1
	var snap snapshot
	for epoch := first; epoch <= set.Epochs && !es.stopped; epoch++ {
		lr := set.LearningRate
		if set.Schedule != nil {
			lr = set.Schedule(epoch)
			if !(lr >= 0) || math.IsInf(lr, 0) {
				return fmt.Errorf("%w: Schedule(%d) = %v (want a finite value ≥ 0)", ErrSettings, epoch, lr)
			}
		}
		snap.take(m, tr)
		r0 := paramRMS(m)
		// The shuffle restarts from the identity so that a resumed run
		// shuffles exactly as the uninterrupted one.
		for i := range perm {
			perm[i] = i
		}
		rng.Shuffle(n, func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		monSeed := pcg.Uint64()
		for b0 := 0; b0 < n; b0 += bs {
			if !tr.step(ft, smp, data, perm[b0:min(b0+bs, n)], lr, &set, pcg) {
				snap.restore(m, tr)
				return fmt.Errorf("%w: a parameter would become NaN or Inf (epoch %d)", ErrDiverged, epoch)
			}
		}
		if r := paramRMS(m); r > DivergedGrowth*max(r0, 1) || r > DivergedRMS {
			snap.restore(m, tr)
			return fmt.Errorf("%w: parameter RMS %.3g at the end of epoch %d (%.3g at its start)", ErrDiverged, r, epoch, r0)
		}
		m.Hyper.Epochs, m.Hyper.LearningRate = epoch, lr
		last = epoch
		// Early stopping scores every ProgressEvery-th epoch (never the
		// last one just for being last, so that where a run was
		// interrupted does not change what is scored).
		progress := set.Progress != nil && (epoch%set.ProgressEvery == 0 || epoch == set.Epochs)
		scored := set.Patience > 0 && epoch%set.ProgressEvery == 0
		var mons Monitors
		if progress || scored {
			mons = mon.compute(epoch, lr, monSeed)
		}
		if scored {
			sc := score(mons)
			if math.IsNaN(sc) {
				snap.restore(m, tr)
				return fmt.Errorf("%w: Score = NaN at epoch %d (was its monitor computed?)", ErrSettings, epoch)
			}
			mons.Score = sc
			es.add(m, epoch, sc, set.Patience)
		}
		mons.BestEpoch = es.bestEpoch
		if set.CheckpointPath != "" && (epoch%set.CheckpointEvery == 0 || epoch == set.Epochs || es.stopped) {
			if err := newCheckpoint(m, tr, pcg, smp, epoch, &es).Save(set.CheckpointPath); err != nil {
				return err
			}
		}
		if progress {
			if err := set.Progress(mons); err != nil {
				return err
			}
		}
	}
	if set.Patience > 0 && es.best != nil {
		b := es.best
		m.W.Copy(b.W)
		copy(m.VBias, b.VBias)
		copy(m.HBias, b.HBias)
		m.Hyper = b.Hyper
		if es.stopped {
			m.Hyper.StoppedAt = last
		}
	}
	return nil
}
