package ising

import (
	"fmt"
	"math"
)

// ExactValues holds the exact thermodynamic quantities per spin that Exact
// returns (named so as not to suggest package thermo, whose thermometers
// estimate temperatures).
type ExactValues struct {
	LnZ float64 // ln Z / N
	E   float64 // ⟨H⟩ / N
	C   float64 // (⟨H²⟩ − ⟨H⟩²) / (N T²)
}

// Exact returns ln Z, the energy and the specific heat per spin of the
// L×L Ising model with periodic boundaries at h = 0 and temperature T, from
// Kaufman's exact partition function (Kaufman 1949; Beale 1996):
//
//	Z = ½ (2 sinh 2K)^(N/2) [Π 2cosh(Lγ_odd/2) + Π 2sinh(Lγ_odd/2) + Π 2cosh(Lγ_even/2) + Π 2sinh(Lγ_even/2)],
//
// with K = 1/T, N = L², the products over the L odd and the L even indices
// l of γ_l, cosh γ_l = cosh 2K coth 2K − cos(πl/L) for l ≥ 1, and the signed
// γ_0 = 2K + ln tanh K (positive below Tc, zero at Tc, negative above, which
// makes the fourth product change sign). For L = 2 the periodic lattice has
// doubled bonds (each pair of neighbours is joined twice), exactly as the
// enumeration and the samplers count them.
//
// The four products are summed in log space with their signs, and E and C
// come from analytic derivatives of each factor with respect to K (first and
// second derivatives of γ_l in closed form), not numerical differentiation:
// that keeps full precision at every L and T, including near Tc where C
// peaks and at low T where C is exponentially small. The second derivative
// of ln Z is assembled as a weighted variance around the mean log-derivative,
// so the O(N²) terms cancel analytically rather than in floating point.
//
// T = 0 is exact: LnZ = +Inf, E = −2, C = 0. For T < 1/30 the corrections are
// below e^(−240) and the ground-state values E = −2, C = 0,
// LnZ = 2/T + ln 2/N are returned. T = +Inf gives LnZ = ln 2, E = C = 0.
// Between T = 10⁴ and 10⁶ the energy carries an absolute rounding error of
// about 10⁻¹⁶·T (the prefactor's and the products' derivatives cancel);
// from T = 10⁶ on, the leading high-temperature expansion is used, with an
// absolute error below 10⁻¹¹. Exact panics if L < 2, T < 0 or T is NaN.
func Exact(L int, T float64) ExactValues {
	if L < 2 {
		panic(fmt.Sprintf("ising: Exact needs L ≥ 2, got %d", L))
	}
	checkExactTemp(T)
	if v, ok := exactLimit(L, T); ok {
		return v
	}
	K := 1 / T
	N := float64(L * L)
	hm := float64(L) / 2 // m/2 with m = L rows
	s := math.Sinh(2 * K)
	ch := math.Cosh(2 * K)
	ks := kaufmanProducts(L, K)

	// γ_0 = 2K + ln tanh K, signed.
	g0 := 2*K + math.Log(math.Tanh(K))
	g01 := 2 + 2/s
	g02 := -4 * ch / (s * s)
	x0 := hm * g0
	a0 := hm * g01
	lc0, t0 := logCosh2(x0)
	ks.s3 += lc0
	ks.d13 += a0 * t0
	ks.d23 += hm*g02*t0 + a0*a0*(1-t0*t0)
	s4t := ks.sq + lc0 // Z4 = e^s4t · u4 with u4 = tanh x0

	M, U, mean, V := ks.combine(s4t, t0, a0, hm*g02)

	lnP0 := -math.Ln2 + N/2*math.Log(2*s)
	lnP1 := N * ch / s // d lnP0/dK = N coth 2K
	lnP2 := -2 * N / (s * s)
	lnZ := lnP0 + M + math.Log(U)
	dlnZ := lnP1 + mean
	d2lnZ := lnP2 + V
	return ExactValues{
		LnZ: lnZ / N,
		E:   -dlnZ / N,
		C:   math.Max(K*K*d2lnZ/N, 0), // ≥ 0; clamps rounding at very low T
	}
}

// exactLimit returns Exact's value at T = 0, T = +Inf, T ≥ 10⁶ (the leading
// high-temperature expansion) and T < 1/30 (the ground state), and false
// for the temperatures in between.
func exactLimit(L int, T float64) (ExactValues, bool) {
	N := float64(L * L)
	switch {
	case T == 0:
		return ExactValues{LnZ: math.Inf(1), E: -2, C: 0}, true
	case math.IsInf(T, 1):
		return ExactValues{LnZ: math.Ln2, E: 0, C: 0}, true
	case T >= 1e6:
		// Leading high-temperature expansion: each of the z distinct
		// neighbour pairs per spin contributes ln cosh κ of its coupling
		// (z = 2, κ = K; for L = 2 the bonds are doubled: z = 1, κ = 2K);
		// loops of length L ≥ 3 add O(K³) to ln Z/N, O(K²) < 10⁻¹¹ to E.
		K := 1 / T
		z, kappa := 2.0, K
		if L == 2 {
			z, kappa = 1, 2*K
		}
		sech := 1 / math.Cosh(kappa)
		return ExactValues{
			LnZ: math.Ln2 + z*math.Log(math.Cosh(kappa)),
			E:   -z * math.Tanh(kappa) * kappa / K,
			C:   z * kappa * kappa * sech * sech,
		}, true
	case T < 1.0/30:
		return ExactValues{LnZ: 2/T + math.Ln2/N, E: -2, C: 0}, true
	}
	return ExactValues{}, false
}

// kaufmanSums holds the per-term sums of Kaufman's four products:
// S = Σ ln|f|, D1 = Σ dln|f|/dK, D2 = Σ d²ln|f|/dK².
type kaufmanSums struct {
	s1, d11, d21 float64 // Π 2cosh(Lγ_odd/2)
	s2, d12, d22 float64 // Π 2sinh(Lγ_odd/2)
	s3, d13, d23 float64 // Π 2cosh(Lγ_even/2), including γ_0
	sq, q1, q2   float64 // Q = Π_(l even ≥ 2) 2sinh(Lγ_l/2)
}

// kaufmanProducts returns the sums over l = 1, …, 2L−1 (γ_0 is left to
// the caller) at coupling K on the L×L lattice.
func kaufmanProducts(L int, K float64) kaufmanSums {
	n := L
	hm := float64(L) / 2 // m/2 with m = L rows

	s := math.Sinh(2 * K)
	ch := math.Cosh(2 * K)
	s4 := math.Sinh(4 * K)
	// r = c′/c and r′ with c = cosh 2K coth 2K = s + 1/s.
	r := 2*math.Tanh(2*K) - 4/s4
	rp := 4/(ch*ch) + 16/(math.Tanh(4*K)*s4)
	c := s + 1/s
	sm := (s - 1) * (s - 1) / s // c − 2, exact near Tc

	var ks kaufmanSums
	for l := 1; l < 2*n; l++ {
		theta := math.Pi * float64(l) / float64(n)
		sh := math.Sin(theta / 2)
		xm1 := sm + 2*sh*sh // x − 1 with x = c − cos θ
		x := xm1 + 1
		sinhG := math.Sqrt(xm1 * (xm1 + 2))
		g := math.Log1p(xm1 + sinhG)
		ratio := c / sinhG
		g1 := ratio * r
		g2 := ratio * (rp - r*r*(1+x*math.Cos(theta))/(xm1*(xm1+2)))
		y := hm * g
		a1 := hm * g1
		b1 := hm * g2
		lc, tc := logCosh2(y)
		ls, ct := logSinh2(y)
		sech2 := 1 - tc*tc
		csch2 := ct*ct - 1
		if l%2 == 1 {
			ks.s1 += lc
			ks.d11 += a1 * tc
			ks.d21 += b1*tc + a1*a1*sech2
			ks.s2 += ls
			ks.d12 += a1 * ct
			ks.d22 += b1*ct - a1*a1*csch2
		} else {
			ks.s3 += lc
			ks.d13 += a1 * tc
			ks.d23 += b1*tc + a1*a1*sech2
			ks.sq += ls
			ks.q1 += a1 * ct
			ks.q2 += b1*ct - a1*a1*csch2
		}
	}
	return ks
}

// combine sums the four products Z_i = e^(S_i) u_i in log space, with
// u = 1 for terms 1–3 and, for term 4, S_4 = s4t, u = t0 = tanh x0,
// u′ = a0 + t0·Q1 and hg02 = (L/2)γ_0″. It returns the shift M and
// U = Σ e^(S_i − M) u_i (so ln Σ Z_i = M + ln U), the weighted mean
// log-derivative and the weighted variance that make up d²ln Σ Z_i/dK².
func (ks *kaufmanSums) combine(s4t, t0, a0, hg02 float64) (M, U, mean, V float64) {
	S := [4]float64{ks.s1, ks.s2, ks.s3, s4t}
	u := [4]float64{1, 1, 1, t0}
	up := [4]float64{ks.d11, ks.d12, ks.d13, a0 + t0*ks.q1}
	M = math.Max(math.Max(ks.s1, ks.s2), math.Max(ks.s3, s4t))
	var Up float64
	var v [4]float64
	for i := range S {
		v[i] = math.Exp(S[i] - M)
		U += v[i] * u[i]
		Up += v[i] * up[i]
	}
	mean = Up / U
	// Var = Σ v_i (u_i″ − 2ā u_i′ + ā² u_i) / U, written without cancellation.
	d := [3]float64{ks.d11 - mean, ks.d12 - mean, ks.d13 - mean}
	dd := [3]float64{ks.d21, ks.d22, ks.d23}
	for i := range 3 {
		V += v[i] * (d[i]*d[i] + dd[i])
	}
	dq := ks.q1 - mean
	V += v[3] * (t0*(a0*a0+dq*dq+ks.q2) + hg02 + 2*a0*dq)
	V /= U
	return M, U, mean, V
}

// logCosh2 returns ln(2 cosh y) and tanh y without overflow.
func logCosh2(y float64) (float64, float64) {
	ay := math.Abs(y)
	return ay + math.Log1p(math.Exp(-2*ay)), math.Tanh(y)
}

// logSinh2 returns ln(2 sinh y) and coth y for y > 0 without overflow.
func logSinh2(y float64) (float64, float64) {
	if y < 1 {
		return math.Log(2 * math.Sinh(y)), 1 / math.Tanh(y)
	}
	return y + math.Log1p(-math.Exp(-2*y)), 1 / math.Tanh(y)
}
