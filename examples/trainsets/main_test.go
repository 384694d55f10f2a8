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
	c := config{Common: pipeline.Defaults(out), RefEpochs: 2, ZISteps: 8}
	c.Chains, c.Steps, c.Seed = 30, 6, 2
	c.Data.L, c.Data.PerTemp = 6, 20
	c.Thermo.Epochs, c.RBM.Epochs, c.RBM.Nh = 2, 1, 9
	if err := run(c, &pipeline.Progress{W: io.Discard}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"trainsets.png", "magnetization.png", "basins.png", "summary.json", "rbm_all.npz", "rbm_meanfield.npz", "rbm_zero-inf.npz"} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s missing or empty: %v", f, err)
		}
	}
	b, _ := os.ReadFile(filepath.Join(out, "summary.json"))
	var s struct {
		Results []result `json:"results"`
	}
	if err := json.Unmarshal(b, &s); err != nil || len(s.Results) != 7 {
		t.Fatalf("summary.json: %+v, %v", s, err)
	}
	// Equal numbers of updates: the T = 0 set (16 training rows of 400)
	// is passed over 25 times as often as all T.
	for _, r := range s.Results {
		if r.Key == "zero" && (r.Rows != 16 || r.Epochs != 25) {
			t.Errorf("T = 0 set: %d rows, %d epochs; want 16, 25", r.Rows, r.Epochs)
		}
		if r.Key == "zero-inf" && (r.Rows != 32 || r.Steps != 8 || r.RefM != [2]float64{0.86, 0.25}) {
			t.Errorf("T = 0 and ∞ set: %d rows, %d steps, reference %v; want 32, 8, [0.86 0.25]", r.Rows, r.Steps, r.RefM)
		}
		// The reference's own schedule for that set: plain SGD at 0.01.
		if r.Key == "zero-inf-ref" && (r.Epochs != 2 || r.Schedule != "2 epochs, learning rate 0.01, momentum 0, batch 100") {
			t.Errorf("reference schedule set: %d epochs, %q", r.Epochs, r.Schedule)
		}
		if len(r.Ordered) != 2 || len(r.NotConverged) != 2 || len(r.Last[0].AbsMHist) != 10 {
			t.Errorf("set %s: basin fractions %v, convergence %q", r.Key, r.Ordered, r.NotConverged)
		}
	}
}
