package ising

import (
	"math"

	"gonum.org/v1/gonum/dsp/fourier"
)

// TauIntChains returns the integrated autocorrelation time of an ensemble
// of independent chains of the same process, each a time series of the
// same observable: τ_int = ½ + Σ_(t=1)^W ρ(t) with Sokal's self-consistent
// window as in TauInt, where the autocovariance
// C(t) = Σ_c Σ_(i<n_c−t) (x_ci − x̄)(x_c,i+t − x̄) / Σ_c (n_c − t) pools
// every chain around the common mean x̄ (chains may differ in length).
// With R chains of length n the estimate has the statistics of one chain of
// length R·n, but the window can only reach the shortest chain's n/4 (n/2
// with 16 or more chains, whose pooled lags stay well estimated), so each
// chain must still be several τ_int long. One chain gives TauInt's result.
//
// An ensemble whose values are all equal returns (½, 0) whatever their
// value; one holding a NaN or an infinity returns (NaN, NaN), as do fewer
// than two values in total. If no window up to that limit is
// self-consistent, τ_int at the limit is returned, an underestimate.
func TauIntChains(chains [][]float64) (tau, err float64) {
	tau, err, _ = tauIntChains(chains)
	return tau, err
}

// tauIntChains is TauIntChains that also reports whether the window was
// self-consistent.
func tauIntChains(chains [][]float64) (tau, err float64, ok bool) {
	total, nmin, sum, first, constant := pooledSums(chains)
	switch {
	case total < 2:
		return math.NaN(), math.NaN(), false
	case constant && !math.IsInf(first, 0):
		return 0.5, 0, true
	}
	mean := sum / float64(total)
	p := pooledLags{chains: chains, mean: mean}
	c0 := p.lag(0)
	if !(c0 > 0 && c0 < math.Inf(1)) {
		if c0 == 0 {
			// Values that differ only below rounding of the mean.
			return 0.5, 0, true
		}
		return math.NaN(), math.NaN(), false
	}
	maxW := max(nmin/4, 1)
	if len(chains) >= 16 {
		maxW = max(nmin/2, 1)
	}
	tau, W, ok := p.window(c0, maxW)
	return tau, math.Abs(tau) * math.Sqrt(float64(4*W+2)/float64(total)), ok
}

// pooledSums returns the number of values in all chains, the shortest
// chain's length, the sum of the values, the first value and whether all
// values equal it (a NaN makes the ensemble non-constant: NaN ≠ NaN).
func pooledSums(chains [][]float64) (total, nmin int, sum, first float64, constant bool) {
	constant = true
	for c, x := range chains {
		if c == 0 || len(x) < nmin {
			nmin = len(x)
		}
		for _, v := range x {
			if total == 0 {
				first = v
			}
			constant = constant && v == first
			sum += v
			total++
		}
	}
	return total, nmin, sum, first, constant
}

// pooledLags is the pooled autocovariance of chains around mean.
type pooledLags struct {
	chains [][]float64
	mean   float64
	fft    []float64 // Σ_c Σ_i y_ci y_c,i+t, from the FFT beyond the direct lags
}

// count returns the number of pairs at lag t.
func (p *pooledLags) count(t int) float64 {
	var n int
	for _, x := range p.chains {
		n += max(0, len(x)-t)
	}
	return float64(n)
}

// lag returns the autocovariance at lag t, summed directly.
func (p *pooledLags) lag(t int) float64 {
	mean := p.mean
	var s float64
	for _, x := range p.chains {
		for i := 0; i+t < len(x); i++ {
			s += (x[i] - mean) * (x[i+t] - mean)
		}
	}
	return s / p.count(t)
}

// window sums the autocorrelation ρ(t) = C(t)/c0 up to Sokal's
// self-consistent window W ≤ maxW, directly for the first 16 lags and by
// FFT beyond, and returns τ_int, W (maxW if no window is self-consistent)
// and whether one was.
func (p *pooledLags) window(c0 float64, maxW int) (tau float64, W int, ok bool) {
	const direct = 16
	tau, abs := 0.5, 0.5
	W = 1
	for ; W <= maxW; W++ {
		var r float64
		switch {
		case W <= direct:
			r = p.lag(W) / c0
		default:
			if p.fft == nil {
				p.fft = pooledAutocov(p.chains, p.mean, maxW)
			}
			r = p.fft[W] / p.count(W) / c0
		}
		tau += r
		abs += math.Abs(r)
		if float64(W) >= SokalWindow*abs {
			ok = true
			break
		}
	}
	return tau, min(W, maxW), ok
}

// pooledAutocov returns Σ_c Σ_i (x_ci − mean)(x_c,i+t − mean) for
// t = 0 … maxW, by FFT.
func pooledAutocov(chains [][]float64, mean float64, maxW int) []float64 {
	out := make([]float64, maxW+1)
	var ft *fourier.FFT
	var y []float64
	var coef []complex128
	size := 0
	for _, x := range chains {
		n := len(x)
		if n == 0 {
			continue
		}
		m := 1
		for m < 2*n {
			m <<= 1
		}
		if m != size {
			ft, size = fourier.NewFFT(m), m
			y = make([]float64, m)
			coef = nil
		}
		clear(y)
		for i, v := range x {
			y[i] = v - mean
		}
		coef = ft.Coefficients(coef, y)
		for i, c := range coef {
			a := real(c)*real(c) + imag(c)*imag(c)
			coef[i] = complex(a, 0)
		}
		ac := ft.Sequence(y, coef) // m · Σ_i y_i y_(i+t)
		for t := range min(maxW+1, n) {
			out[t] += ac[t] / float64(m)
		}
	}
	return out
}
