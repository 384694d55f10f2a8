package thermo

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// ErrSettings is returned (wrapped, with the field and its value) by Train
// for an invalid TrainSettings field, and by FitEnergyBayes and FitEnsemble
// for a field h that is not finite.
var ErrSettings = errors.New("thermo: invalid settings")

// Loss is the training objective of a Network.
type Loss int

const (
	// CrossEntropy is the categorical cross-entropy −log p_y of the softmax
	// output, the standard choice.
	CrossEntropy Loss = iota
	// BinaryCrossEntropy is −Σ_k [y_k log p_k + (1 − y_k) log(1 − p_k)] on the
	// one-hot target y, the reference code's loss.
	BinaryCrossEntropy
)

// Optimizer is the update rule of Train.
type Optimizer int

const (
	// Adam is the adaptive-moment method of Kingma and Ba with β₁ = 0.9,
	// β₂ = 0.999, ε = 1e-8.
	Adam Optimizer = iota
	// SGD is stochastic gradient descent with optional (heavy-ball) momentum,
	// the reference code's method (learning rate 0.1, no momentum).
	SGD
)

// TrainSettings configures Train. The zero value (or a nil pointer) means the
// defaults given with each field.
type TrainSettings struct {
	// Epochs is the maximum number of passes over the training rows.
	// If it is 0, 50 is used.
	Epochs int
	// BatchSize is the number of rows per update. If it is 0, 100 is used.
	// The last batch of an epoch holds the remainder.
	BatchSize int
	// Optimizer is Adam (the default) or SGD.
	Optimizer Optimizer
	// LearningRate is the step size. If it is 0, 1e-3 is used for Adam and
	// 0.1 for SGD.
	LearningRate float64
	// Schedule, if not nil, gives the learning rate of each epoch (counted
	// from 1) and overrides LearningRate.
	Schedule func(epoch int) float64
	// Momentum is SGD's momentum coefficient in [0, 1); 0 is plain SGD.
	Momentum float64
	// L2 adds L2/2·Σw² over the weights (not the biases) to the loss.
	L2 float64
	// Loss is CrossEntropy (the default) or BinaryCrossEntropy.
	Loss Loss
	// ValidationFraction in [0, 1) is the fraction of each class's rows held
	// out, at random, for validation. If it is positive, the weights of the
	// epoch with the lowest validation loss are kept at the end.
	ValidationFraction float64
	// Patience, if positive and ValidationFraction is positive, stops
	// training after Patience epochs without a lower validation loss.
	Patience int
	// Symmetrize, if true, replaces each training row, every time it is
	// used, by its image under a random element of the symmetry group of the
	// zero-field Ising model on the periodic L×L lattice: a translation, one
	// of the eight rotations and reflections of the square, and a global
	// spin flip (8·L²·2 elements). The temperature is invariant under all of
	// them, so this is free data; it needs Inputs() = L². In a field
	// (Field ≠ 0) the global flip is no symmetry and is left out.
	Symmetrize bool
	// Field is the magnetic field h of the training data (0 for the
	// paper's); it must be finite. Only Symmetrize uses it.
	Field float64
	// Precision is the arithmetic of training: Float32 (the default; the
	// float64 parameters are rounded to float32 at the start, trained in
	// float32 and written back exactly at the end of every epoch, so the
	// Progress callback, the divergence checks and the validation see the
	// real weights) or Float64 (gonum's BLAS, the reference path). In
	// Float32 the softmax, the losses and their sums stay float64: they
	// cost little and keep the reported loss and the probabilities exact
	// to float64 rounding of the float32 logits. The validation loss uses
	// the same precision.
	Precision Precision
	// Src drives the validation split and the shuffling of the rows each
	// epoch. If it is nil, rand.NewPCG(1, 2) is used.
	Src rand.Source
	// Progress, if not nil, is called after every epoch. If it returns an
	// error, Train stops and returns that error unchanged (the network keeps
	// the weights of that epoch).
	Progress func(EpochStats) error
	// CheckpointPath, if not empty, is where a Checkpoint is written
	// (atomically) every CheckpointEvery epochs (default 1), after the
	// last epoch and when early stopping ends the run. Src (or the
	// default) must then marshal its state (encoding.BinaryMarshaler, as
	// *rand.PCG and *rand.ChaCha8 do).
	CheckpointPath  string
	CheckpointEvery int
	// Resume, if not nil, continues the run saved in the checkpoint: the
	// network's weights, the optimizer's state, the random stream (Src, or
	// a new default *rand.PCG, takes the checkpoint's state), the
	// training/validation split and the early-stopping state are restored,
	// and training runs from epoch Resume.Epoch+1 to Epochs. With the same
	// data and settings the result is bit-identical to the uninterrupted
	// run. The checkpoint must fit the network (sizes, activation, grid),
	// the data (its split covers the rows of x) and the settings
	// (Optimizer, Precision, momentum, validation).
	Resume *Checkpoint
}

// check returns an error wrapping ErrSettings for an invalid field of s.
func (s *TrainSettings) check() error {
	bad := func(field string, v any, want string) error {
		return fmt.Errorf("%w: %s = %v (want %s)", ErrSettings, field, v, want)
	}
	switch {
	case s.Epochs < 0:
		return bad("Epochs", s.Epochs, "≥ 0")
	case s.BatchSize < 0:
		return bad("BatchSize", s.BatchSize, "≥ 0")
	case !(s.LearningRate >= 0) || math.IsInf(s.LearningRate, 0):
		return bad("LearningRate", s.LearningRate, "a finite value ≥ 0")
	case !(s.L2 >= 0) || math.IsInf(s.L2, 0):
		return bad("L2", s.L2, "a finite value ≥ 0")
	case !(s.Momentum >= 0 && s.Momentum < 1):
		return bad("Momentum", s.Momentum, "a value in [0, 1)")
	case !(s.ValidationFraction >= 0 && s.ValidationFraction < 1):
		return bad("ValidationFraction", s.ValidationFraction, "a value in [0, 1)")
	case s.Patience < 0:
		return bad("Patience", s.Patience, "≥ 0")
	case s.CheckpointEvery < 0:
		return bad("CheckpointEvery", s.CheckpointEvery, "≥ 0")
	case math.IsNaN(s.Field) || math.IsInf(s.Field, 0):
		return bad("Field", s.Field, "a finite value")
	case s.Optimizer != Adam && s.Optimizer != SGD:
		return bad("Optimizer", int(s.Optimizer), "Adam or SGD")
	case s.Loss != CrossEntropy && s.Loss != BinaryCrossEntropy:
		return bad("Loss", int(s.Loss), "CrossEntropy or BinaryCrossEntropy")
	case s.Precision != Float32 && s.Precision != Float64:
		return bad("Precision", int(s.Precision), "Float32 or Float64")
	}
	return nil
}

// defaults fills in the defaults of s.
func (s *TrainSettings) defaults() {
	if s.Epochs == 0 {
		s.Epochs = 50
	}
	if s.BatchSize == 0 {
		s.BatchSize = 100
	}
	if s.LearningRate == 0 {
		s.LearningRate = 1e-3
		if s.Optimizer == SGD {
			s.LearningRate = 0.1
		}
	}
	if s.CheckpointEvery == 0 {
		s.CheckpointEvery = 1
	}
}

// ExponentialSchedule returns a TrainSettings.Schedule that starts at the
// learning rate lr and multiplies it by factor every epoch:
// lr·factor^(epoch−1). Annealing the rate lets the last epochs settle
// into a minimum that a constant Adam rate only circles; the thermometer
// example uses factor 0.97 over 100 epochs. It panics if lr is negative
// or not finite, or factor is not in (0, 1].
func ExponentialSchedule(lr, factor float64) func(epoch int) float64 {
	if !(lr >= 0) || math.IsInf(lr, 0) || !(factor > 0 && factor <= 1) {
		panic(fmt.Sprintf("thermo: ExponentialSchedule(%v, %v): want a finite lr ≥ 0 and 0 < factor ≤ 1", lr, factor))
	}
	return func(epoch int) float64 { return lr * math.Pow(factor, float64(epoch-1)) }
}
