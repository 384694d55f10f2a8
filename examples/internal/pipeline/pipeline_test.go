package pipeline

import (
	"encoding/json"
	"image/png"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/rgflow/rgflow/flow"
	"github.com/rgflow/rgflow/ising"
	"github.com/rgflow/rgflow/thermo"
)

func TestFiguresAndJSON(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rs := make([]flow.Readout, 4)
	for i := range rs {
		rs[i] = flow.Readout{Step: i, Temps: []float64{1, 2, 3}, Dist: []float64{0.2, 0.5, 0.3}, DistErr: []float64{0.01, 0.01, 0.01}}
	}
	path := filepath.Join(dir, "flow.png")
	if err := FlowFigure(path, []Flow{{"T = 0", rs}, {"T = ∞", rs}}, []int{0, 2, 3}); err != nil {
		t.Fatal(err)
	}
	checkPNG(t, path, 2*6*96, 2*4*96)
	if err := FlowFigure(path, []Flow{{"bad", []flow.Readout{{}}}}, nil); err == nil {
		t.Fatal("flow without distribution accepted")
	}
	cpath := filepath.Join(dir, "c.png")
	err := CurvesFigure(cpath, []string{"a", "b"}, []string{"x", "x"}, []string{"y", "y"}, [][]Curve{
		{{Name: "one", X: []float64{1, 2}, Y: []float64{3, 4}, YErr: []float64{0.1, 0.2}}},
		{{Name: "two", X: []float64{1, 2}, Y: []float64{3, 4}, Dashed: true}},
	})
	if err != nil {
		t.Fatal(err)
	}
	checkPNG(t, cpath, 2*5*96, 4*96)
	hpath := filepath.Join(dir, "h.png")
	if err := HeatMapFigure(hpath, "m", "column", "row", "value", mat.NewDense(2, 2, []float64{1, 2, 3, 4})); err != nil {
		t.Fatal(err)
	}
	jpath := filepath.Join(dir, "s.json")
	type Inner struct {
		Y float64 `json:"y"`
	}
	type rec struct {
		Inner
		X    float64   `json:"x"`
		Bad  float64   `json:"bad"`
		Skip int       `json:"-"`
		Opt  []float64 `json:"opt,omitempty"`
		R    flow.Reading
		P    *float64
	}
	if err := WriteJSON(jpath, rec{X: 1.5, Bad: math.Inf(1), Skip: 3, R: flow.Reading{Name: "r", T: math.NaN(), Err: 1}}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(jpath)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil || m["x"] != 1.5 {
		t.Fatalf("JSON round trip: %v %v", m, err)
	}
	if m["y"] != 0.0 || m["Inner"] != nil {
		t.Fatalf("embedded struct not promoted: %v", m)
	}
	if v, ok := m["bad"]; !ok || v != "+Inf" {
		t.Fatalf(`+Inf encoded as %v, want "+Inf"`, v)
	}
	if _, ok := m["Skip"]; ok {
		t.Fatal(`json:"-" field written`)
	}
	if _, ok := m["opt"]; ok {
		t.Fatal("empty omitempty field written")
	}
	if r := m["R"].(map[string]any); r["T"] != nil || r["err"] != 1.0 || r["name"] != "r" {
		t.Fatalf("Reading encoded as %v", r)
	}
	var sb strings.Builder
	p := Progress{W: &sb}
	p.Printf("step %d", 3)
	if !strings.Contains(sb.String(), "step 3") {
		t.Fatalf("progress line %q", sb.String())
	}
}

func checkPNG(t *testing.T, path string, w, h int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
		t.Fatalf("%s is %dx%d, want %dx%d", path, b.Dx(), b.Dy(), w, h)
	}
}

func TestRowsStackShuffled(t *testing.T) {
	t.Parallel()
	d := &ising.Dataset{
		Configs: mat.NewDense(4, 2, []float64{0, 0, 1, 1, 0, 1, 1, 0}),
		Temps:   []float64{0, 1, 1, 2},
	}
	got := Rows(d, func(T float64) bool { return T == 1 })
	if !mat.Equal(got, mat.NewDense(2, 2, []float64{1, 1, 0, 1})) {
		t.Fatalf("Rows: %v", mat.Formatted(got))
	}
	if Rows(d, func(float64) bool { return false }) != nil {
		t.Fatal("Rows with no match is not nil")
	}
	s := Stack(got, nil, d.Configs)
	if r, _ := s.Dims(); r != 6 || s.At(5, 0) != 1 || s.At(2, 1) != 0 {
		t.Fatalf("Stack: %v", mat.Formatted(s))
	}
	sh := Shuffled(s, 3)
	if !mat.Equal(sh, Shuffled(s, 3)) {
		t.Fatal("Shuffled is not reproducible")
	}
	// A permutation keeps the multiset of rows: compare column sums and
	// the sum of squares of row indices weighted by content.
	if mat.Sum(sh) != mat.Sum(s) {
		t.Fatal("Shuffled changed the rows")
	}
	a, b := rand.New(Src(1, "x")).Uint64(), rand.New(Src(1, "y")).Uint64()
	if a == b || a != rand.New(Src(1, "x")).Uint64() {
		t.Fatal("Src streams are not distinct per part, or not reproducible")
	}
}

// TestThermometerSymmetric: at h = 0 the pipeline's thermometer is read
// symmetrically (and saved so), so the all-up and all-down ground states
// read alike bit for bit; in a field it is read plainly.
func TestThermometerSymmetric(t *testing.T) {
	t.Parallel()
	for _, h := range []float64{0, 0.3} {
		d, err := ising.Generate(&ising.DatasetSettings{L: 4, Grid: []float64{0.5, 2, 4}, PerTemp: 30, H: h}, rand.NewPCG(1, 1), nil)
		if err != nil {
			t.Fatal(err)
		}
		train, test := d.Split(0.8, rand.NewPCG(1, 2))
		save := filepath.Join(t.TempDir(), "net.npz")
		net, _, err := Thermometer(train, test, ThermoConfig{Arch: thermo.Small, Epochs: 2, Seed: 1, Save: save}, &Progress{W: io.Discard})
		if err != nil {
			t.Fatal(err)
		}
		loaded, err := thermo.Load(save)
		if err != nil {
			t.Fatal(err)
		}
		if net.Symmetric() != (h == 0) || loaded.Symmetric() != (h == 0) {
			t.Errorf("h = %v: symmetric readout %v, saved %v; want %v", h, net.Symmetric(), loaded.Symmetric(), h == 0)
		}
		if h != 0 {
			continue
		}
		up, down := mat.NewDense(1, 16, nil), mat.NewDense(1, 16, nil)
		for j := 0; j < 16; j++ {
			up.Set(0, j, 1)
		}
		var pu, pd mat.Dense
		net.Probabilities(&pu, up)
		net.Probabilities(&pd, down)
		if !mat.Equal(&pu, &pd) {
			t.Errorf("all up reads %v, all down %v", pu.RawRowView(0), pd.RawRowView(0))
		}
	}
}
