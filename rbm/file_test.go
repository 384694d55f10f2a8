package rbm

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/rgflow/rgflow/internal/fileio"
)

func TestSaveLoadRoundTrip(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	m := randomModel(12, 7, 0.3, 1)
	m.NoHBias = true
	clear(m.HBias)
	m.Hyper = Hyper{InitSigma: 0.3, Trainer: "rbm.CD{K:1}", Epochs: 8, BatchSize: 100, LearningRate: 0.01}
	path := filepath.Join(dir, "m.npz")
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !sameModel(got, m) || got.NoHBias != m.NoHBias || got.NoVBias != m.NoVBias || got.Hyper != m.Hyper {
		t.Errorf("round trip changed the model: %+v vs %+v", got.Hyper, m.Hyper)
	}
	// The archive holds the arrays NumPy expects.
	a, err := fileio.ReadNPZ(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"W", "vbias", "hbias", "meta"} {
		if !a.Has(k) {
			t.Errorf("archive lacks %q", k)
		}
	}
	// No temporary files are left behind.
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("directory holds %d entries after Save", len(ents))
	}
}

func TestLoadRejects(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	m := randomModel(6, 4, 0.3, 2)
	good := filepath.Join(dir, "good.npz")
	if err := m.Save(good); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(good)
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	meta := func(nv, nh int, format string, version int, noV bool) fileMeta {
		return fileMeta{Format: format, Version: version, Nv: nv, Nh: nh, NoVBias: noV}
	}
	npz := func(name string, md fileMeta, w *mat.Dense, vb, hb []float64) string {
		p := filepath.Join(dir, name)
		if err := fileio.WriteNPZ(p, md, fileio.Entry{Name: "W", Value: w}, fileio.Entry{Name: "vbias", Value: vb}, fileio.Entry{Name: "hbias", Value: hb}); err != nil {
			t.Fatal(err)
		}
		return p
	}
	corrupt := append([]byte(nil), raw...)
	// Flip a byte inside W's stored data (after its local header and name);
	// the zip headers' own bytes are redundant with the central directory,
	// but every payload byte is covered by the entry's CRC-32.
	corrupt[bytes.Index(raw, []byte("W.npy"))+40] ^= 0xff
	nanW := mat.DenseCopyOf(m.W)
	nanW.Set(1, 1, math.NaN())
	cases := []struct {
		name   string
		path   string
		format bool // must wrap ErrFormat
	}{
		{"truncated", write("trunc.npz", raw[:len(raw)*2/3]), false},
		{"truncated to header", write("trunc2.npz", raw[:40]), false},
		{"corrupt byte", write("corrupt.npz", corrupt), false},
		{"empty", write("empty.npz", nil), false},
		{"missing", filepath.Join(dir, "nope.npz"), false},
		{"meta disagrees with W", npz("shape.npz", meta(5, 4, modelFormat, 1, false), m.W, m.VBias, m.HBias), true},
		{"short vbias", npz("vb.npz", meta(6, 4, modelFormat, 1, false), m.W, m.VBias[:5], m.HBias), true},
		{"wrong format", npz("fmt.npz", meta(6, 4, ckptFormat, 1, false), m.W, m.VBias, m.HBias), true},
		{"future version", npz("ver.npz", meta(6, 4, modelFormat, 99, false), m.W, m.VBias, m.HBias), true},
		{"switched-off bias not zero", npz("bias.npz", meta(6, 4, modelFormat, 1, true), m.W, m.VBias, m.HBias), true},
		{"NaN weight", npz("nan.npz", meta(6, 4, modelFormat, 1, false), nanW, m.VBias, m.HBias), true},
	}
	for _, c := range cases {
		_, err := Load(c.path)
		if err == nil {
			t.Errorf("%s: loaded without error", c.name)
			continue
		}
		if c.format && !errors.Is(err, ErrFormat) {
			t.Errorf("%s: err %v does not wrap ErrFormat", c.name, err)
		}
		if strings.TrimSpace(err.Error()) == "" {
			t.Errorf("%s: empty error message", c.name)
		}
	}
	if _, err := LoadCheckpoint(good); !errors.Is(err, ErrFormat) {
		t.Errorf("model file loaded as a checkpoint: %v", err)
	}
}

func TestCheckpointFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "ck.npz")
	set := Settings{Epochs: 2, BatchSize: 50, Momentum: 0.5, Src: rand.NewPCG(1, 1), CheckpointPath: path}
	runTrain(t, PCD{Chains: 33}, set)
	ck, err := LoadCheckpoint(path)
	if err != nil {
		t.Fatal(err)
	}
	if r, c := ck.Chains.Dims(); r != 33 || c != 16 || ck.Epoch != 2 || len(ck.RNG) == 0 {
		t.Errorf("checkpoint: chains %d×%d, epoch %d", r, c, ck.Epoch)
	}
	if mat.Norm(ck.Velocity.W, 1) == 0 {
		t.Error("checkpoint velocity is zero with momentum 0.5")
	}
	raw, _ := os.ReadFile(path)
	bad := filepath.Join(dir, "bad.npz")
	os.WriteFile(bad, raw[:len(raw)-10], 0o644)
	if _, err := LoadCheckpoint(bad); err == nil {
		t.Error("truncated checkpoint loaded")
	}
	// Corrupt contents written by a valid writer: a non-finite velocity and
	// non-binary persistent chains must be rejected as file errors, not
	// surface later as a diverged training.
	for name, spoil := range map[string]func(c *Checkpoint){
		"NaN velocity":      func(c *Checkpoint) { c.Velocity.W.Set(0, 0, math.NaN()) },
		"Inf bias velocity": func(c *Checkpoint) { c.Velocity.HBias[1] = math.Inf(1) },
		"non-binary chain":  func(c *Checkpoint) { c.Chains.Set(0, 0, 7.5) },
	} {
		c, err := LoadCheckpoint(path)
		if err != nil {
			t.Fatal(err)
		}
		spoil(c)
		p := filepath.Join(dir, "spoilt.npz")
		os.Remove(p)
		// Save refuses it (issue 10, item 11: Save wrote what Load rejects)
		// and leaves nothing at p; another writer could still write it.
		if err := c.Save(p); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: Save error %v, want ErrFormat", name, err)
		}
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s: refused Save left a file", name)
		}
		meta, entries := c.archive()
		if err := fileio.WriteNPZ(p, meta, entries...); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadCheckpoint(p); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: LoadCheckpoint error %v, want ErrFormat", name, err)
		}
	}
	// A checkpoint opens as a model too? No: the formats differ.
	if _, err := Load(path); !errors.Is(err, ErrFormat) {
		t.Errorf("checkpoint loaded as a model: %v", err)
	}
}
