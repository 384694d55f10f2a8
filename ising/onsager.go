package ising

import (
	"fmt"
	"math"
)

// Exact references for the square-lattice Ising model with J = k_B = 1 and
// H = −Σ_<ij> s_i s_j − h Σ_i s_i.
//
//   - The infinite lattice: Onsager (1944) for the energy and specific heat,
//     Yang (1952) for the spontaneous magnetisation (this file).
//   - The finite L×L periodic lattice at h = 0: Kaufman's (1949) partition
//     function, in the form of Beale (1996), Phys. Rev. Lett. 76, 78
//     (kaufman.go), and Beale's exact density of states (dos.go).
//   - L ≤ 4 at any h: enumeration of all 2^(L²) states (enumerate.go).

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
