package main

import (
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/rgflow/rgflow/examples/internal/pipeline"
	"github.com/rgflow/rgflow/internal/jsonf"
	"github.com/rgflow/rgflow/rbm"
)

func TestSmoke(t *testing.T) {
	out := t.TempDir()
	c := config{Out: out, RBM: pipeline.DefaultRBM(), Fields: 4, Seed: 2, Compare: []float64{1.5, 2.25}}
	c.Data.L, c.Data.PerTemp = 6, 20
	c.RBM.Nh, c.RBM.Epochs = 9, 2
	if err := run(c, &pipeline.Progress{W: io.Discard}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"wwt.png", "spectrum.png", "receptive_fields.png", "histogram.png", "couplings.png", "summary.json"} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s missing or empty: %v", f, err)
		}
	}
	b, _ := os.ReadFile(filepath.Join(out, "summary.json"))
	var s summary
	if err := jsonf.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	if len(s.Eigenvalues) != 36 || len(s.Singular) != 9 || s.Coupling[0] != 1 || len(s.Correlations) != 25 {
		t.Fatalf("summary: %d eigenvalues, %d singular values, coupling[0] %v, %d profiles", len(s.Eigenvalues), len(s.Singular), s.Coupling[0], len(s.Correlations))
	}
	// W Wᵀ has rank ≤ N_h = 9: the 27 smallest eigenvalues vanish.
	for _, v := range s.Eigenvalues[9:] {
		if math.Abs(v) > 1e-9*s.Eigenvalues[0] {
			t.Fatalf("eigenvalue %v beyond rank N_h", v)
		}
	}
	// The trace of W Wᵀ is the sum of squared singular values.
	var tr, sv2 float64
	for _, v := range s.Eigenvalues {
		tr += v
	}
	for _, v := range s.Singular {
		sv2 += v * v
	}
	if math.Abs(tr-sv2) > 1e-9*tr {
		t.Fatalf("trace %v ≠ Σσ² %v", tr, sv2)
	}
	c.Model = filepath.Join(out, "missing.npz")
	if err := run(c, &pipeline.Progress{W: io.Discard}); err == nil {
		t.Fatal("missing model file accepted")
	}
}

// TestFieldOrientation draws the receptive field of a unit whose one
// weight sits at site (row 0, column L−1) = L−1 and requires it in the top
// right of the field's tile, as the lattice is printed (row 0 on top).
func TestFieldOrientation(t *testing.T) {
	t.Parallel()
	const L = 6
	m := rbm.New(L*L, 1, &rbm.InitSettings{Sigma: -1}, nil) // W = 0
	m.W.Set(L-1, 0, 1)
	path := filepath.Join(t.TempDir(), "fields.png")
	if err := fieldsFigure(path, m, L, 1); err != nil {
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
	// One field and the colour bar: two tiles side by side.
	b := img.Bounds()
	tw := b.Dx() / 2
	bx, by, best := 0, 0, -1
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Min.X+tw; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if v := int(cr) - int(cg) - int(cb); v > best {
				best, bx, by = v, x, y
			}
		}
	}
	if bx < tw/2 || by > b.Dy()/2 {
		t.Errorf("the weight at row 0, column %d drawn at pixel (%d, %d) of a %d×%d tile: not in the top right", L-1, bx, by, tw, b.Dy())
	}
}
