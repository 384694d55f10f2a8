// Command trainsets compares RBM flows after training on different sets of
// temperatures (PAPER.md §3 and §6, figure 4): all T; T ≥ 4; T = 0; T = 0
// and ∞; all T except 1.75 ≤ T ≤ 2.75; and mean-field (topology-free) data.
// Every RBM gets the same number of parameter updates, so a small training
// set is passed over more often. The same neural thermometer, trained on
// lattice data of all temperatures, reads every flow.
//
// The T = 0 and ∞ set is trained a second time with the reference code's
// own schedule for it (plain SGD, learning rate 0.01, no momentum, 30 000
// epochs on its 1600 rows; -ref-epochs sets the number, 0 leaves the set
// out): the schedule decides how deep the RBM's disordered basin is, and
// so whether the flow from T = ∞ stays high (the reference's m ≈ 0.25, a
// mixture of chains in both basins) or leaves it. Both T = 0 and ∞ sets
// flow for -zi-steps steps (500: the flow from T = ∞ leaves the shallow
// basin slowly), the others for -steps (100).
//
//	go run ./examples/trainsets -out out/trainsets                 # about 3½ minutes on 2 cores
//	go run ./examples/trainsets -out out/trainsets -ref-epochs 0   # without the reference schedule: 1½ minutes
//
// It writes trainsets.png (the temperature distribution at steps 1, 10 and
// the last, from T = 0 and from T = ∞, for each set), magnetization.png
// (|m| along the flows, with the reference values), basins.png (the
// fraction of chains in the ordered basin, |m| ≥ 0.5, along the flows),
// summary.json (fixed points, or why a flow did not converge, and the basin
// fractions, beside PAPER.md §4's outcomes) and one rbm_SET.npz per set.
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
	// RefEpochs is the number of epochs of the reference schedule for the
	// T = 0 and ∞ set (0: that set is left out); ZISteps the flow length
	// of both T = 0 and ∞ sets.
	RefEpochs int `json:"ref_epochs"`
	ZISteps   int `json:"zero_inf_steps"`
}

// refZeroInfEpochs is the reference code's number of epochs on the T = 0
// and ∞ set (Iso et al.'s code; issue 11).
const refZeroInfEpochs = 30000

// refSteps is the reference's flow length.
const refSteps = 40

// refZeroInfRows is the size of the reference's T = 0 and ∞ training set.
const refZeroInfRows = 1600

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
	// The reference schedule in full by default: with fewer epochs its
	// flows show a different physics (measured at 10 000 epochs: from
	// T = 0 |m| decays to 0.40 instead of staying at 0.86; at 3000 both
	// flows end at 0.38), so a reduced default would mislead.
	c := config{Common: pipeline.Defaults("out/trainsets"), RefEpochs: refZeroInfEpochs, ZISteps: 500}
	// The data and schedule of examples/paper (half of either moved the
	// all-T fixed point from |m|* = 0.65 to 0.52: a different physics);
	// 500 chains per flow, 100 steps (the reference: 40; flows from T = ∞
	// need 20–40 steps to settle once every readout must be still, and a
	// fixed point needs a still stretch of half the flow; the readouts at
	// step 40 are in summary.json).
	c.Chains = 500
	c.Steps = 100
	fs := pipeline.NewFlagSet("trainsets", stderr)
	c.Flags(fs)
	fs.IntVar(&c.RefEpochs, "ref-epochs", c.RefEpochs, "epochs of the reference's schedule (plain SGD, learning rate 0.01, no momentum) on the T = 0 and ∞ set; the reference used 30000; 0 leaves this set out")
	fs.IntVar(&c.ZISteps, "zi-steps", c.ZISteps, "flow steps for the T = 0 and ∞ sets")
	err := pipeline.Parse(fs, args, func() error { return validate(c) })
	return c, err
}

// validate checks every flag of c before any work.
func validate(c config) error {
	if err := c.Common.Validate(); err != nil {
		return err
	}
	if err := pipeline.IntIn("ref-epochs", c.RefEpochs, 0, pipeline.MaxEpochs); err != nil {
		return err
	}
	return pipeline.IntIn("zi-steps", c.ZISteps, 1, pipeline.MaxSteps)
}

// set is one training set and the reference outcome of PAPER.md §4.
type set struct {
	Key, Name string
	Reference string
	// RefM is the reference's |m| at the end of the flows from T = 0 and
	// from T = ∞ (NaN: none quoted).
	RefM [2]float64
	data *mat.Dense
	// schedule, if not nil, is the set's own RBM schedule (otherwise the
	// common one, with the epochs scaled to equal updates); steps, if
	// positive, its own flow length.
	schedule *pipeline.RBMConfig
	steps    int
}

// result is one training set's outcome.
type result struct {
	Set        string     `json:"set"`
	Key        string     `json:"key"`
	Rows       int        `json:"rows"`
	Epochs     int        `json:"epochs"`
	Schedule   string     `json:"schedule"`
	Steps      int        `json:"steps"`
	Reference  string     `json:"reference"`
	RefM       [2]float64 `json:"reference_m"` // from T = 0, from T = ∞
	ReconTrain float64    `json:"recon_train"`
	// Fixed are the fixed points from T = 0 and from T = ∞ (nil where the
	// flow did not converge; NotConverged then says why).
	Fixed        []*flow.FixedPoint `json:"fixed_points"`
	NotConverged []string           `json:"not_converged"`
	// Last are the last readouts (their abs_m_hist are the basin
	// fractions); Ordered the fraction of chains with |m| ≥ 0.5 there.
	Last    []flow.Readout `json:"last_readouts"`
	Ordered []float64      `json:"ordered_fraction"`
	// AtRef are the readouts at the reference's flow length (40 steps),
	// when the flows are longer; OrderedAtRef their ordered fractions.
	AtRef        []flow.Readout `json:"readouts_at_step_40,omitempty"`
	OrderedAtRef []float64      `json:"ordered_fraction_at_step_40,omitempty"`
	flows        []pipeline.FlowResult
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
	nan := math.NaN()
	zi := pipeline.Stack(zero, inf)
	const ziRef = "two fixed points: from 0 reads ≈ 2.25, |m| ≈ 0.86; from ∞ stays high, |m| ≈ 0.25"
	ss := []set{
		{Key: "all", Name: "all T", Reference: "peak at T = 2.5 (p ≈ 0.27) from both starts", RefM: [2]float64{0.6507, 0.6507}, data: pipeline.Rows(train, all)},
		{Key: "high", Name: "T ≥ 4", Reference: "flows to high temperature, not T_c", RefM: [2]float64{0.09, 0.09}, data: pipeline.Rows(train, func(t float64) bool { return t >= 4 })},
		{Key: "zero", Name: "T = 0", Reference: "stays frozen at low T", RefM: [2]float64{1, 1}, data: zero},
		{Key: "zero-inf", Name: "T = 0 and ∞", Reference: ziRef, RefM: [2]float64{0.86, 0.25}, data: zi, steps: c.ZISteps},
		{Key: "no-band", Name: "all T except 1.75 ≤ T ≤ 2.75", Reference: "(no reference number)", RefM: [2]float64{nan, nan}, data: pipeline.Rows(train, func(t float64) bool { return t < 1.75 || t > 2.75 })},
		{Key: "meanfield", Name: "mean-field data", Reference: "peak ≈ 2.75", RefM: [2]float64{0.5426, 0.5426}, data: mf},
	}
	if c.RefEpochs > 0 {
		ref := pipeline.ReferenceRBM()
		ref.Nh, ref.Batch, ref.Epochs = c.RBM.Nh, c.RBM.Batch, c.RefEpochs
		name := "T = 0 and ∞, reference schedule"
		if c.RefEpochs < refZeroInfEpochs {
			name += fmt.Sprintf(" (%d of its %d epochs)", c.RefEpochs, refZeroInfEpochs)
		}
		// The reference's 1600 rows: 800 at T = 0 and 800 at T = ∞.
		n := min(nZero, refZeroInfRows/2)
		refData := pipeline.Stack(mat.DenseCopyOf(zero.Slice(0, n, 0, train.L*train.L)), mat.DenseCopyOf(inf.Slice(0, n, 0, train.L*train.L)))
		ss = append(ss, set{Key: "zero-inf-ref", Name: name, Reference: ziRef, RefM: [2]float64{0.86, 0.25}, data: refData, schedule: &ref, steps: c.ZISteps})
	}
	return ss, nil
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
	if err := validate(c); err != nil {
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
		if s.schedule != nil {
			rc = *s.schedule
		}
		rc.Seed = c.RBM.Seed
		rc.Checkpoint, rc.CheckpointEvery, rc.Resume = st.Checkpoint("rbm_"+s.Key+".ckpt"), c.RBM.CheckpointEvery, c.RBM.Resume
		steps := c.Steps
		if s.steps > 0 {
			steps = s.steps
		}
		p.Printf("training set %s: %d configurations, %s", s.Name, rows, schedule(rc))
		m, _, err := pipeline.TrainRBM(s.data, nil, rc, p)
		if err != nil {
			return err
		}
		if err := m.Save(filepath.Join(c.Out, "rbm_"+s.Key+".npz")); err != nil {
			return err
		}
		flows, err := pipeline.RunFlows(m, c.MeanField, pipeline.Starts(c.Chains, nv, c.Seed), steps, pr.Obs, c.Seed, p)
		if err != nil {
			return err
		}
		r := result{Set: s.Name, Key: s.Key, Rows: rows, Epochs: rc.Epochs, Schedule: schedule(rc), Steps: steps, Reference: s.Reference, RefM: s.RefM,
			ReconTrain: pipeline.FlowReconError(m, s.data, c.Seed), flows: flows}
		r.Fixed, r.Last = pipeline.Ends(flows)
		for i, f := range flows {
			r.NotConverged = append(r.NotConverged, f.NotConverged)
			r.Ordered = append(r.Ordered, ordered(r.Last[i]))
			p.Printf("  from %s: %.1f%% of the chains in the ordered basin (|m| ≥ 0.5) at step %d", f.Name, 100*r.Ordered[i], steps)
			if steps > refSteps {
				a := f.Readouts[refSteps]
				r.AtRef, r.OrderedAtRef = append(r.AtRef, a), append(r.OrderedAtRef, ordered(a))
				p.Printf("  from %s at step %d (the reference's flow length): |m| = %.3f ± %.3f, %.1f%% in the ordered basin", f.Name, refSteps, a.AbsM, a.AbsMErr, 100*ordered(a))
			}
		}
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
	p.Printf("wrote %s: trainsets.png, magnetization.png, basins.png, summary.json, rbm_*.npz", st.Final)
	return nil
}

// schedule describes an RBM schedule in words.
func schedule(c pipeline.RBMConfig) string {
	lr := fmt.Sprintf("learning rate %.3g", c.LR)
	if c.LREnd > 0 {
		lr += fmt.Sprintf(" → %.3g", c.LREnd)
	}
	return fmt.Sprintf("%d epochs, %s, momentum %.2g, batch %d", c.Epochs, lr, c.Momentum, c.Batch)
}

// ordered is the fraction of chains with |m| ≥ 0.5 in a readout.
func ordered(r flow.Readout) float64 {
	var f float64
	for k, h := range r.AbsMHist {
		if float64(k)/float64(len(r.AbsMHist)) >= 0.5 {
			f += h
		}
	}
	return f
}

// figureSteps are the steps whose temperature distributions trainsets.png
// draws (and the last).
var figureSteps = []int{1, 10}

func figures(dir string, res []result) error {
	var dist, mag, basin []pipeline.Panel
	for _, r := range res {
		var dc, mc, bc []pipeline.Curve
		top := 0.0
		last := len(r.flows[0].Readouts) - 1
		for s, name := range []string{"T = 0", "T = ∞"} {
			rs := r.flows[s].Readouts
			for k, step := range append(slices.Clone(figureSteps), last) {
				if step > last || (k < len(figureSteps) && step == last) {
					continue
				}
				l := rs[step]
				for _, d := range l.Dist {
					top = math.Max(top, d)
				}
				dc = append(dc, pipeline.Curve{Name: fmt.Sprintf("from %s, step %d", name, step), X: l.Temps, Y: l.Dist, YErr: l.DistErr,
					Color: pipeline.Palette(k), Dashed: s == 1})
			}
			var x, m, me, b, be []float64
			for _, rd := range rs {
				f := ordered(rd)
				x, m, me = append(x, float64(rd.Step)), append(m, rd.AbsM), append(me, rd.AbsMErr)
				b, be = append(b, f), append(be, math.Sqrt(f*(1-f)/float64(rd.N)))
			}
			note := ""
			if r.Fixed[s] == nil {
				note = " (not converged)"
			}
			mc = append(mc, pipeline.Curve{Name: "from " + name + note, X: x, Y: m, YErr: me, Color: pipeline.Palette(s)})
			bc = append(bc, pipeline.Curve{Name: "from " + name + note, X: x, Y: b, YErr: be, Color: pipeline.Palette(s)})
			if ref := r.RefM[s]; !math.IsNaN(ref) && (s == 0 || ref != r.RefM[0]) {
				nm := "reference m*"
				if ref != r.RefM[1-s] {
					nm = "reference, from " + name
				}
				mc = append(mc, pipeline.Curve{Name: nm, X: []float64{0, float64(last)}, Y: []float64{ref, ref}, Dashed: true, Color: pipeline.Palette(s)})
			}
		}
		dc = append(dc, pipeline.Curve{Name: "exact T_c", X: []float64{pipeline.Tc, pipeline.Tc}, Y: []float64{0, 1.05 * top}, Dashed: true, Color: pipeline.Gray})
		title := "trained on " + r.Set
		dist = append(dist, pipeline.Panel{Title: title, XLabel: "thermometer temperature T", YLabel: "mean softmax probability ± s.e. (dashed: from T = ∞)",
			Curves: dc, XTicks: pipeline.TTicks{}, YMin: 0, YMax: top * 1.9})
		mag = append(mag, pipeline.Panel{Title: title, XLabel: "flow step", YLabel: "⟨|m|⟩ (± standard error)", Curves: mc, YMin: 0, YMax: 1.4})
		basin = append(basin, pipeline.Panel{Title: title, XLabel: "flow step", YLabel: "fraction of chains with |m| ≥ 0.5", Curves: bc, YMin: 0, YMax: 1.3})
	}
	// The schedule decides the basins: the T = 0 and ∞ set's flow from T = ∞
	// under both schedules on one axis.
	var cmp []pipeline.Curve
	for i, r := range res {
		if r.Key != "zero-inf" && r.Key != "zero-inf-ref" {
			continue
		}
		var x, m, b []float64
		for _, rd := range r.flows[1].Readouts {
			x, m, b = append(x, float64(rd.Step)), append(m, rd.AbsM), append(b, ordered(rd))
		}
		name := fmt.Sprintf("momentum 0.9, %d epochs", r.Epochs)
		if r.Key == "zero-inf-ref" {
			name = fmt.Sprintf("plain SGD 0.01, %d epochs", r.Epochs)
		}
		cmp = append(cmp,
			pipeline.Curve{Name: name + ": ⟨|m|⟩", X: x, Y: m, Color: pipeline.Palette(i)},
			pipeline.Curve{Name: name + ": |m| ≥ 0.5", X: x, Y: b, Color: pipeline.Palette(i), Dashed: true})
	}
	if len(cmp) == 4 {
		cmp = append(cmp, pipeline.Curve{Name: "reference at step 40: ⟨|m|⟩ ≈ 0.25", X: []float64{refSteps}, Y: []float64{0.25}, Marks: true, Color: pipeline.Gray})
		basin = append(basin, pipeline.Panel{Title: "T = 0 and ∞ set, from T = ∞: two schedules", XLabel: "flow step", YLabel: "⟨|m|⟩ (solid), fraction with |m| ≥ 0.5 (dashed)", Curves: cmp, YMin: 0, YMax: 1.5})
	}
	if err := pipeline.PanelsFigure(filepath.Join(dir, "trainsets.png"), dist, 3); err != nil {
		return err
	}
	if err := pipeline.PanelsFigure(filepath.Join(dir, "basins.png"), basin, 3); err != nil {
		return err
	}
	return pipeline.PanelsFigure(filepath.Join(dir, "magnetization.png"), mag, 3)
}
