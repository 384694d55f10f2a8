package ising

import "math/rand/v2"

// Wolff is the single-cluster sampler of Wolff (1989) for h = 0: a seed
// site is drawn uniformly, the cluster grows through aligned neighbours
// with bond probability p = 1 − e^{−2/T} and is flipped. One unit of Sweep
// is one cluster, a number fixed in advance (never "until N spins have
// flipped", which biases the measurements). At T = 0 (p = 1) a cluster is
// a whole aligned domain; at T = +Inf (p = 0) it is a single spin.
type Wolff struct {
	onLattice
	rng     xoshiro
	T       float64
	p       float64
	stack   []int32
	flipped int64
}

// NewWolff returns a Wolff sampler on an L×L lattice at temperature T ≥ 0
// (+Inf allowed), h = 0, all spins up. It panics if L < 2 or T is negative
// or NaN.
func NewWolff(L int, T float64, src rand.Source) *Wolff {
	lat := NewLattice(L, 0)
	return &Wolff{onLattice: onLattice{lat}, rng: newXoshiro(src), T: T, p: bondProb(T), stack: make([]int32, 0, L*L)}
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

func (w *Wolff) cluster() {
	s, L := w.lat.Spins, w.lat.L
	N := len(s)
	seed := int(w.rng.uintn(uint64(N)))
	old := s[seed]
	s[seed] = -old
	stack := append(w.stack[:0], int32(seed))
	size := int64(1)
	for len(stack) > 0 {
		k := int(stack[len(stack)-1])
		stack = stack[:len(stack)-1]
		i := k / L
		j := k - i*L
		up, dn, lf, rt := neighbours(L, N, k, i, j)
		for _, q := range [4]int{up, dn, lf, rt} {
			if s[q] == old && (w.p == 1 || w.rng.float() < w.p) {
				s[q] = -old
				stack = append(stack, int32(q))
				size++
			}
		}
	}
	w.stack = stack
	w.flipped += size
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
