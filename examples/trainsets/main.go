// Command trainsets compares RBM flows after training on different sets of
// temperatures (PAPER.md §3 and §6, figure 4): all T; T ≥ 4; T = 0; T = 0
// and ∞; all T except 1.75 ≤ T ≤ 2.75; and mean-field (topology-free) data.
// Every RBM gets the same number of parameter updates, so a small training
// set is passed over more often. The same neural thermometer, trained on
// lattice data of all temperatures, reads every flow.
//
//	go run ./examples/trainsets -out out/trainsets
//
// It writes trainsets.png (the temperature distribution at the last flow
// step from T = 0 and from T = ∞ for each set), magnetization.png (|m| along
// the flows), summary.json (fixed points beside PAPER.md §4's outcomes) and
// one rbm_SET.npz per set.
package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"

	"gonum.org/v1/gonum/mat"

	"github.com/rgflow/rgflow/examples/internal/pipeline"
	"github.com/rgflow/rgflow/flow"
	"github.com/rgflow/rgflow/ising"
)

type config struct {
	pipeline.Common
}

func main() {
	c, err := parse(os.Args[1:], os.Stderr)
	if err != nil {
		os.Exit(pipeline.ExitCode(err))
	}
	if err := run(c, &pipeline.Progress{}); err != nil {
		fmt.Fprintln(os.Stderr, "trainsets:", err)
		os.Exit(1)
	}
}

// parse parses and validates the command line; messages and the usage go
// to stderr.
func parse(args []string, stderr io.Writer) (config, error) {
	c := config{Common: pipeline.Defaults("out/trainsets")}
	// Six RBMs in about a minute: half the data and half the epochs of
	// examples/paper.
	c.Data.PerTemp = 1000
	c.RBM.Epochs = 30
	c.Chains = 500
	fs := pipeline.NewFlagSet("trainsets", stderr)
	c.Flags(fs)
	err := pipeline.Parse(fs, args, c.Validate)
	return c, err
}

// set is one training set and the reference outcome of PAPER.md §4.
type set struct {
	Key, Name string
	Reference string  `json:"reference"`
	RefM      float64 `json:"reference_m"` // NaN: none quoted
	data      *mat.Dense
}

// result is one training set's outcome.
type result struct {
	Set        string             `json:"set"`
	Key        string             `json:"key"`
	Rows       int                `json:"rows"`
	Epochs     int                `json:"epochs"`
	Reference  string             `json:"reference"`
	RefM       float64            `json:"reference_m"`
	ReconTrain float64            `json:"recon_train"`
	Fixed      []*flow.FixedPoint `json:"fixed_points"` // from T = 0, from T = ∞
	Last       []flow.Readout     `json:"last_readouts"`
	flows      []pipeline.FlowResult
}

func sets(c config, train *ising.Dataset, p *pipeline.Progress) ([]set, error) {
	all := func(float64) bool { return true }
	zero := pipeline.Rows(train, func(t float64) bool { return t == 0 })
	if zero == nil {
		return nil, errNoZero(train.Grid)
	}
	nZero, _ := zero.Dims()
	inf, err := generate(c, train.L, []float64{math.Inf(1)}, nZero, ising.Auto, "T=inf", p)
	if err != nil {
		return nil, err
	}
	perTemp := len(train.Temps) / len(train.Grid)
	mf, err := generate(c, train.L, train.Grid, perTemp, ising.AlgMeanField, "mean-field", p)
	if err != nil {
		return nil, err
	}
	return []set{
		{"all", "all T", "peak at T = 2.5 (p ≈ 0.27) from both starts", 0.6507, pipeline.Rows(train, all)},
		{"high", "T ≥ 4", "flows to high temperature, not T_c", 0.09, pipeline.Rows(train, func(t float64) bool { return t >= 4 })},
		{"zero", "T = 0", "stays frozen at low T", 1.0, zero},
		{"zero-inf", "T = 0 and ∞", "two fixed points: from 0 reads ≈ 2.25, |m| ≈ 0.86; from ∞ stays high, |m| ≈ 0.25", 0.86, pipeline.Stack(zero, inf)},
		{"no-band", "all T except 1.75 ≤ T ≤ 2.75", "(no reference number)", math.NaN(), pipeline.Rows(train, func(t float64) bool { return t < 1.75 || t > 2.75 })},
		{"meanfield", "mean-field data", "peak ≈ 2.75", 0.5426, mf},
	}, nil
}

func errNoZero(grid []float64) error {
	return fmt.Errorf("the temperature grid %v has no T = 0 (the T = 0 training sets need it)", grid)
}

// checkData checks, before the thermometer is trained, that no training
// set is empty: the data have the T = 0 configurations the T = 0 sets are
// made of, and some at T ≥ 4 (the set "T ≥ 4"; the set without the
// critical band holds T = 0).
func checkData(all, train, test *ising.Dataset) error {
	if !slices.Contains(all.Grid, 0) {
		return errNoZero(all.Grid)
	}
	if all.Grid[len(all.Grid)-1] < 4 {
		return fmt.Errorf("the temperature grid %v has no T ≥ 4 (the training set T ≥ 4 needs it)", all.Grid)
	}
	return nil
}

// generate draws n configurations per temperature of grid with the given
// algorithm, on the training data's lattice (side L: with -data, the
// loaded dataset's, not -L's).
func generate(c config, L int, grid []float64, n int, alg ising.Algorithm, part string, p *pipeline.Progress) (*mat.Dense, error) {
	d, err := ising.Generate(&ising.DatasetSettings{L: L, Grid: grid, PerTemp: n, Algorithm: alg}, pipeline.Src(c.Seed, part), nil)
	if err != nil {
		return nil, err
	}
	p.Printf("generated %d %s configurations", len(d.Temps), part)
	return d.Configs, nil
}

func run(c config, p *pipeline.Progress) error {
	if err := c.Validate(); err != nil {
		return err
	}
	st, err := c.Common.Stage(c)
	if err != nil {
		return err
	}
	pr, err := pipeline.PrepareWith(&c.Common, checkData, p)
	if err != nil {
		return err
	}
	ss, err := sets(c, pr.Train, p)
	if err != nil {
		return err
	}
	allRows, _ := ss[0].data.Dims()
	_, nv := ss[0].data.Dims()
	var res []result
	for _, s := range ss {
		rows, _ := s.data.Dims()
		rc := c.RBM
		// Equal numbers of updates: epochs × rows ≈ the all-T run's.
		rc.Epochs = int(math.Ceil(float64(c.RBM.Epochs) * float64(allRows) / float64(rows)))
		rc.Checkpoint = st.Checkpoint("rbm_" + s.Key + ".ckpt")
		p.Printf("training set %s: %d configurations, %d epochs", s.Name, rows, rc.Epochs)
		m, _, err := pipeline.TrainRBM(s.data, nil, rc, p)
		if err != nil {
			return err
		}
		if err := m.Save(filepath.Join(c.Out, "rbm_"+s.Key+".npz")); err != nil {
			return err
		}
		flows, err := pipeline.RunFlows(m, c.MeanField, pipeline.Starts(c.Chains, nv, c.Seed), c.Steps, pr.Obs, c.Seed, p)
		if err != nil {
			return err
		}
		r := result{Set: s.Name, Key: s.Key, Rows: rows, Epochs: rc.Epochs, Reference: s.Reference, RefM: s.RefM,
			ReconTrain: pipeline.FlowReconError(m, s.data, c.Seed), flows: flows}
		r.Fixed, r.Last = pipeline.Ends(flows)
		res = append(res, r)
	}
	if err := figures(c.Out, res); err != nil {
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
	p.Printf("wrote %s: trainsets.png, magnetization.png, summary.json, rbm_*.npz", st.Final)
	return nil
}

func figures(dir string, res []result) error {
	var dist, mag []pipeline.Panel
	for _, r := range res {
		var dc, mc []pipeline.Curve
		for s, name := range []string{"T = 0", "T = ∞"} {
			l := r.Last[s]
			dc = append(dc, pipeline.Curve{Name: "from " + name, X: l.Temps, Y: l.Dist, YErr: l.DistErr})
			var x, m, me []float64
			for _, rd := range r.flows[s].Readouts {
				x, m, me = append(x, float64(rd.Step)), append(m, rd.AbsM), append(me, rd.AbsMErr)
			}
			mc = append(mc, pipeline.Curve{Name: "from " + name, X: x, Y: m, YErr: me})
		}
		dc = append(dc, pipeline.Curve{Name: "exact T_c", X: []float64{pipeline.Tc, pipeline.Tc}, Y: []float64{0, 0.5}, Dashed: true})
		dist = append(dist, pipeline.Panel{Title: "trained on " + r.Set, XLabel: "thermometer temperature T", YLabel: "mean softmax at the last step", Curves: dc})
		if !math.IsNaN(r.RefM) {
			mc = append(mc, pipeline.Curve{Name: "reference m*", X: []float64{0, float64(len(r.flows[0].Readouts) - 1)}, Y: []float64{r.RefM, r.RefM}, Dashed: true})
		}
		mag = append(mag, pipeline.Panel{Title: "trained on " + r.Set, XLabel: "flow step", YLabel: "⟨|m|⟩", Curves: mc})
	}
	if err := pipeline.PanelsFigure(filepath.Join(dir, "trainsets.png"), dist, 3); err != nil {
		return err
	}
	return pipeline.PanelsFigure(filepath.Join(dir, "magnetization.png"), mag, 3)
}
