package thermo

import (
	"errors"
	"math"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/rgflow/rgflow/internal/fileio/fiotest"
)

// TestCheckpointResume (issue 12, item 8; issue 10, defect 9): N epochs
// straight and N/2 epochs, a checkpoint, LoadCheckpoint and a resumed run
// to N give the same bits and the same result, for both optimizers and
// precisions, with a schedule, symmetrization, validation and early
// stopping; a second Train call without Resume (a fresh optimizer) does
// not, so the test can fail.
func TestCheckpointResume(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	grid := []float64{1, 2, 3, 4}
	x, y := blocks(len(grid), 60, rng)
	const N = 6
	for _, tc := range []struct {
		name string
		s    TrainSettings
	}{
		{"adam float32", TrainSettings{BatchSize: 32}},
		{"adam float64", TrainSettings{BatchSize: 32, Precision: Float64}},
		{"sgd momentum float32", TrainSettings{BatchSize: 32, Optimizer: SGD, Momentum: 0.9, LearningRate: 0.05}},
		{"sgd momentum float64", TrainSettings{BatchSize: 32, Optimizer: SGD, Momentum: 0.9, LearningRate: 0.05, Precision: Float64}},
		{"sgd plain", TrainSettings{BatchSize: 32, Optimizer: SGD}},
		{"schedule, symmetrize, validation", TrainSettings{BatchSize: 25, ValidationFraction: 0.25, Symmetrize: true,
			Schedule: func(e int) float64 { return 1e-2 / float64(e) }}},
		{"chacha8 source", TrainSettings{BatchSize: 32, Src: rand.NewChaCha8([32]byte{1, 2, 3})}},
	} {
		seed := func() TrainSettings {
			s := tc.s
			if _, ok := s.Src.(*rand.ChaCha8); ok {
				s.Src = rand.NewChaCha8([32]byte{1, 2, 3})
			} else {
				s.Src = rand.NewPCG(5, 6)
			}
			return s
		}
		full := NewNetwork(16, grid, Small, rand.NewPCG(3, 4))
		s := seed()
		s.Epochs = N
		want, err := Train(full, x, y, &s)
		if err != nil {
			t.Fatal(err)
		}

		path := filepath.Join(t.TempDir(), "ck.npz")
		half := NewNetwork(16, grid, Small, rand.NewPCG(3, 4))
		s = seed()
		s.Epochs, s.CheckpointPath = N/2, path
		if _, err := Train(half, x, y, &s); err != nil {
			t.Fatal(err)
		}
		ck, err := LoadCheckpoint(path)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if ck.Epoch != N/2 {
			t.Fatalf("%s: checkpoint of epoch %d", tc.name, ck.Epoch)
		}
		// A different start: the checkpoint overwrites it.
		rest := NewNetwork(16, grid, Small, rand.NewPCG(7, 7))
		s = seed()
		s.Epochs, s.Resume = N, ck
		got, err := Train(rest, x, y, &s)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !slices.Equal(rest.params, full.params) {
			t.Errorf("%s: the resumed run differs from the uninterrupted one", tc.name)
		}
		if !reflect.DeepEqual(jsonRound(t, got), jsonRound(t, want)) {
			t.Errorf("%s: result %+v, uninterrupted %+v", tc.name, got, want)
		}
		// Continuing with a second plain call restarts the optimizer (and
		// the split and the stream): not the same run.
		again := half.Clone()
		s = seed()
		s.Epochs = N - N/2
		if _, err := Train(again, x, y, &s); err != nil {
			t.Fatal(err)
		}
		if slices.Equal(again.params, full.params) {
			t.Errorf("%s: a fresh second call gives the uninterrupted run's bits: the test cannot fail", tc.name)
		}
	}
}

// jsonRound returns r with NaN replaced by a sentinel, for DeepEqual.
func jsonRound(t *testing.T, r TrainResult) TrainResult {
	t.Helper()
	fix := func(e *EpochStats) {
		for _, p := range []*float64{&e.Loss, &e.Accuracy, &e.ValLoss, &e.ValAccuracy} {
			if math.IsNaN(*p) {
				*p = -12345
			}
		}
	}
	fix(&r.Last)
	fix(&r.Best)
	return r
}

// TestCheckpointEarlyStop: a run that early stopping ends writes a
// checkpoint marked Stopped; resuming it trains nothing and returns the
// same network and result; resuming from before the stop stops at the
// same epoch.
func TestCheckpointEarlyStop(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	grid := []float64{1, 2, 3, 4}
	x, y := blocks(len(grid), 60, rng)
	dir := t.TempDir()
	mk := func() (*Network, TrainSettings) {
		// A large rate overfits quickly: the validation loss stops
		// improving within the 60 epochs.
		return NewNetwork(16, grid, Small, rand.NewPCG(3, 4)),
			TrainSettings{Epochs: 60, BatchSize: 20, LearningRate: 0.05, ValidationFraction: 0.3, Patience: 3, Src: rand.NewPCG(5, 6)}
	}
	full, s := mk()
	var epochs []int
	s.CheckpointPath, s.CheckpointEvery = filepath.Join(dir, "full.npz"), 1000
	s.Progress = func(st EpochStats) error { epochs = append(epochs, st.Epoch); return nil }
	want, err := Train(full, x, y, &s)
	if err != nil {
		t.Fatal(err)
	}
	if !want.Stopped || want.Epochs >= 60 || want.Epochs-want.BestEpoch != 3 {
		t.Fatalf("the run did not stop early: %+v", want)
	}
	ck, err := LoadCheckpoint(s.CheckpointPath)
	if err != nil {
		t.Fatal(err)
	}
	if !ck.Stopped || ck.Epoch != want.Epochs {
		t.Fatalf("the final checkpoint is of epoch %d, stopped %v", ck.Epoch, ck.Stopped)
	}
	again, s2 := mk()
	s2.Resume = ck
	got, err := Train(again, x, y, &s2)
	if err != nil || !slices.Equal(again.params, full.params) || !reflect.DeepEqual(jsonRound(t, got), jsonRound(t, want)) {
		t.Errorf("resuming a stopped run: %v, result %+v, want %+v", err, got, want)
	}
	// Interrupted one epoch after the best: the resumed run stops where
	// the uninterrupted one did.
	part, s3 := mk()
	s3.Epochs, s3.CheckpointPath = want.BestEpoch+1, filepath.Join(dir, "part.npz")
	if _, err := Train(part, x, y, &s3); err != nil {
		t.Fatal(err)
	}
	pc, err := LoadCheckpoint(s3.CheckpointPath)
	if err != nil {
		t.Fatal(err)
	}
	rest, s4 := mk()
	s4.Resume = pc
	got, err = Train(rest, x, y, &s4)
	if err != nil || !slices.Equal(rest.params, full.params) || !reflect.DeepEqual(jsonRound(t, got), jsonRound(t, want)) {
		t.Errorf("resumed before the stop: %v, result %+v, want %+v", err, got, want)
	}
}

const checkpointSeed = "testdata/checkpoint.npz"

// writeSeedCheckpoint trains the small network of the fuzz seeds 2 epochs
// with Adam and validation and writes its checkpoint to path.
func writeSeedCheckpoint(t *testing.T, path string) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	x, y := blocks(3, 10, rng)
	net := seedNetwork()
	// Float64: the same bits with and without the purego tag.
	s := TrainSettings{Epochs: 2, BatchSize: 8, ValidationFraction: 0.2, CheckpointPath: path, Precision: Float64}
	if _, err := Train(net, x, y, &s); err != nil {
		t.Fatal(err)
	}
}

// TestCheckpointTestdata: the fuzz seed testdata/checkpoint.npz (written
// with -update-testdata) loads and is what the current code writes.
func TestCheckpointTestdata(t *testing.T) {
	if *updateTestdata {
		writeSeedCheckpoint(t, checkpointSeed)
	}
	ck, err := LoadCheckpoint(checkpointSeed)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "ck.npz")
	writeSeedCheckpoint(t, p)
	now, err := LoadCheckpoint(p)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ck.Network.params, now.Network.params) || !slices.Equal(ck.M, now.M) || !slices.Equal(ck.Train, now.Train) ||
		!slices.Equal(ck.RNG, now.RNG) || ck.Epoch != 2 || len(ck.Val) == 0 || ck.Best == nil {
		t.Errorf("%s is not what the current code writes", checkpointSeed)
	}
	// Save refuses what LoadCheckpoint rejects.
	ck.M[0] = math.NaN()
	if err := ck.Save(p); !errors.Is(err, ErrFormat) {
		t.Errorf("Save of a NaN moment: %v", err)
	}
}

// FuzzLoadCheckpoint fuzzes each array of testdata/checkpoint.npz, the
// metadata included, with the zip CRC-32 rewritten: LoadCheckpoint must
// not panic or allocate far beyond its input, and must return ErrFormat or
// a checkpoint that saves again.
func FuzzLoadCheckpoint(f *testing.F) {
	fiotest.FuzzArchive(f, checkpointSeed, ErrFormat, func(p string) (func(string) error, error) {
		ck, err := LoadCheckpoint(p)
		if err != nil {
			return nil, err
		}
		return ck.Save, nil
	}, fiotest.Input{Entry: "train_idx", Data: fiotest.NPY("'<f8'", "False", "(100000000,)", fiotest.F8(1, 2, 3))})
}
