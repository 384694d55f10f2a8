package flow

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// Correlation is the spin correlation of a batch of configurations on the
// L×L periodic square lattice (site order i*L+j, s = 2v − 1), along the two
// lattice axes, at distances r = 0 … RMax.
//
// C(r) = ⟨(1/2N) Σᵢ sᵢ (s_{i+r x̂} + s_{i+r ŷ})⟩ is the full correlation,
// averaged over sites, both axes and the configurations (N = L²).
//
// # The connected correlation
//
// A flow's ensembles are Z₂-symmetric mixtures (h = 0: as many chains near
// +m as near −m), so ⟨m⟩ ≈ 0 and C(r) − ⟨m⟩² subtracts nothing: an ordered
// ensemble, and a mixture of product states alike, show a flat C(r) ≈ ⟨m²⟩.
// Subtracting ⟨m²⟩ or ⟨|m|⟩² instead leaves a bias of (1 − m²)/N at every
// r for a product state. The subtraction used here is the mean of
// ⟨sᵢsⱼ⟩ over all N(N − 1) ordered pairs of distinct sites,
//
//	C̄ = (N⟨m²⟩ − 1)/(N − 1),   Conn(r) = C(r) − C̄,
//
// which is exact for product states: if every configuration's spins are
// independent given a magnetisation μ of its own (any distribution of μ
// over the configurations, Z₂-symmetric or not), E[Conn(r)] = 0 at every
// r ≥ 1. It is the correlation connected with respect to each
// configuration's own magnetisation. On the torus Σ_{d≠0} Conn(d) over all
// N − 1 displacements d is exactly 0, so an ensemble with positive
// short-range Conn has a slightly negative Conn at the largest distances: a
// finite-lattice effect of order 1/N, not an anticorrelation.
//
// # The correlation length
//
// Xi is the integrated correlation length along an axis,
//
//	ξ = Σ_{r=1}^{RMax} Conn(r) / Conn(0),
//
// zero (within its error) for a product state and, for Conn(r) ∝ e^{−r/ξ₀}
// on a long lattice, e^{−1/ξ₀}/(1 − e^{−1/ξ₀}) ≈ ξ₀ − ½ when ξ₀ ≫ 1. It is
// linear in the correlations, so its noise is unbiased and its standard
// error (jackknife over configurations) means what it says; unlike the
// second-moment length from the full C(r), it does not diverge in the
// ordered phase, where C(r) → m₀² at large r. Near T_c, where the true
// correlation length approaches L, subtracting each configuration's own
// magnetisation removes the longest wavelengths too, so ξ stays a fraction
// of L there: compare ξ between ensembles on the same lattice, not with
// infinite-lattice values.
//
// Errors are standard errors over configurations, which must be
// independent (the chains of a flow are).
type Correlation struct {
	L    int `json:"L"`
	RMax int `json:"r_max"`
	// C and CErr are the full correlation C(r), r = 0 … RMax.
	C    []float64 `json:"C"`
	CErr []float64 `json:"C_err"`
	// Conn and ConnErr are the connected correlation C(r) − C̄.
	Conn    []float64 `json:"conn"`
	ConnErr []float64 `json:"conn_err"`
	// Bar is C̄ = (N⟨m²⟩ − 1)/(N − 1) and M2 is ⟨m²⟩.
	Bar float64 `json:"bar"`
	M2  float64 `json:"m2"`
	// Xi and XiErr are the integrated correlation length and its
	// jackknife standard error.
	Xi    float64 `json:"xi"`
	XiErr float64 `json:"xi_err"`
}

// Correlate returns the axis correlation of the rows of v (0/1 cells;
// fractional cells, such as mean-field probabilities, are used unrounded as
// s = 2v − 1) on the L×L periodic lattice, at distances 0 … rmax. If rmax
// is 0 or more than L/2, ⌊L/2⌋ is used. It panics with mat.ErrShape if v
// does not have L² columns or L < 2, and if v has no rows. The cost is
// 2·N·(rmax + 1) multiply-adds per row.
func Correlate(L int, v *mat.Dense, rmax int) Correlation {
	n, nv := v.Dims()
	if L < 2 || nv != L*L || n == 0 {
		panic(mat.ErrShape)
	}
	if rmax <= 0 || rmax > L/2 {
		rmax = L / 2
	}
	N := float64(nv)
	c := Correlation{L: L, RMax: rmax,
		C: make([]float64, rmax+1), CErr: make([]float64, rmax+1),
		Conn: make([]float64, rmax+1), ConnErr: make([]float64, rmax+1)}
	full := make([]meanVar, rmax+1)
	conn := make([]meanVar, rmax+1)
	var m2 meanVar
	// Per-row numerator (Σ_{r≥1} Conn) and denominator (Conn(0)) of ξ,
	// for the jackknife.
	num, den := make([]float64, n), make([]float64, n)
	s := make([]float64, nv)
	cr := make([]float64, rmax+1)
	for k := 0; k < n; k++ {
		row := v.RawRowView(k)
		var m float64
		for i, x := range row {
			s[i] = 2*x - 1
			m += s[i]
		}
		m /= N
		for r := range cr {
			cr[r] = 0
		}
		for i := 0; i < L; i++ {
			si := s[i*L : (i+1)*L]
			for j := 0; j < L; j++ {
				a := si[j]
				for r := 0; r <= rmax; r++ {
					jr := j + r
					if jr >= L {
						jr -= L
					}
					ir := i + r
					if ir >= L {
						ir -= L
					}
					cr[r] += a * (si[jr] + s[ir*L+j])
				}
			}
		}
		bar := (N*m*m - 1) / (N - 1)
		m2.add(m * m)
		for r := range cr {
			cr[r] /= 2 * N
			full[r].add(cr[r])
			conn[r].add(cr[r] - bar)
			if r > 0 {
				num[k] += cr[r] - bar
			}
		}
		den[k] = cr[0] - bar
	}
	for r := range cr {
		c.C[r], c.CErr[r] = full[r].mean(), full[r].stderr()
		c.Conn[r], c.ConnErr[r] = conn[r].mean(), conn[r].stderr()
	}
	c.M2 = m2.mean()
	c.Bar = (N*c.M2 - 1) / (N - 1)
	c.Xi, c.XiErr = ratioJackknife(num, den)
	return c
}

// ratioJackknife returns Σa/Σb and its jackknife standard error (NaN for a
// zero denominator; error 0 for fewer than two values).
func ratioJackknife(a, b []float64) (ratio, err float64) {
	var A, B float64
	for i := range a {
		A += a[i]
		B += b[i]
	}
	if B == 0 {
		return math.NaN(), math.NaN()
	}
	ratio = A / B
	n := len(a)
	if n < 2 {
		return ratio, 0
	}
	var mv meanVar
	loo := make([]float64, n)
	for i := range a {
		loo[i] = (A - a[i]) / (B - b[i])
		mv.add(loo[i])
	}
	var ss float64
	for _, x := range loo {
		ss += (x - mv.mean()) * (x - mv.mean())
	}
	return ratio, math.Sqrt(float64(n-1) / float64(n) * ss)
}
