package ising

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestBigSpinKaufman compares ⟨e⟩ and C per spin with Kaufman's exact
// finite-lattice values at L = 64 (H = 1: odd band count, alternating
// parity masks, both vertical neighbours rotated) and L = 128 (H = 2),
// within 4 errors, on the kernel the build selects (the purego build runs
// the pure-Go one; TestBigSpinKernels shows the two give the same bits). The errors come from the run itself:
// Summarize's jackknife over bins of 20 τ_int(e), τ_int from the series.
func TestBigSpinKaufman(t *testing.T) {
	t.Parallel()
	for ci, c := range []struct {
		L          int
		T          float64
		burn, meas int
	}{
		{64, 1.8, 2000, 100000},
		{64, 2.269, 20000, 400000},
		{64, 3.0, 2000, 100000},
		{128, 2.1, 5000, 100000},
		{128, 3.5, 2000, 50000},
	} {
		{
			t.Run(fmt.Sprintf("L=%d/T=%v", c.L, c.T), func(t *testing.T) {
				t.Parallel()
				g, err := NewBigSpin(c.L, c.T, 0, rand.NewPCG(uint64(ci), 3))
				if err != nil {
					t.Fatal(err)
				}
				g.Sweep(c.burn)
				e, ae := make([]float64, c.meas), make([]float64, c.meas)
				for k := range e {
					g.Sweep(1)
					e[k] = g.Energy()
					ae[k] = math.Abs(e[k])
				}
				// The |m| series is replaced by |e| (same τ) so that the bins
				// follow τ_int(e): at T_c, τ(|m|) of local updates at L = 64
				// is too long for this run, and C needs only e.
				s := Summarize(e, ae, c.T, c.L*c.L)
				ex := Exact(c.L, c.T)
				for _, q := range []struct {
					name        string
					v, dv, want float64
				}{{"⟨e⟩", s.E, s.EErr, ex.E}, {"C", s.C, s.CErr, ex.C}} {
					if math.Abs(q.v-q.want) > 4*q.dv || !(q.dv > 0) {
						t.Errorf("%s = %.5f ± %.5f, exact %.5f (%+.1fσ)", q.name, q.v, q.dv, q.want, (q.v-q.want)/q.dv)
					}
				}
				t.Logf("| %d | %.3f | %v | %.5f ± %.5f | %.5f | %+.1fσ | %.4f ± %.4f | %.4f | %+.1fσ | τ_e %.1f sweeps |",
					c.L, c.T, map[bool]string{true: "avx2", false: "go"}[g.avx], s.E, s.EErr, ex.E, (s.E-ex.E)/s.EErr, s.C, s.CErr, ex.C, (s.C-ex.C)/s.CErr, s.TauE)
			})
		}
	}
}

// TestBigSpinAcceptance checks the acceptance probabilities of the sweep's
// own kernel: from random configurations, one half sweep of colour 0, with
// every colour-0 site classified beforehand by its number k of anti-aligned
// neighbours; the fraction of flipped sites must be p̃₈ for k = 0
// (ΔE = 8), p̃₄ for k = 1, 1/2 for k = 2 and 1 for k ≥ 3, within 5
// binomial errors (the sites of one colour are updated independently given
// the other colour). With a(ΔE) = e^{−ΔE/T} a(−ΔE) this is detailed
// balance of every single-site update.
func TestBigSpinAcceptance(t *testing.T) {
	t.Parallel()
	const L, trials = 64, 300
	for _, T := range []float64{1.5, 2.269, 6} {
		g, _ := NewBigSpin(L, T, 0, rand.NewPCG(4, 4))
		want := [5]float64{float64(thresholdBits(-8/T)) * 0x1p-40, float64(thresholdBits(-4/T)) * 0x1p-40, 0.5, 1, 1}
		var n, flipped [5]int
		src := rand.New(rand.NewPCG(6, 6))
		row, after := make([]float64, L*L), make([]float64, L*L)
		for range trials {
			for i := range row {
				row[i] = float64(src.IntN(2))
			}
			g.SetRow(row)
			g.half(0)
			g.Read(after)
			for i := range L {
				for j := (i % 2); j < L; j += 2 { // colour 0: i+j even
					s := row[i*L+j]
					k := 0
					for _, nb := range [4]float64{row[(i+L-1)%L*L+j], row[(i+1)%L*L+j], row[i*L+(j+L-1)%L], row[i*L+(j+1)%L]} {
						if nb != s {
							k++
						}
					}
					n[k]++
					if after[i*L+j] != s {
						flipped[k]++
					}
				}
			}
		}
		for k := range 5 {
			got := float64(flipped[k]) / float64(n[k])
			se := math.Sqrt(want[k] * (1 - want[k]) / float64(n[k]))
			if math.Abs(got-want[k]) > 5*se+1e-12 {
				t.Errorf("T = %v, k = %d (ΔE = %d): flipped %.5f of %d, want %.5f ± %.5f", T, k, 8-4*k, got, n[k], want[k], se)
			}
		}
	}
}

// TestBigSpinLimits checks T = 0 and T = +Inf without epsilons: at T = 0
// the all-up ground state stays put and from a random state the energy
// never rises; at T = +Inf every ΔE ≠ 0 move is taken, so from all up the
// first half sweep flips colour 0 (ΔE = 8) and the second colour 1 (ΔE =
// −8): one sweep turns all up into all down.
func TestBigSpinLimits(t *testing.T) {
	t.Parallel()
	for _, L := range []int{64, 128, 192} {
		for _, kernel := range []string{"go", "avx2"} {
			row := make([]float64, L*L)
			g, _ := NewBigSpin(L, 0, 0, rand.NewPCG(1, uint64(L)))
			g.avx = kernel == "avx2" && useMultiSpinAVX2
			g.Sweep(3)
			g.Read(row)
			if s := floatsSum(row); s != float64(L*L) {
				t.Errorf("L = %d %s, T = 0: left the ground state (%v up)", L, kernel, s)
			}
			src := rand.New(rand.NewPCG(2, 2))
			for i := range row {
				row[i] = float64(src.IntN(2))
			}
			if err := g.SetRow(row); err != nil {
				t.Fatal(err)
			}
			e0 := g.Energy()
			for range 20 {
				g.Sweep(1)
				if e := g.Energy(); e > e0 {
					t.Fatalf("L = %d %s, T = 0: energy rose %v → %v", L, kernel, e0, e)
				} else {
					e0 = e
				}
			}
			inf, _ := NewBigSpin(L, math.Inf(1), 0, rand.NewPCG(1, 1))
			inf.avx = g.avx
			inf.Sweep(1)
			inf.Read(row)
			if s := floatsSum(row); s != 0 {
				t.Errorf("L = %d %s, T = +Inf: %v spins up after one sweep from all up, want 0", L, kernel, s)
			}
		}
	}
}

// TestBigSpinKernels checks that the AVX2 kernel and its AVX-512VL form
// (where available) and the pure-Go kernel produce identical spins and
// random states, from a random start, at several T and L (H = 1, 2, 3).
func TestBigSpinKernels(t *testing.T) {
	t.Parallel()
	if !useMultiSpinAVX2 {
		t.Log("no AVX2 kernel in this build; comparing the pure-Go kernel with itself")
	}
	for _, L := range []int{64, 128, 192} {
		for _, T := range []float64{0, 1.5, Tc, 4, 1e13, math.Inf(1)} {
			a, _ := NewBigSpin(L, T, 0, rand.NewPCG(uint64(L), 5))
			b, _ := NewBigSpin(L, T, 0, rand.NewPCG(uint64(L), 5))
			c, _ := NewBigSpin(L, T, 0, rand.NewPCG(uint64(L), 5))
			b.avx = false
			c.k512 = false // AVX2 where a runs its AVX-512VL form
			row := make([]float64, L*L)
			src := rand.New(rand.NewPCG(3, 3))
			for i := range row {
				row[i] = float64(src.IntN(2))
			}
			a.SetRow(row)
			b.SetRow(row)
			c.SetRow(row)
			for range 3 {
				a.Sweep(5)
				b.Sweep(5)
				c.Sweep(5)
				if !slices.Equal(a.w[0], b.w[0]) || !slices.Equal(a.w[1], b.w[1]) || a.rng != b.rng {
					t.Fatalf("L = %d T = %v: kernels differ (default and pure Go)", L, T)
				}
				if !slices.Equal(c.w[0], b.w[0]) || !slices.Equal(c.w[1], b.w[1]) || c.rng != b.rng {
					t.Fatalf("L = %d T = %v: kernels differ (AVX2 and pure Go)", L, T)
				}
			}
		}
	}
}

// TestBigSpinLayout checks Read/SetRow round trips and Energy and
// Magnetization against the row functions, after sweeps, at H = 1, 2, 3.
func TestBigSpinLayout(t *testing.T) {
	t.Parallel()
	for _, L := range []int{64, 128, 192} {
		g, _ := NewBigSpin(L, 3, 0, rand.NewPCG(1, 1))
		g.Sweep(7)
		row, back := make([]float64, L*L), make([]float64, L*L)
		g.Read(row)
		if got, want := g.Energy(), EnergyPerSpin(L, 0, row); math.Abs(got-want) > 1e-12 {
			t.Errorf("L = %d: Energy %v, EnergyPerSpin %v", L, got, want)
		}
		if got, want := g.Magnetization(), Magnetization(row); math.Abs(got-want) > 1e-12 {
			t.Errorf("L = %d: Magnetization %v, want %v", L, got, want)
		}
		src := rand.New(rand.NewPCG(5, 5))
		for i := range row {
			row[i] = float64(src.IntN(2))
		}
		if err := g.SetRow(row); err != nil {
			t.Fatal(err)
		}
		g.Read(back)
		if !slices.Equal(row, back) {
			t.Errorf("L = %d: SetRow/Read round trip", L)
		}
		if got, want := g.Energy(), EnergyPerSpin(L, 0, row); math.Abs(got-want) > 1e-12 {
			t.Errorf("L = %d: Energy of a random row %v, EnergyPerSpin %v", L, got, want)
		}
		row[5] = 2
		if g.SetRow(row) == nil {
			t.Errorf("L = %d: non-binary row accepted", L)
		}
	}
}

// TestBigSpinAPI checks the refusals, panics, determinism and allocations.
func TestBigSpinAPI(t *testing.T) {
	for _, L := range []int{0, 32, 100, 130} {
		if _, err := NewBigSpin(L, 2, 0, rand.NewPCG(1, 1)); !errors.Is(err, ErrBigSpinSize) {
			t.Errorf("L = %d: err = %v", L, err)
		}
	}
	if _, err := NewBigSpin(64, 2, 0.5, rand.NewPCG(1, 1)); !errors.Is(err, ErrMultiSpinField) {
		t.Errorf("h ≠ 0: err = %v", err)
	}
	for name, f := range map[string]func(){
		"T<0":       func() { NewBigSpin(64, -1, 0, rand.NewPCG(1, 1)) },
		"NaN":       func() { NewBigSpin(64, math.NaN(), 0, rand.NewPCG(1, 1)) },
		"Sweep(-1)": func() { g, _ := NewBigSpin(64, 2, 0, rand.NewPCG(1, 1)); g.Sweep(-1) },
		"Read":      func() { g, _ := NewBigSpin(64, 2, 0, rand.NewPCG(1, 1)); g.Read(make([]float64, 10)) },
	} {
		if !panics(f) {
			t.Errorf("%s: no panic", name)
		}
	}
	run := func() []float64 {
		g, _ := NewBigSpin(128, Tc, 0, rand.NewPCG(9, 9))
		g.Sweep(20)
		row := make([]float64, g.Sites())
		g.Read(row)
		return row
	}
	if !slices.Equal(run(), run()) {
		t.Error("same seed, different configurations")
	}
	g, _ := NewBigSpin(128, Tc, 0, rand.NewPCG(1, 2))
	if g.Sites() != 128*128 || g.L() != 128 || g.Temp() != Tc {
		t.Errorf("Sites %d L %d Temp %v", g.Sites(), g.L(), g.Temp())
	}
	for _, k := range [][2]bool{{false, false}, {useMultiSpinAVX2, false}, {useMultiSpinAVX2, useMultiSpinAVX512}} {
		g.avx, g.k512 = k[0], k[1]
		if a := testing.AllocsPerRun(20, func() { g.Sweep(1); g.Energy(); g.Magnetization() }); a != 0 {
			t.Errorf("avx, k512 = %v: %v allocations per sweep", k, a)
		}
	}
}
