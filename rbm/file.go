package rbm

import (
	"errors"
	"fmt"
	"math/rand/v2"

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
	Epoch  int `json:"epoch,omitempty"`
	Chains int `json:"chains,omitempty"`
}

func modelEntries(m *Model) []fileio.Entry {
	return []fileio.Entry{{Name: "W", Value: m.W}, {Name: "vbias", Value: m.VBias}, {Name: "hbias", Value: m.HBias}}
}

// Save writes m atomically to path as an .npz archive with the
// arrays W (Nv×Nh), vbias and hbias and a JSON metadata record "meta"
// (format, version, sizes, bias switches, hyper-parameters); numpy.load
// opens it.
func (m *Model) Save(path string) error {
	nv, nh := m.check()
	meta := fileMeta{Format: modelFormat, Version: FormatVersion, Nv: nv, Nh: nh, NoVBias: m.NoVBias, NoHBias: m.NoHBias, Hyper: m.Hyper}
	return fileio.WriteNPZ(path, meta, modelEntries(m)...)
}

// Load reads a model written by Save. Truncated or corrupt archives, a wrong
// format or version, arrays whose shapes disagree with the metadata, NaN or
// Inf parameters, and non-zero switched-off biases are rejected with an
// error (wrapping ErrFormat for inconsistent contents).
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
		return nil, nil, err
	}
	var meta fileMeta
	if err := a.Meta(&meta); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	if meta.Format != format {
		return nil, nil, fmt.Errorf("%w: %s: format %q, want %q", ErrFormat, path, meta.Format, format)
	}
	if meta.Version != FormatVersion {
		return nil, nil, fmt.Errorf("%w: %s: version %d, want %d", ErrFormat, path, meta.Version, FormatVersion)
	}
	if meta.Nv <= 0 || meta.Nh <= 0 {
		return nil, nil, fmt.Errorf("%w: %s: sizes %d×%d", ErrFormat, path, meta.Nv, meta.Nh)
	}
	return a, &meta, nil
}

func readModel(a *fileio.NPZ, path string, meta *fileMeta) (*Model, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s: %s", ErrFormat, path, fmt.Sprintf(format, args...))
	}
	var w mat.Dense
	shape, err := a.Read("W", &w)
	if err != nil {
		return nil, err
	}
	if len(shape) != 2 || shape[0] != meta.Nv || shape[1] != meta.Nh {
		return nil, bad("W has shape %v, metadata says %d×%d", shape, meta.Nv, meta.Nh)
	}
	m := &Model{W: &w, NoVBias: meta.NoVBias, NoHBias: meta.NoHBias, Hyper: meta.Hyper}
	for _, e := range []struct {
		name string
		dst  *[]float64
		n    int
		off  bool
	}{{"vbias", &m.VBias, meta.Nv, meta.NoVBias}, {"hbias", &m.HBias, meta.Nh, meta.NoHBias}} {
		shape, err := a.Read(e.name, e.dst)
		if err != nil {
			return nil, err
		}
		if len(shape) != 1 || shape[0] != e.n || len(*e.dst) != e.n {
			return nil, bad("%s has shape %v, want [%d]", e.name, shape, e.n)
		}
		if !allFinite(*e.dst) {
			return nil, bad("%s is not finite", e.name)
		}
		if e.off {
			for _, x := range *e.dst {
				if x != 0 {
					return nil, bad("%s is switched off but not zero", e.name)
				}
			}
		}
	}
	if !allFinite(w.RawMatrix().Data) {
		return nil, bad("W is not finite")
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
}

func newCheckpoint(m *Model, t *trainer, pcg *rand.PCG, s Sampler, epoch int) *Checkpoint {
	rng, err := pcg.MarshalBinary()
	if err != nil {
		panic(err) // PCG.MarshalBinary never fails
	}
	ck := &Checkpoint{Model: m.Clone(), Epoch: epoch, RNG: rng, Velocity: Gradient{
		W: mat.DenseCopyOf(t.vel.W), VBias: append([]float64(nil), t.vel.VBias...), HBias: append([]float64(nil), t.vel.HBias...)}}
	if p, ok := s.(Persistent); ok {
		ck.Chains = mat.DenseCopyOf(p.Chains())
	}
	return ck
}

// restore copies the checkpoint into m, the trainer's optimiser state and
// the random stream.
func (ck *Checkpoint) restore(m *Model, t *trainer, pcg *rand.PCG) error {
	nv, nh := m.Dims()
	cv, ch := ck.Model.Dims()
	if cv != nv || ch != nh {
		return fmt.Errorf("%w: checkpoint model is %d×%d, training model %d×%d", ErrFormat, cv, ch, nv, nh)
	}
	if err := pcg.UnmarshalBinary(ck.RNG); err != nil {
		return fmt.Errorf("%w: random state: %v", ErrFormat, err)
	}
	m.W.Copy(ck.Model.W)
	copy(m.VBias, ck.Model.VBias)
	copy(m.HBias, ck.Model.HBias)
	m.NoVBias, m.NoHBias, m.Hyper = ck.Model.NoVBias, ck.Model.NoHBias, ck.Model.Hyper
	t.vel.W.Copy(ck.Velocity.W)
	copy(t.vel.VBias, ck.Velocity.VBias)
	copy(t.vel.HBias, ck.Velocity.HBias)
	return nil
}

// Save writes the checkpoint atomically to path as an .npz archive (the
// model's arrays, velocities vel_W, vel_vbias, vel_hbias, chains if any, the
// random state rng as uint8, and the metadata).
func (ck *Checkpoint) Save(path string) error {
	m := ck.Model
	nv, nh := m.check()
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
	return fileio.WriteNPZ(path, meta, entries...)
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
	shape, err := a.Read("vel_W", &vw)
	if err != nil {
		return nil, err
	}
	if len(shape) != 2 || shape[0] != meta.Nv || shape[1] != meta.Nh {
		return nil, bad("vel_W has shape %v", shape)
	}
	ck.Velocity.W = &vw
	vbShape, err := a.Read("vel_vbias", &ck.Velocity.VBias)
	if err != nil {
		return nil, err
	}
	hbShape, err := a.Read("vel_hbias", &ck.Velocity.HBias)
	if err != nil {
		return nil, err
	}
	if len(vbShape) != 1 || len(hbShape) != 1 || len(ck.Velocity.VBias) != meta.Nv || len(ck.Velocity.HBias) != meta.Nh {
		return nil, bad("velocity biases have shapes %v and %v", vbShape, hbShape)
	}
	if !allFinite(vw.RawMatrix().Data) || !allFinite(ck.Velocity.VBias) || !allFinite(ck.Velocity.HBias) {
		return nil, bad("the optimiser's velocity holds NaN or Inf")
	}
	if _, err := a.Read("rng", &ck.RNG); err != nil {
		return nil, err
	}
	if err := new(rand.PCG).UnmarshalBinary(ck.RNG); err != nil {
		return nil, bad("random state: %v", err)
	}
	if meta.Chains > 0 {
		var c mat.Dense
		shape, err := a.Read("chains", &c)
		if err != nil {
			return nil, err
		}
		if len(shape) != 2 || shape[0] != meta.Chains || shape[1] != meta.Nv {
			return nil, bad("chains have shape %v", shape)
		}
		if err := checkBinary(&c, "persistent chains"); err != nil {
			return nil, bad("%v", err)
		}
		ck.Chains = &c
	} else if a.Has("chains") {
		return nil, bad("unexpected chains")
	}
	return ck, nil
}
