package ising

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/rgflow/rgflow/internal/lattice"
)

// exactTol is the agreement required between two exact computations
// (Kaufman's formula and enumeration). Both are sums of at most 2^16
// positive terms or 2L products in double precision, so their rounding
// errors are ≲ 10⁻¹³ (observed ≤ 2·10⁻¹²); 10⁻¹⁰ leaves a wide margin while
// any error in the formulas (a sign, a missing term) shows up at O(10⁻³) or
// more.
const exactTol = 1e-10

func TestExactVsEnumeration(t *testing.T) {
	t.Parallel()
	temps := []float64{0.1, 0.25, 0.5, 1, 1.5, 2, Tc, 2.5, 3, 4, 6, 20, 1e3}
	for _, L := range []int{2, 3, 4} {
		for _, T := range temps {
			x := Exact(L, T)
			e := Enumerate(L, T, 0)
			if d := math.Abs(x.LnZ - e.LnZ); d > exactTol {
				t.Errorf("L=%d T=%v: lnZ Kaufman %v, enumeration %v", L, T, x.LnZ, e.LnZ)
			}
			if d := math.Abs(x.E - e.E); d > exactTol {
				t.Errorf("L=%d T=%v: E Kaufman %v, enumeration %v", L, T, x.E, e.E)
			}
			if d := math.Abs(x.C - e.C); d > exactTol {
				t.Errorf("L=%d T=%v: C Kaufman %v, enumeration %v", L, T, x.C, e.C)
			}
		}
	}
}

func TestExactHighT(t *testing.T) {
	t.Parallel()
	// Kaufman's E loses ≈ 10⁻¹⁶·T to cancellation below T = 10⁶; above, the
	// high-temperature expansion is accurate to O(K²) ≲ 10⁻¹¹.
	for _, L := range []int{2, 3, 4} {
		for _, T := range []float64{1e4, 1e5, 1e6 * (1 - 1e-12), 1e6, 1e7, 1e9, 1e200} {
			x := Exact(L, T)
			e := Enumerate(L, T, 0)
			tol := 1e-16*math.Min(T, 1e6)*10 + 1e-11
			if math.Abs(x.LnZ-e.LnZ) > 1e-14 || math.Abs(x.E-e.E) > tol || math.Abs(x.C-e.C) > 1e-14 {
				t.Errorf("L=%d T=%g: Kaufman %+v, enumeration %v %v %v", L, T, x, e.LnZ, e.E, e.C)
			}
		}
	}
}

func TestExactPaper(t *testing.T) {
	t.Parallel()
	// PAPER.md §7 quotes six decimals, so rounding allows ±5·10⁻⁷.
	const tol = 1e-6
	for _, c := range []struct{ T, e, c float64 }{
		{2.0, -1.745431, 0.723165},
		{3.0, -0.825641, 0.439553},
	} {
		x := Exact(10, c.T)
		if math.Abs(x.E-c.e) > tol || math.Abs(x.C-c.c) > tol {
			t.Errorf("L=10 T=%v: got e=%.7f c=%.7f, want %v %v", c.T, x.E, x.C, c.e, c.c)
		}
	}
}

// dualGap returns γ_0 = 2|K − K*|, K* the Kramers–Wannier dual coupling
// (tanh K* = e^(−2K)): the smallest of Kaufman's γ_l as L → ∞ and the
// inverse of the exponential correlation length along the torus.
func dualGap(T float64) float64 {
	K := 1 / T
	return math.Abs(2*K + math.Log(math.Tanh(K)))
}

func TestExactOnsagerLimit(t *testing.T) {
	t.Parallel()
	for _, L := range []int{64, 128} {
		for _, T := range []float64{1, 1.5, 2, 3, 4, 6} {
			// Away from Tc the L-point sums over γ_l are trapezoidal rules
			// for Onsager's integrals of a periodic function analytic in a
			// strip of half-width γ_0, so they converge as e^(−L γ_0); the
			// parity terms ln(1 ± e^(−L γ_l)) are of the same order, and each
			// K-derivative brings down at most a factor L. Hence
			// |finite − Onsager| ≤ L² e^(−L γ_0), plus 10⁻¹² of rounding.
			tol := float64(L*L)*math.Exp(-float64(L)*dualGap(T)) + 1e-12
			x := Exact(L, T)
			if d := math.Abs(x.E - OnsagerEnergy(T)); d > tol {
				t.Errorf("L=%d T=%v: E %v, Onsager %v (tol %.2g)", L, T, x.E, OnsagerEnergy(T), tol)
			}
			if d := math.Abs(x.C - OnsagerSpecificHeat(T)); d > tol {
				t.Errorf("L=%d T=%v: C %v, Onsager %v (tol %.2g)", L, T, x.C, OnsagerSpecificHeat(T), tol)
			}
		}
	}
}

func TestExactCritical(t *testing.T) {
	t.Parallel()
	// Ferdinand & Fisher (1969): at Tc, C(L) = A0 ln L + B + O(1/L) with
	// A0 = 8 Kc²/π, and e(L) = −√2 + a/L + O(1/L²).
	A0 := 8 * kc * kc / math.Pi
	for _, L := range []int{64, 128, 256} {
		slope := (Exact(2*L, Tc).C - Exact(L, Tc).C) / math.Ln2
		// The O(1/L) remainder differs between L and 2L by ≤ b/L with
		// b ≈ 0.12 observed; 0.5/L bounds it and still excludes a wrong
		// amplitude (a 1% error in A0 is 5·10⁻³ > 0.5/64·… at L ≥ 128).
		if d := math.Abs(slope - A0); d > 0.5/float64(L) {
			t.Errorf("L=%d: dC/dlnL = %v, want A0 = %v", L, slope, A0)
		}
	}
	// L(e + √2) approaches a constant with an O(1/L) correction.
	a1 := 512 * (Exact(512, Tc).E + math.Sqrt2)
	a2 := 1024 * (Exact(1024, Tc).E + math.Sqrt2)
	if math.Abs(a1-a2) > 1.0/512 || !(a1 < 0) {
		t.Errorf("L(e+√2) at Tc: %v (L=512), %v (L=1024)", a1, a2)
	}
}

// TestExactDerivatives checks E and C against numerical derivatives of ln Z
// and E: E = T² d(lnZ)/dT and C = dE/dT.
func TestExactDerivatives(t *testing.T) {
	t.Parallel()
	// Central differences with step h have truncation error h²|f‴|/6 ≲ 10⁻⁸
	// here (|f‴| ≲ 10² away from the C peak at these L) and rounding error
	// ≈ 10⁻¹⁶·|f|/h ≈ 10⁻¹¹, so 10⁻⁶ is a safe bound.
	const h, tol = 1e-5, 1e-6
	for _, L := range []int{4, 10, 32} {
		for _, T := range []float64{0.8, 1.5, 2.2, Tc, 2.4, 3.5, 6} {
			p, m, x := Exact(L, T+h), Exact(L, T-h), Exact(L, T)
			if d := math.Abs(T*T*(p.LnZ-m.LnZ)/(2*h) - x.E); d > tol {
				t.Errorf("L=%d T=%v: T² dlnZ/dT − E = %v", L, T, d)
			}
			if d := math.Abs((p.E-m.E)/(2*h) - x.C); d > tol {
				t.Errorf("L=%d T=%v: dE/dT − C = %v", L, T, d)
			}
		}
	}
}

func TestExactLimits(t *testing.T) {
	t.Parallel()
	if x := Exact(10, 0); !math.IsInf(x.LnZ, 1) || x.E != -2 || x.C != 0 {
		t.Errorf("T=0: %+v", x)
	}
	if x := Exact(10, math.Inf(1)); x.LnZ != math.Ln2 || x.E != 0 || x.C != 0 {
		t.Errorf("T=Inf: %+v", x)
	}
	// Continuity across the ground-state cut at T = 1/30.
	lo, hi := Exact(6, 1/30.0*(1-1e-9)), Exact(6, 1/30.0*(1+1e-9))
	if math.Abs(lo.E-hi.E) > 1e-12 || math.Abs(lo.C-hi.C) > 1e-12 || math.Abs(lo.LnZ-hi.LnZ) > 1e-6 {
		t.Errorf("discontinuity at T=1/30: %+v vs %+v", lo, hi)
	}
	// High temperature: e → −2 tanh K (finite L ≥ 3 corrections are O(K³)).
	for _, T := range []float64{100, 1e4} {
		K := 1 / T
		if x := Exact(8, T); math.Abs(x.E+2*math.Tanh(K)) > 10*K*K*K+1e-16*T*10 {
			t.Errorf("T=%v: E = %v, want ≈ %v", T, x.E, -2*math.Tanh(K))
		}
	}
	for _, T := range []float64{0.1, 0.5, 1, 2, Tc, 3, 10} {
		x := Exact(16, T)
		if !(x.C >= 0) || x.E < -2 || x.E > 0 || math.IsNaN(x.LnZ) {
			t.Errorf("T=%v: unphysical %+v", T, x)
		}
	}
	exactMustPanic(t, "L=1", func() { Exact(1, 2) })
	exactMustPanic(t, "T<0", func() { Exact(4, -1) })
	exactMustPanic(t, "T=NaN", func() { Exact(4, math.NaN()) })
}

func TestOnsager(t *testing.T) {
	t.Parallel()
	if OnsagerEnergy(0) != -2 || OnsagerEnergy(math.Inf(1)) != 0 || OnsagerEnergy(Tc) != -math.Sqrt2 {
		t.Error("Onsager energy limits")
	}
	if OnsagerSpecificHeat(0) != 0 || OnsagerSpecificHeat(math.Inf(1)) != 0 || !math.IsInf(OnsagerSpecificHeat(Tc), 1) {
		t.Error("Onsager specific heat limits")
	}
	// u is continuous at Tc with a (T−Tc) ln|T−Tc| cusp: |u − (−√2)| ≲ 10|δ|·|ln δ|.
	for _, d := range []float64{-1e-9, 1e-9} {
		if v := OnsagerEnergy(Tc + d); math.Abs(v+math.Sqrt2) > 10*math.Abs(d)*21 {
			t.Errorf("u(Tc%+g) = %v", d, v)
		}
	}
	// Near Tc, c ≈ −A0 ln|1 − T/Tc| + const with A0 = 8Kc²/π (Onsager):
	// the difference between δ = 10⁻⁴ and 10⁻⁸ is A0 ln 10⁴ up to O(δ ln δ).
	A0 := 8 * kc * kc / math.Pi
	for _, sgn := range []float64{-1, 1} {
		c1 := OnsagerSpecificHeat(Tc * (1 + sgn*1e-4))
		c2 := OnsagerSpecificHeat(Tc * (1 + sgn*1e-8))
		if d := (c2 - c1) - A0*math.Log(1e4); math.Abs(d) > 1e-2 {
			t.Errorf("log divergence side %v: off by %v", sgn, d)
		}
	}
	// C = du/dT by central differences (error budget as in TestExactDerivatives).
	const h = 1e-5
	for _, T := range []float64{0.5, 1, 1.5, 2, 2.2, 2.4, 3, 4, 6, 50} {
		num := (OnsagerEnergy(T+h) - OnsagerEnergy(T-h)) / (2 * h)
		if d := math.Abs(num - OnsagerSpecificHeat(T)); d > 1e-6 {
			t.Errorf("T=%v: du/dT %v, c %v", T, num, OnsagerSpecificHeat(T))
		}
	}
	// Series and elliptic branches agree where they meet (K = 10⁻⁴).
	if d := OnsagerEnergy(1e4*(1-1e-12)) - OnsagerEnergy(1e4*(1+1e-12)); math.Abs(d) > 1e-11 {
		t.Errorf("energy branch mismatch %v", d)
	}
	// Spontaneous magnetisation: limits, a closed-form value, and the
	// critical amplitude m ≈ B (1 − T/Tc)^(1/8), B = (8√2 Kc)^(1/8) = 1.2224…
	if SpontaneousMagnetization(0) != 1 || SpontaneousMagnetization(Tc) != 0 || SpontaneousMagnetization(3) != 0 {
		t.Error("magnetisation limits")
	}
	s := math.Sinh(1.0)
	if want := math.Pow(1-1/(s*s*s*s), 0.125); math.Abs(SpontaneousMagnetization(2)-want) > 1e-15 || math.Abs(want-0.911319) > 1e-6 {
		t.Errorf("m(2) = %v", SpontaneousMagnetization(2))
	}
	const dt = 1e-8
	amp := SpontaneousMagnetization(Tc*(1-dt)) / math.Pow(dt, 0.125)
	want := math.Pow(8*math.Sqrt2*kc, 0.125) // m⁸ ≈ 1 − sinh⁻⁴2K ≈ 8√2 Kc (1 − T/Tc) to first order
	if math.Abs(amp-want) > 1e-6 {
		t.Errorf("critical amplitude %v, want %v", amp, want)
	}
	exactMustPanic(t, "Onsager T<0", func() { OnsagerEnergy(-1) })
}

func TestEnumerate(t *testing.T) {
	t.Parallel()
	for _, L := range []int{1, 2, 3, 4} {
		for _, h := range []float64{0, 0.3, -1.1} {
			for _, T := range []float64{0.7, 2.3, 5} {
				en := Enumerate(L, T, h)
				N := float64(L * L)
				var sum, e, m float64
				row := make([]float64, L*L)
				for k, p := range en.Prob {
					sum += p
					en.State(row, k)
					if en.StateIndex(row) != k {
						t.Fatalf("StateIndex(State(%d)) = %d", k, en.StateIndex(row))
					}
					// Independent energy from internal/lattice.
					eps := lattice.EnergyPerSpin(L, h, row)
					if math.Abs(eps*N-en.Energy[k]) > 1e-12 || en.Mag[k] != lattice.Spin(row) {
						t.Fatalf("L=%d state %d: energy %v vs %v", L, k, en.Energy[k], eps*N)
					}
					e += p * eps
					m += p * lattice.Spin(row) / N
				}
				// Naive sums of 2^16 terms of magnitude ≤ 2: rounding ≤ 2^16·2·1.1·10⁻¹⁶ ≈ 1.5·10⁻¹¹.
				if math.Abs(sum-1) > 2e-11 || math.Abs(e-en.E) > 2e-11 || math.Abs(m-en.M) > 2e-11 {
					t.Errorf("L=%d T=%v h=%v: sum %v, E %v/%v, M %v/%v", L, T, h, sum, e, en.E, m, en.M)
				}
				if h == 0 && math.Abs(en.M) > 1e-15 {
					t.Errorf("L=%d T=%v: ⟨m⟩ = %v at h=0", L, T, en.M)
				}
				// Fluctuation–response: C = dE/dT and N(⟨m²⟩−⟨m⟩²)/T = d⟨m⟩/dh,
				// central differences as in TestExactDerivatives.
				const d = 1e-5
				dE := (Enumerate(L, T+d, h).E - Enumerate(L, T-d, h).E) / (2 * d)
				if math.Abs(dE-en.C) > 1e-6 {
					t.Errorf("L=%d T=%v h=%v: dE/dT %v, C %v", L, T, h, dE, en.C)
				}
				dM := (Enumerate(L, T, h+d).M - Enumerate(L, T, h-d).M) / (2 * d)
				if chi := N * (en.M2 - en.M*en.M) / T; math.Abs(dM-chi) > 1e-6 {
					t.Errorf("L=%d T=%v h=%v: dM/dh %v, χ %v", L, T, h, dM, chi)
				}
				// Chi is computed as Σ p (|m| − ⟨|m|⟩)²; the moment form loses
				// ~10⁻¹⁶·N/T·2^16 to cancellation, so compare at 10⁻⁹.
				if chi := N * (en.M2 - en.AbsM*en.AbsM) / T; math.Abs(chi-en.Chi) > 1e-9 {
					t.Errorf("Chi convention: %v vs %v", en.Chi, chi)
				}
			}
		}
	}
}

func TestEnumerateLimits(t *testing.T) {
	t.Parallel()
	// T = 0, h = 0: the two ground states, each with probability ½.
	en := Enumerate(4, 0, 0)
	if en.Prob[0] != 0.5 || en.Prob[1<<16-1] != 0.5 || en.E != -2 || en.AbsM != 1 || en.C != 0 || en.Chi != 0 {
		t.Errorf("T=0: %v %v E=%v |m|=%v C=%v χ=%v", en.Prob[0], en.Prob[1<<16-1], en.E, en.AbsM, en.C, en.Chi)
	}
	if !math.IsInf(en.LnZ, 1) || math.Abs(en.Binder-2.0/3) > 1e-15 {
		t.Errorf("T=0: lnZ %v, Binder %v", en.LnZ, en.Binder)
	}
	// T = 0, h > 0: all up only.
	if en := Enumerate(3, 0, 0.1); en.Prob[1<<9-1] != 1 || en.M != 1 {
		t.Errorf("T=0 h>0: p(up) = %v", en.Prob[1<<9-1])
	}
	// T = 0 at h = 4 on 3×3: all up (−18−36 = −54) is still the only ground state.
	// T = +Inf: uniform; for independent spins ⟨M²⟩ = N, ⟨M⁴⟩ = 3N² − 2N,
	// so U = 2/(3N) exactly.
	en = Enumerate(4, math.Inf(1), 0.7)
	N := 16.0
	if en.Prob[12345] != 1.0/65536 || en.LnZ != math.Ln2 || en.C != 0 || en.Chi != 0 {
		t.Errorf("T=Inf: %+v", en.Prob[12345])
	}
	if math.Abs(en.M2-1/N) > 1e-15 || math.Abs(en.Binder-2/(3*N)) > 1e-12 || math.Abs(en.E) > 1e-11 {
		t.Errorf("T=Inf: M2 %v Binder %v E %v", en.M2, en.Binder, en.E)
	}
	// Low but finite T approaches T = 0 smoothly (gap 8: corrections ~ e^(−8/T)).
	if en := Enumerate(4, 0.05, 0); math.Abs(en.E+2) > 1e-60 || math.Abs(en.AbsM-1) > 1e-60 {
		t.Errorf("T=0.05: E %v |m| %v", en.E, en.AbsM)
	}
	exactMustPanic(t, "L=5", func() { Enumerate(5, 1, 0) })
	exactMustPanic(t, "L=0", func() { Enumerate(0, 1, 0) })
	exactMustPanic(t, "T<0", func() { Enumerate(2, -1, 0) })
	exactMustPanic(t, "h=NaN", func() { Enumerate(2, 1, math.NaN()) })
	exactMustPanic(t, "bad row", func() { Enumerate(2, 1, 0).StateIndex(make([]float64, 3)) })
}

func TestDensityOfStatesVsEnumeration(t *testing.T) {
	t.Parallel()
	// Kaufman–Beale polynomial against brute-force counting: identical integers.
	for _, L := range []int{2, 3, 4} {
		e1, g1, _ := bealeDOS(L, nil)
		e2, g2 := enumDOS(L)
		if fmt.Sprint(e1, g1) != fmt.Sprint(e2, g2) {
			t.Errorf("L=%d: Beale %v %v, enumeration %v %v", L, e1, g1, e2, g2)
		}
		e3, g3, _ := DensityOfStatesCounts(L, nil)
		if fmt.Sprint(e3, g3) != fmt.Sprint(e2, g2) {
			t.Errorf("L=%d: DensityOfStatesCounts differs", L)
		}
	}
}

func TestDensityOfStatesVsExact(t *testing.T) {
	t.Parallel()
	for _, L := range []int{5, 6, 7, 10, 16} {
		energies, g, _ := DensityOfStatesCounts(L, nil)
		_, lnG, _ := DensityOfStates(L, nil)
		N := L * L
		// Exact low-lying counts (L ≥ 5): 2 ground states; 2N single flips
		// (ΔE = 8); 4N flipped nearest-neighbour pairs (ΔE = 12).
		if energies[0] != -2*N || g[0].Int64() != 2 || energies[1] != -2*N+8 ||
			g[1].Int64() != int64(2*N) || energies[2] != -2*N+12 || g[2].Int64() != int64(4*N) {
			t.Errorf("L=%d: low levels %v %v", L, energies[:3], g[:3])
		}
		// Bipartite lattices (even L): flipping one sublattice maps E → −E.
		if L%2 == 0 {
			for i := range g {
				j := len(g) - 1 - i
				if energies[i] != -energies[j] || g[i].Cmp(g[j]) != 0 {
					t.Errorf("L=%d: g(E) not symmetric at E=%d", L, energies[i])
				}
			}
		}
		for i := range g {
			if g[i].IsInt64() && math.Abs(lnG[i]-math.Log(float64(g[i].Int64()))) > 1e-12 {
				t.Errorf("L=%d: lnG[%d] = %v for g = %v", L, i, lnG[i], g[i])
			}
		}
		// ln Z, E and C from the counts against Kaufman's formula in double
		// precision: log-sum-exp over ≤ 2N+1 levels, rounding ≲ 10⁻¹³ relative.
		for _, T := range []float64{1, 2, Tc, 3, 5} {
			lw := make([]float64, len(g))
			mx := math.Inf(-1)
			for i, e := range energies {
				lw[i] = lnG[i] - float64(e)/T
				mx = math.Max(mx, lw[i])
			}
			var z, e1 float64
			for i, e := range energies {
				p := math.Exp(lw[i] - mx)
				z += p
				e1 += p * float64(e)
			}
			e1 /= z
			var v float64
			for i, e := range energies {
				d := float64(e) - e1
				v += math.Exp(lw[i]-mx) / z * d * d
			}
			x := Exact(L, T)
			nf := float64(N)
			if d := (mx+math.Log(z))/nf - x.LnZ; math.Abs(d) > 1e-12 {
				t.Errorf("L=%d T=%v: lnZ/N from DOS off by %v", L, T, d)
			}
			if d := e1/nf - x.E; math.Abs(d) > 1e-10 {
				t.Errorf("L=%d T=%v: E from DOS off by %v", L, T, d)
			}
			if d := v/(nf*T*T) - x.C; math.Abs(d) > 1e-9 {
				t.Errorf("L=%d T=%v: C from DOS off by %v", L, T, d)
			}
		}
	}
	exactMustPanic(t, "L=0", func() { DensityOfStates(0, nil) })
	exactMustPanic(t, "L too large", func() { DensityOfStates(MaxDensityOfStatesL+1, nil) })
}

func BenchmarkDensityOfStates(b *testing.B) {
	for _, L := range []int{10, 16} {
		b.Run(fmt.Sprintf("L=%d", L), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				DensityOfStates(L, nil)
			}
		})
	}
}

func exactMustPanic(t *testing.T, name string, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Errorf("%s: no panic", name)
		}
	}()
	f()
}

func BenchmarkExact(b *testing.B) {
	for _, L := range []int{10, 1024} {
		b.Run(fmt.Sprintf("L=%d", L), func(b *testing.B) {
			b.ReportAllocs()
			var x ExactValues
			for b.Loop() {
				x = Exact(L, Tc)
			}
			_ = x
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(2*L), "ns/mode")
		})
	}
}

func BenchmarkEnumerate(b *testing.B) {
	b.Run("L=4", func(b *testing.B) {
		b.ReportAllocs()
		Enumerate(4, 2, 0) // build the state table outside the loop
		for b.Loop() {
			Enumerate(4, Tc, 0)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/65536, "ns/state")
	})
}

// TestDensityOfStatesStop: DensityOfStates at L = 12 (Beale's method) calls
// progress once per polynomial factor, 2(L−1) in all, and a callback error
// stops it, returned unchanged with no result.
func TestDensityOfStatesStop(t *testing.T) {
	t.Parallel()
	const L = 12
	calls := 0
	if _, _, err := DensityOfStates(L, func(done, total int) error {
		calls++
		if done != calls || total != 2*(L-1) {
			t.Errorf("progress(%d, %d) at call %d", done, total, calls)
		}
		return nil
	}); err != nil || calls != 2*(L-1) {
		t.Errorf("%d calls, %v", calls, err)
	}
	stop := errors.New("stop")
	calls = 0
	e, g, err := DensityOfStates(L, func(done, total int) error {
		calls++
		if done == 3 {
			return stop
		}
		return nil
	})
	if err != stop || e != nil || g != nil || calls != 3 {
		t.Errorf("stopped: %v, %v, %v, %d calls", e, g, err, calls)
	}
}
