package flow

import (
	"math"
	"slices"
)

// KS returns the two-sample Kolmogorov–Smirnov distance
// D = sup_x |F_a(x) − F_b(x)| between the empirical distribution functions
// of a and b: 0 for identical samples, 1 for samples that do not overlap.
// Ties (within and across the samples, as for |m| on a finite lattice) are
// handled exactly: both functions step at a tied value before they are
// compared. It returns NaN if either sample is empty or holds a NaN; a and b
// are not modified.
func KS(a, b []float64) float64 {
	if len(a) == 0 || len(b) == 0 || slices.ContainsFunc(a, math.IsNaN) || slices.ContainsFunc(b, math.IsNaN) {
		return math.NaN()
	}
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	na, nb := float64(len(x)), float64(len(y))
	var i, j int
	var d float64
	for i < len(x) && j < len(y) {
		v := min(x[i], y[j])
		for i < len(x) && x[i] == v {
			i++
		}
		for j < len(y) && y[j] == v {
			j++
		}
		d = max(d, math.Abs(float64(i)/na-float64(j)/nb))
	}
	return d
}

// KSProb returns the asymptotic probability that two samples of sizes n
// and m drawn from one continuous distribution are at least d apart in
// Kolmogorov–Smirnov distance: Q(λ) = 2 Σ_{k≥1} (−1)^{k−1} e^{−2k²λ²} with
// λ = (√nₑ + 0.12 + 0.11/√nₑ)·d and nₑ = nm/(n + m) (Stephens' correction;
// Press et al., Numerical Recipes §14.3). For discrete distributions, where
// ties are frequent, the true probability is larger: the test is
// conservative. It returns NaN for n or m < 1 or a NaN d.
func KSProb(d float64, n, m int) float64 {
	if n < 1 || m < 1 || math.IsNaN(d) {
		return math.NaN()
	}
	ne := float64(n) * float64(m) / float64(n+m)
	sq := math.Sqrt(ne)
	lam := (sq + 0.12 + 0.11/sq) * d
	if lam < 0.2 {
		return 1 // the series converges slowly here; Q(0.2) = 1 − 7e-22
	}
	var q float64
	sign := 1.0
	for k := 1; k <= 100; k++ {
		t := sign * math.Exp(-2*float64(k*k)*lam*lam)
		q += t
		if math.Abs(t) < 1e-16*math.Abs(q) {
			break
		}
		sign = -sign
	}
	return math.Max(0, math.Min(1, 2*q))
}
