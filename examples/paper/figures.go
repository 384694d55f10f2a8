package main

import (
	"fmt"
	"image/color"
	"math"

	"github.com/rgflow/rgflow/examples/internal/pipeline"
	"github.com/rgflow/rgflow/flow"
)

// mcLevels are the temperatures whose Monte Carlo ⟨|m|⟩ and ⟨e⟩ are drawn
// as reference levels along the flows.
var mcLevels = []float64{2.0, 2.25, 2.5, 2.75, 3.0}

// observablesFigure draws, along both flows: |m| and e with Monte Carlo
// reference levels, the physical thermometers (readings clipped at the edge
// of the temperature grid marked), the connected correlation at r = 1 and
// ξ, the Kolmogorov–Smirnov distance of |m| and e to the nearest Monte
// Carlo ensemble of the data, and the fraction of chains in the ordered
// basin.
func observablesFigure(path string, s summary) error {
	var mc, ec, tc, cc, ks, basin []pipeline.Curve
	steps := float64(s.Config.Steps)
	lo, hi := s.Data.PerTemp[0].T, s.Data.PerTemp[len(s.Data.PerTemp)-1].T
	clipNamed := false
	for i, fl := range s.Flows {
		col := flowColor(i)
		var x, am, amErr, e, eErr, c1, c1Err, xi, xiErr, dM, dE, ord, ordErr []float64
		var tE, tEErr, tM, tMErr []float64
		var clipX, clipY []float64
		for _, r := range fl.Readouts {
			st := float64(r.Step)
			x = append(x, st)
			am, amErr = append(am, r.AbsM), append(amErr, r.AbsMErr)
			e, eErr = append(e, r.E), append(eErr, r.EErr)
			for k, rd := range r.Ensembles[:2] {
				// Error bars stop at the grid's ends: the thermometers
				// cannot read beyond them.
				err := math.Min(rd.Err, math.Min(rd.T-lo, hi-rd.T))
				if k == 0 {
					tE, tEErr = append(tE, rd.T), append(tEErr, err)
				} else {
					tM, tMErr = append(tM, rd.T), append(tMErr, err)
				}
				if rd.T <= lo || rd.T >= hi {
					clipX, clipY = append(clipX, st), append(clipY, rd.T)
				}
			}
			if c := r.Corr; c != nil {
				c1, c1Err = append(c1, c.Conn[1]), append(c1Err, c.ConnErr[1])
				xi, xiErr = append(xi, c.Xi), append(xiErr, c.XiErr)
			}
			dM, dE = append(dM, matchD(r.MatchAbsM)), append(dE, matchD(r.MatchE))
			var f float64
			for k, h := range r.AbsMHist {
				if float64(k)/float64(len(r.AbsMHist)) >= 0.5 {
					f += h
				}
			}
			ord, ordErr = append(ord, f), append(ordErr, math.Sqrt(f*(1-f)/float64(r.N)))
		}
		name := "from " + fl.Start
		mc = append(mc, pipeline.Curve{Name: name, X: x, Y: am, YErr: amErr, Color: col})
		ec = append(ec, pipeline.Curve{Name: name, X: x, Y: e, YErr: eErr, Color: col})
		tc = append(tc,
			pipeline.Curve{Name: name + ": T from energy", X: x, Y: tE, YErr: tEErr, Color: col},
			pipeline.Curve{Name: name + ": T from |m|", X: x, Y: tM, YErr: tMErr, Color: col, Dashed: true})
		if len(clipX) > 0 {
			nm := ""
			if !clipNamed {
				nm, clipNamed = "clipped at the grid's edge", true
			}
			tc = append(tc, pipeline.Curve{Name: nm, X: clipX, Y: clipY, Color: col, Marks: true})
		}
		cc = append(cc,
			pipeline.Curve{Name: name + ": Cc(1)", X: x, Y: c1, YErr: c1Err, Color: col},
			pipeline.Curve{Name: name + ": ξ", X: x, Y: xi, YErr: xiErr, Color: col, Dashed: true})
		ks = append(ks,
			pipeline.Curve{Name: name + ": |m|", X: x, Y: dM, Color: col},
			pipeline.Curve{Name: name + ": e", X: x, Y: dE, Color: col, Dashed: true})
		basin = append(basin, pipeline.Curve{Name: name, X: x, Y: ord, YErr: ordErr, Color: col})
	}
	// Monte Carlo reference levels.
	for k, T := range mcLevels {
		for _, pt := range s.Data.PerTemp {
			if pt.T != T {
				continue
			}
			nm := ""
			if k == 0 {
				nm = fmt.Sprintf("Monte Carlo, T = %g … %g (top to bottom)", mcLevels[0], mcLevels[len(mcLevels)-1])
			}
			mc = append(mc, pipeline.Curve{Name: nm, X: []float64{0, steps}, Y: []float64{pt.AbsM, pt.AbsM}, Dashed: true, Color: gray})
			if k == 0 {
				nm = fmt.Sprintf("Monte Carlo, T = %g … %g (bottom to top)", mcLevels[0], mcLevels[len(mcLevels)-1])
			}
			ec = append(ec, pipeline.Curve{Name: nm, X: []float64{0, steps}, Y: []float64{pt.E, pt.E}, Dashed: true, Color: gray})
		}
	}
	tc = append(tc, pipeline.Curve{Name: "exact T_c", X: []float64{0, steps}, Y: []float64{pipeline.Tc, pipeline.Tc}, Dashed: true, Color: gray})
	cc = append(cc, pipeline.Curve{Name: "product state: 0", X: []float64{0, steps}, Y: []float64{0, 0}, Dashed: true, Color: gray})
	return pipeline.PanelsFigure(path, []pipeline.Panel{
		{Title: "⟨|m|⟩ along the flow (± standard error)", XLabel: "flow step", YLabel: "⟨|m|⟩", Curves: mc, YMin: 0, YMax: 1.35},
		{Title: "energy per spin along the flow (± standard error)", XLabel: "flow step", YLabel: "⟨e⟩", Curves: ec, YMin: -2.05, YMax: 0.6},
		{Title: "physical thermometers (± standard error)", XLabel: "flow step", YLabel: "temperature whose Monte Carlo mean matches", Curves: tc, YMin: 0, YMax: 1.6 * hi, YTicks: pipeline.TTicks{}},
		{Title: "connected correlation Cc(1) and ξ (± standard error)", XLabel: "flow step", YLabel: "Cc(1), ξ (lattice spacings)", Curves: cc},
		{Title: "KS distance to the nearest-mean Monte Carlo ensemble of the grid", XLabel: "flow step", YLabel: "Kolmogorov–Smirnov D", Curves: ks, YMin: 0, YMax: 1.3},
		{Title: "ordered basin: fraction of chains with |m| ≥ 0.5 (± standard error)", XLabel: "flow step", YLabel: "fraction", Curves: basin, LegendBottom: true},
	}, 3)
}

func matchD(m *flow.Match) float64 {
	if m == nil {
		return math.NaN()
	}
	return m.D
}

// fixedPointFigure sets the last step of each flow against Monte Carlo at
// the temperatures matching its |m| and e: the correlation C(r) and its
// connected part, and the distributions of |m| and e.
func fixedPointFigure(path string, s summary) error {
	var panels []pipeline.Panel
	for _, fl := range s.Flows {
		c := fl.Compare
		if c == nil {
			continue
		}
		ens := []*pipeline.Ensemble{&c.Batch, c.MCAbsM, c.MCE}
		var corr, hm, he []pipeline.Curve
		for k, e := range ens {
			if e == nil {
				continue
			}
			col := pipeline.Palette(k)
			r := make([]float64, len(e.Corr.C))
			for i := range r {
				r[i] = float64(i)
			}
			corr = append(corr,
				pipeline.Curve{Name: e.Name + ": C(r)", X: r, Y: e.Corr.C, YErr: e.Corr.CErr, Color: col, Dashed: true},
				pipeline.Curve{Name: fmt.Sprintf("%s: Cc(r), ξ = %.2f", e.Name, e.Corr.Xi), X: r, Y: e.Corr.Conn, YErr: e.Corr.ConnErr, Color: col})
			if k != 2 {
				x, y := histogram(e.AbsMs(), 0, 1, 25)
				nm := e.Name
				if k == 1 && c.KSAbsM != nil {
					nm += fmt.Sprintf(" (KS D = %.2f)", c.KSAbsM.D)
				}
				hm = append(hm, pipeline.Curve{Name: nm, X: x, Y: y, Color: col})
			}
			if k != 1 {
				x, y := histogram(e.Es(), -2, 0.5, 25)
				nm := e.Name
				if k == 2 && c.KSE != nil {
					nm += fmt.Sprintf(" (KS D = %.2f)", c.KSE.D)
				}
				he = append(he, pipeline.Curve{Name: nm, X: x, Y: y, Color: col})
			}
		}
		panels = append(panels,
			pipeline.Panel{Title: fmt.Sprintf("from %s, step %d: spin correlation (± s.e.)", fl.Start, c.Step), XLabel: "distance r (lattice spacings)", YLabel: "C(r) dashed, Cc(r) solid", Curves: corr,
				XTicks: pipeline.ColTicks{Cols: len(c.Batch.Corr.C)}, YMin: -0.1, YMax: 1.6},
			pipeline.Panel{Title: fmt.Sprintf("|m| distribution (binomial spread %.3f)", c.Binomial), XLabel: "|m|", YLabel: "probability density", Curves: hm},
			pipeline.Panel{Title: "energy distribution", XLabel: "e (energy per spin)", YLabel: "probability density", Curves: he, LegendLeft: true})
	}
	return pipeline.PanelsFigure(path, panels, 3)
}

// histogram returns the bin centres and probability densities of xs in
// bins equal bins of [lo, hi] (values outside in the end bins).
func histogram(xs []float64, lo, hi float64, bins int) (x, y []float64) {
	w := (hi - lo) / float64(bins)
	y = make([]float64, bins)
	for _, v := range xs {
		k := min(bins-1, max(0, int((v-lo)/w)))
		y[k]++
	}
	x = make([]float64, bins)
	for k := range y {
		x[k] = lo + (float64(k)+0.5)*w
		y[k] /= float64(len(xs)) * w
	}
	return x, y
}

var gray = pipeline.Gray

func flowColor(i int) color.Color { return pipeline.Palette(i) }
