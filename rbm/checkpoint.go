package rbm

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/rgflow/rgflow/internal/fileio"
)

// earlyMeta is a checkpoint's early-stopping state; the best model's
// arrays are best_W, best_vbias and best_hbias (if BestEpoch > 0).
type earlyMeta struct {
	BestEpoch int     `json:"best_epoch"`
	BestScore float64 `json:"best_score"`
	BestHyper Hyper   `json:"best_hyper"`
	Since     int     `json:"since"`
	Stopped   bool    `json:"stopped"`
}

// Checkpoint is the complete state of a training run after an epoch: with
// it, Train (Settings.Resume) continues bit-identically.
type Checkpoint struct {
	// Model is a copy of the model after Epoch epochs.
	Model *Model
	// Epoch is the number of completed epochs.
	Epoch int
	// Velocity is the momentum state of the optimiser.
	Velocity Gradient
	// Chains are the trainer's persistent chains (nil for CD).
	Chains *mat.Dense
	// RNG is the marshalled *rand.PCG state of the run's random stream.
	RNG []byte

	// The early-stopping state (Settings.Patience): Best is a copy of the
	// best-scored model so far (nil if none), BestEpoch its epoch and
	// BestScore its score; Since counts the scored epochs after it, and
	// Stopped reports that early stopping ended the run at Epoch.
	Best      *Model
	BestEpoch int
	BestScore float64
	Since     int
	Stopped   bool
}

func newCheckpoint(m *Model, t *trainer, pcg *rand.PCG, s Sampler, epoch int, es *earlyStop) *Checkpoint {
	rng, err := pcg.MarshalBinary()
	if err != nil {
		panic(err) // PCG.MarshalBinary never fails
	}
	ck := &Checkpoint{Model: m.Clone(), Epoch: epoch, RNG: rng, Velocity: Gradient{
		W: mat.DenseCopyOf(t.vel.W), VBias: append([]float64(nil), t.vel.VBias...), HBias: append([]float64(nil), t.vel.HBias...)}}
	if p, ok := s.(Persistent); ok {
		ck.Chains = mat.DenseCopyOf(p.Chains())
	}
	if es != nil {
		if es.best != nil {
			ck.Best, ck.BestEpoch, ck.BestScore = es.best.Clone(), es.bestEpoch, es.bestScore
		}
		ck.Since, ck.Stopped = es.since, es.stopped
	}
	return ck
}

// restore copies the checkpoint into m, the trainer's optimiser state,
// the random stream and the early-stopping state; checkResume has checked
// it.
func (ck *Checkpoint) restore(m *Model, t *trainer, pcg *rand.PCG, es *earlyStop) {
	if err := pcg.UnmarshalBinary(ck.RNG); err != nil {
		panic(err) // checked by valid
	}
	m.W.Copy(ck.Model.W)
	copy(m.VBias, ck.Model.VBias)
	copy(m.HBias, ck.Model.HBias)
	m.NoVBias, m.NoHBias, m.Hyper = ck.Model.NoVBias, ck.Model.NoHBias, ck.Model.Hyper
	t.vel.W.Copy(ck.Velocity.W)
	copy(t.vel.VBias, ck.Velocity.VBias)
	copy(t.vel.HBias, ck.Velocity.HBias)
	if ck.Best != nil {
		es.best, es.bestEpoch, es.bestScore = ck.Best.Clone(), ck.BestEpoch, ck.BestScore
	}
	es.since, es.stopped = ck.Since, ck.Stopped
}

// Save writes the checkpoint atomically to path as an .npz archive (the
// model's arrays, velocities vel_W, vel_vbias, vel_hbias, chains if any, the
// random state rng as uint8, and the metadata). It writes nothing and
// returns an error wrapping ErrFormat for a checkpoint LoadCheckpoint would
// reject: a model Model.Save refuses, a negative epoch, a velocity that is
// not finite, persistent chains that are not binary or an invalid random
// state. It panics with mat.ErrShape if the model's biases do not match W,
// or the velocity or chains do not match the model.
func (ck *Checkpoint) Save(path string) error {
	meta, entries := ck.archive()
	if err := ck.valid(); err != nil {
		return fmt.Errorf("%w: %s: not saved: %v", ErrFormat, path, err)
	}
	return fileio.WriteNPZ(path, meta, entries...)
}

// valid reports what LoadCheckpoint would reject in ck.
func (ck *Checkpoint) valid() error {
	if err := validModel(ck.Model); err != nil {
		return err
	}
	if ck.Epoch < 0 {
		return fmt.Errorf("negative epoch %d", ck.Epoch)
	}
	v := ck.Velocity
	if !allFiniteDense(v.W) || !allFinite(v.VBias) || !allFinite(v.HBias) {
		return errors.New("the optimiser's velocity holds NaN or Inf")
	}
	if ck.Chains != nil {
		if err := checkBinary(ck.Chains, "persistent chains"); err != nil {
			return err
		}
	}
	if err := new(rand.PCG).UnmarshalBinary(ck.RNG); err != nil {
		return fmt.Errorf("random state: %v", err)
	}
	if ck.Since < 0 {
		return fmt.Errorf("negative Since %d", ck.Since)
	}
	if ck.Best != nil {
		if err := validModel(ck.Best); err != nil {
			return fmt.Errorf("best model: %v", err)
		}
		if ck.BestEpoch < 1 || ck.BestEpoch > ck.Epoch || math.IsNaN(ck.BestScore) || math.IsInf(ck.BestScore, 0) {
			return fmt.Errorf("best epoch %d of %d with score %v", ck.BestEpoch, ck.Epoch, ck.BestScore)
		}
	} else if ck.BestEpoch != 0 {
		return fmt.Errorf("best epoch %d without a best model", ck.BestEpoch)
	}
	return nil
}

// archive returns the checkpoint's metadata and arrays, checking shapes.
func (ck *Checkpoint) archive() (fileMeta, []fileio.Entry) {
	m := ck.Model
	nv, nh := m.check()
	if r, c := ck.Velocity.W.Dims(); r != nv || c != nh || len(ck.Velocity.VBias) != nv || len(ck.Velocity.HBias) != nh {
		panic(mat.ErrShape)
	}
	if ck.Chains != nil {
		if _, c := ck.Chains.Dims(); c != nv {
			panic(mat.ErrShape)
		}
	}
	meta := fileMeta{Format: ckptFormat, Version: FormatVersion, Nv: nv, Nh: nh, NoVBias: m.NoVBias, NoHBias: m.NoHBias, Hyper: m.Hyper, Epoch: ck.Epoch}
	entries := append(modelEntries(m),
		fileio.Entry{Name: "vel_W", Value: ck.Velocity.W},
		fileio.Entry{Name: "vel_vbias", Value: ck.Velocity.VBias},
		fileio.Entry{Name: "vel_hbias", Value: ck.Velocity.HBias},
		fileio.Entry{Name: "rng", Value: ck.RNG})
	if ck.Chains != nil {
		r, _ := ck.Chains.Dims()
		meta.Chains = r
		entries = append(entries, fileio.Entry{Name: "chains", Value: ck.Chains})
	}
	if ck.Best != nil || ck.Since != 0 || ck.Stopped {
		meta.Early = &earlyMeta{BestEpoch: ck.BestEpoch, BestScore: ck.BestScore, Since: ck.Since, Stopped: ck.Stopped}
	}
	if b := ck.Best; b != nil {
		if r, c := b.W.Dims(); r != nv || c != nh || len(b.VBias) != nv || len(b.HBias) != nh {
			panic(mat.ErrShape)
		}
		meta.Early.BestHyper = b.Hyper
		entries = append(entries,
			fileio.Entry{Name: "best_W", Value: b.W},
			fileio.Entry{Name: "best_vbias", Value: b.VBias},
			fileio.Entry{Name: "best_hbias", Value: b.HBias})
	}
	return meta, entries
}

// checkResume returns an error wrapping ErrSettings unless the checkpoint
// ck can resume training of a model of nv×nh units to epoch epochs: its
// arrays have the model's shapes and hold what LoadCheckpoint accepts.
func (ck *Checkpoint) checkResume(nv, nh, epochs int) error {
	if msg := ck.misfit(nv, nh); msg != "" {
		return fmt.Errorf("%w: Resume: %s", ErrSettings, msg)
	}
	if err := ck.valid(); err != nil {
		return fmt.Errorf("%w: Resume: %v", ErrSettings, err)
	}
	if epochs < ck.Epoch {
		return badSetting("Epochs", epochs, fmt.Sprintf("≥ Resume.Epoch = %d", ck.Epoch))
	}
	return nil
}

// misfit says how the checkpoint's arrays differ from the shapes of a
// model of nv×nh units, or returns "" if they do not.
func (ck *Checkpoint) misfit(nv, nh int) string {
	m := ck.Model
	if m == nil || m.W == nil {
		return "Model is nil"
	}
	if r, c := m.W.Dims(); r != nv || c != nh {
		return fmt.Sprintf("the checkpoint's model is %d×%d, the model to train %d×%d", r, c, nv, nh)
	}
	if len(m.VBias) != nv || len(m.HBias) != nh {
		return fmt.Sprintf("the checkpoint's model has %d visible and %d hidden biases, want %d and %d", len(m.VBias), len(m.HBias), nv, nh)
	}
	if msg := velocityMisfit(ck.Velocity, nv, nh); msg != "" {
		return msg
	}
	if ck.Chains != nil {
		if _, c := ck.Chains.Dims(); c != nv {
			return fmt.Sprintf("Chains have %d columns, want %d", c, nv)
		}
	}
	if b := ck.Best; b != nil {
		if b.W == nil || len(b.VBias) != nv || len(b.HBias) != nh {
			return "Best is not a model of the checkpoint's shape"
		}
		if r, c := b.W.Dims(); r != nv || c != nh {
			return fmt.Sprintf("Best is %d×%d, want %d×%d", r, c, nv, nh)
		}
	}
	return ""
}

// velocityMisfit is misfit for the optimiser's velocity v.
func velocityMisfit(v Gradient, nv, nh int) string {
	if v.W == nil {
		return "Velocity.W is nil"
	}
	if r, c := v.W.Dims(); r != nv || c != nh {
		return fmt.Sprintf("Velocity.W is %d×%d, want %d×%d", r, c, nv, nh)
	}
	if len(v.VBias) != nv || len(v.HBias) != nh {
		return fmt.Sprintf("Velocity has %d visible and %d hidden biases, want %d and %d", len(v.VBias), len(v.HBias), nv, nh)
	}
	return ""
}

// checkChains returns an error wrapping ErrSettings if a checkpoint ck
// (nil: none) holds persistent chains and the trainer t keeps none
// (persistent is false), or the other way round.
func (ck *Checkpoint) checkChains(t Trainer, persistent bool) error {
	if ck == nil || (ck.Chains != nil) == persistent {
		return nil
	}
	if !persistent {
		return fmt.Errorf("%w: Resume.Chains: the checkpoint holds persistent chains but the trainer %T%+v keeps none", ErrSettings, t, t)
	}
	return fmt.Errorf("%w: Resume.Chains = nil but the trainer %T%+v keeps persistent chains", ErrSettings, t, t)
}

// LoadCheckpoint reads a checkpoint written by Checkpoint.Save, with the
// checks of Load; it also rejects an optimiser velocity that is not finite
// or not of the model's shape, and persistent chains that are not binary.
func LoadCheckpoint(path string) (*Checkpoint, error) {
	a, meta, err := readMeta(path, ckptFormat)
	if err != nil {
		return nil, err
	}
	m, err := readModel(a, path, meta)
	if err != nil {
		return nil, err
	}
	if meta.Epoch < 0 {
		return nil, badFile(path, "negative epoch %d", meta.Epoch)
	}
	ck := &Checkpoint{Model: m, Epoch: meta.Epoch}
	for _, read := range []func(*fileio.NPZ, string, *fileMeta) error{ck.readVelocity, ck.readRNG, ck.readChains, ck.readEarly} {
		if err := read(a, path, meta); err != nil {
			return nil, err
		}
	}
	if err := ck.valid(); err != nil {
		return nil, badFile(path, "%v", err)
	}
	return ck, nil
}

// badFile returns an error wrapping ErrFormat for the file at path.
func badFile(path, format string, args ...any) error {
	return fmt.Errorf("%w: %s: %s", ErrFormat, path, fmt.Sprintf(format, args...))
}

// readVelocity reads the optimiser's velocity of a checkpoint.
func (ck *Checkpoint) readVelocity(a *fileio.NPZ, path string, meta *fileMeta) error {
	var vw mat.Dense
	if err := readArray(a, path, "vel_W", &vw, meta.Nv, meta.Nh); err != nil {
		return err
	}
	ck.Velocity.W = &vw
	if err := readArray(a, path, "vel_vbias", &ck.Velocity.VBias, meta.Nv); err != nil {
		return err
	}
	return readArray(a, path, "vel_hbias", &ck.Velocity.HBias, meta.Nh)
}

// readRNG reads the random state of a checkpoint.
func (ck *Checkpoint) readRNG(a *fileio.NPZ, path string, _ *fileMeta) error {
	h, err := a.Header("rng")
	if err != nil {
		return formatErr(err)
	}
	return readArray(a, path, "rng", &ck.RNG, h.Shape...)
}

// readChains reads the persistent chains of a checkpoint, if it has them.
func (ck *Checkpoint) readChains(a *fileio.NPZ, path string, meta *fileMeta) error {
	if meta.Chains <= 0 {
		if a.Has("chains") {
			return badFile(path, "unexpected chains")
		}
		return nil
	}
	var c mat.Dense
	if err := readArray(a, path, "chains", &c, meta.Chains, meta.Nv); err != nil {
		return err
	}
	ck.Chains = &c
	return nil
}

// readEarly reads the early-stopping state of a checkpoint, with the best
// model if there is one.
func (ck *Checkpoint) readEarly(a *fileio.NPZ, path string, meta *fileMeta) error {
	if e := meta.Early; e != nil {
		ck.BestEpoch, ck.BestScore, ck.Since, ck.Stopped = e.BestEpoch, e.BestScore, e.Since, e.Stopped
		if e.BestEpoch > 0 {
			var w mat.Dense
			b := &Model{W: &w, NoVBias: meta.NoVBias, NoHBias: meta.NoHBias, Hyper: e.BestHyper}
			if err := readArray(a, path, "best_W", &w, meta.Nv, meta.Nh); err != nil {
				return err
			}
			if err := readArray(a, path, "best_vbias", &b.VBias, meta.Nv); err != nil {
				return err
			}
			if err := readArray(a, path, "best_hbias", &b.HBias, meta.Nh); err != nil {
				return err
			}
			ck.Best = b
		}
	}
	if ck.Best == nil && (a.Has("best_W") || a.Has("best_vbias") || a.Has("best_hbias")) {
		return badFile(path, "unexpected best model")
	}
	return nil
}
