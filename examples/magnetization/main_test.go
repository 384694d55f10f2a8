package main

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/rgflow/rgflow/examples/internal/pipeline"
)

func TestSmoke(t *testing.T) {
	out := t.TempDir()
	c := config{Common: pipeline.Defaults(out), MCStarts: []float64{1.5, 3}, BaseMean: -0.001, BaseStd: 0.0015}
	c.Chains, c.Steps, c.Seed = 30, 6, 2
	c.Data.L, c.Data.PerTemp = 6, 20
	c.RBM.Nh, c.RBM.Epochs = 9, 2
	if err := run(c, &pipeline.Progress{W: io.Discard}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"magnetization.png", "summary.json", "rbm.npz"} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s missing or empty: %v", f, err)
		}
	}
	b, _ := os.ReadFile(filepath.Join(out, "summary.json"))
	var s struct {
		MonteCarlo []mcPoint `json:"monte_carlo"`
		Flows      []flowOut `json:"flows"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	// Two RBM starts, two Monte Carlo starts, two baseline flows.
	if len(s.Flows) != 6 || len(s.MonteCarlo) != 25 || len(s.Flows[0].Readouts) != 7 {
		t.Fatalf("summary: %d flows, %d MC points", len(s.Flows), len(s.MonteCarlo))
	}
	// The Monte Carlo curve: |m| = 1 at T = 0 and falls with T.
	if s.MonteCarlo[0].AbsM != 1 || s.MonteCarlo[24].AbsM >= s.MonteCarlo[0].AbsM {
		t.Fatalf("Monte Carlo curve %+v", s.MonteCarlo)
	}
	c.MCStarts = []float64{1.3}
	if err := run(c, &pipeline.Progress{W: io.Discard}); err == nil {
		t.Fatal("a Monte Carlo start off the grid was accepted")
	}
}
