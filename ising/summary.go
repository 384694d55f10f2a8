package ising

import (
	"fmt"
	"math"
)

// Summary holds ensemble averages per spin with their standard errors.
type Summary struct {
	Samples int     // length of the series
	Bins    int     // jackknife bins used for the errors
	TauE    float64 // τ_int of e (½ for independent samples)
	TauAbsM float64 // τ_int of |m|

	E, EErr           float64 // ⟨e⟩
	AbsM, AbsMErr     float64 // ⟨|m|⟩
	C, CErr           float64 // N(⟨e²⟩ − ⟨e⟩²)/T²
	Chi, ChiErr       float64 // N(⟨m²⟩ − ⟨|m|⟩²)/T
	Binder, BinderErr float64 // 1 − ⟨m⁴⟩/(3⟨m²⟩²)

	// From the signed magnetisation (SummarizeSigned; NaN from
	// Summarize, which sees only |m|):
	TauM                  float64 // τ_int of m
	M, MErr               float64 // ⟨m⟩
	ChiField, ChiFieldErr float64 // N(⟨m²⟩ − ⟨m⟩²)/T, the response to the field h
}

// Summarize returns the ensemble averages of per-spin energy and absolute
// magnetisation series e and absM (a Markov chain's time series or
// independent samples) measured at temperature T on N spins: ⟨e⟩, ⟨|m|⟩,
// the specific heat c = N(⟨e²⟩ − ⟨e⟩²)/T², the susceptibility in the
// finite-size |m| convention χ = N(⟨m²⟩ − ⟨|m|⟩²)/T, and the Binder cumulant
// U = 1 − ⟨m⁴⟩/(3⟨m²⟩²), each with an error from the jackknife over
// contiguous bins. The bin length is ⌈20 τ_max⌉ samples, τ_max the larger of
// TauInt(e) and TauInt(absM), so each bin spans many correlation times; if
// that leaves fewer than 20 bins, 20 bins are used (or one per sample if
// there are fewer than 20 samples) and the errors may be underestimated.
// ⟨e⟩ and ⟨|m|⟩ are the sample means; c, χ and U are the jackknife's
// bias-corrected estimates.
//
// At T = 0 and T = +Inf, c and χ are 0 with error 0 (their fluctuations are
// multiplied by 1/T² → ∞ or divided by ∞: at T = 0 the exact ensemble has no
// energy fluctuation and, at h = 0, no |m| fluctuation). U is NaN if
// ⟨m²⟩ = 0. With a single sample all errors are NaN. A NaN or an infinity
// in a series makes its τ_int NaN and every average that uses the series,
// and its error, NaN or infinite (a NaN stays NaN); the errors of the
// other averages then use 20 bins.
// Summarize panics if the series are empty or differ in length, N < 1, or
// T < 0 or NaN.
func Summarize(e, absM []float64, T float64, N int) Summary {
	if len(e) == 0 || len(absM) != len(e) {
		panic(fmt.Sprintf("ising: Summarize needs equal non-empty series, got %d and %d", len(e), len(absM)))
	}
	return summarize(e, absM, nil, T, N)
}

// SummarizeSigned is Summarize from the signed magnetisation series m (per
// spin): it fills every field of Summarize, computed from |m| exactly as
// Summarize does, and also ⟨m⟩ and the susceptibility to the field
// χ_h = N(⟨m²⟩ − ⟨m⟩²)/T, with jackknife errors. In a field h ≠ 0 the
// latter is the physical susceptibility ∂⟨m⟩/∂h (per spin), where the |m|
// convention of Chi is not. The bins then span 20 τ_max with τ_max the
// largest of τ_int of e, |m| and m: at h = 0 below T_c a local sampler
// reverses m rarely, τ_m is long, and the errors (all of them, from fewer
// bins) say so; where the series is shorter than that the errors of ⟨m⟩
// and χ_h are underestimated, as Summarize says of its own. At T = 0 and
// T = +Inf χ_h is 0 with error 0, as Chi. It panics as Summarize does.
func SummarizeSigned(e, m []float64, T float64, N int) Summary {
	if len(e) == 0 || len(m) != len(e) {
		panic(fmt.Sprintf("ising: SummarizeSigned needs equal non-empty series, got %d and %d", len(e), len(m)))
	}
	absM := make([]float64, len(m))
	for i, v := range m {
		absM[i] = math.Abs(v)
	}
	return summarize(e, absM, m, T, N)
}

// summarize is Summarize, with the signed averages where m is not nil.
func summarize(e, absM, m []float64, T float64, N int) Summary {
	n := len(e)
	if N < 1 {
		panic(fmt.Sprintf("ising: Summarize: N = %d spins", N))
	}
	checkExactTemp(T)
	nan := math.NaN()
	s := Summary{Samples: n, TauM: nan, M: nan, MErr: nan, ChiField: nan, ChiFieldErr: nan}
	s.TauE, _ = TauInt(e)
	s.TauAbsM, _ = TauInt(absM)
	tau := math.Max(s.TauE, s.TauAbsM)
	if m != nil {
		s.TauM, _ = TauInt(m)
		tau = math.Max(tau, s.TauM)
		if math.IsNaN(s.TauM) {
			tau = nan
		}
	}
	if n == 1 {
		m2 := absM[0] * absM[0]
		s.E, s.AbsM, s.Binder = e[0], absM[0], 1-m2*m2/(3*m2*m2)
		s.EErr, s.AbsMErr, s.CErr, s.ChiErr, s.BinderErr, s.C, s.Chi = nan, nan, nan, nan, nan, 0, 0
		if m2 == 0 {
			s.Binder = nan
		}
		if m != nil {
			s.M, s.ChiField = m[0], 0
		}
		return s
	}
	nb := 0 // NaN τ (a series holding a NaN or an infinity): the minimum
	if tau < math.Inf(1) {
		nb = n / max(int(math.Ceil(20*tau)), 1)
	}
	if nb < 20 {
		nb = min(20, n)
	}
	s.Bins = nb

	// Shift by the means before squaring, so the variances do not cancel.
	var e0, m0 float64
	for i := range e {
		e0 += e[i]
		m0 += absM[i]
	}
	e0 /= float64(n)
	m0 /= float64(n)
	de := make([]float64, n)
	de2 := make([]float64, n)
	dm := make([]float64, n)
	dm2 := make([]float64, n)
	m2 := make([]float64, n)
	m4 := make([]float64, n)
	for i := range e {
		de[i] = e[i] - e0
		de2[i] = de[i] * de[i]
		dm[i] = absM[i] - m0
		dm2[i] = dm[i] * dm[i]
		m2[i] = absM[i] * absM[i]
		m4[i] = m2[i] * m2[i]
	}
	Nf := float64(N)
	// The means are the plain sample means (the jackknife's bias correction
	// of a linear function only adds rounding); their errors are jackknifed.
	_, s.EErr = Jackknife(nb, func(v []float64) float64 { return v[0] }, de)
	_, s.AbsMErr = Jackknife(nb, func(v []float64) float64 { return v[0] }, dm)
	s.E, s.AbsM = e0, m0
	if T > 0 && !math.IsInf(T, 1) {
		s.C, s.CErr = Jackknife(nb, func(v []float64) float64 { return Nf * (v[1] - v[0]*v[0]) / (T * T) }, de, de2)
		s.Chi, s.ChiErr = Jackknife(nb, func(v []float64) float64 { return Nf * (v[1] - v[0]*v[0]) / T }, dm, dm2)
	}
	s.Binder, s.BinderErr = Jackknife(nb, func(v []float64) float64 { return 1 - v[1]/(3*v[0]*v[0]) }, m2, m4)
	nonzero := false
	for _, v := range m2 {
		nonzero = nonzero || v != 0
	}
	if !nonzero {
		s.Binder, s.BinderErr = math.NaN(), math.NaN()
	}
	if m != nil {
		s.M, s.MErr, s.ChiField, s.ChiFieldErr = signedAverages(m, T, Nf, nb)
	}
	return s
}

// signedAverages returns ⟨m⟩ and χ_h = N(⟨m²⟩ − ⟨m⟩²)/T with jackknife
// errors over nb bins.
func signedAverages(m []float64, T, Nf float64, nb int) (mean, meanErr, chi, chiErr float64) {
	for _, v := range m {
		mean += v
	}
	mean /= float64(len(m))
	dm := make([]float64, len(m))
	dm2 := make([]float64, len(m))
	for i, v := range m {
		dm[i] = v - mean
		dm2[i] = dm[i] * dm[i]
	}
	_, meanErr = Jackknife(nb, func(v []float64) float64 { return v[0] }, dm)
	if T > 0 && !math.IsInf(T, 1) {
		chi, chiErr = Jackknife(nb, func(v []float64) float64 { return Nf * (v[1] - v[0]*v[0]) / T }, dm, dm2)
	}
	return mean, meanErr, chi, chiErr
}
