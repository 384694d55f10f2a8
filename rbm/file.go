package rbm

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/mat"

	"github.com/rgflow/rgflow/internal/fileio"
)

const (
	// FormatVersion is the version of the model and checkpoint files.
	FormatVersion = 1
	modelFormat   = "rgflow.rbm.model"
	ckptFormat    = "rgflow.rbm.checkpoint"
)

// ErrFormat is returned (wrapped) by Load and LoadCheckpoint for files that
// are not consistent model or checkpoint files.
var ErrFormat = errors.New("rbm: invalid file")

type fileMeta struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
	Nv      int    `json:"nv"`
	Nh      int    `json:"nh"`
	NoVBias bool   `json:"no_vbias"`
	NoHBias bool   `json:"no_hbias"`
	Hyper   Hyper  `json:"hyper"`
	// checkpoint only
	Epoch  int        `json:"epoch,omitempty"`
	Chains int        `json:"chains,omitempty"`
	Early  *earlyMeta `json:"early_stopping,omitempty"`
}

// earlyMeta is a checkpoint's early-stopping state; the best model's
// arrays are best_W, best_vbias and best_hbias (if BestEpoch > 0).
type earlyMeta struct {
	BestEpoch int     `json:"best_epoch"`
	BestScore float64 `json:"best_score"`
	BestHyper Hyper   `json:"best_hyper"`
	Since     int     `json:"since"`
	Stopped   bool    `json:"stopped"`
}

func modelEntries(m *Model) []fileio.Entry {
	return []fileio.Entry{{Name: "W", Value: m.W}, {Name: "vbias", Value: m.VBias}, {Name: "hbias", Value: m.HBias}}
}

// Save writes m atomically to path as an .npz archive with the
// arrays W (Nv×Nh), vbias and hbias and a JSON metadata record "meta"
// (format, version, sizes, bias switches, hyper-parameters); numpy.load
// opens it. It writes nothing and returns an error wrapping ErrFormat for a
// model Load would reject: a NaN or Inf parameter, or a switched-off bias
// that is not zero. It panics with mat.ErrShape if the biases do not match W.
func (m *Model) Save(path string) error {
	nv, nh := m.check()
	if err := validModel(m); err != nil {
		return fmt.Errorf("%w: %s: not saved: %v", ErrFormat, path, err)
	}
	meta := fileMeta{Format: modelFormat, Version: FormatVersion, Nv: nv, Nh: nh, NoVBias: m.NoVBias, NoHBias: m.NoHBias, Hyper: m.Hyper}
	return fileio.WriteNPZ(path, meta, modelEntries(m)...)
}

// validModel reports what Load would reject in m's parameters.
func validModel(m *Model) error {
	if !allFiniteDense(m.W) {
		return errors.New("W is not finite")
	}
	for _, e := range []struct {
		name string
		x    []float64
		off  bool
	}{{"vbias", m.VBias, m.NoVBias}, {"hbias", m.HBias, m.NoHBias}} {
		if !allFinite(e.x) {
			return fmt.Errorf("%s is not finite", e.name)
		}
		if e.off {
			for _, x := range e.x {
				if x != 0 {
					return fmt.Errorf("%s is switched off but not zero", e.name)
				}
			}
		}
	}
	return nil
}

// allFiniteDense reports whether every element of d is finite (d may be a
// strided view).
func allFiniteDense(d *mat.Dense) bool {
	r, _ := d.Dims()
	for i := range r {
		if !allFinite(d.RawRowView(i)) {
			return false
		}
	}
	return true
}

// Load reads a model written by Save. Truncated or corrupt archives, a wrong
// format or version, arrays whose shapes disagree with the metadata, NaN or
// Inf parameters, and non-zero switched-off biases are rejected with an
// error wrapping ErrFormat (errors of the file system are returned as they
// are). Each array's .npy header is checked against the metadata's sizes,
// and its declared size against the bytes the archive holds, before
// anything is allocated for it; arrays in Fortran order (as
// numpy.save(p, x.T) writes them) are transposed.
func Load(path string) (*Model, error) {
	a, meta, err := readMeta(path, modelFormat)
	if err != nil {
		return nil, err
	}
	return readModel(a, path, meta)
}

func readMeta(path, format string) (*fileio.NPZ, *fileMeta, error) {
	a, err := fileio.ReadNPZ(path)
	if err != nil {
		return nil, nil, formatErr(err)
	}
	var meta fileMeta
	if err := a.Meta(&meta); err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrFormat, err)
	}
	if meta.Format != format {
		return nil, nil, fmt.Errorf("%w: %s: format %q, want %q", ErrFormat, path, meta.Format, format)
	}
	if meta.Version != FormatVersion {
		return nil, nil, fmt.Errorf("%w: %s: version %d, want %d", ErrFormat, path, meta.Version, FormatVersion)
	}
	if meta.Nv <= 0 || meta.Nh <= 0 || meta.Nv > maxUnits || meta.Nh > maxUnits || meta.Chains < 0 || meta.Chains > maxUnits {
		return nil, nil, fmt.Errorf("%w: %s: sizes %d×%d, %d chains", ErrFormat, path, meta.Nv, meta.Nh, meta.Chains)
	}
	return a, &meta, nil
}

// maxUnits bounds the sizes in a file's metadata (the arrays themselves are
// checked against the bytes present).
const maxUnits = 1 << 30

// formatErr wraps the errors of fileio for malformed files with ErrFormat.
func formatErr(err error) error {
	if errors.Is(err, fileio.ErrCorrupt) || errors.Is(err, fileio.ErrMissing) {
		return fmt.Errorf("%w: %w", ErrFormat, err)
	}
	return err
}

// readArray decodes the named array into ptr after checking, from its
// header alone, that its shape is want.
func readArray(a *fileio.NPZ, path, name string, ptr any, want ...int) error {
	h, err := a.Header(name)
	if err != nil {
		return formatErr(err)
	}
	if !slices.Equal(h.Shape, want) {
		return fmt.Errorf("%w: %s: %s has shape %v, want %v", ErrFormat, path, name, h.Shape, want)
	}
	shape, err := a.Read(name, ptr)
	if err != nil {
		return formatErr(err)
	}
	if !slices.Equal(shape, want) {
		return fmt.Errorf("%w: %s: %s has shape %v, want %v", ErrFormat, path, name, shape, want)
	}
	return nil
}

func readModel(a *fileio.NPZ, path string, meta *fileMeta) (*Model, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s: %s", ErrFormat, path, fmt.Sprintf(format, args...))
	}
	var w mat.Dense
	if err := readArray(a, path, "W", &w, meta.Nv, meta.Nh); err != nil {
		return nil, err
	}
	m := &Model{W: &w, NoVBias: meta.NoVBias, NoHBias: meta.NoHBias, Hyper: meta.Hyper}
	if err := readArray(a, path, "vbias", &m.VBias, meta.Nv); err != nil {
		return nil, err
	}
	if err := readArray(a, path, "hbias", &m.HBias, meta.Nh); err != nil {
		return nil, err
	}
	if err := validModel(m); err != nil {
		return nil, bad("%v", err)
	}
	return m, nil
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
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s: %s", ErrFormat, path, fmt.Sprintf(format, args...))
	}
	if meta.Epoch < 0 {
		return nil, bad("negative epoch %d", meta.Epoch)
	}
	ck := &Checkpoint{Model: m, Epoch: meta.Epoch}
	var vw mat.Dense
	if err := readArray(a, path, "vel_W", &vw, meta.Nv, meta.Nh); err != nil {
		return nil, err
	}
	ck.Velocity.W = &vw
	if err := readArray(a, path, "vel_vbias", &ck.Velocity.VBias, meta.Nv); err != nil {
		return nil, err
	}
	if err := readArray(a, path, "vel_hbias", &ck.Velocity.HBias, meta.Nh); err != nil {
		return nil, err
	}
	h, err := a.Header("rng")
	if err != nil {
		return nil, formatErr(err)
	}
	if err := readArray(a, path, "rng", &ck.RNG, h.Shape...); err != nil {
		return nil, err
	}
	if meta.Chains > 0 {
		var c mat.Dense
		if err := readArray(a, path, "chains", &c, meta.Chains, meta.Nv); err != nil {
			return nil, err
		}
		ck.Chains = &c
	} else if a.Has("chains") {
		return nil, bad("unexpected chains")
	}
	if e := meta.Early; e != nil {
		ck.BestEpoch, ck.BestScore, ck.Since, ck.Stopped = e.BestEpoch, e.BestScore, e.Since, e.Stopped
		if e.BestEpoch > 0 {
			var w mat.Dense
			b := &Model{W: &w, NoVBias: meta.NoVBias, NoHBias: meta.NoHBias, Hyper: e.BestHyper}
			if err := readArray(a, path, "best_W", &w, meta.Nv, meta.Nh); err != nil {
				return nil, err
			}
			if err := readArray(a, path, "best_vbias", &b.VBias, meta.Nv); err != nil {
				return nil, err
			}
			if err := readArray(a, path, "best_hbias", &b.HBias, meta.Nh); err != nil {
				return nil, err
			}
			ck.Best = b
		}
	}
	if ck.Best == nil && (a.Has("best_W") || a.Has("best_vbias") || a.Has("best_hbias")) {
		return nil, bad("unexpected best model")
	}
	if err := ck.valid(); err != nil {
		return nil, bad("%v", err)
	}
	return ck, nil
}
