package thermo

import (
	"encoding"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/mat"

	"github.com/rgflow/rgflow/internal/lattice"
)

// EpochStats describes one finished epoch.
type EpochStats struct {
	Epoch       int     `json:"epoch"`        // 1-based
	Loss        float64 `json:"loss"`         // mean training loss over the epoch's batches (without L2)
	Accuracy    float64 `json:"accuracy"`     // fraction of training rows classified exactly, during the epoch
	ValLoss     float64 `json:"val_loss"`     // validation loss at the end of the epoch; NaN without validation
	ValAccuracy float64 `json:"val_accuracy"` // validation exact-class accuracy; NaN without validation
}

// TrainResult summarises a call to Train.
type TrainResult struct {
	Epochs    int        // epochs run
	BestEpoch int        // epoch whose weights were kept (the last one without validation)
	Stopped   bool       // stopped early for lack of validation progress
	Last      EpochStats // statistics of the last epoch run
	Best      EpochStats // statistics of the kept epoch
}

// Train fits net to the rows of x (N×Inputs(), cells 0/1; fractional cells
// in between are accepted) with class labels (indices into
// net.Temperatures()) by mini-batch gradient descent on the loss of s. It
// panics with mat.ErrShape if x does not have Inputs() columns or
// len(labels) differs from the number of rows.
//
// Before any training, and with net unchanged, it returns an error for a
// label out of range, a NaN or infinite cell of x and invalid settings
// (wrapping ErrSettings, naming the field and its value: a negative
// Epochs, BatchSize, Patience or CheckpointEvery, a LearningRate or L2
// that is negative or not finite, a Momentum or ValidationFraction outside
// [0, 1), an unknown Optimizer, Loss or Precision, Symmetrize on rows that
// are not a square lattice, a CheckpointPath with a Src whose state cannot
// be saved, and a Resume checkpoint that does not fit: another network, an
// invalid state, another optimizer, precision or split, Epochs below its
// epoch). During training it returns an error wrapping ErrSettings for a
// Schedule value that is negative or not finite (net at the end of the
// previous epoch), ErrDiverged (wrapped) for divergence, the Progress
// callback's error unchanged, and I/O errors of checkpointing.
//
// Divergence rule: training has diverged when a batch's loss, a weight or
// the validation loss becomes NaN or ±Inf, when an epoch's mean training
// loss exceeds DivergedLoss times the loss of the uniform prediction 1/K
// (log K for CrossEntropy: a network that bad has left any useful region),
// or when the parameters' RMS at the end of an epoch exceeds
// DivergedGrowth × max(its value at the start of the epoch, 1). The network
// is then put back to its weights at the start of that epoch. Sound
// training (Adam up to a learning rate of about 1e-2, SGD up to about 0.1
// with momentum 0.9) stays far inside these bounds.
//
// Each call without Resume starts a fresh optimizer state (Adam moments,
// SGD velocity), so a second call continues from the network's weights but
// not from the optimizer's memory; a checkpoint (CheckpointPath) holds that
// memory, and Resume continues from it bit-identically. Training is
// deterministic given s.Src, for any GOMAXPROCS.
func Train(net *Network, x *mat.Dense, labels []int, s *TrainSettings) (TrainResult, error) {
	var res TrainResult
	var set TrainSettings
	if s != nil {
		set = *s
	}
	r, c := x.Dims()
	if c != net.sizes[0] || len(labels) != r {
		panic(mat.ErrShape)
	}
	K := len(net.grid)
	for _, y := range labels {
		if y < 0 || y >= K {
			return res, fmt.Errorf("thermo: label %d out of range [0, %d)", y, K)
		}
	}
	for i := 0; i < r; i++ {
		for j, v := range x.RawRowView(i) {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return res, fmt.Errorf("thermo: training data cell (%d, %d) is %v", i, j, v)
			}
		}
	}
	if err := set.check(); err != nil {
		return res, err
	}
	set.defaults()
	L := 0
	if set.Symmetrize {
		var ok bool
		if L, ok = lattice.Side(c); !ok {
			return res, fmt.Errorf("%w: Symmetrize = true needs rows on a square lattice, not %d sites", ErrSettings, c)
		}
	}
	ck := set.Resume
	if ck != nil {
		if err := ck.checkResume(net, r, &set); err != nil {
			return res, err
		}
	}
	src := set.Src
	if src == nil {
		src = rand.NewPCG(1, 2)
	}
	if set.CheckpointPath != "" {
		if _, err := sourceState(src); err != nil {
			return res, err
		}
	}
	if ck != nil {
		u, ok := src.(encoding.BinaryUnmarshaler)
		if !ok {
			return res, fmt.Errorf("%w: Src = %T cannot take the state of Resume.RNG", ErrSettings, src)
		}
		if err := u.UnmarshalBinary(ck.RNG); err != nil {
			return res, fmt.Errorf("%w: Resume.RNG does not fit Src = %T: %v", ErrSettings, src, err)
		}
		copy(net.params, ck.Network.params)
	}
	rng := rand.New(src)

	var train, val []int
	if ck != nil {
		train, val = slices.Clone(ck.Train), slices.Clone(ck.Val)
	} else {
		train, val = split(labels, K, set.ValidationFraction, rng)
	}
	if len(train) == 0 {
		return res, errors.New("thermo: no training rows")
	}
	useVal := len(val) > 0
	B := min(set.BatchSize, len(train))

	t := &trainer{net: net, set: &set, rng: rng, side: L}
	if L > 0 {
		t.scratch = make([]float64, c)
	}
	var stp stepper = t
	if set.Precision == Float32 {
		t32 := newTrainer32(net, &set, B, t)
		defer t32.close()
		stp = t32
	} else {
		t.init(len(train), B)
	}
	lastGood := slices.Clone(net.params)
	var best []float64
	if useVal {
		best = slices.Clone(net.params)
	}
	bestLoss := math.Inf(1)
	since := 0
	first := 1
	stopped := false
	if ck != nil {
		stp.setState(ck.M, ck.V, ck.Step)
		if useVal {
			copy(best, ck.Best)
		}
		res, since, stopped, first = ck.Result, ck.Since, ck.Stopped, ck.Epoch+1
		if res.BestEpoch > 0 && useVal {
			bestLoss = res.Best.ValLoss
		}
	}
	maxLoss := DivergedLoss * uniformLoss(set.Loss, K)
	for epoch := first; epoch <= set.Epochs && !stopped; epoch++ {
		if set.Schedule != nil {
			lr := set.Schedule(epoch)
			if !(lr >= 0) || math.IsInf(lr, 0) {
				return res, fmt.Errorf("%w: Schedule(%d) = %v (want a finite value ≥ 0)", ErrSettings, epoch, lr)
			}
			set.LearningRate = lr
		}
		st, err := t.epoch(stp, x, labels, train, val, epoch, lastGood, maxLoss)
		if err != nil {
			return res, err
		}
		copy(lastGood, net.params)
		res.Epochs, res.Last = epoch, st
		if useVal {
			if st.ValLoss < bestLoss {
				bestLoss, since = st.ValLoss, 0
				copy(best, net.params)
				res.BestEpoch, res.Best = epoch, st
			} else {
				since++
			}
		} else {
			res.BestEpoch, res.Best = epoch, st
		}
		if useVal && set.Patience > 0 && since >= set.Patience {
			stopped = true
			res.Stopped = true
		}
		if set.CheckpointPath != "" && (epoch%set.CheckpointEvery == 0 || epoch == set.Epochs || stopped) {
			if err := t.checkpoint(stp, src, epoch, train, val, best, since, res, stopped).Save(set.CheckpointPath); err != nil {
				return res, err
			}
		}
		if set.Progress != nil {
			if err := set.Progress(st); err != nil {
				return res, err
			}
		}
	}
	if useVal {
		copy(net.params, best)
	}
	return res, nil
}

// epoch runs one epoch: it shuffles train, steps through its batches, and
// checks the divergence rule (putting the network back to lastGood and
// returning ErrDiverged if it fires); it returns the epoch's statistics
// with the validation loss and accuracy.
func (t *trainer) epoch(stp stepper, x *mat.Dense, labels, train, val []int, epoch int, lastGood []float64, maxLoss float64) (EpochStats, error) {
	net, set := t.net, t.set
	r0 := rms(lastGood)
	B := min(set.BatchSize, len(train))
	t.rng.Shuffle(len(train), func(i, j int) { train[i], train[j] = train[j], train[i] })
	var lossSum float64
	correct := 0
	nb := 0
	for lo := 0; lo < len(train); lo += B {
		idx := train[lo:min(lo+B, len(train))]
		loss, ok := stp.step(x, labels, idx)
		if math.IsNaN(loss) || math.IsInf(loss, 0) {
			copy(net.params, lastGood)
			return EpochStats{}, fmt.Errorf("%w: loss %v in epoch %d", ErrDiverged, loss, epoch)
		}
		lossSum += loss
		correct += ok
		nb++
	}
	stp.sync()
	for _, p := range net.params {
		if math.IsNaN(p) || math.IsInf(p, 0) {
			copy(net.params, lastGood)
			return EpochStats{}, fmt.Errorf("%w: non-finite weight after epoch %d", ErrDiverged, epoch)
		}
	}
	st := EpochStats{Epoch: epoch, Loss: lossSum / float64(nb),
		Accuracy: float64(correct) / float64(len(train)), ValLoss: math.NaN(), ValAccuracy: math.NaN()}
	if st.Loss > maxLoss {
		copy(net.params, lastGood)
		return st, fmt.Errorf("%w: mean loss %.3g in epoch %d (the uniform prediction's is %.3g)", ErrDiverged, st.Loss, epoch, maxLoss/DivergedLoss)
	}
	if r := rms(net.params); r > DivergedGrowth*max(r0, 1) {
		copy(net.params, lastGood)
		return st, fmt.Errorf("%w: parameter RMS %.3g after epoch %d (%.3g before it)", ErrDiverged, r, epoch, r0)
	}
	if len(val) > 0 {
		if set.Precision == Float32 {
			st.ValLoss, st.ValAccuracy = evaluate32(net, x, labels, val, set.Loss)
		} else {
			st.ValLoss, st.ValAccuracy = evaluate(net, x, labels, val, set.Loss)
		}
		if math.IsNaN(st.ValLoss) || math.IsInf(st.ValLoss, 0) {
			copy(net.params, lastGood)
			return st, fmt.Errorf("%w: validation loss %v in epoch %d", ErrDiverged, st.ValLoss, epoch)
		}
	}
	return st, nil
}

// checkpoint returns the state of the run after epoch (src was checked to
// marshal).
func (t *trainer) checkpoint(stp stepper, src rand.Source, epoch int, train, val []int, best []float64, since int, res TrainResult, stopped bool) *Checkpoint {
	m, v, step := stp.state()
	rng, err := sourceState(src)
	if err != nil {
		panic(err) // checked before training
	}
	return &Checkpoint{Network: t.net.Clone(), Epoch: epoch, Optimizer: t.set.Optimizer, Precision: t.set.Precision,
		M: m, V: v, Step: step, RNG: rng, Train: slices.Clone(train), Val: slices.Clone(val),
		Best: slices.Clone(best), Since: since, Result: res, Stopped: stopped}
}

// split returns the training and validation row indices: a fraction frac of
// each class, chosen at random, is held out.
func split(labels []int, K int, frac float64, rng *rand.Rand) (train, val []int) {
	perm := rng.Perm(len(labels))
	if frac == 0 {
		return perm, nil
	}
	count := make([]int, K)
	for _, y := range labels {
		count[y]++
	}
	want := make([]int, K)
	for k, n := range count {
		want[k] = int(math.Round(frac * float64(n)))
	}
	for _, i := range perm {
		if y := labels[i]; want[y] > 0 {
			want[y]--
			val = append(val, i)
		} else {
			train = append(train, i)
		}
	}
	return train, val
}

// evaluate returns the mean loss and the exact-class accuracy of net on the
// rows idx.
func evaluate(net *Network, x *mat.Dense, labels, idx []int, loss Loss) (float64, float64) {
	K := len(net.grid)
	d := make([]float64, inferenceRows*K)
	y := make([]int, inferenceRows)
	var sum float64
	correct := 0
	for lo := 0; lo < len(idx); lo += inferenceRows {
		part := idx[lo:min(lo+inferenceRows, len(idx))]
		ws := net.inferenceWork(len(part))
		ws.load(x, 0, part, net.sizes[0])
		net.forward(ws)
		for i, r := range part {
			y[i] = labels[r]
		}
		l, c := outputGradient(d, ws.a[len(ws.a)-1], y[:len(part)], K, loss)
		sum += l * float64(len(part))
		correct += c
	}
	n := float64(len(idx))
	return sum / n, float64(correct) / n
}

// argmax returns the index of the largest element (the first of ties).
func argmax(p []float64) int {
	best := 0
	for k, v := range p {
		if v > p[best] {
			best = k
		}
	}
	return best
}
