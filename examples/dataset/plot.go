package main

import (
	"image/color"
	"math"

	"github.com/rgflow/rgflow/examples/internal/pipeline"
	"github.com/rgflow/rgflow/ising"
)

var (
	dataColor  = color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}
	exactColor = color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}
)

// plotObservables draws ⟨|m|⟩, e, c and χ against T, with the exact
// finite-L curves (Kaufman) for e and c, exact enumeration of all states
// for ⟨|m|⟩ and χ where L ≤ 4 (no exact finite-L curve exists for them at
// larger L: the panel's title says so), Yang's infinite-lattice spontaneous
// magnetisation for ⟨|m|⟩, and a line at T_c. The panels go through
// pipeline.PanelsFigure and its checks (unique legend entries, something
// to draw, glyphs the font has).
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
	physical := s.Algorithm != ising.AlgMeanField.String() && s.Algorithm != ising.AlgCurieWeiss.String()
	exact := s.H == 0 && physical
	const n = 300
	curve := func(name string, f func(T float64) float64) pipeline.Curve {
		c := pipeline.Curve{Name: name, Color: exactColor, Line: true}
		for i := 0; i <= n; i++ {
			T := lo + (hi-lo)*float64(i)/n
			c.X, c.Y = append(c.X, T), append(c.Y, f(T))
		}
		return c
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
		{"magnetisation", "⟨|m|⟩", ms, ising.SpontaneousMagnetization, "Yang, L = ∞", func(e *ising.Enumeration) float64 { return e.AbsM }},
		{"energy", "e = E/N", es, func(T float64) float64 { return ising.Exact(s.L, T).E }, "Kaufman, exact L", nil},
		{"specific heat", "c", cs, func(T float64) float64 { return ising.Exact(s.L, T).C }, "Kaufman, exact L", nil},
		{"susceptibility N(⟨m²⟩ − ⟨|m|⟩²)/T", "χ", chis, nil, "", func(e *ising.Enumeration) float64 { return e.Chi }},
	}
	enumerable := s.L <= 4 && physical
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
	var out []pipeline.Panel
	for _, pn := range panels {
		p := pipeline.Panel{Title: pn.title, XLabel: "T", YLabel: pn.ylabel, XTicks: pipeline.TTicks{}, LegendBottom: pn.title == "energy", LegendLeft: pn.enum != nil && pn.exact == nil}
		if pn.enum != nil {
			if enumerable {
				c := pipeline.Curve{Name: "exact enumeration, this L", Color: exactColor, Line: true}
				for _, en := range enums {
					c.X, c.Y = append(c.X, en.T), append(c.Y, pn.enum(en))
				}
				p.Curves = append(p.Curves, c)
			} else {
				p.Title += " (no exact finite-L curve for L > 4)"
			}
		}
		if pn.exact != nil && (exact || pn.title == "magnetisation") {
			c := curve(pn.exactName, pn.exact)
			c.Dashed = pn.title == "magnetisation"
			p.Curves = append(p.Curves, c)
		}
		mc := pipeline.Curve{Name: "Monte Carlo (± standard error)", X: xs, Points: true, Color: dataColor}
		for _, v := range pn.data {
			mc.Y, mc.YErr = append(mc.Y, v.V), append(mc.YErr, v.Err)
		}
		p.Curves = append(p.Curves, mc)
		ylo, yhi, ok := yRange(p.Curves)
		if ok && !p.LegendBottom && yhi > ylo {
			// Head room for the legend above the curves.
			p.YMin, p.YMax = ylo, yhi+0.3*(yhi-ylo)
		}
		// (With nothing to draw the panel is left without the line, so
		// that PanelsFigure refuses it.)
		if ok && ising.Tc >= lo && ising.Tc <= hi {
			p.Curves = append(p.Curves, pipeline.Curve{X: []float64{ising.Tc, ising.Tc}, Y: []float64{ylo, yhi}, Dashed: true, Color: pipeline.Gray})
		}
		out = append(out, p)
	}
	return pipeline.PanelsFigure(path, out, 2)
}

// yRange returns the smallest and the largest finite y of the curves (with
// their error bars), and false if there is none.
func yRange(cs []pipeline.Curve) (lo, hi float64, ok bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, c := range cs {
		for k, y := range c.Y {
			e := 0.0
			if c.YErr != nil && !math.IsNaN(c.YErr[k]) && !math.IsInf(c.YErr[k], 0) {
				e = c.YErr[k]
			}
			if !math.IsNaN(y) && !math.IsInf(y, 0) {
				lo, hi = math.Min(lo, y-e), math.Max(hi, y+e)
			}
		}
	}
	return lo, hi, lo <= hi
}
