package main

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"

	"github.com/rgflow/rgflow/examples/internal/pipeline"
	"github.com/rgflow/rgflow/flow"
	"github.com/rgflow/rgflow/internal/fileio"
	"github.com/rgflow/rgflow/ising"
	"github.com/rgflow/rgflow/thermo"
)

// Reference numbers of PAPER.md §2–§4 (the reference code at L = 10).
const (
	refMStar     = 0.6507
	refPeak      = 2.5
	refPeakP     = 0.27
	refReconTr   = 0.2326
	refReconTest = 0.2348
)

type summary struct {
	Config      config        `json:"config"`
	Data        dataSummary   `json:"data"`
	Thermometer thermoSummary `json:"thermometer"`
	RBM         rbmSummary    `json:"rbm"`
	Flows       []flowSummary `json:"flows"`
	Verdict     verdict       `json:"verdict"`
	// WallSeconds is the wall time of each stage of the run (the only
	// part of the summary that differs between runs of the same seed).
	Wall wallTimes `json:"wall_seconds"`
	// Compared is the summary of the run named by -compare, if any.
	Compared *summary `json:"compared,omitempty"`
}

type wallTimes struct {
	GOMAXPROCS int              `json:"gomaxprocs"`
	Stages     []pipeline.Stage `json:"stages"`
}

type dataSummary struct {
	L       int       `json:"L"`
	N       int       `json:"n"`
	PerTemp []perTemp `json:"per_temperature"`
}

type perTemp struct {
	T      float64 `json:"T"`
	AbsM   float64 `json:"abs_m"`
	E      float64 `json:"e"`
	ExactE float64 `json:"exact_e"`
	Tau    float64 `json:"tau_int_sweeps"`
	Algo   string  `json:"algorithm"`
}

type thermoSummary struct {
	Arch      string                    `json:"arch"`
	Exact     float64                   `json:"exact_class_accuracy"`
	WithinOne float64                   `json:"within_one_class_accuracy"`
	MAE       float64                   `json:"mae"`
	ReadTc    [2]float64                `json:"reads_T2.25"` // argmax mean and std at T = 2.25
	PerTemp   []thermo.ClassCalibration `json:"per_temperature"`
}

type rbmSummary struct {
	// ReconTrain and ReconTest are mean((v₀ − v₁)²) with v₁ sampled (one
	// step of the flow), comparable with the reference's 0.2326 / 0.2348;
	// ReconProbTrain and ReconProbTest use v₁ = p(v=1|h) (rbm's monitor).
	ReconTrain     float64 `json:"recon_train"`
	ReconTest      float64 `json:"recon_test"`
	ReconProbTrain float64 `json:"recon_prob_train"`
	ReconProbTest  float64 `json:"recon_prob_test"`
}

type flowSummary struct {
	Start    string           `json:"start"`
	Fixed    *flow.FixedPoint `json:"fixed_point"`
	Readouts []flow.Readout   `json:"readouts"`
}

// verdict answers the acceptance questions of the main result.
type verdict struct {
	BothConverged bool `json:"both_converged"`
	// SameFixedPoint: the two flows' thermometer expectations agree within
	// 3 combined errors and their |m|* within 3 combined errors.
	SameFixedPoint bool `json:"same_fixed_point"`
	// ReadoutNearTc: every fixed point's thermometer readout, the peak of
	// its mean softmax distribution (the paper's reading), lies in
	// [2.0, 2.75].
	ReadoutNearTc bool `json:"readout_in_2.0_2.75"`
	// Equilibrium: at each fixed point the energy-based and the
	// magnetisation-based ensemble temperatures agree within 3 combined
	// errors (one equilibrium temperature explains both).
	Equilibrium []bool `json:"single_equilibrium_temperature"`
	// MCTemperature is the temperature whose Monte Carlo ⟨|m|⟩ equals |m|*
	// for each flow.
	MCTemperature []float64 `json:"T_from_abs_m"`
}

func summarize(c config, all, test *ising.Dataset, cal *thermo.Calibration, recon rbmSummary, flows []pipeline.FlowResult) summary {
	s := summary{Config: c}
	s.Data = dataSummary{L: all.L, N: len(all.Temps)}
	e := ising.Energies(nil, all.L, all.H, all.Configs)
	m := ising.Magnetizations(nil, all.Configs)
	for k, T := range all.Grid {
		var se, sm float64
		var n int
		for i, l := range all.Labels {
			if l == k {
				se += e[i]
				sm += math.Abs(m[i])
				n++
			}
		}
		info := all.Info[k]
		s.Data.PerTemp = append(s.Data.PerTemp, perTemp{
			T: T, AbsM: sm / float64(n), E: se / float64(n),
			ExactE: ising.Exact(all.L, T).E, Tau: info.TauSweeps, Algo: info.Algorithm.String(),
		})
	}
	s.Thermometer = thermoSummary{Arch: c.ThermoArch, Exact: cal.Exact, WithinOne: cal.WithinOne, MAE: cal.MAE, PerTemp: cal.Classes}
	for _, cc := range cal.Classes {
		if cc.T == 2.25 {
			s.Thermometer.ReadTc = [2]float64{cc.Argmax, cc.ArgmaxStd}
		}
	}
	s.RBM = recon
	v := &s.Verdict
	v.BothConverged, v.ReadoutNearTc = true, true
	for _, f := range flows {
		s.Flows = append(s.Flows, flowSummary{Start: f.Name, Fixed: f.Fixed, Readouts: f.Readouts})
		if f.Fixed == nil {
			v.BothConverged, v.ReadoutNearTc = false, false
			v.Equilibrium = append(v.Equilibrium, false)
			v.MCTemperature = append(v.MCTemperature, math.NaN())
			continue
		}
		fp := f.Fixed
		if fp.Peak < 2.0 || fp.Peak > 2.75 {
			v.ReadoutNearTc = false
		}
		eq := len(fp.Ensembles) == 2 &&
			math.Abs(fp.Ensembles[0].T-fp.Ensembles[1].T) <= 3*math.Hypot(fp.Ensembles[0].Err, fp.Ensembles[1].Err)
		v.Equilibrium = append(v.Equilibrium, eq)
		v.MCTemperature = append(v.MCTemperature, tFromAbsM(s.Data.PerTemp, fp.AbsM))
	}
	if v.BothConverged && len(flows) == 2 {
		a, b := flows[0].Fixed, flows[1].Fixed
		v.SameFixedPoint = math.Abs(a.Expect-b.Expect) <= 3*math.Hypot(a.ExpectErr, b.ExpectErr) &&
			math.Abs(a.AbsM-b.AbsM) <= 3*math.Hypot(a.AbsMErr, b.AbsMErr)
	}
	return s
}

// tFromAbsM interpolates the Monte Carlo ⟨|m|⟩(T) table (decreasing in T)
// linearly to find where it equals m.
func tFromAbsM(pt []perTemp, m float64) float64 {
	for k := 1; k < len(pt); k++ {
		a, b := pt[k-1], pt[k]
		if (a.AbsM-m)*(b.AbsM-m) <= 0 && a.AbsM != b.AbsM {
			return a.T + (m-a.AbsM)/(b.AbsM-a.AbsM)*(b.T-a.T)
		}
	}
	return math.NaN()
}

func write(dir string, s summary, flows []pipeline.FlowResult, p *pipeline.Progress) error {
	var fl []pipeline.Flow
	var entries []fileio.Entry
	for _, f := range flows {
		fl = append(fl, f.Flow)
		key := strings.NewReplacer("T = 0", "T0", "T = ∞", "Tinf").Replace(f.Name)
		entries = append(entries, fileio.Entry{Name: key + "_first", Value: f.First}, fileio.Entry{Name: key + "_last", Value: f.Last})
	}
	if err := fileio.WriteNPZ(filepath.Join(dir, "flows.npz"), map[string]any{"steps": s.Config.Steps, "chains": s.Config.Chains}, entries...); err != nil {
		return err
	}
	if err := pipeline.FlowFigure(filepath.Join(dir, "flow.png"), fl, []int{0, 1, 2, 3, 5, 10, 20, s.Config.Steps}); err != nil {
		return err
	}
	if err := observablesFigure(filepath.Join(dir, "flow_observables.png"), s, flows); err != nil {
		return err
	}
	if err := pipeline.WriteJSON(filepath.Join(dir, "summary.json"), s); err != nil {
		return err
	}
	if err := fileio.WriteAtomic(filepath.Join(dir, "report.md"), func(w io.Writer) error {
		_, err := io.WriteString(w, report(s))
		return err
	}); err != nil {
		return err
	}
	p.Printf("wrote %s: flow.png, flow_observables.png, summary.json, report.md, rbm.npz, thermometer.npz, flows.npz", dir)
	return nil
}

func observablesFigure(path string, s summary, flows []pipeline.FlowResult) error {
	var mc, ec, tc []pipeline.Curve
	for _, f := range flows {
		var x, am, amErr, e, eErr []float64
		tE, tEErr, tM, tMErr := []float64{}, []float64{}, []float64{}, []float64{}
		for _, r := range f.Readouts {
			x = append(x, float64(r.Step))
			am, amErr = append(am, r.AbsM), append(amErr, r.AbsMErr)
			e, eErr = append(e, r.E), append(eErr, r.EErr)
			tE, tEErr = append(tE, r.Ensembles[0].T), append(tEErr, r.Ensembles[0].Err)
			tM, tMErr = append(tM, r.Ensembles[1].T), append(tMErr, r.Ensembles[1].Err)
		}
		mc = append(mc, pipeline.Curve{Name: "from " + f.Name, X: x, Y: am, YErr: amErr})
		ec = append(ec, pipeline.Curve{Name: "from " + f.Name, X: x, Y: e, YErr: eErr})
		tc = append(tc,
			pipeline.Curve{Name: f.Name + ": T from energy", X: x, Y: tE, YErr: tEErr},
			pipeline.Curve{Name: f.Name + ": T from |m|", X: x, Y: tM, YErr: tMErr})
	}
	steps := float64(s.Config.Steps)
	tc = append(tc, pipeline.Curve{Name: "exact T_c", X: []float64{0, steps}, Y: []float64{ising.Tc, ising.Tc}, Dashed: true})
	return pipeline.CurvesFigure(path,
		[]string{"⟨|m|⟩ along the flow", "energy per spin along the flow", "physical thermometers along the flow"},
		[]string{"flow step", "flow step", "flow step"},
		[]string{"⟨|m|⟩", "e", "ensemble temperature"},
		[][]pipeline.Curve{mc, ec, tc})
}

func report(s summary) string {
	var b strings.Builder
	f := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	f("# The RBM flow converges near T_c (rgflow, examples/paper)\n\n")
	f("Run: L = %d, %d configurations (%d per temperature), seed %d; thermometer `%s`; RBM N_h = %d, %d epochs, learning rate %.3g", s.Data.L, s.Data.N, s.Data.N/len(s.Data.PerTemp), s.Config.Seed, s.Config.ThermoArch, s.Config.RBM.Nh, s.Config.RBM.Epochs, s.Config.RBM.LR)
	if s.Config.RBM.LREnd > 0 {
		f(" → %.3g (geometric decay)", s.Config.RBM.LREnd)
	}
	f(", momentum %.2g, batch %d; flows of %d chains, %d steps (%s).\n\n", s.Config.RBM.Momentum, s.Config.RBM.Batch, s.Config.Chains, s.Config.Steps, map[bool]string{false: "sampled", true: "mean-field"}[s.Config.MeanField])
	f("![flow](flow.png)\n\n![observables](flow_observables.png)\n\n")
	f("## Fixed points, beside PAPER.md §4\n\n")
	f("| | thermometer peak (p) | ⟨T⟩ thermometer | \\|m\\|* | e* | T from energy | T from \\|m\\| | T where MC ⟨\\|m\\|⟩ = \\|m\\|* | steps |\n|---|---|---|---|---|---|---|---|---|\n")
	f("| reference (PAPER.md) | %.2f (%.2f) | | %.4f | | | | ≈ 2.38 | 0: ~3, ∞: ~20 |\n", refPeak, refPeakP, refMStar)
	for i, fl := range s.Flows {
		if fl.Fixed == nil {
			f("| from %s | no fixed point within %d steps | | | | | | | |\n", fl.Start, s.Config.Steps)
			continue
		}
		fp := fl.Fixed
		pk := 0
		for k := range fp.Dist {
			if fp.Dist[k] > fp.Dist[pk] {
				pk = k
			}
		}
		f("| from %s | %.2f (%.2f) | %.2f ± %.2f | %.3f ± %.3f | %.3f ± %.3f | %.2f ± %.2f | %.2f ± %.2f | %.2f | %d |\n",
			fl.Start, fp.Peak, fp.Dist[pk], fp.Expect, fp.ExpectErr, fp.AbsM, fp.AbsMErr, fp.E, fp.EErr,
			fp.Ensembles[0].T, fp.Ensembles[0].Err, fp.Ensembles[1].T, fp.Ensembles[1].Err, s.Verdict.MCTemperature[i], fp.Step)
	}
	v := s.Verdict
	f("\n- Both flows converged: **%v**; the same fixed point from T = 0 and T = ∞: **%v**.\n", v.BothConverged, v.SameFixedPoint)
	f("- Thermometer readout (peak of the mean softmax) of every fixed point in [2.0, 2.75] (T_c = %.4f): **%v**. The expectation ⟨T⟩ = Σ pₖTₖ sits higher because the thermometer spreads probability over the hard-to-tell high temperatures.\n", ising.Tc, v.ReadoutNearTc)
	f("- One equilibrium temperature explains both the energy and |m| of each fixed point (the two physical thermometers agree within 3σ): **%v**.\n", v.Equilibrium)
	f("\n## The RBM and the thermometer\n\n")
	f("- RBM reconstruction error mean((v₀ − v₁)²) with v₁ one sampled flow step: %.4f train, %.4f test (reference after 8000 epochs: %.4f, %.4f). With v₁ = p(v=1|h) instead (rbm's monitor): %.4f, %.4f.\n", s.RBM.ReconTrain, s.RBM.ReconTest, refReconTr, refReconTest, s.RBM.ReconProbTrain, s.RBM.ReconProbTest)
	f("- Thermometer on held-out data: exact class %.3f, within one class %.3f, MAE %.3f; T = 2.25 reads %.2f ± %.2f (reference: 0.17, 0.42, 0.66; 2.25 ± 0.36).\n",
		s.Thermometer.Exact, s.Thermometer.WithinOne, s.Thermometer.MAE, s.Thermometer.ReadTc[0], s.Thermometer.ReadTc[1])
	f("\n## The training schedule against the reference\n\n")
	f("This run: %s on %d configurations. The reference code: CD-1, bias-free, N_h = 100, learning rate 0.01 without momentum, batch 100, 8000 epochs on 40 000 configurations. ", schedule(s.Config.RBM), s.Data.N*4/5)
	if s.Config.RBM.Momentum > 0 || s.Config.RBM.LREnd > 0 {
		f("Momentum μ multiplies the effective step by 1/(1 − μ) and a larger initial rate covers in tens of epochs the distance of thousands at 0.01; the decay removes the SGD noise at the end. ")
	}
	m := fixedM(s)
	f("Against the reference's numbers: reconstruction error %.4f vs %.4f (%+.1f%%), fixed point |m|* %.3f vs %.4f (%+.1f%%).\n",
		s.RBM.ReconTrain, refReconTr, 100*(s.RBM.ReconTrain/refReconTr-1), m, refMStar, 100*(m/refMStar-1))
	if c := s.Compared; c != nil {
		f("\nAgainst the run in `%s` (%s):\n\n| run | schedule | reconstruction error | fixed points: peak (p), \\|m\\|*, steps |\n|---|---|---|---|\n", s.Config.Compare, schedule(c.Config.RBM))
		for _, r := range []*summary{&s, c} {
			name := "this run"
			if r == c {
				name = "compared run"
			}
			f("| %s | %s | %.4f | %s |\n", name, schedule(r.Config.RBM), r.RBM.ReconTrain, fixedPoints(r))
		}
	}
	f("\n## Monte Carlo reference curves (this dataset)\n\n| T | ⟨\\|m\\|⟩ | ⟨e⟩ | exact e (Kaufman, L = %d) | τ_int (sweeps) | algorithm |\n|---|---|---|---|---|---|\n", s.Data.L)
	for _, pt := range s.Data.PerTemp {
		f("| %.2f | %.3f | %.4f | %.4f | %.2f | %s |\n", pt.T, pt.AbsM, pt.E, pt.ExactE, pt.Tau, pt.Algo)
	}
	if len(s.Wall.Stages) > 0 {
		f("\n## Wall time per stage (GOMAXPROCS = %d)\n\n| stage | seconds |\n|---|---|\n", s.Wall.GOMAXPROCS)
		for _, st := range s.Wall.Stages {
			f("| %s | %.2f |\n", st.Name, st.Seconds)
		}
	}
	return b.String()
}

// schedule describes an RBM training schedule in words.
func schedule(c pipeline.RBMConfig) string {
	tr := "CD-1"
	if c.PCDChains > 0 {
		tr = fmt.Sprintf("PCD-1 with %d chains", c.PCDChains)
	}
	lr := fmt.Sprintf("learning rate %.3g", c.LR)
	if c.LREnd > 0 {
		lr += fmt.Sprintf(" → %.3g (geometric)", c.LREnd)
	}
	return fmt.Sprintf("%s, N_h = %d, %d epochs, %s, momentum %.2g, batch %d", tr, c.Nh, c.Epochs, lr, c.Momentum, c.Batch)
}

// fixedPoints lists each flow's fixed point in one table cell.
func fixedPoints(s *summary) string {
	var parts []string
	for _, f := range s.Flows {
		fp := f.Fixed
		if fp == nil {
			parts = append(parts, "from "+f.Start+": none")
			continue
		}
		pk := 0
		for k := range fp.Dist {
			if fp.Dist[k] > fp.Dist[pk] {
				pk = k
			}
		}
		p := math.NaN()
		if len(fp.Dist) > 0 {
			p = fp.Dist[pk]
		}
		parts = append(parts, fmt.Sprintf("from %s: %.2f (%.2f), %.3f ± %.3f, %d", f.Start, fp.Peak, p, fp.AbsM, fp.AbsMErr, fp.Step))
	}
	return strings.Join(parts, "; ")
}

func fixedM(s summary) float64 {
	for _, f := range s.Flows {
		if f.Fixed != nil {
			return f.Fixed.AbsM
		}
	}
	return math.NaN()
}
