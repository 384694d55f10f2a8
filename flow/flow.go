package flow

import (
	"errors"
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Stepper advances every row of a batch of configurations by one step of a
// Markov chain, writing the result into dst. The RBM's Gibbs sampler
// (v → h → v′) is a Stepper. dst has the shape of v; implementations used
// with Run must accept a dst that is a different matrix from v.
type Stepper interface {
	Step(dst, v *mat.Dense)
}

// ErrSettings is returned (wrapped, with the argument or field and its
// value) by Run for a negative number of steps and by FindFixedPoint for
// settings out of range.
var ErrSettings = errors.New("flow: invalid settings")

// Run iterates s on the batch v0 for the given number of steps and calls fn
// with step 0 (v0 itself) and then with each new batch v_n, n = 1 … steps.
// The matrix passed to fn is owned by Run and valid only during the call; fn
// must copy what it keeps. An error returned by fn stops the flow and is
// returned unchanged. v0 is not modified.
func Run(s Stepper, v0 *mat.Dense, steps int, fn func(step int, v *mat.Dense) error) error {
	if steps < 0 {
		return fmt.Errorf("%w: steps = %d (want ≥ 0)", ErrSettings, steps)
	}
	if err := fn(0, v0); err != nil {
		return err
	}
	if steps == 0 {
		return nil
	}
	r, c := v0.Dims()
	a, b := mat.NewDense(r, c, nil), mat.NewDense(r, c, nil)
	s.Step(a, v0)
	for n := 1; ; n++ {
		if err := fn(n, a); err != nil {
			return err
		}
		if n == steps {
			return nil
		}
		s.Step(b, a)
		a, b = b, a
	}
}

// AllUp returns n configurations of nv sites with every spin up: the exact
// T = 0 ensemble (with h = 0 the all-down state is its mirror image).
func AllUp(n, nv int) *mat.Dense {
	v := mat.NewDense(n, nv, nil)
	raw := v.RawMatrix().Data
	for i := range raw {
		raw[i] = 1
	}
	return v
}

// Random returns n configurations of nv independent fair spins: the T = ∞
// ensemble.
func Random(n, nv int, src rand.Source) *mat.Dense {
	rng := rand.New(src)
	v := mat.NewDense(n, nv, nil)
	raw := v.RawMatrix().Data
	for i := range raw {
		raw[i] = float64(rng.Uint64() >> 63)
	}
	return v
}

// HalfUp returns n configurations of nv sites with exactly ⌊nv/2⌋ spins up
// at uniformly random positions (zero magnetisation for even nv).
func HalfUp(n, nv int, src rand.Source) *mat.Dense {
	rng := rand.New(src)
	v := mat.NewDense(n, nv, nil)
	for i := 0; i < n; i++ {
		row := v.RawRowView(i)
		for j := 0; j < nv/2; j++ {
			row[j] = 1
		}
		rng.Shuffle(nv, func(a, b int) { row[a], row[b] = row[b], row[a] })
	}
	return v
}
