package thermo

import (
	"encoding"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/mat"

	"github.com/rgflow/rgflow/internal/lattice"
)

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

// ErrDiverged is returned (wrapped) by Train when training diverges (see
// Train for the rule). The network is left at the weights of the last good
// epoch.
var ErrDiverged = errors.New("thermo: training diverged")

// ErrSettings is returned (wrapped, with the field and its value) by Train
// for an invalid TrainSettings field.
var ErrSettings = errors.New("thermo: invalid training settings")

// The bounds of Train's divergence rule.
const (
	// DivergedLoss bounds an epoch's mean training loss, relative to the
	// loss of the uniform prediction 1/K (log K for CrossEntropy).
	DivergedLoss = 10
	// DivergedGrowth bounds the growth of the parameters' RMS within one
	// epoch, relative to max(RMS at the start of the epoch, 1).
	DivergedGrowth = 100
)

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
	case s.Optimizer != Adam && s.Optimizer != SGD:
		return bad("Optimizer", int(s.Optimizer), "Adam or SGD")
	case s.Loss != CrossEntropy && s.Loss != BinaryCrossEntropy:
		return bad("Loss", int(s.Loss), "CrossEntropy or BinaryCrossEntropy")
	case s.Precision != Float32 && s.Precision != Float64:
		return bad("Precision", int(s.Precision), "Float32 or Float64")
	}
	return nil
}

// uniformLoss returns the loss of the uniform prediction p_k = 1/K.
func uniformLoss(l Loss, K int) float64 {
	if l == BinaryCrossEntropy {
		return -math.Log(1/float64(K)) - float64(K-1)*math.Log1p(-1/float64(K))
	}
	return math.Log(float64(K))
}

// rms returns the root mean square of p.
func rms(p []float64) float64 {
	var ss float64
	for _, x := range p {
		ss += x * x
	}
	return math.Sqrt(ss / float64(max(len(p), 1)))
}

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
	// them, so this is free data; it needs Inputs() = L².
	Symmetrize bool
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

// init allocates the float64 path's buffers for n training rows in
// batches of B.
func (t *trainer) init(n, B int) {
	net := t.net
	t.grads = make([]float64, len(net.params))
	t.gw, t.gb = viewsLike(net, t.grads)
	t.full = net.newWork(B, true)
	if rem := n % B; rem != 0 {
		t.tail = net.newWork(rem, true)
	}
	t.ybuf = make([]int, B)
	switch t.set.Optimizer {
	case Adam:
		t.m = make([]float64, len(net.params))
		t.v = make([]float64, len(net.params))
	case SGD:
		if t.set.Momentum > 0 {
			t.v = make([]float64, len(net.params))
		}
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

// viewsLike returns per-layer weight and bias views of buf laid out like
// net.params.
func viewsLike(net *Network, buf []float64) (w, b [][]float64) { return layerViews(buf, net.sizes) }

// stepper is one precision's training step.
type stepper interface {
	// step trains on the rows idx of x and returns the batch's mean loss
	// (without L2) and the number of rows classified exactly.
	step(x *mat.Dense, labels, idx []int) (float64, int)
	// sync writes the working weights into the network's params.
	sync()
	// state returns the optimizer's moments as Checkpoint.M and V and
	// Adam's step count; setState restores them.
	state() (m, v []float64, step int)
	setState(m, v []float64, step int)
}

var (
	_ stepper = (*trainer)(nil)
	_ stepper = (*trainer32)(nil)
)

// step is gradient and update on the batch idx.
func (t *trainer) step(x *mat.Dense, labels, idx []int) (float64, int) {
	ws := t.full
	if len(idx) < t.full.rows {
		ws = t.tail
	}
	loss, ok := t.gradient(ws, x, labels, idx)
	t.update()
	return loss, ok
}

// sync does nothing: the float64 trainer works on the params themselves.
func (t *trainer) sync() {}

// state returns copies of the optimizer's moments (nil where there are
// none) and Adam's step count.
func (t *trainer) state() (m, v []float64, step int) {
	return slices.Clone(t.m), slices.Clone(t.v), t.t
}

// setState restores what state returned.
func (t *trainer) setState(m, v []float64, step int) {
	copy(t.m, m)
	copy(t.v, v)
	t.t = step
}

// trainer is the float64 training path (and holds the settings, the random
// stream and the symmetrization that the float32 path shares).
type trainer struct {
	net        *Network
	set        *TrainSettings
	grads      []float64
	gw, gb     [][]float64
	full, tail *work
	ybuf       []int
	rng        *rand.Rand
	side       int       // L if rows are symmetrized, else 0
	scratch    []float64 // one row
	m, v       []float64
	t          int // Adam step count
}

// gradient computes the gradient of the loss (with the L2 term) on the rows
// idx into t.grads; it returns the batch's mean loss (without the L2 term)
// and the number of rows classified exactly.
func (t *trainer) gradient(ws *work, x *mat.Dense, labels, idx []int) (float64, int) {
	net := t.net
	m := len(idx)
	ws.load(x, 0, idx, net.sizes[0])
	if t.side > 0 {
		for i := 0; i < m; i++ {
			t.symmetrize(ws.a[0][i*net.sizes[0] : (i+1)*net.sizes[0]])
		}
	}
	y := t.ybuf[:m]
	for i, r := range idx {
		y[i] = labels[r]
	}
	net.forward(ws)
	L := len(net.sizes) - 1
	K := net.sizes[L]
	p, d := ws.a[L], ws.d[L]
	loss, correct := outputGradient(d, p, y, K, t.set.Loss)
	inv := 1 / float64(m)
	for i := range d {
		d[i] *= inv
	}
	for l := L - 1; l >= 0; l-- {
		in, out := net.sizes[l], net.sizes[l+1]
		dl := ws.d[l+1]
		// gW = aᵀ·d + λW, gb = Σ_rows d.
		gw := t.gw[l]
		if t.set.L2 != 0 {
			copy(gw, net.w[l])
		}
		bl.Dgemm(blas.Trans, blas.NoTrans, in, out, m, 1, ws.a[l], in, dl, out, t.set.L2, gw, out)
		gb := t.gb[l]
		clear(gb)
		for i := 0; i < m; i++ {
			for j, v := range dl[i*out : (i+1)*out] {
				gb[j] += v
			}
		}
		if l > 0 {
			// d_{l} = (d_{l+1}·Wᵀ) ⊙ f'(a_l).
			dp := ws.d[l]
			bl.Dgemm(blas.NoTrans, blas.Trans, m, in, out, 1, dl, out, net.w[l], out, 0, dp, in)
			a := ws.a[l][:m*in]
			switch net.act {
			case Tanh:
				for i, av := range a {
					dp[i] *= 1 - av*av
				}
			case ReLU:
				for i, av := range a {
					if av <= 0 {
						dp[i] = 0
					}
				}
			}
		}
	}
	return loss, correct
}

// symmetrize maps the spins of one L×L row by a random translation,
// rotation or reflection and global flip.
func (t *trainer) symmetrize(row []float64) {
	symmetrizeRow(row, t.scratch, t.side, t.rng.Uint64())
}

// symmetrizeRow maps the spins of one L×L row by the symmetry that the
// random word r selects: bits 0–2 the rotation or reflection, bit 3 the
// global flip, bits 8… and 32… the translation. scratch holds L² values.
func symmetrizeRow[T float32 | float64](row, scratch []T, L int, r uint64) {
	op := int(r & 7)
	sign := T(1 - 2*int(r>>3&1))
	di, dj := int((r>>8)%uint64(L)), int((r>>32)%uint64(L))
	s := scratch[:len(row)]
	copy(s, row)
	for i := 0; i < L; i++ {
		for j := 0; j < L; j++ {
			var a, b int
			switch op {
			case 0:
				a, b = i, j
			case 1:
				a, b = j, L-1-i
			case 2:
				a, b = L-1-i, L-1-j
			case 3:
				a, b = L-1-j, i
			case 4:
				a, b = i, L-1-j
			case 5:
				a, b = L-1-i, j
			case 6:
				a, b = j, i
			case 7:
				a, b = L-1-j, L-1-i
			}
			a += di
			if a >= L {
				a -= L
			}
			b += dj
			if b >= L {
				b -= L
			}
			row[a*L+b] = sign * s[i*L+j]
		}
	}
}

// outputGradient writes ∂loss/∂z of the softmax layer (per row, not yet
// divided by the batch size) into d and returns the summed batch loss
// divided by the batch size and the count of exact classifications.
func outputGradient(d, p []float64, y []int, K int, loss Loss) (float64, int) {
	var sum float64
	correct := 0
	for i, yi := range y {
		l, ok := rowGradient(d[i*K:(i+1)*K], p[i*K:(i+1)*K], yi, loss)
		sum += l
		if ok {
			correct++
		}
	}
	return sum / float64(len(y)), correct
}

// update applies the optimizer to the gradients.
func (t *trainer) update() {
	p, g := t.net.params, t.grads
	lr := t.set.LearningRate
	switch t.set.Optimizer {
	case Adam:
		const b1, b2, eps = 0.9, 0.999, 1e-8
		t.t++
		c1 := 1 / (1 - math.Pow(b1, float64(t.t)))
		c2 := 1 / (1 - math.Pow(b2, float64(t.t)))
		m, v := t.m, t.v
		for i, gi := range g {
			m[i] = b1*m[i] + (1-b1)*gi
			v[i] = b2*v[i] + (1-b2)*gi*gi
			p[i] -= lr * (m[i] * c1) / (math.Sqrt(v[i]*c2) + eps)
		}
	case SGD:
		if t.v == nil {
			for i, gi := range g {
				p[i] -= lr * gi
			}
			return
		}
		mu := t.set.Momentum
		v := t.v
		for i, gi := range g {
			v[i] = mu*v[i] - lr*gi
			p[i] += v[i]
		}
	}
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
