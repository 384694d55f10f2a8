// Command paper runs the whole pipeline of Iso, Shiba and Yokoo (2018) and
// draws its main result: the temperature that the neural thermometer reads
// along the RBM flow converges near T_c from both T = 0 and T = ∞.
//
//	go run ./examples/paper -out out/paper           # default, about a minute on 2 cores
//	go run ./examples/paper -out out/ref -reference  # the reference code's scale (hours)
//
// It generates the Ising dataset (L = 10, T = 0, 0.25, …, 6), trains the
// neural thermometer and a bias-free RBM on all temperatures, runs the
// sampled RBM flow from 1000 configurations at T = 0 and at T = ∞, and writes
// into -out:
//
//	flow.png             the thermometer's temperature distribution along both flows
//	flow_observables.png |m|, energy and the physical thermometers' readings along the flows
//	summary.json         every number below, and the readouts of every step
//	report.md            the figures and numbers set beside PAPER.md §4
//	rbm.npz              the trained RBM (W, vbias, hbias, metadata)
//	thermometer.npz      the trained neural thermometer
//	flows.npz            configurations at the first and last step of each flow
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/rgflow/rgflow/examples/internal/pipeline"
	"github.com/rgflow/rgflow/thermo"
)

type config struct {
	Out        string                `json:"-"`
	Data       pipeline.DataConfig   `json:"data"`
	ThermoArch string                `json:"thermometer_arch"`
	Thermo     pipeline.ThermoConfig `json:"-"`
	RBM        pipeline.RBMConfig    `json:"rbm"`
	Chains     int                   `json:"chains"`
	Steps      int                   `json:"steps"`
	MeanField  bool                  `json:"mean_field"`
	Seed       uint64                `json:"seed"`
	Reference  bool                  `json:"reference"`
}

func main() {
	var c config
	flag.StringVar(&c.Out, "out", "out/paper", "output directory")
	flag.StringVar(&c.Data.Dir, "data", "", "load the dataset from this directory (written by examples/dataset) instead of generating it")
	flag.IntVar(&c.Data.L, "L", 10, "lattice side")
	flag.IntVar(&c.Data.PerTemp, "n", 1000, "configurations per temperature (the reference uses 2000)")
	flag.StringVar(&c.ThermoArch, "arch", "small", "thermometer architecture: small or reference")
	flag.IntVar(&c.Thermo.Epochs, "thermo-epochs", 60, "thermometer training epochs (at most; early stopping)")
	def := pipeline.DefaultRBM()
	flag.IntVar(&c.RBM.Nh, "nh", def.Nh, "RBM hidden units")
	flag.IntVar(&c.RBM.Epochs, "epochs", def.Epochs, "RBM training epochs")
	flag.IntVar(&c.RBM.Batch, "batch", def.Batch, "RBM minibatch size")
	flag.Float64Var(&c.RBM.LR, "lr", def.LR, "RBM initial learning rate")
	flag.Float64Var(&c.RBM.LREnd, "lr-end", def.LREnd, "RBM final learning rate (geometric decay; 0: constant)")
	flag.Float64Var(&c.RBM.Momentum, "momentum", def.Momentum, "RBM momentum")
	flag.IntVar(&c.RBM.PCDChains, "pcd", 0, "train with this many persistent chains (PCD-1) instead of CD-1")
	flag.IntVar(&c.Chains, "chains", 1000, "flow: starting configurations per ensemble")
	flag.IntVar(&c.Steps, "steps", 40, "flow: number of steps")
	flag.BoolVar(&c.MeanField, "meanfield", false, "flow: feed probabilities forward instead of samples")
	flag.Uint64Var(&c.Seed, "seed", 1, "random seed")
	flag.BoolVar(&c.Reference, "reference", false, "the reference code's scale: 2000 configurations per T, the reference thermometer, 8000 RBM epochs at learning rate 0.01 without momentum")
	flag.Parse()
	if c.Reference {
		c.Data.PerTemp = 2000
		c.ThermoArch = "reference"
		c.Thermo.Epochs = 215
		c.RBM = pipeline.ReferenceRBM()
	}
	if err := run(c, &pipeline.Progress{}); err != nil {
		fmt.Fprintln(os.Stderr, "paper:", err)
		os.Exit(1)
	}
}

func (c *config) resolve() error {
	switch c.ThermoArch {
	case "small":
		c.Thermo.Arch = thermo.Small
	case "reference":
		c.Thermo.Arch = thermo.Reference
	default:
		return fmt.Errorf("unknown -arch %q (want small or reference)", c.ThermoArch)
	}
	c.Data.Seed, c.Thermo.Seed, c.RBM.Seed = c.Seed, c.Seed, c.Seed
	return nil
}

func run(c config, p *pipeline.Progress) error {
	if err := c.resolve(); err != nil {
		return err
	}
	if err := os.MkdirAll(c.Out, 0o755); err != nil {
		return err
	}
	all, train, test, err := pipeline.Data(c.Data, p)
	if err != nil {
		return err
	}
	net, cal, err := pipeline.Thermometer(train, test, c.Thermo, p)
	if err != nil {
		return err
	}
	if err := net.Save(filepath.Join(c.Out, "thermometer.npz")); err != nil {
		return err
	}
	model, mon, err := pipeline.TrainRBM(train.Configs, test.Configs, c.RBM, p)
	if err != nil {
		return err
	}
	if err := model.Save(filepath.Join(c.Out, "rbm.npz")); err != nil {
		return err
	}
	obs, err := pipeline.Observer(net, train)
	if err != nil {
		return err
	}
	_, nv := all.Configs.Dims()
	flows, err := pipeline.RunFlows(model, c.MeanField, pipeline.Starts(c.Chains, nv, c.Seed), c.Steps, obs, c.Seed, p)
	if err != nil {
		return err
	}
	recon := rbmSummary{
		ReconTrain:     pipeline.FlowReconError(model, train.Configs, c.Seed),
		ReconTest:      pipeline.FlowReconError(model, test.Configs, c.Seed),
		ReconProbTrain: mon.Train.Recon,
		ReconProbTest:  mon.Valid.Recon,
	}
	res := summarize(c, all, test, cal, recon, flows)
	return write(c.Out, res, flows, p)
}
