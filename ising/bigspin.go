package ising

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
)

// BigSpin is a multi-spin-coded checkerboard Metropolis sampler of one
// L×L periodic lattice at h = 0, 64 sites of one colour per uint64 word.
// It supports every L that is a multiple of 64.
//
// # Layout
//
// With H = L/64, word (c, i′, m) of colour c (0: i+j even), band row
// i′ < H and column index m < L/2 holds in bit b the site of row
// i = b·H + i′ and column j = 2m + (i+c) mod 2. The four neighbours of a
// word's sites are then whole words of the other colour: the same m in
// bands i′ ± 1 (for i′ = 0 and i′ = H−1 the word of band H−1 or 0 rotated
// by one bit, which carries the periodic wrap), the same m in band i′, and
// m − 1 or m + 1 by the site's column parity (a fixed bit mask per word,
// alternating bits when H is odd). The sites of one colour do not
// interact, so a half sweep updates them all at once, 64 per word.
//
// # Update and randomness
//
// One unit of Sweep is a Metropolis update of every site: colour 0, then
// colour 1. The acceptance is that of MultiSpin (a(0) = 1/2, the same
// bit-sliced comparison with thresholds rounded to 2⁻⁴⁰, so the same
// bias bound |p̃ − p| ≤ 2⁻⁴¹). The random bits come from four xoshiro256++
// streams seeded from the caller's source: word m of every row draws from
// stream m mod 4, so the AVX2 kernel (four words per instruction, selected
// at run time on amd64, off under the purego build tag, in its AVX-512VL
// form where the CPU has it) and the pure-Go kernel give the same bits.
type BigSpin struct {
	l, h, m int
	temp    float64
	// w[c] holds colour c, band row i′ at i′(m+2)+1 … i′(m+2)+m, with the
	// row's last word copied before it and its first word after it (ghosts
	// for the m ± 1 neighbours, refreshed after each half sweep).
	w [2][]uint64
	// rng: state k of stream s at 4k+s.
	rng [16]uint64
	// thr: level j of p₈ at 8j … 8j+3, of p₄ ⊕ p₈ at 8j+4 … 8j+7 (all ones
	// or all zeros, four copies for the AVX2 kernel); thrW the same, one
	// copy each, at 2j and 2j+1 for the pure-Go kernel.
	thr  [8 * multiSpinBits]uint64
	thrW [2 * multiSpinBits]uint64
	// masks: need4, need8, always (as in MultiSpin, all lanes alike), four
	// copies each.
	masks [12]uint64
	// pm[c*h+i′] holds the bits of row (c, i′) whose m ± 1 neighbour is
	// m + 1 (odd column parity), four copies.
	pm [][4]uint64
	// sh holds the AVX2 kernel's shift counts for the current row.
	sh [8]uint64
	// avx reports whether Sweep uses the AVX2 kernel, k512 whether it uses
	// its AVX-512VL form.
	avx, k512 bool
}

var _ Sampler = (*BigSpin)(nil)

// ErrBigSpinSize is returned by NewBigSpin for an L it does not support.
var ErrBigSpinSize = errors.New("ising: the big-lattice multi-spin sampler needs L a multiple of 64")

// NewBigSpin returns a BigSpin sampler of the L×L lattice at temperature T
// (T ≥ 0, +Inf allowed) and field h, all spins up, seeded from src. It
// returns an error wrapping ErrBigSpinSize if L is not a positive multiple
// of 64 and ErrMultiSpinField if h ≠ 0, and panics if T is negative or NaN.
func NewBigSpin(L int, T, h float64, src rand.Source) (*BigSpin, error) {
	checkTemp(T)
	checkField(h)
	if L < 64 || L%64 != 0 {
		return nil, fmt.Errorf("%w: L = %d", ErrBigSpinSize, L)
	}
	if h != 0 {
		return nil, fmt.Errorf("%w: h = %v", ErrMultiSpinField, h)
	}
	H, M := L/64, L/2
	g := &BigSpin{l: L, h: H, m: M, temp: T, pm: make([][4]uint64, 2*H)}
	for c := range 2 {
		g.w[c] = make([]uint64, H*(M+2))
		for i := range g.w[c] {
			g.w[c][i] = ^uint64(0)
		}
		for i := range H {
			var p uint64
			for b := range 64 {
				if (b*H+i+c)%2 == 1 {
					p |= 1 << b
				}
			}
			g.pm[c*H+i] = [4]uint64{p, p, p, p}
		}
	}
	for s := range 4 {
		x := newXoshiro(src)
		g.rng[s], g.rng[4+s], g.rng[8+s], g.rng[12+s] = x.s0, x.s1, x.s2, x.s3
	}
	var need4, need8, always uint64
	if math.IsInf(T, 1) {
		always = ^uint64(0)
	} else {
		p4, p8 := thresholdBits(-4/T), thresholdBits(-8/T)
		if p4 == 1<<multiSpinBits && p8 == 1<<multiSpinBits {
			always = ^uint64(0)
		} else {
			if p4 == 1<<multiSpinBits {
				p4-- // bias 2⁻⁴⁰ at T ≳ 10¹²
			}
			if p4 != 0 {
				need4 = ^uint64(0)
			}
			if p8 != 0 {
				need8 = ^uint64(0)
			}
			for j := range multiSpinBits {
				sh := uint(multiSpinBits - 1 - j)
				t8, tx := -(p8 >> sh & 1), -((p4 ^ p8) >> sh & 1)
				g.thrW[2*j], g.thrW[2*j+1] = t8, tx
				for k := range 4 {
					g.thr[8*j+k], g.thr[8*j+4+k] = t8, tx
				}
			}
		}
	}
	for k := range 4 {
		g.masks[k], g.masks[4+k], g.masks[8+k] = need4, need8, always
	}
	g.avx = useMultiSpinAVX2
	g.k512 = useMultiSpinAVX512
	return g, nil
}

// Sites returns L².
func (g *BigSpin) Sites() int { return g.l * g.l }

// L returns the side of the lattice.
func (g *BigSpin) L() int { return g.l }

// Temp returns the temperature.
func (g *BigSpin) Temp() float64 { return g.temp }

// Sweep performs n sweeps. It panics if n < 0.
func (g *BigSpin) Sweep(n int) {
	if n < 0 {
		panic(errNegative)
	}
	for range n {
		for c := range 2 {
			g.half(c)
		}
	}
}

// row returns band row i′ of colour c with its two ghosts.
func (g *BigSpin) row(c, i int) []uint64 {
	s := (i%g.h + g.h) % g.h * (g.m + 2)
	return g.w[c][s : s+g.m+2 : s+g.m+2]
}

// half updates every site of colour c, then refreshes that colour's ghosts.
func (g *BigSpin) half(c int) {
	for i := range g.h {
		dst, same := g.row(c, i), g.row(1-c, i)
		up, down := g.row(1-c, i-1), g.row(1-c, i+1)
		var ru, rd uint
		if i == 0 {
			ru = 1
		}
		if i == g.h-1 {
			rd = 1
		}
		if g.avx {
			bigSpinRowAVX2(g, dst, up, down, same, ru, rd, &g.pm[c*g.h+i])
		} else {
			g.rowGo(dst[1:g.m+1], up[1:g.m+1], down[1:g.m+1], same, ru, rd, g.pm[c*g.h+i][0])
		}
	}
	for i := range g.h {
		r := g.row(c, i)
		r[0], r[g.m+1] = r[g.m], r[1]
	}
}

// rowGo updates one row: dst the row's words, up and down the other
// colour's words above and below (rotated left by ru, right by rd), same
// the other colour's words of this band with ghosts (same[m+1] is word m),
// pm the bits whose second horizontal neighbour is m + 1.
func (g *BigSpin) rowGo(dst, up, down, same []uint64, ru, rd uint, pm uint64) {
	up, down = up[:len(dst)], down[:len(dst)]
	same = same[:len(dst)+2]
	need4, need8, always := g.masks[0], g.masks[4], g.masks[8]
	tw := &g.thrW
	for m, s := range dst {
		a1 := s ^ bits.RotateLeft64(up[m], int(ru))
		a2 := s ^ bits.RotateLeft64(down[m], -int(rd))
		a3 := s ^ same[m+1]
		a4 := s ^ (same[m]&^pm | same[m+2]&pm)
		x1, c1 := a1^a2, a1&a2
		x2, c2 := a3^a4, a3&a4
		xo, co := x1|x2, c1|c2
		k3 := c1&c2 | co&xo
		k2 := (c1^c2)&^xo | (x1&x2)&^co
		k1 := (x1 ^ x2) &^ co
		k0 := ^(xo | co)
		flip := k3 | always&(k1|k0)
		und := k1&need4 | k0&need8 | k2
		if und != 0 {
			// The comparison of MultiSpin.sweepGo, on stream m mod 4.
			q := m & 3
			s0, s1, s2, s3 := g.rng[q], g.rng[4+q], g.rng[8+q], g.rng[12+q]
			rnd := bits.RotateLeft64(s0+s3, 23) + s0
			t := s1 << 17
			s2 ^= s0
			s3 ^= s1
			s1 ^= s2
			s0 ^= s3
			s2 ^= t
			s3 = bits.RotateLeft64(s3, 45)
			p := tw[0] ^ tw[1]&k1 | k2
			e := p ^ rnd
			flip |= und & e & p
			und &^= e | k2
			s0, s1, s2, s3, und, flip = msLevel(s0, s1, s2, s3, tw[2], tw[3], k1, und, flip)
			s0, s1, s2, s3, und, flip = msLevel(s0, s1, s2, s3, tw[4], tw[5], k1, und, flip)
			s0, s1, s2, s3, und, flip = msLevel(s0, s1, s2, s3, tw[6], tw[7], k1, und, flip)
			s0, s1, s2, s3, und, flip = msLevel(s0, s1, s2, s3, tw[8], tw[9], k1, und, flip)
			s0, s1, s2, s3, und, flip = msLevel(s0, s1, s2, s3, tw[10], tw[11], k1, und, flip)
			for j := multiSpinMinLevels; j < multiSpinBits && und != 0; j++ {
				s0, s1, s2, s3, und, flip = msLevel(s0, s1, s2, s3, tw[2*j], tw[2*j+1], k1, und, flip)
			}
			g.rng[q], g.rng[4+q], g.rng[8+q], g.rng[12+q] = s0, s1, s2, s3
		}
		dst[m] = s ^ flip
	}
}

// site returns the word index in w[c] and the bit of site (i, j).
func (g *BigSpin) site(i, j int) (c, k int, b uint) {
	c = (i + j) % 2
	return c, i%g.h*(g.m+2) + 1 + j/2, uint(i / g.h)
}

// Read writes the configuration as a 0/1 row (site i*L+j) into dst. It
// panics if len(dst) != L².
func (g *BigSpin) Read(dst []float64) {
	if len(dst) != g.l*g.l {
		panic(errRowLen)
	}
	for i := range g.l {
		for j := range g.l {
			c, k, b := g.site(i, j)
			dst[i*g.l+j] = float64(g.w[c][k] >> b & 1)
		}
	}
}

// SetRow sets the configuration from a 0/1 row. It panics if len(row) != L²
// and returns an error, leaving the lattice unchanged, if a cell is not
// exactly 0 or 1.
func (g *BigSpin) SetRow(row []float64) error {
	if len(row) != g.l*g.l {
		panic(errRowLen)
	}
	for _, v := range row {
		if v != 0 && v != 1 {
			return errors.New("ising: SetRow needs a 0/1 row")
		}
	}
	for i := range g.l {
		for j := range g.l {
			c, k, b := g.site(i, j)
			g.w[c][k] = g.w[c][k]&^(1<<b) | uint64(row[i*g.l+j])<<b
		}
	}
	for c := range 2 {
		for i := range g.h {
			r := g.row(c, i)
			r[0], r[g.m+1] = r[g.m], r[1]
		}
	}
	return nil
}

// Energy returns the energy per spin, −Σ⟨ij⟩ sᵢsⱼ / L², without allocating.
func (g *BigSpin) Energy() float64 {
	// Every bond joins a colour-0 site to a colour-1 site: count the
	// anti-aligned bonds from the colour-0 words.
	anti := 0
	for i := range g.h {
		dst, same := g.row(0, i), g.row(1, i)
		up, down := g.row(1, i-1), g.row(1, i+1)
		ru, rd := 0, 0
		if i == 0 {
			ru = 1
		}
		if i == g.h-1 {
			rd = 1
		}
		pm := g.pm[i][0]
		for m := 1; m <= g.m; m++ {
			s := dst[m]
			anti += bits.OnesCount64(s^bits.RotateLeft64(up[m], ru)) +
				bits.OnesCount64(s^bits.RotateLeft64(down[m], -rd)) +
				bits.OnesCount64(s^same[m]) +
				bits.OnesCount64(s^(same[m-1]&^pm|same[m+1]&pm))
		}
	}
	N := float64(g.l * g.l)
	return (2*float64(anti) - 2*N) / N
}

// Magnetization returns the magnetisation per spin without allocating.
func (g *BigSpin) Magnetization() float64 {
	up := 0
	for c := range 2 {
		for i := range g.h {
			for _, x := range g.row(c, i)[1 : g.m+1] {
				up += bits.OnesCount64(x)
			}
		}
	}
	N := float64(g.l * g.l)
	return (2*float64(up) - N) / N
}
