package ising

import (
	"math/rand/v2"
	"testing"
)

// TestXoshiro checks the generator against the reference implementation's
// first outputs from the state {1, 2, 3, 4}, and uintn's range and
// uniformity on a small modulus.
func TestXoshiro(t *testing.T) {
	t.Parallel()
	x := xoshiro{1, 2, 3, 4}
	for i, want := range []uint64{11520, 0, 1509978240, 1215971899390074240} {
		if got := x.Uint64(); got != want {
			t.Fatalf("output %d = %d, want %d", i, got, want)
		}
	}
	y := newXoshiro(rand.NewPCG(0, 0))
	const n, draws = 7, 70000
	var counts [n]int
	for range draws {
		counts[y.uintn(n)]++
	}
	// Each count is binomial(70000, 1/7): mean 10000, sd ≈ 92.6; 5 sd.
	for k, c := range counts {
		if c < 10000-463 || c > 10000+463 {
			t.Errorf("uintn(7) gave %d %d times of %d", k, c, draws)
		}
	}
	for range 1000 {
		if f := y.float(); f < 0 || f >= 1 {
			t.Fatalf("float() = %v", f)
		}
	}
}
