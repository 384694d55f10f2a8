package ising

import (
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// ar1 returns a stationary AR(1) series x_t = ρ x_(t−1) + √(1−ρ²) z_t with
// unit variance, whose integrated autocorrelation time is (1+ρ)/(2(1−ρ)).
func ar1(n int, rho float64, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	x := make([]float64, n)
	x[0] = rng.NormFloat64()
	a := math.Sqrt(1 - rho*rho)
	for t := 1; t < n; t++ {
		x[t] = rho*x[t-1] + a*rng.NormFloat64()
	}
	return x
}

// meanStd returns the mean and the sample standard deviation of v.
func meanStd(v []float64) (float64, float64) {
	var m float64
	for _, x := range v {
		m += x
	}
	m /= float64(len(v))
	var ss float64
	for _, x := range v {
		ss += (x - m) * (x - m)
	}
	return m, math.Sqrt(ss / float64(len(v)-1))
}

func TestTauIntAR1(t *testing.T) {
	t.Parallel()
	const n, seeds = 1 << 16, 16
	for _, rho := range []float64{0, 0.5, 0.9, -0.5} {
		want := (1 + rho) / (2 * (1 - rho))
		taus := make([]float64, seeds)
		var errSum float64
		for s := range seeds {
			tau, err := TauInt(ar1(n, rho, uint64(100*s+7)))
			// Each estimate within 4 of its own standard errors. The window
			// truncation bias Σ_(t>W) ρ^t = ρ^(W+1)/(1−ρ) with W ≈ 6τ is
			// ≤ 0.03 at ρ = 0.9, an order below err ≈ 0.4, so it is ignored.
			if math.Abs(tau-want) > 4*err {
				t.Errorf("ρ=%v seed %d: τ = %v ± %v, want %v", rho, s, tau, err, want)
			}
			taus[s] = tau
			errSum += err
		}
		// The reported error describes the scatter: for 16 estimates the
		// sample SD / true SD lies in [0.55, 1.48] with 99% probability
		// (√(χ²₁₅/15) quantiles); allow [0.45, 1.8] for the error of err.
		_, sd := meanStd(taus)
		if r := sd / (errSum / seeds); r < 0.45 || r > 1.8 {
			t.Errorf("ρ=%v: scatter %v vs reported error %v", rho, sd, errSum/seeds)
		}
	}
	if tau, err := TauInt([]float64{3, 3, 3, 3}); tau != 0.5 || err != 0 {
		t.Errorf("constant series: %v %v", tau, err)
	}
	if tau, _ := TauInt([]float64{1}); !math.IsNaN(tau) {
		t.Errorf("single sample: %v", tau)
	}
}

// TestTauIntNonFinite: a NaN or an infinity anywhere in a series (short,
// or long and correlated enough to need the FFT), or a variance that
// overflows, gives (NaN, NaN); only an exactly constant series counts as
// independent.
func TestTauIntNonFinite(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		x    []float64
	}{
		{"all NaN", []float64{math.NaN(), math.NaN(), math.NaN(), math.NaN()}},
		{"one NaN", []float64{1, 2, math.NaN(), 0, 1, 3, 2, 1}},
		{"constant and NaN", []float64{3, 3, 3, math.NaN(), 3, 3}},
		{"+Inf", []float64{1, 2, math.Inf(1), 0}},
		{"overflowing squares", []float64{1e200, -1e200, 1e200, -1e200}},
		{"long correlated with NaN", withNaN(ar1(1<<12, 0.95, 3), 1000)},
	} {
		if tau, err := TauInt(tc.x); !math.IsNaN(tau) || !math.IsNaN(err) {
			t.Errorf("%s: TauInt = %v ± %v, want NaN ± NaN", tc.name, tau, err)
		}
	}
	if tau, err := TauInt([]float64{-1e-300, -1e-300, -1e-300}); tau != 0.5 || err != 0 {
		t.Errorf("constant tiny series: %v ± %v", tau, err)
	}
}

func withNaN(x []float64, i int) []float64 {
	x[i] = math.NaN()
	return x
}

// TestSummarizeNaN: a NaN in one series propagates to the averages that
// use it and leaves the others finite.
func TestSummarizeNaN(t *testing.T) {
	t.Parallel()
	const n, N, T = 400, 16, 2.5
	e, m := ar1(n, 0.3, 1), ar1(n, 0.3, 2)
	for i := range e {
		e[i] = -1 + 0.1*e[i]
		m[i] = 0.5 + 0.1*m[i]
	}
	nan := math.IsNaN
	s := Summarize(withNaN(slices.Clone(e), 7), m, T, N)
	if !nan(s.TauE) || !nan(s.E) || !nan(s.EErr) || !nan(s.C) || !nan(s.CErr) || s.Bins != 20 {
		t.Errorf("NaN in e: %+v", s)
	}
	if nan(s.TauAbsM) || nan(s.AbsM) || nan(s.AbsMErr) || nan(s.Chi) || nan(s.Binder) || !(s.AbsMErr > 0) {
		t.Errorf("NaN in e spoilt |m|: %+v", s)
	}
	s = Summarize(e, withNaN(slices.Clone(m), n-1), T, N)
	if !nan(s.TauAbsM) || !nan(s.AbsM) || !nan(s.AbsMErr) || !nan(s.Chi) || !nan(s.ChiErr) || !nan(s.Binder) || !nan(s.BinderErr) {
		t.Errorf("NaN in |m|: %+v", s)
	}
	if nan(s.TauE) || nan(s.E) || nan(s.EErr) || nan(s.C) || !(s.EErr > 0) {
		t.Errorf("NaN in |m| spoilt e: %+v", s)
	}
}

// ar1MeanSE is the exact standard error of the mean of n samples of the
// unit-variance AR(1) process:
// var(x̄) = (1/n)[(1+ρ)/(1−ρ) − 2ρ(1−ρⁿ)/(n(1−ρ)²)].
func ar1MeanSE(n int, rho float64) float64 {
	nf := float64(n)
	v := ((1+rho)/(1-rho) - 2*rho*(1-math.Pow(rho, nf))/(nf*(1-rho)*(1-rho))) / nf
	return math.Sqrt(v)
}

func TestBinnedMeanAR1(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		n   int
		rho float64
	}{{1 << 16, 0}, {1 << 16, 0.9}, {50000, 0.7}, {1 << 15, 0.98}} {
		want := ar1MeanSE(c.n, c.rho)
		var sum float64
		for s := range 8 {
			x := ar1(c.n, c.rho, uint64(31*s+1))
			mean, err := BinnedMean(x)
			// The blocking error is a variance estimate from n_k blocks, so
			// its relative SD is ≈ 1/√(2 n_k): measured over 100 seeds it is
			// 1.5–8.5% for these series (the largest at ρ = 0.98), and its
			// bias < 1%, so 35% is ≥ 4σ.
			r := err / want
			if math.Abs(r-1) > 0.35 {
				t.Errorf("n=%d ρ=%v seed %d: err %v, exact %v (ratio %.3f)", c.n, c.rho, s, err, want, r)
			}
			sum += r
			// The true mean is 0: the estimate is within 4 exact SEs.
			if math.Abs(mean) > 4*want {
				t.Errorf("n=%d ρ=%v: mean %v (SE %v)", c.n, c.rho, mean, want)
			}
		}
		// No systematic bias: the mean ratio of 8 seeds has SD ≤ 0.085/√8 =
		// 0.03, so it lies within 0.1 of 1 (the uncorrected s_k²/n_k reads
		// 0.88 at ρ = 0.98 and 0.93 at ρ = 0.9).
		if m := sum / 8; math.Abs(m-1) > 0.1 {
			t.Errorf("n=%d ρ=%v: mean error ratio %.3f", c.n, c.rho, m)
		}
	}
	if m, err := BinnedMean([]float64{2, 2, 2}); m != 2 || err != 0 {
		t.Errorf("constant: %v %v", m, err)
	}
	if m, err := BinnedMean([]float64{2}); m != 2 || !math.IsNaN(err) {
		t.Errorf("single: %v %v", m, err)
	}
}

func TestJackknife(t *testing.T) {
	t.Parallel()
	x := []float64{1, 4, 2, 8, 5, 7, 3, 6, 0, 9}
	n := float64(len(x))
	m, sd := meanStd(x)
	// For the mean, the jackknife with one sample per bin reproduces the
	// textbook standard error s/√n exactly.
	est, err := Jackknife(len(x), func(v []float64) float64 { return v[0] }, x)
	if math.Abs(est-m) > 1e-14 || math.Abs(err-sd/math.Sqrt(n)) > 1e-14 {
		t.Errorf("mean: %v ± %v, want %v ± %v", est, err, m, sd/math.Sqrt(n))
	}
	// The bias-corrected jackknife of the plug-in variance ⟨x²⟩ − ⟨x⟩²
	// equals the unbiased sample variance exactly.
	x2 := make([]float64, len(x))
	for i, v := range x {
		x2[i] = v * v
	}
	est, _ = Jackknife(len(x), func(v []float64) float64 { return v[1] - v[0]*v[0] }, x, x2)
	if math.Abs(est-sd*sd) > 1e-12 {
		t.Errorf("variance: %v, want %v", est, sd*sd)
	}
	// With 5 bins of 2 the mean is unchanged and the error is that of the
	// 5 bin means.
	bm := []float64{2.5, 5, 6, 4.5, 4.5}
	_, bsd := meanStd(bm)
	est, err = Jackknife(5, func(v []float64) float64 { return v[0] }, x)
	if math.Abs(est-m) > 1e-14 || math.Abs(err-bsd/math.Sqrt(5)) > 1e-14 {
		t.Errorf("binned mean: %v ± %v, want %v ± %v", est, err, m, bsd/math.Sqrt(5))
	}
	exactMustPanic(t, "nbins=1", func() { Jackknife(1, func(v []float64) float64 { return 0 }, x) })
	exactMustPanic(t, "lengths", func() { Jackknife(2, func(v []float64) float64 { return 0 }, x, x[:3]) })
	exactMustPanic(t, "no series", func() { Jackknife(2, func(v []float64) float64 { return 0 }) })
}

func TestSummarizeSynthetic(t *testing.T) {
	t.Parallel()
	// Independent samples with known moments: e ~ N(μ, σ²) and |m| ~ U(0,1),
	// so ⟨|m|⟩ = 1/2, ⟨m²⟩ = 1/3, ⟨m⁴⟩ = 1/5: c = Nσ²/T², χ = N/(12T),
	// U = 1 − (1/5)/(3/9) = 2/5.
	const n, N, T, mu, sigma = 40000, 100, 2.5, -1.2, 0.05
	rng := rand.New(rand.NewPCG(1, 2))
	e := make([]float64, n)
	m := make([]float64, n)
	for i := range e {
		e[i] = mu + sigma*rng.NormFloat64()
		m[i] = rng.Float64()
	}
	s := Summarize(e, m, T, N)
	check := func(name string, got, err, want, seWant float64) {
		t.Helper()
		// Within 4 reported errors, and the reported error within 20% of
		// the analytic standard error (jackknife over ≥ 2000 bins: its
		// relative SD is ≲ 5% for these moments).
		if math.Abs(got-want) > 4*err || math.Abs(err/seWant-1) > 0.2 {
			t.Errorf("%s: %v ± %v, want %v ± %v", name, got, err, want, seWant)
		}
	}
	sq := math.Sqrt(float64(n))
	check("E", s.E, s.EErr, mu, sigma/sq)
	check("|m|", s.AbsM, s.AbsMErr, 0.5, math.Sqrt(1.0/12)/sq)
	// var(e²-ish) for a normal: the variance estimator's SD is σ²√(2/n).
	check("C", s.C, s.CErr, N*sigma*sigma/(T*T), N*sigma*sigma*math.Sqrt(2.0/n)/(T*T))
	// For U(0,1), var((m−½)²) = 1/80 − 1/144 = 1/180.
	check("χ", s.Chi, s.ChiErr, N/(12.0*T), N*math.Sqrt(1.0/180)/sq/T)
	// Delta method for U = 1 − ⟨m⁴⟩/(3⟨m²⟩²) with ⟨m²⟩ = 1/3, ⟨m⁴⟩ = 1/5:
	// ∂U/∂⟨m⁴⟩ = −3, ∂U/∂⟨m²⟩ = 2·(1/5)/(3·(1/27)) = 18/5; moments of U(0,1):
	// var(m²) = 4/45, var(m⁴) = 1/9 − 1/25 = 16/225, cov = 1/7 − 1/15 = 8/105.
	vu := 9*(16.0/225) + (18.0/5)*(18.0/5)*(4.0/45) - 2*3*(18.0/5)*(8.0/105)
	check("U", s.Binder, s.BinderErr, 0.4, math.Sqrt(vu)/sq)
	if s.TauE > 0.6 || s.TauAbsM > 0.6 || s.Samples != n {
		t.Errorf("independent samples: τ %v %v", s.TauE, s.TauAbsM)
	}
}

func TestSummarizeCorrelated(t *testing.T) {
	t.Parallel()
	// An AR(1) energy series: the error of ⟨e⟩ must follow the exact
	// correlated standard error, not the naive σ/√n (4.4× smaller at ρ = 0.9).
	const n, rho = 1 << 16, 0.9
	want := ar1MeanSE(n, rho)
	for s := range 4 {
		e := ar1(n, rho, uint64(s+40))
		m := make([]float64, n)
		for i := range m {
			m[i] = 0.5
		}
		sm := Summarize(e, m, 2, 16)
		// Bins of ⌈20τ⌉ = 190 samples, 344 bins: the jackknife error's
		// relative SD is 1/√(2·344) ≈ 4%, and the residual correlation of
		// adjacent bins (≈ τ/bin = 5%) biases it low by ≈ 5%: 20% is ≈ 4σ.
		if r := sm.EErr / want; math.Abs(r-1) > 0.2 {
			t.Errorf("seed %d: EErr %v, exact %v (ratio %.3f, τ %v, bins %d)", s, sm.EErr, want, r, sm.TauE, sm.Bins)
		}
		if sm.Chi != 0 || sm.ChiErr != 0 || sm.AbsM != 0.5 {
			t.Errorf("constant |m|: χ %v ± %v, |m| %v", sm.Chi, sm.ChiErr, sm.AbsM)
		}
	}
}

// TestSummarizeEnumeration draws independent 4×4 states from the exact
// distribution and checks that Summarize recovers the exact C, χ and U.
func TestSummarizeEnumeration(t *testing.T) {
	t.Parallel()
	const n = 20000
	for _, T := range []float64{1.8, Tc, 3.5} {
		en := Enumerate(4, T, 0)
		cdf := make([]float64, len(en.Prob))
		acc := 0.0
		for k, p := range en.Prob {
			acc += p
			cdf[k] = acc
		}
		rng := rand.New(rand.NewPCG(uint64(T*1000), 3))
		e := make([]float64, n)
		m := make([]float64, n)
		for i := range e {
			k := sort.SearchFloat64s(cdf, rng.Float64()*acc)
			k = min(k, len(cdf)-1)
			e[i] = en.Energy[k] / 16
			m[i] = math.Abs(en.Mag[k]) / 16
		}
		s := Summarize(e, m, T, 16)
		for _, c := range []struct {
			name           string
			got, err, want float64
		}{
			{"E", s.E, s.EErr, en.E},
			{"|m|", s.AbsM, s.AbsMErr, en.AbsM},
			{"C", s.C, s.CErr, en.C},
			{"χ", s.Chi, s.ChiErr, en.Chi},
			{"U", s.Binder, s.BinderErr, en.Binder},
		} {
			// Independent samples: 4 standard errors (a false alarm has
			// probability 6·10⁻⁵ per comparison; the seed is fixed).
			if math.Abs(c.got-c.want) > 4*c.err || !(c.err > 0) {
				t.Errorf("T=%v %s: %v ± %v, exact %v", T, c.name, c.got, c.err, c.want)
			}
		}
	}
}

func TestSummarizeLimits(t *testing.T) {
	t.Parallel()
	e := []float64{-2, -2, -2, -2, -2}
	m := []float64{1, 1, 1, 1, 1}
	s := Summarize(e, m, 0, 100)
	if s.E != -2 || s.AbsM != 1 || s.C != 0 || s.Chi != 0 || s.CErr != 0 || s.ChiErr != 0 ||
		math.Abs(s.Binder-2.0/3) > 1e-15 || s.EErr != 0 || s.BinderErr != 0 {
		t.Errorf("T=0: %+v", s)
	}
	s = Summarize([]float64{0, 0.1, -0.1}, []float64{0, 0, 0}, math.Inf(1), 4)
	if s.C != 0 || s.Chi != 0 || !math.IsNaN(s.Binder) {
		t.Errorf("T=Inf: %+v", s)
	}
	s = Summarize([]float64{-1}, []float64{0.5}, 2, 4)
	if s.E != -1 || !math.IsNaN(s.EErr) {
		t.Errorf("one sample: %+v", s)
	}
	exactMustPanic(t, "lengths", func() { Summarize(e, m[:2], 1, 4) })
	exactMustPanic(t, "empty", func() { Summarize(nil, nil, 1, 4) })
	exactMustPanic(t, "N=0", func() { Summarize(e, m, 1, 0) })
	exactMustPanic(t, "T<0", func() { Summarize(e, m, -1, 4) })
}

// allStates returns the 2^(L²) states of Enumerate as rows.
func allStates(en *Enumeration) *mat.Dense {
	N := en.L * en.L
	d := mat.NewDense(1<<N, N, nil)
	for k := range 1 << N {
		en.State(d.RawRowView(k), k)
	}
	return d
}

func TestCorrelationsEnumeration(t *testing.T) {
	t.Parallel()
	// Sums over 2^16 weighted states and an FFT: rounding ≲ 10⁻¹³.
	const tol = 1e-11
	for _, L := range []int{3, 4} {
		N := L * L
		for _, c := range []struct{ T, h float64 }{{1.5, 0}, {Tc, 0}, {3.5, 0}, {2, 0.3}} {
			en := Enumerate(L, c.T, c.h)
			states := allStates(en)
			cr := CorrelationsWeighted(L, states, en.Prob)
			// Exact ⟨s_0 s_(di,dj)⟩ and structure factors, summed directly.
			g0 := make([]float64, N)
			var sk0, skx, sky float64
			px := make([]complex128, N)
			py := make([]complex128, N)
			for i := range N {
				px[i] = cmplx.Exp(complex(0, 2*math.Pi*float64(i%L)/float64(L)))
				py[i] = cmplx.Exp(complex(0, 2*math.Pi*float64(i/L)/float64(L)))
			}
			for k, p := range en.Prob {
				s := func(i int) float64 { return float64(2*(k>>i&1) - 1) }
				var z0, zx, zy complex128
				for i := range N {
					si := s(i)
					g0[i] += p * s(0) * si
					z0 += complex(si, 0)
					zx += complex(si, 0) * px[i]
					zy += complex(si, 0) * py[i]
				}
				sk0 += p * real(z0*cmplx.Conj(z0)) / float64(N)
				skx += p * real(zx*cmplx.Conj(zx)) / float64(N)
				sky += p * real(zy*cmplx.Conj(zy)) / float64(N)
			}
			for di := range L {
				for dj := range L {
					want := g0[di*L+dj]
					if d := cr.G.At(di, dj) - want; math.Abs(d) > tol {
						t.Errorf("L=%d %+v: G(%d,%d) = %v, exact %v", L, c, di, dj, cr.G.At(di, dj), want)
					}
					if d := cr.GConn.At(di, dj) - (want - en.M*en.M); math.Abs(d) > tol {
						t.Errorf("L=%d %+v: GConn(%d,%d) = %v", L, c, di, dj, cr.GConn.At(di, dj))
					}
				}
			}
			// SS(i, j) = G(j − i) by translation invariance.
			for i := range N {
				if math.Abs(cr.Mean[i]-en.M) > tol {
					t.Errorf("Mean[%d] = %v, exact %v", i, cr.Mean[i], en.M)
				}
				for j := range N {
					di := ((j/L-i/L)%L + L) % L
					dj := ((j%L-i%L)%L + L) % L
					if d := cr.SS.At(i, j) - g0[di*L+dj]; math.Abs(d) > tol {
						t.Fatalf("SS(%d,%d) = %v, exact %v", i, j, cr.SS.At(i, j), g0[di*L+dj])
					}
				}
			}
			F := (skx + sky) / 2
			xi := math.Sqrt(sk0/F-1) / (2 * math.Sin(math.Pi/float64(L)))
			// χ = N⟨m²⟩ is up to N: compare it relative to N.
			if math.Abs(cr.Chi2-sk0) > tol*float64(N) || math.Abs(cr.F-F) > tol || math.Abs(cr.Xi-xi) > 1e-9 {
				t.Errorf("L=%d %+v: χ %v/%v F %v/%v ξ %v/%v", L, c, cr.Chi2, sk0, cr.F, F, cr.Xi, xi)
			}
			if math.Abs(cr.Chi2-float64(N)*en.M2) > tol*float64(N) || math.Abs(cr.AbsM-en.AbsM) > tol || math.Abs(cr.M2-en.M2) > tol {
				t.Errorf("L=%d %+v: moments %v %v %v", L, c, cr.Chi2, cr.AbsM, cr.M2)
			}
			// ξ grows as T falls towards the ordered phase.
			if c.h == 0 && !(cr.Xi > 0) {
				t.Errorf("L=%d T=%v: ξ = %v", L, c.T, cr.Xi)
			}
		}
	}
	// Radial bins of the 4×4 torus: r² = 0, 1, 2, 4, 5, 8 with 1, 4, 4, 2, 4, 1 displacements.
	cr := Correlations(4, allStates(Enumerate(4, 2, 0)))
	wantR := []float64{0, 1, math.Sqrt2, 2, math.Sqrt(5), math.Sqrt(8)}
	wantC := []int{1, 4, 4, 2, 4, 1}
	for k := range wantR {
		if len(cr.R) != len(wantR) || math.Abs(cr.R[k]-wantR[k]) > 1e-15 || cr.Count[k] != wantC[k] {
			t.Fatalf("radial bins %v %v", cr.R, cr.Count)
		}
	}
	// Unweighted over all states is T = ∞: G(d ≠ 0) = 0 exactly.
	if math.Abs(cr.GR[1]) > 1e-14 || cr.GR[0] != 1 {
		t.Errorf("uniform states: G(r) = %v", cr.GR)
	}
}

func TestCorrelationsRandom(t *testing.T) {
	t.Parallel()
	const n, L = 1000, 10
	N := L * L
	rng := rand.New(rand.NewPCG(9, 9))
	v := mat.NewDense(n, N, nil)
	for k := range n {
		for i := range N {
			v.Set(k, i, float64(rng.IntN(2)))
		}
	}
	cr := Correlations(L, v)
	// Independent fair spins: (1/N)Σ_i s_i s_(i+d) over n configurations is a
	// mean of nN pairwise-uncorrelated ±1 products, SD 1/√(nN).
	sd := 1 / math.Sqrt(float64(n*N))
	for di := range L {
		for dj := range L {
			g := cr.G.At(di, dj)
			if di == 0 && dj == 0 {
				if g != 1 {
					t.Errorf("G(0,0) = %v", g)
				}
				continue
			}
			if math.Abs(g) > 5*sd {
				t.Errorf("G(%d,%d) = %v, SD %v", di, dj, g, sd)
			}
		}
	}
	// χ and F are means of n Exp(1)-distributed |S(k)|²/N: relative SD
	// 1/√n ≈ 0.032, so χ/F − 1 is within 4·√2·0.032 = 0.18 and
	// ξ ≤ √0.18 / (2 sin(π/10)) ≈ 0.69.
	if cr.Xi > 0.7 {
		t.Errorf("ξ of independent spins = %v", cr.Xi)
	}
	// Equal weights give the same result as no weights.
	w := make([]float64, n)
	for i := range w {
		w[i] = 3
	}
	cw := CorrelationsWeighted(L, v, w)
	if !mat.EqualApprox(cw.G, cr.G, 1e-14) || !mat.EqualApprox(cw.SS, cr.SS, 1e-14) || math.Abs(cw.Xi-cr.Xi) > 1e-12 {
		t.Error("weighted with equal weights differs")
	}
	// SS averaged over translations is G (the two paths agree).
	for di := range L {
		for dj := range L {
			var g float64
			for i := range N {
				j := ((i/L+di)%L)*L + (i%L+dj)%L
				g += cr.SS.At(i, j)
			}
			if math.Abs(g/float64(N)-cr.G.At(di, dj)) > 1e-12 {
				t.Errorf("SS translation average (%d,%d): %v vs %v", di, dj, g/float64(N), cr.G.At(di, dj))
			}
		}
	}
	// An ordered batch: G = 1 everywhere, no connected part, ξ = ∞.
	up := mat.NewDense(3, N, nil)
	for k := range 3 {
		for i := range N {
			up.Set(k, i, 1)
		}
	}
	co := Correlations(L, up)
	if co.GR[len(co.GR)-1] != 1 || math.Abs(co.GRConn[3]) > 1e-14 || !math.IsInf(co.Xi, 1) || co.AbsM != 1 {
		t.Errorf("ordered: GR %v GRConn %v ξ %v", co.GR, co.GRConn, co.Xi)
	}
	exactMustPanic(t, "shape", func() { Correlations(9, v) })
	exactMustPanic(t, "weights", func() { CorrelationsWeighted(L, v, w[:3]) })
	exactMustPanic(t, "negative", func() { w[0] = -1; CorrelationsWeighted(L, v, w) })
}

// TestCorrelationsLarge checks the FFT path against direct sums on a lattice
// too large for SS.
func TestCorrelationsLarge(t *testing.T) {
	t.Parallel()
	const L, n = 36, 3
	N := L * L
	rng := rand.New(rand.NewPCG(4, 4))
	v := mat.NewDense(n, N, nil)
	for k := range n {
		for i := range N {
			// Biased, spatially structured rows so that G is non-trivial.
			p := 0.5 + 0.4*math.Cos(2*math.Pi*float64(i%L)/L)
			if rng.Float64() < p {
				v.Set(k, i, 1)
			}
		}
	}
	cr := Correlations(L, v)
	if cr.SS != nil {
		t.Fatal("SS filled above MaxCorrelationSites")
	}
	for _, d := range [][2]int{{0, 0}, {0, 1}, {1, 0}, {3, 7}, {18, 18}, {35, 2}} {
		var g float64
		for k := range n {
			row := v.RawRowView(k)
			for i := range N {
				j := ((i/L+d[0])%L)*L + (i%L+d[1])%L
				g += (2*row[i] - 1) * (2*row[j] - 1)
			}
		}
		g /= float64(n * N)
		if math.Abs(g-cr.G.At(d[0], d[1])) > 1e-12 {
			t.Errorf("G%v = %v, direct %v", d, cr.G.At(d[0], d[1]), g)
		}
	}
}

func BenchmarkCorrelations(b *testing.B) {
	for _, c := range []struct{ n, L int }{{1000, 10}, {100, 64}} {
		b.Run(fmt.Sprintf("n=%d/L=%d", c.n, c.L), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 1))
			v := mat.NewDense(c.n, c.L*c.L, nil)
			for k := range c.n {
				for i := range c.L * c.L {
					v.Set(k, i, float64(rng.IntN(2)))
				}
			}
			b.ReportAllocs()
			for b.Loop() {
				Correlations(c.L, v)
			}
			b.ReportMetric(float64(c.n)*float64(b.N)/b.Elapsed().Seconds(), "configs/s")
		})
	}
}

func BenchmarkTauInt(b *testing.B) {
	for _, rho := range []float64{0, 0.9} {
		x := ar1(1<<16, rho, 1)
		b.Run(fmt.Sprintf("n=65536/rho=%v", rho), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				TauInt(x)
			}
			b.ReportMetric(float64(len(x))*float64(b.N)/b.Elapsed().Seconds(), "samples/s")
		})
	}
}

func BenchmarkBinnedMean(b *testing.B) {
	x := ar1(1<<16, 0.9, 1)
	b.Run("n=65536", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			BinnedMean(x)
		}
		b.ReportMetric(float64(len(x))*float64(b.N)/b.Elapsed().Seconds(), "samples/s")
	})
}
