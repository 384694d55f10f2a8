package thermo

import (
	"errors"
	"fmt"
	"math"
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
}

// Save writes the network to path as a NumPy .npz archive with
// deflate-compressed entries (as numpy.savez_compressed writes it),
// atomically: "grid" (the temperatures), "W0", "b0", "W1", … (layer l's
// weights, (fan-in)×(fan-out), and biases) and "meta", a JSON record with
// the format name, version, layer sizes and activation.
func (n *Network) Save(path string) error {
	meta := networkMeta{Format: Format, Version: FormatVersion, Sizes: n.sizes, Activation: n.act.String()}
	entries := []fileio.Entry{{Name: "grid", Value: n.grid}}
	for l := range n.w {
		w, b := n.Weights(l)
		entries = append(entries,
			fileio.Entry{Name: "W" + strconv.Itoa(l), Value: w},
			fileio.Entry{Name: "b" + strconv.Itoa(l), Value: b})
	}
	return fileio.WriteNPZ(path, meta, entries...)
}

// Load reads a network written by Save. Corrupt or truncated files, unknown
// versions, inconsistent shapes and non-finite values are rejected with an
// error (wrapping ErrFormat for content errors).
func Load(path string) (*Network, error) {
	a, err := fileio.ReadNPZ(path)
	if err != nil {
		return nil, err
	}
	var meta networkMeta
	if err := a.Meta(&meta); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	if meta.Format != Format {
		return nil, fmt.Errorf("%w: format %q, want %q", ErrFormat, meta.Format, Format)
	}
	if meta.Version != FormatVersion {
		return nil, fmt.Errorf("%w: version %d, this package reads %d", ErrFormat, meta.Version, FormatVersion)
	}
	var act Activation
	switch meta.Activation {
	case "tanh":
		act = Tanh
	case "relu":
		act = ReLU
	default:
		return nil, fmt.Errorf("%w: activation %q", ErrFormat, meta.Activation)
	}
	if len(meta.Sizes) < 2 {
		return nil, fmt.Errorf("%w: %d layer sizes", ErrFormat, len(meta.Sizes))
	}
	for _, s := range meta.Sizes {
		if s < 1 || s > 1<<24 {
			return nil, fmt.Errorf("%w: layer size %d", ErrFormat, s)
		}
	}
	var grid []float64
	if _, err := a.Read("grid", &grid); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	K := meta.Sizes[len(meta.Sizes)-1]
	if len(grid) != K || !validGrid(grid) {
		return nil, fmt.Errorf("%w: bad temperature grid", ErrFormat)
	}
	n := newNetwork(meta.Sizes, grid, act)
	for l := range n.w {
		var w, b []float64
		shape, err := a.Read("W"+strconv.Itoa(l), &w)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrFormat, err)
		}
		if len(shape) != 2 || shape[0] != n.sizes[l] || shape[1] != n.sizes[l+1] || len(w) != len(n.w[l]) {
			return nil, fmt.Errorf("%w: W%d has shape %v, want [%d %d]", ErrFormat, l, shape, n.sizes[l], n.sizes[l+1])
		}
		if _, err := a.Read("b"+strconv.Itoa(l), &b); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrFormat, err)
		}
		if len(b) != len(n.b[l]) {
			return nil, fmt.Errorf("%w: b%d has %d values, want %d", ErrFormat, l, len(b), len(n.b[l]))
		}
		copy(n.w[l], w)
		copy(n.b[l], b)
	}
	if a.Has("W" + strconv.Itoa(len(n.w))) {
		return nil, fmt.Errorf("%w: more layers than the metadata lists", ErrFormat)
	}
	for _, p := range n.params {
		if math.IsNaN(p) || math.IsInf(p, 0) {
			return nil, fmt.Errorf("%w: non-finite parameter", ErrFormat)
		}
	}
	return n, nil
}

func validGrid(grid []float64) bool { return gridError(grid) == nil }
