package rbm

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

// TestAISAgainstExact checks AIS on a 20×10 model (exact log Z by
// enumerating the 2¹⁰ hidden states) for several seeds.
func TestAISAgainstExact(t *testing.T) {
	t.Parallel()
	m := randomModel(20, 10, 0.5, 31)
	exact, err := LogZ(m)
	if err != nil {
		t.Fatal(err)
	}
	within := 0
	for seed := uint64(1); seed <= 5; seed++ {
		z, se := AIS(m, &AISSettings{Chains: 100, Betas: 500}, rand.NewPCG(seed, 7))
		t.Logf("seed %d: AIS log Z = %.4f ± %.4f, exact %.4f (%.1fσ)", seed, z, se, exact, (z-exact)/se)
		// The delta-method standard error is a large-sample estimate; for
		// 100 chains with modest weight variance it is reliable to within
		// a factor ~1.5, so require |error| < 4σ for each seed, and that
		// the stated error is informative (< 0.1 nats).
		if math.Abs(z-exact) > 4*se {
			t.Errorf("seed %d: AIS %v ± %v misses exact %v", seed, z, se, exact)
		}
		if se > 0.1 || se <= 0 {
			t.Errorf("seed %d: uninformative standard error %v", seed, se)
		}
		if math.Abs(z-exact) < se {
			within++
		}
	}
	// About 68% of 5 estimates should fall within 1σ; fewer than 1 out of 5
	// has probability 0.32⁵ ≈ 0.3%.
	if within < 1 {
		t.Errorf("no AIS estimate within its 1σ error: the stated error is too small")
	}
}

func TestAISBaseAndDeterminism(t *testing.T) {
	// With W = 0 the base model with BaseVBias = b is exact: all weights
	// are equal and log Z = Nh ln 2 + Σ softplus(b_i) with zero error.
	m := New(6, 4, &InitSettings{Sigma: -1}, rand.NewPCG(1, 1))
	for i := range m.VBias {
		m.VBias[i] = float64(i) - 2.5
	}
	z, se := AIS(m, &AISSettings{Chains: 10, Betas: 20, BaseVBias: m.VBias}, rand.NewPCG(2, 2))
	exact, _ := LogZ(m)
	if math.Abs(z-exact) > 1e-12 || se > 1e-12 {
		t.Errorf("W=0: AIS %v ± %v, exact %v", z, se, exact)
	}
	m2 := randomModel(30, 20, 0.2, 3)
	run := func(p int) float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(p))
		z, _ := AIS(m2, &AISSettings{Chains: 150, Betas: 30}, rand.NewPCG(4, 4))
		return z
	}
	if a, b := run(1), run(2); math.Float64bits(a) != math.Float64bits(b) {
		t.Errorf("AIS differs between GOMAXPROCS=1 (%v) and 2 (%v)", a, b)
	}
}
