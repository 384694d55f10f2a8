package thermo

import (
	"math"
	"math/rand/v2"
	"sync"

	"gonum.org/v1/gonum/mat"
)

// This file holds a small 2D Ising sampler so that the tests need not import
// package ising: single-spin Metropolis sweeps interleaved with Wolff cluster
// flips (a fixed number of each between samples, so no data-dependent
// stopping), one independent chain per temperature, exact ground states at
// T = 0, and a random global sign on every sample.

// isingChain samples n configurations of the L×L periodic Ising model at
// temperature T into rows of dst starting at row r0.
func isingChain(dst *mat.Dense, r0, n, L int, T float64, rng *rand.Rand) {
	N := L * L
	s := make([]int8, N)
	if T == 0 {
		for i := 0; i < n; i++ {
			v := float64(rng.IntN(2))
			row := dst.RawRowView(r0 + i)
			for j := range row {
				row[j] = v
			}
		}
		return
	}
	for i := range s {
		s[i] = int8(2*rng.IntN(2) - 1)
	}
	// Neighbours.
	nb := make([][4]int, N)
	for i := 0; i < L; i++ {
		for j := 0; j < L; j++ {
			nb[i*L+j] = [4]int{((i+1)%L)*L + j, ((i+L-1)%L)*L + j, i*L + (j+1)%L, i*L + (j+L-1)%L}
		}
	}
	acc := [5]float64{} // acceptance for ΔE = 2 s h, h ∈ {−4,−2,0,2,4} → index (sh+4)/2
	for k := range acc {
		acc[k] = math.Exp(-2 * float64(2*k-4) / T)
	}
	padd := 1 - math.Exp(-2/T)
	stack := make([]int, 0, N)
	sweep := func() {
		for i := 0; i < N; i++ {
			h := int(s[nb[i][0]] + s[nb[i][1]] + s[nb[i][2]] + s[nb[i][3]])
			sh := int(s[i]) * h
			if sh <= 0 || rng.Float64() < acc[(sh+4)/2] {
				s[i] = -s[i]
			}
		}
	}
	wolff := func() {
		seed := rng.IntN(N)
		sv := s[seed]
		s[seed] = -sv
		stack = append(stack[:0], seed)
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, j := range nb[i] {
				if s[j] == sv && rng.Float64() < padd {
					s[j] = -sv
					stack = append(stack, j)
				}
			}
		}
	}
	const therm, sweeps, clusters = 200, 3, 3
	for range therm {
		sweep()
		wolff()
	}
	for i := 0; i < n; i++ {
		for range sweeps {
			sweep()
		}
		for range clusters {
			wolff()
		}
		row := dst.RawRowView(r0 + i)
		flip := rng.IntN(2) == 1
		for j, v := range s {
			up := v > 0
			if up != flip {
				row[j] = 1
			} else {
				row[j] = 0
			}
		}
	}
}

// isingData returns nPer configurations at each temperature of grid, with
// labels, from chains seeded by (seed, k).
func isingData(L int, grid []float64, nPer int, seed uint64) (*mat.Dense, []int) {
	x := mat.NewDense(len(grid)*nPer, L*L, nil)
	labels := make([]int, len(grid)*nPer)
	for k, T := range grid {
		rng := rand.New(rand.NewPCG(seed, uint64(k)))
		isingChain(x, k*nPer, nPer, L, T, rng)
		for i := 0; i < nPer; i++ {
			labels[k*nPer+i] = k
		}
	}
	return x, labels
}

// paperGrid returns T = 0, 0.25, …, 6.
func paperGrid() []float64 {
	g := make([]float64, 25)
	for k := range g {
		g[k] = 0.25 * float64(k)
	}
	return g
}

// L10 is the shared L = 10 data set of the tests: 1200 training and 200 test
// configurations per temperature of paperGrid.
var L10 = sync.OnceValue(func() *isingSet {
	g := paperGrid()
	xtr, ytr := isingData(10, g, 1200, 11)
	xte, yte := isingData(10, g, 200, 12)
	return &isingSet{grid: g, xtr: xtr, ytr: ytr, xte: xte, yte: yte}
})

type isingSet struct {
	grid     []float64
	xtr, xte *mat.Dense
	ytr, yte []int
}
