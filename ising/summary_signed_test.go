package ising

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"
)

// TestSummarizeSignedExact: ⟨m⟩ and the field susceptibility
// χ_h = N(⟨m²⟩ − ⟨m⟩²)/T against exact enumeration in a field, from
// independent samples of the exact distribution (3×3, all 512 states) and
// from a Metropolis chain through Measure and Series.Summarize (4×4). The
// tolerance is 4 of the run's own standard errors (jackknife over bins of
// 20 τ_int; a 4σ miss has probability 6e-5 per check for a correct
// estimate). Summarize, which sees only |m|, leaves the signed fields NaN.
func TestSummarizeSignedExact(t *testing.T) {
	t.Parallel()
	check := func(name string, s Summary, ex *Enumeration, N int) {
		t.Helper()
		chi := float64(N) * (ex.M2 - ex.M*ex.M) / ex.T
		for _, c := range []struct {
			what            string
			got, err, exact float64
		}{
			{"⟨m⟩", s.M, s.MErr, ex.M},
			{"χ_h", s.ChiField, s.ChiFieldErr, chi},
			{"⟨e⟩", s.E, s.EErr, ex.E},
			{"⟨|m|⟩", s.AbsM, s.AbsMErr, ex.AbsM},
		} {
			if !(c.err > 0) || math.Abs(c.got-c.exact) > 4*c.err {
				t.Errorf("%s: %s = %.5f ± %.5f, exact %.5f (%.1fσ)", name, c.what, c.got, c.err, c.exact, (c.got-c.exact)/c.err)
			}
		}
		// The field susceptibility differs from the |m| one in a field
		// (here by many errors: the test tells them apart).
		if math.Abs(s.ChiField-s.Chi) < 4*s.ChiFieldErr {
			t.Errorf("%s: χ_h = %.4f and the |m| convention's χ = %.4f agree: the test does not tell them apart", name, s.ChiField, s.Chi)
		}
	}

	// Independent samples of the exact 3×3 distribution at h = 0.3.
	ex := Enumerate(3, 2, 0.3)
	cdf := make([]float64, len(ex.Prob))
	acc := 0.0
	for k, p := range ex.Prob {
		acc += p
		cdf[k] = acc
	}
	r := rand.New(rand.NewPCG(3, 4))
	const n = 40000
	e, m := make([]float64, n), make([]float64, n)
	for i := range e {
		k := sort.SearchFloat64s(cdf, r.Float64()*acc)
		k = min(k, len(cdf)-1)
		e[i], m[i] = ex.Energy[k]/9, ex.Mag[k]/9
	}
	check("independent 3×3, T = 2, h = 0.3", SummarizeSigned(e, m, 2, 9), ex, 9)

	// A Metropolis chain on 4×4 at T = 2.5, h = 0.5.
	ex4 := Enumerate(4, 2.5, 0.5)
	smp := NewMetropolis(4, 2.5, 0.5, rand.NewPCG(5, 6))
	ser, err := Measure(smp, MeasureSettings{BurnIn: 2000, Every: 16, N: 40000, H: 0.5}, nil)
	if err != nil {
		t.Fatal(err)
	}
	check("Metropolis 4×4, T = 2.5, h = 0.5", ser.Summarize(2.5), ex4, 16)

	plain := Summarize(e, m, 2, 9) // m as if it were |m|: the signed fields stay NaN
	if !math.IsNaN(plain.M) || !math.IsNaN(plain.MErr) || !math.IsNaN(plain.ChiField) || !math.IsNaN(plain.TauM) {
		t.Errorf("Summarize filled the signed fields: %+v", plain)
	}
}
