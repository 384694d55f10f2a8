package ising

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/rgflow/rgflow/internal/lattice"
)

// MeasureSettings configures Measure. The zero value measures nothing;
// every field names a count of the sampler's updates (Sampler.Sweep's unit:
// a sweep, a cluster, or a WolffGroup's clusters).
type MeasureSettings struct {
	// BurnIn is the number of updates before the first measurement.
	BurnIn int
	// Every is the number of updates before each measurement. If Every is
	// 0, 1 is used. Choose it (and BurnIn) from τ_int (TauInt on a pilot
	// series): Generate uses BurnIn ≥ 20 τ_int and Every = ⌈5 τ_int⌉.
	Every int
	// N is the number of measurements.
	N int
	// H is the field in the energy E = −Σ sᵢsⱼ − H Σ sᵢ. It must be the
	// sampler's own field for the energies to mean anything.
	H float64
	// Visit, if not nil, is called with each measured configuration (a
	// 0/1 row it must not keep).
	Visit func(row []float64)
}

// Series is the time series of one Markov chain on the L×L lattice: the
// energy and the magnetisation per spin after each measurement.
type Series struct {
	L    int
	H    float64
	E, M []float64
}

// AbsM returns |m| for every measurement, in a new slice.
func (s *Series) AbsM() []float64 {
	a := make([]float64, len(s.M))
	for i, m := range s.M {
		a[i] = math.Abs(m)
	}
	return a
}

// Summarize returns SummarizeSigned(s.E, s.M, T, L²): the averages with
// errors that account for the series' autocorrelation, ⟨m⟩ and the
// susceptibility to the field among them.
func (s *Series) Summarize(T float64) Summary { return SummarizeSigned(s.E, s.M, T, s.L*s.L) }

// Measure runs the measurement loop of a Monte Carlo study on smp: BurnIn
// updates, then N times Every updates followed by a measurement of e and m
// per spin (and a call of Visit). It calls progress (if not nil) after
// every hundredth of the measurements and at the end with the number done
// and N; if progress returns an error, Measure stops and returns that error
// unchanged and no series.
//
// Measure returns an error naming the field for a negative BurnIn, Every
// or N, a field H that is not finite, or a sampler whose Sites() is not a
// square L² with L ≥ 2.
func Measure(smp Sampler, set MeasureSettings, progress func(done, total int) error) (*Series, error) {
	switch {
	case set.BurnIn < 0:
		return nil, fmt.Errorf("%w: BurnIn = %d (want ≥ 0)", ErrSettings, set.BurnIn)
	case set.Every < 0:
		return nil, fmt.Errorf("%w: Every = %d (want ≥ 0)", ErrSettings, set.Every)
	case set.N < 0:
		return nil, fmt.Errorf("%w: N = %d (want ≥ 0)", ErrSettings, set.N)
	case math.IsNaN(set.H) || math.IsInf(set.H, 0):
		return nil, fmt.Errorf("%w: H = %v (want a finite field)", ErrSettings, set.H)
	}
	L, ok := lattice.Side(smp.Sites())
	if !ok || L < 2 {
		return nil, fmt.Errorf("ising: Measure needs an L×L sampler with L ≥ 2, have %d sites", smp.Sites())
	}
	every := max(set.Every, 1)
	s := &Series{L: L, H: set.H, E: make([]float64, set.N), M: make([]float64, set.N)}
	row := make([]float64, smp.Sites())
	chunk := max(1, set.N/100)
	smp.Sweep(set.BurnIn)
	for i := range set.N {
		smp.Sweep(every)
		smp.Read(row)
		s.E[i] = EnergyPerSpin(L, set.H, row)
		s.M[i] = Magnetization(row)
		if set.Visit != nil {
			set.Visit(row)
		}
		if progress != nil && ((i+1)%chunk == 0 || i+1 == set.N) {
			if err := progress(i+1, set.N); err != nil {
				return nil, err
			}
		}
	}
	return s, nil
}

// Stream returns the random stream named name derived from seed: a PCG
// seeded with seed and the 64-bit FNV-1a hash of name. Give every part of
// a study (data, training, each temperature, …) its own name, and each is
// reproducible on its own whatever the others draw.
func Stream(seed uint64, name string) *rand.PCG {
	h := uint64(14695981039346656037)
	for i := 0; i < len(name); i++ {
		h = (h ^ uint64(name[i])) * 1099511628211
	}
	return rand.NewPCG(seed, h)
}
