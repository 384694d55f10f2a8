package thermo

import (
	"errors"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// opaqueSource is a rand.Source whose state cannot be saved.
type opaqueSource struct{ s rand.Source }

func (o opaqueSource) Uint64() uint64 { return o.s.Uint64() }

// trainCheckpoint trains a fresh network 2 epochs on x, y with set and
// returns the checkpoint written after epoch 2.
func trainCheckpoint(t *testing.T, x *mat.Dense, y []int, set TrainSettings) *Checkpoint {
	t.Helper()
	set.Epochs, set.CheckpointPath = 2, filepath.Join(t.TempDir(), "ck.npz")
	net := NewNetwork(16, []float64{1, 2, 3, 4}, Small, rand.NewPCG(3, 4))
	if _, err := Train(net, x, y, &set); err != nil {
		t.Fatal(err)
	}
	ck, err := LoadCheckpoint(set.CheckpointPath)
	if err != nil {
		t.Fatal(err)
	}
	return ck
}

// TestTrainSettings (issue 12, item 4; issue 10, defect 11): every
// TrainSettings field set to a bad value is an ErrSettings error naming the
// field and the value, returned before any update (a Schedule value found
// bad at its epoch leaves the network at the end of the previous one).
func TestTrainSettings(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	x, y := blocks(4, 20, rng)
	adamCk := trainCheckpoint(t, x, y, TrainSettings{ValidationFraction: 0.2})
	sgdCk := trainCheckpoint(t, x, y, TrainSettings{Optimizer: SGD, Momentum: 0.5})
	spoilt := func(f func(c *Checkpoint)) *Checkpoint {
		c := *adamCk
		c.Network = adamCk.Network.Clone()
		c.M, c.V, c.Best = slices.Clone(adamCk.M), slices.Clone(adamCk.V), slices.Clone(adamCk.Best)
		c.Train, c.Val = slices.Clone(adamCk.Train), slices.Clone(adamCk.Val)
		f(&c)
		return &c
	}
	nanAt2 := func(e int) float64 {
		if e == 2 {
			return math.NaN()
		}
		return 1e-3
	}
	for _, tc := range []struct {
		name, want string
		s          TrainSettings
		epochs     int // epochs trained before the error
	}{
		{name: "Epochs", want: "Epochs = -1", s: TrainSettings{Epochs: -1}},
		{name: "BatchSize", want: "BatchSize = -5", s: TrainSettings{BatchSize: -5}},
		{name: "Optimizer", want: "Optimizer = 7", s: TrainSettings{Optimizer: 7}},
		{name: "LearningRate negative", want: "LearningRate = -1", s: TrainSettings{LearningRate: -1}},
		{name: "LearningRate NaN", want: "LearningRate = NaN", s: TrainSettings{LearningRate: math.NaN()}},
		{name: "LearningRate Inf", want: "LearningRate = +Inf", s: TrainSettings{LearningRate: math.Inf(1)}},
		{name: "Schedule negative", want: "Schedule(1) = -0.5", s: TrainSettings{Schedule: func(int) float64 { return -0.5 }}},
		{name: "Schedule NaN at epoch 2", want: "Schedule(2) = NaN", s: TrainSettings{Epochs: 3, Schedule: nanAt2}, epochs: 1},
		{name: "Momentum 1.5", want: "Momentum = 1.5", s: TrainSettings{Optimizer: SGD, Momentum: 1.5}},
		{name: "Momentum 1", want: "Momentum = 1", s: TrainSettings{Optimizer: SGD, Momentum: 1}},
		{name: "Momentum negative", want: "Momentum = -0.5", s: TrainSettings{Momentum: -0.5}},
		{name: "Momentum NaN", want: "Momentum = NaN", s: TrainSettings{Momentum: math.NaN()}},
		{name: "L2 negative", want: "L2 = -0.1", s: TrainSettings{L2: -0.1}},
		{name: "L2 NaN", want: "L2 = NaN", s: TrainSettings{L2: math.NaN()}},
		{name: "Loss", want: "Loss = 3", s: TrainSettings{Loss: 3}},
		{name: "ValidationFraction 1", want: "ValidationFraction = 1", s: TrainSettings{ValidationFraction: 1}},
		{name: "ValidationFraction NaN", want: "ValidationFraction = NaN", s: TrainSettings{ValidationFraction: math.NaN()}},
		{name: "Patience", want: "Patience = -1", s: TrainSettings{Patience: -1}},
		{name: "Symmetrize", want: "Symmetrize = true needs rows on a square lattice, not 12 sites", s: TrainSettings{Symmetrize: true}},
		{name: "Precision", want: "Precision = 9", s: TrainSettings{Precision: 9}},
		{name: "Src cannot checkpoint", want: "Src = thermo.opaqueSource cannot be checkpointed", s: TrainSettings{
			Src: opaqueSource{rand.NewPCG(1, 1)}, CheckpointPath: filepath.Join(t.TempDir(), "ck.npz")}},
		{name: "CheckpointEvery", want: "CheckpointEvery = -1", s: TrainSettings{CheckpointEvery: -1}},
		{name: "Field NaN", want: "Field = NaN", s: TrainSettings{Field: math.NaN()}},
		{name: "Field Inf", want: "Field = +Inf", s: TrainSettings{Field: math.Inf(1)}},
		{name: "Resume Epochs below", want: "Epochs = 1 (want ≥ Resume.Epoch = 2)", s: TrainSettings{Epochs: 1, ValidationFraction: 0.2, Resume: adamCk}},
		{name: "Resume optimizer", want: "Resume: Optimizer = sgd, the settings' adam", s: TrainSettings{Epochs: 3, Resume: sgdCk}},
		{name: "Resume precision", want: "Resume: Precision = float32, the settings' float64", s: TrainSettings{Epochs: 3, ValidationFraction: 0.2, Precision: Float64, Resume: adamCk}},
		{name: "Resume momentum", want: "needs it false", s: TrainSettings{Epochs: 3, Optimizer: SGD, Resume: sgdCk}},
		{name: "Resume validation", want: "16 validation rows, but ValidationFraction = 0", s: TrainSettings{Epochs: 3, Resume: adamCk}},
		{name: "Resume rows", want: "covers 80 rows, x has 60", s: TrainSettings{Epochs: 3, ValidationFraction: 0.2, Resume: adamCk}},
		{name: "Resume network", want: "the checkpoint's network is [16 3 4]", s: TrainSettings{Epochs: 3, ValidationFraction: 0.2, Resume: spoilt(func(c *Checkpoint) {
			c.Network = NewNetwork(16, []float64{1, 2, 3, 4}, Architecture{Hidden: []int{3}}, rand.NewPCG(1, 1))
		})}},
		{name: "Resume grid", want: "temperature grid [1 2 3 5]", s: TrainSettings{Epochs: 3, ValidationFraction: 0.2, Resume: spoilt(func(c *Checkpoint) {
			c.Network.grid[3] = 5
		})}},
		{name: "Resume NaN moment", want: "a moment or the best parameters", s: TrainSettings{Epochs: 3, ValidationFraction: 0.2, Resume: spoilt(func(c *Checkpoint) { c.V[7] = math.NaN() })}},
		{name: "Resume short moment", want: "a moment or the best parameters: 3 values", s: TrainSettings{Epochs: 3, ValidationFraction: 0.2, Resume: spoilt(func(c *Checkpoint) { c.M = c.M[:3] })}},
		{name: "Resume NaN weight", want: "a network parameter is not finite", s: TrainSettings{Epochs: 3, ValidationFraction: 0.2, Resume: spoilt(func(c *Checkpoint) { c.Network.params[0] = math.Inf(1) })}},
		{name: "Resume split", want: "not a permutation", s: TrainSettings{Epochs: 3, ValidationFraction: 0.2, Resume: spoilt(func(c *Checkpoint) { c.Train[0] = c.Train[1] })}},
		{name: "Resume RNG", want: "Resume.RNG does not fit Src", s: TrainSettings{Epochs: 3, ValidationFraction: 0.2, Resume: spoilt(func(c *Checkpoint) { c.RNG = []byte("junk") })}},
		{name: "Resume nil network", want: "Resume: Network is nil", s: TrainSettings{Epochs: 3, Resume: spoilt(func(c *Checkpoint) { c.Network = nil })}},
	} {
		xx, yy := x, y
		if strings.Contains(tc.want, "x has 60") {
			xx, yy = x.Slice(0, 60, 0, 16).(*mat.Dense), y[:60]
		}
		nIn := 16
		if tc.s.Symmetrize {
			nIn, xx = 12, x.Slice(0, 80, 0, 12).(*mat.Dense)
		}
		net := NewNetwork(nIn, []float64{1, 2, 3, 4}, Small, rand.NewPCG(3, 4))
		want := slices.Clone(net.params)
		if tc.epochs > 0 {
			ref := NewNetwork(16, []float64{1, 2, 3, 4}, Small, rand.NewPCG(3, 4))
			if _, err := Train(ref, x, y, &TrainSettings{Epochs: tc.epochs}); err != nil {
				t.Fatal(err)
			}
			want = ref.params
		}
		_, err := Train(net, xx, yy, &tc.s)
		if !errors.Is(err, ErrSettings) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err %v, want ErrSettings naming %q", tc.name, err, tc.want)
		}
		if !slices.Equal(want, net.params) {
			t.Errorf("%s: the network is not that of %d epochs", tc.name, tc.epochs)
		}
	}
}

// TestDivergenceRule: the case of issue 10 (Adam at learning rate 1e3,
// which returned nil with a loss of 108) and SGD at absurd rates return
// ErrDiverged with the network at the end of the last good epoch (finite,
// of the order of the initial weights); sound settings never trigger the
// rule.
func TestDivergenceRule(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	grid := []float64{1, 2, 3, 4, 5, 6, 7, 8}
	x, y := blocks(len(grid), 100, rng)
	init := NewNetwork(16, grid, Small, rand.NewPCG(3, 4))
	r0 := rms(init.params)
	for _, tc := range []struct {
		name string
		s    TrainSettings
	}{
		{"adam 1e3", TrainSettings{Epochs: 20, LearningRate: 1e3}},
		{"adam 1e3 float64", TrainSettings{Epochs: 20, LearningRate: 1e3, Precision: Float64}},
		{"adam 1e3 bce", TrainSettings{Epochs: 20, LearningRate: 1e3, Loss: BinaryCrossEntropy}},
		{"adam 10", TrainSettings{Epochs: 20, LearningRate: 10}},
		{"sgd 1e3 momentum 0.9", TrainSettings{Epochs: 20, Optimizer: SGD, LearningRate: 1e3, Momentum: 0.9}},
		{"sgd 1e6", TrainSettings{Epochs: 20, Optimizer: SGD, LearningRate: 1e6}},
	} {
		net := NewNetwork(16, grid, Small, rand.NewPCG(3, 4))
		var good []float64
		tc.s.Src = rand.NewPCG(5, 6)
		tc.s.Progress = func(EpochStats) error { good = slices.Clone(net.params); return nil }
		_, err := Train(net, x, y, &tc.s)
		if !errors.Is(err, ErrDiverged) {
			t.Errorf("%s: err %v, want ErrDiverged", tc.name, err)
			continue
		}
		if good == nil {
			good = init.params
		}
		if !slices.Equal(good, net.params) {
			t.Errorf("%s: weights not those of the last good epoch", tc.name)
		}
		if r := rms(net.params); math.IsNaN(r) || r > 10*max(r0, 1) {
			t.Errorf("%s: kept parameters have RMS %v (initial %v)", tc.name, r, r0)
		}
	}
	for _, tc := range []struct {
		name string
		s    TrainSettings
	}{
		{"adam default", TrainSettings{Epochs: 30}},
		{"adam 1e-2", TrainSettings{Epochs: 30, LearningRate: 1e-2}},
		{"adam 1e-2 batch 10", TrainSettings{Epochs: 10, BatchSize: 10, LearningRate: 1e-2}},
		{"sgd 0.1 momentum 0.9", TrainSettings{Epochs: 30, Optimizer: SGD, LearningRate: 0.1, Momentum: 0.9}},
		{"sgd 0.1 bce", TrainSettings{Epochs: 30, Optimizer: SGD, Loss: BinaryCrossEntropy}},
	} {
		net := NewNetwork(16, grid, Small, rand.NewPCG(3, 4))
		tc.s.Src = rand.NewPCG(5, 6)
		if _, err := Train(net, x, y, &tc.s); err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

// TestNaNCells (issue 10, defect 11): NaN cells never reach a probability
// table or a calibration table: Calibrate, FitEnsemble and FitEnergyBayes
// return an error naming the cell, and Calibrate refuses a thermometer whose
// probabilities are NaN.
func TestNaNCells(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	grid := []float64{1, 2, 3, 4}
	x, y := blocks(len(grid), 20, rng)
	bad := mat.DenseCopyOf(x)
	bad.Set(5, 3, math.NaN())
	net := NewNetwork(16, grid, Small, rand.NewPCG(3, 4))
	if _, err := Calibrate(net, x, y); err != nil {
		t.Fatal(err)
	}
	const want = "cell (5, 3) of the configurations is NaN"
	if _, err := Calibrate(net, bad, y); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Calibrate: %v", err)
	}
	if _, err := FitEnsemble(0, Energy, bad, y, grid); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("FitEnsemble: %v", err)
	}
	if _, err := FitEnergyBayes(0, bad, y, grid); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("FitEnergyBayes: %v", err)
	}
	broken := net.Clone()
	broken.params[0] = math.NaN()
	if _, err := Calibrate(broken, x, y); err == nil || !strings.Contains(err.Error(), "probability of class") {
		t.Errorf("Calibrate with NaN weights: %v", err)
	}
}

// TestExponentialSchedule: lr·factor^(epoch−1) from epoch 1, and a panic
// for a bad rate or factor.
func TestExponentialSchedule(t *testing.T) {
	t.Parallel()
	f := ExponentialSchedule(0.01, 0.5)
	for e, want := range map[int]float64{1: 0.01, 2: 0.005, 4: 0.00125} {
		if got := f(e); math.Abs(got-want) > 1e-18 {
			t.Errorf("epoch %d: %v, want %v", e, got, want)
		}
	}
	if c := ExponentialSchedule(0.2, 1); c(1) != 0.2 || c(100) != 0.2 {
		t.Errorf("factor 1: %v, %v, want 0.2 throughout", c(1), c(100))
	}
	for _, bad := range [][2]float64{{-1, 0.5}, {math.NaN(), 0.5}, {math.Inf(1), 0.5}, {0.1, 0}, {0.1, 1.5}, {0.1, math.NaN()}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("ExponentialSchedule(%v, %v) did not panic", bad[0], bad[1])
				}
			}()
			ExponentialSchedule(bad[0], bad[1])
		}()
	}
}
