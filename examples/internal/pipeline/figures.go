package pipeline

import (
	"fmt"
	"image/color"
	"math"
	"strings"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

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

// stepColor shades early steps light and late steps dark.
func stepColor(i, n int) color.Color {
	f := 0.15 + 0.85*float64(i)/math.Max(1, float64(n-1))
	return color.RGBA{R: uint8(30 * f), G: uint8(60 + 60*(1-f)), B: uint8(255 * f), A: 255}
}

// FlowFigure writes a PNG with, for each flow, the thermometer's temperature
// distribution at selected steps (lines, light to dark) and as a heat map of
// step against temperature, with T_c marked. Every flow must carry
// distributions.
func FlowFigure(path string, flows []Flow, show []int) error {
	var rows [][]*plot.Plot
	for _, f := range flows {
		if len(f.Readouts) == 0 || !f.Readouts[0].HasDist() {
			return fmt.Errorf("pipeline: flow %q has no temperature distribution", f.Name)
		}
		lines := plot.New()
		lines.Title.Text = label("temperature distribution along the flow from " + f.Name)
		lines.X.Label.Text = "thermometer temperature T"
		lines.Y.Label.Text = "mean softmax probability"
		var keep []flow.Readout
		for _, s := range show {
			if s < len(f.Readouts) {
				keep = append(keep, f.Readouts[s])
			}
		}
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
			l.Color, pts.Color = stepColor(i, len(keep)), stepColor(i, len(keep))
			pts.Radius = vg.Points(1.5)
			lines.Add(l, pts)
			lines.Legend.Add(fmt.Sprintf("step %d", r.Step), l)
		}
		lines.Legend.Top = true
		tc := vline(Tc, 1.05*top)
		lines.Add(tc)
		lines.Legend.Add("exact T_c", tc)
		heat := plot.New()
		heat.Title.Text = label("from " + f.Name + ": probability (colour) by step")
		heat.X.Label.Text = "thermometer temperature T"
		heat.Y.Label.Text = "flow step"
		heat.Add(plotter.NewHeatMap(distGrid{f.Readouts}, moreland.SmoothBlueRed().Palette(64)))
		rows = append(rows, []*plot.Plot{lines, heat})
	}
	return plotutil.SaveTiles(rows, 6*vg.Inch, 4*vg.Inch, path)
}

// vline is a dashed vertical line at x from y = 0 to top.
func vline(x, top float64) *plotter.Line {
	l, _ := plotter.NewLine(plotter.XYs{{X: x, Y: 0}, {X: x, Y: top}})
	l.Dashes = []vg.Length{vg.Points(3), vg.Points(3)}
	l.Color = color.Gray{Y: 120}
	return l
}

// glyphs replaces characters the plot fonts lack with plain ones.
var glyphs = strings.NewReplacer("⟨", "<", "⟩", ">", "₀", "0", "₁", "1", "ᵢ", "i", "ⱼ", "j", "ₖ", "k", "²", "^2")

// label returns s with the characters the plot fonts lack replaced.
func label(s string) string { return glyphs.Replace(s) }

// Curve is a labelled series with optional y errors, for ObservableFigure.
type Curve struct {
	Name       string
	X, Y, YErr []float64
	Dashed     bool
	Color      color.Color
}

// Panel is one plot of curves in a figure.
type Panel struct {
	Title, XLabel, YLabel string
	Curves                []Curve
}

// CurvesFigure writes one panel per (title, curves) pair, side by side.
func CurvesFigure(path string, titles, xlabels, ylabels []string, panels [][]Curve) error {
	ps := make([]Panel, len(panels))
	for i := range panels {
		ps[i] = Panel{titles[i], xlabels[i], ylabels[i], panels[i]}
	}
	return PanelsFigure(path, ps, len(ps))
}

// PanelsFigure writes the panels in a grid of the given number of columns.
func PanelsFigure(path string, panels []Panel, cols int) error {
	var rows [][]*plot.Plot
	for i, pn := range panels {
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

func panelPlot(pn Panel) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = label(pn.Title), label(pn.XLabel), label(pn.YLabel)
	for j, c := range pn.Curves {
		// Non-finite points (a thermometer reading outside its range)
		// are left out; infinite error bars are drawn as none.
		var xy plotter.XYs
		var e plotter.YErrors
		for k := range c.X {
			if math.IsNaN(c.Y[k]) || math.IsInf(c.Y[k], 0) {
				continue
			}
			xy = append(xy, plotter.XY{X: c.X[k], Y: c.Y[k]})
			if c.YErr != nil {
				ek := c.YErr[k]
				if math.IsNaN(ek) || math.IsInf(ek, 0) {
					ek = 0
				}
				e = append(e, struct{ Low, High float64 }{ek, ek})
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
			pts.Radius = 0
		}
		p.Add(l, pts)
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
		if c.Name != "" {
			p.Legend.Add(label(c.Name), l)
		}
	}
	p.Legend.Top = true
	return p, nil
}

var gray = color.Gray{Y: 120}

func palette(i int) color.Color {
	cs := []color.Color{
		color.RGBA{R: 31, G: 119, B: 180, A: 255}, color.RGBA{R: 214, G: 39, B: 40, A: 255},
		color.RGBA{R: 44, G: 160, B: 44, A: 255}, color.RGBA{R: 255, G: 127, B: 14, A: 255},
		color.RGBA{R: 148, G: 103, B: 189, A: 255}, color.RGBA{R: 140, G: 86, B: 75, A: 255},
		color.RGBA{R: 227, G: 119, B: 194, A: 255}, color.RGBA{R: 127, G: 127, B: 127, A: 255},
	}
	return cs[i%len(cs)]
}

// HeatMapFigure writes a matrix as a heat map PNG (row 0 on top).
func HeatMapFigure(path, title string, m mat.Matrix) error {
	p := plot.New()
	p.Title.Text = label(title)
	p.Add(plotter.NewHeatMap(plotutil.Grid{M: m}, moreland.SmoothBlueRed().Palette(64)))
	return plotutil.SavePNG(p, 5*vg.Inch, 5*vg.Inch, path)
}
