package pipeline

import (
	"time"

	"flag"
	"fmt"
	"os"

	"github.com/rgflow/rgflow/flow"
	"github.com/rgflow/rgflow/ising"
	"github.com/rgflow/rgflow/thermo"
)

// Common holds the settings every flow example shares: where to write, the
// data, the thermometer, the RBM schedule and the flows.
type Common struct {
	Out        string       `json:"-"`
	Data       DataConfig   `json:"data"`
	ThermoArch string       `json:"thermometer_arch"`
	Thermo     ThermoConfig `json:"-"`
	RBM        RBMConfig    `json:"rbm"`
	Chains     int          `json:"chains"`
	Steps      int          `json:"steps"`
	MeanField  bool         `json:"mean_field"`
	Seed       uint64       `json:"seed"`
	// Resume continues the run that an earlier invocation with the same
	// flags left in Out's staging directory (see Staged).
	Resume bool    `json:"-"`
	stage  *Staged // set by Stage; PrepareWith calls its Begin
}

// Flags registers the shared flags on fs with the example's defaults in c.
func (c *Common) Flags(fs *flag.FlagSet) {
	fs.StringVar(&c.Out, "out", c.Out, "output directory")
	fs.StringVar(&c.Data.Dir, "data", "", "load the dataset from this directory (written by examples/dataset) instead of generating it")
	fs.IntVar(&c.Data.L, "L", c.Data.L, "lattice side")
	fs.IntVar(&c.Data.PerTemp, "n", c.Data.PerTemp, "configurations per temperature (the reference uses 2000)")
	fs.StringVar(&c.ThermoArch, "arch", c.ThermoArch, "thermometer architecture: small, medium or reference")
	fs.IntVar(&c.Thermo.Epochs, "thermo-epochs", c.Thermo.Epochs, "thermometer training epochs (at most; early stopping)")
	fs.IntVar(&c.RBM.Nh, "nh", c.RBM.Nh, "RBM hidden units")
	fs.IntVar(&c.RBM.Epochs, "epochs", c.RBM.Epochs, "RBM training epochs")
	fs.IntVar(&c.RBM.Batch, "batch", c.RBM.Batch, "RBM minibatch size")
	fs.Float64Var(&c.RBM.LR, "lr", c.RBM.LR, "RBM initial learning rate")
	fs.Float64Var(&c.RBM.LREnd, "lr-end", c.RBM.LREnd, "RBM final learning rate (geometric decay; 0: constant)")
	fs.Float64Var(&c.RBM.Momentum, "momentum", c.RBM.Momentum, "RBM momentum")
	fs.IntVar(&c.RBM.PCDChains, "pcd", c.RBM.PCDChains, "train with this many persistent chains (PCD-1) instead of CD-1")
	fs.IntVar(&c.Chains, "chains", c.Chains, "flow: starting configurations per ensemble")
	fs.IntVar(&c.Steps, "steps", c.Steps, "flow: number of steps")
	fs.BoolVar(&c.MeanField, "meanfield", c.MeanField, "flow: feed probabilities forward instead of samples")
	fs.Uint64Var(&c.Seed, "seed", c.Seed, "random seed")
	fs.IntVar(&c.RBM.CheckpointEvery, "checkpoint", c.RBM.CheckpointEvery, "write an RBM checkpoint every this many epochs (0: every 5 % of the epochs)")
	fs.BoolVar(&c.Resume, "resume", false, "continue a run that was stopped (killed or failed) with the same flags, from its staging directory <out>.partial and its checkpoints; the result is the same bits as an uninterrupted run")
}

// Stage opens c.Out's staging directory (OpenOut) and points the run at
// it: c.Out becomes the staging directory, the RBM keeps its checkpoint
// there and the thermometer its trained network. cfg is the example's
// whole configuration: -resume refuses to continue a run made with other
// settings (Staged.Expect). PrepareWith creates the directory (Begin) once
// the data are checked; an example that does not call it calls Begin
// itself. The example writes as before and calls Commit at the end.
func (c *Common) Stage(cfg any) (*Staged, error) {
	st, err := OpenOut(c.Out, c.Resume)
	if err != nil {
		return nil, err
	}
	if err := st.Expect(cfg); err != nil {
		return nil, err
	}
	c.stage = st
	c.Out = st.Dir
	c.RBM.Checkpoint, c.RBM.Resume = st.Checkpoint("rbm.ckpt"), c.Resume
	c.Thermo.Save, c.Thermo.Checkpoint, c.Thermo.Resume = st.Checkpoint("thermometer.npz"), st.Checkpoint("thermometer.ckpt"), c.Resume
	return st, nil
}

// Defaults returns the shared defaults: L = 10, 2000 configurations per
// temperature (the reference's data), the small thermometer, DefaultRBM,
// 1000 chains, 40 steps.
func Defaults(out string) Common {
	c := Common{Out: out, ThermoArch: "small", RBM: DefaultRBM(), Chains: 1000, Steps: 40, Seed: 1}
	c.Data.L, c.Data.PerTemp = 10, 2000
	c.Thermo.Epochs = 60
	return c
}

// Reference switches c to the reference code's scale: 2000 configurations
// per temperature, the reference thermometer for 215 epochs and
// ReferenceRBM.
func (c *Common) Reference() {
	c.Data.PerTemp = 2000
	c.ThermoArch = "reference"
	c.Thermo.Epochs = 215
	nh := c.RBM.Nh
	c.RBM = ReferenceRBM()
	c.RBM.Nh = nh
}

// Resolve checks c and propagates the seed; Prepare calls it. It creates
// no directory: the output directory is made once the data are known to
// fit (Prepare, or the example).
func (c *Common) Resolve() error {
	switch c.ThermoArch {
	case "small":
		c.Thermo.Arch = thermo.Small
	case "medium":
		c.Thermo.Arch = thermo.Medium
	case "reference":
		c.Thermo.Arch = thermo.Reference
	default:
		return fmt.Errorf("unknown thermometer architecture %q (want small, medium or reference)", c.ThermoArch)
	}
	if c.Chains < 1 || c.Steps < 1 {
		return fmt.Errorf("need at least one chain and one step (got %d, %d)", c.Chains, c.Steps)
	}
	c.Data.Seed, c.Thermo.Seed, c.RBM.Seed = c.Seed, c.Seed, c.Seed
	return nil
}

// Prepared is what every flow example starts from: the labelled data, the
// trained thermometer and its calibration, and the readouts.
type Prepared struct {
	All, Train, Test *ising.Dataset
	Net              *thermo.Network
	Cal              *thermo.Calibration
	Obs              *flow.Observer
}

// Prepare resolves c, makes the data, trains the thermometer and builds the
// flow readouts.
func Prepare(c *Common, p *Progress) (*Prepared, error) {
	return PrepareWith(c, nil, p)
}

// PrepareWith is Prepare with check, if not nil, called on the data right
// after they are made (before the thermometer): an example's own
// requirements on the dataset. The data must also suit the thermometers
// (ThermometerGrid). The output directory is created only when the data
// pass.
func PrepareWith(c *Common, check func(all, train, test *ising.Dataset) error, p *Progress) (*Prepared, error) {
	if err := c.Resolve(); err != nil {
		return nil, err
	}
	t0 := time.Now()
	all, train, test, err := Data(c.Data, p)
	if err != nil {
		return nil, err
	}
	if err := ThermometerGrid(all.Grid); err != nil {
		return nil, err
	}
	if check != nil {
		if err := check(all, train, test); err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(c.Out, 0o755); err != nil {
		return nil, err
	}
	if c.stage != nil {
		if err := c.stage.Begin(); err != nil {
			return nil, err
		}
	}
	p.Done("data", t0)
	t0 = time.Now()
	net, cal, err := Thermometer(train, test, c.Thermo, p)
	if err != nil {
		return nil, err
	}
	p.Done("thermometer", t0)
	obs, err := Observer(net, train)
	if err != nil {
		return nil, err
	}
	return &Prepared{All: all, Train: train, Test: test, Net: net, Cal: cal, Obs: obs}, nil
}
