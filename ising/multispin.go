package ising

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// MultiSpin is a multi-spin-coded Metropolis sampler: many independent
// replicas of the L×L periodic lattice (any L ≥ 2, odd L included), one
// bit per spin, 64 replicas per uint64 word, each replica at its own
// temperature with its own random bits.
//
// It is a batch sampler rather than a Sampler: one Sweep advances every
// replica at once (that is where the speed comes from), so a one-lattice
// Read would hide all but one of them. ReadReplica, ReadAll, Energies and
// Magnetizations read them out.
//
// # Update
//
// One unit of Sweep is one Metropolis update of every site of every
// replica, visited in checkerboard order: the sites with i+j even in row
// order, then those with i+j odd. Each visit is a single-site update given
// the current neighbours, so the sweep is a fixed sequence of kernels that
// each satisfy detailed balance. For even L the sites of one colour do not
// interact; for odd L the two colours meet across the periodic seam, and
// the fixed order still makes every visit a valid update (a later site sees
// its already-updated same-colour neighbour), so odd L needs no special
// case: the parallelism is across replicas, never across sites of one
// replica.
//
// A spin with k anti-aligned neighbours has ΔE = 8 − 4k. It flips always
// for ΔE < 0, with probability p₄ = e^{−4/T} (k = 1) or p₈ = e^{−8/T}
// (k = 0) for ΔE > 0, and with probability 1/2 for ΔE = 0. The acceptance
// a(ΔE) still satisfies a(ΔE) = e^{−ΔE/T} a(−ΔE); the plain Metropolis
// a(0) = 1 makes a fixed-order sweep reducible: from all up it never
// reaches 8 of the 512 states of L = 3 (a closed class of energies −2 and
// 6, which biases ⟨e⟩ at T = 4 by 7σ in 10⁶ sweeps) nor 36 of the 65536
// of L = 4 (energy 0); with a(0) = 1/2 every state is reachable
// (TestMultiSpinIrreducible). The same holds at T = 0 (ΔE < 0 always,
// ΔE = 0 with probability 1/2, ΔE > 0 never) and at T = +Inf (every ΔE ≠ 0
// flips, ΔE = 0 with probability 1/2).
//
// # Acceptance and its bias bound
//
// Each probability p is rounded to the nearest multiple of 2⁻⁴⁰ (40 bits,
// stored bit-sliced across the lanes of a word), and the test compares it
// with a per-lane uniform u generated bit-sliced, most significant bit
// first, one 64-bit random word per bit level, stopping as soon as every
// lane of the word is decided (ΔE = 0 lanes compare with 1/2: one bit). A
// lane still undecided after 40 levels has u ≥ p̃ and rejects, so the
// acceptance probability is exactly the rounded p̃ (given ideal random
// bits): |p̃ − p| ≤ 2⁻⁴¹, or ≤ 2⁻⁴⁰ when p₄ would round up to 1 (T ≳ 10¹²).
// p₈ rounds to 0 below T ≈ 0.28, p₄ below T ≈ 0.14.
//
// # Randomness
//
// Every word of 64 lanes has its own xoshiro256++ stream, seeded from the
// caller's source in word order when the sampler is built. A word with a
// lane to decide at a visit draws one random word per bit level, at least
// multiSpinMinLevels (6) levels and then more while some lane is undecided:
// the decision of a lane takes two levels on average, but the word waits for
// the last of its ~60 lanes (about 7 levels at T_c), and a fixed first block
// needs no exit test. The bits a decided lane would have used are discarded,
// never reused, so lanes stay independent. A word's stream advances only at
// its own levels, never at a neighbouring word's, so the AVX2 kernel
// (4 words per instruction, selected at run time on amd64, off under the
// purego build tag; on CPUs with AVX-512VL its form with one-op rotations,
// three-input logic and write-mask blends) and the pure-Go kernel give the
// same bits.
//
// Field h ≠ 0 is not supported: NewMultiSpin returns an error.
type MultiSpin struct {
	l, nw int
	temps []float64
	// spins[k*nw+w] holds site k of replicas 64w … 64w+63 (bit b is
	// replica 64w+b, 1 = up).
	spins []uint64
	// order holds, per visited site, the byte offsets (word index × 8) of
	// the site and its up, down, left and right neighbours.
	order []uint32
	// rng holds the xoshiro256++ states: word w of state i at i*nw+w.
	rng []uint64
	// thr holds the bit-sliced thresholds: bit level j (0 = 2⁻¹) of p₈ for
	// word w at (2j)*nw+w, of p₄ ⊕ p₈ at (2j+1)*nw+w (so that a lane's
	// threshold is p₈ ⊕ (k1 & (p₄ ⊕ p₈)) for its class k1 or k0).
	thr []uint64
	// thrW is thr word-major, for the pure-Go kernel: level j of p₈ for
	// word w at w*80+2j, of p₄ ⊕ p₈ at w*80+2j+1.
	thrW []uint64
	// masks: need4 (lanes with p̃₄ > 0) at w, need8 at nw+w, always
	// (T = +Inf, and padding lanes) at 2nw+w; need4 and need8 exclude the
	// always lanes.
	masks []uint64
	// avx reports whether Sweep uses the AVX2 kernel, k512 whether it uses
	// its AVX-512VL form.
	avx, k512 bool
}

// Bits of the bit-sliced acceptance thresholds.
const multiSpinBits = 40

// ErrMultiSpinField is wrapped by the errors NewMultiSpin and NewBigSpin
// return for h ≠ 0.
var ErrMultiSpinField = errors.New("ising: the multi-spin sampler supports h = 0 only")

// NewMultiSpin returns a multi-spin sampler with one replica of the L×L
// lattice per entry of temps (T ≥ 0, +Inf allowed), all spins up, seeded
// from src. The replicas fill ⌈len(temps)/64⌉ words per site; lanes past
// len(temps) are inert padding. The AVX2 kernel runs when the number of
// words is a multiple of 4 (len(temps) a multiple of 256); otherwise the
// pure-Go kernel does, with the same results.
//
// It returns an error wrapping ErrMultiSpinField (naming h) if h ≠ 0, and
// panics if L < 2, temps is empty or a temperature is negative or NaN.
func NewMultiSpin(L int, temps []float64, h float64, src rand.Source) (*MultiSpin, error) {
	if L < 2 {
		panic(errSize)
	}
	if len(temps) == 0 {
		panic("ising: NewMultiSpin needs at least one temperature")
	}
	for _, T := range temps {
		checkTemp(T)
	}
	checkField(h)
	if h != 0 {
		return nil, fmt.Errorf("%w: h = %v", ErrMultiSpinField, h)
	}
	nw := (len(temps) + 63) / 64
	N := L * L
	if uint64(N)*uint64(nw)*8 >= 1<<32 {
		panic("ising: NewMultiSpin: lattice and replicas exceed 2³² bytes")
	}
	m := &MultiSpin{
		l: L, nw: nw,
		temps: append([]float64(nil), temps...),
		spins: make([]uint64, N*nw),
		order: make([]uint32, 0, 5*N),
		rng:   make([]uint64, 4*nw),
		thr:   make([]uint64, 2*multiSpinBits*nw),
		masks: make([]uint64, 3*nw),
	}
	for i := range m.spins {
		m.spins[i] = ^uint64(0)
	}
	off := func(i, j int) uint32 { return uint32(((i+L)%L*L + (j+L)%L) * nw * 8) }
	for parity := range 2 {
		for i := range L {
			for j := range L {
				if (i+j)&1 != parity {
					continue
				}
				m.order = append(m.order, off(i, j), off(i-1, j), off(i+1, j), off(i, j-1), off(i, j+1))
			}
		}
	}
	for w := range nw {
		x := newXoshiro(src)
		m.rng[w], m.rng[nw+w], m.rng[2*nw+w], m.rng[3*nw+w] = x.s0, x.s1, x.s2, x.s3
	}
	for r := range 64 * nw {
		w, bit := r/64, uint64(1)<<(r%64)
		if r >= len(temps) || math.IsInf(temps[r], 1) {
			m.masks[2*nw+w] |= bit
			continue
		}
		p4, p8 := thresholdBits(-4/temps[r]), thresholdBits(-8/temps[r])
		if p4 == 1<<multiSpinBits {
			if p8 == 1<<multiSpinBits {
				m.masks[2*nw+w] |= bit
				continue
			}
			p4-- // bias 2⁻⁴⁰ at T ≳ 10¹²
		}
		if p4 != 0 {
			m.masks[w] |= bit
		}
		if p8 != 0 {
			m.masks[nw+w] |= bit
		}
		for j := range multiSpinBits {
			sh := uint(multiSpinBits - 1 - j)
			m.thr[2*j*nw+w] |= (p8 >> sh & 1) << (r % 64)
			m.thr[(2*j+1)*nw+w] |= ((p4 ^ p8) >> sh & 1) << (r % 64)
		}
	}
	m.thrW = make([]uint64, len(m.thr))
	for w := range nw {
		for j := range 2 * multiSpinBits {
			m.thrW[w*2*multiSpinBits+j] = m.thr[j*nw+w]
		}
	}
	m.avx = useMultiSpinAVX2 && nw%4 == 0
	m.k512 = m.avx && useMultiSpinAVX512
	return m, nil
}

// thresholdBits returns e^x rounded to the nearest multiple of 2⁻⁴⁰, in
// units of 2⁻⁴⁰ (0 … 2⁴⁰); x = −Inf (T = 0) gives 0.
func thresholdBits(x float64) uint64 {
	return uint64(math.Round(math.Exp(x) * (1 << multiSpinBits)))
}

// Replicas returns the number of replicas, len(temps) of NewMultiSpin.
func (m *MultiSpin) Replicas() int { return len(m.temps) }

// Sites returns the number of spins per replica, L².
func (m *MultiSpin) Sites() int { return m.l * m.l }

// L returns the side of the lattice.
func (m *MultiSpin) L() int { return m.l }

// Temp returns the temperature of replica r.
func (m *MultiSpin) Temp(r int) float64 { return m.temps[r] }

// Sweep performs n sweeps of every replica. It panics if n < 0.
func (m *MultiSpin) Sweep(n int) {
	if n < 0 {
		panic(errNegative)
	}
	for range n {
		if m.avx {
			multiSpinSweepAVX2(m)
		} else {
			m.sweepGo()
		}
	}
}

// sweepGo is the portable kernel; the AVX2 kernel computes the same bits
// four words at a time.
func (m *MultiSpin) sweepGo() {
	nw := m.nw
	sp, thrW, order := m.spins, m.thrW, m.order
	need4, need8, always := m.masks[:nw], m.masks[nw:2*nw], m.masks[2*nw:3*nw]
	r0, r1, r2, r3 := m.rng[:nw], m.rng[nw:2*nw], m.rng[2*nw:3*nw], m.rng[3*nw:4*nw]
	for q := 0; q+5 <= len(order); q += 5 {
		o := order[q : q+5 : q+5]
		c, u, d, l, r := int(o[0]/8), int(o[1]/8), int(o[2]/8), int(o[3]/8), int(o[4]/8)
		for w := range nw {
			s := sp[c+w]
			a1, a2, a3, a4 := s^sp[u+w], s^sp[d+w], s^sp[l+w], s^sp[r+w]
			x1, c1 := a1^a2, a1&a2
			x2, c2 := a3^a4, a3&a4
			xo, co := x1|x2, c1|c2
			k3 := c1&c2 | co&xo             // k ≥ 3: ΔE < 0
			k2 := (c1^c2)&^xo | (x1&x2)&^co // k = 2: ΔE = 0, a coin
			k1 := (x1 ^ x2) &^ co           // k = 1: ΔE = 4
			k0 := ^(xo | co)                // k = 0: ΔE = 8
			flip := k3 | always[w]&(k1|k0)  // T = +Inf flips every ΔE ≠ 0
			und := k1&need4[w] | k0&need8[w] | k2
			if und != 0 {
				// The bit-sliced comparison: level 0 (the k = 2 lanes
				// compare with 1/2), levels 1 … multiSpinMinLevels−1
				// unrolled, then more while a lane is undecided. Written
				// out here and in BigSpin.rowGo: as a function with
				// pointer arguments it cost about a tenth of the kernel.
				tw := (*[2 * multiSpinBits]uint64)(thrW[w*2*multiSpinBits:])
				s0, s1, s2, s3 := r0[w], r1[w], r2[w], r3[w]
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
				r0[w], r1[w], r2[w], r3[w] = s0, s1, s2, s3
			}
			sp[c+w] = s ^ flip
		}
	}
}

// multiSpinMinLevels is the number of bit levels a word draws whenever it
// has a lane to decide, decided or not: a fixed count needs no exit test
// (nor, in the AVX2 kernel, a blend per level), and at T_c a word decides
// all its lanes sooner in about one visit in six. The kernels unroll
// exactly this many levels.
const multiSpinMinLevels = 6

// msLevel is one level after level 0: a random word from the state
// s0 … s3 (advanced), compared with the threshold bits t8 ⊕ (tx & k1) in
// the lanes und; it returns the new state, the still undecided lanes and
// flip with the accepted lanes added.
func msLevel(s0, s1, s2, s3, t8, tx, k1, und, flip uint64) (uint64, uint64, uint64, uint64, uint64, uint64) {
	rnd := bits.RotateLeft64(s0+s3, 23) + s0
	t := s1 << 17
	s2 ^= s0
	s3 ^= s1
	s1 ^= s2
	s0 ^= s3
	s2 ^= t
	s3 = bits.RotateLeft64(s3, 45)
	p := t8 ^ tx&k1
	e := p ^ rnd
	return s0, s1, s2, s3, und &^ e, flip | und&e&p
}

func (m *MultiSpin) checkReplica(r int) {
	if r < 0 || r >= len(m.temps) {
		panic("ising: replica index out of range")
	}
}

// ReadReplica writes replica r as a 0/1 row (site i*L+j) into dst. It
// panics if len(dst) != L² or r is out of range.
func (m *MultiSpin) ReadReplica(dst []float64, r int) {
	m.checkReplica(r)
	if len(dst) != m.l*m.l {
		panic(errRowLen)
	}
	w, b := r/64, uint(r%64)
	for k := range dst {
		dst[k] = float64(m.spins[k*m.nw+w] >> b & 1)
	}
}

// SetReplica sets replica r from a 0/1 row. It panics if len(row) != L² or
// r is out of range and returns an error, leaving the replica unchanged, if
// a cell is not exactly 0 or 1.
func (m *MultiSpin) SetReplica(r int, row []float64) error {
	m.checkReplica(r)
	if len(row) != m.l*m.l {
		panic(errRowLen)
	}
	for _, v := range row {
		if v != 0 && v != 1 {
			return errors.New("ising: SetReplica needs a 0/1 row")
		}
	}
	w, b := r/64, uint(r%64)
	for k, v := range row {
		m.spins[k*m.nw+w] = m.spins[k*m.nw+w]&^(1<<b) | uint64(v)<<b
	}
	return nil
}

// ReadAll writes every replica as a 0/1 row into dst, replica r in row r.
// An empty dst is sized Replicas()×L²; any other size panics with
// mat.ErrShape.
func (m *MultiSpin) ReadAll(dst *mat.Dense) {
	N := m.l * m.l
	if dst.IsEmpty() {
		dst.ReuseAs(len(m.temps), N)
	}
	if r, c := dst.Dims(); r != len(m.temps) || c != N {
		panic(mat.ErrShape)
	}
	raw := dst.RawMatrix()
	for r := range m.temps {
		row := raw.Data[r*raw.Stride : r*raw.Stride+N]
		w, b := r/64, uint(r%64)
		for k := range row {
			row[k] = float64(m.spins[k*m.nw+w] >> b & 1)
		}
	}
}

// Energies writes every replica's energy per spin, −Σ⟨ij⟩ sᵢsⱼ / L², into
// dst (sized as sized does: a nil or short dst is allocated) and returns it.
func (m *MultiSpin) Energies(dst []float64) []float64 {
	dst = m.count(dst, true)
	N := float64(m.l * m.l)
	for r, a := range dst {
		// a anti-aligned bonds of 2N: E = a − (2N − a).
		dst[r] = (2*a - 2*N) / N
	}
	return dst
}

// Magnetizations writes every replica's magnetisation per spin into dst
// (allocated if nil or short) and returns it.
func (m *MultiSpin) Magnetizations(dst []float64) []float64 {
	dst = m.count(dst, false)
	N := float64(m.l * m.l)
	for r, up := range dst {
		dst[r] = (2*up - N) / N
	}
	return dst
}

// count sets dst[r] to the number of anti-aligned bonds (bonds) or of up
// spins of replica r.
func (m *MultiSpin) count(dst []float64, bonds bool) []float64 {
	R, L, nw := len(m.temps), m.l, m.nw
	if cap(dst) < R {
		dst = make([]float64, R)
	}
	dst = dst[:R]
	clear(dst)
	add := func(w int, x uint64) {
		for x != 0 {
			b := bits.TrailingZeros64(x)
			if r := w*64 + b; r < R {
				dst[r]++
			}
			x &= x - 1
		}
	}
	for i := range L {
		for j := range L {
			k := (i*L + j) * nw
			rt := (i*L + (j+1)%L) * nw
			dn := ((i+1)%L*L + j) * nw
			for w := range nw {
				s := m.spins[k+w]
				if bonds {
					add(w, s^m.spins[rt+w])
					add(w, s^m.spins[dn+w])
				} else {
					add(w, s)
				}
			}
		}
	}
	return dst
}
