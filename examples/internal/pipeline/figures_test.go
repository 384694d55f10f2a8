package pipeline

import (
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/rgflow/rgflow/flow"
)

// TestDecadeTicks: a log axis over eight decades is labelled at every power
// of ten with its exact value (plot.LogTicks printed 1e-5 as
// 9.999999999999999e-06), and an axis within two decades at 2…9 too.
func TestDecadeTicks(t *testing.T) {
	t.Parallel()
	labels := func(min, max float64) []string {
		var ls []string
		for _, tk := range (DecadeTicks{}).Ticks(min, max) {
			if tk.Value < min || tk.Value > max {
				t.Errorf("tick %v outside [%v, %v]", tk.Value, min, max)
			}
			if tk.Label != "" {
				ls = append(ls, tk.Label)
			}
		}
		return ls
	}
	got := strings.Join(labels(3e-9, 0.5), " ")
	if want := "1e-8 1e-7 1e-6 1e-5 1e-4 0.001 0.01 0.1"; got != want {
		t.Errorf("labels over [3e-9, 0.5]: %q, want %q", got, want)
	}
	got = strings.Join(labels(2, 30), " ")
	if want := "2 3 4 5 6 7 8 9 10 20 30"; got != want {
		t.Errorf("labels over [2, 30]: %q, want %q", got, want)
	}
	if ts := (DecadeTicks{}).Ticks(0, 1); ts != nil {
		t.Errorf("a log axis from 0 got ticks %v", ts)
	}
}

// TestNaNOnlyPanel: a panel whose curves have no point to draw (NaN, or
// not positive on a log axis) is refused, naming the panel; one drawable
// point suffices.
func TestNaNOnlyPanel(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	for _, tc := range []struct {
		name string
		pn   Panel
		ok   bool
	}{
		{"NaN only", Panel{Title: "blank", Curves: []Curve{{Name: "a", X: []float64{0, 1}, Y: []float64{nan, nan}}, {Name: "b", X: []float64{0}, Y: []float64{math.Inf(1)}}}}, false},
		{"zeros on a log axis", Panel{Title: "blank", LogY: true, Curves: []Curve{{Name: "a", X: []float64{0, 1}, Y: []float64{0, -1}}}}, false},
		{"one point", Panel{Title: "one", Curves: []Curve{{Name: "a", X: []float64{0, 1}, Y: []float64{nan, 2}}, {Name: "b", X: []float64{0}, Y: []float64{nan}}}}, true},
		{"no curves", Panel{Title: "empty"}, true},
	} {
		err := PanelsFigure(filepath.Join(t.TempDir(), "p.png"), []Panel{tc.pn}, 1)
		if (err == nil) != tc.ok {
			t.Errorf("%s: error %v, want ok %v", tc.name, err, tc.ok)
		}
		if err != nil && !strings.Contains(err.Error(), tc.pn.Title) {
			t.Errorf("%s: error %q does not name the panel", tc.name, err)
		}
	}
}

// TestFlowFigureOrientation: the flow heat map draws class k of step s at
// x = T_k, y = s (step 0 at the bottom), with its colour bar, and the
// figure's legend names each step once even when a step is asked twice.
func TestFlowFigureOrientation(t *testing.T) {
	t.Parallel()
	temps := []float64{0, 1, 2}
	var rs []flow.Readout
	for s := 0; s < 4; s++ {
		d := []float64{0, 0, 0}
		d[min(s, 2)] = 1 // the distribution moves to higher T step by step
		rs = append(rs, flow.Readout{Step: s, Temps: temps, Dist: d, Peak: temps[min(s, 2)]})
	}
	g := distGrid{rs}
	nc, nr := g.Dims()
	if nc != 3 || nr != 4 {
		t.Fatalf("grid %d×%d, want 3 classes × 4 steps", nc, nr)
	}
	for c := 0; c < nc; c++ {
		for r := 0; r < nr; r++ {
			if want := rs[r].Dist[c]; g.Z(c, r) != want || g.X(c) != temps[c] || g.Y(r) != float64(r) {
				t.Errorf("cell (%d, %d) at (%v, %v) = %v, want class %d of step %d = %v", c, r, g.X(c), g.Y(r), g.Z(c, r), c, r, want)
			}
		}
	}
	var steps []int
	for _, r := range shownSteps(rs, []int{0, 1, 1, 3, 9, -1}) {
		steps = append(steps, r.Step)
	}
	if fmt.Sprint(steps) != "[0 1 3]" {
		t.Errorf("steps shown %v, want [0 1 3] (each once, none beyond the flow)", steps)
	}
	path := filepath.Join(t.TempDir(), "flow.png")
	if err := FlowFigure(path, []Flow{{Name: "T = 0", Readouts: rs}}, []int{0, 1, 1, 3}); err != nil {
		t.Fatal(err)
	}
	if err := FlowFigure(path, []Flow{{Name: "none", Readouts: []flow.Readout{{Step: 0}}}}, []int{0}); err == nil {
		t.Error("a flow without distributions was drawn")
	}
}

// TestLabelGlyphs: every rune of the labels the examples write, after
// label, has a glyph in the plot's font (a missing one prints as a box).
func TestLabelGlyphs(t *testing.T) {
	t.Parallel()
	st := plot.New().Title.TextStyle
	f := font.DefaultCache.Lookup(st.Font, st.Font.Size)
	face := f.FontFace(96)
	for _, s := range []string{
		"exact T_c", "N_h = 100", "N_v = 100", "⟨s₀s_r⟩, T = 2.25 (ξ = 0.36 ± 0.01)", "(W Wᵀ)ᵢⱼ, i ≠ j", "⟨sᵢsⱼ⟩",
		"⟨|m|⟩ (± standard error)", "σ² = eigenvalues of W Wᵀ", "W ~ N(-0.001, 0.0387²)", "expectation Σ pₖTₖ",
		"from T = ∞: Cc(1)", "C_c(r)", "μ = -0.1791, σ = 0.7445", "|m| ≥ 0.5", "site j = row·L + column", "reference m* ≈ 0.25 → 0.6507",
	} {
		for _, r := range label(s) {
			if _, ok := face.GlyphAdvance(r); !ok {
				t.Errorf("label %q: the font has no glyph for %q (in %q)", s, r, label(s))
			}
		}
	}
}

// TestLogAxisNoBand: a panel drawn on log axes keeps the plot area of the
// same panel on linear axes (gonum's plot.LogScale reserved room for the
// axis label near the top of a log y axis and the right end of a log x
// axis: a blank band above the spectrum; 16 pt in this test), and its ticks sit at
// log10 of the values they name.
func TestLogAxisNoBand(t *testing.T) {
	t.Parallel()
	x := []float64{1, 2, 5, 10, 50, 100}
	y := []float64{3e-8, 1e-6, 1e-4, 1e-3, 0.1, 0.5}
	area := func(logX, logY bool) vg.Rectangle {
		pn := Panel{Title: "t", XLabel: "rank", YLabel: "eigenvalue", LogX: logX, LogY: logY,
			Curves: []Curve{{Name: "a", X: x, Y: y, YErr: []float64{0, 1e-7, 2e-5, 1e-4, 0.01, 0.1}}}}
		p, err := panelPlot(pn)
		if err != nil {
			t.Fatal(err)
		}
		c := vgimg.New(5*vg.Inch, 4*vg.Inch)
		return p.DataCanvas(draw.New(c)).Rectangle
	}
	lin := area(false, false)
	for _, lg := range [][2]bool{{false, true}, {true, false}, {true, true}} {
		got := area(lg[0], lg[1])
		// The tick labels differ in width ("1e-8" against "0.5"), which
		// moves the left edge; the top and the right edge must stay.
		if d := math.Abs(float64(got.Max.Y - lin.Max.Y)); d > 1 {
			t.Errorf("log x %v, log y %v: the plot area's top moved by %.1f pt", lg[0], lg[1], d)
		}
		if d := math.Abs(float64(got.Max.X - lin.Max.X)); d > 1 {
			t.Errorf("log x %v, log y %v: the plot area's right edge moved by %.1f pt", lg[0], lg[1], d)
		}
	}
	// The ends of the range are ticks too: 10^log10(400) is not 400.
	for _, end := range []float64{16, 400, 225} {
		vt := log10Ticks{ValueTicks{16, 225, 400}}.Ticks(math.Log10(16), math.Log10(end))
		if last := vt[len(vt)-1]; last.Label != strconv.FormatFloat(end, 'g', -1, 64) {
			t.Errorf("ticks over [16, %v] end at %q", end, last.Label)
		}
	}
	ts := log10Ticks{DecadeTicks{}}.Ticks(math.Log10(3e-8), math.Log10(0.5))
	for _, tk := range ts {
		if tk.Label == "0.001" && tk.Value != -3 {
			t.Errorf("the tick labelled 0.001 is at %v, want -3", tk.Value)
		}
	}
	if lo, hi, ly := logErrors(0.1, 0.2, 0.9, 0.01); math.Abs(ly+1) > 1e-15 || math.Abs(hi-1) > 1e-15 || math.Abs(lo-1) > 1e-15 {
		t.Errorf("log error bar of 0.1 − 0.2 … 0.1 + 0.9 above a floor 0.01: %v … %v around %v, want 1 … 1 around -1", lo, hi, ly)
	}
}

// TestTrimmedTicks: the default ticks of a 0 … 500 step axis are labelled
// 0, 250, 500 (plot.DefaultTicks wrote 0.00, 250.00, 500.00), and labels
// with significant decimals keep them.
func TestTrimmedTicks(t *testing.T) {
	t.Parallel()
	var got []string
	for _, tk := range (trimmedTicks{plot.DefaultTicks{}}).Ticks(0, 500) {
		if tk.Label != "" {
			got = append(got, tk.Label)
		}
	}
	if strings.Join(got, " ") != "0 250 500" {
		t.Errorf("labels over [0, 500]: %q", got)
	}
	got = got[:0]
	for _, tk := range (trimmedTicks{plot.DefaultTicks{}}).Ticks(0, 1.25) {
		if tk.Label != "" {
			got = append(got, tk.Label)
		}
	}
	for _, l := range got {
		if strings.HasSuffix(l, "0") && strings.Contains(l, ".") || strings.HasSuffix(l, ".") {
			t.Errorf("label %q over [0, 1.25] keeps a trailing zero or point", l)
		}
	}
	if len(got) < 2 {
		t.Errorf("labels over [0, 1.25]: %q", got)
	}
}
