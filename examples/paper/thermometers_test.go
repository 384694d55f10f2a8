package main

import (
	"strings"
	"testing"

	"github.com/rgflow/rgflow/flow"
)

// synthFlow is a flow whose last step the network reads at (peak, ⟨T⟩),
// the Bayes-on-energy classifier at (bPeak, bT) and the ensemble
// thermometers at tE and tM, every estimate with standard error 0.01.
func synthFlow(start string, peak, t, bPeak, bT, tE, tM float64, fixed bool) flowSummary {
	const se = 0.01
	r := flow.Readout{Step: 100, N: 1000, Temps: []float64{2.25, 2.5, 2.75}, Dist: []float64{0.3, 0.4, 0.3},
		Peak: peak, Expect: t, ExpectErr: se,
		Ensembles: []flow.Reading{{Name: "T from energy", T: tE, Err: se}, {Name: "T from |m|", T: tM, Err: se}}}
	b := flow.Readout{Step: 100, N: 1000, Temps: r.Temps, Dist: r.Dist, Peak: bPeak, Expect: bT, ExpectErr: se}
	fl := flowSummary{Start: start, Readouts: []flow.Readout{r}, Bayes: &b}
	if fixed {
		fl.Fixed = &flow.FixedPoint{Step: 10}
	}
	return fl
}

// section returns the part of the sentence, "survive", "depend" or "none",
// that names the claim (which begins with prefix), or "" if none does.
func section(t *testing.T, sentence, prefix string) string {
	t.Helper()
	i := strings.Index(sentence, prefix)
	if i < 0 {
		return ""
	}
	head := sentence[:i]
	s, d, n := strings.LastIndex(head, "Survive the change"), strings.LastIndex(head, "Depend on the thermometer"), strings.LastIndex(head, "Hold by no thermometer")
	switch {
	case s > d && s > n:
		return "survive"
	case d > s && d > n:
		return "depend"
	case n >= 0:
		return "none"
	}
	return ""
}

// TestThermometerDependence feeds synthetic readings both ways: a fixed
// point that every thermometer reads at one equilibrium temperature near
// T_c, and one read as this run's (the network at the 2.5 class, Bayes at
// 2.75, the expectations and the energy near 3, |m| at 2.4, the physical
// thermometers far apart), and requires the verdicts and the sentence to
// follow the numbers.
func TestThermometerDependence(t *testing.T) {
	t.Parallel()
	const (
		peakNear = "the peak of the temperature distribution lies in"
		refClass = "the peak is the reference's"
		tNear    = "the temperature read lies in"
		meet     = "both flows meet at one point"
		noEq     = "the flows end in no equilibrium ensemble"
	)
	for _, tc := range []struct {
		name  string
		flows []flowSummary
		want  map[string]string // claim → section of the sentence
		open  bool              // the sentence says a flow has not converged
	}{
		{"one equilibrium temperature near T_c", []flowSummary{
			synthFlow("T = 0", 2.5, 2.40, 2.5, 2.41, 2.40, 2.40, true),
			synthFlow("T = ∞", 2.5, 2.41, 2.5, 2.40, 2.41, 2.40, true),
		}, map[string]string{peakNear: "survive", refClass: "survive", tNear: "survive", meet: "survive", noEq: "none"}, false},
		{"this run's pattern", []flowSummary{
			synthFlow("T = 0", 2.5, 2.88, 2.75, 3.40, 2.94, 2.39, true),
			synthFlow("T = ∞", 2.5, 2.90, 2.75, 3.42, 2.96, 2.40, true),
		}, map[string]string{peakNear: "survive", refClass: "depend", tNear: "depend", meet: "survive", noEq: "survive"}, false},
		{"flows apart by the energy, peaks beyond the window, one flow open", []flowSummary{
			synthFlow("T = 0", 3.0, 2.88, 3.0, 3.40, 2.60, 2.39, true),
			synthFlow("T = ∞", 3.0, 2.90, 3.0, 3.42, 2.96, 2.40, false),
		}, map[string]string{peakNear: "none", refClass: "none", tNear: "depend", meet: "depend", noEq: "survive"}, true},
	} {
		d := thermometerDependence(tc.flows)
		if len(d.Readings) != 6 || len(d.Conclusions) != 5 {
			t.Fatalf("%s: %d readings, %d conclusions", tc.name, len(d.Readings), len(d.Conclusions))
		}
		for _, c := range d.Conclusions {
			for prefix, want := range tc.want {
				if !strings.HasPrefix(c.Claim, prefix) {
					continue
				}
				got := map[bool]string{true: "survive", false: "depend"}[c.Survives]
				if c.HoldsBy == 0 {
					got = "none"
				}
				if got != want {
					t.Errorf("%s: %q: survives %v, holds by %d of %d: want %s", tc.name, c.Claim, c.Survives, c.HoldsBy, len(c.Checks), want)
				}
				if s := section(t, d.Sentence, prefix); s != want {
					t.Errorf("%s: the sentence puts %q under %q, want %q:\n%s", tc.name, prefix, s, want, d.Sentence)
				}
			}
		}
		if got := strings.Contains(d.Sentence, "have not converged"); got != tc.open {
			t.Errorf("%s: the sentence says a flow is open: %v, want %v", tc.name, got, tc.open)
		}
	}
}

// TestThermometerDependenceMissing: a flow without a Bayes reading leaves
// that thermometer out instead of reading zeros.
func TestThermometerDependenceMissing(t *testing.T) {
	t.Parallel()
	a := synthFlow("T = 0", 2.5, 2.40, 2.5, 2.41, 2.40, 2.40, true)
	b := synthFlow("T = ∞", 2.5, 2.41, 2.5, 2.40, 2.41, 2.40, true)
	b.Bayes = nil
	d := thermometerDependence([]flowSummary{a, b})
	for _, r := range d.Readings {
		if strings.HasPrefix(r.Name, "Bayes") {
			t.Fatalf("reading %q kept although one flow has none", r.Name)
		}
	}
	if len(d.Readings) != 4 {
		t.Fatalf("%d readings, want 4", len(d.Readings))
	}
}
