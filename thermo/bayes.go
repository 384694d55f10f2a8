package thermo

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/rgflow/rgflow/internal/lattice"
)

// EnergyBayes is the Bayes classifier on the energy: the posterior
// p(T_k | E) ∝ P(E | T_k) with a uniform prior over the classes, where
// E = −Σ_⟨ij⟩ sᵢsⱼ − h Σᵢ sᵢ is the energy in the data's field h,
// P(E | T) = g(E) e^{−E/T} / Z(T) for T > 0 and P(E | 0) = δ(E, E₀) with the
// ground energy E₀ = −(2 + |h|)N. At a fixed field the energy is a
// sufficient statistic for T (P(σ | T) = e^{−E(σ)/T}/Z(T)), so no
// single-configuration thermometer can beat its exact-class accuracy beyond
// the error of the estimated density of states g.
//
// The density of states is estimated from labelled data of all positive
// temperatures at once by multi-histogram reweighting (the self-consistent
// equations of Ferrenberg–Swendsen / MBAR), on the energy levels seen in the
// data; ln g is interpolated linearly in E between the levels and extrapolated
// linearly beyond them, so that any row (also fractional cells) can be read.
type EnergyBayes struct {
	grid   []float64
	side   int
	h      float64   // the field
	levels []float64 // observed energies −Σ s_i s_j − h Σ s_i, ascending
	lnG    []float64 // ln g at the levels, up to a constant
	lnZ    []float64 // ln Σ_levels g e^{−E/T_k} (unused for T = 0)
	buf    []float64
}

// FitEnergyBayes estimates the energy posterior from configurations x (rows
// 0/1 on an L×L periodic lattice) sampled in the uniform field h, with class
// labels indexing grid (ascending, finite, non-negative). The energies are
// taken in that field: a thermometer fitted at h reads configurations of
// the same h (pass 0 for zero-field data). Classes may lack data (their
// P(E | T) comes from the common density of states); at least one
// configuration at a positive temperature is needed. It panics with
// mat.ErrShape if len(labels) differs from the number of rows; it returns
// an error for a grid that is not at least two finite, non-negative,
// strictly ascending temperatures (a data set's grid is run-time data), a
// field that is not finite, a label out of range, a NaN or infinite cell of
// x or a number of columns that is not an L×L lattice.
func FitEnergyBayes(h float64, x *mat.Dense, labels []int, grid []float64) (*EnergyBayes, error) {
	r, c := x.Dims()
	if len(labels) != r {
		panic(mat.ErrShape)
	}
	if err := gridError(grid); err != nil {
		return nil, err
	}
	if math.IsNaN(h) || math.IsInf(h, 0) {
		return nil, fmt.Errorf("%w: h = %v (want a finite field)", ErrSettings, h)
	}
	L, ok := lattice.Side(c)
	if !ok {
		return nil, fmt.Errorf("thermo: %d sites is not an L×L lattice", c)
	}
	if err := finiteCells(x); err != nil {
		return nil, err
	}
	K := len(grid)
	// Histogram of the energies per class (T > 0 only).
	type key = float64
	hist := map[key][]float64{}
	nk := make([]float64, K)
	for i, y := range labels {
		if y < 0 || y >= K {
			return nil, fmt.Errorf("thermo: label %d out of range [0, %d)", y, K)
		}
		if grid[y] == 0 {
			continue
		}
		e := fieldEnergy(L, h, x.RawRowView(i))
		hk := hist[e]
		if hk == nil {
			hk = make([]float64, K)
			hist[e] = hk
		}
		hk[y]++
		nk[y]++
	}
	if len(hist) == 0 {
		return nil, errors.New("thermo: no configurations at a positive temperature")
	}
	levels := make([]float64, 0, len(hist))
	for e := range hist {
		levels = append(levels, e)
	}
	sort.Float64s(levels)
	H := make([]float64, len(levels))
	for m, e := range levels {
		H[m] = floats.Sum(hist[e])
	}
	b := &EnergyBayes{grid: slices.Clone(grid), side: L, h: h, levels: levels,
		lnG: make([]float64, len(levels)), lnZ: make([]float64, K), buf: make([]float64, K)}
	b.solve(H, nk)
	return b, nil
}

// EnergyBayesFromDOS returns the zero-field energy posterior on an L×L
// lattice from a known density of states: ln g at the energy levels
// (−Σ s_i s_j, strictly ascending; an additive constant in lnG does not
// matter), for example the exact one from enumeration or from the
// finite-lattice partition function. (In a field the posterior needs the
// density of states of the field energy, which the bond energies alone do
// not give: fit it from data with FitEnergyBayes.)
// Levels with g = 0 must be left out. It returns an error for a grid that is
// not at least two finite, non-negative, strictly ascending temperatures, for
// L < 2 and for invalid levels.
func EnergyBayesFromDOS(L int, grid, levels, lnG []float64) (*EnergyBayes, error) {
	if err := gridError(grid); err != nil {
		return nil, err
	}
	if L < 2 || len(levels) == 0 || len(levels) != len(lnG) {
		return nil, errors.New("thermo: invalid density of states")
	}
	for m, e := range levels {
		if math.IsNaN(e) || math.IsInf(e, 0) || math.IsNaN(lnG[m]) || math.IsInf(lnG[m], 0) || (m > 0 && !(e > levels[m-1])) {
			return nil, errors.New("thermo: invalid density of states")
		}
	}
	b := &EnergyBayes{grid: slices.Clone(grid), side: L, levels: slices.Clone(levels),
		lnG: slices.Clone(lnG), lnZ: make([]float64, len(grid)), buf: make([]float64, len(grid))}
	b.updateZ(make([]float64, len(levels)))
	return b, nil
}

// solve iterates the multi-histogram equations
//
//	g(E_m) = H_m / Σ_k N_k e^{−E_m/T_k} / Z_k,  Z_k = Σ_m g(E_m) e^{−E_m/T_k}
//
// to a fixed point (changes in ln Z below 1e-10), in logarithms.
func (b *EnergyBayes) solve(H, nk []float64) {
	K := len(b.grid)
	var act []int // classes with data and T > 0
	for k := 0; k < K; k++ {
		if nk[k] > 0 {
			act = append(act, k)
		}
	}
	terms := make([]float64, max(len(act), len(b.levels)))
	for m := range b.lnG {
		b.lnG[m] = math.Log(H[m])
	}
	b.updateZ(terms)
	prev := make([]float64, K)
	const tol, maxIter = 1e-10, 100000
	for iter := 0; iter < maxIter; iter++ {
		copy(prev, b.lnZ)
		for m, e := range b.levels {
			t := terms[:len(act)]
			for j, k := range act {
				t[j] = math.Log(nk[k]) - e/b.grid[k] - b.lnZ[k]
			}
			b.lnG[m] = math.Log(H[m]) - floats.LogSumExp(t)
		}
		// Fix the arbitrary constant: ln g = 0 at the lowest level.
		floats.AddConst(-b.lnG[0], b.lnG)
		b.updateZ(terms)
		diff := 0.0
		for _, k := range act {
			diff = max(diff, math.Abs(b.lnZ[k]-prev[k]))
		}
		if diff < tol {
			break
		}
	}
}

func (b *EnergyBayes) updateZ(terms []float64) {
	t := terms[:len(b.levels)]
	for k, T := range b.grid {
		if T == 0 {
			continue
		}
		for m, e := range b.levels {
			t[m] = b.lnG[m] - e/T
		}
		b.lnZ[k] = floats.LogSumExp(t)
	}
}

// Temperatures returns the ascending class grid. The caller must not modify it.
func (b *EnergyBayes) Temperatures() []float64 { return b.grid }

// Field returns the field h of the energies.
func (b *EnergyBayes) Field() float64 { return b.h }

// fieldEnergy returns −Σ_⟨ij⟩ sᵢsⱼ − h Σᵢ sᵢ of an L×L row (the bond sum
// alone at h = 0, bit for bit).
func fieldEnergy(L int, h float64, row []float64) float64 {
	e := lattice.Bonds(L, row)
	if h != 0 {
		e -= h * lattice.Spin(row)
	}
	return e
}

// DensityOfStates returns the energy levels seen in the training data
// (−Σ s_i s_j − h Σ s_i, ascending) and the estimated ln g there, up to an additive
// constant (ln g = 0 at the lowest level).
func (b *EnergyBayes) DensityOfStates() (levels, lnG []float64) {
	return slices.Clone(b.levels), slices.Clone(b.lnG)
}

// logG returns ln g(e) by linear interpolation between the levels and linear
// extrapolation beyond them (from the levels up to four steps inside the ends,
// to smooth the sparse tails).
func (b *EnergyBayes) logG(e float64) float64 {
	lv, g := b.levels, b.lnG
	n := len(lv)
	if n == 1 {
		return g[0]
	}
	i := sort.SearchFloat64s(lv, e)
	switch {
	case i < n && lv[i] == e:
		return g[i]
	case i == 0:
		j := min(4, n-1)
		return g[0] + (e-lv[0])*(g[j]-g[0])/(lv[j]-lv[0])
	case i == n:
		j := max(n-5, 0)
		return g[n-1] + (e-lv[n-1])*(g[n-1]-g[j])/(lv[n-1]-lv[j])
	}
	f := (e - lv[i-1]) / (lv[i] - lv[i-1])
	return g[i-1] + f*(g[i]-g[i-1])
}

// LogLikelihood writes ln P(E | T_k) for each class into dst (len K) for an
// energy e = −Σ s_i s_j − h Σ s_i (h the field of the fit), and returns dst.
// For T = 0 it is 0 at the ground energy −(2 + |h|)N and −Inf elsewhere. It
// panics if len(dst) != K.
func (b *EnergyBayes) LogLikelihood(dst []float64, e float64) []float64 {
	if len(dst) != len(b.grid) {
		panic(mat.ErrShape)
	}
	lg := b.logG(e)
	n := float64(b.side * b.side)
	ground := -(2 + math.Abs(b.h)) * n
	for k, T := range b.grid {
		if T == 0 {
			if math.Abs(e-ground) < 1e-9*n {
				dst[k] = 0
			} else {
				dst[k] = math.Inf(-1)
			}
			continue
		}
		dst[k] = lg - e/T - b.lnZ[k]
	}
	return dst
}

// Probabilities fills dst (N×K; sized if empty, else mat.ErrShape on a
// mismatch) with the posterior class probabilities of the rows of x, which
// must have L² columns (mat.ErrShape otherwise).
func (b *EnergyBayes) Probabilities(dst, x *mat.Dense) {
	r, c := x.Dims()
	if c != b.side*b.side {
		panic(mat.ErrShape)
	}
	sizeDst(dst, r, len(b.grid))
	for i := 0; i < r; i++ {
		row := dst.RawRowView(i)
		b.LogLikelihood(row, fieldEnergy(b.side, b.h, x.RawRowView(i)))
		lse := floats.LogSumExp(row)
		for k, v := range row {
			row[k] = math.Exp(v - lse)
		}
	}
}
