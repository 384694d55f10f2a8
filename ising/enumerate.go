package ising

import (
	"fmt"
	"math"
	"math/bits"
	"sync"
)

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
	ns := 1 << (L * L)
	en := &Enumeration{
		L: L, T: T, H: h,
		Prob:   make([]float64, ns),
		Energy: make([]float64, ns),
		Mag:    make([]float64, ns),
	}
	ce, cp := en.classProbs(tab)
	for st := range ns {
		c := tab.class[st]
		en.Prob[st] = cp[c]
		en.Energy[st] = ce[c]
		en.Mag[st] = float64(tab.mag[st])
	}
	en.moments(tab, ce, cp)
	return en
}

// classProbs returns the energy ce[c] of the states of each class c of tab
// and their probability cp[c] (per state) at en.T and en.H, and sets
// en.LnZ.
func (en *Enumeration) classProbs(tab *enumTable) (ce, cp []float64) {
	T, h := en.T, en.H
	nf := float64(en.L * en.L)
	ns := 1 << (en.L * en.L)
	nc := len(tab.cls)
	ce = make([]float64, nc)
	cp = make([]float64, nc)
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
	return ce, cp
}

// moments sets the averages, C, Chi and Binder from the class energies ce
// and per-state probabilities cp: moments first, then variances as
// Σ p (x − x̄)² (no cancellation).
func (en *Enumeration) moments(tab *enumTable, ce, cp []float64) {
	T := en.T
	nf := float64(en.L * en.L)
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
