package main

import (
	"image/png"
	"io"
	"math"
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
	return config{Out: out, N: 12, NTest: 4, Epochs: 2, Arch: "small", Opt: "adam", Loss: "ce", Batch: 50,
		Val: 0.1, Patience: 3, Seed: 1, Sym: true, Decay: 0.97}
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
	s := readSummary(t, out)
	if s.L != 10 || len(s.Temps) != 25 || s.NTrain != 25*12 || s.NTest != 25*4 || s.Epochs != 2 ||
		len(s.Network.Argmax) != 25 || len(s.Bayes.Argmax) != 25 || len(s.EnsembleEnergy) != 25 ||
		s.Bayes.WithinOne <= 0 || s.Bayes.WithinOne > 1 {
		t.Errorf("summary: %+v", s)
	}
	if len(s.Accuracies) != 4 || len(s.Symmetric.Argmax) != 25 || s.Limit != "Bayes on energy, exact" {
		t.Fatalf("summary: %d accuracies, symmetric readout of %d classes", len(s.Accuracies), len(s.Symmetric.Argmax))
	}
	for _, a := range s.Accuracies {
		if a.Rows != s.NTest || a.ExactErr != math.Sqrt(a.Exact*(1-a.Exact)/float64(a.Rows)) || a.T0Rows == 0 {
			t.Errorf("accuracy %+v: want %d rows, the binomial standard error, T = 0 rows", a, s.NTest)
		}
	}
	if a := s.Accuracies[0]; a.Exact != s.Network.Exact {
		t.Errorf("network exact accuracy %v, calibration's %v", a.Exact, s.Network.Exact)
	}
	if a := s.Accuracies[2]; a.Exact != s.Bayes.Exact {
		t.Errorf("fitted Bayes: %+v, calibration's exact accuracy %v", a, s.Bayes.Exact)
	}
	if a := s.Accuracies[3]; a.Gap != 0 || a.GapErr != 0 {
		t.Errorf("the exact Bayes limit against itself: %+v", a)
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

// readSummary reads and decodes DIR/summary.json.
func readSummary(t *testing.T, dir string) summary {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s summary
	if err := jsonf.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestExactAccuracy: the accuracy, its binomial error and the paired gap
// to Bayes on hand-made rows.
func TestExactAccuracy(t *testing.T) {
	t.Parallel()
	labels := []int{0, 0, 1, 1, 2, 2, 3, 3}
	bayes := []int{0, 0, 1, 1, 2, 2, 3, 0} // 7 of 8
	net := []int{1, 0, 1, 1, 2, 0, 3, 0}   // 5 of 8: two rows Bayes reads right are wrong
	a := exactAccuracy("n", net, bayes, labels)
	const tol = 1e-12
	// d = −1 on two rows, 0 elsewhere: mean −1/4, E[d²] = 1/4, so the
	// standard error is √((1/4 − 1/16)/7).
	if math.Abs(a.Exact-5.0/8) > tol || math.Abs(a.ExactErr-math.Sqrt(5.0/8*3.0/8/8)) > tol ||
		math.Abs(a.Gap+0.25) > tol || math.Abs(a.GapErr-math.Sqrt((0.25-1.0/16)/7)) > tol ||
		a.Rows != 8 || a.T0Rows != 2 || a.T0Exact != 0.5 {
		t.Errorf("%+v", a)
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
	s := readSummary(t, c.Out)
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

// TestCalibrationOrientation draws calibrations whose one hot cell is the
// true T = 3 class read as T = 0, and requires it at class temperature 0
// and true temperature 3 in the grid, in the top left of the first heat map
// in the PNG, and a colour bar beside each heat map.
func TestCalibrationOrientation(t *testing.T) {
	t.Parallel()
	temps := []float64{0, 1, 2, 3}
	cal := &thermo.Calibration{Temps: temps}
	for k, T := range temps {
		p := []float64{0, 0, 0, 0}
		if k == 3 {
			p[0] = 1
		}
		cal.Classes = append(cal.Classes, thermo.ClassCalibration{T: T, N: 10, MeanSoftmax: p, Argmax: T})
	}
	g := calGrid{cal.SoftmaxMatrix(), temps}
	nc, nr := g.Dims()
	for c := 0; c < nc; c++ {
		for r := 0; r < nr; r++ {
			if want := map[bool]float64{true: 1, false: 0}[g.X(c) == 0 && g.Y(r) == 3]; g.Z(c, r) != want {
				t.Errorf("cell at class T = %v, true T = %v: %v, want %v", g.X(c), g.Y(r), g.Z(c, r), want)
			}
		}
	}
	if tl := heatTile("t", cal, 1); tl.Bar == nil {
		t.Error("calibration heat map without colour bar")
	}
	path := filepath.Join(t.TempDir(), "cal.png")
	if err := figure(path, cal, cal, cal); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	// The reddest pixel of the first heat map (the left part of the first
	// of three tiles, left of its colour bar).
	b := img.Bounds()
	tw := b.Dx() / 3
	bx, by, best := 0, 0, -1
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Min.X+tw*3/4; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if v := int(cr) - int(cg) - int(cb); v > best {
				best, bx, by = v, x, y
			}
		}
	}
	if bx > tw*3/8 || by > b.Dy()/2 {
		t.Errorf("the hot cell drawn at pixel (%d, %d) of a %d-wide tile, %d high: not in the top left", bx, by, tw, b.Dy())
	}
}
