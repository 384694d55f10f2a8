package ising

import (
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"sort"
	"sync"
)

// Exact references for the square-lattice Ising model with J = k_B = 1 and
// H = −Σ_<ij> s_i s_j − h Σ_i s_i.
//
//   - The infinite lattice: Onsager (1944) for the energy and specific heat,
//     Yang (1952) for the spontaneous magnetisation.
//   - The finite L×L periodic lattice at h = 0: Kaufman's (1949) partition
//     function, in the form of Beale (1996), Phys. Rev. Lett. 76, 78.
//   - L ≤ 4 at any h: enumeration of all 2^(L²) states.

// Tc is the critical temperature of the square-lattice Ising model,
// 2/ln(1+√2) = 2.269185314213022… (Kramers–Wannier 1941, Onsager 1944).
const Tc = 2 / 0.88137358701954302523260932497979230902816032826163541075329560 // ln(1+√2)

// kc is the critical coupling 1/Tc = ln(1+√2)/2.
const kc = 0.88137358701954302523260932497979230902816032826163541075329560 / 2

// checkExactTemp panics unless T is a temperature: T ≥ 0 (+Inf allowed).
func checkExactTemp(T float64) {
	if !(T >= 0) {
		panic(fmt.Sprintf("ising: temperature %v is not ≥ 0", T))
	}
}

// OnsagerEnergy returns Onsager's internal energy per spin of the infinite
// square lattice at h = 0,
//
//	u = −coth 2K [1 + (2/π)(2 tanh² 2K − 1) K(k)],  k = 2 sinh 2K / cosh² 2K,
//
// with K = 1/T and K(k) the complete elliptic integral of the first kind.
// The limits are exact: u(0) = −2, u(Tc) = −√2, u(+Inf) = 0. Above T = 10⁴
// it uses the high-temperature series u = −2 tanh K, whose first neglected
// term is O(K³) < 10⁻¹¹. It panics if T < 0 or T is NaN.
func OnsagerEnergy(T float64) float64 {
	checkExactTemp(T)
	switch {
	case T == 0:
		return -2
	case math.IsInf(T, 1):
		return 0
	case T == Tc:
		return -math.Sqrt2
	}
	K := 1 / T
	if K < 1e-4 {
		return -2 * math.Tanh(K)
	}
	t := math.Tanh(2 * K)
	kp := 2*t*t - 1 // signed complementary modulus k″ = 2 tanh² 2K − 1
	if kp == 0 {
		return -math.Sqrt2
	}
	kk, _ := ellipticKE(math.Abs(kp))
	return -(1 / t) * (1 + 2/math.Pi*kp*kk)
}

// OnsagerSpecificHeat returns Onsager's specific heat per spin of the
// infinite square lattice at h = 0 (K = 1/T),
//
//	c = (4/π)(K coth 2K)² {K(k) − E(k) − (1 − tanh² 2K)[π/2 + (2 tanh² 2K − 1) K(k)]}.
//
// It is 0 at T = 0 and T = +Inf and +Inf at T = Tc (logarithmic divergence).
// At low temperature the braces cancel to O(e^(−8K)) and the result carries
// an absolute rounding error of about K²·10⁻¹⁶; above T = 10⁴ it uses the
// high-temperature series c = 2K² sech² K. It panics if T < 0 or T is NaN.
func OnsagerSpecificHeat(T float64) float64 {
	checkExactTemp(T)
	switch {
	case T == 0, math.IsInf(T, 1):
		return 0
	case T == Tc:
		return math.Inf(1)
	}
	K := 1 / T
	if K < 1e-4 {
		s := 1 / math.Cosh(K)
		return 2 * K * K * s * s
	}
	t := math.Tanh(2 * K)
	kp := 2*t*t - 1
	if kp == 0 {
		return math.Inf(1)
	}
	kk, ke := ellipticKE(math.Abs(kp))
	a := K / t
	c := 4 / math.Pi * a * a * (kk - ke - (1-t*t)*(math.Pi/2+kp*kk))
	return math.Max(c, 0)
}

// SpontaneousMagnetization returns Yang's spontaneous magnetisation per spin
// of the infinite square lattice, (1 − sinh⁻⁴ 2K)^(1/8) below Tc and 0 at and
// above Tc (K = 1/T). It is 1 at T = 0. It panics if T < 0 or T is NaN.
func SpontaneousMagnetization(T float64) float64 {
	checkExactTemp(T)
	if T == 0 {
		return 1
	}
	if T >= Tc {
		return 0
	}
	s := math.Sinh(2 / T)
	s2 := s * s
	return math.Pow(1-1/(s2*s2), 0.125)
}

// ellipticKE returns the complete elliptic integrals of the first and second
// kind, K(k) and E(k), as functions of the complementary modulus
// k′ = √(1−k²) ∈ [0, 1], by the arithmetic–geometric mean. Taking k′ rather
// than k keeps full relative precision near k = 1 (T near Tc), where K
// diverges logarithmically; k′ = 0 gives K = +Inf, E = 1.
func ellipticKE(kprime float64) (kk, ke float64) {
	if kprime == 0 {
		return math.Inf(1), 1
	}
	a, b := 1.0, kprime
	// E/K = 1 − Σ_n 2^(n−1) c_n², c_0 = k, c_(n+1) = (a_n − b_n)/2.
	sum := 0.5 * (1 - kprime) * (1 + kprime) // c_0² / 2 = k²/2
	pow := 0.5
	for i := 0; i < 64; i++ {
		c := (a - b) / 2
		pow *= 2
		sum += pow * c * c
		a, b = (a+b)/2, math.Sqrt(a*b)
		if math.Abs(a-b) <= 1e-16*a {
			break
		}
	}
	kk = math.Pi / (2 * a)
	return kk, kk * (1 - sum)
}

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

// MaxEnumerateL is the largest lattice side Enumerate accepts (2^16 states).
const MaxEnumerateL = 4

// Enumeration is the exact Boltzmann distribution of an L×L periodic Ising
// lattice (L ≤ 4) at temperature T and field h, from all 2^(L²) states.
// Quantities are per spin (m = Σs/N, e = H/N); states are indexed by their
// bits: bit k of the index is site k (site order i*L+j), 1 = up (s = +1).
type Enumeration struct {
	L    int
	T, H float64

	LnZ  float64 // ln Z / N (±Inf at T = 0 unless the ground energy is 0)
	E    float64 // ⟨e⟩
	M    float64 // ⟨m⟩ (0 at h = 0 by symmetry)
	AbsM float64 // ⟨|m|⟩
	M2   float64 // ⟨m²⟩
	M4   float64 // ⟨m⁴⟩
	// C is the specific heat per spin N(⟨e²⟩ − ⟨e⟩²)/T².
	C float64
	// Chi is the susceptibility per spin in the finite-size |m| convention,
	// N(⟨m²⟩ − ⟨|m|⟩²)/T, the convention Summarize uses. At h ≠ 0 the
	// response to the field is N(⟨m²⟩ − ⟨m⟩²)/T, computable from M2 and M.
	Chi float64
	// Binder is the Binder cumulant 1 − ⟨m⁴⟩/(3⟨m²⟩²).
	Binder float64

	// Prob[k] is the probability of state k.
	Prob []float64
	// Energy[k] is the total energy H of state k (not per spin).
	Energy []float64
	// Mag[k] is the total magnetisation Σ s_i of state k.
	Mag []float64
}

// enumTable holds the h-independent integer tables of one lattice size:
// the bond energy −Σ s_i s_j and the magnetisation Σ s_i of every state,
// and the distinct (bonds, mag) classes with their multiplicities.
type enumTable struct {
	bonds []int16
	mag   []int8
	class []uint16 // class index of each state
	cls   []enumClass
}

type enumClass struct {
	bonds, mag int
	count      float64
}

var enumTables [MaxEnumerateL + 1]struct {
	once sync.Once
	t    enumTable
}

func enumTableFor(L int) *enumTable {
	e := &enumTables[L]
	e.once.Do(func() {
		N := L * L
		ns := 1 << N
		// Bond list: right and down neighbour of each site (doubled at L = 2,
		// self-bonds at L = 1, exactly as internal/lattice.Bonds counts).
		type bond struct{ a, b uint }
		bl := make([]bond, 0, 2*N)
		for i := 0; i < L; i++ {
			for j := 0; j < L; j++ {
				k := uint(i*L + j)
				bl = append(bl, bond{k, uint(i*L + (j+1)%L)}, bond{k, uint(((i+1)%L)*L + j)})
			}
		}
		t := enumTable{bonds: make([]int16, ns), mag: make([]int8, ns), class: make([]uint16, ns)}
		index := map[[2]int]int{}
		for st := 0; st < ns; st++ {
			anti := 0
			for _, b := range bl {
				anti += int((uint(st)>>b.a ^ uint(st)>>b.b) & 1)
			}
			// −Σ s_i s_j = −(parallel − antiparallel) = 2·anti − 2N.
			bo, mg := 2*anti-2*N, 2*bits.OnesCount(uint(st))-N
			t.bonds[st] = int16(bo)
			t.mag[st] = int8(mg)
			key := [2]int{bo, mg}
			c, ok := index[key]
			if !ok {
				c = len(t.cls)
				index[key] = c
				t.cls = append(t.cls, enumClass{bonds: bo, mag: mg})
			}
			t.cls[c].count++
			t.class[st] = uint16(c)
		}
		e.t = t
	})
	return &e.t
}

// Enumerate returns the exact distribution of the L×L periodic Ising model at
// temperature T and field h by summing over all 2^(L²) states in log-sum-exp
// form (grouped by their (energy, magnetisation) class). T = 0 is exact: the
// probability is uniform over the ground states (states whose energy is
// within 10⁻¹² (1 + |E_min|) of the minimum), and C and Chi are 0 (Chi is
// +Inf if the ground states differ in |m|, possible only at special h).
// T = +Inf gives the uniform distribution and C = Chi = 0.
// It panics if L < 1, L > MaxEnumerateL, T < 0 or T or h is NaN or infinite.
func Enumerate(L int, T, h float64) *Enumeration {
	if L < 1 || L > MaxEnumerateL {
		panic(fmt.Sprintf("ising: Enumerate needs 1 ≤ L ≤ %d, got %d", MaxEnumerateL, L))
	}
	checkExactTemp(T)
	if math.IsNaN(h) || math.IsInf(h, 0) {
		panic(fmt.Sprintf("ising: field %v is not finite", h))
	}
	tab := enumTableFor(L)
	N := L * L
	nf := float64(N)
	ns := 1 << N
	en := &Enumeration{
		L: L, T: T, H: h,
		Prob:   make([]float64, ns),
		Energy: make([]float64, ns),
		Mag:    make([]float64, ns),
	}
	// Per class: energy and (unnormalised, then per-state) probability.
	nc := len(tab.cls)
	ce := make([]float64, nc)
	cp := make([]float64, nc)
	emin := math.Inf(1)
	for c, cl := range tab.cls {
		ce[c] = float64(cl.bonds) - h*float64(cl.mag)
		emin = math.Min(emin, ce[c])
	}
	switch {
	case T == 0:
		tol := 1e-12 * (1 + math.Abs(emin))
		var g float64
		for c, e := range ce {
			if e-emin <= tol {
				cp[c] = 1
				g += tab.cls[c].count
			}
		}
		for c := range cp {
			cp[c] /= g
		}
		switch {
		case emin < 0:
			en.LnZ = math.Inf(1)
		case emin > 0:
			en.LnZ = math.Inf(-1)
		default:
			en.LnZ = math.Log(g) / nf
		}
	case math.IsInf(T, 1):
		for c := range cp {
			cp[c] = 1 / float64(ns)
		}
		en.LnZ = math.Ln2
	default:
		// Log-sum-exp with the ground energy as the shift.
		beta := 1 / T
		var z float64
		for c, e := range ce {
			cp[c] = math.Exp(-beta * (e - emin))
			z += tab.cls[c].count * cp[c]
		}
		for c := range cp {
			cp[c] /= z
		}
		en.LnZ = (-beta*emin + math.Log(z)) / nf
	}
	for st := range ns {
		c := tab.class[st]
		en.Prob[st] = cp[c]
		en.Energy[st] = ce[c]
		en.Mag[st] = float64(tab.mag[st])
	}
	// Moments, then variances as Σ p (x − x̄)² (no cancellation).
	for c, cl := range tab.cls {
		p := cl.count * cp[c]
		m := float64(cl.mag) / nf
		m2 := m * m
		en.E += p * ce[c] / nf
		en.M += p * m
		en.AbsM += p * math.Abs(m)
		en.M2 += p * m2
		en.M4 += p * m2 * m2
	}
	var varE, varAbsM float64
	for c, cl := range tab.cls {
		p := cl.count * cp[c]
		de := ce[c]/nf - en.E
		dm := math.Abs(float64(cl.mag)/nf) - en.AbsM
		varE += p * de * de
		varAbsM += p * dm * dm
	}
	switch {
	case T == 0:
		en.C = 0
		if varAbsM > 1e-24 {
			en.Chi = math.Inf(1)
		}
	case math.IsInf(T, 1):
		en.C, en.Chi = 0, 0
	default:
		en.C = nf * varE / (T * T)
		en.Chi = nf * varAbsM / T
	}
	en.Binder = 1 - en.M4/(3*en.M2*en.M2)
	return en
}

// StateIndex returns the index of the state of a 0/1 configuration row:
// bit k is set when row[k] ≥ 0.5 (site k up). It panics if len(row) ≠ L².
func (en *Enumeration) StateIndex(row []float64) int {
	if len(row) != en.L*en.L {
		panic(fmt.Sprintf("ising: StateIndex: row of length %d, want %d", len(row), en.L*en.L))
	}
	idx := 0
	for k, v := range row {
		if v >= 0.5 {
			idx |= 1 << k
		}
	}
	return idx
}

// State writes state k as a 0/1 row into dst and returns it; a nil dst is
// allocated. It panics if k is out of range or len(dst) ≠ L² for non-nil dst.
func (en *Enumeration) State(dst []float64, k int) []float64 {
	N := en.L * en.L
	if k < 0 || k >= 1<<N {
		panic(fmt.Sprintf("ising: State: index %d out of range", k))
	}
	if dst == nil {
		dst = make([]float64, N)
	}
	if len(dst) != N {
		panic(fmt.Sprintf("ising: State: dst of length %d, want %d", len(dst), N))
	}
	for i := range dst {
		dst[i] = float64(k >> i & 1)
	}
	return dst
}

// MaxDensityOfStatesL is the largest lattice side DensityOfStates accepts.
const MaxDensityOfStatesL = 48

// DensityOfStates returns the exact density of states of the L×L periodic
// Ising lattice at h = 0: the total energies E = −Σ_<ij> s_i s_j that occur,
// ascending, and ln g(E), the logarithm of the number of states with that
// energy, so that Z(T) = Σ_E g(E) e^(−E/T) and P(E | T) = g(E) e^(−E/T) / Z.
// See DensityOfStatesCounts for the exact integers and the method.
// progress (if not nil) is called as DensityOfStatesCounts says; if it
// returns an error, DensityOfStates stops and returns that error unchanged
// and no result. It panics if L < 1 or L > MaxDensityOfStatesL.
func DensityOfStates(L int, progress func(done, total int) error) (energies []int, lnG []float64, err error) {
	energies, g, err := DensityOfStatesCounts(L, progress)
	if err != nil {
		return nil, nil, err
	}
	lnG = make([]float64, len(g))
	for i, v := range g {
		lnG[i] = bigLn(v)
	}
	return energies, lnG, nil
}

// DensityOfStatesCounts returns the energies of DensityOfStates and the exact
// counts g(E) (Σ g = 2^(L²)). For L ≤ MaxEnumerateL the states are
// enumerated; for larger L the counts are the coefficients of Kaufman's
// partition function written as a polynomial in a = e^(2/T) (Beale 1996,
// Phys. Rev. Lett. 76, 78): each pair of equal factors
// [2cosh(Lγ_l/2)]² = V_L(2cosh γ_l) + 2 (V the Lucas–Chebyshev polynomial,
// likewise for sinh with −2) is a polynomial in y = 2 cosh 2K coth 2K
// = (a²+1)²/(a(a²−1)) and 2cos(πl/L); the product over l has integer
// coefficients in y (symmetric functions of the algebraic integers
// 2cos(πl/L)), computed in 3L²+128-bit floating point and rounded; the
// unpaired factors l = 0 and l = L are rational in a through
// e^(γ_0) = a(a−1)/(a+1) and e^(γ_L) = a(a+1)/(a−1) (for odd L one factor of
// (2 sinh 2K)^(1/2) is absorbed into them). The sum of the four terms is then
// an exact polynomial division in math/big. The result is checked (every
// rounding within 1/4 of an integer, exact divisions, even coefficients
// before the factor ½, non-negative counts summing to 2^(L²)) and the
// function panics if a check fails. It takes about 0.1 s at L = 16, 1.4 s at
// L = 32 and 35 s at L = 48 on one core, so it calls progress (if not nil)
// after each of the 2(L−1) polynomial factors with the number done and
// their total (enumeration, L ≤ MaxEnumerateL, makes no calls); if progress
// returns an error, it stops and returns that error unchanged and no
// result. It panics if L < 1 or L > MaxDensityOfStatesL.
func DensityOfStatesCounts(L int, progress func(done, total int) error) (energies []int, g []*big.Int, err error) {
	if L < 1 || L > MaxDensityOfStatesL {
		panic(fmt.Sprintf("ising: DensityOfStates needs 1 ≤ L ≤ %d, got %d", MaxDensityOfStatesL, L))
	}
	if L <= MaxEnumerateL {
		energies, g = enumDOS(L)
		return energies, g, nil
	}
	return bealeDOS(L, progress)
}

// enumDOS counts the states of each energy by enumeration (L ≤ 4).
func enumDOS(L int) ([]int, []*big.Int) {
	tab := enumTableFor(L)
	cnt := map[int]int64{}
	for _, c := range tab.cls {
		cnt[c.bonds] += int64(c.count)
	}
	energies := make([]int, 0, len(cnt))
	for e := range cnt {
		energies = append(energies, e)
	}
	sort.Ints(energies)
	g := make([]*big.Int, len(energies))
	for i, e := range energies {
		g[i] = big.NewInt(cnt[e])
	}
	return energies, g
}

// bigLn returns ln x for a positive big integer.
func bigLn(x *big.Int) float64 {
	f := new(big.Float).SetInt(x)
	mant := new(big.Float)
	exp := f.MantExp(mant) // x = mant · 2^exp, 0.5 ≤ mant < 1
	m, _ := mant.Float64()
	return math.Log(m) + float64(exp)*math.Ln2
}

// rpoly is c(a) · a^ea (a−1)^em (a+1)^ep with c an integer polynomial
// (c[k] multiplies a^k).
type rpoly struct {
	c          []*big.Int
	ea, em, ep int
}

func bigInts(v ...int64) []*big.Int {
	p := make([]*big.Int, len(v))
	for i, x := range v {
		p[i] = big.NewInt(x)
	}
	return p
}

func polyMul(p, q []*big.Int) []*big.Int {
	r := make([]*big.Int, len(p)+len(q)-1)
	for i := range r {
		r[i] = new(big.Int)
	}
	t := new(big.Int)
	for i, x := range p {
		if x.Sign() == 0 {
			continue
		}
		for j, y := range q {
			r[i+j].Add(r[i+j], t.Mul(x, y))
		}
	}
	return r
}

// polyMulLin returns p·(a + s).
func polyMulLin(p []*big.Int, s int64) []*big.Int {
	r := make([]*big.Int, len(p)+1)
	for i := range r {
		r[i] = new(big.Int)
	}
	t := new(big.Int)
	for i, x := range p {
		r[i+1].Add(r[i+1], x)
		r[i].Add(r[i], t.Mul(x, big.NewInt(s)))
	}
	return r
}

// polyDivLin returns p/(a + s), panicking if the division is not exact.
func polyDivLin(p []*big.Int, s int64) []*big.Int {
	n := len(p) - 1
	q := make([]*big.Int, n)
	rem := new(big.Int).Set(p[n])
	t := new(big.Int)
	for k := n - 1; k >= 0; k-- {
		q[k] = new(big.Int).Set(rem)
		rem = new(big.Int).Sub(p[k], t.Mul(big.NewInt(s), q[k]))
	}
	if rem.Sign() != 0 {
		panic("ising: DensityOfStates: inexact division (internal error)")
	}
	return q
}

func (x rpoly) mul(y rpoly) rpoly {
	return rpoly{polyMul(x.c, y.c), x.ea + y.ea, x.em + y.em, x.ep + y.ep}
}

// add returns x + sign·y.
func (x rpoly) add(y rpoly, sign int64) rpoly {
	ea, em, ep := min(x.ea, y.ea), min(x.em, y.em), min(x.ep, y.ep)
	scale := func(z rpoly) []*big.Int {
		c := z.c
		for range z.ea - ea {
			c = polyMulLin(c, 0)
		}
		for range z.em - em {
			c = polyMulLin(c, -1)
		}
		for range z.ep - ep {
			c = polyMulLin(c, 1)
		}
		return c
	}
	a, b := scale(x), scale(y)
	r := make([]*big.Int, max(len(a), len(b)))
	for i := range r {
		r[i] = new(big.Int)
		if i < len(a) {
			r[i].Add(r[i], a[i])
		}
		if i < len(b) {
			t := new(big.Int).Mul(b[i], big.NewInt(sign))
			r[i].Add(r[i], t)
		}
	}
	return rpoly{r, ea, em, ep}
}

// bealeDOS computes the density of states from Kaufman's partition function
// (see DensityOfStatesCounts). Valid for L ≥ 2.
func bealeDOS(L int, progress func(done, total int) error) ([]int, []*big.Int, error) {
	n, m := L, L
	// Progress: one step per factor l of the four products.
	var stopErr error
	steps, nsteps := 0, 2*(n-1)
	step := func() {
		steps++
		if progress != nil && stopErr == nil {
			stopErr = progress(steps, nsteps)
		}
	}
	N := L * L
	prec := uint(3*N + 128)
	pi := bigPi(prec)

	// V_m(z) = 2cosh(mγ) as a polynomial in z = 2cosh γ.
	v0, v1 := bigInts(2), bigInts(0, 1)
	for k := 2; k <= m; k++ {
		next := polyMulLin(v1, 0)
		for i, x := range v0 {
			next[i].Sub(next[i], x)
		}
		v0, v1 = v1, next
	}
	vm := v1
	if m == 1 {
		vm = bigInts(0, 1)
	}
	vmf := make([]*big.Float, len(vm))
	for i, x := range vm {
		vmf[i] = new(big.Float).SetPrec(prec).SetInt(x)
	}

	// paired returns Π_l (V_m(y − 2cos(πl/n)) + shift) over the given l as an
	// integer polynomial in y.
	paired := func(ls []int, shift int64) []*big.Int {
		acc := []*big.Float{new(big.Float).SetPrec(prec).SetInt64(1)}
		for _, l := range ls {
			if stopErr != nil {
				return bigInts(1)
			}
			step()
			theta := new(big.Float).SetPrec(prec).Mul(pi, big.NewFloat(float64(l)))
			theta.Quo(theta, new(big.Float).SetPrec(prec).SetInt64(int64(n)))
			negDelta := bigCos(theta, prec)
			negDelta.Mul(negDelta, big.NewFloat(-2)) // −2cos θ
			// q(y) = V_m(y − δ) by Horner's rule in polynomials of y.
			q := []*big.Float{new(big.Float).SetPrec(prec)}
			for k := len(vmf) - 1; k >= 0; k-- {
				// q = q·(y + negDelta) + v_k
				nq := make([]*big.Float, len(q)+1)
				for i := range nq {
					nq[i] = new(big.Float).SetPrec(prec)
				}
				t := new(big.Float).SetPrec(prec)
				for i, x := range q {
					nq[i+1].Add(nq[i+1], x)
					nq[i].Add(nq[i], t.Mul(x, negDelta))
				}
				nq[0].Add(nq[0], vmf[k])
				q = nq
			}
			q[0].Add(q[0], new(big.Float).SetPrec(prec).SetInt64(shift))
			// acc = acc · q
			na := make([]*big.Float, len(acc)+len(q)-1)
			for i := range na {
				na[i] = new(big.Float).SetPrec(prec)
			}
			t := new(big.Float).SetPrec(prec)
			for i, x := range acc {
				for j, y := range q {
					na[i+j].Add(na[i+j], t.Mul(x, y))
				}
			}
			acc = na
		}
		out := make([]*big.Int, len(acc))
		half := big.NewFloat(0.5)
		quarter := big.NewFloat(0.25)
		for i, x := range acc {
			r := new(big.Float).SetPrec(prec).Set(x)
			if r.Sign() >= 0 {
				r.Add(r, half)
			} else {
				r.Sub(r, half)
			}
			z, _ := r.Int(nil)
			d := new(big.Float).SetPrec(prec).SetInt(z)
			d.Sub(d, x)
			if d.Abs(d).Cmp(quarter) > 0 {
				panic("ising: DensityOfStates: coefficient not an integer (internal error)")
			}
			out[i] = z
		}
		return out
	}
	// toA converts P(y), y = (a²+1)²/(a(a−1)(a+1)), into an rpoly in a.
	toA := func(p []*big.Int) rpoly {
		D := len(p) - 1
		num := bigInts(1, 0, 2, 0, 1) // (a²+1)²
		den := bigInts(0, -1, 0, 1)   // a³ − a
		dp := make([][]*big.Int, D+1)
		dp[0] = bigInts(1)
		for j := 1; j <= D; j++ {
			dp[j] = polyMul(dp[j-1], den)
		}
		S := []*big.Int{new(big.Int).Set(p[D])}
		for k := D - 1; k >= 0; k-- {
			S = polyMul(S, num)
			t := dp[D-k]
			for i, x := range t {
				S[i].Add(S[i], new(big.Int).Mul(p[k], x))
			}
		}
		return rpoly{S, -D, -D, -D}
	}
	var oddL, evenL []int
	for l := 1; l < n; l += 2 {
		oddL = append(oddL, l)
	}
	for l := 2; l < n; l += 2 {
		evenL = append(evenL, l)
	}
	one := rpoly{c: bigInts(1)}
	e0 := func(j int) rpoly { return rpoly{bigInts(1), j, j, -j} } // e^(jγ_0)
	en := func(j int) rpoly { return rpoly{bigInts(1), j, -j, j} } // e^(jγ_n)
	var pref rpoly
	var u [4]rpoly
	if L%2 == 0 {
		h := N / 2
		pref = rpoly{bigInts(1), -h, h, h}
		j := m / 2
		u[0], u[1] = one, one
		u[2] = e0(j).add(e0(-j), 1).mul(en(j).add(en(-j), 1))
		u[3] = e0(j).add(e0(-j), -1).mul(en(j).add(en(-j), -1))
	} else {
		h := (N - 1) / 2
		pref = rpoly{bigInts(1), -h, h, h}
		j := (m - 1) / 2
		// √(2 sinh 2K)·e^(±γ_n/2) = a+1, (a−1)/a; ·e^(±γ_0/2) = a−1, (a+1)/a.
		pn := rpoly{bigInts(1), 0, 0, 1}.mul(en(j))
		mn := rpoly{bigInts(1), -1, 1, 0}.mul(en(-j))
		p0 := rpoly{bigInts(1), 0, 1, 0}.mul(e0(j))
		m0 := rpoly{bigInts(1), -1, 0, 1}.mul(e0(-j))
		u[0], u[1] = pn.add(mn, 1), pn.add(mn, -1)
		u[2], u[3] = p0.add(m0, 1), p0.add(m0, -1)
	}
	terms := [4]rpoly{
		pref.mul(u[0]).mul(toA(paired(oddL, 2))),
		pref.mul(u[1]).mul(toA(paired(oddL, -2))),
		pref.mul(u[2]).mul(toA(paired(evenL, 2))),
		pref.mul(u[3]).mul(toA(paired(evenL, -2))),
	}
	if stopErr != nil {
		return nil, nil, stopErr
	}
	z := terms[0].add(terms[1], 1).add(terms[2], 1).add(terms[3], 1)
	for ; z.em < 0; z.em++ {
		z.c = polyDivLin(z.c, -1)
	}
	for ; z.ep < 0; z.ep++ {
		z.c = polyDivLin(z.c, 1)
	}
	for ; z.em > 0; z.em-- {
		z.c = polyMulLin(z.c, -1)
	}
	for ; z.ep > 0; z.ep-- {
		z.c = polyMulLin(z.c, 1)
	}
	// Z = ½ Σ_p z.c[p] a^(p+ea) and a^q = e^(−E/T) with E = −2q.
	var energies []int
	var g []*big.Int
	total := new(big.Int)
	for p := len(z.c) - 1; p >= 0; p-- {
		c := z.c[p]
		if c.Sign() == 0 {
			continue
		}
		if c.Sign() < 0 || c.Bit(0) != 0 {
			panic("ising: DensityOfStates: negative or odd coefficient (internal error)")
		}
		c = new(big.Int).Rsh(c, 1)
		energies = append(energies, -2*(p+z.ea))
		g = append(g, c)
		total.Add(total, c)
	}
	if total.Cmp(new(big.Int).Lsh(big.NewInt(1), uint(N))) != 0 {
		panic("ising: DensityOfStates: counts do not sum to 2^N (internal error)")
	}
	return energies, g, nil
}

// bigPi returns π to prec bits by Machin's formula π = 16 atan(1/5) − 4 atan(1/239).
func bigPi(prec uint) *big.Float {
	p := prec + 32
	atanInv := func(x int64) *big.Float {
		// atan(1/x) = Σ_k (−1)^k / ((2k+1) x^(2k+1))
		sum := new(big.Float).SetPrec(p)
		pow := new(big.Float).SetPrec(p).Quo(big.NewFloat(1), new(big.Float).SetPrec(p).SetInt64(x))
		x2 := new(big.Float).SetPrec(p).SetInt64(x * x)
		eps := new(big.Float).SetPrec(p).SetMantExp(big.NewFloat(1), -int(p))
		t := new(big.Float).SetPrec(p)
		for k := int64(0); ; k++ {
			t.Quo(pow, new(big.Float).SetPrec(p).SetInt64(2*k+1))
			if k%2 == 0 {
				sum.Add(sum, t)
			} else {
				sum.Sub(sum, t)
			}
			if t.Cmp(eps) < 0 {
				return sum
			}
			pow.Quo(pow, x2)
		}
	}
	a := atanInv(5)
	a.Mul(a, big.NewFloat(16))
	b := atanInv(239)
	b.Mul(b, big.NewFloat(4))
	return a.Sub(a, b).SetPrec(prec)
}

// bigCos returns cos θ for 0 ≤ θ ≤ π by its Taylor series at prec bits.
func bigCos(theta *big.Float, prec uint) *big.Float {
	p := prec + 32
	t2 := new(big.Float).SetPrec(p).Mul(theta, theta)
	sum := new(big.Float).SetPrec(p).SetInt64(1)
	term := new(big.Float).SetPrec(p).SetInt64(1)
	eps := new(big.Float).SetPrec(p).SetMantExp(big.NewFloat(1), -int(p))
	abs := new(big.Float).SetPrec(p)
	for k := int64(1); ; k++ {
		term.Mul(term, t2)
		term.Quo(term, new(big.Float).SetPrec(p).SetInt64((2*k-1)*(2*k)))
		term.Neg(term)
		sum.Add(sum, term)
		if abs.Abs(term).Cmp(eps) < 0 && k > 2 {
			return sum.SetPrec(prec)
		}
	}
}
