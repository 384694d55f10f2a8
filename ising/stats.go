package ising

import (
	"fmt"
	"math"
	"math/cmplx"
	"sort"

	"gonum.org/v1/gonum/dsp/fourier"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Statistics of Monte Carlo time series and of configuration batches.
//
// Conventions: the integrated autocorrelation time is
// τ_int = ½ + Σ_(t≥1) ρ(t), so that uncorrelated data have τ_int = ½ and the
// variance of the mean of n correlated samples is 2 τ_int σ²/n (Sokal 1997,
// "Monte Carlo methods in statistical mechanics", Cargèse lectures).
// Errors are one standard error.

// SokalWindow is the constant c of Sokal's automatic windowing: TauInt sums
// the autocorrelation up to the smallest lag W with W ≥ c·τ_int(W).
const SokalWindow = 6.0

// TauInt returns the integrated autocorrelation time of the series x,
// τ_int = ½ + Σ_(t=1)^W ρ(t), with Sokal's self-consistent window: the
// smallest W ≥ SokalWindow·τ̃(W), where τ̃(W) = ½ + Σ_(t≤W) |ρ(t)| equals
// τ_int(W) for the usual positively correlated Monte Carlo series and keeps
// the window open over an alternating (anticorrelated) tail, where the
// signed sum would stop it at W = 1. The statistical error is the
// Madras–Sokal formula err = |τ| √((4W + 2)/n). With this convention uncorrelated data give
// τ_int = ½ and the error of the mean is σ √(2 τ_int / n). The
// autocovariance, normalised with 1/(n − t), is summed directly for the
// first 16 lags and by FFT in O(n log n) beyond.
//
// A constant series returns (½, 0), whatever its value (the test is on the
// values, not on a variance around a rounded mean); a series whose variance is
// NaN or +Inf (one holding a NaN or an infinity, or so large that its
// squares overflow) returns (NaN, NaN). If no window up to n/4 is
// self-consistent the series is too short for its correlation time; TauInt
// then returns τ_int(n/4), an underestimate, with the error from the same
// formula. Fewer than two samples give (NaN, NaN).
func TauInt(x []float64) (tau, err float64) {
	n := len(x)
	if n < 2 {
		return math.NaN(), math.NaN()
	}
	if constant(x) {
		// Tested on the values themselves, not on the variance around a
		// floating-point mean: a frozen chain's −2.1 is not exact in binary,
		// and its rounded mean leaves a variance of order 10⁻³².
		return 0.5, 0
	}
	maxW := max(n/4, 1)
	// Short windows (the common case of nearly independent samples) are
	// summed directly in O(n·W); longer ones switch to the FFT.
	const direct = 16
	var mean float64
	for _, v := range x {
		mean += v
	}
	mean /= float64(n)
	lag := func(t int) float64 {
		var c float64
		for i := 0; i+t < n; i++ {
			c += (x[i] - mean) * (x[i+t] - mean)
		}
		return c / float64(n-t)
	}
	c0 := lag(0)
	switch {
	case c0 == 0:
		return 0.5, 0
	case !(c0 > 0 && c0 < math.Inf(1)):
		return math.NaN(), math.NaN()
	}
	var rho []float64
	tau = 0.5
	abs := 0.5
	W := 1
	for ; W <= maxW; W++ {
		var r float64
		switch {
		case rho != nil:
			r = rho[W]
		case W <= direct:
			r = lag(W) / c0
		default:
			if rho = autocorrelation(x); rho == nil {
				// C(0) > 0 above, so the FFT's C(0) is too unless
				// rounding ate it: then sum the lags directly.
				rho = make([]float64, n)
				for t := range rho[:maxW+1] {
					rho[t] = lag(t) / c0
				}
			}
			r = rho[W]
		}
		tau += r
		abs += math.Abs(r)
		if float64(W) >= SokalWindow*abs {
			break
		}
	}
	W = min(W, maxW)
	return tau, math.Abs(tau) * math.Sqrt(float64(4*W+2)/float64(n))
}

// constant reports whether every value of x equals x[0] (a NaN never
// does, an infinity does not count: its variance is not 0).
func constant(x []float64) bool {
	if len(x) == 0 || math.IsInf(x[0], 0) {
		return false
	}
	for _, v := range x {
		if v != x[0] {
			return false
		}
	}
	return true
}

// autocorrelation returns ρ(t) = C(t)/C(0) for t = 0 … n−1 with
// C(t) = Σ_(i<n−t) (x_i − x̄)(x_(i+t) − x̄)/(n − t), or nil if C(0) = 0
// (or rounds below it). A series with a NaN or an infinity gives NaNs, not
// nil: it is not constant.
func autocorrelation(x []float64) []float64 {
	n := len(x)
	var mean float64
	for _, v := range x {
		mean += v
	}
	mean /= float64(n)
	m := 1
	for m < 2*n {
		m <<= 1
	}
	y := make([]float64, m)
	for i, v := range x {
		y[i] = v - mean
	}
	ft := fourier.NewFFT(m)
	coef := ft.Coefficients(nil, y)
	for i, c := range coef {
		a := cmplx.Abs(c)
		coef[i] = complex(a*a, 0)
	}
	ac := ft.Sequence(y, coef) // m · Σ_i y_i y_(i+t)
	c0 := ac[0] / float64(n)
	if c0 <= 0 {
		return nil
	}
	rho := make([]float64, n)
	for t := range n {
		rho[t] = ac[t] / float64(n-t) / c0
	}
	return rho
}

// BinnedMean returns the mean of the series x and its standard error
// accounting for autocorrelation, by the blocking (binning) analysis of
// Flyvbjerg & Petersen (1989) with the automatic choice of the blocking level
// of Jonsson (2018), Phys. Rev. E 98, 043304: the data are repeatedly
// averaged in pairs (dropping an odd last element), and the first level k at
// which the remaining lag-one autocorrelations are compatible with zero
// (Jonsson's statistic M_k below the 99% quantile of χ² with d − k degrees
// of freedom) gives err² = (s_k² + 2γ_k)/n_k, with s_k² the variance of the
// n_k blocks and γ_k their lag-one autocovariance (the correction removes
// the residual underestimate of order τ/block length of the textbook
// s_k²/n_k).
//
// If no level passes (a series shorter than a few hundred correlation
// times), the largest error among levels with at least 16 blocks is
// returned, which may still underestimate the error. A constant series has
// err = 0; fewer than two samples give err = NaN.
func BinnedMean(x []float64) (mean, err float64) {
	n := len(x)
	if n == 0 {
		return math.NaN(), math.NaN()
	}
	for _, v := range x {
		mean += v
	}
	mean /= float64(n)
	if n < 2 {
		return mean, math.NaN()
	}
	if constant(x) {
		return x[0], 0
	}
	type level struct {
		n     int
		s2, g float64
	}
	var levels []level
	y := append([]float64(nil), x...)
	for len(y) >= 2 {
		m := len(y)
		var mu float64
		for _, v := range y {
			mu += v
		}
		mu /= float64(m)
		var s2, g float64
		for i, v := range y {
			d := v - mu
			s2 += d * d
			if i+1 < m {
				g += d * (y[i+1] - mu)
			}
		}
		levels = append(levels, level{m, s2 / float64(m), g / float64(m)})
		h := m / 2
		for i := range h {
			y[i] = (y[2*i] + y[2*i+1]) / 2
		}
		y = y[:h]
	}
	if levels[0].s2 == 0 {
		return mean, 0
	}
	d := len(levels)
	// Jonsson's M_k = Σ_(j≥k) n_j (γ_j/s_j²)², accumulated from the deepest level.
	M := make([]float64, d)
	acc := 0.0
	for k := d - 1; k >= 0; k-- {
		l := levels[k]
		if l.s2 > 0 {
			r := l.g / l.s2
			acc += float64(l.n) * r * r
		}
		M[k] = acc
	}
	for k := range d {
		q := distuv.ChiSquared{K: float64(d - k)}.Quantile(0.99)
		if M[k] < q {
			// Blocks longer than τ are correlated only through their
			// boundaries, i.e. almost only with their neighbours: adding the
			// lag-one block covariance removes the O(τ/b) underestimate of
			// the plain s_k²/n_k (on AR(1) series from ≈ 7–12% to < 1%).
			l := levels[k]
			return mean, math.Sqrt(math.Max(l.s2+2*l.g, 0) / float64(l.n))
		}
	}
	err = math.Sqrt(levels[0].s2 / float64(levels[0].n))
	for _, l := range levels {
		if l.n >= 16 {
			err = math.Max(err, math.Sqrt(l.s2/float64(l.n)))
		}
	}
	return mean, err
}

// Jackknife estimates a derived quantity f(⟨x₁⟩, ⟨x₂⟩, …) of the means of
// one or more equally long series, with its error, by the jackknife over
// nbins contiguous bins (bins absorb autocorrelation when each is much
// longer than τ_int; nbins = len gives the plain jackknife for independent
// samples). f receives the means in the order of series; it must not keep
// or modify the slice. The estimate is bias-corrected to O(1/nbins²):
// est = nbins·f(all) − (nbins−1)·mean_i f(without bin i); the error is
// √((nbins−1)/nbins · Σ_i (f_i − f̄)²).
//
// Jackknife panics if no series is given, the series differ in length, or
// nbins is not in [2, len].
func Jackknife(nbins int, f func(means []float64) float64, series ...[]float64) (est, err float64) {
	if len(series) == 0 {
		panic("ising: Jackknife needs at least one series")
	}
	n := len(series[0])
	for _, s := range series {
		if len(s) != n {
			panic(fmt.Sprintf("ising: Jackknife series of lengths %d and %d", n, len(s)))
		}
	}
	if nbins < 2 || nbins > n {
		panic(fmt.Sprintf("ising: Jackknife needs 2 ≤ nbins ≤ %d, got %d", n, nbins))
	}
	k := len(series)
	sums := make([]float64, nbins*k) // sums[b*k+j]: sum of series j over bin b
	total := make([]float64, k)
	for j, s := range series {
		for b := range nbins {
			lo, hi := b*n/nbins, (b+1)*n/nbins
			var sum float64
			for _, v := range s[lo:hi] {
				sum += v
			}
			sums[b*k+j] = sum
			total[j] += sum
		}
	}
	means := make([]float64, k)
	for j := range k {
		means[j] = total[j] / float64(n)
	}
	full := f(means)
	fi := make([]float64, nbins)
	var fbar float64
	for b := range nbins {
		cnt := float64(n - ((b+1)*n/nbins - b*n/nbins))
		for j := range k {
			means[j] = (total[j] - sums[b*k+j]) / cnt
		}
		fi[b] = f(means)
		fbar += fi[b]
	}
	fbar /= float64(nbins)
	var ss float64
	for _, v := range fi {
		d := v - fbar
		ss += d * d
	}
	nb := float64(nbins)
	return nb*full - (nb-1)*fbar, math.Sqrt((nb - 1) / nb * ss)
}

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
	n := len(e)
	if n == 0 || len(absM) != n {
		panic(fmt.Sprintf("ising: Summarize needs equal non-empty series, got %d and %d", n, len(absM)))
	}
	if N < 1 {
		panic(fmt.Sprintf("ising: Summarize: N = %d spins", N))
	}
	checkExactTemp(T)
	s := Summary{Samples: n}
	s.TauE, _ = TauInt(e)
	s.TauAbsM, _ = TauInt(absM)
	if n == 1 {
		nan := math.NaN()
		m2 := absM[0] * absM[0]
		s.E, s.AbsM, s.Binder = e[0], absM[0], 1-m2*m2/(3*m2*m2)
		s.EErr, s.AbsMErr, s.CErr, s.ChiErr, s.BinderErr, s.C, s.Chi = nan, nan, nan, nan, nan, 0, 0
		if m2 == 0 {
			s.Binder = nan
		}
		return s
	}
	tau := math.Max(s.TauE, s.TauAbsM)
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
	return s
}

// MaxCorrelationSites is the largest number of sites N = L² for which
// Correlations fills the N×N matrix SS (8·N² bytes).
const MaxCorrelationSites = 1024

// Correlation holds the spin–spin correlations of a batch of configurations
// on an L×L periodic lattice (spins s = 2v − 1, site order i*L+j). The
// displacement-resolved functions are averaged over all sites i:
//
//	G(di, dj) = (1/N) Σ_i ⟨s_i s_(i+(di,dj))⟩,
//
// with di the row offset and dj the column offset, 0 ≤ di, dj < L.
type Correlation struct {
	L       int
	Samples int // number of configurations

	Mean []float64     // ⟨s_i⟩ per site
	SS   *mat.SymDense // ⟨s_i s_j⟩, N×N; nil if N > MaxCorrelationSites

	// G is the L×L matrix G.At(di, dj). GConn is its connected version
	// G(d) − (1/N) Σ_i ⟨s_i⟩⟨s_(i+d)⟩: it subtracts the per-site sample
	// means, which vanish on a finite lattice at h = 0 by symmetry (so GConn ≈ G
	// there, up to noise). For the |m| convention used below Tc, subtract
	// AbsM² from G instead.
	G, GConn *mat.Dense

	// R lists the distinct Euclidean distances between sites under the
	// minimum-image convention, ascending (R[0] = 0); GR[k] and GRConn[k]
	// average G and GConn over the Count[k] displacements at distance R[k].
	R, GR, GRConn []float64
	Count         []int

	AbsM float64 // ⟨|m|⟩, m = Σs/N
	M2   float64 // ⟨m²⟩

	// Chi2 = Σ_d G(d) = N⟨m²⟩ and F = Ĝ(k_min), the structure factor at the
	// smallest non-zero wave vector, (2π/L, 0) and (0, 2π/L) averaged.
	Chi2, F float64
	// Xi is the second-moment correlation length (Cooper, Freedman &
	// Preston 1982) ξ = √(Chi2/F − 1) / (2 sin(π/L)), from the full
	// (not connected) G as is standard at h = 0 on finite lattices: it is
	// +Inf if F = 0 < Chi2 (a perfectly ordered batch) and 0 if Chi2 ≤ F.
	Xi float64
}

// Correlations returns the correlations of the configurations in the rows
// of configs (0/1 cells, s = 2v − 1; fractional cells, such as mean-field
// probabilities, are used as s = 2v − 1 unrounded) on the L×L periodic
// lattice, each row weighted equally. It panics with mat.ErrShape if
// configs does not have L² columns, and if it has no rows.
func Correlations(L int, configs *mat.Dense) *Correlation {
	return CorrelationsWeighted(L, configs, nil)
}

// CorrelationsWeighted is Correlations with weight w[k] ≥ 0 for row k (the
// weights are normalised; nil means equal weights), so that exact ensembles
// such as Enumerate's Prob over all states can be analysed. It panics if
// len(w) differs from the number of rows, a weight is negative or NaN, or
// the weights sum to zero.
func CorrelationsWeighted(L int, configs *mat.Dense, w []float64) *Correlation {
	n, c := configs.Dims()
	if L < 1 || c != L*L {
		panic(mat.ErrShape)
	}
	if n == 0 {
		panic("ising: Correlations of no configurations")
	}
	var wsum float64
	if w != nil {
		if len(w) != n {
			panic(fmt.Sprintf("ising: %d weights for %d configurations", len(w), n))
		}
		for _, v := range w {
			if !(v >= 0) {
				panic(fmt.Sprintf("ising: weight %v is not ≥ 0", v))
			}
			wsum += v
		}
		if !(wsum > 0) {
			panic("ising: weights sum to zero")
		}
	}
	weight := func(k int) float64 {
		if w == nil {
			return 1 / float64(n)
		}
		return w[k] / wsum
	}
	N := L * L
	Nf := float64(N)
	cr := &Correlation{L: L, Samples: n, Mean: make([]float64, N)}

	// Power spectrum ⟨|S(k)|²⟩ by 2D FFT of each configuration, plus the
	// per-site means and the magnetisation moments.
	ft := fourier.NewCmplxFFT(L)
	buf := make([]complex128, N)
	col := make([]complex128, L)
	power := make([]float64, N)
	fft2 := func(inverse bool) {
		tr := ft.Coefficients
		if inverse {
			tr = ft.Sequence
		}
		for i := range L {
			r := buf[i*L : (i+1)*L]
			tr(r, r)
		}
		for j := range L {
			for i := range L {
				col[i] = buf[i*L+j]
			}
			tr(col, col)
			for i := range L {
				buf[i*L+j] = col[i]
			}
		}
	}
	for k := range n {
		wk := weight(k)
		if wk == 0 {
			continue
		}
		row := configs.RawRowView(k)
		var m float64
		for i, v := range row {
			s := 2*v - 1
			buf[i] = complex(s, 0)
			cr.Mean[i] += wk * s
			m += s
		}
		m /= Nf
		cr.AbsM += wk * math.Abs(m)
		cr.M2 += wk * m * m
		fft2(false)
		for i, z := range buf {
			power[i] += wk * (real(z)*real(z) + imag(z)*imag(z))
		}
	}
	// G(d) = (1/N²) Σ_k P(k) e^(ik·d): inverse transform of the power.
	toG := func(p []float64) *mat.Dense {
		for i, v := range p {
			buf[i] = complex(v, 0)
		}
		fft2(true)
		g := mat.NewDense(L, L, nil)
		for i := range L {
			for j := range L {
				g.Set(i, j, real(buf[i*L+j])/(Nf*Nf))
			}
		}
		return g
	}
	cr.Chi2 = power[0] / Nf
	if L > 1 {
		cr.F = (power[1] + power[L]) / (2 * Nf)
	}
	cr.G = toG(power)
	// Connected part: the same transform of |FFT(⟨s⟩)|².
	mp := make([]float64, N)
	for i, v := range cr.Mean {
		buf[i] = complex(v, 0)
	}
	fft2(false)
	for i, z := range buf {
		mp[i] = real(z)*real(z) + imag(z)*imag(z)
	}
	mg := toG(mp)
	cr.GConn = mat.NewDense(L, L, nil)
	if isBinary(configs) {
		cr.G.Set(0, 0, 1) // s_i² = 1 exactly; removes FFT rounding
	}
	cr.GConn.Sub(cr.G, mg)

	// Second-moment correlation length.
	switch {
	case L == 1 || cr.Chi2 <= cr.F:
		cr.Xi = 0
	case cr.F == 0:
		cr.Xi = math.Inf(1)
	default:
		cr.Xi = math.Sqrt(cr.Chi2/cr.F-1) / (2 * math.Sin(math.Pi/float64(L)))
	}

	// Radial binning by minimum-image distance.
	type disp struct{ r2, i, j int }
	ds := make([]disp, 0, N)
	for i := range L {
		for j := range L {
			a, b := min(i, L-i), min(j, L-j)
			ds = append(ds, disp{a*a + b*b, i, j})
		}
	}
	sort.SliceStable(ds, func(x, y int) bool { return ds[x].r2 < ds[y].r2 })
	for k := 0; k < len(ds); {
		r2 := ds[k].r2
		var g, gc float64
		cnt := 0
		for ; k < len(ds) && ds[k].r2 == r2; k++ {
			g += cr.G.At(ds[k].i, ds[k].j)
			gc += cr.GConn.At(ds[k].i, ds[k].j)
			cnt++
		}
		cr.R = append(cr.R, math.Sqrt(float64(r2)))
		cr.GR = append(cr.GR, g/float64(cnt))
		cr.GRConn = append(cr.GRConn, gc/float64(cnt))
		cr.Count = append(cr.Count, cnt)
	}

	// The full matrix for small lattices: SS = Σ_k w_k s_k s_kᵀ, in chunks.
	if N <= MaxCorrelationSites {
		cr.SS = mat.NewSymDense(N, nil)
		const chunk = 256
		blk := mat.NewDense(min(chunk, n), N, nil)
		for lo := 0; lo < n; lo += chunk {
			hi := min(lo+chunk, n)
			b := blk.Slice(0, hi-lo, 0, N).(*mat.Dense)
			for k := lo; k < hi; k++ {
				sw := math.Sqrt(weight(k))
				dst := b.RawRowView(k - lo)
				for i, v := range configs.RawRowView(k) {
					dst[i] = sw * (2*v - 1)
				}
			}
			cr.SS.SymRankK(cr.SS, 1, b.T())
		}
	}
	return cr
}

// isBinary reports whether every cell is 0 or 1.
func isBinary(m *mat.Dense) bool {
	r, _ := m.Dims()
	for k := range r {
		for _, v := range m.RawRowView(k) {
			if v != 0 && v != 1 {
				return false
			}
		}
	}
	return true
}
