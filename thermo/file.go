package thermo

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/rgflow/rgflow/internal/fileio"
)

// Format and FormatVersion identify a Network file's metadata record.
const (
	Format        = "rgflow.thermo.Network"
	FormatVersion = 1
)

// ErrFormat is returned (wrapped) by Load for a file that is not a valid
// Network archive of a supported version.
var ErrFormat = errors.New("thermo: invalid network file")

type networkMeta struct {
	Format     string `json:"format"`
	Version    int    `json:"version"`
	Sizes      []int  `json:"sizes"`
	Activation string `json:"activation"`
	Symmetric  bool   `json:"symmetric,omitempty"`
}

// Save writes the network to path as a NumPy .npz archive with
// deflate-compressed entries (as numpy.savez_compressed writes it),
// atomically: "grid" (the temperatures), "W0", "b0", "W1", … (layer l's
// weights, (fan-in)×(fan-out), and biases) and "meta", a JSON record with
// the format name, version, layer sizes and activation. It writes nothing
// and returns an error wrapping ErrFormat if a parameter is NaN or Inf,
// which Load would reject. Atomically means: the archive is written to a
// hidden temporary file .NAME.tmp-* beside path, synced, and renamed over
// path; a failed write removes it, but a process killed mid-write leaves
// it (and path as it was) for the caller to delete.
func (n *Network) Save(path string) error {
	for _, p := range n.params {
		if math.IsNaN(p) || math.IsInf(p, 0) {
			return fmt.Errorf("%w: %s: not saved: non-finite parameter", ErrFormat, path)
		}
	}
	meta := networkMeta{Format: Format, Version: FormatVersion, Sizes: n.sizes, Activation: n.act.String(), Symmetric: n.sym}
	return fileio.WriteNPZ(path, meta, n.entries()...)
}

// maxLayers bounds the number of layer sizes in a file's metadata.
const maxLayers = 1 << 10

// Load reads a network written by Save. Corrupt or truncated files, unknown
// versions, inconsistent shapes and non-finite values are rejected with an
// error wrapping ErrFormat (errors of the file system are returned as they
// are). Every array is checked against the metadata's layer sizes from its
// .npy header, and decoded only if the archive holds the bytes it declares,
// before the network is built; arrays in Fortran order (as
// numpy.save(p, w.T) writes them) are transposed.
func Load(path string) (*Network, error) {
	a, err := fileio.ReadNPZ(path)
	if err != nil {
		return nil, formatErr(err)
	}
	var meta networkMeta
	if err := a.Meta(&meta); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFormat, err)
	}
	if meta.Format != Format {
		return nil, fmt.Errorf("%w: format %q, want %q", ErrFormat, meta.Format, Format)
	}
	n, _, err := readNetwork(a, &meta, nil)
	if err != nil {
		return nil, err
	}
	n.sym = meta.Symmetric
	return n, nil
}

// readNetwork checks meta's version, activation and sizes, then the
// headers of the network's arrays and of the extra ones (name → shape;
// every other array but the metadata is an error) before decoding
// anything, decodes them all (finite values only) and builds the network.
// It returns the network and the extra arrays. The arrays named in other
// may be present too; the caller reads them.
func readNetwork(a *fileio.NPZ, meta *networkMeta, extra map[string][]int, other ...string) (*Network, map[string][]float64, error) {
	act, err := meta.check()
	if err != nil {
		return nil, nil, err
	}
	// Check every header against the sizes before decoding anything, so
	// that sizes the arrays do not bear out allocate nothing.
	names, extras, want := meta.shapes(extra)
	if err := checkHeaders(a, names, want, other); err != nil {
		return nil, nil, err
	}
	arrays, err := decodeArrays(a, names, want)
	if err != nil {
		return nil, nil, err
	}
	grid := arrays["grid"]
	if !validGrid(grid) {
		return nil, nil, fmt.Errorf("%w: bad temperature grid", ErrFormat)
	}
	n := newNetwork(slices.Clone(meta.Sizes), grid, act)
	for l := range n.w {
		copy(n.w[l], arrays["W"+strconv.Itoa(l)])
		copy(n.b[l], arrays["b"+strconv.Itoa(l)])
	}
	out := make(map[string][]float64, len(extras))
	for _, name := range extras {
		out[name] = arrays[name]
	}
	return n, out, nil
}

// check checks meta's version, activation and layer sizes and returns the
// activation.
func (meta *networkMeta) check() (Activation, error) {
	if meta.Version != FormatVersion {
		return 0, fmt.Errorf("%w: version %d, this package reads %d", ErrFormat, meta.Version, FormatVersion)
	}
	var act Activation
	switch meta.Activation {
	case "tanh":
		act = Tanh
	case "relu":
		act = ReLU
	default:
		return 0, fmt.Errorf("%w: activation %q", ErrFormat, meta.Activation)
	}
	if len(meta.Sizes) < 2 || len(meta.Sizes) > maxLayers {
		return 0, fmt.Errorf("%w: %d layer sizes", ErrFormat, len(meta.Sizes))
	}
	for _, s := range meta.Sizes {
		if s < 1 || s > 1<<24 {
			return 0, fmt.Errorf("%w: layer size %d", ErrFormat, s)
		}
	}
	return act, nil
}

// shapes returns the names of the arrays of a network with meta's sizes
// and of the extra ones (in the order of reading: the grid, the layers,
// the extras sorted), the extras' names, and every array's shape.
func (meta *networkMeta) shapes(extra map[string][]int) (names, extras []string, want map[string][]int) {
	K := meta.Sizes[len(meta.Sizes)-1]
	names = []string{"grid"}
	want = map[string][]int{"grid": {K}}
	for l := 0; l+1 < len(meta.Sizes); l++ {
		w, b := "W"+strconv.Itoa(l), "b"+strconv.Itoa(l)
		names = append(names, w, b)
		want[w] = []int{meta.Sizes[l], meta.Sizes[l+1]}
		want[b] = []int{meta.Sizes[l+1]}
	}
	for name, shape := range extra {
		want[name] = shape
		extras = append(extras, name)
	}
	slices.Sort(extras)
	return append(names, extras...), extras, want
}

// checkHeaders returns an error wrapping ErrFormat for an array of a that
// is neither the metadata, nor one of want, nor one of other, and for an
// array of names that is missing or whose header's shape is not want's.
func checkHeaders(a *fileio.NPZ, names []string, want map[string][]int, other []string) error {
	for _, name := range a.Names() {
		if name != fileio.MetaKey && want[name] == nil && !slices.Contains(other, name) {
			return fmt.Errorf("%w: unexpected array %q (more layers than the metadata lists?)", ErrFormat, name)
		}
	}
	for _, name := range names {
		shape := want[name]
		h, err := a.Header(name)
		if err != nil {
			return formatErr(err)
		}
		if !slices.Equal(h.Shape, shape) {
			return fmt.Errorf("%w: %s has shape %v, want %v", ErrFormat, name, h.Shape, shape)
		}
	}
	return nil
}

// decodeArrays decodes the float64 arrays names of a, of the shapes want,
// and returns an error wrapping ErrFormat for a NaN or infinite value.
func decodeArrays(a *fileio.NPZ, names []string, want map[string][]int) (map[string][]float64, error) {
	arrays := make(map[string][]float64, len(want))
	for _, name := range names {
		shape := want[name]
		var x []float64
		got, err := a.Read(name, &x)
		if err != nil {
			return nil, formatErr(err)
		}
		if !slices.Equal(got, shape) {
			return nil, fmt.Errorf("%w: %s has shape %v, want %v", ErrFormat, name, got, shape)
		}
		if !allFinite(x) {
			if name == "grid" {
				return nil, fmt.Errorf("%w: bad temperature grid", ErrFormat)
			}
			return nil, fmt.Errorf("%w: non-finite value in %s", ErrFormat, name)
		}
		arrays[name] = x
	}
	return arrays, nil
}

// entries returns the network's arrays for an archive.
func (n *Network) entries() []fileio.Entry {
	entries := []fileio.Entry{{Name: "grid", Value: n.grid}}
	for l := range n.w {
		w, b := n.Weights(l)
		entries = append(entries,
			fileio.Entry{Name: "W" + strconv.Itoa(l), Value: w},
			fileio.Entry{Name: "b" + strconv.Itoa(l), Value: b})
	}
	return entries
}

// formatErr wraps the errors of fileio for malformed files with ErrFormat.
func formatErr(err error) error {
	if errors.Is(err, fileio.ErrCorrupt) || errors.Is(err, fileio.ErrMissing) {
		return fmt.Errorf("%w: %w", ErrFormat, err)
	}
	return err
}

func validGrid(grid []float64) bool { return gridError(grid) == nil }
