package ising

import (
	"math"
	"math/rand/v2"
)

// Wolff is the single-cluster sampler of Wolff (1989) for h = 0: a seed
// site is drawn uniformly, the cluster grows through aligned neighbours
// with bond probability p = 1 − e^{−2/T} and is flipped. One unit of Sweep
// is one cluster, a number fixed in advance (never "until N spins have
// flipped", which biases the measurements). At T = 0 (p = 1) a cluster is
// a whole aligned domain; at T = +Inf (p = 0) it is a single spin.
//
// Each bond test compares 32 random bits with p rounded to the nearest
// multiple of 2⁻³² (p = 1 and p = 0 stay exact), a bias of at most 2⁻³³ in
// p, a relative error of order 10⁻¹⁰ in the temperature. The growth loop is
// branch-free in the bond decisions (they are unpredictable; a mispredicted
// branch per neighbour cost more than the two random words per site).
type Wolff struct {
	onLattice
	rng     xoshiro
	T       float64
	p       float64
	pth     uint64   // bond iff 32 random bits < pth (p rounded, in units of 2⁻³²)
	stack   []uint32 // sites to visit, i<<16 | j
	flipped int64
}

// NewWolff returns a Wolff sampler on an L×L lattice at temperature T ≥ 0
// (+Inf allowed), h = 0, all spins up. It panics if L < 2 or T is negative
// or NaN, or if L > 65535.
func NewWolff(L int, T float64, src rand.Source) *Wolff {
	lat := NewLattice(L, 0)
	if L > 0xffff {
		panic("ising: NewWolff needs L ≤ 65535")
	}
	p := bondProb(T)
	return &Wolff{onLattice: onLattice{lat}, rng: newXoshiro(src), T: T, p: p,
		pth: uint64(math.Round(p * (1 << 32))), stack: make([]uint32, L*L)}
}

// Flipped returns the total number of spins flipped so far, the sum of the
// cluster sizes.
func (w *Wolff) Flipped() int64 { return w.flipped }

// Sweep grows and flips n clusters. It panics if n < 0.
func (w *Wolff) Sweep(n int) {
	if n < 0 {
		panic(errNegative)
	}
	for range n {
		w.cluster()
	}
}

// ClustersPerSweep returns the number of clusters whose mean total size
// is one sweep's worth of flips, L², measured on probe clusters grown (and
// flipped) now: up to maxProbe of them, fewer once they have flipped
// maxFlips spins in all (at least one cluster is grown). It is at least 1.
// A maxProbe of 0 means 1000 and a maxFlips of 0 means 20·L², the probes of
// Generate's pilots. A fixed number of clusters per measurement, chosen
// before measuring, is the unbiased way to group Wolff updates into
// sweep-sized steps.
func (w *Wolff) ClustersPerSweep(maxProbe int, maxFlips int64) int {
	if maxProbe == 0 {
		maxProbe = 1000
	}
	if maxFlips == 0 {
		maxFlips = 20 * int64(w.Sites())
	}
	f0, probes := w.flipped, 0
	for probes < max(1, maxProbe) && (probes == 0 || w.flipped-f0 < maxFlips) {
		w.cluster()
		probes++
	}
	return max(1, int(math.Round(float64(w.Sites())*float64(probes)/float64(w.flipped-f0))))
}

// Grouped returns a Sampler whose update is k clusters of w (k ≥ 1, for
// example ClustersPerSweep's result), so that a measurement loop built for
// sweeps can run Wolff: Sweep(n) grows and flips n·k clusters. It panics
// if k < 1.
func (w *Wolff) Grouped(k int) *WolffGroup {
	if k < 1 {
		panic("ising: Wolff.Grouped needs k ≥ 1")
	}
	return &WolffGroup{w, k}
}

// WolffGroup is a Wolff sampler whose update is K clusters (Wolff.Grouped).
type WolffGroup struct {
	*Wolff
	K int
}

// Sweep grows and flips n·K clusters. It panics if n < 0.
func (g *WolffGroup) Sweep(n int) {
	if n < 0 {
		panic(errNegative)
	}
	g.Wolff.Sweep(n * g.K)
}

var _ Sampler = (*WolffGroup)(nil)

// wolffTake returns 1 if a neighbour with spin sq joins a cluster of spin
// old, with 32 random bits u and threshold pth ≤ 2³², else 0, without
// branches: u − pth wraps to a number with its top bit set iff u < pth.
func wolffTake(sq, old int8, u, pth uint64) int {
	t := 0
	if sq == old {
		t = 1 // SETcc
	}
	return t & int((u-pth)>>63)
}

func (w *Wolff) cluster() {
	s, L := w.lat.Spins, w.lat.L
	N := len(s)
	x := w.rng
	seed := int(x.uintn(uint64(N)))
	old := s[seed]
	d := -2 * old // a flipped spin changes by d
	s[seed] = -old
	stack := w.stack[:N:N]
	stack[0] = uint32(seed/L<<16 | seed%L)
	top, size := 1, 1
	pth := w.pth
	const row = 1 << 16
	wrapRow := uint32(L-1) << 16
	for top > 0 {
		top--
		v := stack[top]
		i, j := int(v>>16), int(v&0xffff)
		k := i*L + j
		// Neighbours as sites and as packed coordinates.
		up, dn, lf, rt := k-L, k+L, k-1, k+1
		vu, vd, vl, vr := v-row, v+row, v-1, v+1
		if i == 0 {
			up, vu = up+N, v+wrapRow
		}
		if i == L-1 {
			dn, vd = dn-N, v-wrapRow
		}
		if j == 0 {
			lf, vl = lf+L, v+uint32(L-1)
		}
		if j == L-1 {
			rt, vr = rt-L, v-uint32(L-1)
		}
		r1, r2 := x.Uint64(), x.Uint64()
		// Each neighbour q: write it on the stack unconditionally, keep it
		// (top += t) and flip it only if it joins.
		t := wolffTake(s[up], old, r1&0xffffffff, pth)
		s[up] += int8(t) * d
		stack[top] = vu
		top += t
		size += t
		t = wolffTake(s[dn], old, r1>>32, pth)
		s[dn] += int8(t) * d
		stack[top] = vd
		top += t
		size += t
		t = wolffTake(s[lf], old, r2&0xffffffff, pth)
		s[lf] += int8(t) * d
		stack[top] = vl
		top += t
		size += t
		t = wolffTake(s[rt], old, r2>>32, pth)
		s[rt] += int8(t) * d
		stack[top] = vr
		top += t
		size += t
	}
	w.rng = x
	w.flipped += int64(size)
}

// SwendsenWang is the multi-cluster sampler of Swendsen and Wang (1987) for
// h = 0: every bond between aligned neighbours is activated with
// probability p = 1 − e^{−2/T}, and each connected cluster is flipped with
// probability 1/2. One unit of Sweep is one such decomposition.
type SwendsenWang struct {
	onLattice
	rng    xoshiro
	T      float64
	p      float64
	parent []int32
	flip   []int8 // per root: 0 undecided, 1 keep, 2 flip
}

// NewSwendsenWang returns a Swendsen–Wang sampler on an L×L lattice at
// temperature T ≥ 0 (+Inf allowed), h = 0, all spins up. It panics if
// L < 2 or T is negative or NaN.
func NewSwendsenWang(L int, T float64, src rand.Source) *SwendsenWang {
	lat := NewLattice(L, 0)
	return &SwendsenWang{onLattice: onLattice{lat}, rng: newXoshiro(src), T: T, p: bondProb(T),
		parent: make([]int32, L*L), flip: make([]int8, L*L)}
}

// Sweep performs n Swendsen–Wang updates. It panics if n < 0.
func (w *SwendsenWang) Sweep(n int) {
	if n < 0 {
		panic(errNegative)
	}
	for range n {
		w.update()
	}
}

func (w *SwendsenWang) find(k int32) int32 {
	par := w.parent
	for par[k] != k {
		par[k] = par[par[k]] // path halving
		k = par[k]
	}
	return k
}

func (w *SwendsenWang) union(a, b int32) {
	ra, rb := w.find(a), w.find(b)
	if ra == rb {
		return
	}
	if ra < rb {
		w.parent[rb] = ra
	} else {
		w.parent[ra] = rb
	}
}

func (w *SwendsenWang) bond() bool { return w.p == 1 || (w.p > 0 && w.rng.float() < w.p) }

func (w *SwendsenWang) update() {
	s, L := w.lat.Spins, w.lat.L
	for k := range w.parent {
		w.parent[k] = int32(k)
		w.flip[k] = 0
	}
	for i := 0; i < L; i++ {
		for j := 0; j < L; j++ {
			k := i*L + j
			rt := k + 1
			if j == L-1 {
				rt -= L
			}
			dn := (k + L) % len(s)
			if s[k] == s[rt] && w.bond() {
				w.union(int32(k), int32(rt))
			}
			if s[k] == s[dn] && w.bond() {
				w.union(int32(k), int32(dn))
			}
		}
	}
	var bits uint64
	nbits := 0
	for k := range s {
		r := w.find(int32(k))
		if w.flip[r] == 0 {
			if nbits == 0 {
				bits, nbits = w.rng.Uint64(), 64
			}
			w.flip[r] = 1 + int8(bits&1)
			bits >>= 1
			nbits--
		}
		if w.flip[r] == 2 {
			s[k] = -s[k]
		}
	}
}
