// Command thermometer trains the neural thermometer of Iso, Shiba and Yokoo
// (PAPER.md §2) on labelled Ising configurations, calibrates it on held-out
// data beside the Bayes-on-energy thermometer (the best any
// single-configuration thermometer can do) and the ensemble thermometers,
// and writes
//
//	DIR/calibration.png  mean softmax per true T (network and Bayes) and the calibration curves
//	DIR/summary.json     per-T readouts, accuracies, MAE, the Bayes limit, training history; the
//	                     network read plainly and symmetrically (its mean over v and the flip
//	                     1 − v), each exact-class accuracy with its standard error, the number of
//	                     test rows and its gap to the Bayes limit on the same rows
//	DIR/thermometer.npz  the trained network (thermo.Load reads it)
//
// Usage:
//
//	go run ./examples/thermometer -out DIR [-data DIR] [-n 8000] [-ntest 4000] [-epochs 100] [-arch small|medium|reference] [-decay 0.97] [-seed 1]
//
// The default trains the medium network (N → 128 → 64 → K) with Adam, its
// learning rate decaying by 0.97 per epoch, on 8000 configurations at each
// of the paper's 25 temperatures, every row augmented by a random lattice
// symmetry and spin flip, with early stopping on a 10% validation split,
// and tests it on 4000 independent configurations per temperature (100 000
// rows: the standard error of an exact-class accuracy is 0.0012, of its
// paired gap to Bayes about 0.001). Read symmetrically, its exact-class
// accuracy comes within 0.005 of the Bayes limit (the exact one, from the
// finite lattice's density of states): 0.1851 against 0.1883, a gap of
// −0.0032 ± 0.0008 (TestDefaultReachesBayes). It takes about a minute on
// 2 cores. The paper's
// pipeline uses the small network (N → 64 → K) on 2000 configurations per
// temperature, about 0.015 short of the limit:
//
//	-arch small -n 1600 -ntest 4000 -epochs 60 -decay 1
//
// With -data DIR the loaded dataset is split 80/20 into training and test
// rows. The reference code's run (no augmentation, no validation split,
// about 20 minutes on 2 cores) is
//
//	-arch reference -opt sgd -lr 0.1 -loss bce -epochs 215 -val 0 -sym=false -decay 1 -n 1600 -ntest 400
package main

import (
	"errors"
	"fmt"
	"image/color"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/rgflow/rgflow/examples/internal/pipeline"
	"github.com/rgflow/rgflow/ising"
	"github.com/rgflow/rgflow/thermo"
)

type config struct {
	Out      string  `json:"-"`
	Data     string  `json:"data,omitempty"`
	N        int     `json:"n_per_temperature"`
	NTest    int     `json:"n_test_per_temperature"`
	Epochs   int     `json:"epochs"`
	Arch     string  `json:"arch"`
	Opt      string  `json:"optimizer"`
	LR       float64 `json:"learning_rate"`
	Momentum float64 `json:"momentum"`
	Decay    float64 `json:"lr_decay_per_epoch"`
	Loss     string  `json:"loss"`
	Batch    int     `json:"batch"`
	L2       float64 `json:"l2"`
	Val      float64 `json:"validation_fraction"`
	Patience int     `json:"patience"`
	Seed     uint64  `json:"seed"`
	Sym      bool    `json:"symmetrize"`
}

func main() {
	c, err := parse(os.Args[1:], os.Stderr)
	if err != nil {
		os.Exit(pipeline.ExitCode(err))
	}
	if err := run(c, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "thermometer:", err)
		os.Exit(1)
	}
}

// parse parses and validates the command line; messages and the usage go
// to stderr.
func parse(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := pipeline.NewFlagSet("thermometer", stderr)
	fs.StringVar(&c.Out, "out", "out/thermometer", "output directory")
	fs.StringVar(&c.Data, "data", "", "load the dataset from this directory (ising.Dataset.Save) instead of generating it")
	fs.IntVar(&c.N, "n", 8000, "training configurations per temperature when generating")
	fs.IntVar(&c.NTest, "ntest", 4000, "independent test configurations per temperature when generating")
	fs.IntVar(&c.Epochs, "epochs", 100, "maximum training epochs")
	fs.StringVar(&c.Arch, "arch", "medium", "architecture: small (N→64→K), medium (N→128→64→K) or reference (N→512→256→64→K), tanh")
	fs.StringVar(&c.Opt, "opt", "adam", "optimizer: adam or sgd")
	fs.Float64Var(&c.LR, "lr", 0, "learning rate (0: 1e-3 for adam, 0.1 for sgd)")
	fs.Float64Var(&c.Momentum, "momentum", 0, "SGD momentum")
	fs.Float64Var(&c.Decay, "decay", 0.97, "learning rate factor per epoch (1: constant)")
	fs.StringVar(&c.Loss, "loss", "ce", "loss: ce (categorical cross-entropy) or bce (binary cross-entropy on one-hot targets)")
	fs.IntVar(&c.Batch, "batch", 100, "mini-batch size")
	fs.Float64Var(&c.L2, "l2", 0, "L2 weight penalty")
	fs.Float64Var(&c.Val, "val", 0.1, "fraction of the training rows held out for early stopping (0: none)")
	fs.IntVar(&c.Patience, "patience", 10, "epochs without validation progress before stopping (0: never)")
	fs.Uint64Var(&c.Seed, "seed", 1, "random seed")
	fs.BoolVar(&c.Sym, "sym", true, "augment training rows by random lattice symmetries and spin flips")
	err := pipeline.Parse(fs, args, func() error { return validate(c) })
	return c, err
}

// validate checks every flag and input of c before any work.
func validate(c config) error {
	if err := pipeline.OutDir("out", c.Out); err != nil {
		return err
	}
	if c.Data != "" {
		if err := pipeline.DatasetDir("data", c.Data); err != nil {
			return err
		}
	} else {
		if err := pipeline.IntIn("n", c.N, pipeline.MinTrain, pipeline.MaxPerTemp); err != nil {
			return err
		}
		if err := pipeline.IntIn("ntest", c.NTest, 1, pipeline.MaxPerTemp); err != nil {
			return err
		}
	}
	if err := pipeline.IntIn("epochs", c.Epochs, 1, pipeline.MaxEpochs); err != nil {
		return err
	}
	if _, ok := archs[c.Arch]; !ok {
		return pipeline.BadFlag("arch", "%q (want small, medium or reference)", c.Arch)
	}
	if c.Opt != "adam" && c.Opt != "sgd" {
		return pipeline.BadFlag("opt", "%q (want adam or sgd)", c.Opt)
	}
	if c.Loss != "ce" && c.Loss != "bce" {
		return pipeline.BadFlag("loss", "%q (want ce or bce)", c.Loss)
	}
	if err := pipeline.NonNegative("lr", c.LR); err != nil { // 0: the optimizer's default
		return err
	}
	if err := pipeline.Fraction("momentum", c.Momentum); err != nil {
		return err
	}
	if !(c.Decay > 0 && c.Decay <= 1) {
		return pipeline.BadFlag("decay", "%v (want 0 < decay ≤ 1)", c.Decay)
	}
	if err := pipeline.IntIn("batch", c.Batch, 1, pipeline.MaxPerTemp); err != nil {
		return err
	}
	if err := pipeline.NonNegative("l2", c.L2); err != nil {
		return err
	}
	if err := pipeline.Fraction("val", c.Val); err != nil {
		return err
	}
	return pipeline.IntIn("patience", c.Patience, 0, pipeline.MaxEpochs)
}

// archs are the architectures of -arch.
var archs = map[string]thermo.Architecture{"small": thermo.Small, "medium": thermo.Medium, "reference": thermo.Reference}

// readout is one thermometer's calibration in summary.json.
type readout struct {
	Exact          float64   `json:"exact_class_accuracy"`
	WithinOne      float64   `json:"within_one_class_accuracy"`
	MAE            float64   `json:"mae_argmax"`
	MAEExpectation float64   `json:"mae_expectation"`
	Argmax         []float64 `json:"argmax_mean"`
	ArgmaxStd      []float64 `json:"argmax_std"`
	Expectation    []float64 `json:"expectation_mean"`
	ExpectationStd []float64 `json:"expectation_std"`
}

func newReadout(c *thermo.Calibration) readout {
	r := readout{Exact: c.Exact, WithinOne: c.WithinOne, MAE: c.MAE, MAEExpectation: c.MAEExpectation}
	for _, cl := range c.Classes {
		r.Argmax = append(r.Argmax, cl.Argmax)
		r.ArgmaxStd = append(r.ArgmaxStd, cl.ArgmaxStd)
		r.Expectation = append(r.Expectation, cl.Expectation)
		r.ExpectationStd = append(r.ExpectationStd, cl.ExpectationStd)
	}
	return r
}

type summary struct {
	Config    config              `json:"config"`
	L         int                 `json:"L"`
	Temps     []float64           `json:"temperatures"`
	NTrain    int                 `json:"n_train"`
	NTest     int                 `json:"n_test"`
	Params    int                 `json:"parameters"`
	Epochs    int                 `json:"epochs_run"`
	BestEpoch int                 `json:"best_epoch"`
	Stopped   bool                `json:"stopped_early"`
	History   []thermo.EpochStats `json:"history"`
	Network   readout             `json:"network"`
	// Symmetric is the same network read symmetrically
	// (thermo.Network.SetSymmetric: the mean of its probabilities for a
	// configuration and its global flip).
	Symmetric readout `json:"network_symmetric"`
	// Accuracies sets the exact-class accuracy of the network, plain and
	// symmetric, and of the fitted Bayes thermometer against the Bayes
	// limit (Limit names it: the exact posterior where the density of
	// states is known) on the same test rows.
	Accuracies []accuracy `json:"exact_accuracy_vs_bayes"`
	Limit      string     `json:"bayes_limit"`
	// Bayes is the Bayes-on-energy thermometer: its exact-class accuracy is
	// the limit for any single-configuration thermometer.
	Bayes readout `json:"bayes_energy"`
	// BayesWithinOneLimit is the within-one-class accuracy of the Bayes
	// decision for that metric (the class maximising the posterior mass of
	// its three-class window): the limit for within-one accuracy.
	BayesWithinOneLimit float64 `json:"bayes_within_one_limit"`
	// Ensemble readings of each held-out temperature's test ensemble.
	EnsembleEnergy    [][2]float64       `json:"ensemble_energy_T_err"`
	EnsembleAbsM      [][2]float64       `json:"ensemble_absm_T_err"`
	Reference         map[string]float64 `json:"reference_code"`
	TrainSeconds      float64            `json:"train_seconds"`
	SecondsPerEpoch   float64            `json:"seconds_per_epoch"`
	ConfigurationsSec float64            `json:"inference_configurations_per_second"`
}

// accuracy is one thermometer's exact-class accuracy on the test rows with
// its standard error, and its gap to the Bayes limit on the same rows.
type accuracy struct {
	Name string `json:"name"`
	Rows int    `json:"test_rows"`
	// Exact is the fraction of test rows read as their class; ExactErr its
	// binomial standard error √(p(1 − p)/n).
	Exact    float64 `json:"exact"`
	ExactErr float64 `json:"exact_err"`
	// Gap is Exact minus the Bayes thermometer's exact accuracy on the same
	// rows and GapErr the standard error of that paired difference (the
	// per-row difference of the two 0/1 scores: rows both read right or
	// both wrong add no noise).
	Gap    float64 `json:"gap_to_bayes"`
	GapErr float64 `json:"gap_to_bayes_err"`
	// T0Rows and T0Exact: the same on the rows at the lowest temperature
	// (T = 0 on the paper's grid: the ground states, where a thermometer
	// that is not Z₂-invariant loses most).
	T0Rows  int     `json:"lowest_T_rows"`
	T0Exact float64 `json:"lowest_T_exact"`
}

// exactAccuracy scores the classes read, cls, against the labels and
// against the Bayes thermometer's classes bayes on the same rows.
func exactAccuracy(name string, cls, bayes, labels []int) accuracy {
	n := len(labels)
	a := accuracy{Name: name, Rows: n}
	var d, d2 float64
	var t0, t0Right int
	for i, y := range labels {
		r := b2f(cls[i] == y)
		a.Exact += r
		di := r - b2f(bayes[i] == y)
		d += di
		d2 += di * di
		if y == 0 {
			t0++
			t0Right += int(r)
		}
	}
	if n == 0 {
		return a
	}
	a.Exact /= float64(n)
	a.Gap = d / float64(n)
	a.ExactErr = math.Sqrt(a.Exact * (1 - a.Exact) / float64(n))
	if n > 1 {
		a.GapErr = math.Sqrt(math.Max(0, d2/float64(n)-a.Gap*a.Gap) / float64(n-1))
	}
	a.T0Rows = t0
	if t0 > 0 {
		a.T0Exact = float64(t0Right) / float64(t0)
	}
	return a
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func run(c config, log io.Writer) error {
	if err := validate(c); err != nil {
		return err
	}
	pr := &pipeline.Progress{W: log}
	st, err := pipeline.OpenOut(c.Out, false)
	if err != nil {
		return err
	}
	c.Out = st.Dir
	if err := os.MkdirAll(c.Out, 0o755); err != nil {
		return err
	}
	arch, ok := archs[c.Arch]
	if !ok {
		return fmt.Errorf("unknown -arch %q", c.Arch)
	}
	set := &thermo.TrainSettings{Epochs: c.Epochs, BatchSize: c.Batch, LearningRate: c.LR, Momentum: c.Momentum,
		L2: c.L2, ValidationFraction: c.Val, Symmetrize: c.Sym, Patience: c.Patience, Src: rand.NewPCG(c.Seed, 3)}
	switch c.Opt {
	case "adam":
		set.Optimizer = thermo.Adam
	case "sgd":
		set.Optimizer = thermo.SGD
	default:
		return fmt.Errorf("unknown -opt %q", c.Opt)
	}
	if c.Decay < 1 {
		lr := c.LR
		if lr == 0 {
			lr = map[thermo.Optimizer]float64{thermo.Adam: 1e-3, thermo.SGD: 0.1}[set.Optimizer]
		}
		set.Schedule = thermo.ExponentialSchedule(lr, c.Decay)
	}
	switch c.Loss {
	case "ce":
		set.Loss = thermo.CrossEntropy
	case "bce":
		set.Loss = thermo.BinaryCrossEntropy
	default:
		return fmt.Errorf("unknown -loss %q", c.Loss)
	}

	train, test, err := data(c, pr)
	if err != nil {
		return err
	}
	grid := train.Grid
	N := train.L * train.L
	pr.Printf("L = %d, %d training and %d test configurations", train.L, len(train.Labels), len(test.Labels))

	// The network.
	net := thermo.NewNetwork(N, grid, arch, rand.NewPCG(c.Seed, 4))
	sum := summary{Config: c, L: train.L, Temps: grid, NTrain: len(train.Labels), NTest: len(test.Labels), Params: net.NumParams()}
	set.Progress = func(s thermo.EpochStats) error {
		sum.History = append(sum.History, s)
		pr.Printf("epoch %3d: loss %.4f acc %.3f | validation loss %.4f acc %.3f", s.Epoch, s.Loss, s.Accuracy, s.ValLoss, s.ValAccuracy)
		return nil
	}
	t0 := time.Now()
	res, err := thermo.Train(net, train.Configs, train.Labels, set)
	if err != nil {
		return err
	}
	sum.TrainSeconds = time.Since(t0).Seconds()
	sum.SecondsPerEpoch = sum.TrainSeconds / float64(res.Epochs)
	sum.Epochs, sum.BestEpoch, sum.Stopped = res.Epochs, res.BestEpoch, res.Stopped
	pr.Printf("trained %d epochs in %.1fs, keeping epoch %d", res.Epochs, sum.TrainSeconds, res.BestEpoch)
	if err := net.Save(filepath.Join(c.Out, "thermometer.npz")); err != nil {
		return err
	}

	// Calibration of the network and of the Bayes-on-energy thermometer.
	t0 = time.Now()
	cn, err := thermo.Calibrate(net, test.Configs, test.Labels)
	if err != nil {
		return err
	}
	sum.ConfigurationsSec = float64(len(test.Labels)) / time.Since(t0).Seconds()
	bayes, err := thermo.FitEnergyBayes(train.H, train.Configs, train.Labels, grid)
	if err != nil {
		return err
	}
	exact, err := exactBayes(train.L, grid)
	if err != nil {
		return err
	}
	cb, err := thermo.Calibrate(bayes, test.Configs, test.Labels)
	if err != nil {
		return err
	}
	// The same network read symmetrically, on the same rows.
	net.SetSymmetric(true)
	cs, err := thermo.Calibrate(net, test.Configs, test.Labels)
	if err != nil {
		return err
	}
	var pn, ps, pb mat.Dense
	net.Probabilities(&ps, test.Configs)
	net.SetSymmetric(false)
	net.Probabilities(&pn, test.Configs)
	sum.Network, sum.Symmetric, sum.Bayes = newReadout(cn), newReadout(cs), newReadout(cb)
	bayes.Probabilities(&pb, test.Configs)
	bc := thermo.ArgmaxClass(nil, &pb)
	// The limit: the exact posterior where the density of states is known
	// (h = 0, L ≤ 48), else the one fitted from the training rows.
	limit, limitName := bc, "Bayes on energy, fitted"
	if exact != nil {
		var pe mat.Dense
		exact.Probabilities(&pe, test.Configs)
		limit, limitName = thermo.ArgmaxClass(nil, &pe), "Bayes on energy, exact"
	}
	sum.Limit = limitName
	sum.Accuracies = []accuracy{
		exactAccuracy("network", thermo.ArgmaxClass(nil, &pn), limit, test.Labels),
		exactAccuracy("network, symmetric readout", thermo.ArgmaxClass(nil, &ps), limit, test.Labels),
		exactAccuracy("Bayes on energy, fitted", bc, limit, test.Labels),
	}
	if exact != nil {
		sum.Accuracies = append(sum.Accuracies, exactAccuracy(limitName, limit, limit, test.Labels))
	}
	for _, a := range sum.Accuracies {
		pr.Printf("%-27s exact class %.4f ± %.4f on %d test rows, %+.4f ± %.4f against the Bayes limit; at T = %g: %.3f (%d rows)",
			a.Name+":", a.Exact, a.ExactErr, a.Rows, a.Gap, a.GapErr, grid[0], a.T0Exact, a.T0Rows)
	}
	sum.BayesWithinOneLimit = thermo.WithinAccuracy(thermo.ArgmaxWindow(nil, &pb, 1), test.Labels, 1)
	sum.Reference = map[string]float64{"within_one_class_accuracy": 0.42, "exact_class_accuracy": 0.17, "mae": 0.66,
		"T2.25_argmax_mean": 2.24, "T2.25_argmax_std": 0.37}
	pr.Printf("network: exact %.3f, within one %.3f, MAE %.3f", cn.Exact, cn.WithinOne, cn.MAE)
	pr.Printf("bayes:   exact %.3f, within one %.3f, MAE %.3f (fitted); within-one limit %.3f",
		cb.Exact, cb.WithinOne, cb.MAE, sum.BayesWithinOneLimit)

	// Ensemble thermometers on each held-out temperature.
	for _, obs := range []thermo.Observable{thermo.Energy, thermo.AbsMagnetization} {
		e, err := thermo.FitEnsemble(train.H, obs, train.Configs, train.Labels, grid)
		if err != nil {
			return err
		}
		var rows [][2]float64
		for k := range grid {
			x := rowsOf(test, k)
			if r, _ := x.Dims(); r < 2 {
				rows = append(rows, [2]float64{math.NaN(), math.NaN()})
				continue
			}
			t, sd := e.EstimateEnsemble(x)
			rows = append(rows, [2]float64{t, sd})
		}
		if obs == thermo.Energy {
			sum.EnsembleEnergy = rows
		} else {
			sum.EnsembleAbsM = rows
		}
	}

	if err := figure(filepath.Join(c.Out, "calibration.png"), cn, cs, cb); err != nil {
		return err
	}
	if err := pipeline.WriteJSON(filepath.Join(c.Out, "summary.json"), sum); err != nil {
		return err
	}
	if err := st.Commit(); err != nil {
		return err
	}
	pr.Printf("wrote %s", st.Final)
	return nil
}

// data returns the training and the test rows: the loaded dataset split
// 80/20, or, when generating, c.N training and c.NTest independent test
// configurations per temperature from two seed streams.
func data(c config, pr *pipeline.Progress) (train, test *ising.Dataset, err error) {
	if c.Data != "" {
		pr.Printf("loading %s", c.Data)
		d, err := ising.Load(c.Data)
		if err != nil {
			return nil, nil, err
		}
		if err := checkData(d); err != nil {
			return nil, nil, err
		}
		if err := pipeline.CheckSplit(d, 0); err != nil { // the 80/20 split
			return nil, nil, err
		}
		train, test = d.Split(0.8, rand.NewPCG(c.Seed, 2))
		return train, test, nil
	}
	pr.Printf("generating %d training and %d test configurations at each of %d temperatures", c.N, c.NTest, len(ising.DefaultGrid()))
	if train, err = ising.Generate(&ising.DatasetSettings{PerTemp: c.N}, rand.NewPCG(c.Seed, 1), nil); err != nil {
		return nil, nil, err
	}
	if test, err = ising.Generate(&ising.DatasetSettings{PerTemp: c.NTest}, rand.NewPCG(c.Seed, 5), nil); err != nil {
		return nil, nil, err
	}
	return train, test, checkData(train)
}

func checkData(d *ising.Dataset) error {
	if d.H != 0 {
		return errors.New("the thermometer figure needs h = 0 data")
	}
	return pipeline.ThermometerGrid(d.Grid)
}

// exactBayes returns the Bayes thermometer from the exact density of
// states of the L×L lattice (h = 0), or nil where it is not computed
// (L < 2, and L > 32, where it takes more than a few seconds).
func exactBayes(L int, grid []float64) (*thermo.EnergyBayes, error) {
	if L < 2 || L > 32 {
		return nil, nil
	}
	lev, lnG, err := ising.DensityOfStates(L, nil)
	if err != nil {
		return nil, err
	}
	e := make([]float64, len(lev))
	for i, v := range lev {
		e[i] = float64(v)
	}
	return thermo.EnergyBayesFromDOS(L, grid, e, lnG)
}

// rowsOf returns the configurations of class k.
func rowsOf(d *ising.Dataset, k int) *mat.Dense {
	var idx []int
	for i, y := range d.Labels {
		if y == k {
			idx = append(idx, i)
		}
	}
	_, c := d.Configs.Dims()
	if len(idx) == 0 {
		return &mat.Dense{}
	}
	x := mat.NewDense(len(idx), c, nil)
	for i, r := range idx {
		x.SetRow(i, d.Configs.RawRowView(r))
	}
	return x
}

// calGrid is a calibration's mean softmax matrix as a heat map: x is the
// class temperature, y the true temperature (increasing upwards), so that a
// perfect thermometer draws the diagonal from bottom left to top right.
type calGrid struct {
	m     mat.Matrix // row: true class, column: read class
	temps []float64
}

func (g calGrid) Dims() (c, r int)   { r, c = g.m.Dims(); return c, r }
func (g calGrid) Z(c, r int) float64 { return g.m.At(r, c) }
func (g calGrid) X(c int) float64    { return g.temps[c] }
func (g calGrid) Y(r int) float64    { return g.temps[r] }

// heatTile draws the mean softmax per true temperature with its colour bar
// on the scale [0, hi] (shared by both thermometers).
func heatTile(title string, c *thermo.Calibration, hi float64) pipeline.Tile {
	t := pipeline.HeatTileRange(title, "class temperature", "true temperature", "mean softmax probability", calGrid{c.SoftmaxMatrix(), c.Temps}, 0, hi)
	t.P.X.Tick.Marker, t.P.Y.Tick.Marker = pipeline.TTicks{}, pipeline.TTicks{}
	return t
}

type errPoints struct {
	plotter.XYs
	plotter.YErrors
}

func curve(p *plot.Plot, name string, c *thermo.Calibration, dx float64, col color.Color) error {
	var xy plotter.XYs
	var e plotter.YErrors
	for _, cl := range c.Classes {
		if cl.N == 0 {
			continue
		}
		xy = append(xy, plotter.XY{X: cl.T + dx, Y: cl.Argmax})
		e = append(e, struct{ Low, High float64 }{cl.ArgmaxStd, cl.ArgmaxStd})
	}
	l, pts, err := plotter.NewLinePoints(xy)
	if err != nil {
		return err
	}
	eb, err := plotter.NewYErrorBars(errPoints{xy, e})
	if err != nil {
		return err
	}
	l.Color, pts.Color, eb.Color = col, col, col
	pts.Radius = vg.Points(2)
	p.Add(l, pts, eb)
	p.Legend.Add(name, l, pts)
	return nil
}

// figure writes the two mean-softmax heat maps (the network's plain
// readout and Bayes) and the calibration curves (with the network's
// symmetric readout cs too).
func figure(path string, cn, cs, cb *thermo.Calibration) error {
	cal := plot.New()
	cal.Title.Text = fmt.Sprintf("calibration: argmax readout, mean ± spread (std over %d test rows)", cn.N)
	cal.X.Label.Text = "true temperature"
	cal.Y.Label.Text = "read temperature"
	lo, hi := cn.Temps[0], cn.Temps[len(cn.Temps)-1]
	diag, err := plotter.NewLine(plotter.XYs{{X: lo, Y: lo}, {X: hi, Y: hi}})
	if err != nil {
		return err
	}
	diag.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	diag.Color = color.Gray{Y: 120}
	cal.Add(diag)
	dx := 0.04 * (hi - lo) / float64(len(cn.Temps))
	if err := curve(cal, "network", cn, -dx, color.RGBA{R: 31, G: 119, B: 180, A: 255}); err != nil {
		return err
	}
	if err := curve(cal, "network, symmetric readout", cs, 0, color.RGBA{R: 44, G: 160, B: 44, A: 255}); err != nil {
		return err
	}
	if err := curve(cal, "Bayes on energy", cb, dx, color.RGBA{R: 214, G: 39, B: 40, A: 255}); err != nil {
		return err
	}
	tc, err := plotter.NewLine(plotter.XYs{{X: 2.269185, Y: lo}, {X: 2.269185, Y: hi}})
	if err != nil {
		return err
	}
	tc.Color = color.Gray{Y: 180}
	cal.Add(tc)
	cal.Legend.Add("exact Tc", tc)
	cal.Legend.Top, cal.Legend.Left = false, false
	cal.Legend.XOffs, cal.Legend.YOffs = -vg.Points(10), vg.Points(10)
	cal.Add(plotter.NewGrid())
	cal.X.Tick.Marker, cal.Y.Tick.Marker = pipeline.TTicks{}, pipeline.TTicks{}
	// One colour scale for both heat maps, up to the larger maximum.
	top := math.Max(mat.Max(cn.SoftmaxMatrix()), mat.Max(cb.SoftmaxMatrix()))
	return pipeline.SaveFigure(path, [][]pipeline.Tile{{
		heatTile(fmt.Sprintf("network: mean softmax (exact class %.3f, within one %.3f)", cn.Exact, cn.WithinOne), cn, top),
		heatTile(fmt.Sprintf("Bayes on energy (exact class %.3f, within one %.3f)", cb.Exact, cb.WithinOne), cb, top),
		{P: cal},
	}}, 5.5*vg.Inch, 4.6*vg.Inch)
}
