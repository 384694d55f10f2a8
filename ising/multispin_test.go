package ising

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// laneTemps returns R replica temperatures cycling through ts lane by lane,
// so that every word mixes them.
func laneTemps(R int, ts ...float64) []float64 {
	out := make([]float64, R)
	for r := range out {
		out[r] = ts[r%len(ts)]
	}
	return out
}

// TestMultiSpinEnumeration compares the distribution of all 2^(L²) states
// (folded by the global flip) with the exact enumeration, by a χ² test, at L = 4 (2¹⁶ states) and at the
// odd L = 3 (2⁹ states), with several temperatures interleaved lane by lane
// in one sampler, on 64 replicas (the pure-Go kernel) and 256 (AVX2 where
// available).
func TestMultiSpinEnumeration(t *testing.T) {
	t.Parallel()
	for ci, c := range []struct {
		L, R    int
		ts      []float64
		n       int // samples per temperature
		spacing int
	}{
		{4, 256, []float64{2.5, 3.5}, 100000, 6},
		{4, 64, []float64{1.8, 2.5}, 50000, 8},
		{3, 192, []float64{1.5, 2.269, 4}, 50000, 4},
	} {
		t.Run(fmt.Sprintf("L=%d/R=%d", c.L, c.R), func(t *testing.T) {
			t.Parallel()
			m, err := NewMultiSpin(c.L, laneTemps(c.R, c.ts...), 0, rand.NewPCG(uint64(ci), 4))
			if err != nil {
				t.Fatal(err)
			}
			N, nt := c.L*c.L, len(c.ts)
			counts := make([][]int, nt)
			for i := range counts {
				counts[i] = make([]int, 1<<N)
			}
			perLane := c.n * nt / c.R
			// e[i] holds the energies of temperature i, lane-major.
			e := make([][]float64, nt)
			for i := range e {
				e[i] = make([]float64, 0, c.n)
			}
			eByLane := make([][]float64, c.R)
			mByLane := make([][]float64, c.R)
			m.Sweep(500)
			en, mg := make([]float64, c.R), make([]float64, c.R)
			for range perLane {
				m.Sweep(c.spacing)
				for r := range c.R {
					k := 0
					for s := range N {
						k |= int(m.spins[s*m.nw+r/64]>>(r%64)&1) << s
					}
					counts[r%nt][k]++
				}
				en, mg = m.Energies(en), m.Magnetizations(mg)
				for r := range c.R {
					eByLane[r] = append(eByLane[r], en[r])
					mByLane[r] = append(mByLane[r], mg[r])
				}
			}
			mt := make([][]float64, nt)
			for r := range c.R {
				e[r%nt] = append(e[r%nt], eByLane[r]...)
				mt[r%nt] = append(mt[r%nt], mByLane[r]...)
			}
			for i, T := range c.ts {
				ex := Enumerate(c.L, T, 0)
				n := perLane * (c.R / nt)
				// The χ² test runs on states folded by the global flip (k
				// and its complement share a bin): at low T the sign of m
				// flips rarely, which would inflate the variance of every
				// count; the balance of the two signs is tested below with
				// its own τ_int. Lanes are independent chains; within a lane
				// the samples are spaced by a few τ_int of e and |m|:
				// deflate χ² by 2τ_int (≥ 1), as TestSamplers4x4 does.
				full := 1<<N - 1
				folded, fp := make([]int, 1<<N), make([]float64, 1<<N)
				for k, cnt := range counts[i] {
					folded[min(k, full^k)] += cnt
					fp[min(k, full^k)] += ex.Prob[k]
				}
				am := make([]float64, len(mt[i]))
				sign := make([]float64, 0, len(mt[i]))
				for j, v := range mt[i] {
					am[j] = math.Abs(v)
					if v != 0 {
						sign = append(sign, math.Copysign(1, v))
					}
				}
				inflate := math.Max(1, 2*math.Max(tauInt(e[i]), tauInt(am)))
				chi2, dof := chiSquare(folded, func(k int) float64 { return fp[k] }, n)
				limit := float64(dof) + 5*math.Sqrt(2*float64(dof))
				z := (chi2/inflate - float64(dof)) / math.Sqrt(2*float64(dof))
				if chi2/inflate > limit || math.IsNaN(chi2) {
					t.Errorf("T = %v: χ² = %.1f (deflated by %.2f) with %d dof, limit %.1f", T, chi2, inflate, dof, limit)
				}
				// ⟨sign m⟩ = 0, with the lanes as independent bins.
				sm, dsm := Jackknife(c.R/nt, func(mu []float64) float64 { return mu[0] }, sign[:len(sign)/(c.R/nt)*(c.R/nt)])
				if math.Abs(sm) > 5*dsm {
					t.Errorf("T = %v: ⟨sign m⟩ = %.4f ± %.4f", T, sm, dsm)
				}
				t.Logf("T = %v: χ²/dof = %.1f/%d (z = %+.2f, deflated by %.2f), n = %d; ⟨sign m⟩ = %+.4f ± %.4f", T, chi2/inflate, dof, z, inflate, n, sm, dsm)
			}
		})
	}
}

// TestMultiSpinKaufman compares ⟨e⟩ and C per spin with Kaufman's exact
// finite-lattice values at L = 10, 16 and the odd L = 11, within 4 errors.
// Lanes are independent chains, so a jackknife with one bin per lane gives
// errors that account for the autocorrelation along each lane.
func TestMultiSpinKaufman(t *testing.T) {
	t.Parallel()
	for ci, c := range []struct {
		L          int
		ts         []float64
		burn, meas int
	}{
		{10, []float64{1.5, 2.0, 2.269, 3.0, 3.5}, 1000, 3000},
		{16, []float64{2.0, 2.269, 3.0, 4.0}, 1000, 2000},
		{11, []float64{2.269, 3.0}, 1000, 2000},
	} {
		t.Run(fmt.Sprintf("L=%d", c.L), func(t *testing.T) {
			t.Parallel()
			const R = 256
			m, err := NewMultiSpin(c.L, laneTemps(R, c.ts...), 0, rand.NewPCG(uint64(ci), 10))
			if err != nil {
				t.Fatal(err)
			}
			m.Sweep(c.burn)
			byLane := make([][]float64, R)
			en := make([]float64, R)
			for range c.meas {
				m.Sweep(1)
				en = m.Energies(en)
				for r := range R {
					byLane[r] = append(byLane[r], en[r])
				}
			}
			N := float64(c.L * c.L)
			for i, T := range c.ts {
				var e, e2 []float64
				lanes := 0
				for r := i; r < R; r += len(c.ts) {
					for _, v := range byLane[r] {
						e = append(e, v)
						e2 = append(e2, v*v)
					}
					lanes++
				}
				ex := Exact(c.L, T)
				ge, de := Jackknife(lanes, func(mu []float64) float64 { return mu[0] }, e, e2)
				gc, dc := Jackknife(lanes, func(mu []float64) float64 { return N * (mu[1] - mu[0]*mu[0]) / (T * T) }, e, e2)
				tau := tauInt(byLane[i])
				for _, q := range []struct {
					name        string
					v, dv, want float64
				}{{"⟨e⟩", ge, de, ex.E}, {"C", gc, dc, ex.C}} {
					if math.Abs(q.v-q.want) > 4*q.dv || !(q.dv > 0) {
						t.Errorf("T = %v: %s = %.5f ± %.5f, exact %.5f (%+.1fσ)", T, q.name, q.v, q.dv, q.want, (q.v-q.want)/q.dv)
					}
				}
				t.Logf("| %d | %.3f | %.5f ± %.5f | %.5f | %+.1fσ | %.4f ± %.4f | %.4f | %+.1fσ | τ_e %.1f sweeps | %d lanes |",
					c.L, T, ge, de, ex.E, (ge-ex.E)/de, gc, dc, ex.C, (gc-ex.C)/dc, tau, lanes)
			}
		})
	}
}

// TestMultiSpinLanesIndependent starts every lane in the same state (all
// up) and checks that lanes evolve as independent chains: for independent
// chains a and b the overlap q_ab = Σᵢ sᵢᵃ sᵢᵇ / N has mean Σᵢ μᵢ(t)²/N at
// time t (μᵢ the mean spin of site i), the same for every pair, so q_ab of
// the tested pairs minus the mean overlap over all pairs has mean 0.
// Replicas that shared their random bits would stay equal (q = 1). Pairs
// are neighbouring lanes of one word and lanes of different words.
func TestMultiSpinLanesIndependent(t *testing.T) {
	t.Parallel()
	const L, R, N = 10, 512, 100
	for _, T := range []float64{2.269, 3.5} {
		m, err := NewMultiSpin(L, laneTemps(R, T), 0, rand.NewPCG(7, 7))
		if err != nil {
			t.Fatal(err)
		}
		rows := mat.NewDense(R, N, nil)
		mag := make([]float64, R)
		done := 0
		for _, at := range []int{1, 2, 5, 10, 20, 50, 200} {
			m.Sweep(at - done)
			done = at
			m.ReadAll(rows)
			mag = m.Magnetizations(mag)
			// The mean overlap over all pairs a ≠ b of lanes,
			// Σᵢ (Sᵢ² − R) / (N R (R−1)) with Sᵢ = Σ_a sᵢᵃ: the expected
			// q_ab of independent chains (Σᵢ μᵢ(t)²/N) even when μᵢ(t)
			// differs between the sublattices, as it does after one
			// checkerboard sweep.
			qAll := 0.0
			for i := range N {
				S := 0.0
				for a := range R {
					S += 2*rows.At(a, i) - 1
				}
				qAll += (S*S - R) / (N * R * (R - 1))
			}
			// The fraction of identical pairs among all pairs of lanes.
			seen := map[string]int{}
			for a := range R {
				seen[fmt.Sprint(rows.RawRowView(a))]++
			}
			sameAll := 0.0
			for _, c := range seen {
				sameAll += float64(c * (c - 1) / 2)
			}
			sameAll /= R * (R - 1) / 2
			// All lanes sharing their bits would make every pair identical.
			if at >= 20 && sameAll > 0.01 {
				t.Errorf("T = %v after %d sweeps: %.4f of all pairs of lanes identical", T, at, sameAll)
			}
			if at == 200 {
				t.Logf("T = %v after %d sweeps: %.2g of all pairs identical", T, at, sameAll)
			}
			for _, pairing := range []struct {
				name    string
				partner func(a int) int
			}{{"same word", func(a int) int { return a + 1 }}, {"other word", func(a int) int { return a + 64 }}} {
				var ds []float64
				identical := 0
				for a := 0; a < R; a++ {
					if pairing.name == "same word" && a%2 == 1 || pairing.name == "other word" && a%128 >= 64 {
						continue
					}
					b := pairing.partner(a)
					ra, rb := rows.RawRowView(a), rows.RawRowView(b)
					q := 0.0
					for i := range ra {
						q += (2*ra[i] - 1) * (2*rb[i] - 1)
					}
					q /= N
					if slices.Equal(ra, rb) {
						identical++
					}
					ds = append(ds, q-qAll)
				}
				mean, se := meanSE(ds)
				// Independent chains are identical by chance (both in a
				// ground state, say: about 10⁻³ per pair at T_c, L = 10) as
				// often as the average pair: a Poisson bound on the
				// expected count, where shared random bits would make
				// nearly every tested pair identical.
				expect := float64(len(ds)) * sameAll
				if math.Abs(mean) > 5*se || at >= 20 && float64(identical) > expect+5*math.Sqrt(expect)+3 {
					t.Errorf("T = %v after %d sweeps, %s: ⟨q − q̄⟩ = %.4f ± %.4f, %d identical pairs of %d (%.2f expected)", T, at, pairing.name, mean, se, identical, len(ds), expect)
				}
				if at == 1 || at == 20 {
					t.Logf("T = %v after %d sweeps, %s: ⟨q − q̄⟩ = %+.4f ± %.4f (%+.1fσ), %d identical pairs of %d", T, at, pairing.name, mean, se, mean/se, identical, len(ds))
				}
			}
		}
	}
}

func meanSE(x []float64) (mean, se float64) {
	var s, s2 float64
	for _, v := range x {
		s += v
		s2 += v * v
	}
	n := float64(len(x))
	mean = s / n
	return mean, math.Sqrt(math.Max(s2/n-mean*mean, 0) / (n - 1))
}

// TestMultiSpinLimits checks T = 0 and T = +Inf without epsilons, in lanes
// that share words with finite temperatures: at T = 0 the energy never
// rises and the all-up ground state stays put; at T = +Inf the all-up
// state is left at once (every ΔE = 8 move is accepted).
func TestMultiSpinLimits(t *testing.T) {
	t.Parallel()
	for _, L := range []int{2, 5, 8} {
		temps := laneTemps(128, 0, math.Inf(1), 2.5, 0)
		m, err := NewMultiSpin(L, temps, 0, rand.NewPCG(1, uint64(L)))
		if err != nil {
			t.Fatal(err)
		}
		N := L * L
		m.Sweep(3)
		rows := mat.NewDense(128, N, nil)
		m.ReadAll(rows)
		for r, T := range temps {
			row := rows.RawRowView(r)
			up := int(floatsSum(row))
			switch {
			case T == 0 && up != N:
				t.Errorf("L = %d, T = 0 lane %d left the all-up ground state (%d up)", L, r, up)
			case math.IsInf(T, 1) && up == N:
				t.Errorf("L = %d, T = +Inf lane %d still all up after 3 sweeps", L, r)
			}
		}
		// T = 0 from random states: the energy never rises.
		src := rand.NewPCG(2, 2)
		row := make([]float64, N)
		for r := range temps {
			for i := range row {
				row[i] = float64(src.Uint64() & 1)
			}
			if err := m.SetReplica(r, row); err != nil {
				t.Fatal(err)
			}
		}
		e0 := m.Energies(nil)
		for range 30 {
			m.Sweep(1)
			e := m.Energies(nil)
			for r, T := range temps {
				if T == 0 && e[r] > e0[r] {
					t.Fatalf("L = %d, T = 0 lane %d raised its energy %v → %v", L, r, e0[r], e[r])
				}
			}
			e0 = e
		}
	}
	// The thresholds: exact 0 at T = 0, the rounding bound elsewhere.
	for _, T := range []float64{0, 0.1, 0.5, 1, Tc, 3, 100, 1e15} {
		for _, dE := range []float64{4, 8} {
			p := math.Exp(-dE / T)
			pt := float64(thresholdBits(-dE/T)) * 0x1p-40
			if math.Abs(pt-p) > 0x1p-41 || T == 0 && pt != 0 {
				t.Errorf("T = %v, ΔE = %v: threshold %v, want %v ± 2⁻⁴¹", T, dE, pt, p)
			}
		}
	}
}

func floatsSum(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s
}

// TestMultiSpinThresholdBits checks the bit-sliced thresholds against the
// rounded probabilities, lane by lane.
func TestMultiSpinThresholdBits(t *testing.T) {
	t.Parallel()
	temps := make([]float64, 100)
	src := rand.New(rand.NewPCG(3, 3))
	for i := range temps {
		temps[i] = 6 * src.Float64()
	}
	temps[5], temps[6] = 0, math.Inf(1)
	m, _ := NewMultiSpin(4, temps, 0, rand.NewPCG(1, 1))
	for r, T := range temps {
		w, b := r/64, uint(r%64)
		if always := m.masks[2*m.nw+w] >> b & 1; always != b2u(math.IsInf(T, 1)) {
			t.Errorf("lane %d (T = %v): always = %d", r, T, always)
			continue
		}
		if math.IsInf(T, 1) {
			continue
		}
		for kind, dE := range []float64{4, 8} {
			var got uint64
			for j := range multiSpinBits {
				// Level j: p₈ at 2j, p₄ ⊕ p₈ at 2j+1.
				bit := m.thr[2*j*m.nw+w] >> b & 1
				if kind == 0 {
					bit ^= m.thr[(2*j+1)*m.nw+w] >> b & 1
				}
				got = got<<1 | bit
			}
			if want := thresholdBits(-dE / T); got != want {
				t.Errorf("lane %d (T = %v) ΔE = %v: bits %#x, want %#x", r, T, dE, got, want)
			}
			if need := m.masks[kind*m.nw+w] >> b & 1; need != b2u(got != 0) {
				t.Errorf("lane %d (T = %v) ΔE = %v: need mask %d for threshold %#x", r, T, dE, need, got)
			}
		}
	}
	// Padding lanes 100…127 are inert (always flip, no random bits).
	if pad := m.masks[2*m.nw+1] >> (100 - 64); pad != 1<<28-1 {
		t.Errorf("padding mask %#x", pad)
	}
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// TestMultiSpinKernels checks that the AVX2 kernel and its AVX-512VL form
// (where available) and the pure-Go kernel produce identical spins and
// random states.
func TestMultiSpinKernels(t *testing.T) {
	t.Parallel()
	if !useMultiSpinAVX2 {
		t.Log("no AVX2 kernel in this build; comparing the pure-Go kernel with itself")
	}
	src := rand.New(rand.NewPCG(5, 5))
	for _, L := range []int{2, 3, 5, 10, 17} {
		for _, R := range []int{256, 512} {
			temps := make([]float64, R)
			for i := range temps {
				temps[i] = 5 * src.Float64()
			}
			temps[3], temps[70], temps[300%R] = 0, math.Inf(1), 1e-3
			a, _ := NewMultiSpin(L, temps, 0, rand.NewPCG(uint64(L), uint64(R)))
			b, _ := NewMultiSpin(L, temps, 0, rand.NewPCG(uint64(L), uint64(R)))
			c, _ := NewMultiSpin(L, temps, 0, rand.NewPCG(uint64(L), uint64(R)))
			b.avx, b.k512 = false, false
			c.k512 = false // AVX2 where a runs its AVX-512VL form
			if a.avx != useMultiSpinAVX2 || a.k512 != useMultiSpinAVX512 {
				t.Fatalf("L = %d R = %d: avx = %v, k512 = %v", L, R, a.avx, a.k512)
			}
			for range 3 {
				a.Sweep(7)
				b.Sweep(7)
				c.Sweep(7)
				if !slices.Equal(a.spins, b.spins) || !slices.Equal(a.rng, b.rng) {
					t.Fatalf("L = %d R = %d: kernels differ (default and pure Go)", L, R)
				}
				if !slices.Equal(c.spins, b.spins) || !slices.Equal(c.rng, b.rng) {
					t.Fatalf("L = %d R = %d: kernels differ (AVX2 and pure Go)", L, R)
				}
			}
		}
	}
}

// TestMultiSpinDeterministic checks that the same seed gives the same bits
// for any GOMAXPROCS.
func TestMultiSpinDeterministic(t *testing.T) {
	run := func() []uint64 {
		m, _ := NewMultiSpin(12, laneTemps(256, 1.5, 2.5, 3.5), 0, rand.NewPCG(9, 9))
		m.Sweep(20)
		return m.spins
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	one := run()
	runtime.GOMAXPROCS(max(2, runtime.NumCPU()))
	if !slices.Equal(one, run()) {
		t.Error("results depend on GOMAXPROCS")
	}
}

// TestMultiSpinAPI checks the field refusal, panics, read/set round trips
// and Energies/Magnetizations against the row functions.
func TestMultiSpinAPI(t *testing.T) {
	t.Parallel()
	if _, err := NewMultiSpin(4, []float64{2}, 0.1, rand.NewPCG(1, 1)); !errors.Is(err, ErrMultiSpinField) {
		t.Errorf("h ≠ 0: err = %v", err)
	}
	for name, f := range map[string]func(){
		"L=1":      func() { NewMultiSpin(1, []float64{2}, 0, rand.NewPCG(1, 1)) },
		"no temps": func() { NewMultiSpin(4, nil, 0, rand.NewPCG(1, 1)) },
		"T<0":      func() { NewMultiSpin(4, []float64{-1}, 0, rand.NewPCG(1, 1)) },
		"NaN":      func() { NewMultiSpin(4, []float64{math.NaN()}, 0, rand.NewPCG(1, 1)) },
	} {
		if !panics(f) {
			t.Errorf("%s: no panic", name)
		}
	}
	const L = 5
	m, _ := NewMultiSpin(L, laneTemps(70, 2.0, 3.0), 0, rand.NewPCG(1, 1))
	m.Sweep(10)
	if m.Replicas() != 70 || m.Sites() != L*L || m.L() != L || m.Temp(3) != 3.0 {
		t.Errorf("Replicas %d Sites %d L %d Temp(3) %v", m.Replicas(), m.Sites(), m.L(), m.Temp(3))
	}
	var all mat.Dense
	m.ReadAll(&all)
	e, mg := m.Energies(nil), m.Magnetizations(nil)
	row := make([]float64, L*L)
	for r := range m.Replicas() {
		m.ReadReplica(row, r)
		if !slices.Equal(row, all.RawRowView(r)) {
			t.Fatalf("replica %d: ReadReplica and ReadAll differ", r)
		}
		if got, want := e[r], EnergyPerSpin(L, 0, row); math.Abs(got-want) > 1e-12 {
			t.Errorf("replica %d: energy %v, EnergyPerSpin %v", r, got, want)
		}
		if got, want := mg[r], Magnetization(row); math.Abs(got-want) > 1e-12 {
			t.Errorf("replica %d: magnetisation %v, Magnetization %v", r, got, want)
		}
	}
	for i := range row {
		row[i] = float64(i % 2)
	}
	if err := m.SetReplica(69, row); err != nil {
		t.Fatal(err)
	}
	back := make([]float64, L*L)
	m.ReadReplica(back, 69)
	if !slices.Equal(row, back) {
		t.Error("SetReplica/ReadReplica round trip")
	}
	row[0] = 0.5
	if m.SetReplica(0, row) == nil {
		t.Error("non-binary row accepted")
	}
	if !panics(func() { m.ReadAll(mat.NewDense(3, 3, nil)) }) {
		t.Error("ReadAll of a wrong-sized matrix did not panic")
	}
}

func panics(f func()) (p bool) {
	defer func() { p = recover() != nil }()
	f()
	return false
}

// TestMultiSpinZeroAllocs guards the hot loop on both kernels.
func TestMultiSpinZeroAllocs(t *testing.T) {
	for _, R := range []int{64, 256} {
		m, _ := NewMultiSpin(16, laneTemps(R, Tc), 0, rand.NewPCG(1, 2))
		m.Sweep(5)
		en := make([]float64, R)
		for _, k512 := range []bool{false, m.k512} {
			m.k512 = k512
			if a := testing.AllocsPerRun(50, func() { m.Sweep(1); m.Energies(en) }); a != 0 {
				t.Errorf("R = %d, k512 = %v: %v allocations per sweep", R, k512, a)
			}
		}
	}
}

// TestMultiSpinIrreducible checks, at L = 3 in the sampler's own visiting
// order, that every state is reachable from all up when ΔE = 0 moves are
// optional (a(0) = 1/2), and shows why plain Metropolis (a(0) = 1) is not
// used: its forced ΔE ≤ 0 flips leave 8 of the 512 states unreachable.
func TestMultiSpinIrreducible(t *testing.T) {
	t.Parallel()
	const L, N = 3, 9
	m, _ := NewMultiSpin(L, []float64{1}, 0, rand.NewPCG(1, 1))
	var order []int
	for q := 0; q < len(m.order); q += 5 {
		order = append(order, int(m.order[q])/8)
	}
	spin := func(k, i int) int { return (k>>i&1)*2 - 1 }
	reachable := func(optional0 bool) int {
		seen := map[int]bool{1<<N - 1: true}
		front := []int{1<<N - 1}
		for len(front) > 0 {
			var next []int
			for _, x := range front {
				cur := map[int]bool{x: true}
				for _, c := range order {
					i, j := c/L, c%L
					nc := map[int]bool{}
					for k := range cur {
						sum := spin(k, (i+L-1)%L*L+j) + spin(k, (i+1)%L*L+j) + spin(k, i*L+(j+L-1)%L) + spin(k, i*L+(j+1)%L)
						dE := 2 * spin(k, c) * sum
						nc[k^1<<c] = true // every move has a positive probability at T > 0
						if dE > 0 || dE == 0 && optional0 {
							nc[k] = true
						}
					}
					cur = nc
				}
				for y := range cur {
					if !seen[y] {
						seen[y] = true
						next = append(next, y)
					}
				}
			}
			front = next
		}
		return len(seen)
	}
	if n := reachable(true); n != 1<<N {
		t.Errorf("a(0) = 1/2: %d of %d states reachable", n, 1<<N)
	}
	if n := reachable(false); n != 504 {
		t.Errorf("a(0) = 1: %d of %d states reachable, expected 504", n, 1<<N)
	}
}
