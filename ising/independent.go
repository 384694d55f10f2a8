package ising

import (
	"math"
	"math/rand/v2"
	"sort"
)

// ZeroT samples the L×L lattice exactly at T = 0: the ground state, all
// spins along h, or for h = 0 all up or all down with probability 1/2 each.
// Every unit of Sweep is an independent draw.
type ZeroT struct {
	onLattice
	src rand.Source
}

// NewZeroT returns the exact T = 0 sampler on an L×L lattice with field h.
// It panics if L < 2 or h is not finite.
func NewZeroT(L int, h float64, src rand.Source) *ZeroT {
	if src == nil {
		panic(errNilSource)
	}
	return &ZeroT{onLattice: onLattice{NewLattice(L, h)}, src: src}
}

// Sweep draws n independent ground states; the last one is kept. It panics
// if n < 0.
func (z *ZeroT) Sweep(n int) {
	if n < 0 {
		panic(errNegative)
	}
	for range n {
		switch {
		case z.lat.H > 0:
			z.lat.Fill(1)
		case z.lat.H < 0:
			z.lat.Fill(-1)
		default:
			z.lat.Fill(int8(z.src.Uint64()>>63)*2 - 1)
		}
	}
}

// InfiniteT samples N independent fair spins (T = +Inf, any finite field).
// Every unit of Sweep is an independent draw.
type InfiniteT struct {
	spins []int8
	src   rand.Source
}

// NewInfiniteT returns the exact T = +Inf sampler of n sites, initially all
// up. It panics if n < 1.
func NewInfiniteT(n int, src rand.Source) *InfiniteT {
	if n < 1 {
		panic(errSites)
	}
	if src == nil {
		panic(errNilSource)
	}
	s := make([]int8, n)
	for i := range s {
		s[i] = 1
	}
	return &InfiniteT{spins: s, src: src}
}

// Sites returns the number of spins.
func (x *InfiniteT) Sites() int { return len(x.spins) }

// Read writes the configuration as a 0/1 row into dst.
func (x *InfiniteT) Read(dst []float64) { spinsToRow(dst, x.spins) }

// Sweep draws n independent configurations; the last one is kept. It
// panics if n < 0.
func (x *InfiniteT) Sweep(n int) {
	if n < 0 {
		panic(errNegative)
	}
	for range n {
		randomSpins(x.spins, x.src)
	}
}

// MeanField draws configurations without lattice topology for the
// follow-up experiments (Veiga & Vicente, arXiv:2006.10176): N independent
// spins with mean m, where m is the mean-field magnetisation solving
// m = tanh((4m + h)/T) (coordination 4, T_c^MF = 4). For h = 0 and T < 4
// the sign of m is drawn with probability 1/2 for each configuration; for
// h ≠ 0 m takes the sign of h. Every unit of Sweep is an independent draw.
type MeanField struct {
	spins []int8
	src   rand.Source
	h     float64
	m     float64 // |m|
}

// NewMeanField returns the mean-field generator of n spins at temperature
// T ≥ 0 (+Inf allowed) and field h, initially all up. It panics if n < 1,
// T is negative or NaN, or h is not finite.
func NewMeanField(n int, T, h float64, src rand.Source) *MeanField {
	if n < 1 {
		panic(errSites)
	}
	if src == nil {
		panic(errNilSource)
	}
	checkTemp(T)
	checkField(h)
	s := make([]int8, n)
	for i := range s {
		s[i] = 1
	}
	return &MeanField{spins: s, src: src, h: h, m: MeanFieldM(T, math.Abs(h))}
}

// MeanFieldM returns the largest solution m ≥ 0 of m = tanh((4m + h)/T)
// for h ≥ 0 (use the symmetry m(−h) = −m(h) otherwise): 1 at T = 0, 0 at
// T = +Inf, 0 for h = 0 and T ≥ 4. It panics if T is negative or NaN.
func MeanFieldM(T, h float64) float64 {
	checkTemp(T)
	switch {
	case h < 0:
		return -MeanFieldM(T, -h)
	case T == 0:
		return 1
	case math.IsInf(T, 1), h == 0 && T >= 4:
		return 0
	}
	// Newton's method on f(m) = m − tanh((4m+h)/T) from m = 1. f is convex
	// on m ≥ 0 and f(1) > 0, so the iterates decrease monotonically to the
	// largest root; stop when they no longer decrease.
	m := 1.0
	for range 100000 {
		t := math.Tanh((4*m + h) / T)
		f := m - t
		df := 1 - 4/T*(1-t*t)
		if f <= 0 || df <= 0 {
			break
		}
		next := m - f/df
		if !(next < m) {
			break
		}
		if next <= 0 {
			m = 0
			break
		}
		m = next
	}
	return m
}

// M returns the magnitude of the magnetisation per spin the generator uses.
func (g *MeanField) M() float64 { return g.m }

// Sites returns the number of spins.
func (g *MeanField) Sites() int { return len(g.spins) }

// Read writes the configuration as a 0/1 row into dst.
func (g *MeanField) Read(dst []float64) { spinsToRow(dst, g.spins) }

// Sweep draws n independent configurations; the last one is kept. It
// panics if n < 0.
func (g *MeanField) Sweep(n int) {
	if n < 0 {
		panic(errNegative)
	}
	for range n {
		m := g.m
		switch {
		case g.h < 0:
			m = -m
		case g.h == 0 && m > 0 && g.src.Uint64()>>63 == 1:
			m = -m
		}
		pUp := (1 + m) / 2
		for i := range g.spins {
			if uniform(g.src) < pUp {
				g.spins[i] = 1
			} else {
				g.spins[i] = -1
			}
		}
	}
}

// CurieWeiss samples the Curie–Weiss (fully connected) model of N spins
// exactly, with energy
//
//	E = −(4/N) Σ_{i<j} sᵢsⱼ − h Σ sᵢ = −2(M² − N)/N − hM,  M = Σ sᵢ,
//
// so that T_c = 4 as for the mean-field square lattice. The number of up
// spins k is drawn from its exact distribution ∝ C(N,k) e^{−E(M)/T}, then
// k sites are chosen uniformly. Every unit of Sweep is an independent draw.
type CurieWeiss struct {
	spins []int8
	src   rand.Source
	cdf   []float64 // cdf[k] = P(#up ≤ k)
	perm  []int32
}

// NewCurieWeiss returns the exact Curie–Weiss sampler of n spins at
// temperature T ≥ 0 (+Inf allowed) and field h, initially all up. It
// panics if n < 1, T is negative or NaN, or h is not finite.
func NewCurieWeiss(n int, T, h float64, src rand.Source) *CurieWeiss {
	if n < 1 {
		panic(errSites)
	}
	if src == nil {
		panic(errNilSource)
	}
	checkTemp(T)
	checkField(h)
	c := &CurieWeiss{spins: make([]int8, n), src: src, perm: make([]int32, n)}
	for i := range c.spins {
		c.spins[i] = 1
		c.perm[i] = int32(i)
	}
	p := CurieWeissProbs(n, T, h)
	c.cdf = make([]float64, n+1)
	sum := 0.0
	for k, v := range p {
		sum += v
		c.cdf[k] = sum
	}
	c.cdf[n] = math.Inf(1) // guard against rounding: the last bin catches u ≈ 1
	return c
}

// CurieWeissProbs returns P(k spins up), k = 0…n, of the Curie–Weiss model
// of n spins (coupling 4/n, field h) at temperature T ≥ 0 (+Inf allowed).
// At T = 0 the ground states share the probability by their degeneracy.
func CurieWeissProbs(n int, T, h float64) []float64 {
	checkTemp(T)
	energy := func(k int) float64 {
		M := float64(2*k - n)
		return -2*(M*M-float64(n))/float64(n) - h*M
	}
	lw := make([]float64, n+1)
	lg := func(x int) float64 { v, _ := math.Lgamma(float64(x) + 1); return v }
	for k := range lw {
		lnC := lg(n) - lg(k) - lg(n-k)
		switch {
		case math.IsInf(T, 1):
			lw[k] = lnC
		case T == 0:
			lw[k] = lnC // ground states selected below
		default:
			lw[k] = lnC - energy(k)/T
		}
	}
	if T == 0 {
		emin := math.Inf(1)
		for k := range lw {
			emin = math.Min(emin, energy(k))
		}
		for k := range lw {
			if energy(k) != emin {
				lw[k] = math.Inf(-1)
			}
		}
	}
	mx := math.Inf(-1)
	for _, v := range lw {
		mx = math.Max(mx, v)
	}
	sum := 0.0
	for k, v := range lw {
		lw[k] = math.Exp(v - mx)
		sum += lw[k]
	}
	for k := range lw {
		lw[k] /= sum
	}
	return lw
}

// Sites returns the number of spins.
func (c *CurieWeiss) Sites() int { return len(c.spins) }

// Read writes the configuration as a 0/1 row into dst.
func (c *CurieWeiss) Read(dst []float64) { spinsToRow(dst, c.spins) }

// Sweep draws n independent configurations; the last one is kept. It
// panics if n < 0.
func (c *CurieWeiss) Sweep(n int) {
	if n < 0 {
		panic(errNegative)
	}
	N := len(c.spins)
	for range n {
		u := uniform(c.src)
		k := sort.SearchFloat64s(c.cdf, u) // first k with cdf[k] ≥ u
		for k < N && c.cdf[k] == u {
			k++ // P(#up ≤ k) = u exactly: u < cdf is the inverse-CDF rule
		}
		// Choose k up sites: a partial Fisher–Yates shuffle of perm.
		for i := range k {
			r := i + int(uintn(c.src, uint64(N-i)))
			c.perm[i], c.perm[r] = c.perm[r], c.perm[i]
		}
		for i, p := range c.perm {
			if i < k {
				c.spins[p] = 1
			} else {
				c.spins[p] = -1
			}
		}
	}
}
