package thermo

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestTrainSettings: every invalid TrainSettings field is an ErrSettings
// error naming the field and the value, returned before any update.
func TestTrainSettings(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	x, y := blocks(4, 20, rng)
	for _, tc := range []struct {
		name, want string
		s          TrainSettings
	}{
		{"Epochs", "Epochs = -1", TrainSettings{Epochs: -1}},
		{"BatchSize", "BatchSize = -5", TrainSettings{BatchSize: -5}},
		{"LearningRate negative", "LearningRate = -1", TrainSettings{LearningRate: -1}},
		{"LearningRate NaN", "LearningRate = NaN", TrainSettings{LearningRate: math.NaN()}},
		{"LearningRate Inf", "LearningRate = +Inf", TrainSettings{LearningRate: math.Inf(1)}},
		{"L2 negative", "L2 = -0.1", TrainSettings{L2: -0.1}},
		{"L2 NaN", "L2 = NaN", TrainSettings{L2: math.NaN()}},
		{"Momentum 1.5", "Momentum = 1.5", TrainSettings{Optimizer: SGD, Momentum: 1.5}},
		{"Momentum 1", "Momentum = 1", TrainSettings{Optimizer: SGD, Momentum: 1}},
		{"Momentum negative", "Momentum = -0.5", TrainSettings{Momentum: -0.5}},
		{"Momentum NaN", "Momentum = NaN", TrainSettings{Momentum: math.NaN()}},
		{"ValidationFraction 1", "ValidationFraction = 1", TrainSettings{ValidationFraction: 1}},
		{"ValidationFraction NaN", "ValidationFraction = NaN", TrainSettings{ValidationFraction: math.NaN()}},
		{"Patience", "Patience = -1", TrainSettings{Patience: -1}},
		{"Optimizer", "unknown Optimizer 7", TrainSettings{Optimizer: 7}},
		{"Loss", "unknown Loss 3", TrainSettings{Loss: 3}},
		{"Precision", "precision", TrainSettings{Precision: 9}},
	} {
		net := NewNetwork(16, []float64{1, 2, 3, 4}, Small, rand.NewPCG(3, 4))
		before := slices.Clone(net.params)
		_, err := Train(net, x, y, &tc.s)
		if !errors.Is(err, ErrSettings) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err %v, want ErrSettings naming %q", tc.name, err, tc.want)
		}
		if !slices.Equal(before, net.params) {
			t.Errorf("%s: the network changed before the settings were refused", tc.name)
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
