package ising

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestWolffClustersPerSweep: at T = +Inf every cluster is one spin, so a
// sweep is L² clusters; at T = 0 from all up a cluster is the whole
// lattice, so a sweep is one cluster; Grouped(k) grows k clusters per
// update; at T_c on 16×16 the grouping makes an update flip L² spins on
// average (within 5 standard errors of the mean cluster size).
func TestWolffClustersPerSweep(t *testing.T) {
	t.Parallel()
	const L = 8
	w := NewWolff(L, math.Inf(1), rand.NewPCG(1, 1))
	if k := w.ClustersPerSweep(1000, 20*L*L); k != L*L {
		t.Errorf("T = +Inf: %d clusters per sweep, want %d", k, L*L)
	}
	g := w.Grouped(3)
	f0 := w.Flipped()
	g.Sweep(5)
	if got := w.Flipped() - f0; got != 15 {
		t.Errorf("Grouped(3).Sweep(5) at T = +Inf flipped %d spins, want 15", got)
	}
	if k := NewWolff(L, 0, rand.NewPCG(1, 1)).ClustersPerSweep(1000, 20*L*L); k != 1 {
		t.Errorf("T = 0: %d clusters per sweep, want 1", k)
	}
	// Zero arguments are the documented defaults: the same probes, the
	// same random draws, the same answer.
	a, b := NewWolff(L, Tc, rand.NewPCG(3, 3)), NewWolff(L, Tc, rand.NewPCG(3, 3))
	if ka, kb := a.ClustersPerSweep(0, 0), b.ClustersPerSweep(1000, 20*L*L); ka != kb || a.Flipped() != b.Flipped() {
		t.Errorf("ClustersPerSweep(0, 0) = %d after %d flips, (1000, 20·L²) = %d after %d", ka, a.Flipped(), kb, b.Flipped())
	}
	const L2 = 16
	w = NewWolff(L2, Tc, rand.NewPCG(2, 2))
	w.Sweep(1000)
	k := w.ClustersPerSweep(1000, 1<<40)
	const n = 20000
	sizes := make([]float64, n)
	for i := range sizes {
		f := w.Flipped()
		w.Grouped(k).Sweep(1)
		sizes[i] = float64(w.Flipped() - f)
	}
	m, v := fluct(sizes, 0, 0)
	// One update's flips: mean k·⟨|C|⟩ ≈ L² up to the rounding of k
	// (±½ cluster, i.e. ±⟨|C|⟩/2), and the probe's own error.
	if se := math.Sqrt(v / n); math.Abs(m-L2*L2) > L2*L2/(2*float64(k))+5*se+0.1*L2*L2 {
		t.Errorf("T_c: %d clusters per sweep flip %.1f ± %.1f spins, want ≈ %d", k, m, se, L2*L2)
	}
}
