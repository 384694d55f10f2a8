package thermo

import (
	"errors"
	"flag"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/rgflow/rgflow/internal/fileio/fiotest"
)

var updateTestdata = flag.Bool("update-testdata", false, "rewrite the files in testdata/ (fuzz seeds)")

const networkSeed = "testdata/network.npz"

// seedNetwork is the network of testdata/network.npz: 16 inputs, one tanh
// hidden layer of 5, three temperatures.
func seedNetwork() *Network {
	return NewNetwork(16, []float64{1, 2.25, 4}, Architecture{Hidden: []int{5}, Activation: Tanh}, rand.NewPCG(4, 4))
}

// TestTestdata: the fuzz seed in testdata/ (written with -update-testdata)
// loads, and is what the current code writes.
func TestTestdata(t *testing.T) {
	n := seedNetwork()
	if *updateTestdata {
		os.MkdirAll("testdata", 0o755)
		if err := n.Save(networkSeed); err != nil {
			t.Fatal(err)
		}
	}
	got, err := Load(networkSeed)
	if err != nil || !slices.Equal(got.params, n.params) || !slices.Equal(got.sizes, n.sizes) {
		t.Errorf("%s: %v", networkSeed, err)
	}
}

// u1 returns a .npy uint8 array holding s (a metadata record).
func u1(s string) []byte {
	return fiotest.NPY("'|u1'", "False", "("+strconv.Itoa(len(s))+",)", []byte(s))
}

// TestLoadHostile (issue 10, defects 1, 2, 6): metadata asking for a huge
// network and hand-made arrays inside an otherwise valid file are
// ErrFormat without a large allocation or a panic; W0 in Fortran order is
// transposed.
//
// Not parallel: it measures allocations.
func TestLoadHostile(t *testing.T) {
	dir := t.TempDir()
	n, err := Load(networkSeed)
	if err != nil {
		t.Fatal(err)
	}
	meta := func(sizes string) []byte {
		return u1(`{"format":"rgflow.thermo.Network","version":1,"sizes":` + sizes + `,"activation":"tanh"}`)
	}
	for _, tc := range []struct {
		name, entry string
		data        []byte
	}{
		{"sizes [65536, 65536, 2]", "meta", meta("[65536,65536,2]")},
		{"sizes [16777216, 16777216, 16777216, 3]", "meta", meta("[16777216,16777216,16777216,3]")},
		{"sizes [16, 5]", "meta", meta("[16,5]")},
		{"sizes [16, 5, 3, 3]", "meta", meta("[16,5,3,3]")},
		{"sizes [-16, 5, 3]", "meta", meta("[-16,5,3]")},
		{"W0 declares 1e5×1e5", "W0", fiotest.NPY("'<f8'", "False", "(100000, 100000)", fiotest.F8(make([]float64, 80)...))},
		{"W0 of shape (0, 5)", "W0", fiotest.NPY("'<f8'", "False", "(0, 5)", nil)},
		{"W0 transposed", "W0", fiotest.NPY("'<f8'", "False", "(5, 16)", fiotest.F8(make([]float64, 80)...))},
		{"W0 unknown kind", "W0", fiotest.NPY("'<z3'", "False", "(16, 5)", fiotest.F8(make([]float64, 80)...))},
		{"b0 header cut", "b0", []byte("\x93NUMPY\x01\x00\x30\x00{'descr': '<f8', 'fortran_order': Fal")},
		{"b0 negative", "b0", fiotest.NPY("'<f8'", "False", "(-5,)", fiotest.F8(make([]float64, 5)...))},
		{"grid shape token", "grid", fiotest.NPY("'<f8'", "False", "(3, ?)", fiotest.F8(1, 2, 3))},
		{"grid descending", "grid", fiotest.NPY("'<f8'", "False", "(3,)", fiotest.F8(3, 2, 1))},
	} {
		p, size := fiotest.WriteReplaced(t, dir, networkSeed, tc.entry, tc.data)
		var err error
		alloc := fiotest.Allocated(func() { _, err = Load(p) })
		if !errors.Is(err, ErrFormat) {
			t.Errorf("%s: %v, want ErrFormat", tc.name, err)
		}
		if alloc > fiotest.AllocLimit(size) {
			t.Errorf("%s: allocated %d bytes for %d of input", tc.name, alloc, size)
		}
	}
	// numpy.save(p, W0.T.copy().T): the same weights in column-major order.
	w, _ := n.Weights(0)
	col := make([]float64, 0, 80)
	for j := range 5 {
		for i := range 16 {
			col = append(col, w.At(i, j))
		}
	}
	p, _ := fiotest.WriteReplaced(t, dir, networkSeed, "W0", fiotest.NPY("'<f8'", "True", "(16, 5)", fiotest.F8(col...)))
	got, err := Load(p)
	if err != nil {
		t.Fatalf("W0 in Fortran order: %v", err)
	}
	if gw, _ := got.Weights(0); !mat.Equal(gw, w) {
		t.Error("W0 in Fortran order is not transposed")
	}
}

// FuzzLoad fuzzes each array of testdata/network.npz, the metadata record
// included, with the zip CRC-32 rewritten (issue 10, defects 1, 2): Load
// must not panic or allocate far beyond its input, and must return
// ErrFormat or a network that saves again.
func FuzzLoad(f *testing.F) {
	fiotest.FuzzArchive(f, networkSeed, ErrFormat, func(p string) (func(string) error, error) {
		n, err := Load(p)
		if err != nil {
			return nil, err
		}
		return n.Save, nil
	}, fiotest.Input{Entry: "meta", Data: u1(`{"format":"rgflow.thermo.Network","version":1,"sizes":[65536,65536,2],"activation":"tanh"}`)})
}
