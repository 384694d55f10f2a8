package pipeline

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"

	"gonum.org/v1/gonum/mat"

	"github.com/rgflow/rgflow/flow"
	"github.com/rgflow/rgflow/ising"
	"github.com/rgflow/rgflow/rbm"
	"github.com/rgflow/rgflow/thermo"
)

// Src returns the random stream for one named part of an example run,
// derived from the run's seed so that every part is reproducible on its own.
func Src(seed uint64, part string) rand.Source { return ising.Stream(seed, part) }

// DataConfig says which labelled Ising data an example uses.
type DataConfig struct {
	// Dir, if not empty, loads a dataset saved by examples/dataset instead
	// of generating one.
	Dir string
	// L, PerTemp, Grid and Algorithm are passed to ising.Generate (zero
	// values mean its defaults).
	L, PerTemp int
	Grid       []float64
	Algorithm  ising.Algorithm
	// TestFrac is the fraction of each temperature held out for testing.
	TestFrac float64
	Seed     uint64
}

// Data generates (or loads) the dataset and splits it per temperature into
// training and test parts.
func Data(c DataConfig, p *Progress) (all, train, test *ising.Dataset, err error) {
	if c.Dir != "" {
		all, err = ising.Load(c.Dir)
		if err != nil {
			return nil, nil, nil, err
		}
		p.Printf("loaded %d configurations (L = %d) from %s", len(all.Temps), all.L, c.Dir)
	} else {
		s := &ising.DatasetSettings{L: c.L, PerTemp: c.PerTemp, Grid: c.Grid, Algorithm: c.Algorithm}
		last := -1
		all, err = ising.Generate(s, Src(c.Seed, "data"), func(done, total int) error {
			if pct := 100 * done / total; pct/20 != last/20 || done == total {
				last = pct
				p.Printf("Monte Carlo: %d/%d temperatures", done, total)
			}
			return nil
		})
		if err != nil {
			return nil, nil, nil, err
		}
		all.Seed = c.Seed
	}
	if err := CheckSplit(all, c.TestFrac); err != nil {
		if c.Dir != "" {
			err = fmt.Errorf("dataset %s: %w", c.Dir, err)
		}
		return nil, nil, nil, err
	}
	train, test = all.Split(1-testFrac(c.TestFrac), Src(c.Seed, "split"))
	return all, train, test, nil
}

func testFrac(f float64) float64 {
	if f == 0 {
		return 0.2
	}
	return f
}

// SplitSizes returns how many of n configurations at one temperature
// ising.Dataset.Split puts into the training and the test part for a test
// fraction of frac (0 means 0.2, as in Data).
func SplitSizes(n int, frac float64) (train, test int) {
	train = int(math.Round((1 - testFrac(frac)) * float64(n)))
	return train, n - train
}

// MinTrain is the fewest training configurations per temperature the
// examples accept: the ensemble thermometers (thermo.FitEnsemble) need two
// at each temperature to estimate a spread.
const MinTrain = 2

// MinPerTemp returns the fewest configurations per temperature whose split
// (test fraction frac, 0 meaning 0.2) leaves MinTrain for training and one
// for testing: 3 for the default split.
func MinPerTemp(frac float64) int {
	n := 1
	for {
		if tr, te := SplitSizes(n, frac); tr >= MinTrain && te >= 1 {
			return n
		}
		n++
	}
}

// PerTemp returns a *FlagError for flag name unless n configurations per
// temperature are at least MinPerTemp(frac) (and at most MaxPerTemp).
func PerTemp(name string, n int, frac float64) error {
	if err := IntIn(name, n, 1, MaxPerTemp); err != nil {
		return err
	}
	if min := MinPerTemp(frac); n < min {
		tr, te := SplitSizes(n, frac)
		return BadFlag(name, "%d configurations per temperature split into %d for training and %d for testing (want at least %d: %d for training, 1 for testing)",
			n, tr, te, min, MinTrain)
	}
	return nil
}

// CheckSplit returns an error unless every temperature of d's grid has
// enough configurations for the split of Data (test fraction frac, 0
// meaning 0.2): MinTrain for training and one for testing.
func CheckSplit(d *ising.Dataset, frac float64) error {
	if len(d.Grid) == 0 || len(d.Labels) == 0 {
		return fmt.Errorf("the dataset holds no configurations (grid %v)", d.Grid)
	}
	min := MinPerTemp(frac)
	for k, n := range d.Counts() {
		if n < min {
			tr, te := SplitSizes(n, frac)
			return fmt.Errorf("the dataset has %d configurations at T = %v, which split into %d for training and %d for testing: every temperature needs at least %d (examples/dataset -n %d or more)",
				n, d.Grid[k], tr, te, min, min)
		}
	}
	return nil
}

// ThermometerGrid returns an error unless grid can be the classes of a
// neural thermometer and of the ensemble thermometers: at least two
// temperatures, all finite, non-negative and strictly ascending. A grid
// with T = +Inf is refused rather than cut: the thermometers would then
// read flows whose RBM was trained on temperatures they cannot name.
func ThermometerGrid(grid []float64) error {
	if len(grid) < 2 {
		return fmt.Errorf("the thermometers need at least two temperatures, the dataset has %d (%v): write it with examples/dataset -temps a,b,… of two or more", len(grid), grid)
	}
	for i, T := range grid {
		if math.IsInf(T, 0) || math.IsNaN(T) || T < 0 {
			return fmt.Errorf("the thermometers need finite, non-negative temperatures, the dataset's grid has T = %v (%v)", T, grid)
		}
		if i > 0 && !(T > grid[i-1]) {
			return fmt.Errorf("the thermometers need a strictly ascending grid, the dataset's is %v", grid)
		}
	}
	return nil
}

// ThermoConfig configures the neural thermometer of an example.
type ThermoConfig struct {
	Arch   thermo.Architecture
	Epochs int
	Seed   uint64
	// Save, if not empty, is where the trained network is kept, and
	// Checkpoint where training keeps a thermo.Checkpoint (every 5 % of the
	// epochs). With Resume, a network found at Save is loaded instead of
	// trained again (training is deterministic, so it is the same network),
	// else training continues from the checkpoint if there is one, to the
	// same bits as an uninterrupted run.
	Save, Checkpoint string
	Resume           bool
}

// Thermometer trains the neural thermometer on train and calibrates it on
// test.
func Thermometer(train, test *ising.Dataset, c ThermoConfig, p *Progress) (*thermo.Network, *thermo.Calibration, error) {
	if c.Save != "" && c.Resume {
		net, err := thermo.Load(c.Save)
		switch {
		case err == nil:
			p.Printf("thermometer: loaded the network trained by the interrupted run")
			return calibrate(net, test, p)
		case !errors.Is(err, fs.ErrNotExist):
			return nil, nil, fmt.Errorf("resuming the thermometer: %w", err)
		}
	}
	_, n := train.Configs.Dims()
	net := thermo.NewNetwork(n, train.Grid, c.Arch, Src(c.Seed, "thermometer"))
	s := &thermo.TrainSettings{
		Epochs:             c.Epochs,
		ValidationFraction: 0.1,
		Patience:           10,
		// Random lattice symmetries and spin flips of each training row:
		// the thermometer's calibration then approaches the Bayes limit.
		Symmetrize: true,
		Field:      train.H, // the flip is left out in a field
		Src:        Src(c.Seed, "thermometer-train"),
		Progress: func(e thermo.EpochStats) error {
			if e.Epoch%10 == 0 || e.Epoch == 1 {
				p.Printf("thermometer epoch %d: loss %.3f, accuracy %.3f, validation accuracy %.3f", e.Epoch, e.Loss, e.Accuracy, e.ValAccuracy)
			}
			return nil
		},
	}
	if c.Checkpoint != "" {
		if err := os.MkdirAll(filepath.Dir(c.Checkpoint), 0o755); err != nil {
			return nil, nil, err
		}
		s.CheckpointPath, s.CheckpointEvery = c.Checkpoint, max(1, c.Epochs/20)
		if c.Resume {
			ck, err := thermo.LoadCheckpoint(c.Checkpoint)
			switch {
			case err == nil:
				s.Resume = ck
				p.Printf("thermometer: resuming from the checkpoint of epoch %d", ck.Epoch)
			case !errors.Is(err, fs.ErrNotExist):
				return nil, nil, fmt.Errorf("resuming the thermometer: %w", err)
			}
		}
	}
	if _, err := thermo.Train(net, train.Configs, train.Labels, s); err != nil {
		return nil, nil, err
	}
	net.SetSymmetric(train.H == 0) // as calibrate reads it; kept in the file
	if c.Save != "" {
		if err := os.MkdirAll(filepath.Dir(c.Save), 0o755); err != nil {
			return nil, nil, err
		}
		if err := net.Save(c.Save); err != nil {
			return nil, nil, err
		}
	}
	return calibrate(net, test, p)
}

// calibrate calibrates net on test and reports it. At h = 0 the network
// is read symmetrically (thermo.Network.SetSymmetric: the mean over a
// configuration and its global flip), here and in the flows: the flip is
// a symmetry of the data, and a plain readout reads the all-up and the
// all-down ground state, where the flow from T = 0 starts, apart.
func calibrate(net *thermo.Network, test *ising.Dataset, p *Progress) (*thermo.Network, *thermo.Calibration, error) {
	net.SetSymmetric(test.H == 0)
	cal, err := thermo.Calibrate(net, test.Configs, test.Labels)
	if err != nil {
		return nil, nil, err
	}
	p.Printf("thermometer: exact class %.3f, within one class %.3f, MAE %.3f on %d test configurations", cal.Exact, cal.WithinOne, cal.MAE, cal.N)
	return net, cal, nil
}

// RBMConfig is an RBM training schedule.
type RBMConfig struct {
	Nh, Epochs, Batch int
	// LR is the initial learning rate; if LREnd > 0 the rate decays
	// geometrically to LREnd at the last epoch.
	LR, LREnd float64
	Momentum  float64
	// PCDChains > 0 trains with persistent chains instead of CD-1.
	PCDChains int
	Seed      uint64
	// Checkpoint, if not empty, is the file TrainRBM keeps an rbm.Checkpoint
	// in, every CheckpointEvery epochs (0: every 5 % of the epochs, at least
	// one) and after the last. With Resume, training continues from the
	// checkpoint if the file exists: the result is bit-identical to an
	// uninterrupted run.
	Checkpoint      string `json:"-"`
	CheckpointEvery int    `json:"-"`
	Resume          bool   `json:"-"`
}

// DefaultRBM is the fast schedule the examples use by default: CD-1 with
// momentum 0.9 and a learning rate decaying from 0.1 to 0.01, which reaches
// the reference's reconstruction error and fixed point in tens of epochs
// instead of 8000 (see examples/paper's report).
func DefaultRBM() RBMConfig {
	return RBMConfig{Nh: 100, Epochs: 60, Batch: 100, LR: 0.1, LREnd: 0.01, Momentum: 0.9}
}

// ReferenceRBM is the reference code's schedule: bias-free, CD-1, learning
// rate 0.01, batch 100, 8000 epochs.
func ReferenceRBM() RBMConfig {
	return RBMConfig{Nh: 100, Epochs: 8000, Batch: 100, LR: 0.01}
}

// TrainRBM trains a bias-free RBM (W ~ N(0, 0.1²)) on data, reporting the
// reconstruction error on data and valid every tenth epoch. It returns the
// model and the last epoch's monitors.
func TrainRBM(data, valid *mat.Dense, c RBMConfig, p *Progress) (*rbm.Model, rbm.Monitors, error) {
	// Training shuffles every epoch, but the monitors read the first rows:
	// shuffle once so that they are a fair sample of all temperatures.
	data = Shuffled(data, c.Seed)
	_, nv := data.Dims()
	m := rbm.New(nv, c.Nh, &rbm.InitSettings{NoBias: true}, Src(c.Seed, "rbm-init"))
	var last rbm.Monitors
	every := max(1, c.Epochs/6)
	s := &rbm.Settings{
		Epochs:       c.Epochs,
		BatchSize:    c.Batch,
		LearningRate: c.LR,
		Momentum:     c.Momentum,
		Src:          Src(c.Seed, "rbm-train"),
		Validation:   valid,
		Monitors:     rbm.MonitorRecon,
		MonitorRows:  5000, // of the shuffled rows; all rows would cost ~40% of an epoch
		// Monitors only for the epochs that are printed (and the last).
		ProgressEvery: every,
		Progress: func(mo rbm.Monitors) error {
			last = mo
			if mo.Epoch%every == 0 || mo.Epoch == c.Epochs {
				msg := fmt.Sprintf("RBM epoch %d/%d: learning rate %.4f, reconstruction error %.4f train", mo.Epoch, c.Epochs, mo.LearningRate, mo.Train.Recon)
				if !math.IsNaN(mo.Valid.Recon) {
					msg += fmt.Sprintf(", %.4f validation", mo.Valid.Recon)
				}
				p.Printf("%s", msg)
			}
			return nil
		},
	}
	if c.LREnd > 0 && c.Epochs > 1 {
		s.Schedule = func(epoch int) float64 {
			return c.LR * math.Pow(c.LREnd/c.LR, float64(epoch-1)/float64(c.Epochs-1))
		}
	}
	var tr rbm.Trainer = rbm.CD{K: 1}
	if c.PCDChains > 0 {
		tr = rbm.PCD{Chains: c.PCDChains}
	}
	if c.Checkpoint != "" {
		if err := os.MkdirAll(filepath.Dir(c.Checkpoint), 0o755); err != nil {
			return nil, last, err
		}
		s.CheckpointPath, s.CheckpointEvery = c.Checkpoint, c.CheckpointEvery
		if s.CheckpointEvery == 0 {
			s.CheckpointEvery = max(1, c.Epochs/20)
		}
		if c.Resume {
			ck, err := rbm.LoadCheckpoint(c.Checkpoint)
			switch {
			case err == nil:
				s.Resume = ck
				p.Printf("RBM: resuming from the checkpoint of epoch %d/%d", ck.Epoch, c.Epochs)
			case !errors.Is(err, fs.ErrNotExist):
				return nil, last, fmt.Errorf("resuming the RBM: %w", err)
			}
		}
	}
	if err := rbm.Train(m, data, s, tr); err != nil {
		return nil, last, err
	}
	return m, last, nil
}

// FlowReconError returns mean((v₀ − v₁)²) over all cells of data, where v₁
// is sampled from p(v|h) with h sampled from p(h|v₀): one step of the RBM
// flow. This is the reconstruction error the reference code's numbers
// (0.2326 train, 0.2348 test) correspond to; rbm's Recon monitor uses the
// probabilities p(v=1|h) for v₁ instead and reads lower.
func FlowReconError(m *rbm.Model, data *mat.Dense, seed uint64) float64 {
	_, sampled := ReconErrors(m, data, seed)
	return sampled
}

// ReconErrors returns both of rbm's reconstruction errors on all rows of
// data from one draw (the stream "recon" of seed): mean((v₀ − p(v=1|h))²)
// and FlowReconError's mean((v₀ − v₁)²). Unlike the training monitors,
// they depend only on the final model, so a resumed run reports the same.
func ReconErrors(m *rbm.Model, data *mat.Dense, seed uint64) (prob, sampled float64) {
	return m.ReconstructionErrors(data, Src(seed, "recon"))
}

// Start is a named starting ensemble of a flow.
type Start struct {
	Name string
	V    *mat.Dense
}

// Starts returns the paper's two starting ensembles of n configurations of
// nv sites: T = 0 (all up) and T = ∞ (independent fair spins).
func Starts(n, nv int, seed uint64) []Start {
	return []Start{
		{"T = 0", flow.AllUp(n, nv)},
		{"T = ∞", flow.Random(n, nv, Src(seed, "start-inf"))},
	}
}

// Observer returns the readouts the examples use: the classifier (nil to
// skip it), the lattice energy (at the data's field), the spin correlation,
// the basin fractions, the labelled data of each temperature as reference
// ensembles (for the Kolmogorov–Smirnov match of |m| and e) and the two
// physical ensemble thermometers calibrated on the labelled data.
func Observer(cl flow.Classifier, train *ising.Dataset) (*flow.Observer, error) {
	o := &flow.Observer{Classifier: cl, Energy: flow.LatticeEnergy(train.L, train.H), Lattice: train.L}
	o.References = References(train)
	for _, obs := range []thermo.Observable{thermo.Energy, thermo.AbsMagnetization} {
		e, err := thermo.FitEnsemble(train.H, obs, train.Configs, train.Labels, train.Grid)
		if err != nil {
			return nil, err
		}
		o.Ensembles = append(o.Ensembles, flow.NamedEnsemble{Name: "T from " + obs.String(), Thermometer: e})
	}
	return o, nil
}

// References returns the configurations of d at each temperature as
// reference ensembles: their |m| and energy per spin.
func References(d *ising.Dataset) []flow.Reference {
	e := ising.Energies(nil, d.L, d.H, d.Configs)
	m := ising.Magnetizations(nil, d.Configs)
	refs := make([]flow.Reference, len(d.Grid))
	for k, T := range d.Grid {
		refs[k].T = T
	}
	for i, k := range d.Labels {
		refs[k].AbsM = append(refs[k].AbsM, math.Abs(m[i]))
		refs[k].E = append(refs[k].E, e[i])
	}
	return refs
}

// FlowResult is one flow's readouts, fixed point and first and last
// configurations.
type FlowResult struct {
	Flow
	Fixed       *flow.FixedPoint
	First, Last *mat.Dense
	// NotConverged says why no fixed point was found (empty if one was).
	NotConverged string
	// Drifts are the drifts of the readouts over the flow's last steps
	// when it did not converge.
	Drifts []flow.Drift
}

// FindFixed looks for the fixed point of r's readouts and records it, or
// why there is none.
func (r *FlowResult) FindFixed(p *Progress) {
	fp, err := flow.FindFixedPoint(r.Readouts, nil)
	if err == nil {
		r.Fixed = &fp
		p.Printf("flow from %s: fixed point after %d steps: %s", r.Name, fp.Step, Describe(fp))
		return
	}
	r.NotConverged = err.Error()
	var nc *flow.NotConvergedError
	if errors.As(err, &nc) {
		r.NotConverged, r.Drifts = nc.Reason, nc.Drifts
	}
	last := r.Readouts[len(r.Readouts)-1]
	p.Printf("flow from %s: NOT converged within %d steps (last |m| = %.3f): %s", r.Name, last.Step, last.AbsM, r.NotConverged)
}

// RunFlows runs the RBM flow (sampled, or mean-field) from each start for
// steps steps, each with its own random stream, reading every step out with
// obs and looking for the fixed point.
func RunFlows(m *rbm.Model, meanField bool, starts []Start, steps int, obs *flow.Observer, seed uint64, p *Progress) ([]FlowResult, error) {
	var out []FlowResult
	for _, st := range starts {
		g := rbm.NewGibbs(m, &rbm.GibbsSettings{MeanField: meanField}, Src(seed, "flow "+st.Name))
		r := FlowResult{Flow: Flow{Name: st.Name}, First: mat.DenseCopyOf(st.V)}
		err := flow.Run(g, st.V, steps, func(n int, v *mat.Dense) error {
			r.Readouts = append(r.Readouts, obs.Measure(n, v))
			if n == steps {
				r.Last = mat.DenseCopyOf(v)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		r.FindFixed(p)
		out = append(out, r)
	}
	return out, nil
}

// Describe is a one-line summary of a fixed point.
func Describe(fp flow.FixedPoint) string {
	s := fmt.Sprintf("|m|* = %.3f ± %.3f, e* = %.3f ± %.3f", fp.AbsM, fp.AbsMErr, fp.E, fp.EErr)
	if len(fp.Dist) > 0 {
		k := 0
		for i := range fp.Dist {
			if fp.Dist[i] > fp.Dist[k] {
				k = i
			}
		}
		s += fmt.Sprintf(", thermometer peak T = %.2f (p = %.2f), ⟨T⟩ = %.2f ± %.2f", fp.Peak, fp.Dist[k], fp.Expect, fp.ExpectErr)
	}
	for _, e := range fp.Ensembles {
		s += fmt.Sprintf(", %s = %.2f ± %.2f", e.Name, e.T, e.Err)
	}
	return s
}

// Shuffled returns the rows of d in a seeded random order.
func Shuffled(d *mat.Dense, seed uint64) *mat.Dense {
	r, c := d.Dims()
	out := mat.NewDense(r, c, nil)
	for i, j := range rand.New(Src(seed, "shuffle")).Perm(r) {
		copy(out.RawRowView(i), d.RawRowView(j))
	}
	return out
}

// Rows returns the configurations of d whose temperature satisfies keep,
// as a new matrix (nil if none does).
func Rows(d *ising.Dataset, keep func(T float64) bool) *mat.Dense {
	var idx []int
	for i, t := range d.Temps {
		if keep(t) {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return nil
	}
	_, c := d.Configs.Dims()
	out := mat.NewDense(len(idx), c, nil)
	for k, i := range idx {
		copy(out.RawRowView(k), d.Configs.RawRowView(i))
	}
	return out
}

// Stack returns the rows of the matrices one after another. It panics with
// mat.ErrShape if their column counts differ.
func Stack(ms ...*mat.Dense) *mat.Dense {
	var out *mat.Dense
	for _, m := range ms {
		if m == nil {
			continue
		}
		if out == nil {
			out = mat.DenseCopyOf(m)
			continue
		}
		var s mat.Dense
		s.Stack(out, m)
		out = &s
	}
	return out
}

// FixedPointFigure writes, for each named fixed point, its temperature
// distribution as one line, with T_c marked.
func FixedPointFigure(path, title string, names []string, fps []*flow.FixedPoint) error {
	var cs []Curve
	top := 0.0
	for i, fp := range fps {
		if fp == nil || len(fp.Dist) == 0 {
			continue
		}
		cs = append(cs, Curve{Name: names[i], X: fp.Temps, Y: fp.Dist, YErr: fp.DistErr})
		for _, d := range fp.Dist {
			top = math.Max(top, d)
		}
	}
	cs = append(cs, Curve{Name: "exact T_c", X: []float64{Tc, Tc}, Y: []float64{0, 1.05 * top}, Dashed: true, Color: gray})
	return CurvesFigure(path, []string{title}, []string{"thermometer temperature T"}, []string{"mean softmax probability at the fixed point"}, [][]Curve{cs})
}

// The packages meet through flow's one-method interfaces; these checks keep
// them joined.
var (
	_ flow.Stepper             = (*rbm.Gibbs)(nil)
	_ flow.Classifier          = (*thermo.Network)(nil)
	_ flow.Classifier          = (*thermo.EnergyBayes)(nil)
	_ flow.EnsembleThermometer = (*thermo.Ensemble)(nil)
)

// Ends returns each flow's fixed point (nil where none was found) and last
// readout, in the order of the flows.
func Ends(flows []FlowResult) (fixed []*flow.FixedPoint, last []flow.Readout) {
	for _, f := range flows {
		fixed = append(fixed, f.Fixed)
		last = append(last, f.Readouts[len(f.Readouts)-1])
	}
	return fixed, last
}
