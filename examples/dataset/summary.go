package main

import (
	"math"

	"github.com/rgflow/rgflow/examples/internal/pipeline"
	"github.com/rgflow/rgflow/ising"
)

// val is a value with its standard error (written by pipeline.WriteJSON:
// NaN as null, ±Inf as "+Inf"/"-Inf").
type val struct {
	V   float64 `json:"value"`
	Err float64 `json:"err"`
}

// finite returns &x, or nil (null, "not computed") if x is not finite.
func finite(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

// temperature is a grid temperature; +Inf is written as "+Inf", as in
// meta.json.
type temperature = float64

// tempSummary describes the configurations of one temperature.
type tempSummary struct {
	T         temperature `json:"T"`
	N         int         `json:"n"`
	Algorithm string      `json:"algorithm"`
	E         val         `json:"e"`
	AbsM      val         `json:"absm"`
	C         val         `json:"c"`
	Chi       val         `json:"chi"`
	// M is the signed ⟨m⟩ and ChiField N(⟨m²⟩ − ⟨m⟩²)/T, the
	// susceptibility to the field (at h = 0 with the random global flip,
	// ⟨m⟩ ≈ 0 and ChiField is N⟨m²⟩/T).
	M        val `json:"m"`
	ChiField val `json:"chi_field"`
	Binder   val `json:"binder"`
	// TauInt is the sampler's τ_int = max(τ_e, τ_|m|) in its updates from
	// the pilot run, TauSweeps the same in sweeps of L² spin updates;
	// SavedTauE/M are τ_int along the saved configurations (0.5 means
	// independent).
	TauInt     float64       `json:"tau_int"`
	TauSweeps  float64       `json:"tau_int_sweeps"`
	SavedTauE  float64       `json:"saved_tau_e"`
	SavedTauM  float64       `json:"saved_tau_absm"`
	BurnIn     int           `json:"burn_in"`
	Spacing    int           `json:"spacing"`
	Candidates []ising.Pilot `json:"candidates,omitempty"`
	// ExactE and ExactC are Kaufman's finite-L values (h = 0, lattice
	// samplers only), null otherwise.
	ExactE *float64 `json:"exact_e"`
	ExactC *float64 `json:"exact_c"`
}

type summary struct {
	L             int           `json:"L"`
	H             float64       `json:"h"`
	PerTemp       int           `json:"per_temperature"`
	Configs       int           `json:"configurations"`
	Algorithm     string        `json:"algorithm"`
	Seed          uint64        `json:"seed"`
	Z2Flip        bool          `json:"z2_flip"`
	Seconds       float64       `json:"generation_seconds"`
	ConfigsPerSec float64       `json:"configs_per_second"`
	Files         []string      `json:"files"`
	Temps         []tempSummary `json:"temperatures"`
}

// hasExact reports whether Kaufman's solution describes the dataset.
func hasExact(d *ising.Dataset) bool {
	return d.H == 0 && d.Algorithm != ising.AlgMeanField && d.Algorithm != ising.AlgCurieWeiss
}

func summarize(d *ising.Dataset, c config, seconds float64) summary {
	n, _ := d.Configs.Dims()
	s := summary{L: d.L, H: d.H, PerTemp: c.N, Configs: n, Algorithm: d.Algorithm.String(), Seed: d.Seed,
		Z2Flip: d.Flip, Seconds: seconds, ConfigsPerSec: float64(n) / seconds,
		Files: []string{ising.ConfigsFile, ising.TempsFile, ising.MetaFile, "summary.json", "observables.png"}}
	e := ising.Energies(nil, d.L, d.H, d.Configs)
	m := ising.Magnetizations(nil, d.Configs)
	for k, T := range d.Grid {
		var es, ms []float64
		for r, lab := range d.Labels {
			if lab == k {
				es = append(es, e[r])
				ms = append(ms, m[r])
			}
		}
		info := d.Info[k]
		t := tempSummary{T: temperature(T), N: len(es), Algorithm: info.Algorithm.String(), TauInt: info.Tau,
			TauSweeps: info.TauSweeps, SavedTauE: info.SavedTauE, SavedTauM: info.SavedTauM,
			BurnIn: info.BurnIn, Spacing: info.Spacing, Candidates: info.Candidates}
		if len(es) > 0 {
			// The saved configurations are in chain order, so Summarize's
			// autocorrelation-aware errors apply directly.
			st := ising.SummarizeSigned(es, ms, T, d.L*d.L)
			t.E, t.AbsM, t.M = val{st.E, st.EErr}, val{st.AbsM, st.AbsMErr}, val{st.M, st.MErr}
			t.ChiField = val{st.ChiField, st.ChiFieldErr}
			t.C, t.Chi, t.Binder = val{st.C, st.CErr}, val{st.Chi, st.ChiErr}, val{st.Binder, st.BinderErr}
		}
		if hasExact(d) {
			ex := ising.Exact(d.L, T)
			t.ExactE, t.ExactC = finite(ex.E), finite(ex.C)
		}
		s.Temps = append(s.Temps, t)
	}
	return s
}

func writeJSON(path string, v any) error { return pipeline.WriteJSON(path, v) }
