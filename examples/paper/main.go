// Command paper runs the whole pipeline of Iso, Shiba and Yokoo (2018) and
// draws its main result: the temperature that the neural thermometer reads
// along the RBM flow converges near T_c from both T = 0 and T = ∞.
//
//	go run ./examples/paper -out out/paper           # default, about 7 s on 2 cores (more on a loaded machine)
//	go run ./examples/paper -out out/ref -reference  # the reference code's scale, about 8 min
//
// It generates the Ising dataset (L = 10, T = 0, 0.25, …, 6), trains the
// neural thermometer and a bias-free RBM on all temperatures, runs the
// sampled RBM flow from 1000 configurations at T = 0 and at T = ∞ for 100
// steps (the reference: 40), and writes
// into -out:
//
//	flow.png             the thermometer's temperature distribution along both flows
//	flow_observables.png |m|, energy and the physical thermometers' readings along the flows, with
//	                     Monte Carlo levels; the connected correlation Cc(1) and ξ, the KS distance to
//	                     the nearest Monte Carlo ensemble and the ordered-basin fraction along the flows
//	fixed_point.png      the last step of each flow against fresh Monte Carlo at the temperatures that
//	                     match its |m| and e: C(r) and Cc(r), the |m| and e distributions
//	summary.json         every number below, and the readouts of every step
//	report.md            the figures and numbers set beside PAPER.md §4: whether each flow converged
//	                     (every readout still), whether it ends in a product state, KS distances, basin
//	                     fractions, every thermometer's reading of the flows' ends side by side and
//	                     which conclusions survive the change of thermometer
//	rbm.npz              the trained RBM (W, vbias, hbias, metadata)
//	thermometer.npz      the trained neural thermometer
//	flows.npz            configurations at the first and last step of each flow
//
// It writes them into <out>.partial and moves that onto -out at the end, so
// a killed run leaves the previous outputs intact; the same command with
// -resume continues it from its checkpoints, to the same bits.
package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/rgflow/rgflow/examples/internal/pipeline"
	"github.com/rgflow/rgflow/flow"
	"github.com/rgflow/rgflow/internal/jsonf"
	"github.com/rgflow/rgflow/thermo"
)

type config struct {
	pipeline.Common
	Reference bool `json:"reference"`
	// Compare names another run's summary.json to set beside this one in
	// report.md (for example a run of the reference schedule).
	Compare string `json:"compare,omitempty"`
}

func main() {
	c, err := parse(os.Args[1:], os.Stderr)
	if err != nil {
		os.Exit(pipeline.ExitCode(err))
	}
	if err := run(c, &pipeline.Progress{}); err != nil {
		fmt.Fprintln(os.Stderr, "paper:", err)
		os.Exit(1)
	}
}

// parse parses and validates the command line; messages and the usage go
// to stderr.
func parse(args []string, stderr io.Writer) (config, error) {
	c := config{Common: pipeline.Defaults("out/paper")}
	// 100 steps, not the reference's 40: the flow from T = ∞ settles in
	// about 30 steps once every readout (|m|, e, the basin fractions) is
	// required to be still, and a fixed point needs a still stretch of at
	// least half the flow (flow.FixedPointSettings.MinFraction). The
	// report shows the readouts at step 40 too.
	c.Steps = 100
	fs := pipeline.NewFlagSet("paper", stderr)
	c.Flags(fs)
	fs.BoolVar(&c.Reference, "reference", false, "the reference code's scale: 2000 configurations per T, the reference thermometer, 8000 RBM epochs at learning rate 0.01 without momentum")
	fs.StringVar(&c.Compare, "compare", "", "another run's summary.json to compare with in report.md")
	err := pipeline.Parse(fs, args, func() error {
		if c.Reference {
			c.Common.Reference()
		}
		return validate(c)
	})
	return c, err
}

// validate checks every flag and input of c before any work: the shared
// flags, and that -compare is a summary.json of this program.
func validate(c config) error {
	if err := c.Common.Validate(); err != nil {
		return err
	}
	if c.Compare != "" {
		if _, err := readSummary(c.Compare); err != nil {
			return pipeline.BadFlag("compare", "%v", err)
		}
	}
	return nil
}

func run(c config, p *pipeline.Progress) error {
	if err := validate(c); err != nil {
		return err
	}
	start := time.Now()
	st, err := c.Common.Stage(c)
	if err != nil {
		return err
	}
	pr, err := pipeline.Prepare(&c.Common, p)
	if err != nil {
		return err
	}
	all, train, test, net, cal := pr.All, pr.Train, pr.Test, pr.Net, pr.Cal
	if err := net.Save(filepath.Join(c.Out, "thermometer.npz")); err != nil {
		return err
	}
	t0 := time.Now()
	model, _, err := pipeline.TrainRBM(train.Configs, test.Configs, c.RBM, p)
	if err != nil {
		return err
	}
	p.Done("rbm", t0)
	if err := model.Save(filepath.Join(c.Out, "rbm.npz")); err != nil {
		return err
	}
	obs := pr.Obs
	_, nv := all.Configs.Dims()
	t0 = time.Now()
	flows, err := pipeline.RunFlows(model, c.MeanField, pipeline.Starts(c.Chains, nv, c.Seed), c.Steps, obs, c.Seed, p)
	if err != nil {
		return err
	}
	p.Done("flows", t0)
	var recon rbmSummary
	recon.ReconProbTrain, recon.ReconTrain = pipeline.ReconErrors(model, train.Configs, c.Seed)
	recon.ReconProbTest, recon.ReconTest = pipeline.ReconErrors(model, test.Configs, c.Seed)
	t0 = time.Now()
	var cmp []*pipeline.Comparison
	var bayes []*flow.Readout
	eb, err := thermo.FitEnergyBayes(train.H, train.Configs, train.Labels, train.Grid)
	if err != nil {
		return err
	}
	bobs := &flow.Observer{Classifier: eb}
	for i := range flows {
		cm, err := pipeline.CompareWithMC(&flows[i], all.L, all.H, c.Chains, c.Seed, p)
		if err != nil {
			return err
		}
		cmp = append(cmp, cm)
		last := flows[i].Readouts[len(flows[i].Readouts)-1].Step
		r := bobs.Measure(last, flows[i].Last)
		bayes = append(bayes, &r)
	}
	p.Done("Monte Carlo comparison", t0)
	res := summarize(c, all, test, cal, recon, flows, cmp, bayes)
	p.Done("total before writing", start)
	res.Wall = wallTimes{GOMAXPROCS: runtime.GOMAXPROCS(0), Stages: p.Stages}
	if c.Compare != "" {
		other, err := readSummary(c.Compare)
		if err != nil {
			return err
		}
		other.Compared = nil
		for i := range other.Flows {
			other.Flows[i].Readouts = nil // the fixed points suffice
		}
		res.Compared = other
	}
	if err := write(c.Out, res, flows, p); err != nil {
		return err
	}
	if err := st.Commit(); err != nil {
		return err
	}
	p.Printf("moved the outputs into %s", st.Final)
	return nil
}

// readSummary reads a summary.json written by this program.
func readSummary(path string) (*summary, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s summary
	if err := jsonf.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(s.Flows) == 0 {
		return nil, fmt.Errorf("%s: not a summary.json of examples/paper (no flows)", path)
	}
	return &s, nil
}
