package pipeline

import (
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/rgflow/rgflow/flow"
	"github.com/rgflow/rgflow/internal/plotutil"
)

// Tc is the exact critical temperature of the square-lattice Ising model,
// drawn as a reference line in figures.
var Tc = 2 / math.Log(1+math.Sqrt2)

// Flow is one flow's readouts with a label for figures and summaries.
type Flow struct {
	Name     string
	Readouts []flow.Readout
}

// distGrid is the temperature distribution along a flow as a heat map:
// x = temperature class, y = step.
type distGrid struct{ rs []flow.Readout }

func (g distGrid) Dims() (c, r int)   { return len(g.rs[0].Dist), len(g.rs) }
func (g distGrid) Z(c, r int) float64 { return g.rs[r].Dist[c] }
func (g distGrid) X(c int) float64    { return g.rs[0].Temps[c] }
func (g distGrid) Y(r int) float64    { return float64(g.rs[r].Step) }

// FlowFigure writes a PNG with, for each flow, the thermometer's temperature
// distribution at selected steps (one distinct colour per step, the legend
// above the curves) and as a heat map of step against temperature with its
// colour bar, with T_c marked. Every flow must carry distributions.
func FlowFigure(path string, flows []Flow, show []int) error {
	var rows [][]Tile
	for _, f := range flows {
		if len(f.Readouts) == 0 || !f.Readouts[0].HasDist() {
			return fmt.Errorf("pipeline: flow %q has no temperature distribution", f.Name)
		}
		lines := plot.New()
		lines.Title.Text = label("temperature distribution along the flow from " + f.Name)
		lines.X.Label.Text = "thermometer temperature T"
		lines.Y.Label.Text = "mean softmax probability"
		lines.X.Tick.Marker = TTicks{}
		keep := shownSteps(f.Readouts, show)
		top := 0.0
		for i, r := range keep {
			for _, d := range r.Dist {
				top = math.Max(top, d)
			}
			xy := make(plotter.XYs, len(r.Dist))
			for k := range r.Dist {
				xy[k].X, xy[k].Y = r.Temps[k], r.Dist[k]
			}
			l, pts, err := plotter.NewLinePoints(xy)
			if err != nil {
				return err
			}
			l.Color, pts.Color = palette(i), palette(i)
			l.Width = vg.Points(1.2)
			pts.Radius = vg.Points(1.5)
			lines.Add(l, pts)
			lines.Legend.Add(fmt.Sprintf("step %d", r.Step), l)
		}
		// Head room for the legend (one line per step) above the curves.
		lines.Y.Min, lines.Y.Max = 0, top*(1.15+0.075*float64(len(keep)+1))
		lines.Legend.Top = true
		tc := vline(Tc, 1.05*top)
		lines.Add(tc)
		lines.Legend.Add(label("exact T_c"), tc)
		heat := HeatTile("from "+f.Name+": mean softmax probability by step", "thermometer temperature T", "flow step", "mean softmax probability", distGrid{f.Readouts}, false)
		heat.P.X.Tick.Marker = TTicks{}
		rows = append(rows, []Tile{{P: lines}, heat})
	}
	return SaveFigure(path, rows, 6*vg.Inch, 4*vg.Inch)
}

// shownSteps returns the readouts of the steps in show, each once (one
// legend entry per step), in the order of show, leaving out steps beyond
// the flow.
func shownSteps(rs []flow.Readout, show []int) []flow.Readout {
	var keep []flow.Readout
	seen := map[int]bool{}
	for _, s := range show {
		if s >= 0 && s < len(rs) && !seen[s] {
			seen[s] = true
			keep = append(keep, rs[s])
		}
	}
	return keep
}

// TTicks marks a temperature axis every 1 (labelled) and every 0.5.
type TTicks struct{}

// Ticks returns the ticks between min and max.
func (TTicks) Ticks(min, max float64) []plot.Tick {
	var ts []plot.Tick
	for k := math.Ceil(2 * min); k <= 2*max; k++ {
		if k == 0 {
			k = 0 // +0: no "-0" label
		}
		t := plot.Tick{Value: k / 2}
		if int(k)%2 == 0 {
			t.Label = strconv.FormatFloat(k/2, 'f', -1, 64)
		}
		ts = append(ts, t)
	}
	return ts
}

// vline is a dashed vertical line at x from y = 0 to top.
func vline(x, top float64) *plotter.Line {
	l, _ := plotter.NewLine(plotter.XYs{{X: x, Y: 0}, {X: x, Y: top}})
	l.Dashes = []vg.Length{vg.Points(3), vg.Points(3)}
	l.Color = color.Gray{Y: 120}
	return l
}

// glyphs replaces characters the plot font (Liberation Serif) lacks with
// plain ones, and writes subscripts it has (₀ ₁ ᵢ ᵣ ᵥ; ² and ᵀ print as
// they are): it has no ⟨ ⟩, ⱼ, ₖ or subscript c and h, so ⟨sᵢsⱼ⟩ prints as
// <sisj>, T_c as Tc, but ⟨s₀s_r⟩ as <s₀sᵣ>. TestLabelGlyphs checks that
// every label the examples use prints.
var glyphs = strings.NewReplacer("sᵢsⱼ", "sisj", "ᵢⱼ", "ij", "⟨", "<", "⟩", ">", "ⱼ", "j", "ₖ", "k",
	"T_c", "Tc", "N_h", "Nh", "N_v", "Nᵥ", "s_r", "sᵣ", "C_c", "Cc")

// label returns s with the characters the plot fonts lack replaced.
func label(s string) string { return glyphs.Replace(s) }

// Curve is a labelled series with optional y errors, for ObservableFigure.
type Curve struct {
	Name       string
	X, Y, YErr []float64
	Dashed     bool
	// Marks draws the points alone (crosses, no line): points to flag,
	// such as readings clipped at the edge of a range.
	Marks bool
	// Points draws the points with their error bars and no line
	// (measurements, beside the exact curves drawn as lines).
	Points bool
	// Line draws the line alone, without point marks (an exact curve
	// sampled finely).
	Line  bool
	Color color.Color
}

// Panel is one plot of curves in a figure.
type Panel struct {
	Title, XLabel, YLabel string
	Curves                []Curve
	// XTicks and YTicks, if not nil, mark the axes (TTicks for
	// temperatures).
	XTicks, YTicks plot.Ticker
	// YMin and YMax, if YMax > YMin, fix the y range (head room for the
	// legend).
	YMin, YMax float64
	// LegendBottom and LegendLeft move the legend from the top right.
	LegendBottom, LegendLeft bool
	// LogY (LogX) draws the y (x) axis on a log scale (points with
	// non-positive coordinates are left out).
	LogY, LogX bool
}

// CurvesFigure writes one panel per (title, curves) pair, side by side.
func CurvesFigure(path string, titles, xlabels, ylabels []string, panels [][]Curve) error {
	ps := make([]Panel, len(panels))
	for i := range panels {
		ps[i] = Panel{Title: titles[i], XLabel: xlabels[i], YLabel: ylabels[i], Curves: panels[i]}
	}
	return PanelsFigure(path, ps, len(ps))
}

// PanelsFigure writes the panels in a grid of the given number of columns.
// It returns an error (CheckPanel) if two curves of one panel share a
// legend name or if a panel has curves but nothing to draw.
func PanelsFigure(path string, panels []Panel, cols int) error {
	var rows [][]*plot.Plot
	for i, pn := range panels {
		if err := CheckPanel(pn); err != nil {
			return err
		}
		p, err := panelPlot(pn)
		if err != nil {
			return err
		}
		if i%cols == 0 {
			rows = append(rows, nil)
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], p)
	}
	return plotutil.SaveTiles(rows, 5*vg.Inch, 4*vg.Inch, path)
}

// CheckPanel returns an error if two curves of the panel share a legend
// name, or if the panel has curves but none with a point that can be drawn
// (every y not finite, or not positive on a log axis): a blank panel that
// looks like a plot.
func CheckPanel(pn Panel) error {
	seen := map[string]bool{}
	drawn := false
	for _, c := range pn.Curves {
		if c.Name != "" && seen[c.Name] {
			return fmt.Errorf("pipeline: panel %q has two legend entries %q", pn.Title, c.Name)
		}
		seen[c.Name] = true
		for k := range c.X {
			if drawable(pn, c.X[k], c.Y[k]) {
				drawn = true
				break
			}
		}
	}
	if len(pn.Curves) > 0 && !drawn {
		return fmt.Errorf("pipeline: panel %q has %d curves and no point to draw (every value NaN, infinite or, on a log axis, not positive)", pn.Title, len(pn.Curves))
	}
	return nil
}

// drawable reports whether the point (x, y) of a curve of panel pn is drawn.
func drawable(pn Panel, x, y float64) bool {
	return !math.IsNaN(y) && !math.IsInf(y, 0) && !math.IsNaN(x) && !math.IsInf(x, 0) && !(pn.LogY && y <= 0) && !(pn.LogX && x <= 0)
}

func panelPlot(pn Panel) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = label(pn.Title), label(pn.XLabel), label(pn.YLabel)
	floor := lowestY(pn)
	for j, c := range pn.Curves {
		// Non-finite points (a thermometer reading outside its range)
		// are left out; infinite error bars are drawn as none.
		var xy plotter.XYs
		var e plotter.YErrors
		for k := range c.X {
			if !drawable(pn, c.X[k], c.Y[k]) {
				continue
			}
			x, y := c.X[k], c.Y[k]
			if pn.LogX {
				x = math.Log10(x)
			}
			lo, hi := 0.0, 0.0
			if c.YErr != nil {
				if ek := c.YErr[k]; !math.IsNaN(ek) && !math.IsInf(ek, 0) {
					lo, hi = ek, ek
				}
			}
			if pn.LogY {
				lo, hi, y = logErrors(y, lo, hi, floor)
			}
			xy = append(xy, plotter.XY{X: x, Y: y})
			if c.YErr != nil {
				e = append(e, struct{ Low, High float64 }{lo, hi})
			}
		}
		if len(xy) == 0 {
			continue
		}
		l, pts, err := plotter.NewLinePoints(xy)
		if err != nil {
			return nil, err
		}
		col := c.Color
		if col == nil {
			col = palette(j)
		}
		l.Color, pts.Color = col, col
		pts.Radius = vg.Points(1.5)
		if c.Dashed {
			l.Dashes = []vg.Length{vg.Points(4), vg.Points(2)}
		}
		if c.Dashed || c.Line {
			pts.Radius = 0
		}
		if c.Marks {
			pts.Shape = draw.CrossGlyph{}
			pts.Radius = vg.Points(4)
			p.Add(pts)
			if c.Name != "" {
				p.Legend.Add(label(c.Name), pts)
			}
			continue
		}
		if c.Points {
			pts.Shape, pts.Radius = draw.CircleGlyph{}, vg.Points(2.5)
			p.Add(pts)
		} else {
			p.Add(l, pts)
		}
		if c.YErr != nil {
			eb, err := plotter.NewYErrorBars(struct {
				plotter.XYs
				plotter.YErrors
			}{xy, e})
			if err != nil {
				return nil, err
			}
			eb.Color = col
			p.Add(eb)
		}
		switch {
		case c.Name != "" && c.Points:
			p.Legend.Add(label(c.Name), pts)
		case c.Name != "":
			p.Legend.Add(label(c.Name), l)
		}
	}
	p.Legend.Top = !pn.LegendBottom
	p.Legend.Left = pn.LegendLeft
	if pn.YMax > pn.YMin && !(pn.LogY && pn.YMin <= 0) {
		p.Y.Min, p.Y.Max = pn.YMin, pn.YMax
		if pn.LogY {
			p.Y.Min, p.Y.Max = math.Log10(pn.YMin), math.Log10(pn.YMax)
		}
	}
	p.X.Tick.Marker = axisTicks(pn.XTicks, pn.LogX, trimmedTicks{p.X.Tick.Marker})
	p.Y.Tick.Marker = axisTicks(pn.YTicks, pn.LogY, trimmedTicks{p.Y.Tick.Marker})
	return p, nil
}

// A log axis is drawn as a linear axis of log10 of the values, its ticks
// labelled with the values themselves (log10Ticks). gonum plot's own
// plot.LogScale places an axis label at the scale's image of the
// arithmetic mean of the axis range, near one end of a log axis, and
// reserves room for it there: a blank band above a log y axis.

// axisTicks returns the tick marker of an axis: set (if not nil) or, on a
// log axis, DecadeTicks, mapped to log10 coordinates; def otherwise.
func axisTicks(set plot.Ticker, log bool, def plot.Ticker) plot.Ticker {
	switch {
	case log && set == nil:
		return log10Ticks{DecadeTicks{}}
	case log:
		return log10Ticks{set}
	case set != nil:
		return set
	}
	return def
}

// trimmedTicks is a marker with its labels' trailing zeros removed:
// plot.DefaultTicks labels a 0 … 500 step axis "0.00, 250.00, 500.00".
type trimmedTicks struct{ inner plot.Ticker }

func (tt trimmedTicks) Ticks(min, max float64) []plot.Tick {
	ts := tt.inner.Ticks(min, max)
	for i, t := range ts {
		if strings.Contains(t.Label, ".") && !strings.ContainsAny(t.Label, "eE") {
			ts[i].Label = strings.TrimSuffix(strings.TrimRight(t.Label, "0"), ".")
		}
	}
	return ts
}

// log10Ticks marks an axis drawn in log10 coordinates with the ticks that
// the inner marker gives for the values 10^min … 10^max.
type log10Ticks struct{ inner plot.Ticker }

func (l log10Ticks) Ticks(min, max float64) []plot.Tick {
	// 10^log10(x) need not give x back: widen the range by a few ulps so
	// that a tick at the axis's end (N_h = 400 at the right) is kept.
	const slack = 1e-12
	ts := l.inner.Ticks(math.Pow(10, min)*(1-slack), math.Pow(10, max)*(1+slack))
	for i := range ts {
		ts[i].Value = math.Log10(ts[i].Value)
	}
	return ts
}

// logErrors maps a point y > 0 with error bars y − lo … y + hi to log10
// coordinates: the bar's ends are log10(y ± e). A lower end at or below 0
// (−∞ on a log axis) is drawn down to floor, the panel's lowest point.
func logErrors(y, lo, hi, floor float64) (loOut, hiOut, yOut float64) {
	ly := math.Log10(y)
	hiOut = math.Log10(y+hi) - ly
	switch {
	case y-lo > 0:
		loOut = ly - math.Log10(y-lo)
	case lo > 0:
		loOut = ly - math.Log10(math.Min(y, floor))
	}
	return loOut, hiOut, ly
}

// lowestY returns the smallest y of the panel's drawn points.
func lowestY(pn Panel) float64 {
	low := math.Inf(1)
	for _, c := range pn.Curves {
		for k := range c.X {
			if drawable(pn, c.X[k], c.Y[k]) {
				low = math.Min(low, c.Y[k])
			}
		}
	}
	return low
}

var gray = color.Gray{Y: 120}

// Gray is the colour of reference lines.
var Gray color.Color = gray

// Palette returns the i-th of ten distinct colours (cycling).
func Palette(i int) color.Color { return palette(i) }

func palette(i int) color.Color {
	cs := []color.Color{
		color.RGBA{R: 31, G: 119, B: 180, A: 255}, color.RGBA{R: 214, G: 39, B: 40, A: 255},
		color.RGBA{R: 44, G: 160, B: 44, A: 255}, color.RGBA{R: 255, G: 127, B: 14, A: 255},
		color.RGBA{R: 148, G: 103, B: 189, A: 255}, color.RGBA{R: 140, G: 86, B: 75, A: 255},
		color.RGBA{R: 227, G: 119, B: 194, A: 255}, color.RGBA{R: 127, G: 127, B: 127, A: 255},
		color.RGBA{R: 188, G: 189, B: 34, A: 255}, color.RGBA{R: 23, G: 190, B: 207, A: 255},
	}
	return cs[i%len(cs)]
}

// HeatMapFigure writes a matrix as a heat map PNG as printed (row 0 on
// top, the y ticks naming the rows drawn there), on a colour scale centred
// on 0, with a colour bar labelled barLabel.
func HeatMapFigure(path, title, xlabel, ylabel, barLabel string, m mat.Matrix) error {
	return SaveFigure(path, [][]Tile{{MatrixTile(title, xlabel, ylabel, barLabel, m, true)}}, 6*vg.Inch, 5*vg.Inch)
}

// DecadeTicks marks a log axis at every power of ten, labelled (plainly
// from 0.001 to 1000, as 1e-5 beyond), and at 2…9 times each, unlabelled
// unless the axis spans less than two decades. (plot.LogTicks labels 1e-5
// as 9.999999999999999e-06.)
type DecadeTicks struct{}

// Ticks returns the ticks between min and max (min > 0).
func (DecadeTicks) Ticks(min, max float64) []plot.Tick {
	if !(min > 0) || !(max >= min) || math.IsInf(max, 0) {
		return nil
	}
	lo, hi := int(math.Floor(math.Log10(min))), int(math.Ceil(math.Log10(max)))
	all := hi-lo <= 2
	var ts []plot.Tick
	for e := lo; e <= hi; e++ {
		for m := 1; m <= 9; m++ {
			// The decimal literal parsed gives the double nearest to m·10^e.
			v, _ := strconv.ParseFloat(fmt.Sprintf("%de%d", m, e), 64)
			if v < min || v > max {
				continue
			}
			t := plot.Tick{Value: v}
			if m == 1 || all {
				if e >= -3 && e <= 3 {
					t.Label = strconv.FormatFloat(v, 'f', -1, 64)
				} else {
					t.Label = fmt.Sprintf("%de%d", m, e)
				}
			}
			ts = append(ts, t)
		}
	}
	return ts
}

// ValueTicks marks an axis at the given values, labelled with them (such
// as the hidden sizes on a log N_h axis).
type ValueTicks []float64

// Ticks returns the values between min and max.
func (v ValueTicks) Ticks(min, max float64) []plot.Tick {
	var ts []plot.Tick
	for _, x := range v {
		if x >= min && x <= max {
			ts = append(ts, plot.Tick{Value: x, Label: strconv.FormatFloat(x, 'g', -1, 64)})
		}
	}
	return ts
}
