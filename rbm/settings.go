package rbm

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// ErrSettings is returned (wrapped, with the field and its value) by
// Train for an invalid Settings field.
var ErrSettings = errors.New("rbm: invalid settings")

// Settings configures Train. A nil *Settings means all defaults.
type Settings struct {
	// Epochs is the number of passes over the data (default 1). When
	// resuming it counts from the start of the run, so it must be at least
	// Resume.Epoch.
	Epochs int
	// BatchSize is the minibatch size (default 100). The last minibatch of
	// an epoch may be smaller.
	BatchSize int
	// LearningRate is the step size (default 0.01, the paper's value).
	LearningRate float64
	// Schedule, if not nil, gives the learning rate of each epoch (counted
	// from 1) and overrides LearningRate. The model's Hyper records the
	// rate of the last epoch and Schedule = true.
	Schedule func(epoch int) float64
	// Momentum is the momentum coefficient μ of the update
	// Δ ← μΔ + η(∇ − L2·W − L1·sign W) (default 0).
	Momentum float64
	// L2 and L1 are the weight-decay coefficients (applied to W only).
	L2, L1 float64
	// Src seeds the run's random stream (shuffling and the trainer's
	// chains). If Src is nil, rand.NewPCG(1, 2) is used.
	Src rand.Source
	// Validation, if not nil, is held-out binary data for the monitors.
	Validation *mat.Dense
	// Monitors selects the per-epoch monitors (default none: Progress
	// then sees the epoch, its learning rate and the early-stopping
	// fields, and NaN for the rest; MonitorRecon is the cheap and usual
	// choice). Monitors are computed only for the epochs that Progress
	// sees or that early stopping scores, from a random stream of their
	// own, so they never change the training trajectory.
	Monitors Monitor
	// MonitorRows limits the training-data monitors to the first
	// MonitorRows rows of the data (default: all rows).
	MonitorRows int
	// AIS configures the MonitorAIS estimate (nil: defaults).
	AIS *AISSettings
	// L is the side of the L×L periodic lattice the rows live on, for
	// MonitorLattice (L² must be Nv). 0 means not a lattice.
	L int
	// MonitorChains and MonitorSteps configure the free chains of
	// MonitorLattice for trainers without persistent chains: MonitorChains
	// chains (default 100) started uniformly at random run MonitorSteps
	// block Gibbs steps (default 100) on each monitored epoch.
	MonitorChains, MonitorSteps int
	// Patience, if positive, turns on early stopping: every ProgressEvery
	// epochs the model is scored (Score, lower is better), training stops
	// after Patience scored epochs in a row without a lower score than the
	// best, and the model ends with the parameters of the best-scored
	// epoch (its Hyper.Epochs is that epoch, Hyper.StoppedAt the epoch
	// where training stopped, 0 if it ran to Epochs).
	Patience int
	// Score is the early-stopping score of an epoch's monitors. If it is
	// nil, the validation reconstruction error Valid.Recon is used (which
	// needs Validation; MonitorRecon is then always computed). A NaN score
	// is an error.
	Score func(Monitors) float64
	// Progress, if not nil, is called after every ProgressEvery epochs
	// (default 1) and after the last epoch, with the monitors, which are
	// computed only for those epochs. An error from it stops training and
	// is returned unchanged; the model keeps that epoch's parameters.
	Progress      func(Monitors) error
	ProgressEvery int
	// CheckpointPath, if not empty, is where a Checkpoint is written
	// (atomically) every CheckpointEvery epochs (default 1), after the
	// last epoch and when early stopping ends the run. An epoch's
	// checkpoint is written before Progress sees the epoch, so a run that
	// Progress stops can resume from the epoch where it stopped.
	CheckpointPath  string
	CheckpointEvery int
	// Resume, if not nil, continues the run saved in the checkpoint: the
	// model's parameters, the optimiser state, the chains, the random
	// stream and the early-stopping state are restored, Src is ignored,
	// and training runs from epoch Resume.Epoch+1 to Epochs (none if they
	// are equal: the model is then the checkpoint's). With the same data,
	// settings and trainer the result is bit-identical to the
	// uninterrupted run. The checkpoint must match the model's shape and
	// the trainer (persistent chains if and only if the trainer keeps
	// them).
	Resume *Checkpoint
}

// badSetting returns an error wrapping ErrSettings that names the field,
// its value and what is wanted.
func badSetting(field string, v any, want string) error {
	return fmt.Errorf("%w: %s = %v (want %s)", ErrSettings, field, v, want)
}

// withDefaults returns a copy of s (nil: the zero value) with the
// defaults filled in.
func withDefaults(s *Settings) Settings {
	var set Settings
	if s != nil {
		set = *s
	}
	if set.Epochs == 0 {
		set.Epochs = 1
	}
	if set.BatchSize == 0 {
		set.BatchSize = 100
	}
	if set.LearningRate == 0 {
		set.LearningRate = 0.01
	}
	if set.CheckpointEvery == 0 {
		set.CheckpointEvery = 1
	}
	if set.ProgressEvery == 0 {
		set.ProgressEvery = 1
	}
	if set.MonitorChains == 0 {
		set.MonitorChains = 100
	}
	if set.MonitorSteps == 0 {
		set.MonitorSteps = 100
	}
	if set.Patience > 0 && set.Score == nil {
		set.Monitors |= MonitorRecon
	}
	return set
}

// check returns an error wrapping ErrSettings for an invalid field of s
// (after defaults) for a model of nv visible units.
func (s *Settings) check(nv int) error {
	if err := s.checkNumbers(); err != nil {
		return err
	}
	if s.Monitors&^(monitorLast<<1-1) != 0 {
		return badSetting("Monitors", fmt.Sprintf("%#x", uint(s.Monitors)), "a combination of the Monitor constants")
	}
	if (s.L != 0 || s.Monitors&MonitorLattice != 0) && s.L*s.L != nv {
		return badSetting("L", s.L, fmt.Sprintf("L² = Nv = %d for MonitorLattice", nv))
	}
	if s.Patience > 0 && s.Score == nil && s.Validation == nil {
		return badSetting("Patience", s.Patience, "0 without Validation or a Score")
	}
	if s.Monitors&MonitorAIS != 0 {
		return s.AIS.check(nv)
	}
	return nil
}

// checkNumbers is check for the counts and the coefficients.
func (s *Settings) checkNumbers() error {
	for _, f := range []struct {
		name string
		v    int
	}{{"Epochs", s.Epochs}, {"BatchSize", s.BatchSize}, {"MonitorRows", s.MonitorRows},
		{"ProgressEvery", s.ProgressEvery}, {"CheckpointEvery", s.CheckpointEvery},
		{"L", s.L}, {"MonitorChains", s.MonitorChains}, {"MonitorSteps", s.MonitorSteps},
		{"Patience", s.Patience}} {
		if f.v < 0 {
			return badSetting(f.name, f.v, "≥ 0")
		}
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"LearningRate", s.LearningRate}, {"L2", s.L2}, {"L1", s.L1}} {
		if !(f.v >= 0) || math.IsInf(f.v, 0) {
			return badSetting(f.name, f.v, "a finite value ≥ 0")
		}
	}
	if !(s.Momentum >= 0 && s.Momentum < 1) {
		return badSetting("Momentum", s.Momentum, "a value in [0, 1)")
	}
	return nil
}

// check returns an error wrapping ErrSettings, naming the field as
// Settings.AIS's, for an invalid field of a (nil: the defaults) for a
// model of nv visible units.
func (a *AISSettings) check(nv int) error {
	if a == nil {
		return nil
	}
	if a.Chains < 0 {
		return badSetting("AIS.Chains", a.Chains, "≥ 0")
	}
	if a.Betas < 0 {
		return badSetting("AIS.Betas", a.Betas, "≥ 0")
	}
	if a.BaseVBias != nil && len(a.BaseVBias) != nv {
		return badSetting("len(AIS.BaseVBias)", len(a.BaseVBias), fmt.Sprintf("Nv = %d", nv))
	}
	for i, x := range a.BaseVBias {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return badSetting(fmt.Sprintf("AIS.BaseVBias[%d]", i), x, "a finite value")
		}
	}
	return nil
}
