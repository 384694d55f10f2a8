package ising

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/rgflow/rgflow/internal/lattice"
)

// Panic messages for programmer mistakes.
const (
	errSize     = "ising: lattice side must be at least 2"
	errSites    = "ising: number of sites must be positive"
	errRowLen   = "ising: row length does not match the number of sites"
	errTemp     = "ising: temperature must be ≥ 0 (+Inf allowed) and not NaN"
	errField    = "ising: field must be finite"
	errOddSide  = "ising: checkerboard updates need an even lattice side"
	errNegative = "ising: negative number of updates"
)

// Lattice is an L×L square lattice of Ising spins with periodic boundaries
// and a uniform external field H, with energy
//
//	E = −Σ⟨ij⟩ sᵢsⱼ − H Σᵢ sᵢ   (J = 1, each nearest-neighbour pair once).
//
// Spins are stored compactly, one int8 (±1) per site in row-major order,
// site i*L+j is row i, column j; the slice is exposed for fast access in
// the manner of image.Gray. A Lattice is not safe for concurrent use.
type Lattice struct {
	L     int
	H     float64
	Spins []int8
}

// NewLattice returns an L×L lattice with field h, all spins up.
// It panics if L < 2 (smaller lattices would couple a spin to itself) or
// h is not finite.
func NewLattice(L int, h float64) *Lattice {
	if L < 2 {
		panic(errSize)
	}
	checkField(h)
	l := &Lattice{L: L, H: h, Spins: make([]int8, L*L)}
	l.Fill(1)
	return l
}

func checkField(h float64) {
	if h != h || h > maxFloat || h < -maxFloat {
		panic(errField)
	}
}

func checkTemp(T float64) {
	if !(T >= 0) {
		panic(errTemp)
	}
}

const maxFloat = 1.79769313486231570814527423731704356798070e+308

// Sites returns the number of spins, L².
func (l *Lattice) Sites() int { return len(l.Spins) }

// Fill sets every spin to s (+1 or −1; any positive s means up).
func (l *Lattice) Fill(s int8) {
	v := int8(1)
	if s < 0 {
		v = -1
	}
	for i := range l.Spins {
		l.Spins[i] = v
	}
}

// Randomize sets every spin independently up or down with probability 1/2,
// drawing one bit per spin from src.
func (l *Lattice) Randomize(src rand.Source) { randomSpins(l.Spins, src) }

func randomSpins(s []int8, src rand.Source) {
	for i := 0; i < len(s); i += 64 {
		b := src.Uint64()
		for k := i; k < len(s) && k < i+64; k++ {
			s[k] = int8(b&1)*2 - 1
			b >>= 1
		}
	}
}

// Row writes the configuration into dst as 0/1 values (v = (s+1)/2).
// It panics if len(dst) != L².
func (l *Lattice) Row(dst []float64) { spinsToRow(dst, l.Spins) }

func spinsToRow(dst []float64, s []int8) {
	if len(dst) != len(s) {
		panic(errRowLen)
	}
	for i, v := range s {
		dst[i] = float64((v + 1) >> 1)
	}
}

// SetRow sets the configuration from a 0/1 row (s = 2v − 1). It panics if
// len(row) != L² and returns an error, leaving the lattice unchanged, if a
// cell is not exactly 0 or 1.
func (l *Lattice) SetRow(row []float64) error {
	if len(row) != len(l.Spins) {
		panic(errRowLen)
	}
	for i, v := range row {
		if v != 0 && v != 1 {
			return fmt.Errorf("ising: cell %d is %v, not 0 or 1", i, v)
		}
	}
	for i, v := range row {
		l.Spins[i] = int8(2*v - 1)
	}
	return nil
}

// Bonds returns −Σ⟨ij⟩ sᵢsⱼ, the interaction energy without the field term.
func (l *Lattice) Bonds() int {
	L, s := l.L, l.Spins
	sum := 0
	for i := 0; i < L; i++ {
		r := s[i*L : (i+1)*L]
		dn := s[((i+1)%L)*L:]
		for j := 0; j < L-1; j++ {
			sum += int(r[j]) * int(r[j+1]+dn[j])
		}
		sum += int(r[L-1]) * int(r[0]+dn[L-1])
	}
	return -sum
}

// Spin returns the total magnetisation M = Σᵢ sᵢ.
func (l *Lattice) Spin() int {
	m := 0
	for _, v := range l.Spins {
		m += int(v)
	}
	return m
}

// Energy returns the total energy E = Bonds − H·M.
func (l *Lattice) Energy() float64 { return float64(l.Bonds()) - l.H*float64(l.Spin()) }

// EnergyPerSpin returns the energy per spin of a 0/1 row on the periodic
// L×L lattice with field h, (−Σ⟨ij⟩ sᵢsⱼ − h Σ sᵢ)/L². It panics if
// len(row) != L².
func EnergyPerSpin(L int, h float64, row []float64) float64 {
	return lattice.EnergyPerSpin(L, h, row)
}

// Magnetization returns the signed magnetisation per spin, Σ sᵢ / N, of a
// 0/1 row. It panics if the row is empty.
func Magnetization(row []float64) float64 {
	if len(row) == 0 {
		panic(errRowLen)
	}
	return lattice.Spin(row) / float64(len(row))
}

// Energies writes the energy per spin of each row of configs (L×L lattices
// with field h) into dst and returns it. A nil dst is allocated; otherwise
// it panics with mat.ErrShape if len(dst) differs from the number of rows.
func Energies(dst []float64, L int, h float64, configs *mat.Dense) []float64 {
	n, c := configs.Dims()
	if c != L*L {
		panic(mat.ErrShape)
	}
	dst = sized(dst, n)
	for r := range n {
		dst[r] = lattice.EnergyPerSpin(L, h, configs.RawRowView(r))
	}
	return dst
}

// Magnetizations writes the signed magnetisation per spin of each row of
// configs into dst and returns it. A nil dst is allocated; otherwise it
// panics with mat.ErrShape if len(dst) differs from the number of rows.
func Magnetizations(dst []float64, configs *mat.Dense) []float64 {
	n, _ := configs.Dims()
	dst = sized(dst, n)
	for r := range n {
		dst[r] = Magnetization(configs.RawRowView(r))
	}
	return dst
}

func sized(dst []float64, n int) []float64 {
	if dst == nil {
		return make([]float64, n)
	}
	if len(dst) != n {
		panic(mat.ErrShape)
	}
	return dst
}

// onLattice is embedded by the samplers whose state is a Lattice; it gives
// them the Lattice, Sites and Read methods.
type onLattice struct{ lat *Lattice }

// Lattice returns the sampler's lattice; changing its spins sets the state.
func (o onLattice) Lattice() *Lattice { return o.lat }

// Sites returns L².
func (o onLattice) Sites() int { return len(o.lat.Spins) }

// Read writes the configuration as a 0/1 row into dst; it panics if
// len(dst) != Sites().
func (o onLattice) Read(dst []float64) { o.lat.Row(dst) }
