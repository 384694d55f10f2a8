package ising

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
)

// Sampler draws spin configurations. A Sampler owns its state (a Lattice,
// or any other representation such as bit-packed multi-spin words) and its
// random source; it is not safe for concurrent use.
//
// Sweep advances the state by n updates of the sampler's unit, fixed in
// advance and never data dependent: one sweep of Sites() attempted
// single-spin updates for the local samplers, one cluster for Wolff, one
// full bond decomposition for Swendsen–Wang, one independent configuration
// for the exact samplers. Measure only between calls to Sweep (PAPER.md's
// pitfall: stopping at a data-dependent moment biases the estimates).
//
// Read writes the current configuration as a 0/1 row (s = 2v − 1, site
// i*L+j) into dst; it panics if len(dst) != Sites().
//
// The lattice samplers (local and cluster) seed a private xoshiro256**
// generator from the caller's source when they are built, so their hot
// loops do not call the source through its interface; the same source
// state still gives the same configurations.
type Sampler interface {
	Sites() int
	Sweep(n int)
	Read(dst []float64)
}

// Interface checks.
var (
	_ Sampler = (*Metropolis)(nil)
	_ Sampler = (*Checkerboard)(nil)
	_ Sampler = (*Wolff)(nil)
	_ Sampler = (*SwendsenWang)(nil)
	_ Sampler = (*ZeroT)(nil)
	_ Sampler = (*InfiniteT)(nil)
	_ Sampler = (*MeanField)(nil)
	_ Sampler = (*CurieWeiss)(nil)
)

// Algorithm names a sampler for NewSampler and for datasets.
type Algorithm int

// The algorithms. Auto lets a dataset choose per temperature (see
// DatasetSettings); NewSampler treats Auto as Wolff when h = 0 and as
// Checkerboard otherwise.
const (
	Auto            Algorithm = iota
	AlgMetropolis             // random-site single-spin Metropolis (the paper's reference)
	AlgCheckerboard           // checkerboard Metropolis
	AlgHeatBath               // checkerboard heat bath
	AlgWolff                  // Wolff single-cluster (h = 0)
	AlgSwendsenWang           // Swendsen–Wang (h = 0)
	AlgMeanField              // independent spins with m = tanh((4m + h)/T), no topology
	AlgCurieWeiss             // exact Curie–Weiss, coupling 4/N, no topology
	AlgZeroT                  // exact T = 0 ground states (used at T = 0 only)
	AlgInfiniteT              // exact T = +Inf, independent fair spins
	AlgMultiSpin              // multi-spin Metropolis lanes (h = 0; datasets only, see NewMultiSpin)
)

var algNames = [...]string{"auto", "metropolis", "checkerboard", "heatbath", "wolff", "swendsen-wang", "meanfield", "curieweiss", "zero-t", "infinite-t", "multispin"}

// String returns the algorithm's name as accepted by ParseAlgorithm.
func (a Algorithm) String() string {
	if a < 0 || int(a) >= len(algNames) {
		return fmt.Sprintf("Algorithm(%d)", int(a))
	}
	return algNames[a]
}

// ParseAlgorithm returns the algorithm with the given name (see String;
// "sw" is accepted for swendsen-wang).
func ParseAlgorithm(name string) (Algorithm, error) {
	if name == "sw" {
		return AlgSwendsenWang, nil
	}
	for i, n := range algNames {
		if n == name {
			return Algorithm(i), nil
		}
	}
	return 0, fmt.Errorf("ising: unknown algorithm %q (want one of %v)", name, algNames)
}

// MarshalText implements encoding.TextMarshaler with the algorithm's name.
func (a Algorithm) MarshalText() ([]byte, error) {
	if a < 0 || int(a) >= len(algNames) {
		return nil, fmt.Errorf("ising: unknown algorithm %d", int(a))
	}
	return []byte(a.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler (see ParseAlgorithm).
func (a *Algorithm) UnmarshalText(b []byte) error {
	v, err := ParseAlgorithm(string(b))
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// NewSampler returns a sampler of the given algorithm for the L×L lattice
// (L² independent sites for the mean-field algorithms) at temperature T and
// field h, starting from all spins up (AlgZeroT ignores T, AlgInfiniteT
// ignores T and h). It returns an error for a cluster
// algorithm with h ≠ 0 or for an unknown algorithm, and panics like the
// individual constructors on invalid L or T.
func NewSampler(alg Algorithm, L int, T, h float64, src rand.Source) (Sampler, error) {
	switch alg {
	case Auto:
		if h == 0 {
			return NewWolff(L, T, src), nil
		}
		return NewCheckerboard(L, T, h, src), nil
	case AlgMetropolis:
		return NewMetropolis(L, T, h, src), nil
	case AlgCheckerboard:
		return NewCheckerboard(L, T, h, src), nil
	case AlgHeatBath:
		return NewHeatBath(L, T, h, src), nil
	case AlgWolff, AlgSwendsenWang:
		if h != 0 {
			return nil, fmt.Errorf("ising: %v needs h = 0, have h = %v", alg, h)
		}
		if alg == AlgWolff {
			return NewWolff(L, T, src), nil
		}
		return NewSwendsenWang(L, T, src), nil
	case AlgMeanField:
		if L < 1 {
			panic(errSize)
		}
		return NewMeanField(L*L, T, h, src), nil
	case AlgCurieWeiss:
		if L < 1 {
			panic(errSize)
		}
		return NewCurieWeiss(L*L, T, h, src), nil
	case AlgZeroT:
		return NewZeroT(L, h, src), nil
	case AlgInfiniteT:
		if L < 1 {
			panic(errSize)
		}
		return NewInfiniteT(L*L, src), nil
	case AlgMultiSpin:
		return nil, fmt.Errorf("ising: %v is a batch sampler: use NewMultiSpin", alg)
	}
	return nil, fmt.Errorf("ising: unknown algorithm %v", alg)
}

// uniform returns a uniform float64 in [0, 1) with 53 random bits.
func uniform(src rand.Source) float64 {
	return float64(src.Uint64()>>11) * 0x1p-53
}

// uintn returns a uniform integer in [0, n), n > 0, without bias
// (Lemire's multiply-and-reject).
func uintn(src rand.Source, n uint64) uint64 {
	hi, lo := bits.Mul64(src.Uint64(), n)
	if lo < n {
		thresh := -n % n
		for lo < thresh {
			hi, lo = bits.Mul64(src.Uint64(), n)
		}
	}
	return hi
}

// bondProb returns the Fortuin–Kasteleyn bond probability 1 − exp(−2/T),
// exactly 1 at T = 0 and exactly 0 at T = +Inf.
func bondProb(T float64) float64 {
	checkTemp(T)
	switch {
	case T == 0:
		return 1
	case math.IsInf(T, 1):
		return 0
	}
	return -math.Expm1(-2 / T)
}

// boltzmann returns min(1, exp(−dE/T)) with the exact limits at T = 0
// (1 if dE ≤ 0, else 0) and T = +Inf (1).
func boltzmann(dE, T float64) float64 {
	switch {
	case dE <= 0 || math.IsInf(T, 1):
		return 1
	case T == 0:
		return 0
	}
	return math.Exp(-dE / T)
}

// upProb returns the heat-bath probability 1/(1 + exp(−2x/T)) of a spin up
// in local field x, with the exact limits at T = 0 (1, 1/2 or 0 by the
// sign of x) and T = +Inf (1/2).
func upProb(x, T float64) float64 {
	switch {
	case math.IsInf(T, 1):
		return 0.5
	case T == 0:
		switch {
		case x > 0:
			return 1
		case x < 0:
			return 0
		}
		return 0.5
	}
	return 1 / (1 + math.Exp(-2*x/T))
}
