package rbm

import (
	"errors"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// resumeCheckpoint returns the checkpoint after 2 epochs of training an
// 8×3 model on data with trainer tr.
func resumeCheckpoint(t *testing.T, data *mat.Dense, tr Trainer) *Checkpoint {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ck.npz")
	m := New(8, 3, nil, rand.NewPCG(1, 1))
	if err := Train(m, data, &Settings{Epochs: 2, CheckpointPath: path}, tr); err != nil {
		t.Fatal(err)
	}
	ck, err := LoadCheckpoint(path)
	if err != nil {
		t.Fatal(err)
	}
	return ck
}

// TestTrainSettings (issue 12, item 4; issue 10, defect 11): every field of
// Settings and of the trainers, set to a bad value, is an error that names
// the field and the value (ErrSettings, or ErrNotBinary for data), returned
// before the model changes; a Schedule value or a score found bad at its
// epoch leaves the model at the end of the previous epoch.
func TestTrainSettings(t *testing.T) {
	t.Parallel()
	data := mixtureData(100, 5)
	pcdCk := resumeCheckpoint(t, data, PCD{})
	cdCk := resumeCheckpoint(t, data, CD{})
	spoilt := func(f func(c *Checkpoint)) *Checkpoint {
		c := *pcdCk
		c.Model = pcdCk.Model.Clone()
		c.Velocity = Gradient{W: mat.DenseCopyOf(pcdCk.Velocity.W), VBias: append([]float64(nil), pcdCk.Velocity.VBias...),
			HBias: append([]float64(nil), pcdCk.Velocity.HBias...)}
		c.Chains = mat.DenseCopyOf(pcdCk.Chains)
		f(&c)
		return &c
	}
	nonBinary := mat.DenseCopyOf(data)
	nonBinary.Set(3, 2, 0.5)
	half := func(e int) func(int) float64 {
		return func(epoch int) float64 {
			if epoch == e {
				return math.NaN()
			}
			return 0.01
		}
	}
	for _, tc := range []struct {
		name, want string
		s          Settings
		tr         Trainer
		epochs     int   // epochs trained before the error (the model then is that of this many epochs)
		is         error // default ErrSettings
	}{
		{name: "Epochs", want: "Epochs = -1", s: Settings{Epochs: -1}},
		{name: "BatchSize", want: "BatchSize = -1", s: Settings{BatchSize: -1}},
		{name: "LearningRate negative", want: "LearningRate = -1", s: Settings{LearningRate: -1}},
		{name: "LearningRate NaN", want: "LearningRate = NaN", s: Settings{LearningRate: math.NaN()}},
		{name: "LearningRate Inf", want: "LearningRate = +Inf", s: Settings{LearningRate: math.Inf(1)}},
		{name: "Schedule negative", want: "Schedule(1) = -0.1", s: Settings{Schedule: func(int) float64 { return -0.1 }}},
		{name: "Schedule NaN at epoch 2", want: "Schedule(2) = NaN", s: Settings{Epochs: 3, Schedule: half(2)}, epochs: 1},
		{name: "Schedule Inf", want: "Schedule(1) = +Inf", s: Settings{Schedule: func(int) float64 { return math.Inf(1) }}},
		{name: "Momentum 1.5", want: "Momentum = 1.5", s: Settings{Momentum: 1.5}},
		{name: "Momentum 1", want: "Momentum = 1", s: Settings{Momentum: 1}},
		{name: "Momentum negative", want: "Momentum = -0.1", s: Settings{Momentum: -0.1}},
		{name: "Momentum NaN", want: "Momentum = NaN", s: Settings{Momentum: math.NaN()}},
		{name: "L2", want: "L2 = -0.001", s: Settings{L2: -0.001}},
		{name: "L2 Inf", want: "L2 = +Inf", s: Settings{L2: math.Inf(1)}},
		{name: "L1", want: "L1 = -1", s: Settings{L1: -1}},
		{name: "L1 NaN", want: "L1 = NaN", s: Settings{L1: math.NaN()}},
		{name: "Validation not binary", want: "validation[3,2] = 0.5", s: Settings{Validation: nonBinary}, is: ErrNotBinary},
		{name: "Monitors unknown bit", want: "Monitors = 0x1000", s: Settings{Monitors: 1 << 12}},
		{name: "MonitorRows", want: "MonitorRows = -2", s: Settings{MonitorRows: -2}},
		{name: "AIS.Chains", want: "AIS.Chains = -1", s: Settings{Monitors: MonitorAIS, AIS: &AISSettings{Chains: -1}}},
		{name: "AIS.Betas", want: "AIS.Betas = -3", s: Settings{Monitors: MonitorAIS, AIS: &AISSettings{Betas: -3}}},
		{name: "AIS.BaseVBias length", want: "len(AIS.BaseVBias) = 2", s: Settings{Monitors: MonitorAIS, AIS: &AISSettings{BaseVBias: []float64{0, 0}}}},
		{name: "AIS.BaseVBias NaN", want: "AIS.BaseVBias[1] = NaN", s: Settings{Monitors: MonitorAIS, AIS: &AISSettings{BaseVBias: []float64{0, math.NaN(), 0, 0, 0, 0, 0, 0}}}},
		{name: "L negative", want: "L = -3", s: Settings{L: -3}},
		{name: "L not the lattice", want: "L = 3 (want L² = Nv = 8", s: Settings{L: 3}},
		{name: "MonitorLattice without L", want: "L = 0 (want L² = Nv = 8", s: Settings{Monitors: MonitorLattice}},
		{name: "MonitorChains", want: "MonitorChains = -1", s: Settings{MonitorChains: -1}},
		{name: "MonitorSteps", want: "MonitorSteps = -1", s: Settings{MonitorSteps: -1}},
		{name: "Patience negative", want: "Patience = -1", s: Settings{Patience: -1}},
		{name: "Patience without validation", want: "Patience = 2 (want 0 without Validation or a Score)", s: Settings{Patience: 2}},
		{name: "Score NaN", want: "Score = NaN at epoch 1", s: Settings{Patience: 2, Score: func(Monitors) float64 { return math.NaN() }}},
		{name: "ProgressEvery", want: "ProgressEvery = -1", s: Settings{ProgressEvery: -1}},
		{name: "CheckpointPath", want: "no-such-dir", s: Settings{CheckpointPath: filepath.Join(t.TempDir(), "no-such-dir", "ck.npz")}, epochs: 1, is: errNotNil},
		{name: "CheckpointEvery", want: "CheckpointEvery = -1", s: Settings{CheckpointEvery: -1}},
		{name: "Resume Epochs below", want: "Epochs = 1 (want ≥ Resume.Epoch = 2)", s: Settings{Resume: pcdCk}, tr: PCD{}},
		{name: "Resume PCD with CD", want: "Resume.Chains: the checkpoint holds persistent chains", s: Settings{Epochs: 3, Resume: pcdCk}},
		{name: "Resume CD with PCD", want: "Resume.Chains = nil but the trainer rbm.PCD", s: Settings{Epochs: 3, Resume: cdCk}, tr: PCD{}},
		{name: "Resume wrong shape", want: "the checkpoint's model is 8×4, the model to train 8×3", s: Settings{Epochs: 3, Resume: spoilt(func(c *Checkpoint) {
			c.Model = New(8, 4, nil, nil)
		})}, tr: PCD{}},
		{name: "Resume nil model", want: "Resume: Model is nil", s: Settings{Epochs: 3, Resume: spoilt(func(c *Checkpoint) { c.Model = nil })}, tr: PCD{}},
		{name: "Resume velocity shape", want: "Velocity.W is 3×8, want 8×3", s: Settings{Epochs: 3, Resume: spoilt(func(c *Checkpoint) {
			c.Velocity.W = mat.NewDense(3, 8, nil)
		})}, tr: PCD{}},
		{name: "Resume velocity nil", want: "Velocity.W is nil", s: Settings{Epochs: 3, Resume: spoilt(func(c *Checkpoint) { c.Velocity.W = nil })}, tr: PCD{}},
		{name: "Resume velocity NaN", want: "velocity holds NaN", s: Settings{Epochs: 3, Resume: spoilt(func(c *Checkpoint) { c.Velocity.HBias[2] = math.NaN() })}, tr: PCD{}},
		{name: "Resume NaN chains", want: "persistent chains[1,4] = NaN", s: Settings{Epochs: 3, Resume: spoilt(func(c *Checkpoint) { c.Chains.Set(1, 4, math.NaN()) })}, tr: PCD{}},
		{name: "Resume chains shape", want: "Chains have 5 columns, want 8", s: Settings{Epochs: 3, Resume: spoilt(func(c *Checkpoint) { c.Chains = mat.NewDense(4, 5, nil) })}, tr: PCD{}},
		{name: "Resume NaN weight", want: "W is not finite", s: Settings{Epochs: 3, Resume: spoilt(func(c *Checkpoint) { c.Model.W.Set(0, 0, math.NaN()) })}, tr: PCD{}},
		{name: "Resume bad RNG", want: "random state", s: Settings{Epochs: 3, Resume: spoilt(func(c *Checkpoint) { c.RNG = []byte("xyz") })}, tr: PCD{}},
		{name: "Resume negative epoch", want: "negative epoch -1", s: Settings{Epochs: 3, Resume: spoilt(func(c *Checkpoint) { c.Epoch = -1 })}, tr: PCD{}},
		{name: "Resume best without model", want: "best epoch 1 without a best model", s: Settings{Epochs: 3, Resume: spoilt(func(c *Checkpoint) { c.BestEpoch = 1 })}, tr: PCD{}},
		{name: "CD.K", want: "CD.K = -1", tr: CD{K: -1}},
		{name: "CD.Precision", want: "CD.Precision = Precision(7)", tr: CD{Precision: 7}},
		{name: "PCD.K", want: "PCD.K = -2", tr: PCD{K: -2}},
		{name: "PCD.Chains", want: "PCD.Chains = -1", tr: PCD{Chains: -1}},
		{name: "PCD.Chains against Resume", want: "PCD.Chains = 5 but the restored chains are 100×8", s: Settings{Epochs: 3, Resume: pcdCk}, tr: PCD{Chains: 5}},
		{name: "PCD.Precision", want: "PCD.Precision = Precision(3)", tr: PCD{Precision: 3}},
	} {
		if tc.tr == nil {
			tc.tr = CD{}
		}
		if tc.is == nil {
			tc.is = ErrSettings
		}
		m := New(8, 3, nil, rand.NewPCG(1, 1))
		want := m.Clone()
		if tc.epochs > 0 {
			ref := tc.s
			ref.Epochs, ref.Schedule, ref.CheckpointPath = tc.epochs, nil, ""
			if tc.s.Schedule != nil {
				ref.LearningRate = 0.01
			}
			if err := Train(want, data, &ref, tc.tr); err != nil {
				t.Fatal(err)
			}
		}
		err := Train(m, data, &tc.s, tc.tr)
		if err == nil || (tc.is != errNotNil && !errors.Is(err, tc.is)) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err %v, want %v naming %q", tc.name, err, tc.is, tc.want)
			continue
		}
		if !sameModel(m, want) {
			t.Errorf("%s: the model is not that of %d epochs", tc.name, tc.epochs)
		}
	}
}

// errNotNil in TestTrainSettings asks for any error.
var errNotNil = errors.New("any error")

// TestNilTrainer: a nil Trainer means CD{} (as gonum's Minimize takes a nil
// Method), in Train and EstimateGradient.
func TestNilTrainer(t *testing.T) {
	t.Parallel()
	data := mixtureData(100, 5)
	a, b := New(8, 3, nil, rand.NewPCG(1, 1)), New(8, 3, nil, rand.NewPCG(1, 1))
	set := Settings{Epochs: 3, Src: rand.NewPCG(2, 2)}
	if err := Train(a, data, &set, nil); err != nil {
		t.Fatal(err)
	}
	set.Src = rand.NewPCG(2, 2)
	if err := Train(b, data, &set, CD{}); err != nil {
		t.Fatal(err)
	}
	if !sameModel(a, b) || a.Hyper != b.Hyper {
		t.Error("Train with a nil trainer differs from CD{}")
	}
	ga, err := EstimateGradient(a, data, nil, rand.NewPCG(3, 3))
	if err != nil {
		t.Fatal(err)
	}
	gb, _ := EstimateGradient(a, data, CD{}, rand.NewPCG(3, 3))
	if !denseBits(ga.W, gb.W) {
		t.Error("EstimateGradient with a nil trainer differs from CD{}")
	}
}

// TestNewSettings: New panics for non-finite initial weights (a
// programmer's mistake, documented), and a nil source means
// rand.NewPCG(1, 2).
func TestNewSettings(t *testing.T) {
	t.Parallel()
	for _, s := range []InitSettings{{Sigma: math.NaN()}, {Mean: math.Inf(-1)}} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(r.(error).Error(), "InitSettings.") {
					t.Errorf("%+v: panic %v, want one naming the field", s, r)
				}
			}()
			New(4, 2, &s, nil)
		}()
	}
	if a, b := New(4, 2, nil, nil), New(4, 2, nil, rand.NewPCG(1, 2)); !sameModel(a, b) {
		t.Error("New with a nil source is not New with rand.NewPCG(1, 2)")
	}
}

// TestNilSource: the sampling methods panic with a message for a nil
// source (documented) instead of silently returning probabilities.
func TestNilSource(t *testing.T) {
	t.Parallel()
	m := New(4, 2, nil, nil)
	v := mat.NewDense(3, 4, nil)
	for name, f := range map[string]func(){
		"SampleHidden":         func() { var h mat.Dense; m.SampleHidden(&h, v, nil) },
		"SampleVisible":        func() { var d mat.Dense; m.SampleVisible(&d, mat.NewDense(3, 2, nil), nil) },
		"Reconstruct":          func() { var d mat.Dense; m.Reconstruct(&d, v, nil) },
		"ReconstructionErrors": func() { m.ReconstructionErrors(v, nil) },
	} {
		func() {
			defer func() {
				if r := recover(); r != errNilSource {
					t.Errorf("%s with a nil source: panic %v, want %v", name, r, errNilSource)
				}
			}()
			f()
		}()
	}
}
