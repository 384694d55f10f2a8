package main

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/rgflow/rgflow/examples/internal/pipeline"
	"github.com/rgflow/rgflow/internal/plotutil"
	"github.com/rgflow/rgflow/ising"
)

var (
	dataColor  = color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}
	exactColor = color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}
	tcColor    = color.Gray{Y: 0x99}
)

// errPoints adapts a series of (T, value ± err) to plotter.XYer and YErrorer.
type errPoints struct {
	x []float64
	y []val
}

func (p errPoints) Len() int                    { return len(p.x) }
func (p errPoints) XY(i int) (float64, float64) { return p.x[i], p.y[i].V }
func (p errPoints) YError(i int) (float64, float64) {
	e := p.y[i].Err
	if math.IsNaN(e) || math.IsInf(e, 0) {
		e = 0
	}
	return e, e
}

// plotObservables draws ⟨|m|⟩, e, c and χ against T, with the exact
// finite-L curves (Kaufman) for e and c, exact enumeration of all states
// for ⟨|m|⟩ and χ where L ≤ 4 (no exact finite-L curve exists for them at
// larger L: the legend says so), Yang's infinite-lattice spontaneous
// magnetisation for ⟨|m|⟩, and a line at T_c.
func plotObservables(path string, s summary) error {
	var xs []float64
	var ms, es, cs, chis []val
	for _, t := range s.Temps {
		if math.IsInf(float64(t.T), 0) || t.N == 0 {
			continue
		}
		xs = append(xs, float64(t.T))
		ms, es, cs, chis = append(ms, t.AbsM), append(es, t.E), append(cs, t.C), append(chis, t.Chi)
	}
	lo, hi := 0.0, 6.0
	if len(xs) > 0 {
		lo, hi = xs[0], xs[len(xs)-1]
		if hi == lo {
			hi = lo + 1
		}
	}
	exact := s.H == 0 && s.Algorithm != ising.AlgMeanField.String() && s.Algorithm != ising.AlgCurieWeiss.String()
	curve := func(f func(T float64) float64) plotter.XYs {
		const n = 300
		pts := make(plotter.XYs, 0, n+1)
		for i := 0; i <= n; i++ {
			T := lo + (hi-lo)*float64(i)/n
			pts = append(pts, plotter.XY{X: T, Y: f(T)})
		}
		return pts
	}
	type panel struct {
		title, ylabel string
		data          []val
		exact         func(T float64) float64
		exactName     string
		// enum is the exact finite-L curve by enumeration (L ≤ 4).
		enum func(e *ising.Enumeration) float64
	}
	panels := []panel{
		{"magnetisation", "<|m|>", ms, ising.SpontaneousMagnetization, "Yang, L = ∞", func(e *ising.Enumeration) float64 { return e.AbsM }},
		{"energy", "e = E/N", es, func(T float64) float64 { return ising.Exact(s.L, T).E }, "Kaufman, exact L", nil},
		{"specific heat", "c", cs, func(T float64) float64 { return ising.Exact(s.L, T).C }, "Kaufman, exact L", nil},
		{"susceptibility N(<m^2> - <|m|>^2)/T", "chi", chis, nil, "", func(e *ising.Enumeration) float64 { return e.Chi }},
	}
	enumerable := s.L <= 4 && s.Algorithm != ising.AlgMeanField.String() && s.Algorithm != ising.AlgCurieWeiss.String()
	var enums []*ising.Enumeration
	if enumerable {
		const n = 120
		for i := 0; i <= n; i++ {
			T := lo + (hi-lo)*float64(i)/n
			if T <= 0 {
				T = 1e-3 * (hi - lo) // the T = 0 limit is reached continuously
			}
			en := ising.Enumerate(s.L, T, s.H)
			en.Prob, en.Energy = nil, nil
			enums = append(enums, en)
		}
	}
	var rows [][]*plot.Plot
	for k, pn := range panels {
		if k%2 == 0 {
			rows = append(rows, nil)
		}
		p := plot.New()
		p.Title.Text = pn.title
		p.X.Label.Text = "T"
		p.X.Tick.Marker = pipeline.TTicks{}
		p.Y.Label.Text = pn.ylabel
		p.Legend.Top = true
		if pn.title == "energy" {
			p.Legend.Top = false
		}
		if pn.enum != nil {
			if enumerable {
				pts := make(plotter.XYs, len(enums))
				for i, en := range enums {
					pts[i] = plotter.XY{X: en.T, Y: pn.enum(en)}
				}
				l, err := plotter.NewLine(pts)
				if err != nil {
					return err
				}
				l.Color = exactColor
				p.Add(l)
				p.Legend.Add("exact enumeration, this L", l)
			} else {
				p.Legend.Add("(no exact finite-L curve for L > 4)")
			}
		}
		if pn.exact != nil && (exact || pn.title == "magnetisation") {
			l, err := plotter.NewLine(curve(pn.exact))
			if err != nil {
				return err
			}
			l.Color = exactColor
			if pn.title == "magnetisation" {
				l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
			}
			p.Add(l)
			p.Legend.Add(pn.exactName, l)
		}
		pts := errPoints{xs, pn.data}
		sc, err := plotter.NewScatter(pts)
		if err != nil {
			return err
		}
		sc.Color = dataColor
		sc.Shape = draw.CircleGlyph{}
		sc.Radius = vg.Points(2.5)
		eb, err := plotter.NewYErrorBars(pts)
		if err != nil {
			return err
		}
		eb.Color = dataColor
		p.Add(eb, sc)
		p.Legend.Add("Monte Carlo (± standard error)", sc)
		if ising.Tc >= lo && ising.Tc <= hi {
			tc, err := plotter.NewLine(plotter.XYs{{X: ising.Tc, Y: minY(p)}, {X: ising.Tc, Y: maxY(p)}})
			if err != nil {
				return err
			}
			tc.Color = tcColor
			tc.Dashes = []vg.Length{vg.Points(2), vg.Points(2)}
			p.Add(tc)
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], p)
	}
	return plotutil.SaveTiles(rows, 5*vg.Inch, 4*vg.Inch, path)
}

// minY and maxY return the data range of p's y axis so far.
func minY(p *plot.Plot) float64 { return p.Y.Min }
func maxY(p *plot.Plot) float64 { return p.Y.Max }
