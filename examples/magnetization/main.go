// Command magnetization follows |m| and the energy per spin along the RBM
// flow and sets them against the Monte Carlo equilibrium curves (PAPER.md §4
// and §6, figures 5 and 7): each step is turned into two temperatures by the
// physical ensemble thermometers (the T whose Monte Carlo ⟨E⟩, or ⟨|m|⟩,
// matches), and a flow ends in an equilibrium state only if the two agree.
// Flows start at T = 0, at T = ∞ and from Monte Carlo configurations at
// several temperatures; the untrained baseline of Veiga and Vicente (weights
// redrawn from N(−0.001, 0.0015) each half-step: 0.0015 is the variance,
// the standard deviation √0.0015 ≈ 0.0387) runs beside them. That
// baseline's |m| comes from the weight mean times N_v with 0/1 units, not
// from the Ising model (with mean 0 it is ≈ 0.008).
//
//	go run ./examples/magnetization -out out/magnetization
//	go run ./examples/magnetization -out out/mag100 -L 100 -nh 400 -n 200 -epochs 20   # large lattice
//
// It writes magnetization.png, summary.json and rbm.npz.
package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/rgflow/rgflow/examples/internal/pipeline"
	"github.com/rgflow/rgflow/flow"
	"github.com/rgflow/rgflow/ising"
)

type config struct {
	pipeline.Common
	MCStarts []float64 `json:"mc_starts"`
	// Baseline is the random-weights stepper's N(Mean, Std²).
	BaseMean, BaseStd float64
}

func main() {
	c, err := parse(os.Args[1:], os.Stderr)
	if err != nil {
		os.Exit(pipeline.ExitCode(err))
	}
	if err := run(c, &pipeline.Progress{}); err != nil {
		fmt.Fprintln(os.Stderr, "magnetization:", err)
		os.Exit(1)
	}
}

// parse parses and validates the command line; messages and the usage go
// to stderr.
func parse(args []string, stderr io.Writer) (config, error) {
	c := config{Common: pipeline.Defaults("out/magnetization"), MCStarts: []float64{1.5, 2.0, 3.0, 4.0}, BaseMean: -0.001, BaseStd: math.Sqrt(0.0015)}
	// 100 steps (the reference: 40): the flows from T = ∞ and from Monte
	// Carlo starts settle in 20–40 steps, and a fixed point needs a still
	// stretch of half the flow.
	c.Steps = 100
	fs := pipeline.NewFlagSet("magnetization", stderr)
	c.Flags(fs)
	fs.Float64Var(&c.BaseMean, "base-mean", c.BaseMean, "random-weights baseline: weight mean")
	fs.Float64Var(&c.BaseStd, "base-std", c.BaseStd, "random-weights baseline: weight standard deviation (the reference's variance 0.0015: √0.0015 ≈ 0.0387)")
	err := pipeline.Parse(fs, args, func() error {
		// Without -nh the hidden layer is as large as the visible one, as
		// in the paper (N_h = N_v = L²).
		nhSet := false
		fs.Visit(func(f *flag.Flag) { nhSet = nhSet || f.Name == "nh" })
		if !nhSet && c.Data.L >= 1 && c.Data.L <= pipeline.MaxL {
			c.RBM.Nh = c.Data.L * c.Data.L
		}
		return validate(c)
	})
	return c, err
}

// validate checks every flag of c before any work.
func validate(c config) error {
	if err := c.Common.Validate(); err != nil {
		return err
	}
	if err := pipeline.Finite("base-mean", c.BaseMean); err != nil {
		return err
	}
	return pipeline.NonNegative("base-std", c.BaseStd)
}

// checkData checks, before any training, that the data suit the ensemble
// thermometers and hold every Monte Carlo start's temperature (Data leaves
// test configurations at each).
func checkData(c config, all *ising.Dataset) error {
	if err := pipeline.ThermometerGrid(all.Grid); err != nil {
		return err
	}
	return mcStartsIn(c.MCStarts, all.Grid)
}

// mcStartsIn returns an error unless every Monte Carlo start is a
// temperature of grid.
func mcStartsIn(starts, grid []float64) error {
	for _, T := range starts {
		if !slices.Contains(grid, T) {
			return fmt.Errorf("no configurations at T = %v for a Monte Carlo start: the dataset's grid is %v (it needs %v)", T, grid, starts)
		}
	}
	return nil
}

// mcPoint is one temperature of the Monte Carlo curves.
type mcPoint struct {
	T    float64 `json:"T"`
	AbsM float64 `json:"abs_m"`
	E    float64 `json:"e"`
}

type flowOut struct {
	Name  string           `json:"start"`
	Fixed *flow.FixedPoint `json:"fixed_point"`
	// Equilibrium: the energy- and |m|-based temperatures of the fixed
	// point agree within 3 combined errors.
	Equilibrium bool `json:"equilibrium"`
	// NotConverged says why there is no fixed point (empty if there is).
	NotConverged string `json:"not_converged,omitempty"`
	// LateAbsM and LateAbsMSpread are the mean and the spread (standard
	// deviation over steps) of ⟨|m|⟩ over the second half of the flow: the
	// value to quote where no fixed point is found, as for the
	// random-weights baseline.
	LateAbsM       float64        `json:"late_abs_m"`
	LateAbsMSpread float64        `json:"late_abs_m_spread"`
	Readouts       []flow.Readout `json:"readouts"`
}

func run(c config, p *pipeline.Progress) error {
	if err := validate(c); err != nil {
		return err
	}
	if err := c.Resolve(); err != nil {
		return err
	}
	st, err := c.Common.Stage(c)
	if err != nil {
		return err
	}
	all, train, test, err := pipeline.Data(c.Data, p)
	if err != nil {
		return err
	}
	if err := checkData(c, all); err != nil {
		return err
	}
	if err := os.MkdirAll(c.Out, 0o755); err != nil {
		return err
	}
	if err := st.Begin(); err != nil {
		return err
	}
	obs, err := pipeline.Observer(nil, train)
	if err != nil {
		return err
	}
	m, _, err := pipeline.TrainRBM(train.Configs, test.Configs, c.RBM, p)
	if err != nil {
		return err
	}
	if err := m.Save(filepath.Join(c.Out, "rbm.npz")); err != nil {
		return err
	}
	_, nv := all.Configs.Dims()
	starts := pipeline.Starts(c.Chains, nv, c.Seed)
	for _, T := range c.MCStarts {
		rows := pipeline.Rows(test, func(t float64) bool { return t == T })
		if rows == nil {
			return fmt.Errorf("no test configurations at T = %v for a Monte Carlo start", T)
		}
		n, _ := rows.Dims()
		starts = append(starts, pipeline.Start{Name: fmt.Sprintf("MC T = %.2f", T), V: mat.DenseCopyOf(rows.Slice(0, min(n, c.Chains), 0, nv))})
	}
	flows, err := pipeline.RunFlows(m, c.MeanField, starts, c.Steps, obs, c.Seed, p)
	if err != nil {
		return err
	}
	// The untrained baseline from both ends.
	var base []pipeline.FlowResult
	for _, st := range starts[:2] {
		rw := &flow.RandomWeights{Nh: c.RBM.Nh, Mean: c.BaseMean, Std: c.BaseStd, Src: pipeline.Src(c.Seed, "baseline "+st.Name)}
		r := pipeline.FlowResult{Flow: pipeline.Flow{Name: "random weights from " + st.Name}}
		if err := flow.Run(rw, st.V, c.Steps, func(n int, v *mat.Dense) error {
			r.Readouts = append(r.Readouts, obs.Measure(n, v))
			return nil
		}); err != nil {
			return err
		}
		r.FindFixed(p)
		base = append(base, r)
	}

	mc := curve(all)
	var outs []flowOut
	for _, f := range append(flows, base...) {
		o := flowOut{Name: f.Name, Fixed: f.Fixed, NotConverged: f.NotConverged, Readouts: f.Readouts}
		var late []float64
		for _, r := range f.Readouts[len(f.Readouts)/2:] {
			late = append(late, r.AbsM)
		}
		o.LateAbsM, o.LateAbsMSpread = meanStd(late)
		if fp := f.Fixed; fp != nil && len(fp.Ensembles) == 2 {
			a, b := fp.Ensembles[0], fp.Ensembles[1]
			o.Equilibrium = math.Abs(a.T-b.T) <= 3*math.Hypot(a.Err, b.Err)
		}
		outs = append(outs, o)
	}
	if err := figure(filepath.Join(c.Out, "magnetization.png"), mc, flows, base, c); err != nil {
		return err
	}
	if err := pipeline.WriteJSON(filepath.Join(c.Out, "summary.json"), struct {
		Config     config    `json:"config"`
		MonteCarlo []mcPoint `json:"monte_carlo"`
		Flows      []flowOut `json:"flows"`
	}{c, mc, outs}); err != nil {
		return err
	}
	if err := st.Commit(); err != nil {
		return err
	}
	p.Printf("wrote %s: magnetization.png, summary.json, rbm.npz", st.Final)
	return nil
}

// curve returns the Monte Carlo ⟨|m|⟩(T) and ⟨e⟩(T) of the dataset.
func curve(d *ising.Dataset) []mcPoint {
	e := ising.Energies(nil, d.L, d.H, d.Configs)
	m := ising.Magnetizations(nil, d.Configs)
	out := make([]mcPoint, len(d.Grid))
	n := make([]int, len(d.Grid))
	for i, k := range d.Labels {
		out[k].AbsM += math.Abs(m[i])
		out[k].E += e[i]
		n[k]++
	}
	for k := range out {
		out[k].T = d.Grid[k]
		out[k].AbsM /= float64(n[k])
		out[k].E /= float64(n[k])
	}
	return out
}

func figure(path string, mc []mcPoint, flows, base []pipeline.FlowResult, c config) error {
	var x, y []float64
	for _, p := range mc {
		x, y = append(x, p.E), append(y, p.AbsM)
	}
	plane := []pipeline.Curve{{Name: "Monte Carlo equilibrium (x: T = 0, 1, …)", X: x, Y: y, Dashed: true, Color: pipeline.Gray}}
	// Marks at the integer temperatures on the equilibrium curve.
	var mx, my []float64
	for _, p := range mc {
		if p.T == math.Round(p.T) {
			mx, my = append(mx, p.E), append(my, p.AbsM)
		}
	}
	plane = append(plane, pipeline.Curve{X: mx, Y: my, Marks: true, Color: pipeline.Gray})
	var mag, temps, rnd []pipeline.Curve
	all := append(append([]pipeline.FlowResult{}, flows...), base...)
	for i, f := range all {
		col := pipeline.Palette(i)
		var ex, my, myErr, st, tE, tM []float64
		for _, r := range f.Readouts {
			ex, my, myErr, st = append(ex, r.E), append(my, r.AbsM), append(myErr, r.AbsMErr), append(st, float64(r.Step))
			tE, tM = append(tE, r.Ensembles[0].T), append(tM, r.Ensembles[1].T)
		}
		name := f.Name
		switch {
		case f.Fixed == nil && i >= len(flows):
			// One W per half-step shared by every chain: the step-to-step
			// noise is common to all chains, beyond their standard errors.
			name += " (no fixed point: shared-W noise)"
		case f.Fixed == nil:
			name += " (not converged)"
		}
		if i >= len(flows) {
			name = strings.Replace(name, "random weights ", "", 1)
			rnd = append(rnd, pipeline.Curve{Name: name, X: st, Y: my, YErr: myErr, Color: col})
			continue
		}
		// The legend of the |m| panel names the colours of every panel.
		plane = append(plane, pipeline.Curve{X: ex, Y: my, Color: col})
		mag = append(mag, pipeline.Curve{Name: name, X: st, Y: my, YErr: myErr, Color: col})
		if f.Name == "T = 0" || f.Name == "T = ∞" {
			temps = append(temps,
				pipeline.Curve{Name: f.Name + ": T from energy", X: st, Y: tE, Color: col},
				pipeline.Curve{Name: f.Name + ": T from |m| (dashed)", X: st, Y: tM, Color: col, Dashed: true})
		}
	}
	steps := float64(len(flows[0].Readouts) - 1)
	temps = append(temps, pipeline.Curve{Name: "exact T_c", X: []float64{0, steps}, Y: []float64{pipeline.Tc, pipeline.Tc}, Dashed: true, Color: pipeline.Gray})
	return pipeline.PanelsFigure(path, []pipeline.Panel{
		{Title: "flows in the (e, |m|) plane (colours as beside)", XLabel: "energy per spin e", YLabel: "⟨|m|⟩", Curves: plane, YMin: 0, YMax: 1.3},
		{Title: "|m| along the flows (± standard error)", XLabel: "flow step", YLabel: "⟨|m|⟩", Curves: mag, YMin: 0, YMax: 1.7},
		{Title: "physical thermometers along the flows", XLabel: "flow step", YLabel: "temperature whose Monte Carlo mean matches", Curves: temps, YMin: 0, YMax: 9, YTicks: pipeline.TTicks{}},
		{Title: fmt.Sprintf("untrained: W ~ N(%g, %.4g²) per half-step, one W for all chains", c.BaseMean, c.BaseStd),
			XLabel: "flow step (|m| comes from the weight mean on 0/1 units, not T_c)", YLabel: "⟨|m|⟩ (± standard error)", Curves: rnd, YMin: 0, YMax: 1.2},
	}, 2)
}

// meanStd returns the mean and the standard deviation (n − 1) of xs.
func meanStd(xs []float64) (mean, std float64) {
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	if len(xs) < 2 {
		return mean, 0
	}
	for _, x := range xs {
		std += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(std / float64(len(xs)-1))
}
