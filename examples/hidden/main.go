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
	// Eight RBMs (Σ N_h ≈ 11 × 100) in about a minute: half the data and
	// half the epochs of examples/paper.
	c.Data.PerTemp = 500
	c.RBM.Epochs = 30
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
	if err := figure(filepath.Join(c.Out, "hidden.png"), res); err != nil {
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

// figure draws the last-step temperature distribution from T = 0 for each
// N_h, and the peak, ⟨T⟩ and the |m|-based temperature against N_h for both
// starts.
func figure(path string, res []result) error {
	var dists, peaks, ms []pipeline.Curve
	for _, r := range res {
		l := r.Last[0]
		dists = append(dists, pipeline.Curve{Name: fmt.Sprintf("N_h = %d", r.Nh), X: l.Temps, Y: l.Dist})
	}
	for s, name := range []string{"T = 0", "T = ∞"} {
		var x, pk, ex, exErr, m, mErr []float64
		for _, r := range res {
			l := r.Last[s]
			x = append(x, float64(r.Nh))
			pk = append(pk, l.Peak)
			ex, exErr = append(ex, l.Expect), append(exErr, l.ExpectErr)
			m, mErr = append(m, l.AbsM), append(mErr, l.AbsMErr)
		}
		peaks = append(peaks,
			pipeline.Curve{Name: "peak, from " + name, X: x, Y: pk},
			pipeline.Curve{Name: "⟨T⟩, from " + name, X: x, Y: ex, YErr: exErr})
		ms = append(ms, pipeline.Curve{Name: "from " + name, X: x, Y: m, YErr: mErr})
	}
	lo, hi := float64(res[0].Nh), float64(res[len(res)-1].Nh)
	peaks = append(peaks, pipeline.Curve{Name: "exact T_c", X: []float64{lo, hi}, Y: []float64{pipeline.Tc, pipeline.Tc}, Dashed: true})
	return pipeline.CurvesFigure(path,
		[]string{"last step of the flow from T = 0", "thermometer at the last step", "|m| at the last step"},
		[]string{"thermometer temperature T", "hidden units N_h", "hidden units N_h"},
		[]string{"mean softmax probability", "temperature", "⟨|m|⟩"},
		[][]pipeline.Curve{dists, peaks, ms})
}
