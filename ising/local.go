package ising

import (
	"math"
	"math/rand/v2"
)

// Metropolis is the random-site single-spin Metropolis sampler (Metropolis
// et al. 1953), the reference algorithm of the paper: each update picks a
// site uniformly at random and flips it with probability min(1, e^{−ΔE/T}).
// One unit of Sweep is L² attempted flips. At T = 0 only moves with ΔE ≤ 0
// are accepted (the chain is not ergodic there; use ZeroT), at T = +Inf
// every move is accepted.
type Metropolis struct {
	onLattice
	rng xoshiro
	T   float64
	acc [10]float64 // acceptance by (s+1)/2*5 + (Σnb+4)/2
}

// NewMetropolis returns a random-site Metropolis sampler on an L×L lattice
// at temperature T ≥ 0 (+Inf allowed) and field h, all spins up, seeded
// from src. It panics if L < 2 or T is negative or NaN.
func NewMetropolis(L int, T, h float64, src rand.Source) *Metropolis {
	checkTemp(T)
	m := &Metropolis{onLattice: onLattice{NewLattice(L, h)}, rng: newXoshiro(src), T: T}
	m.acc = metropolisTable(T, h)
	return m
}

// sweepTable is metropolisTable for a fixed visiting order: ΔE = 0 moves
// (and, at T = +Inf, all moves) are accepted with probability 1/2 (see
// NewCheckerboard).
func sweepTable(T, h float64) (acc [10]float64) {
	for si, s := range [2]float64{-1, 1} {
		for k := range 5 {
			dE := 2 * s * (float64(2*k-4) + h)
			p := boltzmann(dE, T)
			if dE == 0 || math.IsInf(T, 1) {
				p = 0.5
			}
			acc[si*5+k] = p
		}
	}
	return acc
}

func metropolisTable(T, h float64) (acc [10]float64) {
	for si, s := range [2]float64{-1, 1} {
		for k := range 5 {
			nb := float64(2*k - 4)
			acc[si*5+k] = boltzmann(2*s*(nb+h), T)
		}
	}
	return acc
}

// Sweep performs n sweeps of L² attempted single-spin flips at uniformly
// random sites. It panics if n < 0.
func (m *Metropolis) Sweep(n int) {
	if n < 0 {
		panic(errNegative)
	}
	s, L := m.lat.Spins, m.lat.L
	N := uint64(len(s))
	for range n {
		for range N {
			k := int(m.rng.uintn(N))
			i := k / L
			j := k - i*L
			p := m.acc[tableIndex(s, L, k, i, j)]
			if p == 1 || m.rng.float() < p {
				s[k] = -s[k]
			}
		}
	}
}

// flipProb returns the probability that an update at site k flips it in the
// current state (used by the detailed-balance test).
func (m *Metropolis) flipProb(k int) float64 {
	L := m.lat.L
	return m.acc[tableIndex(m.lat.Spins, L, k, k/L, k%L)]
}

// neighbourSum returns the sum of the four nearest neighbours of site
// k = i*L+j with periodic boundaries.
func neighbourSum(s []int8, L, k, i, j int) int {
	up, dn, lf, rt := neighbours(L, len(s), k, i, j)
	return int(s[up]) + int(s[dn]) + int(s[lf]) + int(s[rt])
}

// neighbours returns the sites above, below, left and right of site
// k = i*L+j on the periodic L×L lattice of N = L² sites.
func neighbours(L, N, k, i, j int) (up, dn, lf, rt int) {
	up, dn, lf, rt = k-L, k+L, k-1, k+1
	if i == 0 {
		up += N
	}
	if i == L-1 {
		dn -= N
	}
	if j == 0 {
		lf += L
	}
	if j == L-1 {
		rt -= L
	}
	return up, dn, lf, rt
}

func tableIndex(s []int8, L, k, i, j int) int {
	return int(s[k]+1)/2*5 + (neighbourSum(s, L, k, i, j)+4)/2
}

// Checkerboard updates the two sublattices of an even L×L lattice in turn
// (all sites with i+j even, then all with i+j odd), with either the
// Metropolis rule (NewCheckerboard) or the heat-bath rule (NewHeatBath:
// each spin is drawn from its conditional distribution given its
// neighbours). One unit of Sweep is one pass over both sublattices, L²
// single-spin updates. Each half-sweep updates non-interacting spins, so
// the same code can later run on bit-packed words.
type Checkerboard struct {
	onLattice
	rng      xoshiro
	T        float64
	heatBath bool
	acc      [10]float64 // Metropolis: by (s+1)/2*5 + (Σnb+4)/2
	up       [5]float64  // heat bath: P(s = +1) by (Σnb+4)/2
}

// NewCheckerboard returns a checkerboard Metropolis sampler on an L×L
// lattice at temperature T ≥ 0 (+Inf allowed) and field h, all spins up.
// It panics if L is odd or < 2, or T is negative or NaN.
//
// A move with ΔE = 0 is accepted with probability 1/2, not 1 (and at
// T = +Inf every move with probability 1/2): in a fixed visiting order the
// plain Metropolis rule forces every ΔE ≤ 0 flip, and the chain is then
// not irreducible (from all up, 36 of the 2¹⁶ states of the 4×4 lattice
// are never reached, so averages are biased). The acceptance
// a(ΔE) = min(1, e^{−ΔE/T}) for ΔE ≠ 0, a(0) = 1/2, still satisfies
// a(ΔE) = e^{−ΔE/T}·a(−ΔE), so every update keeps detailed balance.
func NewCheckerboard(L int, T, h float64, src rand.Source) *Checkerboard {
	return newCheckerboard(L, T, h, false, src)
}

// NewHeatBath returns a checkerboard heat-bath sampler on an L×L lattice at
// temperature T ≥ 0 (+Inf allowed) and field h, all spins up. A spin with
// local field x = Σnb + h is set up with probability 1/(1 + e^{−2x/T}),
// exactly 1, 1/2 or 0 at T = 0. It panics if L is odd or < 2, or T is
// negative or NaN.
func NewHeatBath(L int, T, h float64, src rand.Source) *Checkerboard {
	return newCheckerboard(L, T, h, true, src)
}

func newCheckerboard(L int, T, h float64, heatBath bool, src rand.Source) *Checkerboard {
	checkTemp(T)
	if L%2 != 0 {
		panic(errOddSide)
	}
	c := &Checkerboard{onLattice: onLattice{NewLattice(L, h)}, rng: newXoshiro(src), T: T, heatBath: heatBath}
	c.acc = sweepTable(T, h)
	for k := range 5 {
		c.up[k] = upProb(float64(2*k-4)+h, T)
	}
	return c
}

// Sweep performs n checkerboard sweeps. It panics if n < 0.
func (c *Checkerboard) Sweep(n int) {
	if n < 0 {
		panic(errNegative)
	}
	for range n {
		c.half(0)
		c.half(1)
	}
}

// half updates the sites with (i+j)%2 == parity.
func (c *Checkerboard) half(parity int) {
	s, L := c.lat.Spins, c.lat.L
	for i := 0; i < L; i++ {
		r := s[i*L : (i+1)*L]
		u := s[((i+L-1)%L)*L : ((i+L-1)%L+1)*L]
		d := s[((i+1)%L)*L : ((i+1)%L+1)*L]
		for j := (i + parity) & 1; j < L; j += 2 {
			lf, rt := j-1, j+1
			if j == 0 {
				lf = L - 1
			}
			if j == L-1 {
				rt = 0
			}
			nb := (int(u[j]+d[j]) + int(r[lf]+r[rt]) + 4) >> 1
			if c.heatBath {
				if c.rng.float() < c.up[nb] {
					r[j] = 1
				} else {
					r[j] = -1
				}
				continue
			}
			p := c.acc[int(r[j]+1)/2*5+nb]
			if p == 1 || c.rng.float() < p {
				r[j] = -r[j]
			}
		}
	}
}

// flipProb returns the probability that an update at site k flips it in
// the current state (used by the detailed-balance test).
func (c *Checkerboard) flipProb(k int) float64 {
	s, L := c.lat.Spins, c.lat.L
	nb := (neighbourSum(s, L, k, k/L, k%L) + 4) / 2
	if !c.heatBath {
		return c.acc[int(s[k]+1)/2*5+nb]
	}
	if s[k] > 0 {
		return 1 - c.up[nb]
	}
	return c.up[nb]
}
