// Command hidden runs the RBM flow for several hidden-layer sizes N_h
// (PAPER.md §6, figure 3): one RBM per N_h, trained on all temperatures, and
// the flows from T = 0 and T = ∞ read by the same neural thermometer.
//
//	go run ./examples/hidden -out out/hidden
//	go run ./examples/hidden -out out/hidden -nhs 16,36,64,81,100,144,225,400 -epochs 200 -n 2000
//
// It writes hidden.png (the fixed-point temperature distribution for each
// N_h, and the fixed point's readouts against N_h), summary.json and one
// rbm_NH.npz per size.
package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/rgflow/rgflow/examples/internal/pipeline"
	"github.com/rgflow/rgflow/flow"
)

type config struct {
	pipeline.Common
	Sizes []int `json:"hidden_sizes"`
}

func main() {
	c, err := parse(os.Args[1:], os.Stderr)
	if err != nil {
		os.Exit(pipeline.ExitCode(err))
	}
	if err := run(c, &pipeline.Progress{}); err != nil {
		fmt.Fprintln(os.Stderr, "hidden:", err)
		os.Exit(1)
	}
}

// parse parses and validates the command line; messages and the usage go
// to stderr.
func parse(args []string, stderr io.Writer) (config, error) {
	c := config{Common: pipeline.Defaults("out/hidden")}
	// Eight RBMs (Σ N_h ≈ 11 × 100) in about a minute: half the data of
	// examples/paper, its 60 epochs. The fixed point at N_h = 100 depends on
	// the number of updates: |m|* = 0.45 with 500 per T and 30 epochs (3000
	// updates), 0.630 with 1000 per T and 60 (12 000), 0.651 with the
	// paper's 2000 and 60 (24 000; the reference: 0.6507).
	c.Data.PerTemp = 1000
	c.RBM.Epochs = 60
	c.Chains = 500
	fs := pipeline.NewFlagSet("hidden", stderr)
	c.Flags(fs)
	nhs := fs.String("nhs", "16,36,64,81,100,144,225,400", "comma-separated hidden sizes")
	err := pipeline.Parse(fs, args, func() error {
		var err error
		if c.Sizes, err = parseInts(*nhs); err != nil {
			return pipeline.BadFlag("nhs", "%v", err)
		}
		return validate(c)
	})
	return c, err
}

// validate checks every flag of c before any work.
func validate(c config) error {
	if len(c.Sizes) == 0 {
		return pipeline.BadFlag("nhs", "no hidden sizes")
	}
	for _, nh := range c.Sizes {
		if err := pipeline.IntIn("nhs", nh, 1, pipeline.MaxHidden); err != nil {
			return err
		}
	}
	return c.Common.Validate()
}

func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("bad hidden size %q", f)
		}
		out = append(out, n)
	}
	return out, nil
}

// result is one hidden size's outcome.
type result struct {
	Nh         int                `json:"nh"`
	ReconTrain float64            `json:"recon_train"`
	Fixed      []*flow.FixedPoint `json:"fixed_points"` // from T = 0, from T = ∞ (null: not converged)
	Last       []flow.Readout     `json:"last_readouts"`
}

func run(c config, p *pipeline.Progress) error {
	if err := validate(c); err != nil {
		return err
	}
	st, err := c.Common.Stage(c)
	if err != nil {
		return err
	}
	pr, err := pipeline.Prepare(&c.Common, p)
	if err != nil {
		return err
	}
	_, nv := pr.Train.Configs.Dims()
	var res []result
	for _, nh := range c.Sizes {
		rc := c.RBM
		rc.Nh = nh
		rc.Checkpoint = st.Checkpoint(fmt.Sprintf("rbm_%d.ckpt", nh))
		p.Printf("N_h = %d", nh)
		m, _, err := pipeline.TrainRBM(pr.Train.Configs, pr.Test.Configs, rc, p)
		if err != nil {
			return err
		}
		if err := m.Save(filepath.Join(c.Out, fmt.Sprintf("rbm_%d.npz", nh))); err != nil {
			return err
		}
		flows, err := pipeline.RunFlows(m, c.MeanField, pipeline.Starts(c.Chains, nv, c.Seed), c.Steps, pr.Obs, c.Seed, p)
		if err != nil {
			return err
		}
		r := result{Nh: nh, ReconTrain: pipeline.FlowReconError(m, pr.Train.Configs, c.Seed)}
		r.Fixed, r.Last = pipeline.Ends(flows)
		res = append(res, r)
	}
	if err := figure(filepath.Join(c.Out, "hidden.png"), res, c); err != nil {
		return err
	}
	if err := pipeline.WriteJSON(filepath.Join(c.Out, "summary.json"), struct {
		Config  config   `json:"config"`
		Results []result `json:"results"`
	}{c, res}); err != nil {
		return err
	}
	if err := st.Commit(); err != nil {
		return err
	}
	p.Printf("wrote %s: hidden.png, summary.json, rbm_*.npz", st.Final)
	return nil
}

// figure draws the last-step temperature distribution for each N_h from
// T = 0 and from T = ∞, and against N_h (log axis): the neural
// thermometer's peak and ⟨T⟩ beside the physical thermometers (the
// temperatures whose Monte Carlo ⟨e⟩ and ⟨|m|⟩ match), and |m|, for both
// starts. Flows without a fixed point are marked in the legend.
func figure(path string, res []result, c config) error {
	var dists [2][]pipeline.Curve
	var temps, ms []pipeline.Curve
	top := 0.0
	for i, r := range res {
		for s := range 2 {
			l := r.Last[s]
			for _, d := range l.Dist {
				top = math.Max(top, d)
			}
			note := ""
			if r.Fixed[s] == nil {
				note = " (not converged)"
			}
			dists[s] = append(dists[s], pipeline.Curve{Name: fmt.Sprintf("N_h = %d%s", r.Nh, note), X: l.Temps, Y: l.Dist, Color: pipeline.Palette(i)})
		}
	}
	for s, name := range []string{"T = 0", "T = ∞"} {
		var x, pk, ex, exErr, tE, tEErr, tM, tMErr, m, mErr []float64
		for _, r := range res {
			l := r.Last[s]
			x = append(x, float64(r.Nh))
			pk = append(pk, l.Peak)
			ex, exErr = append(ex, l.Expect), append(exErr, l.ExpectErr)
			tE, tEErr = append(tE, l.Ensembles[0].T), append(tEErr, l.Ensembles[0].Err)
			tM, tMErr = append(tM, l.Ensembles[1].T), append(tMErr, l.Ensembles[1].Err)
			m, mErr = append(m, l.AbsM), append(mErr, l.AbsMErr)
		}
		dash := s == 1
		temps = append(temps,
			pipeline.Curve{Name: "network peak, from " + name, X: x, Y: pk, Color: pipeline.Palette(0), Dashed: dash},
			pipeline.Curve{Name: "network ⟨T⟩, from " + name, X: x, Y: ex, YErr: exErr, Color: pipeline.Palette(1), Dashed: dash},
			pipeline.Curve{Name: "T from energy, from " + name, X: x, Y: tE, YErr: tEErr, Color: pipeline.Palette(2), Dashed: dash},
			pipeline.Curve{Name: "T from |m|, from " + name, X: x, Y: tM, YErr: tMErr, Color: pipeline.Palette(3), Dashed: dash})
		ms = append(ms, pipeline.Curve{Name: "from " + name, X: x, Y: m, YErr: mErr, Color: pipeline.Palette(s), Dashed: dash})
	}
	var sizes []float64
	for _, r := range res {
		sizes = append(sizes, float64(r.Nh))
	}
	lo, hi := float64(res[0].Nh), float64(res[len(res)-1].Nh)
	temps = append(temps, pipeline.Curve{Name: "exact T_c", X: []float64{lo, hi}, Y: []float64{pipeline.Tc, pipeline.Tc}, Dashed: true, Color: pipeline.Gray})
	ms = append(ms, pipeline.Curve{Name: "reference m* at N_h = 100 (0.6507)", X: []float64{100}, Y: []float64{0.6507}, Marks: true, Color: pipeline.Gray})
	scale := fmt.Sprintf("%d per T, %d epochs, %d chains, %d steps", c.Data.PerTemp, c.RBM.Epochs, c.Chains, c.Steps)
	return pipeline.PanelsFigure(path, []pipeline.Panel{
		{Title: "last step of the flow from T = 0", XLabel: "thermometer temperature T", YLabel: "mean softmax probability", Curves: dists[0], XTicks: pipeline.TTicks{}, YMin: 0, YMax: 1.8 * top},
		{Title: "last step of the flow from T = ∞", XLabel: "thermometer temperature T", YLabel: "mean softmax probability", Curves: dists[1], XTicks: pipeline.TTicks{}, YMin: 0, YMax: 1.8 * top},
		{Title: "thermometers at the last step (± s.e.; dashed: from T = ∞)", XLabel: "hidden units N_h (log scale)", YLabel: "temperature", Curves: temps, LogX: true, XTicks: pipeline.ValueTicks(sizes), YMin: 0, YMax: 9, YTicks: pipeline.TTicks{}},
		{Title: "|m| at the last step (" + scale + ")", XLabel: "hidden units N_h (log scale)", YLabel: "⟨|m|⟩ (± standard error)", Curves: ms, LogX: true, XTicks: pipeline.ValueTicks(sizes), YMin: 0, YMax: 1.2},
	}, 2)
}
