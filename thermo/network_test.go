package thermo

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/rgflow/rgflow/internal/lattice"
)

// blocks returns n rows per class of K well-separated synthetic classes on
// 16 inputs: class k has its bits in block k%4 … set with probability 0.9 and
// all others with probability 0.1 (classes 4… shift the pattern by one
// site). The Bayes error of this problem is below 1e-3 per row: a row is
// misread only if at least two of the four bits of its own block flip and two
// of another block flip in the wrong direction, (6·0.01)²·3 ≈ 0.01 at worst
// for a naive reader, and the network sees all 16 bits.
func blocks(K, n int, rng *rand.Rand) (*mat.Dense, []int) {
	x := mat.NewDense(K*n, 16, nil)
	y := make([]int, K*n)
	for k := 0; k < K; k++ {
		for i := 0; i < n; i++ {
			r := k*n + i
			y[r] = k
			row := x.RawRowView(r)
			for j := range row {
				p := 0.1
				if j/4 == k%4 {
					p = 0.9
				}
				if rng.Float64() < p {
					row[j] = 1
				}
			}
		}
	}
	return x, y
}

func TestSeparableClasses(t *testing.T) {
	t.Parallel()
	grid := []float64{1, 2, 3, 4}
	for _, c := range []struct {
		name string
		arch Architecture
		s    TrainSettings
	}{
		{"adam/tanh/ce", Small, TrainSettings{Epochs: 30}},
		{"sgd/tanh/ce", Small, TrainSettings{Epochs: 30, Optimizer: SGD, LearningRate: 0.05, Momentum: 0.9}},
		{"sgd/tanh/bce", Small, TrainSettings{Epochs: 30, Optimizer: SGD, Loss: BinaryCrossEntropy}},
		{"adam/relu/ce/l2", Architecture{Hidden: []int{32, 16}, Activation: ReLU}, TrainSettings{Epochs: 30, L2: 1e-4}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(3, 4))
			xtr, ytr := blocks(4, 500, rng)
			xte, yte := blocks(4, 500, rng)
			net := NewNetwork(16, grid, c.arch, rand.NewPCG(5, 6))
			s := c.s
			s.Src = rand.NewPCG(7, 8)
			if _, err := Train(net, xtr, ytr, &s); err != nil {
				t.Fatal(err)
			}
			cal, err := Calibrate(net, xte, yte)
			if err != nil {
				t.Fatal(err)
			}
			// The Bayes error is ≲ 1e-3 (see blocks); 0.98 leaves room
			// for an imperfect fit but fails for any wrong gradient.
			const minAccuracy = 0.98
			if cal.Exact < minAccuracy {
				t.Errorf("exact accuracy %.4f < %v", cal.Exact, minAccuracy)
			}
		})
	}
}

// TestGradient compares the analytic gradient with central differences of
// the loss, for both losses, both activations and L2.
func TestGradient(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(9, 10))
	x, y := blocks(3, 4, rng)
	for _, c := range []struct {
		name string
		act  Activation
		loss Loss
		l2   float64
	}{
		{"tanh/ce", Tanh, CrossEntropy, 0},
		{"tanh/bce/l2", Tanh, BinaryCrossEntropy, 0.3},
		{"relu/ce/l2", ReLU, CrossEntropy, 0.1},
		{"relu/bce", ReLU, BinaryCrossEntropy, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			net := NewNetwork(16, []float64{0, 1, 2}, Architecture{Hidden: []int{5, 4}, Activation: c.act}, rand.NewPCG(1, 2))
			for i := range net.b {
				for j := range net.b[i] {
					net.b[i][j] = 0.1 * rng.NormFloat64()
				}
			}
			set := &TrainSettings{Loss: c.loss, L2: c.l2}
			tr := &trainer{net: net, set: set, grads: make([]float64, len(net.params)), ybuf: make([]int, len(y))}
			tr.gw, tr.gb = viewsLike(net, tr.grads)
			ws := net.newWork(len(y), true)
			idx := make([]int, len(y))
			for i := range idx {
				idx[i] = i
			}
			total := func() float64 {
				l, _ := tr.gradient(ws, x, y, idx)
				var w2 float64
				for _, w := range net.w {
					w2 += floats.Dot(w, w)
				}
				return l + c.l2/2*w2
			}
			total()
			g := slices.Clone(tr.grads)
			const h = 1e-6
			// Central differences have error O(h²·f''') ≈ 1e-12 plus
			// rounding ε·f/h ≈ 1e-16·3/1e-6 ≈ 3e-10; ReLU kinks are
			// crossed with probability ~h per weight. 1e-6 absolute
			// covers both with a wide margin and catches any missing term.
			const tol = 1e-6
			for i := range net.params {
				p := net.params[i]
				net.params[i] = p + h
				fp := total()
				net.params[i] = p - h
				fm := total()
				net.params[i] = p
				if fd := (fp - fm) / (2 * h); math.Abs(fd-g[i]) > tol {
					t.Errorf("param %d: analytic %.10g, numeric %.10g", i, g[i], fd)
				}
			}
		})
	}
}

func TestProbabilitiesSumToOne(t *testing.T) {
	t.Parallel()
	d := L10()
	net := NewNetwork(100, d.grid, Small, rand.NewPCG(1, 1))
	bayes, err := FitEnergyBayes(0, d.xtr, d.ytr, d.grid)
	if err != nil {
		t.Fatal(err)
	}
	// Fractional cells (mean-field flow inputs) must work too.
	frac := mat.NewDense(3, 100, nil)
	for i := range 300 {
		frac.RawMatrix().Data[i] = float64(i%7) / 6
	}
	for name, th := range map[string]Thermometer{"network": net, "bayes": bayes} {
		for _, x := range []*mat.Dense{d.xte, frac} {
			var p mat.Dense // empty: sized by Probabilities
			th.Probabilities(&p, x)
			r, c := p.Dims()
			if xr, _ := x.Dims(); r != xr || c != len(d.grid) {
				t.Fatalf("%s: dims %d×%d", name, r, c)
			}
			for i := 0; i < r; i++ {
				row := p.RawRowView(i)
				// K = 25 terms each rounded to ε: the sum is 1 within 25ε.
				if s := floats.Sum(row); math.Abs(s-1) > 25*0x1p-52 || floats.Min(row) < 0 {
					t.Fatalf("%s row %d: sum %v, min %v", name, i, s, floats.Min(row))
				}
			}
		}
		mustPanic(t, name+" wrong dst", func() { th.Probabilities(mat.NewDense(2, 25, nil), d.xte) })
		mustPanic(t, name+" wrong x", func() { th.Probabilities(&mat.Dense{}, mat.NewDense(2, 99, nil)) })
	}
}

func mustPanic(t *testing.T, name string, f func()) {
	t.Helper()
	defer func() {
		if r := recover(); r == nil {
			t.Errorf("%s: no panic", name)
		}
	}()
	f()
}

// TestDeterminism trains a network large enough for parallel training
// (the float32 path cuts a batch of 300 into 13 row chunks and the
// layers into column chunks; the float64 path goes through gonum's
// parallel kernels) under GOMAXPROCS 1, 2 and 3 (repeatedly) and
// compares the weights and probabilities bit for bit.
func TestDeterminism(t *testing.T) {
	// Not parallel: it changes GOMAXPROCS.
	rng := rand.New(rand.NewPCG(1, 2))
	x, y := blocks(4, 300, rng)
	for _, prec := range []Precision{Float32, Float64} {
		run := func(procs int) []float64 {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			net := NewNetwork(16, []float64{1, 2, 3, 4}, Architecture{Hidden: []int{512, 256}}, rand.NewPCG(3, 4))
			net.SetPrecision(prec)
			if _, err := Train(net, x, y, &TrainSettings{Epochs: 2, BatchSize: 300, ValidationFraction: 0.2, Precision: prec, Src: rand.NewPCG(5, 6)}); err != nil {
				t.Fatal(err)
			}
			// Plain SGD with L2 takes the fused update path.
			if _, err := Train(net, x, y, &TrainSettings{Epochs: 1, BatchSize: 100, Optimizer: SGD, L2: 1e-3, Precision: prec, Src: rand.NewPCG(7, 8)}); err != nil {
				t.Fatal(err)
			}
			var p mat.Dense
			net.Probabilities(&p, x)
			return append(slices.Clone(net.params), p.RawMatrix().Data...)
		}
		a := run(1)
		// Repeated: a scheduling bug shows up as an occasional difference.
		for _, procs := range []int{2, 2, 2, 2, 3, 3} {
			b := run(procs)
			for i := range a {
				if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
					t.Fatalf("%v: GOMAXPROCS 1 and %d differ at %d: %v vs %v", prec, procs, i, a[i], b[i])
				}
			}
		}
	}
}

// TestPrecisionsAgree trains the same network from the same seeds in
// float32 and float64, for each optimizer, and compares the trajectories:
// the per-epoch losses and the final weights and probabilities.
//
// Tolerances. Each float32 product of length k ≤ 64 here, over values of
// order 1, is within k·2⁻²⁴ ≈ 4e-6 relative of the float64 one at worst
// and √k·2⁻²⁴ ≈ 5e-7 typically; tanh adds ≤ 4e-7 absolute. On this well
// conditioned problem (5 epochs, 100 steps of batch 50) the differences do
// not grow much: measured, the weights agree to 3e-7, the probabilities to
// 8e-7 and the losses to 7e-7 relative (Adam; SGD is 3 to 10 times
// closer). The tolerances are 5e-6 for weights and probabilities (the
// worst-case product bound plus tanh) and 5e-6 relative for the losses
// (the measured value with a margin of 7: a loss term moves by Δp/p, which
// has no useful bound for a badly classified row); a wrong gradient or
// update in either path misses them by orders of magnitude.
func TestPrecisionsAgree(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	x, y := blocks(4, 250, rng)
	const weightTol, pTol, lossTol = 5e-6, 5e-6, 5e-6
	for _, c := range []struct {
		name string
		s    TrainSettings
	}{
		{"sgd", TrainSettings{Optimizer: SGD}},
		{"sgd/momentum/l2/bce", TrainSettings{Optimizer: SGD, Momentum: 0.5, L2: 1e-3, Loss: BinaryCrossEntropy}},
		{"adam/symmetrize", TrainSettings{Optimizer: Adam, Symmetrize: true, ValidationFraction: 0.2}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var nets [2]*Network
			var hist [2][]EpochStats
			for i, prec := range []Precision{Float32, Float64} {
				net := NewNetwork(16, []float64{1, 2, 3, 4}, Architecture{Hidden: []int{64, 32}}, rand.NewPCG(3, 4))
				s := c.s
				s.Epochs, s.BatchSize, s.Precision, s.Src = 5, 50, prec, rand.NewPCG(5, 6)
				s.Progress = func(e EpochStats) error { hist[i] = append(hist[i], e); return nil }
				if _, err := Train(net, x, y, &s); err != nil {
					t.Fatal(err)
				}
				nets[i] = net
			}
			var lossRel float64
			for e := range hist[0] {
				a, b := hist[0][e], hist[1][e]
				lossRel = max(lossRel, math.Abs(a.Loss-b.Loss)/b.Loss)
				if !math.IsNaN(b.ValLoss) {
					lossRel = max(lossRel, math.Abs(a.ValLoss-b.ValLoss)/b.ValLoss)
				}
				if math.Abs(a.Loss-b.Loss) > lossTol*b.Loss {
					t.Errorf("epoch %d: loss %v (float32) vs %v (float64)", e+1, a.Loss, b.Loss)
				}
				if !math.IsNaN(b.ValLoss) && math.Abs(a.ValLoss-b.ValLoss) > lossTol*b.ValLoss {
					t.Errorf("epoch %d: validation loss %v vs %v", e+1, a.ValLoss, b.ValLoss)
				}
			}
			var worst float64
			for i := range nets[0].params {
				worst = max(worst, math.Abs(nets[0].params[i]-nets[1].params[i]))
			}
			if worst > weightTol {
				t.Errorf("weights differ by up to %.3g", worst)
			}
			// Inference on the same (float64-trained) weights in both
			// precisions, then across the two trained networks.
			net := nets[1]
			var p32, p64 mat.Dense
			net.Probabilities(&p32, x)
			net.SetPrecision(Float64)
			net.Probabilities(&p64, x)
			var dp float64
			for i, v := range p32.RawMatrix().Data {
				dp = max(dp, math.Abs(v-p64.RawMatrix().Data[i]))
			}
			if dp > pTol {
				t.Errorf("same weights: probabilities differ by up to %.3g", dp)
			}
			nets[0].Probabilities(&p32, x)
			for i, v := range p32.RawMatrix().Data {
				dp = max(dp, math.Abs(v-p64.RawMatrix().Data[i]))
			}
			if dp > pTol {
				t.Errorf("trained networks: probabilities differ by up to %.3g", dp)
			}
			t.Logf("weights within %.3g, probabilities within %.3g, losses within %.3g relative", worst, dp, lossRel)
		})
	}
}

func TestDiverged(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	x, y := blocks(4, 50, rng)
	net := NewNetwork(16, []float64{1, 2, 3, 4}, Architecture{Hidden: []int{8}, Activation: ReLU}, rand.NewPCG(3, 4))
	// A good first epoch, then an absurd learning rate.
	if _, err := Train(net, x, y, &TrainSettings{Epochs: 1}); err != nil {
		t.Fatal(err)
	}
	good := slices.Clone(net.params)
	_, err := Train(net, x, y, &TrainSettings{Epochs: 50, Optimizer: SGD, LearningRate: 1e200})
	if !errors.Is(err, ErrDiverged) {
		t.Fatalf("err = %v, want ErrDiverged", err)
	}
	if !slices.Equal(good, net.params) {
		t.Error("weights not restored to the last good epoch")
	}
}

func TestProgressAndEarlyStopping(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	x, _ := blocks(4, 100, rng)
	// Random labels: nothing to learn, so the validation loss stops
	// improving as soon as the network starts memorising.
	y := make([]int, 400)
	for i := range y {
		y[i] = rng.IntN(4)
	}
	net := NewNetwork(16, []float64{1, 2, 3, 4}, Architecture{Hidden: []int{128}}, rand.NewPCG(3, 4))
	var seen []EpochStats
	res, err := Train(net, x, y, &TrainSettings{Epochs: 500, LearningRate: 1e-2, ValidationFraction: 0.25, Patience: 5,
		Progress: func(s EpochStats) error { seen = append(seen, s); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Stopped || res.Epochs >= 500 || res.Epochs != res.BestEpoch+5 || len(seen) != res.Epochs {
		t.Errorf("stopped %v after %d epochs, best %d, %d callbacks", res.Stopped, res.Epochs, res.BestEpoch, len(seen))
	}
	for i, s := range seen {
		if s.Epoch != i+1 || math.IsNaN(s.ValLoss) {
			t.Fatalf("callback %d: %+v", i, s)
		}
	}
	// The callback's error comes back unchanged.
	sentinel := errors.New("stop")
	_, err = Train(net, x, y, &TrainSettings{Epochs: 10, Progress: func(s EpochStats) error {
		if s.Epoch == 3 {
			return sentinel
		}
		return nil
	}})
	if err != sentinel {
		t.Errorf("err = %v, want the callback's error", err)
	}
	if _, err := Train(net, x, append(y[:399:399], 4), nil); err == nil {
		t.Error("label out of range accepted")
	}
}

// TestSymmetrize checks that the random symmetry maps rows to rows of the
// same energy and |magnetisation|, as a signed permutation of the sites, and
// that all eight point-group operations, both signs and all translations
// occur.
func TestSymmetrize(t *testing.T) {
	t.Parallel()
	const L = 5
	tr := &trainer{rng: rand.New(rand.NewPCG(1, 2)), side: L, scratch: make([]float64, L*L)}
	src := rand.New(rand.NewPCG(3, 4))
	row := make([]float64, L*L)
	for i := range row {
		row[i] = float64(2*src.IntN(2) - 1)
	}
	toBits := func(s []float64) []float64 {
		v := make([]float64, len(s))
		for i, x := range s {
			v[i] = (x + 1) / 2
		}
		return v
	}
	e0 := lattice.Bonds(L, toBits(row))
	m0 := math.Abs(lattice.Spin(toBits(row)))
	seen := map[string]bool{}
	for range 2000 {
		got := slices.Clone(row)
		tr.symmetrize(got)
		if e := lattice.Bonds(L, toBits(got)); e != e0 {
			t.Fatalf("energy %v, want %v", e, e0)
		}
		if m := math.Abs(lattice.Spin(toBits(got))); m != m0 {
			t.Fatalf("|M| %v, want %v", m, m0)
		}
		seen[fmt.Sprint(got)] = true
	}
	// A generic 5×5 row has 8·25·2 = 400 distinct images; 2000 draws miss
	// a given one with probability (1 − 1/400)^2000 ≈ 0.7%, so nearly all
	// (≥ 390) must appear, and never more than 400.
	if len(seen) < 390 || len(seen) > 400 {
		t.Errorf("%d distinct images, want ≈ 400", len(seen))
	}
}

// TestNoAllocations guards the hot loops: a training step and inference
// on batches small enough for gonum's serial matrix kernels allocate
// nothing once their buffers exist.
func TestNoAllocations(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	x, y := blocks(4, 8, rng)
	net := NewNetwork(16, []float64{1, 2, 3, 4}, Architecture{Hidden: []int{32, 16}}, rand.NewPCG(3, 4))
	for _, opt := range []Optimizer{Adam, SGD} {
		set := &TrainSettings{Optimizer: opt, Momentum: 0.5, LearningRate: 1e-3, L2: 1e-4, Symmetrize: true}
		tr := &trainer{net: net, set: set, grads: make([]float64, len(net.params)), ybuf: make([]int, 32),
			rng: rng, side: 4, scratch: make([]float64, 16),
			m: make([]float64, len(net.params)), v: make([]float64, len(net.params))}
		tr.gw, tr.gb = viewsLike(net, tr.grads)
		ws := net.newWork(32, true)
		idx := allRows(32)
		if a := testing.AllocsPerRun(20, func() { tr.gradient(ws, x, y, idx); tr.update() }); a != 0 {
			t.Errorf("%v: training step allocates %v times", opt, a)
		}
	}
	// The float32 path: a step with the pool of goroutines of Train (two
	// of them on a machine with two CPUs or more), for each update rule.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	for _, set := range []*TrainSettings{
		{Optimizer: Adam, LearningRate: 1e-3, L2: 1e-4, Symmetrize: true},
		{Optimizer: SGD, Momentum: 0.5, LearningRate: 1e-3},
		{Optimizer: SGD, LearningRate: 1e-3, L2: 1e-4},
	} {
		base := &trainer{net: net, set: set, rng: rng, side: 4, scratch: make([]float64, 16)}
		tr := newTrainer32(net, set, 32, base)
		idx := allRows(32)
		if want := min(2, runtime.NumCPU()); len(tr.workers) != want {
			t.Errorf("%d workers, want %d", len(tr.workers), want)
		}
		if a := testing.AllocsPerRun(20, func() { tr.step(x, y, idx) }); a != 0 {
			t.Errorf("%+v: float32 training step allocates %v times", *set, a)
		}
		tr.close()
	}
	p := mat.NewDense(32, 4, nil)
	for _, prec := range []Precision{Float32, Float64} {
		net.SetPrecision(prec)
		if a := testing.AllocsPerRun(20, func() { net.Probabilities(p, x) }); a != 0 {
			t.Errorf("%v: Probabilities allocates %v times", prec, a)
		}
	}
}

func allRows(n int) []int {
	r := make([]int, n)
	for i := range r {
		r[i] = i
	}
	return r
}

// TestTrainRejectsBadData checks that NaN or infinite cells and labels out
// of range are reported up front as data errors, not as ErrDiverged, and
// leave the weights untouched, while fractional finite cells train.
func TestTrainRejectsBadData(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	x0, y0 := blocks(4, 10, rng)
	for _, tc := range []struct {
		name string
		cell float64
		y    int
		want string
	}{
		{"NaN cell", math.NaN(), 0, "NaN"},
		{"+Inf cell", math.Inf(1), 0, "+Inf"},
		{"-Inf cell", math.Inf(-1), 0, "-Inf"},
		{"label too large", 0.5, 4, "label 4 out of range"},
		{"negative label", 0.5, -1, "label -1 out of range"},
	} {
		net := NewNetwork(16, []float64{1, 2, 3, 4}, Small, rand.NewPCG(3, 4))
		before := slices.Clone(net.params)
		x := mat.DenseCopyOf(x0)
		y := slices.Clone(y0)
		x.Set(17, 5, tc.cell)
		y[23] = tc.y
		_, err := Train(net, x, y, &TrainSettings{Epochs: 2})
		if err == nil || errors.Is(err, ErrDiverged) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want a data error mentioning %q", tc.name, err, tc.want)
		}
		if !slices.Equal(before, net.params) {
			t.Errorf("%s: weights changed", tc.name)
		}
	}
	// Fractional finite cells (mean-field probabilities) are allowed.
	x := mat.DenseCopyOf(x0)
	x.Set(17, 5, 0.5)
	x.Set(3, 0, 0.25)
	net := NewNetwork(16, []float64{1, 2, 3, 4}, Small, rand.NewPCG(3, 4))
	if _, err := Train(net, x, y0, &TrainSettings{Epochs: 2}); err != nil {
		t.Errorf("fractional cells: %v", err)
	}
}

// TestSymmetrizeInField: with Field ≠ 0 the random symmetry keeps the
// signed magnetisation (no global flip, which is no symmetry in a field)
// and the energy, and still reaches every lattice image: 8·25 = 200 for a
// generic 5×5 row.
func TestSymmetrizeInField(t *testing.T) {
	t.Parallel()
	const L = 5
	tr := &trainer{rng: rand.New(rand.NewPCG(1, 2)), side: L, scratch: make([]float64, L*L), set: &TrainSettings{Field: 0.3}}
	src := rand.New(rand.NewPCG(3, 4))
	row := make([]float64, L*L)
	sum := 0.0
	for i := range row {
		row[i] = float64(2*src.IntN(2) - 1)
		sum += row[i]
	}
	seen := map[string]bool{}
	for range 2000 {
		got := slices.Clone(row)
		tr.symmetrize(got)
		s := 0.0
		for _, x := range got {
			s += x
		}
		if s != sum {
			t.Fatalf("magnetisation %v, want %v: the flip was applied in a field", s, sum)
		}
		seen[fmt.Sprint(got)] = true
	}
	// 2000 draws miss a given one of 200 images with probability
	// (1 − 1/200)^2000 ≈ 4.5e-5, so some image with probability at most
	// 200 × 4.5e-5 ≈ 0.009 for a random seed; the seed is fixed, and a
	// flip applied in a field would also break the magnetisation check.
	if len(seen) != 200 {
		t.Errorf("%d distinct images, want 200", len(seen))
	}
}

// TestSpinBitsSameBits: training from the rows packed as bits (spinBits)
// gives the same weights, bit for bit, as loading the float64 rows, with
// and without symmetrisation; a matrix with a cell that is not 0 or 1 is
// not packed.
func TestSpinBitsSameBits(t *testing.T) {
	x, y := randomRows(600, 100, 7)
	for _, sym := range []bool{false, true} {
		var params [2][]float64
		for k, off := range []bool{false, true} {
			noSpinBits = off
			net := NewNetwork(100, paperGrid(), Small, rand.NewPCG(1, 2))
			if _, err := Train(net, x, y, &TrainSettings{Epochs: 2, Symmetrize: sym, Src: rand.NewPCG(3, 4)}); err != nil {
				t.Fatal(err)
			}
			params[k] = net.params
		}
		noSpinBits = false
		for i := range params[0] {
			if math.Float64bits(params[0][i]) != math.Float64bits(params[1][i]) {
				t.Fatalf("symmetrize %v: parameter %d is %v from bits, %v from rows", sym, i, params[0][i], params[1][i])
			}
		}
	}
	var s spinBits
	x.Set(3, 5, 0.5)
	if s.of(x); s.ok {
		t.Error("a matrix with a 0.5 cell was packed as bits")
	}
	x.Set(3, 5, 1)
	var s2 spinBits
	if s2.of(x); !s2.ok || s2.row(3)[0]>>5&1 != 1 {
		t.Errorf("0/1 matrix: packed %v, bit of cell (3, 5) %d", s2.ok, s2.row(3)[0]>>5&1)
	}
}
