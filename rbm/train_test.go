package rbm

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// mixture is the known test distribution on 8 bits: one of the prototypes
// 11110000 and 00001111 with probability 1/2 each, every bit then flipped
// independently with probability flip.
const flip = 0.1

func mixtureProb(v []float64) float64 {
	var p float64
	for _, proto := range [2]int{0x0f, 0xf0} {
		q := 0.5
		for l, x := range v {
			if (proto>>l&1 == 1) == (x == 1) {
				q *= 1 - flip
			} else {
				q *= flip
			}
		}
		p += q
	}
	return p
}

func mixtureData(n int, seed uint64) *mat.Dense {
	r := rand.New(rand.NewPCG(seed, 99))
	d := mat.NewDense(n, 8, nil)
	for i := 0; i < n; i++ {
		proto := 0x0f
		if r.IntN(2) == 1 {
			proto = 0xf0
		}
		for l := 0; l < 8; l++ {
			b := proto >> l & 1
			if r.Float64() < flip {
				b ^= 1
			}
			d.Set(i, l, float64(b))
		}
	}
	return d
}

// klMixture returns KL(p_mixture ‖ p_model) in nats, exactly.
func klMixture(t *testing.T, m *Model) float64 {
	t.Helper()
	pm := modelDist(t, m)
	states := allStates(8)
	var kl float64
	for s := 0; s < 256; s++ {
		p := mixtureProb(states.RawRowView(s))
		kl += p * math.Log(p/pm[s])
	}
	return kl
}

func TestTrainLowersNLLAndKL(t *testing.T) {
	t.Parallel()
	data := mixtureData(2000, 1)
	// The entropy of the mixture is ≈ 3.29 nats; a model near uniform has
	// KL ≈ 8 ln 2 − 3.29 ≈ 2.25 nats. A 4-hidden-unit RBM can represent the
	// two-prototype mixture closely; the bound 0.05 nats leaves room for the
	// finite training set (2000 samples of a 256-state distribution:
	// expected excess KL ≈ (#params)/(2N) ≈ 44/4000 ≈ 0.011) and for the
	// learning-rate noise.
	const klBound = 0.05
	// PCD needs a smaller, decaying learning rate (Tieleman 2008): its
	// persistent chains must keep up with the model, and on this bimodal
	// distribution they hop between the modes only occasionally. With the
	// settings below, KL over 8 seeds ranged 0.008–0.019 nats (CD-1
	// 0.007–0.019, CD-5 0.009–0.016), so the bound has a margin of 2.5.
	pcdRate := func(e int) float64 { return 0.02 / (1 + float64(e)/50) }
	for _, c := range []struct {
		name     string
		tr       Trainer
		schedule func(int) float64
		epochs   int
	}{{"CD-1", CD{K: 1}, nil, 150}, {"CD-5", CD{K: 5}, nil, 150}, {"PCD", PCD{Chains: 200, K: 1}, pcdRate, 300},
		{"CD-1/float64", CD{K: 1, Precision: Float64}, nil, 150}, {"PCD/float64", PCD{Chains: 200, K: 1, Precision: Float64}, pcdRate, 300}} {
		m := New(8, 4, nil, rand.NewPCG(2, 2))
		nll0, err := LogLikelihood(m, data)
		if err != nil {
			t.Fatal(err)
		}
		kl0 := klMixture(t, m)
		set := &Settings{Epochs: c.epochs, BatchSize: 20, LearningRate: 0.05, Schedule: c.schedule, Momentum: 0.5, Src: rand.NewPCG(3, 3)}
		if err := Train(m, data, set, c.tr); err != nil {
			t.Fatal(err)
		}
		nll1, _ := LogLikelihood(m, data)
		kl1 := klMixture(t, m)
		t.Logf("%s: NLL %.4f → %.4f nats/sample, KL %.4f → %.4f nats", c.name, -nll0, -nll1, kl0, kl1)
		if !(nll1 > nll0) {
			t.Errorf("%s: NLL did not decrease: %v → %v", c.name, -nll0, -nll1)
		}
		if !(kl1 < klBound) {
			t.Errorf("%s: KL %v ≥ bound %v", c.name, kl1, klBound)
		}
	}
}

func TestBiasFreeTraining(t *testing.T) {
	t.Parallel()
	data := mixtureData(500, 4)
	for _, tr := range []Trainer{CD{K: 1}, PCD{K: 2}} {
		m := New(8, 5, &InitSettings{NoBias: true}, rand.NewPCG(1, 1))
		w0 := mat.DenseCopyOf(m.W)
		if err := Train(m, data, &Settings{Epochs: 5, BatchSize: 50, LearningRate: 0.1, Momentum: 0.9, L2: 1e-3, L1: 1e-4, Src: rand.NewPCG(2, 2)}, tr); err != nil {
			t.Fatal(err)
		}
		for _, b := range append(append([]float64(nil), m.VBias...), m.HBias...) {
			if math.Float64bits(b) != 0 {
				t.Fatalf("%T: bias %v, want exactly +0", tr, b)
			}
		}
		if mat.Equal(w0, m.W) {
			t.Errorf("%T: weights did not change", tr)
		}
		g, err := ExactGradient(m, data)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range append(g.VBias, g.HBias...) {
			if x != 0 {
				t.Fatal("ExactGradient gives a switched-off bias a non-zero gradient")
			}
		}
	}
}

func TestTrainErrors(t *testing.T) {
	t.Parallel()
	data := mixtureData(200, 5)
	m := New(8, 3, nil, rand.NewPCG(1, 1))
	for _, bad := range []float64{0.5, math.NaN(), -1, math.Inf(1)} {
		d := mat.DenseCopyOf(data)
		d.Set(17, 3, bad)
		if err := Train(m, d, nil, CD{}); !errors.Is(err, ErrNotBinary) {
			t.Errorf("data with %v: err %v, want ErrNotBinary", bad, err)
		}
		if err := Train(m, data, &Settings{Validation: d}, CD{}); !errors.Is(err, ErrNotBinary) {
			t.Errorf("validation with %v: err %v, want ErrNotBinary", bad, err)
		}
	}
	mustPanicShape(t, "Train columns", func() { Train(m, mat.NewDense(3, 7, nil), nil, CD{}) })

	// A callback error stops training and comes back unchanged.
	stop := errors.New("stop here")
	calls := 0
	err := Train(m, data, &Settings{Epochs: 10, Progress: func(Monitors) error {
		calls++
		if calls == 3 {
			return stop
		}
		return nil
	}}, CD{})
	if err != stop || calls != 3 {
		t.Errorf("callback error: got %v after %d calls, want the same error after 3", err, calls)
	}
}

func TestDivergence(t *testing.T) {
	t.Parallel()
	data := mixtureData(200, 6)
	for _, tr := range []Trainer{CD{K: 1}, PCD{}} {
		m := New(8, 3, nil, rand.NewPCG(1, 1))
		var good *Model
		// The largest finite learning rate from epoch 3 on makes epoch 3
		// overflow (or its parameters' RMS explode): the model is put
		// back to the end of epoch 2.
		err := Train(m, data, &Settings{Epochs: 5, BatchSize: 50,
			Schedule: func(e int) float64 {
				if e >= 3 {
					return math.MaxFloat64
				}
				return 0.05
			},
			Progress: func(mon Monitors) error { good = m.Clone(); return nil },
		}, tr)
		if !errors.Is(err, ErrDiverged) {
			t.Fatalf("%T: err %v, want ErrDiverged", tr, err)
		}
		if good == nil || good.Hyper.Epochs != 2 {
			t.Fatalf("%T: callback did not see epoch 2", tr)
		}
		if !denseBits(m.W, good.W) || !sameBits(m.VBias, good.VBias) || !sameBits(m.HBias, good.HBias) {
			t.Errorf("%T: model changed by the diverging update", tr)
		}
	}
}

// orderedData returns n rows of nv bits: half of them near all-0 or all-1
// (each bit flipped with probability 0.05), half uniformly random, like
// Ising data below and above T_c.
func orderedData(n, nv int, seed uint64) *mat.Dense {
	r := rand.New(rand.NewPCG(seed, 7))
	d := mat.NewDense(n, nv, nil)
	for i := 0; i < n; i++ {
		ordered, up := i%2 == 0, r.IntN(2)
		for j := 0; j < nv; j++ {
			b := r.IntN(2)
			if ordered {
				b = up
				if r.Float64() < 0.05 {
					b ^= 1
				}
			}
			d.Set(i, j, float64(b))
		}
	}
	return d
}

// TestDivergenceRule: the cases of issue 10 (a learning rate of 1e6 with
// and without momentum, on both precisions) return ErrDiverged with the
// model at the end of the last good epoch, finite and of the order of the
// initial weights; sound schedules (learning rate 0.1, momentum 0.9) never
// trigger the rule.
func TestDivergenceRule(t *testing.T) {
	t.Parallel()
	data := orderedData(600, 36, 3)
	init := New(36, 16, nil, rand.NewPCG(1, 1))
	r0 := paramRMS(init)
	for _, tc := range []struct {
		name string
		s    Settings
		tr   Trainer
	}{
		{"lr 1e6", Settings{Epochs: 20, LearningRate: 1e6}, CD{}},
		{"lr 1e6 momentum 0.9", Settings{Epochs: 20, LearningRate: 1e6, Momentum: 0.9}, CD{}},
		{"lr 1e6 float64", Settings{Epochs: 20, LearningRate: 1e6}, CD{Precision: Float64}},
		{"lr 1e6 PCD", Settings{Epochs: 20, LearningRate: 1e6}, PCD{}},
		{"lr 1e6 L1", Settings{Epochs: 20, LearningRate: 1e6, L1: 1e-4}, CD{}},
		{"lr 1e3 from epoch 3", Settings{Epochs: 20, Schedule: func(e int) float64 {
			if e >= 3 {
				return 1e3
			}
			return 0.05
		}}, CD{}},
	} {
		m := init.Clone()
		var good *Model
		tc.s.Src = rand.NewPCG(2, 2)
		tc.s.Progress = func(Monitors) error { good = m.Clone(); return nil }
		err := Train(m, data, &tc.s, tc.tr)
		if !errors.Is(err, ErrDiverged) {
			t.Errorf("%s: err %v, want ErrDiverged", tc.name, err)
			continue
		}
		r := paramRMS(m)
		if math.IsNaN(r) || math.IsInf(r, 0) || r > 10*max(r0, 1) {
			t.Errorf("%s: kept parameters have RMS %v (initial %v)", tc.name, r, r0)
		}
		if good == nil {
			if !sameModel(m, init) {
				t.Errorf("%s: diverged in epoch 1 but the model is not the initial one", tc.name)
			}
		} else if !sameModel(m, good) || m.Hyper.Epochs != good.Hyper.Epochs {
			t.Errorf("%s: the model is not the one at the end of epoch %d", tc.name, good.Hyper.Epochs)
		}
	}
	// Sound training: the examples' schedule (0.1 → 0.01 with momentum
	// 0.9), a constant 0.1 with momentum 0.9, small batches, PCD.
	for _, tc := range []struct {
		name string
		s    Settings
		tr   Trainer
	}{
		{"0.1→0.01 momentum 0.9", Settings{Epochs: 40, Momentum: 0.9, Schedule: func(e int) float64 { return 0.1 * math.Pow(0.1, float64(e-1)/39) }}, CD{}},
		{"0.1 momentum 0.9", Settings{Epochs: 40, LearningRate: 0.1, Momentum: 0.9}, CD{}},
		{"0.1 momentum 0.9 batch 10", Settings{Epochs: 10, BatchSize: 10, LearningRate: 0.1, Momentum: 0.9}, CD{}},
		{"0.1 momentum 0.9 PCD", Settings{Epochs: 40, LearningRate: 0.1, Momentum: 0.9}, PCD{}},
		{"0.1 momentum 0.9 zero init", Settings{Epochs: 20, LearningRate: 0.1, Momentum: 0.9}, CD{}},
	} {
		m := init.Clone()
		if tc.name == "0.1 momentum 0.9 zero init" {
			m = New(36, 16, &InitSettings{Sigma: -1}, rand.NewPCG(1, 1))
		}
		tc.s.Src = rand.NewPCG(2, 2)
		if err := Train(m, data, &tc.s, tc.tr); err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

func TestMonitors(t *testing.T) {
	t.Parallel()
	data := mixtureData(1000, 7)
	valid := mixtureData(300, 8)
	m := New(8, 4, nil, rand.NewPCG(1, 1))
	var last Monitors
	set := &Settings{Epochs: 30, BatchSize: 20, LearningRate: 0.05, Src: rand.NewPCG(2, 2), Validation: valid,
		Monitors:    MonitorRecon | MonitorPLL | MonitorPLLAll | MonitorFreeEnergy | MonitorExact,
		MonitorRows: 300,
		Progress:    func(mon Monitors) error { last = mon; return nil }}
	if err := Train(m, data, set, CD{}); err != nil {
		t.Fatal(err)
	}
	if last.Epoch != 30 || last.LearningRate != 0.05 {
		t.Errorf("epoch %d lr %v", last.Epoch, last.LearningRate)
	}
	ll, _ := LogLikelihood(m, valid)
	z, _ := LogZ(m)
	if math.Abs(last.Valid.LogLik-ll) > 1e-12 || last.LogZ != z || last.LogZErr != 0 {
		t.Errorf("exact monitors: LL %v (want %v), log Z %v (want %v)", last.Valid.LogLik, ll, last.LogZ, z)
	}
	if d := last.FreeEnergyGap - (last.Valid.FreeEnergy - last.Train.FreeEnergy); d != 0 {
		t.Errorf("free-energy gap inconsistent by %v", d)
	}
	// The pseudo-log-likelihood of an 8-bit model is close to the
	// log-likelihood for this weakly coupled data: it must lie between
	// the log-likelihood and 0, and the stochastic estimate (300 rows,
	// one site each, sd per row ≲ 8·1.5) must be within 5 standard errors
	// (5·12/√300 ≈ 3.5) of the deterministic one.
	for _, st := range []Stats{last.Train, last.Valid} {
		if !(st.PLLAll > st.LogLik && st.PLLAll < 0) {
			t.Errorf("PLL %v not in (LL %v, 0)", st.PLLAll, st.LogLik)
		}
		if math.Abs(st.PLL-st.PLLAll) > 3.5 {
			t.Errorf("stochastic PLL %v far from all-sites PLL %v", st.PLL, st.PLLAll)
		}
		// Recon error of a trained model on this data: the per-bit noise is
		// 0.1, so the error must be well below the untrained 0.25.
		if !(st.Recon > 0 && st.Recon < 0.2) {
			t.Errorf("reconstruction error %v", st.Recon)
		}
		// Sampling v₁ adds the Bernoulli variance p(1 − p) > 0 per cell.
		if !(st.ReconSampled > st.Recon && st.ReconSampled < 0.5) {
			t.Errorf("sampled reconstruction error %v (smooth %v)", st.ReconSampled, st.Recon)
		}
	}
	t.Logf("epoch 30: recon %.4f/%.4f, PLL %.4f/%.4f, LL %.4f/%.4f, F gap %.4f", last.Train.Recon, last.Valid.Recon,
		last.Train.PLLAll, last.Valid.PLLAll, last.Train.LogLik, last.Valid.LogLik, last.FreeEnergyGap)
	// AIS monitor on the same model.
	set.Monitors, set.Epochs = MonitorAIS, 1
	set.AIS = &AISSettings{Chains: 64, Betas: 300}
	if err := Train(m, data, set, CD{}); err != nil {
		t.Fatal(err)
	}
	z, _ = LogZ(m)
	if !(last.LogZErr > 0) || math.Abs(last.LogZ-z) > 5*last.LogZErr+0.01 {
		t.Errorf("AIS monitor log Z %v ± %v, exact %v", last.LogZ, last.LogZErr, z)
	}
}

// runTrain trains a fresh model and returns it; used by the identity tests.
func runTrain(t *testing.T, tr Trainer, set Settings) *Model {
	t.Helper()
	m := New(16, 9, nil, rand.NewPCG(1, 1))
	if err := Train(m, mixtureData16(), &set, tr); err != nil {
		t.Fatal(err)
	}
	return m
}

func mixtureData16() *mat.Dense {
	a, b := mixtureData(300, 10), mixtureData(300, 11)
	var d mat.Dense
	d.Augment(a, b)
	return &d
}

func sameModel(a, b *Model) bool {
	return denseBits(a.W, b.W) && sameBits(a.VBias, b.VBias) && sameBits(a.HBias, b.HBias)
}

func TestCheckpointResume(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tr := range []Trainer{CD{K: 2}, PCD{Chains: 70, K: 1}} {
		base := Settings{Epochs: 6, BatchSize: 32, LearningRate: 0.05, Momentum: 0.7, L2: 1e-4, Src: rand.NewPCG(5, 5)}
		full := runTrain(t, tr, base)

		path := filepath.Join(dir, "ck.npz")
		half := base
		half.Epochs, half.CheckpointPath = 3, path
		half.Src = rand.NewPCG(5, 5)
		runTrain(t, tr, half)
		ck, err := LoadCheckpoint(path)
		if err != nil {
			t.Fatal(err)
		}
		if ck.Epoch != 3 || (ck.Chains == nil) != (tr == Trainer(CD{K: 2})) {
			t.Fatalf("%T: checkpoint epoch %d, chains %v", tr, ck.Epoch, ck.Chains != nil)
		}
		rest := base
		rest.Src, rest.Resume = nil, ck
		m := New(16, 9, nil, rand.NewPCG(42, 42)) // different start: overwritten
		if err := Train(m, mixtureData16(), &rest, tr); err != nil {
			t.Fatal(err)
		}
		if !sameModel(m, full) {
			t.Errorf("%T: resumed run differs from the uninterrupted one", tr)
		}
		if m.Hyper.Epochs != 6 {
			t.Errorf("%T: Hyper.Epochs %d", tr, m.Hyper.Epochs)
		}
		// A different seed gives a different model: the test can fail.
		other := base
		other.Src = rand.NewPCG(6, 6)
		if sameModel(runTrain(t, tr, other), full) {
			t.Errorf("%T: training ignores the seed", tr)
		}
	}
}

func TestTrainGOMAXPROCS(t *testing.T) {
	// Bigger than one block in every direction (batch 150 > 64 rows,
	// Nv = 130 > 64 gradient rows), so blocks really run in parallel.
	r := rand.New(rand.NewPCG(9, 9))
	data := mat.NewDense(600, 130, nil)
	for i := range data.RawMatrix().Data {
		data.RawMatrix().Data[i] = float64(r.IntN(2))
	}
	for _, tr := range []Trainer{CD{K: 1}, PCD{Chains: 200}} {
		run := func(procs int) *Model {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			m := New(130, 70, nil, rand.NewPCG(1, 1))
			if err := Train(m, data, &Settings{Epochs: 2, BatchSize: 150, Src: rand.NewPCG(3, 3)}, tr); err != nil {
				t.Fatal(err)
			}
			return m
		}
		if !sameModel(run(1), run(2)) {
			t.Errorf("%T: training differs between GOMAXPROCS=1 and 2", tr)
		}
	}
}

// TestUpdateRule checks one optimiser step against the documented rule
// Δ ← μΔ + η(∇ − L2·W − L1·sign W), W ← W + Δ (biases without decay).
func TestUpdateRule(t *testing.T) {
	t.Parallel()
	m := randomModel(3, 2, 1, 1)
	m.W.Set(0, 0, 0) // sign 0: no L1 term
	w0, vb0, hb0 := mat.DenseCopyOf(m.W), append([]float64(nil), m.VBias...), append([]float64(nil), m.HBias...)
	tr := newTrainer(m, 1)
	r := rand.New(rand.NewPCG(2, 2))
	fill := func(g *Gradient) {
		for i := range g.W.RawMatrix().Data {
			g.W.RawMatrix().Data[i] = r.NormFloat64()
		}
		for i := range g.VBias {
			g.VBias[i] = r.NormFloat64()
		}
		for i := range g.HBias {
			g.HBias[i] = r.NormFloat64()
		}
	}
	fill(&tr.g)
	fill(&tr.vel)
	g := Gradient{W: mat.DenseCopyOf(tr.g.W), VBias: append([]float64(nil), tr.g.VBias...), HBias: append([]float64(nil), tr.g.HBias...)}
	vel := Gradient{W: mat.DenseCopyOf(tr.vel.W), VBias: append([]float64(nil), tr.vel.VBias...), HBias: append([]float64(nil), tr.vel.HBias...)}
	const lr, mom, l2, l1 = 0.1, 0.9, 0.01, 0.001
	if !tr.update(lr, mom, l2, l1) {
		t.Fatal("finite update rejected")
	}
	sign := func(x float64) float64 {
		switch {
		case x > 0:
			return 1
		case x < 0:
			return -1
		}
		return 0
	}
	for i := 0; i < 3; i++ {
		for j := 0; j < 2; j++ {
			w := w0.At(i, j)
			d := mom*vel.W.At(i, j) + lr*(g.W.At(i, j)-l2*w-l1*sign(w))
			if math.Abs(m.W.At(i, j)-(w+d)) > 1e-15 || math.Abs(tr.vel.W.At(i, j)-d) > 1e-15 {
				t.Errorf("W[%d,%d]: got %v, want %v", i, j, m.W.At(i, j), w+d)
			}
		}
		if d := mom*vel.VBias[i] + lr*g.VBias[i]; math.Abs(m.VBias[i]-(vb0[i]+d)) > 1e-15 {
			t.Errorf("b[%d]: got %v, want %v", i, m.VBias[i], vb0[i]+d)
		}
	}
	for j := 0; j < 2; j++ {
		if d := mom*vel.HBias[j] + lr*g.HBias[j]; math.Abs(m.HBias[j]-(hb0[j]+d)) > 1e-15 {
			t.Errorf("c[%d]: got %v, want %v", j, m.HBias[j], hb0[j]+d)
		}
	}
}

func TestScheduleAndEmptyData(t *testing.T) {
	t.Parallel()
	data := mixtureData(100, 12)
	var epochs []int
	var rates []float64
	m := New(8, 2, nil, rand.NewPCG(1, 1))
	err := Train(m, data, &Settings{Epochs: 4, Schedule: func(e int) float64 { epochs = append(epochs, e); return 0.1 / float64(e) },
		Progress: func(mon Monitors) error {
			rates = append(rates, mon.LearningRate)
			if !math.IsNaN(mon.Train.Recon) {
				t.Error("the zero Monitors computed the reconstruction error")
			}
			return nil
		}}, CD{})
	if err != nil {
		t.Fatal(err)
	}
	if len(epochs) != 4 || epochs[0] != 1 || epochs[3] != 4 || rates[3] != 0.1/4 {
		t.Errorf("schedule called for epochs %v, rates %v", epochs, rates)
	}
	if m.Hyper.Epochs != 4 || m.Hyper.BatchSize != 100 || m.Hyper.Trainer == "" {
		t.Errorf("hyper-parameters not recorded: %+v", m.Hyper)
	}
	if err := Train(m, &mat.Dense{}, nil, CD{}); !errors.Is(err, ErrNoData) {
		t.Errorf("empty data: %v", err)
	}
}

func TestProgressEvery(t *testing.T) {
	m := New(6, 3, nil, rand.NewPCG(1, 1))
	data := gibbsInput(50, 6)
	var got []int
	set := &Settings{Epochs: 10, ProgressEvery: 4, Progress: func(mo Monitors) error { got = append(got, mo.Epoch); return nil }}
	if err := Train(m, data, set, CD{}); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "[4 8 10]" {
		t.Errorf("callbacks at epochs %v, want [4 8 10]", got)
	}
	// The monitors never change the trajectory: the same run without a
	// callback ends at the same weights.
	m2 := New(6, 3, nil, rand.NewPCG(1, 1))
	if err := Train(m2, data, &Settings{Epochs: 10}, CD{}); err != nil {
		t.Fatal(err)
	}
	if !denseBits(m.W, m2.W) {
		t.Error("the callback changed the training trajectory")
	}
}

// TestHyperRecord (issue 12, item 4): under a Schedule the recorded
// learning rate is the last epoch's, marked Schedule; Hyper's float fields
// are written to JSON even when 0.
func TestHyperRecord(t *testing.T) {
	t.Parallel()
	data := mixtureData(100, 5)
	m := New(8, 3, nil, rand.NewPCG(1, 1))
	if err := Train(m, data, &Settings{Epochs: 3, Schedule: func(e int) float64 { return 0.1 / float64(e) }}, CD{}); err != nil {
		t.Fatal(err)
	}
	if m.Hyper.LearningRate != 0.1/3 || !m.Hyper.Schedule {
		t.Errorf("under a schedule Hyper records learning rate %v, schedule %v; want %v, true", m.Hyper.LearningRate, m.Hyper.Schedule, 0.1/3)
	}
	if err := Train(m, data, &Settings{Epochs: 1, LearningRate: 0.02}, CD{}); err != nil {
		t.Fatal(err)
	}
	if m.Hyper.LearningRate != 0.02 || m.Hyper.Schedule {
		t.Errorf("without a schedule Hyper records %v, %v", m.Hyper.LearningRate, m.Hyper.Schedule)
	}
	b, err := json.Marshal(Hyper{})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{`"init_sigma":0`, `"init_mean":0`, `"learning_rate":0`, `"momentum":0`, `"l2":0`, `"l1":0`} {
		if !strings.Contains(string(b), k) {
			t.Errorf("Hyper JSON %s lacks %s", b, k)
		}
	}
}

// TestLatticeStats: m, |m| and e of hand-counted 3×3 configurations
// (periodic, 18 bonds).
func TestLatticeStats(t *testing.T) {
	t.Parallel()
	up := []float64{1, 1, 1, 1, 1, 1, 1, 1, 1}
	// One spin down in the middle: 4 of its bonds are broken, so
	// Σ sᵢsⱼ = 18 − 2·4 = 10 and e = −10/9; m = (8 − 1)/9.
	one := []float64{1, 1, 1, 1, 0, 1, 1, 1, 1}
	// Stripes: row 0 up, row 1 down, row 2 up. Horizontal bonds all
	// satisfied (9); vertical: row 0–1 and 1–2 broken (6), row 2–0
	// satisfied (3): Σ = 9 − 6 + 3 = 6, e = −6/9; m = (6 − 3)/9.
	stripes := []float64{1, 1, 1, 0, 0, 0, 1, 1, 1}
	down := make([]float64, 9)
	for _, tc := range []struct {
		name       string
		rows       [][]float64
		m, absM, e float64
	}{
		{"all up", [][]float64{up}, 1, 1, -2},
		{"all down", [][]float64{down}, -1, 1, -2},
		{"one flipped", [][]float64{one}, 7.0 / 9, 7.0 / 9, -10.0 / 9},
		{"stripes", [][]float64{stripes}, 3.0 / 9, 3.0 / 9, -6.0 / 9},
		{"up and down", [][]float64{up, down}, 0, 1, -2},
	} {
		d := mat.NewDense(len(tc.rows), 9, nil)
		for i, r := range tc.rows {
			d.SetRow(i, r)
		}
		m, a, e := latticeStats(d, 3)
		const tol = 1e-15
		if math.Abs(m-tc.m) > tol || math.Abs(a-tc.absM) > tol || math.Abs(e-tc.e) > tol {
			t.Errorf("%s: m %v, |m| %v, e %v; want %v, %v, %v", tc.name, m, a, e, tc.m, tc.absM, tc.e)
		}
	}
}

// orderedLattice returns n rows of 4×4 configurations: all up or all down
// with each spin flipped with probability p (low-temperature-like data).
func orderedLattice(n int, p float64, seed uint64) *mat.Dense {
	r := rand.New(rand.NewPCG(seed, 3))
	d := mat.NewDense(n, 16, nil)
	for i := 0; i < n; i++ {
		up := float64(r.IntN(2))
		for j := 0; j < 16; j++ {
			v := up
			if r.Float64() < p {
				v = 1 - v
			}
			d.Set(i, j, v)
		}
	}
	return d
}

// TestMonitorLattice: the data's lattice monitors are those of
// latticeStats; the model's come from PCD's persistent chains or from free
// chains. A trained model's samples match the data's ⟨|m|⟩ and ⟨e⟩; the
// untrained model's (near-uniform) samples read |m| ≈ 0.2 and e ≈ 0.
func TestMonitorLattice(t *testing.T) {
	t.Parallel()
	data := orderedLattice(1000, 0.05, 1)
	for _, tr := range []Trainer{CD{K: 1}, PCD{Chains: 200}} {
		m := New(16, 8, nil, rand.NewPCG(1, 1))
		var first, last Monitors
		// Epoch 1 has learning rate 0: its monitors are the untrained
		// model's.
		set := &Settings{Epochs: 30, BatchSize: 50, Momentum: 0.5, Src: rand.NewPCG(2, 2),
			Schedule: func(e int) float64 { return 0.05 * float64(min(e-1, 1)) },
			Monitors: MonitorLattice, L: 4, MonitorChains: 500, MonitorSteps: 50, ProgressEvery: 1,
			Progress: func(mo Monitors) error {
				if mo.Epoch == 1 {
					first = mo
				}
				last = mo
				return nil
			}}
		if err := Train(m, data, set, tr); err != nil {
			t.Fatal(err)
		}
		_, wantAbs, wantE := latticeStats(data, 4)
		t.Logf("%T: data |m| %.3f e %.3f; model after epoch 1: |m| %.3f e %.3f, after %d: %.3f %.3f", tr, wantAbs, wantE, first.Model.AbsM, first.Model.E, last.Epoch, last.Model.AbsM, last.Model.E)
		if last.Train.AbsM != wantAbs || last.Train.E != wantE || !math.IsNaN(last.Train.Recon) {
			t.Errorf("%T: data monitors %+v, want |m| %v, e %v", tr, last.Train, wantAbs, wantE)
		}
		// The data read |m| ≈ 1 − 2p = 0.9 and e ≈ −2(1 − 2p)² ≈ −1.62;
		// uniform spins (the untrained model, 500 chains) read
		// ⟨|m|⟩ ≈ √(2/(πN)) = 0.2 ± 0.01 and e ≈ 0 ± 0.02. A small model
		// trained for 30 epochs does not sample the data exactly, but
		// its samples are far closer to them than the untrained
		// model's: within a quarter of that distance (it reaches about
		// a seventh).
		if g0, g := math.Abs(first.Model.AbsM-wantAbs), math.Abs(last.Model.AbsM-wantAbs); g > g0/4 {
			t.Errorf("%T: model ⟨|m|⟩ %v, data %v (untrained %v)", tr, last.Model.AbsM, wantAbs, first.Model.AbsM)
		}
		if g0, g := math.Abs(first.Model.E-wantE), math.Abs(last.Model.E-wantE); g > g0/4 {
			t.Errorf("%T: model ⟨e⟩ %v, data %v (untrained %v)", tr, last.Model.E, wantE, first.Model.E)
		}
		if first.Model.AbsM > 0.3 || math.Abs(first.Model.E) > 0.2 {
			t.Errorf("%T: the untrained model's samples read |m| = %v, e = %v", tr, first.Model.AbsM, first.Model.E)
		}
		if !math.IsNaN(last.Model.Recon) {
			t.Errorf("%T: the model's Stats hold more than the lattice monitors", tr)
		}
	}
}

// TestEarlyStopping: training stops after Patience scored epochs without a
// lower score and keeps the best-scored epoch's model, bit for bit that of a
// run of that many epochs; the default score is the validation
// reconstruction error; a resumed run stops where the uninterrupted one
// did.
func TestEarlyStopping(t *testing.T) {
	t.Parallel()
	data := mixtureData(200, 5)
	scores := []float64{5, 4, 3, 3.5, 4, 1, 2, 9, 9, 9, 9, 9}
	var seen []int
	set := Settings{Epochs: 12, Src: rand.NewPCG(2, 2), Patience: 2,
		Score: func(mo Monitors) float64 { return scores[mo.Epoch-1] },
		Progress: func(mo Monitors) error {
			seen = append(seen, mo.BestEpoch)
			return nil
		}}
	m := New(8, 3, nil, rand.NewPCG(1, 1))
	if err := Train(m, data, &set, CD{}); err != nil {
		t.Fatal(err)
	}
	// Best 3 at epoch 3, then 3.5 and 4: stop after epoch 5? No: 1 at
	// epoch 6 comes too late — patience 2 ends the run at epoch 5.
	if m.Hyper.Epochs != 3 || m.Hyper.StoppedAt != 5 {
		t.Errorf("kept epoch %d, stopped at %d; want 3 and 5", m.Hyper.Epochs, m.Hyper.StoppedAt)
	}
	if fmt.Sprint(seen) != "[1 2 3 3 3]" {
		t.Errorf("best epochs seen by Progress %v", seen)
	}
	ref := New(8, 3, nil, rand.NewPCG(1, 1))
	if err := Train(ref, data, &Settings{Epochs: 3, Src: rand.NewPCG(2, 2)}, CD{}); err != nil {
		t.Fatal(err)
	}
	if !sameModel(m, ref) {
		t.Error("the kept model is not that of 3 epochs")
	}

	// Resume: interrupted after epoch 4 (between best and stop).
	dir := t.TempDir()
	path := filepath.Join(dir, "ck.npz")
	half := set
	half.Epochs, half.CheckpointPath, half.Src, half.Progress = 4, path, rand.NewPCG(2, 2), nil
	h := New(8, 3, nil, rand.NewPCG(1, 1))
	if err := Train(h, data, &half, CD{}); err != nil {
		t.Fatal(err)
	}
	ck, err := LoadCheckpoint(path)
	if err != nil {
		t.Fatal(err)
	}
	if ck.BestEpoch != 3 || ck.Since != 1 || ck.Best == nil || ck.Stopped {
		t.Fatalf("checkpoint early-stopping state: best %d, since %d, stopped %v", ck.BestEpoch, ck.Since, ck.Stopped)
	}
	rest := set
	rest.Resume, rest.Progress, rest.Src = ck, nil, nil
	r := New(8, 3, nil, rand.NewPCG(9, 9))
	if err := Train(r, data, &rest, CD{}); err != nil {
		t.Fatal(err)
	}
	if !sameModel(r, m) || r.Hyper != m.Hyper {
		t.Errorf("resumed run: epoch %d stopped %d; uninterrupted %d, %d", r.Hyper.Epochs, r.Hyper.StoppedAt, m.Hyper.Epochs, m.Hyper.StoppedAt)
	}

	// The default score: validation reconstruction error, computed
	// without a Progress callback.
	valid := mixtureData(100, 6)
	d := New(8, 3, nil, rand.NewPCG(1, 1))
	if err := Train(d, data, &Settings{Epochs: 200, LearningRate: 0.1, Validation: valid, Patience: 3, ProgressEvery: 2}, CD{}); err != nil {
		t.Fatal(err)
	}
	if d.Hyper.StoppedAt == 0 || d.Hyper.Epochs%2 != 0 || d.Hyper.StoppedAt-d.Hyper.Epochs != 6 {
		t.Errorf("default score: kept epoch %d, stopped at %d (want a stop 3 scored epochs of 2 after the best)", d.Hyper.Epochs, d.Hyper.StoppedAt)
	}
}
