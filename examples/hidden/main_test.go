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
	c := config{Common: pipeline.Defaults(out), Sizes: []int{4, 9}}
	c.Chains, c.Steps, c.Seed = 30, 6, 2
	c.Data.L, c.Data.PerTemp = 6, 20
	c.Thermo.Epochs, c.RBM.Epochs = 2, 2
	if err := run(c, &pipeline.Progress{W: io.Discard}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"hidden.png", "summary.json", "rbm_4.npz", "rbm_9.npz"} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s missing or empty: %v", f, err)
		}
	}
	b, _ := os.ReadFile(filepath.Join(out, "summary.json"))
	var s struct {
		Results []result `json:"results"`
	}
	if err := json.Unmarshal(b, &s); err != nil || len(s.Results) != 2 || s.Results[1].Nh != 9 || len(s.Results[0].Last) != 2 {
		t.Fatalf("summary.json: %+v, %v", s, err)
	}
	if _, err := parseInts("16,x"); err == nil {
		t.Fatal("bad size list accepted")
	}
}
