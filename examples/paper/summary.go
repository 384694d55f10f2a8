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
	// Thermometers sets the verdict's conclusions against the change of
	// thermometer (the last steps read by every thermometer).
	Thermometers dependence `json:"thermometer_dependence"`
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
	Arch string `json:"arch"`
	// Symmetric: the network is read as the mean over a configuration
	// and its global flip (at h = 0; pipeline.Thermometer).
	Symmetric bool                      `json:"symmetric_readout"`
	Exact     float64                   `json:"exact_class_accuracy"`
	WithinOne float64                   `json:"within_one_class_accuracy"`
	MAE       float64                   `json:"mae"`
	ReadTc    [2]float64                `json:"reads_T2.25"` // argmax mean and std at T = 2.25
	ReadTcN   int                       `json:"reads_T2.25_rows"`
	TestRows  int                       `json:"test_rows"`
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
	Start string           `json:"start"`
	Fixed *flow.FixedPoint `json:"fixed_point"`
	// NotConverged says why the flow has no fixed point (empty if it has
	// one); Drifts are then the drifts over its last steps.
	NotConverged string       `json:"not_converged,omitempty"`
	Drifts       []flow.Drift `json:"last_window_drifts,omitempty"`
	// Bayes is the Bayes-on-energy thermometer's reading of the last step
	// (beside the network's in the fixed point).
	Bayes *flow.Readout `json:"bayes_last_step,omitempty"`
	// Compare sets the last step against Monte Carlo at the temperatures
	// that match its |m| and e.
	Compare  *pipeline.Comparison `json:"compare_mc,omitempty"`
	Readouts []flow.Readout       `json:"readouts"`
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
	// ProductState: at the last step of each flow every connected
	// correlation Conn(r), r ≥ 1, is within pipeline.ProductZ standard
	// errors of zero.
	ProductState []bool `json:"product_state"`
	// MCMatchesAbsM and MCMatchesE: the Kolmogorov–Smirnov test does not
	// reject (p ≥ 0.01) that the last step's |m| (e) are drawn from the
	// Monte Carlo ensemble at the temperature matching ⟨|m|⟩ (⟨e⟩).
	MCMatchesAbsM []bool `json:"mc_matches_abs_m_distribution"`
	MCMatchesE    []bool `json:"mc_matches_e_distribution"`
}

// ksAlpha is the significance level at which the reports call a
// Kolmogorov–Smirnov distance a mismatch.
const ksAlpha = 0.01

func summarize(c config, all, test *ising.Dataset, cal *thermo.Calibration, recon rbmSummary, flows []pipeline.FlowResult, cmp []*pipeline.Comparison, bayes []*flow.Readout) summary {
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
	s.Thermometer = thermoSummary{Arch: c.ThermoArch, Symmetric: all.H == 0, Exact: cal.Exact, WithinOne: cal.WithinOne, MAE: cal.MAE, PerTemp: cal.Classes, TestRows: cal.N}
	for _, cc := range cal.Classes {
		if cc.T == 2.25 {
			s.Thermometer.ReadTc = [2]float64{cc.Argmax, cc.ArgmaxStd}
			s.Thermometer.ReadTcN = cc.N
		}
	}
	s.RBM = recon
	v := &s.Verdict
	v.BothConverged, v.ReadoutNearTc = true, true
	for i, f := range flows {
		s.Flows = append(s.Flows, flowSummary{Start: f.Name, Fixed: f.Fixed, NotConverged: f.NotConverged, Drifts: f.Drifts,
			Bayes: bayes[i], Compare: cmp[i], Readouts: f.Readouts})
		cm := cmp[i]
		v.ProductState = append(v.ProductState, cm.Batch.Product)
		v.MCMatchesAbsM = append(v.MCMatchesAbsM, cm.KSAbsM != nil && cm.KSAbsM.P >= ksAlpha)
		v.MCMatchesE = append(v.MCMatchesE, cm.KSE != nil && cm.KSE.P >= ksAlpha)
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
	s.Thermometers = thermometerDependence(s.Flows)
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
	if err := pipeline.FlowFigure(filepath.Join(dir, "flow.png"), fl, []int{0, 1, 2, 3, 5, 10, 20, 40, s.Config.Steps}); err != nil {
		return err
	}
	if err := observablesFigure(filepath.Join(dir, "flow_observables.png"), s); err != nil {
		return err
	}
	if err := fixedPointFigure(filepath.Join(dir, "fixed_point.png"), s); err != nil {
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
	p.Printf("wrote %s: flow.png, flow_observables.png, fixed_point.png, summary.json, report.md, rbm.npz, thermometer.npz, flows.npz", dir)
	return nil
}

// symNote says how the network is read.
func symNote(sym bool) string {
	if sym {
		return " (read symmetrically: the mean of its probabilities for a configuration and its global spin flip)"
	}
	return ""
}

func report(s summary) string {
	var b strings.Builder
	f := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	f("# The RBM flow from T = 0 and T = ∞ (rgflow, examples/paper)\n\n")
	f("Run: L = %d, %d configurations (%d per temperature), seed %d; thermometer `%s`%s; RBM N_h = %d, %d epochs, learning rate %.3g", s.Data.L, s.Data.N, s.Data.N/len(s.Data.PerTemp), s.Config.Seed, s.Config.ThermoArch, symNote(s.Thermometer.Symmetric), s.Config.RBM.Nh, s.Config.RBM.Epochs, s.Config.RBM.LR)
	if s.Config.RBM.LREnd > 0 {
		f(" → %.3g (geometric decay)", s.Config.RBM.LREnd)
	}
	f(", momentum %.2g, batch %d; flows of %d chains, %d steps (%s).\n\n", s.Config.RBM.Momentum, s.Config.RBM.Batch, s.Config.Chains, s.Config.Steps, map[bool]string{false: "sampled", true: "mean-field"}[s.Config.MeanField])
	f("![flow](flow.png)\n\n![observables](flow_observables.png)\n\n![fixed point against Monte Carlo](fixed_point.png)\n\n")
	f("## Fixed points, beside PAPER.md §4\n\n")
	f("| | thermometer peak (p) | ⟨T⟩ thermometer | \\|m\\|* | e* | T from energy | T from \\|m\\| | T where MC ⟨\\|m\\|⟩ = \\|m\\|* | steps |\n|---|---|---|---|---|---|---|---|---|\n")
	f("| reference (PAPER.md) | %.2f (%.2f) | | %.4f | | | | ≈ 2.38 | 0: ~3, ∞: ~20 |\n", refPeak, refPeakP, refMStar)
	for i, fl := range s.Flows {
		if fl.Fixed == nil {
			last := fl.Readouts[len(fl.Readouts)-1]
			f("| from %s: **not converged**, last step | %.2f | %.2f ± %.2f | %.3f ± %.3f | %.3f ± %.3f | %.2f ± %.2f | %.2f ± %.2f | %.2f | — |\n",
				fl.Start, last.Peak, last.Expect, last.ExpectErr, last.AbsM, last.AbsMErr, last.E, last.EErr,
				last.Ensembles[0].T, last.Ensembles[0].Err, last.Ensembles[1].T, last.Ensembles[1].Err, tFromAbsM(s.Data.PerTemp, last.AbsM))
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
	convergence(&b, s)
	f("- Thermometer readout (peak of the mean softmax) of every fixed point in [2.0, 2.75] (T_c = %.4f): **%v** (a flow without a fixed point counts as no). The expectation ⟨T⟩ = Σ pₖTₖ sits higher because the thermometer spreads probability over the hard-to-tell high temperatures.\n", ising.Tc, v.ReadoutNearTc)
	f("- One equilibrium temperature explains both the energy and |m| of each fixed point (the two physical thermometers agree within 3σ): **%v** (flows in the order of the table; no fixed point counts as no).\n", v.Equilibrium)
	f("- The last step of each flow is a product state (every connected correlation within %dσ of 0): **%v**; its |m| distribution is that of Monte Carlo at the matching T (KS, p ≥ %.2g): **%v**; its e distribution: **%v** (details below).\n", pipeline.ProductZ, v.ProductState, ksAlpha, v.MCMatchesAbsM, v.MCMatchesE)
	if cs := s.Thermometers.Conclusions; len(cs) > 0 {
		f("- Against the change of thermometer (network, Bayes on the energy, the ensemble thermometers; details below):")
		for i, c := range cs {
			state := "**survives**"
			switch {
			case c.HoldsBy == 0:
				state = "holds by **none**"
			case !c.Survives:
				state = fmt.Sprintf("**depends on the thermometer** (holds by %d of %d readings)", c.HoldsBy, len(c.Checks))
			}
			sep := ";"
			if i == len(cs)-1 {
				sep = "."
			}
			f(" %s: %s%s", c.Claim, state, sep)
		}
		f("\n")
	}
	fixedPointNature(&b, s)
	f("\n## The RBM and the thermometer\n\n")
	f("- RBM reconstruction error mean((v₀ − v₁)²) with v₁ one sampled flow step: %.4f train, %.4f test (reference after 8000 epochs: %.4f, %.4f). With v₁ = p(v=1|h) instead (rbm's monitor): %.4f, %.4f.\n", s.RBM.ReconTrain, s.RBM.ReconTest, refReconTr, refReconTest, s.RBM.ReconProbTrain, s.RBM.ReconProbTest)
	f("- Thermometer on %d held-out configurations: exact class %.3f, within one class %.3f, MAE %.3f; T = 2.25 reads %.2f ± %.2f (the argmax's mean ± its spread over the %d test rows at T = 2.25, so the mean's standard error is %.3f; reference: 0.17, 0.42, 0.66; 2.25 ± 0.36).\n",
		s.Thermometer.TestRows, s.Thermometer.Exact, s.Thermometer.WithinOne, s.Thermometer.MAE, s.Thermometer.ReadTc[0], s.Thermometer.ReadTc[1],
		s.Thermometer.ReadTcN, s.Thermometer.ReadTc[1]/math.Sqrt(max(1, float64(s.Thermometer.ReadTcN))))
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

// convergence says, flow by flow, whether and where the fixed point was
// found and how still every readout is.
func convergence(b *strings.Builder, s summary) {
	f := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	f("\n## Convergence (every readout: the distribution, |m|, e, the basin fractions)\n\n")
	f("A fixed point is declared only where every readout is still: step-to-step changes within 4σ, and the chain-by-chain trend of |m|, e, ⟨T⟩ and each basin fraction within 4 standard errors over the stretch, which must cover at least half of the flow.\n\n")
	for _, fl := range s.Flows {
		var ds []flow.Drift
		if fl.Fixed != nil {
			f("- From %s: **converged** at step %d (stretch of %d steps).", fl.Start, fl.Fixed.Step, fl.Fixed.Steps)
			ds = fl.Fixed.Drifts
		} else {
			f("- From %s: **not converged** within %d steps: %s.", fl.Start, s.Config.Steps, fl.NotConverged)
			ds = fl.Drifts
		}
		if s.Config.Steps > 40 {
			r := fl.Readouts[40]
			f(" At step 40 (the reference's flow length): |m| = %.3f ± %.3f, thermometer peak %.2f.", r.AbsM, r.AbsMErr, r.Peak)
		}
		if len(ds) > 0 {
			f(" Drifts over steps %d–%d:", ds[0].From, ds[0].To)
			for _, d := range ds[:min(3, len(ds))] {
				f(" %s %+.4f ± %.4f;", d.Name, d.Value, d.Err)
			}
			w := ds[0]
			for _, d := range ds {
				if d.Sigmas() > w.Sigmas() {
					w = d
				}
			}
			f(" largest: %s, %.1fσ.", w.Name, w.Sigmas())
		}
		f("\n")
	}
}

// fixedPointNature sets the last step of each flow against Monte Carlo at
// the temperatures that match its |m| and e: correlations, spreads,
// Kolmogorov–Smirnov distances, basin fractions and the second thermometer.
func fixedPointNature(b *strings.Builder, s summary) {
	f := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	f("\n## What the flows end in: product state or equilibrium\n\n")
	f("The last step of each flow against fresh Monte Carlo ensembles at the temperatures whose ⟨|m|⟩ and ⟨e⟩ match it. C(r) = ⟨sᵢ sᵢ₊ᵣ⟩ along the axes; the connected Cc(r) = C(r) − C̄ subtracts C̄ = (N⟨m²⟩ − 1)/(N − 1), the mean over all pairs of distinct sites, which is exactly 0 in expectation for a product state (independent spins given each configuration's magnetisation; ⟨m⟩² subtracts nothing in a Z₂-symmetric ensemble). ξ = Σ_{r≥1} Cc(r)/Cc(0) along an axis (0 for a product state). Errors are standard errors over the configurations.\n\n")
	f("| ensemble | ⟨\\|m\\|⟩ | spread of \\|m\\| | ⟨e⟩ | spread of e | C(1) … C(%d) | Cc(1) … Cc(%d) | ξ | product state (all \\|Cc\\| ≤ %dσ; largest) |\n|---|---|---|---|---|---|---|---|---|\n",
		len(s.Flows[0].Compare.Batch.Corr.C)-1, len(s.Flows[0].Compare.Batch.Corr.C)-1, pipeline.ProductZ)
	row := func(e *pipeline.Ensemble) {
		if e == nil {
			return
		}
		var cs, cc []string
		for r := 1; r < len(e.Corr.C); r++ {
			cs = append(cs, fmt.Sprintf("%.3f", e.Corr.C[r]))
			cc = append(cc, fmt.Sprintf("%.3f", e.Corr.Conn[r]))
		}
		f("| %s | %.3f | %.3f | %.3f | %.3f | %s | %s (± %.3f) | %.3f ± %.3f | %v (%.1fσ) |\n", strings.ReplaceAll(e.Name, "|", "\\|"), e.AbsM, e.AbsMStd, e.E, e.EStd,
			strings.Join(cs, ", "), strings.Join(cc, ", "), e.Corr.ConnErr[1], e.Corr.Xi, e.Corr.XiErr, e.Product, e.Worst)
	}
	for _, fl := range s.Flows {
		c := fl.Compare
		row(&c.Batch)
		row(c.MCAbsM)
		row(c.MCE)
	}
	f("\n")
	for i, fl := range s.Flows {
		c := fl.Compare
		state := "not converged"
		if c.Converged {
			state = "converged"
		}
		f("- From %s (step %d, %s): ", fl.Start, c.Step, state)
		if c.Batch.Product {
			f("a **product state** by its correlations (every Cc(r) within %dσ of 0, largest %.1fσ; ξ = %.3f ± %.3f)", pipeline.ProductZ, c.Batch.Worst, c.Batch.Corr.Xi, c.Batch.Corr.XiErr)
		} else {
			f("**correlated**, not a product state (Cc up to %.1fσ from 0; ξ = %.3f ± %.3f)", c.Batch.Worst, c.Batch.Corr.Xi, c.Batch.Corr.XiErr)
		}
		f("; spread of |m| %.3f against %.3f for independent spins", c.Batch.AbsMStd, c.Binomial)
		if m := c.MCAbsM; m != nil {
			f(" and %.3f for Monte Carlo at T = %.3f", m.AbsMStd, m.T)
		}
		f(".")
		if k := c.KSAbsM; k != nil {
			f(" Its |m| distribution against Monte Carlo at T = %.3f: KS distance %.3f (p = %.2g): %s.", k.T, k.D, k.P, map[bool]string{true: "not told apart", false: "**a different distribution**"}[s.Verdict.MCMatchesAbsM[i]])
		}
		if k := c.KSE; k != nil {
			f(" Its e distribution against Monte Carlo at T = %.3f: KS distance %.3f (p = %.2g): %s.", k.T, k.D, k.P, map[bool]string{true: "not told apart", false: "**a different distribution**"}[s.Verdict.MCMatchesE[i]])
		}
		f("\n")
	}
	f("\nKS p-values use the asymptotic Kolmogorov distribution and are conservative for the discrete |m| and e of a %d×%d lattice; a distribution counts as different at p < %.2g.\n", s.Data.L, s.Data.L, ksAlpha)
	f("\n### Basin fractions (the |m| histogram at the last step)\n\n| flow | ")
	h := s.Flows[0].Readouts[0].AbsMHist
	for k := range h {
		f("[%.1f, %.1f) | ", float64(k)/float64(len(h)), float64(k+1)/float64(len(h)))
	}
	f("\n|---|%s\n", strings.Repeat("---|", len(h)))
	for _, fl := range s.Flows {
		last := fl.Readouts[len(fl.Readouts)-1]
		f("| from %s, step %d | ", fl.Start, last.Step)
		for _, x := range last.AbsMHist {
			f("%.3f | ", x)
		}
		f("\n")
	}
	f("\n### The same last steps read by two thermometers\n\n| flow | network: peak, ⟨T⟩ | Bayes on the energy: peak, ⟨T⟩ |\n|---|---|---|\n")
	for _, fl := range s.Flows {
		last := fl.Readouts[len(fl.Readouts)-1]
		f("| from %s, step %d | %.2f, %.2f ± %.2f |", fl.Start, last.Step, last.Peak, last.Expect, last.ExpectErr)
		if bz := fl.Bayes; bz != nil {
			f(" %.2f, %.2f ± %.2f |", bz.Peak, bz.Expect, bz.ExpectErr)
		}
		f("\n")
	}
	dependenceTable(b, s)
}

// dependenceTable writes the conclusions of the main result tested by every
// thermometer, and the sentence that says which survive.
func dependenceTable(b *strings.Builder, s summary) {
	f := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	d := s.Thermometers
	if len(d.Conclusions) == 0 {
		return
	}
	f("\n### Which conclusions survive the change of thermometer\n\n")
	f("The last step of each flow read by the network and the Bayes-on-energy classifier (the peak of the mean probability and the expectation ⟨T⟩ = Σ pₖTₖ) and by the ensemble thermometers from the energy and from |m| (PAPER.md §4: the temperature whose Monte Carlo ⟨e⟩ or ⟨|m|⟩ matches); errors are standard errors over the %d chains.\n\n", s.Flows[0].Readouts[len(s.Flows[0].Readouts)-1].N)
	f("| conclusion | thermometer | reading | holds |\n|---|---|---|---|\n")
	esc := strings.NewReplacer("|", "\\|")
	for _, c := range d.Conclusions {
		verdict := "**survives**"
		if !c.Survives {
			verdict = fmt.Sprintf("**depends on the thermometer** (%d of %d)", c.HoldsBy, len(c.Checks))
			if c.HoldsBy == 0 {
				verdict = "**by none**"
			}
		}
		for k, ch := range c.Checks {
			claim := ""
			if k == 0 {
				claim = esc.Replace(c.Claim) + ": " + verdict
			}
			f("| %s | %s | %s | %v |\n", claim, esc.Replace(ch.Reading), ch.Numbers, ch.Holds)
		}
	}
	f("\n%s\n", d.Sentence)
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
