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
	var set TrainSettings
	if s != nil {
		set = *s
	}
	if err := checkData(net, x, labels); err != nil {
		return TrainResult{}, err
	}
	if err := set.check(); err != nil {
		return TrainResult{}, err
	}
	set.defaults()
	_, c := x.Dims()
	side, err := set.side(c)
	if err != nil {
		return TrainResult{}, err
	}
	src, err := set.source(net, len(labels))
	if err != nil {
		return TrainResult{}, err
	}
	r, err := newRun(net, x, labels, &set, src, side)
	if err != nil {
		return TrainResult{}, err
	}
	defer r.close()
	for epoch := r.first; epoch <= set.Epochs && !r.stopped; epoch++ {
		if err := r.epoch(epoch); err != nil {
			return r.res, err
		}
	}
	if r.useVal {
		copy(net.params, r.best)
	}
	return r.res, nil
}

// checkData panics with mat.ErrShape if x does not have net's inputs as
// columns or labels does not have a label per row, and returns an error
// for a label out of range or a NaN or infinite cell of x.
func checkData(net *Network, x *mat.Dense, labels []int) error {
	r, c := x.Dims()
	if c != net.sizes[0] || len(labels) != r {
		panic(mat.ErrShape)
	}
	K := len(net.grid)
	for _, y := range labels {
		if y < 0 || y >= K {
			return fmt.Errorf("thermo: label %d out of range [0, %d)", y, K)
		}
	}
	for i := 0; i < r; i++ {
		for j, v := range x.RawRowView(i) {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("thermo: training data cell (%d, %d) is %v", i, j, v)
			}
		}
	}
	return nil
}

// side returns the side L of the lattice of rows of c sites if
// Symmetrize is on (an error if c is not a square), else 0.
func (s *TrainSettings) side(c int) (int, error) {
	if !s.Symmetrize {
		return 0, nil
	}
	L, ok := lattice.Side(c)
	if !ok {
		return 0, fmt.Errorf("%w: Symmetrize = true needs rows on a square lattice, not %d sites", ErrSettings, c)
	}
	return L, nil
}

// source returns the run's random source, Src or the default, after
// checking the Resume checkpoint against net, the rows of the data and s,
// checking that the source's state can be checkpointed if CheckpointPath
// asks for it, and giving it the checkpoint's state.
func (s *TrainSettings) source(net *Network, rows int) (rand.Source, error) {
	ck := s.Resume
	if ck != nil {
		if err := ck.checkResume(net, rows, s); err != nil {
			return nil, err
		}
	}
	src := s.Src
	if src == nil {
		src = rand.NewPCG(1, 2)
	}
	if s.CheckpointPath != "" {
		if _, err := sourceState(src); err != nil {
			return nil, err
		}
	}
	if ck != nil {
		u, ok := src.(encoding.BinaryUnmarshaler)
		if !ok {
			return nil, fmt.Errorf("%w: Src = %T cannot take the state of Resume.RNG", ErrSettings, src)
		}
		if err := u.UnmarshalBinary(ck.RNG); err != nil {
			return nil, fmt.Errorf("%w: Resume.RNG does not fit Src = %T: %v", ErrSettings, src, err)
		}
	}
	return src, nil
}

// run is the state of one Train call between its epochs.
type run struct {
	t          *trainer // the float64 path, and what the paths share
	stp        stepper  // the path of the run's precision
	stop       func()   // stops the float32 path's workers (nil: none)
	set        *TrainSettings
	src        rand.Source
	x          *mat.Dense
	labels     []int
	train, val []int // the rows of each part, the training rows in the current order
	useVal     bool
	lastGood   []float64 // the parameters at the end of the last good epoch
	best       []float64 // those of the epoch of the lowest validation loss
	bestLoss   float64
	since      int // epochs since the best one
	stopped    bool
	first      int     // the first epoch to train
	maxLoss    float64 // the divergence rule's bound on the mean loss
	res        TrainResult
}

// newRun sets up a run of Train: it restores the network from the Resume
// checkpoint (if any), splits the rows into training and validation rows
// (or takes the checkpoint's split), builds the stepper of the run's
// precision and restores the optimizer's and early-stopping state.
func newRun(net *Network, x *mat.Dense, labels []int, set *TrainSettings, src rand.Source, side int) (*run, error) {
	ck := set.Resume
	if ck != nil {
		copy(net.params, ck.Network.params)
	}
	rng := rand.New(src)
	K := len(net.grid)
	r := &run{set: set, src: src, x: x, labels: labels, bestLoss: math.Inf(1), first: 1,
		maxLoss: DivergedLoss * uniformLoss(set.Loss, K)}
	if ck != nil {
		r.train, r.val = slices.Clone(ck.Train), slices.Clone(ck.Val)
	} else {
		r.train, r.val = split(labels, K, set.ValidationFraction, rng)
	}
	if len(r.train) == 0 {
		return nil, errors.New("thermo: no training rows")
	}
	r.useVal = len(r.val) > 0
	r.t = &trainer{net: net, set: set, rng: rng, side: side}
	if side > 0 {
		_, c := x.Dims()
		r.t.scratch = make([]float64, c)
	}
	B := min(set.BatchSize, len(r.train))
	if set.Precision == Float32 {
		t32 := newTrainer32(net, set, B, r.t)
		r.stp, r.stop = t32, t32.close
	} else {
		r.t.init(len(r.train), B)
		r.stp = r.t
	}
	r.lastGood = slices.Clone(net.params)
	if r.useVal {
		r.best = slices.Clone(net.params)
	}
	if ck != nil {
		r.resume(ck)
	}
	return r, nil
}

// resume restores the optimizer's and the early-stopping state of ck.
func (r *run) resume(ck *Checkpoint) {
	r.stp.setState(ck.M, ck.V, ck.Step)
	if r.useVal {
		copy(r.best, ck.Best)
	}
	r.res, r.since, r.stopped, r.first = ck.Result, ck.Since, ck.Stopped, ck.Epoch+1
	if r.res.BestEpoch > 0 && r.useVal {
		r.bestLoss = r.res.Best.ValLoss
	}
}

// close stops the float32 path's workers.
func (r *run) close() {
	if r.stop != nil {
		r.stop()
	}
}

// epoch trains one epoch at the Schedule's learning rate, keeps its
// weights if they are the best so far, writes the checkpoint if one is due
// and calls Progress.
func (r *run) epoch(epoch int) error {
	set := r.set
	if set.Schedule != nil {
		lr := set.Schedule(epoch)
		if !(lr >= 0) || math.IsInf(lr, 0) {
			return fmt.Errorf("%w: Schedule(%d) = %v (want a finite value ≥ 0)", ErrSettings, epoch, lr)
		}
		set.LearningRate = lr
	}
	st, err := r.t.epoch(r.stp, r.x, r.labels, r.train, r.val, epoch, r.lastGood, r.maxLoss)
	if err != nil {
		return err
	}
	copy(r.lastGood, r.t.net.params)
	r.res.Epochs, r.res.Last = epoch, st
	r.keep(epoch, st)
	if set.CheckpointPath != "" && (epoch%set.CheckpointEvery == 0 || epoch == set.Epochs || r.stopped) {
		ck := r.t.checkpoint(r.stp, r.src, epoch, r.train, r.val, r.best, r.since, r.res, r.stopped)
		if err := ck.Save(set.CheckpointPath); err != nil {
			return err
		}
	}
	if set.Progress != nil {
		return set.Progress(st)
	}
	return nil
}

// keep records the epoch's statistics st as the best so far if its
// validation loss is the lowest (or there is no validation), keeping its
// weights, and stops the run after Patience epochs without a lower one.
func (r *run) keep(epoch int, st EpochStats) {
	if !r.useVal {
		r.res.BestEpoch, r.res.Best = epoch, st
		return
	}
	if st.ValLoss < r.bestLoss {
		r.bestLoss, r.since = st.ValLoss, 0
		copy(r.best, r.t.net.params)
		r.res.BestEpoch, r.res.Best = epoch, st
	} else {
		r.since++
	}
	if r.set.Patience > 0 && r.since >= r.set.Patience {
		r.stopped = true
		r.res.Stopped = true
	}
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
