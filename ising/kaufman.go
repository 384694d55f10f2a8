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
	N := float64(L * L)
	switch {
	case T == 0:
		return ExactValues{LnZ: math.Inf(1), E: -2, C: 0}
	case math.IsInf(T, 1):
		return ExactValues{LnZ: math.Ln2, E: 0, C: 0}
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
		}
	case T < 1.0/30:
		return ExactValues{LnZ: 2/T + math.Ln2/N, E: -2, C: 0}
	}
	K := 1 / T
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

	// Per-term sums: S = Σ ln|f|, D1 = Σ dln|f|/dK, D2 = Σ d²ln|f|/dK².
	var s1, d11, d21 float64 // Π 2cosh(Lγ_odd/2)
	var s2, d12, d22 float64 // Π 2sinh(Lγ_odd/2)
	var s3, d13, d23 float64 // Π 2cosh(Lγ_even/2), including γ_0
	var sq, q1, q2 float64   // Q = Π_(l even ≥ 2) 2sinh(Lγ_l/2)
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
			s1 += lc
			d11 += a1 * tc
			d21 += b1*tc + a1*a1*sech2
			s2 += ls
			d12 += a1 * ct
			d22 += b1*ct - a1*a1*csch2
		} else {
			s3 += lc
			d13 += a1 * tc
			d23 += b1*tc + a1*a1*sech2
			sq += ls
			q1 += a1 * ct
			q2 += b1*ct - a1*a1*csch2
		}
	}
	// γ_0 = 2K + ln tanh K, signed.
	g0 := 2*K + math.Log(math.Tanh(K))
	g01 := 2 + 2/s
	g02 := -4 * ch / (s * s)
	x0 := hm * g0
	a0 := hm * g01
	lc0, t0 := logCosh2(x0)
	s3 += lc0
	d13 += a0 * t0
	d23 += hm*g02*t0 + a0*a0*(1-t0*t0)
	s4t := sq + lc0 // Z4 = e^s4t · u4 with u4 = tanh x0

	// Z_i = e^(S_i) u_i: u = 1 for terms 1–3; for term 4,
	// u = tanh x0, u′ = a0 + tanh x0 · Q1.
	S := [4]float64{s1, s2, s3, s4t}
	u := [4]float64{1, 1, 1, t0}
	up := [4]float64{d11, d12, d13, a0 + t0*q1}
	M := math.Max(math.Max(s1, s2), math.Max(s3, s4t))
	var U, Up float64
	var v [4]float64
	for i := range S {
		v[i] = math.Exp(S[i] - M)
		U += v[i] * u[i]
		Up += v[i] * up[i]
	}
	mean := Up / U
	// Var = Σ v_i (u_i″ − 2ā u_i′ + ā² u_i) / U, written without cancellation.
	d := [3]float64{d11 - mean, d12 - mean, d13 - mean}
	dd := [3]float64{d21, d22, d23}
	var V float64
	for i := range 3 {
		V += v[i] * (d[i]*d[i] + dd[i])
	}
	dq := q1 - mean
	V += v[3] * (t0*(a0*a0+dq*dq+q2) + hm*g02 + 2*a0*dq)
	V /= U

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
