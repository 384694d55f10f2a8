package main

import (
	"fmt"
	"math"
	"strings"
)

// nearLo and nearHi bound the main result's window "near T_c" (as in the
// verdict's ReadoutNearTc).
const nearLo, nearHi = 2.0, 2.75

// meetZ: two flows' readings by one thermometer agree when they differ by
// at most meetZ combined standard errors (as in verdict.SameFixedPoint;
// with four estimates compared, equal values fail by chance with
// probability about 4 × 0.27% ≈ 1%).
const meetZ = 3

// thermoReading is one thermometer's reading of the last step of every
// flow (in the order of summary.Flows).
type thermoReading struct {
	Name string `json:"name"`
	// Peak: the reading is the class of largest mean probability (no
	// error); otherwise an estimate with its standard error Err.
	Peak bool      `json:"peak"`
	T    []float64 `json:"T"`
	Err  []float64 `json:"err,omitempty"`
}

// check is one conclusion tested by one thermometer's reading.
type check struct {
	Reading string `json:"reading"`
	Holds   bool   `json:"holds"`
	Numbers string `json:"numbers"`
}

// conclusion is one claim of the main result tested by every thermometer
// that bears on it.
type conclusion struct {
	Claim  string  `json:"claim"`
	Checks []check `json:"checks"`
	// Survives: the claim holds by every thermometer; HoldsBy counts those
	// by which it holds.
	Survives bool `json:"survives"`
	HoldsBy  int  `json:"holds_by"`
}

// dependence sets the main result's conclusions against the change of
// thermometer: the last step of each flow read by the network, the
// Bayes-on-energy classifier and the two ensemble (physical) thermometers.
type dependence struct {
	Readings    []thermoReading `json:"readings"`
	Conclusions []conclusion    `json:"conclusions"`
	Sentence    string          `json:"sentence"`
}

// readings collects every thermometer's reading of the last step of each
// flow; a thermometer missing from some flow is left out.
func readings(fls []flowSummary) []thermoReading {
	if len(fls) == 0 {
		return nil
	}
	type getter func(fl flowSummary) (t, err float64, ok bool)
	ens := func(name string) getter {
		return func(fl flowSummary) (float64, float64, bool) {
			r := fl.Readouts[len(fl.Readouts)-1]
			for _, e := range r.Ensembles {
				if e.Name == name {
					return e.T, e.Err, true
				}
			}
			return 0, 0, false
		}
	}
	defs := []struct {
		name string
		peak bool
		get  getter
	}{
		{"network, peak", true, func(fl flowSummary) (float64, float64, bool) {
			r := fl.Readouts[len(fl.Readouts)-1]
			return r.Peak, 0, r.HasDist()
		}},
		{"network, ⟨T⟩", false, func(fl flowSummary) (float64, float64, bool) {
			r := fl.Readouts[len(fl.Readouts)-1]
			return r.Expect, r.ExpectErr, r.HasDist()
		}},
		{"Bayes on the energy, peak", true, func(fl flowSummary) (float64, float64, bool) {
			if fl.Bayes == nil {
				return 0, 0, false
			}
			return fl.Bayes.Peak, 0, fl.Bayes.HasDist()
		}},
		{"Bayes on the energy, ⟨T⟩", false, func(fl flowSummary) (float64, float64, bool) {
			if fl.Bayes == nil {
				return 0, 0, false
			}
			return fl.Bayes.Expect, fl.Bayes.ExpectErr, fl.Bayes.HasDist()
		}},
		{"T from energy", false, ens("T from energy")},
		{"T from |m|", false, ens("T from |m|")},
	}
	var out []thermoReading
	for _, d := range defs {
		r := thermoReading{Name: d.name, Peak: d.peak}
		ok := true
		for _, fl := range fls {
			t, e, has := d.get(fl)
			if !has {
				ok = false
				break
			}
			r.T = append(r.T, t)
			if !d.peak {
				r.Err = append(r.Err, e)
			}
		}
		if ok {
			out = append(out, r)
		}
	}
	return out
}

// finite reports whether every x is a finite number.
func finite(xs ...float64) bool {
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// numbers formats a reading's values flow by flow.
func (r thermoReading) numbers() string {
	var ps []string
	for i, t := range r.T {
		if r.Peak {
			ps = append(ps, fmt.Sprintf("%.2f", t))
		} else {
			ps = append(ps, fmt.Sprintf("%.2f ± %.2f", t, r.Err[i]))
		}
	}
	return strings.Join(ps, ", ")
}

// thermometerDependence tests the main result's conclusions by every
// thermometer's reading of the last step of each flow, and says which survive the change of thermometer.
func thermometerDependence(fls []flowSummary) dependence {
	d := dependence{Readings: readings(fls)}
	var peakNear, tNear, refClass, meet []check
	byName := map[string]thermoReading{}
	for _, r := range d.Readings {
		byName[r.Name] = r
		in, ref := true, true
		for _, t := range r.T {
			in = in && finite(t) && t >= nearLo && t <= nearHi
			ref = ref && t == refPeak
		}
		c := check{Reading: r.Name, Holds: in, Numbers: r.numbers()}
		for _, t := range r.T {
			if in && (t == nearLo || t == nearHi) {
				c.Numbers += " (on the window's edge)"
				break
			}
		}
		if r.Peak {
			peakNear = append(peakNear, c)
			refClass = append(refClass, check{Reading: r.Name, Holds: ref, Numbers: r.numbers()})
		} else {
			tNear = append(tNear, c)
		}
		if len(r.T) == 2 {
			m := check{Reading: r.Name, Numbers: r.numbers()}
			if r.Peak {
				m.Holds = r.T[0] == r.T[1]
			} else {
				diff, comb := math.Abs(r.T[0]-r.T[1]), math.Hypot(r.Err[0], r.Err[1])
				m.Holds = finite(diff, comb) && diff <= meetZ*comb
				if finite(diff, comb) && comb > 0 {
					m.Numbers += fmt.Sprintf(" (%.1fσ apart)", diff/comb)
				}
			}
			meet = append(meet, m)
		}
	}
	// An equilibrium ensemble has one temperature: both physical
	// thermometers read it. They disagreeing beyond meetZ combined errors
	// says the flow's end is not an equilibrium ensemble.
	var noEq []check
	te, okE := byName["T from energy"]
	tm, okM := byName["T from |m|"]
	if okE && okM {
		for i, fl := range fls {
			diff, comb := math.Abs(te.T[i]-tm.T[i]), math.Hypot(te.Err[i], tm.Err[i])
			c := check{Reading: "T from energy against T from |m|, flow from " + fl.Start,
				Holds: finite(diff, comb) && diff > meetZ*comb}
			c.Numbers = fmt.Sprintf("%.2f ± %.2f against %.2f ± %.2f", te.T[i], te.Err[i], tm.T[i], tm.Err[i])
			if finite(diff, comb) && comb > 0 {
				c.Numbers += fmt.Sprintf(", %.1fσ apart", diff/comb)
			}
			noEq = append(noEq, c)
		}
	}
	add := func(claim string, cs []check) {
		if len(cs) == 0 {
			return
		}
		c := conclusion{Claim: claim, Checks: cs, Survives: true}
		for _, k := range cs {
			if k.Holds {
				c.HoldsBy++
			} else {
				c.Survives = false
			}
		}
		d.Conclusions = append(d.Conclusions, c)
	}
	add(fmt.Sprintf("the peak of the temperature distribution lies in [%.1f, %.2f]", nearLo, nearHi), peakNear)
	add(fmt.Sprintf("the peak is the reference's T = %.2f class", refPeak), refClass)
	add(fmt.Sprintf("the temperature read lies in [%.1f, %.2f]", nearLo, nearHi), tNear)
	if len(fls) == 2 {
		add(fmt.Sprintf("both flows meet at one point (peaks in one class, estimates within %dσ)", meetZ), meet)
	}
	add(fmt.Sprintf("the flows end in no equilibrium ensemble (the physical thermometers disagree by more than %dσ)", meetZ), noEq)
	d.Sentence = dependenceSentence(d, fls)
	return d
}

// dependenceSentence says in words which conclusions survive the change of
// thermometer, with the readings for and against each.
func dependenceSentence(d dependence, fls []flowSummary) string {
	var b strings.Builder
	var names []string
	for _, r := range d.Readings {
		names = append(names, r.Name)
	}
	var starts []string
	for _, fl := range fls {
		starts = append(starts, fl.Start)
	}
	fmt.Fprintf(&b, "Read at the last step of the flows from %s by %d readings (%s; values in the order of the flows):", strings.Join(starts, " and "), len(names), strings.Join(names, "; "))
	list := func(cs []check, holds bool) string {
		var ps []string
		for _, c := range cs {
			if c.Holds == holds {
				ps = append(ps, c.Reading+" "+c.Numbers)
			}
		}
		return strings.Join(ps, "; ")
	}
	var survive, fail, none []string
	for _, c := range d.Conclusions {
		switch {
		case c.Survives:
			if len(c.Checks) <= 2 {
				survive = append(survive, fmt.Sprintf("%s (%s)", c.Claim, list(c.Checks, true)))
			} else {
				survive = append(survive, fmt.Sprintf("%s (by all %d readings)", c.Claim, len(c.Checks)))
			}
		case c.HoldsBy > 0:
			fail = append(fail, fmt.Sprintf("%s (holds by %s; not by %s)", c.Claim, list(c.Checks, true), list(c.Checks, false)))
		default:
			none = append(none, fmt.Sprintf("%s (by none: %s)", c.Claim, list(c.Checks, false)))
		}
	}
	part := func(head string, xs []string) {
		if len(xs) == 0 {
			fmt.Fprintf(&b, " %s: none.", head)
			return
		}
		fmt.Fprintf(&b, " %s: %s.", head, strings.Join(xs, "; "))
	}
	part("**Survive the change of thermometer**", survive)
	part("**Depend on the thermometer**", fail)
	if len(none) > 0 {
		part("**Hold by no thermometer**", none)
	}
	var open []string
	for _, fl := range fls {
		if fl.Fixed == nil {
			open = append(open, fl.Start)
		}
	}
	if len(open) > 0 {
		fmt.Fprintf(&b, " The flows from %s have not converged: their last steps are not fixed points.", strings.Join(open, " and "))
	}
	return b.String()
}
