package lattice

import "testing"

func TestBonds(t *testing.T) {
	t.Parallel()
	// All up on 3×3: 18 bonds, each −1.
	up := make([]float64, 9)
	for i := range up {
		up[i] = 1
	}
	if got := Bonds(3, up); got != -18 {
		t.Errorf("all up: got %v, want -18", got)
	}
	// Checkerboard on 4×4: every bond antiparallel.
	cb := make([]float64, 16)
	for i := 0; i < 4; i++ {
		for j := 0; j < 4; j++ {
			cb[i*4+j] = float64((i + j) % 2)
		}
	}
	if got := Bonds(4, cb); got != 32 {
		t.Errorf("checkerboard: got %v, want 32", got)
	}
	// One flipped spin in an all-up 4×4 breaks 4 bonds: −32 + 8.
	one := make([]float64, 16)
	for i := range one {
		one[i] = 1
	}
	one[5] = 0
	if got := Bonds(4, one); got != -24 {
		t.Errorf("one flip: got %v, want -24", got)
	}
	if got := EnergyPerSpin(4, 0.5, one); got != (-24-0.5*14)/16.0 {
		t.Errorf("EnergyPerSpin: got %v", got)
	}
	if L, ok := Side(100); L != 10 || !ok {
		t.Errorf("Side(100) = %d, %v", L, ok)
	}
	if _, ok := Side(99); ok {
		t.Error("Side(99) accepted")
	}
}
