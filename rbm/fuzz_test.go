package rbm

import (
	"encoding/binary"
	"errors"
	"flag"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/rgflow/rgflow/internal/fileio/fiotest"
)

var updateTestdata = flag.Bool("update-testdata", false, "rewrite the files in testdata/ (fuzz seeds)")

const (
	modelSeed = "testdata/model.npz"
	ckptSeed  = "testdata/checkpoint.npz"
)

// seedCheckpoint is the small checkpoint of testdata/checkpoint.npz: a
// 16×4 model with biases, a velocity, 6 persistent chains, a random state
// and an early-stopping state with a best model.
func seedCheckpoint() *Checkpoint {
	m := randomModel(16, 4, 0.3, 5)
	m.Hyper = Hyper{InitSigma: 0.3, Trainer: "rbm.PCD{Chains:6}", Epochs: 3, BatchSize: 10, LearningRate: 0.05, Momentum: 0.5}
	v := randomModel(16, 4, 0.01, 6)
	r := rand.New(rand.NewPCG(7, 7))
	chains := mat.NewDense(6, 16, nil)
	for i := range 6 {
		for j := range 16 {
			chains.Set(i, j, float64(r.IntN(2)))
		}
	}
	rng, _ := rand.NewPCG(8, 8).MarshalBinary()
	best := randomModel(16, 4, 0.3, 9)
	best.Hyper = m.Hyper
	best.Hyper.Epochs = 2
	return &Checkpoint{Model: m, Epoch: 3, Velocity: Gradient{W: v.W, VBias: v.VBias, HBias: v.HBias}, Chains: chains, RNG: rng,
		Best: best, BestEpoch: 2, BestScore: 0.25, Since: 1}
}

// TestTestdata: the fuzz seeds in testdata/ (written by this package, with
// -update-testdata) load, and are what the current code writes.
func TestTestdata(t *testing.T) {
	ck := seedCheckpoint()
	m := randomModel(16, 4, 0.3, 4)
	m.Hyper = Hyper{InitSigma: 0.3, Trainer: "rbm.CD{K:1}", Epochs: 2, BatchSize: 10, LearningRate: 0.05}
	if *updateTestdata {
		os.MkdirAll("testdata", 0o755)
		if err := m.Save(modelSeed); err != nil {
			t.Fatal(err)
		}
		if err := ck.Save(ckptSeed); err != nil {
			t.Fatal(err)
		}
	}
	got, err := Load(modelSeed)
	if err != nil || !sameModel(got, m) || got.Hyper != m.Hyper {
		t.Errorf("%s: %v", modelSeed, err)
	}
	gck, err := LoadCheckpoint(ckptSeed)
	if err != nil || !sameModel(gck.Model, ck.Model) || !mat.Equal(gck.Chains, ck.Chains) || !mat.Equal(gck.Velocity.W, ck.Velocity.W) ||
		!slices.Equal(gck.RNG, ck.RNG) || gck.Epoch != 3 || gck.Best == nil || !sameModel(gck.Best, ck.Best) || gck.Best.Hyper != ck.Best.Hyper ||
		gck.BestEpoch != 2 || gck.BestScore != 0.25 || gck.Since != 1 || gck.Stopped {
		t.Errorf("%s: %v", ckptSeed, err)
	}
}

// npyF8 returns a .npy file of float64s with the given header fields.
func npyF8(order, shape string, x []float64) []byte {
	dict := "{'descr': '<f8', 'fortran_order': " + order + ", 'shape': " + shape + ", }"
	b := append([]byte("\x93NUMPY\x01\x00"), byte(len(dict)+1), 0)
	b = append(b, dict...)
	b = append(b, '\n')
	for _, v := range x {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	return b
}

// TestLoadHostile (issue 10, defects 1, 2, 6): hand-made arrays inside an
// otherwise valid model: memory bombs and malformed headers are ErrFormat
// without a large allocation or a panic; W in Fortran order is transposed.
//
// Not parallel: it measures allocations (parallel tests run only after the
// serial ones).
func TestLoadHostile(t *testing.T) {
	dir := t.TempDir()
	m, err := Load(modelSeed)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, entry string
		data        []byte
	}{
		{"W declares 1e5×1e5", "W", npyF8("False", "(100000, 100000)", make([]float64, 64))},
		{"W declares 16×1e9", "W", npyF8("False", "(16, 1000000000)", make([]float64, 64))},
		{"W of shape (0, 4)", "W", npyF8("False", "(0, 4)", nil)},
		{"W negative", "W", npyF8("False", "(-16, -4)", make([]float64, 64))},
		{"W three dimensions", "W", npyF8("False", "(16, 4, 1)", make([]float64, 64))},
		{"W fortran_order None", "W", npyF8("None", "(16, 4)", make([]float64, 64))},
		{"vbias unknown kind", "vbias", []byte("\x93NUMPY\x01\x00\x40\x00{'descr': '<x9', 'fortran_order': False, 'shape': (16,), }         \n")},
		{"hbias header slice bounds", "hbias", []byte("\x93NUMPY\x01\x00\x05\x00{'d'")},
		{"hbias unhandled token", "hbias", []byte("\x93NUMPY\x01\x00\x3a\x00{'descr': [1, 2], 'fortran_order': False, 'shape': (4,), }\n")},
		{"meta is not JSON", "meta", []byte("\x93NUMPY\x01\x00\x3a\x00{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }\n{{{")},
		{"meta of float64s", "meta", npyF8("False", "(2,)", []float64{1, 2})},
	} {
		p, n := fiotest.WriteReplaced(t, dir, modelSeed, tc.entry, tc.data)
		var err error
		alloc := fiotest.Allocated(func() { _, err = Load(p) })
		if !errors.Is(err, ErrFormat) {
			t.Errorf("%s: %v, want ErrFormat", tc.name, err)
		}
		if alloc > fiotest.AllocLimit(n) {
			t.Errorf("%s: allocated %d bytes for %d of input", tc.name, alloc, n)
		}
	}
	// numpy.save(p, W.T.copy().T): the same matrix in column-major order.
	nv, nh := m.Dims()
	col := make([]float64, 0, nv*nh)
	for j := range nh {
		for i := range nv {
			col = append(col, m.W.At(i, j))
		}
	}
	p, _ := fiotest.WriteReplaced(t, dir, modelSeed, "W", npyF8("True", "(16, 4)", col))
	if got, err := Load(p); err != nil || !mat.Equal(got.W, m.W) {
		t.Errorf("W in Fortran order: %v", err)
	}
}

// TestSaveRefusesWhatLoadRejects (issue 10, item 11): Save returns
// ErrFormat and writes nothing for NaN or Inf parameters and non-zero
// switched-off biases.
func TestSaveRefusesWhatLoadRejects(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, spoil := range map[string]func(m *Model){
		"NaN weight":                 func(m *Model) { m.W.Set(2, 1, math.NaN()) },
		"Inf weight":                 func(m *Model) { m.W.Set(0, 0, math.Inf(-1)) },
		"NaN visible bias":           func(m *Model) { m.VBias[3] = math.NaN() },
		"Inf hidden bias":            func(m *Model) { m.HBias[0] = math.Inf(1) },
		"switched-off bias not zero": func(m *Model) { m.NoVBias = true; m.VBias[0] = 0.5 },
	} {
		m := randomModel(5, 3, 0.3, 9)
		spoil(m)
		p := filepath.Join(dir, "m.npz")
		if err := m.Save(p); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: Save error %v, want ErrFormat", name, err)
		}
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s: refused Save wrote a file", name)
			os.Remove(p)
		}
	}
	// A strided view of W is checked too (and saved when finite).
	big := randomModel(5, 6, 0.3, 9)
	m := &Model{W: big.W.Slice(0, 5, 0, 3).(*mat.Dense), VBias: big.VBias, HBias: big.HBias[:3]}
	if err := m.Save(filepath.Join(dir, "view.npz")); err != nil {
		t.Fatal(err)
	}
	big.W.Set(4, 2, math.NaN())
	if err := m.Save(filepath.Join(dir, "view2.npz")); !errors.Is(err, ErrFormat) {
		t.Errorf("NaN in a strided view: %v", err)
	}
}

// FuzzLoad fuzzes each array of testdata/model.npz (issue 10, defects 1, 2).
func FuzzLoad(f *testing.F) {
	fiotest.FuzzArchive(f, modelSeed, ErrFormat, func(p string) (func(string) error, error) {
		m, err := Load(p)
		if err != nil {
			return nil, err
		}
		return m.Save, nil
	}, fiotest.Input{Entry: "W", Data: npyF8("False", "(100000, 100000)", make([]float64, 64))},
		fiotest.Input{Entry: "W", Data: npyF8("True", "(16, 4)", make([]float64, 64))})
}

// FuzzLoadCheckpoint fuzzes each array of testdata/checkpoint.npz.
func FuzzLoadCheckpoint(f *testing.F) {
	fiotest.FuzzArchive(f, ckptSeed, ErrFormat, func(p string) (func(string) error, error) {
		ck, err := LoadCheckpoint(p)
		if err != nil {
			return nil, err
		}
		return ck.Save, nil
	}, fiotest.Input{Entry: "W", Data: npyF8("False", "(100000, 100000)", make([]float64, 64))},
		fiotest.Input{Entry: "W", Data: npyF8("True", "(16, 4)", make([]float64, 64))})
}
