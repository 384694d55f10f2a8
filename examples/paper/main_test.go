package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/rgflow/rgflow/examples/internal/pipeline"
	"github.com/rgflow/rgflow/internal/jsonf"
	"github.com/rgflow/rgflow/rbm"
	"github.com/rgflow/rgflow/thermo"
)

// TestSmoke runs the whole pipeline at a tiny size and checks every output.
func TestSmoke(t *testing.T) {
	out := t.TempDir()
	c := config{Common: pipeline.Defaults(out)}
	c.Chains, c.Steps, c.Seed = 40, 8, 3
	c.Data.L, c.Data.PerTemp = 6, 24
	c.Thermo.Epochs = 3
	c.RBM.Nh, c.RBM.Epochs = 16, 3
	if err := run(c, &pipeline.Progress{W: io.Discard}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"flow.png", "flow_observables.png", "fixed_point.png", "summary.json", "report.md", "rbm.npz", "thermometer.npz", "flows.npz"} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s missing or empty: %v", f, err)
		}
	}
	b, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s summary
	if err := jsonf.Unmarshal(b, &s); err != nil {
		t.Fatalf("summary.json: %v", err)
	}
	if len(s.Flows) != 2 || len(s.Flows[0].Readouts) != c.Steps+1 || s.Data.N != 25*24 {
		t.Fatalf("summary: %d flows, %d readouts, %d configurations", len(s.Flows), len(s.Flows[0].Readouts), s.Data.N)
	}
	for _, f := range s.Flows {
		cm := f.Compare
		if cm == nil || cm.Batch.N != c.Chains || len(cm.Batch.Corr.Conn) != 4 || (f.Fixed == nil) == (f.NotConverged == "") {
			t.Fatalf("flow from %s: comparison %+v, fixed point %v, not converged %q", f.Start, cm, f.Fixed, f.NotConverged)
		}
		if r := f.Readouts[1]; r.Corr == nil || len(r.AbsMHist) != 10 || r.MatchAbsM == nil || r.MatchE == nil {
			t.Fatalf("flow from %s: readout lacks the correlation, basins or matches: %+v", f.Start, r)
		}
	}
	m, err := rbm.Load(filepath.Join(out, "rbm.npz"))
	if err != nil {
		t.Fatal(err)
	}
	if nv, nh := m.Dims(); nv != 36 || nh != 16 {
		t.Fatalf("rbm.npz is %d×%d", nv, nh)
	}
	if _, err := thermo.Load(filepath.Join(out, "thermometer.npz")); err != nil {
		t.Fatal(err)
	}
	rep, _ := os.ReadFile(filepath.Join(out, "report.md"))
	if !strings.Contains(string(rep), "flow.png") || !strings.Contains(string(rep), "0.6507") || !strings.Contains(string(rep), "product state") || !strings.Contains(string(rep), "Bayes") ||
		!strings.Contains(string(rep), s.Thermometers.Sentence) || len(s.Thermometers.Conclusions) != 5 {
		t.Fatal("report.md lacks the figure or the reference numbers")
	}

	// A second run set beside the first in report.md.
	c2 := c
	c2.Out = t.TempDir()
	c2.RBM.Momentum, c2.RBM.LREnd = 0, 0
	c2.Compare = filepath.Join(out, "summary.json")
	if err := run(c2, &pipeline.Progress{W: io.Discard}); err != nil {
		t.Fatal(err)
	}
	rep2, _ := os.ReadFile(filepath.Join(c2.Out, "report.md"))
	if !strings.Contains(string(rep2), "| compared run | CD-1, N_h = 16, 3 epochs, learning rate 0.1 → 0.01 (geometric), momentum 0.9") {
		t.Fatalf("report.md lacks the comparison:\n%s", rep2)
	}
	c2.Compare = filepath.Join(out, "rbm.npz")
	if err := run(c2, &pipeline.Progress{W: io.Discard}); err == nil {
		t.Fatal("-compare with a file that is not a summary was accepted")
	}
}

func TestBadArch(t *testing.T) {
	c := config{Common: pipeline.Defaults(t.TempDir())}
	c.ThermoArch = "huge"
	if err := run(c, &pipeline.Progress{W: io.Discard}); err == nil {
		t.Fatal("unknown architecture accepted")
	}
}

// TestSameSeedSameBits runs the tiny pipeline under GOMAXPROCS 1 and 2 and
// requires byte-identical results.
func TestSameSeedSameBits(t *testing.T) {
	var outs [2][]byte
	var models [2][]byte
	for i, procs := range []int{1, 2} {
		out := t.TempDir()
		c := config{Common: pipeline.Defaults(out)}
		c.Chains, c.Steps, c.Seed = 40, 5, 7
		c.Data.L, c.Data.PerTemp = 6, 24
		c.Thermo.Epochs = 2
		c.RBM.Nh, c.RBM.Epochs = 16, 2
		old := runtime.GOMAXPROCS(procs)
		err := run(c, &pipeline.Progress{W: io.Discard})
		runtime.GOMAXPROCS(old)
		if err != nil {
			t.Fatal(err)
		}
		var err1, err2 error
		outs[i], err1 = os.ReadFile(filepath.Join(out, "summary.json"))
		models[i], err2 = os.ReadFile(filepath.Join(out, "rbm.npz"))
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
	}
	if !bytes.Equal(withoutTimes(t, outs[0]), withoutTimes(t, outs[1])) {
		t.Error("summary.json differs between GOMAXPROCS 1 and 2")
	}
	if !bytes.Equal(models[0], models[1]) {
		t.Error("rbm.npz differs between GOMAXPROCS 1 and 2")
	}
}

// withoutTimes returns a summary.json without its wall times, re-encoded.
func withoutTimes(t *testing.T, b []byte) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	w, _ := m["wall_seconds"].(map[string]any)
	if st, ok := w["stages"].([]any); !ok || len(st) < 5 {
		t.Fatalf("summary.json has no wall times per stage: %v", w)
	}
	delete(m, "wall_seconds")
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
