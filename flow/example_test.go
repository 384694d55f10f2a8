package flow_test

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/rgflow/rgflow/flow"
)

// relax is a toy stepper: each spin is redrawn with probability 0.2 as up
// with probability 0.9, so ⟨|m|⟩ relaxes to 0.8 from any start.
type relax struct{ rng *rand.Rand }

func (r relax) Step(dst, v *mat.Dense) {
	dst.Copy(v)
	raw := dst.RawMatrix().Data
	for i := range raw {
		if r.rng.Float64() < 0.2 {
			raw[i] = 0
			if r.rng.Float64() < 0.9 {
				raw[i] = 1
			}
		}
	}
}

func ExampleRun() {
	src := rand.NewPCG(1, 2)
	v0 := flow.Random(500, 100, src) // T = ∞: independent fair spins
	obs := flow.Observer{Energy: flow.LatticeEnergy(10, 0)}
	var rs []flow.Readout
	err := flow.Run(relax{rand.New(src)}, v0, 60, func(step int, v *mat.Dense) error {
		rs = append(rs, obs.Measure(step, v))
		return nil
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("step 0: |m| = %.2f\n", rs[0].AbsM)
	fp, err := flow.FindFixedPoint(rs, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("fixed point after %d steps: |m| = %.2f ± %.3f\n", fp.Step, fp.AbsM, fp.AbsMErr)
	// Output:
	// step 0: |m| = 0.08
	// fixed point after 20 steps: |m| = 0.80 ± 0.004
}
