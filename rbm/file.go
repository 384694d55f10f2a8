package rbm

import (
	"errors"
	"fmt"
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

func modelEntries(m *Model) []fileio.Entry {
	return []fileio.Entry{{Name: "W", Value: m.W}, {Name: "vbias", Value: m.VBias}, {Name: "hbias", Value: m.HBias}}
}

// Save writes m atomically to path as an .npz archive with the
// arrays W (Nv×Nh), vbias and hbias and a JSON metadata record "meta"
// (format, version, sizes, bias switches, hyper-parameters); numpy.load
// opens it. It writes nothing and returns an error wrapping ErrFormat for a
// model Load would reject: a NaN or Inf parameter, or a switched-off bias
// that is not zero. It panics with mat.ErrShape if the biases do not match W.
// Atomically means: the archive is written to a hidden temporary file
// .NAME.tmp-* beside path, synced, and renamed over path; a failed write
// removes it, but a process killed mid-write leaves it (and path as it
// was) for the caller to delete.
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
