package ising

import (
	"fmt"
	"math"
	"math/cmplx"

	"gonum.org/v1/gonum/dsp/fourier"
	"gonum.org/v1/gonum/stat/distuv"
)

// Statistics of Monte Carlo time series (this file and chains.go); the
// ensemble summaries are in summary.go, the correlations of configuration
// batches in correlation.go.
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
	levels := blockLevels(x)
	if levels[0].s2 == 0 {
		return mean, 0
	}
	return mean, blockedError(levels)
}

// blockLevel is one level of the blocking analysis: n blocks with variance
// s2 and lag-one autocovariance g.
type blockLevel struct {
	n     int
	s2, g float64
}

// blockLevels returns the blocking levels of x, the series itself first,
// each next one averaging the previous in pairs (dropping an odd last
// element), down to one block.
func blockLevels(x []float64) []blockLevel {
	var levels []blockLevel
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
		levels = append(levels, blockLevel{m, s2 / float64(m), g / float64(m)})
		h := m / 2
		for i := range h {
			y[i] = (y[2*i] + y[2*i+1]) / 2
		}
		y = y[:h]
	}
	return levels
}

// blockedError returns the error of the mean from the first level that
// passes Jonsson's test, or the largest error among levels with at least
// 16 blocks if none does (see BinnedMean).
func blockedError(levels []blockLevel) float64 {
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
			return math.Sqrt(math.Max(l.s2+2*l.g, 0) / float64(l.n))
		}
	}
	err := math.Sqrt(levels[0].s2 / float64(levels[0].n))
	for _, l := range levels {
		if l.n >= 16 {
			err = math.Max(err, math.Sqrt(l.s2/float64(l.n)))
		}
	}
	return err
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
