package main

import (
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/rgflow/rgflow/examples/internal/pipeline"
	"github.com/rgflow/rgflow/internal/jsonf"
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
