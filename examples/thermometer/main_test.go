package main

import (
	"image/png"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/rgflow/rgflow/internal/jsonf"
	"github.com/rgflow/rgflow/ising"
	"github.com/rgflow/rgflow/thermo"
)

func smallConfig(out string) config {
	return config{Out: out, N: 12, Epochs: 2, Arch: "small", Opt: "adam", Loss: "ce", Batch: 50,
		Val: 0.1, Patience: 3, Seed: 1, Sym: true}
}

// TestSmoke runs the program at a tiny size and checks its three files.
func TestSmoke(t *testing.T) {
	out := t.TempDir()
	if err := run(smallConfig(out), io.Discard); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(out, "calibration.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() < 1000 || b.Dy() < 300 {
		t.Errorf("figure is %v", b)
	}
	raw, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s summary
	if err := jsonf.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	if s.L != 10 || len(s.Temps) != 25 || s.NTrain+s.NTest != 25*12 || s.Epochs != 2 ||
		len(s.Network.Argmax) != 25 || len(s.Bayes.Argmax) != 25 || len(s.EnsembleEnergy) != 25 ||
		s.Bayes.WithinOne <= 0 || s.Bayes.WithinOne > 1 {
		t.Errorf("summary: %+v", s)
	}
	net, err := thermo.Load(filepath.Join(out, "thermometer.npz"))
	if err != nil {
		t.Fatal(err)
	}
	var p mat.Dense
	net.Probabilities(&p, mat.NewDense(1, 100, nil))
	if r, c := p.Dims(); r != 1 || c != 25 {
		t.Errorf("loaded model gives %d×%d", r, c)
	}
}

// TestLoadData runs the program on a saved dataset (-data).
func TestLoadData(t *testing.T) {
	dir := t.TempDir()
	d, err := ising.Generate(&ising.DatasetSettings{L: 4, Grid: []float64{0, 1, 2, 3}, PerTemp: 20}, rand.NewPCG(1, 1), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Save(filepath.Join(dir, "data")); err != nil {
		t.Fatal(err)
	}
	c := smallConfig(filepath.Join(dir, "out"))
	c.Data = filepath.Join(dir, "data")
	if err := run(c, io.Discard); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(c.Out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s summary
	if err := jsonf.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	if s.L != 4 || len(s.Temps) != 4 || s.NTrain != 64 {
		t.Errorf("summary: L %d, %d temperatures, %d training rows", s.L, len(s.Temps), s.NTrain)
	}
}

func TestBadFlagsRun(t *testing.T) {
	for _, mod := range []func(*config){
		func(c *config) { c.Arch = "huge" },
		func(c *config) { c.Opt = "lbfgs" },
		func(c *config) { c.Loss = "hinge" },
		func(c *config) { c.Data = filepath.Join(t.TempDir(), "none") },
	} {
		c := smallConfig(t.TempDir())
		mod(&c)
		if err := run(c, io.Discard); err == nil {
			t.Errorf("%+v: no error", c)
		}
	}
}
