package thermo

import (
	"encoding"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/rgflow/rgflow/internal/fileio"
)

// CheckpointFormat identifies a Checkpoint file's metadata record.
const CheckpointFormat = "rgflow.thermo.Checkpoint"

// Checkpoint is the complete state of a Train run after an epoch: with it,
// Train (TrainSettings.Resume) continues bit-identically.
type Checkpoint struct {
	// Network is a copy of the network after Epoch epochs.
	Network *Network
	// Epoch is the number of completed epochs.
	Epoch int
	// Optimizer and Precision are those of the run.
	Optimizer Optimizer
	Precision Precision
	// M and V are the optimiser's moments, laid out like the network's
	// parameters (layer by layer, weights then biases): Adam's first and
	// second moments, or SGD's momentum velocity in V (M nil); both nil
	// for plain SGD. In Float32 they hold float32 values.
	M, V []float64
	// Step is Adam's step count.
	Step int
	// RNG is the marshalled state of the run's random source
	// (TrainSettings.Src, or the default *rand.PCG).
	RNG []byte
	// Train and Val are the row indices of the training and validation
	// rows, in the training rows' current order (each epoch shuffles it
	// further). Together they are a permutation of the rows of x.
	Train, Val []int
	// Best holds the parameters of the epoch with the lowest validation
	// loss (nil without validation); Since counts the epochs after it;
	// Result is Train's result so far; Stopped reports that early
	// stopping ended the run at Epoch.
	Best    []float64
	Since   int
	Result  TrainResult
	Stopped bool
}

type checkpointMeta struct {
	networkMeta
	Epoch     int         `json:"epoch"`
	Optimizer string      `json:"optimizer"`
	Precision string      `json:"precision"`
	Step      int         `json:"step"`
	Moments   string      `json:"moments"` // "", "v" or "mv"
	Train     int         `json:"train_rows"`
	Val       int         `json:"val_rows"`
	Best      bool        `json:"best"`
	Since     int         `json:"since"`
	Result    TrainResult `json:"result"`
	Stopped   bool        `json:"stopped"`
}

func (o Optimizer) name() string {
	switch o {
	case Adam:
		return "adam"
	case SGD:
		return "sgd"
	}
	return fmt.Sprintf("Optimizer(%d)", int(o))
}

func (p Precision) name() string {
	switch p {
	case Float32:
		return "float32"
	case Float64:
		return "float64"
	}
	return fmt.Sprintf("Precision(%d)", int(p))
}

// maxRows bounds the row counts in a checkpoint's metadata (the index
// arrays themselves are checked against the bytes present).
const maxRows = 1 << 40

// Save writes the checkpoint atomically to path as an .npz archive: the
// network's arrays (as Network.Save), the moments "opt_m" and "opt_v" (if
// any), "rng" (uint8), the row indices "train_idx" and "val_idx" (if there
// are validation rows) and the best parameters "best" (as float64 arrays),
// and the metadata. It writes
// nothing and returns an error wrapping ErrFormat for a checkpoint that
// LoadCheckpoint would reject.
func (ck *Checkpoint) Save(path string) error {
	if err := ck.valid(); err != nil {
		return fmt.Errorf("%w: %s: not saved: %v", ErrFormat, path, err)
	}
	n := ck.Network
	meta := checkpointMeta{networkMeta: networkMeta{Format: CheckpointFormat, Version: FormatVersion, Sizes: n.sizes, Activation: n.act.String()},
		Epoch: ck.Epoch, Optimizer: ck.Optimizer.name(), Precision: ck.Precision.name(), Step: ck.Step,
		Train: len(ck.Train), Val: len(ck.Val), Best: ck.Best != nil, Since: ck.Since, Result: ck.Result, Stopped: ck.Stopped}
	entries := n.entries()
	if ck.M != nil {
		meta.Moments = "m"
		entries = append(entries, fileio.Entry{Name: "opt_m", Value: ck.M})
	}
	if ck.V != nil {
		meta.Moments += "v"
		entries = append(entries, fileio.Entry{Name: "opt_v", Value: ck.V})
	}
	entries = append(entries,
		fileio.Entry{Name: "rng", Value: ck.RNG},
		fileio.Entry{Name: "train_idx", Value: indexArray(ck.Train)})
	if len(ck.Val) > 0 {
		entries = append(entries, fileio.Entry{Name: "val_idx", Value: indexArray(ck.Val)})
	}
	if ck.Best != nil {
		entries = append(entries, fileio.Entry{Name: "best", Value: ck.Best})
	}
	return fileio.WriteNPZ(path, meta, entries...)
}

func indexArray(idx []int) []float64 {
	x := make([]float64, len(idx))
	for i, v := range idx {
		x[i] = float64(v)
	}
	return x
}

// valid reports what LoadCheckpoint would reject in ck.
func (ck *Checkpoint) valid() error {
	for _, check := range []func() error{ck.validState, ck.validMoments, ck.validSplit, ck.validResult} {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

// validState is valid for the network, the counts, the optimizer and the
// precision.
func (ck *Checkpoint) validState() error {
	n := ck.Network
	if n == nil {
		return errors.New("no network")
	}
	if !allFinite(n.params) {
		return errors.New("a network parameter is not finite")
	}
	if ck.Epoch < 0 || ck.Since < 0 || ck.Step < 0 {
		return fmt.Errorf("negative count: epoch %d, since %d, step %d", ck.Epoch, ck.Since, ck.Step)
	}
	if ck.Optimizer != Adam && ck.Optimizer != SGD {
		return fmt.Errorf("unknown optimizer %d", ck.Optimizer)
	}
	if ck.Precision != Float32 && ck.Precision != Float64 {
		return fmt.Errorf("unknown precision %d", ck.Precision)
	}
	return nil
}

// validMoments is valid for the optimizer's moments and the best
// parameters (after validState).
func (ck *Checkpoint) validMoments() error {
	np := len(ck.Network.params)
	if ck.Optimizer == Adam && (ck.M == nil || ck.V == nil) {
		return errors.New("Adam without both moments")
	}
	if ck.Optimizer == SGD && ck.M != nil {
		return errors.New("SGD with a first moment")
	}
	for _, x := range [][]float64{ck.M, ck.V, ck.Best} {
		if x != nil && (len(x) != np || !allFinite(x)) {
			return fmt.Errorf("a moment or the best parameters: %d values (want %d finite ones)", len(x), np)
		}
	}
	return nil
}

// validSplit is valid for the random state and the training/validation
// split.
func (ck *Checkpoint) validSplit() error {
	if len(ck.RNG) == 0 {
		return errors.New("no random state")
	}
	rows := len(ck.Train) + len(ck.Val)
	if len(ck.Train) == 0 {
		return errors.New("no training rows")
	}
	seen := make([]bool, rows)
	for _, idx := range [][]int{ck.Train, ck.Val} {
		for _, i := range idx {
			if i < 0 || i >= rows || seen[i] {
				return fmt.Errorf("the row indices are not a permutation of 0…%d", rows-1)
			}
			seen[i] = true
		}
	}
	if (ck.Best != nil) != (len(ck.Val) > 0) {
		return errors.New("best parameters with no validation rows, or none with them")
	}
	return nil
}

// validResult is valid for the result so far.
func (ck *Checkpoint) validResult() error {
	r := ck.Result
	if r.Epochs != ck.Epoch || r.BestEpoch < 0 || r.BestEpoch > r.Epochs || (r.Epochs > 0) != (r.BestEpoch > 0) {
		return fmt.Errorf("result of %d epochs (best %d) in a checkpoint of epoch %d", r.Epochs, r.BestEpoch, ck.Epoch)
	}
	if len(ck.Val) > 0 && r.BestEpoch > 0 && (math.IsNaN(r.Best.ValLoss) || math.IsInf(r.Best.ValLoss, 0)) {
		return fmt.Errorf("best validation loss %v", r.Best.ValLoss)
	}
	return nil
}

func allFinite(x []float64) bool {
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// LoadCheckpoint reads a checkpoint written by Checkpoint.Save, with the
// checks of Load (every array's header against the metadata before
// anything is decoded); it also rejects moments and best parameters that
// are not finite or not of the network's size, row indices that are not a
// permutation, and inconsistent counts, with an error wrapping ErrFormat.
func LoadCheckpoint(path string) (*Checkpoint, error) {
	a, err := fileio.ReadNPZ(path)
	if err != nil {
		return nil, formatErr(err)
	}
	var meta checkpointMeta
	if err := a.Meta(&meta); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFormat, err)
	}
	ck, err := meta.checkpoint(path)
	if err != nil {
		return nil, err
	}
	extra, err := meta.arrays(a, path)
	if err != nil {
		return nil, err
	}
	n, arrays, err := readRNGNetwork(a, &meta.networkMeta, extra)
	if err != nil {
		return nil, err
	}
	ck.Network = n
	ck.M, ck.V, ck.Best = arrays["opt_m"], arrays["opt_v"], arrays["best"]
	if _, err := a.Read("rng", &ck.RNG); err != nil {
		return nil, formatErr(err)
	}
	if err := ck.readIndices(path, arrays); err != nil {
		return nil, err
	}
	if err := ck.valid(); err != nil {
		return nil, badCheckpoint(path, "%v", err)
	}
	return ck, nil
}

// badCheckpoint returns an error wrapping ErrFormat for the checkpoint
// file at path.
func badCheckpoint(path, format string, args ...any) error {
	return fmt.Errorf("%w: %s: %s", ErrFormat, path, fmt.Sprintf(format, args...))
}

// checkpoint returns the checkpoint of meta's format, counts, optimizer and
// precision (without arrays) after checking them and the row counts.
func (meta *checkpointMeta) checkpoint(path string) (*Checkpoint, error) {
	if meta.Format != CheckpointFormat {
		return nil, badCheckpoint(path, "format %q, want %q", meta.Format, CheckpointFormat)
	}
	ck := &Checkpoint{Epoch: meta.Epoch, Step: meta.Step, Since: meta.Since, Result: meta.Result, Stopped: meta.Stopped}
	switch meta.Optimizer {
	case "adam":
		ck.Optimizer = Adam
	case "sgd":
		ck.Optimizer = SGD
	default:
		return nil, badCheckpoint(path, "optimizer %q", meta.Optimizer)
	}
	switch meta.Precision {
	case "float32":
		ck.Precision = Float32
	case "float64":
		ck.Precision = Float64
	default:
		return nil, badCheckpoint(path, "precision %q", meta.Precision)
	}
	if meta.Train < 0 || meta.Val < 0 || meta.Train > maxRows || meta.Val > maxRows {
		return nil, badCheckpoint(path, "%d training and %d validation rows", meta.Train, meta.Val)
	}
	return ck, nil
}

// arrays returns the names and shapes of the checkpoint's arrays besides
// the network's, from meta and the header of "rng".
func (meta *checkpointMeta) arrays(a *fileio.NPZ, path string) (map[string][]int, error) {
	np := paramCount(meta.Sizes)
	rh, err := a.Header("rng")
	if err != nil {
		return nil, formatErr(err)
	}
	if len(rh.Shape) != 1 || rh.Shape[0] > 1<<10 {
		return nil, badCheckpoint(path, "rng of shape %v", rh.Shape)
	}
	extra := map[string][]int{"train_idx": {meta.Train}}
	if meta.Val > 0 {
		extra["val_idx"] = []int{meta.Val}
	}
	switch meta.Moments {
	case "mv":
		extra["opt_m"], extra["opt_v"] = []int{np}, []int{np}
	case "v":
		extra["opt_v"] = []int{np}
	case "":
	default:
		return nil, badCheckpoint(path, "moments %q", meta.Moments)
	}
	if meta.Best {
		extra["best"] = []int{np}
	}
	// rng is uint8, read by LoadCheckpoint; readNetwork checks that
	// nothing else is there.
	extra["rng"] = rh.Shape
	return extra, nil
}

// paramCount returns the number of parameters of a network of the given
// layer sizes, counting up to the first size out of range (which
// readNetwork reports) before any array is decoded.
func paramCount(sizes []int) int {
	np := 0
	for l := 0; l+1 < len(sizes); l++ {
		if sizes[l] < 1 || sizes[l] > 1<<24 || sizes[l+1] < 1 || sizes[l+1] > 1<<24 {
			break // readNetwork reports it
		}
		np += sizes[l]*sizes[l+1] + sizes[l+1]
	}
	return np
}

// readIndices converts the row indices train_idx and val_idx of arrays
// into ck.Train and ck.Val.
func (ck *Checkpoint) readIndices(path string, arrays map[string][]float64) error {
	rows := float64(len(arrays["train_idx"]) + len(arrays["val_idx"]))
	for _, e := range []struct {
		name string
		dst  *[]int
	}{{"train_idx", &ck.Train}, {"val_idx", &ck.Val}} {
		x := arrays[e.name]
		idx := make([]int, len(x))
		for i, v := range x {
			if v != math.Trunc(v) || v < 0 || v >= rows {
				return badCheckpoint(path, "%s[%d] = %v is not a row index", e.name, i, v)
			}
			idx[i] = int(v)
		}
		*e.dst = idx
	}
	return nil
}

// readRNGNetwork is readNetwork for a checkpoint, whose "rng" array is
// uint8: it is left out of the float64 decoding (its header is checked
// here) and read by the caller.
func readRNGNetwork(a *fileio.NPZ, meta *networkMeta, extra map[string][]int) (*Network, map[string][]float64, error) {
	shape := extra["rng"]
	delete(extra, "rng")
	h, err := a.Header("rng")
	if err != nil {
		return nil, nil, formatErr(err)
	}
	if h.Descr != "|u1" || !slices.Equal(h.Shape, shape) {
		return nil, nil, fmt.Errorf("%w: rng of type %q and shape %v, want uint8", ErrFormat, h.Descr, h.Shape)
	}
	return readNetwork(a, meta, extra, "rng")
}

// checkResume returns an error wrapping ErrSettings unless ck can resume
// training of net on r rows with settings set (after defaults).
func (ck *Checkpoint) checkResume(net *Network, r int, set *TrainSettings) error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: Resume: %s", ErrSettings, fmt.Sprintf(format, a...))
	}
	if ck.Network == nil {
		return bad("Network is nil")
	}
	cn := ck.Network
	if !slices.Equal(cn.sizes, net.sizes) || cn.act != net.act {
		return bad("the checkpoint's network is %v %v, the network to train %v %v", cn.sizes, cn.act, net.sizes, net.act)
	}
	if !slices.Equal(cn.grid, net.grid) {
		return bad("the checkpoint's temperature grid %v differs from the network's %v", cn.grid, net.grid)
	}
	if err := ck.valid(); err != nil {
		return bad("%v", err)
	}
	if ck.Optimizer != set.Optimizer {
		return bad("Optimizer = %s, the settings' %s", ck.Optimizer.name(), set.Optimizer.name())
	}
	if ck.Precision != set.Precision {
		return bad("Precision = %s, the settings' %s", ck.Precision.name(), set.Precision.name())
	}
	if want := set.Optimizer == Adam || set.Momentum > 0; (ck.V != nil) != want {
		return bad("V is %v, but the settings' optimizer %s with momentum %v needs it %v", ck.V != nil, set.Optimizer.name(), set.Momentum, want)
	}
	if rows := len(ck.Train) + len(ck.Val); rows != r {
		return bad("the checkpoint's split covers %d rows, x has %d", rows, r)
	}
	if (len(ck.Val) > 0) != (set.ValidationFraction > 0) {
		return bad("%d validation rows, but ValidationFraction = %v", len(ck.Val), set.ValidationFraction)
	}
	if set.Epochs < ck.Epoch {
		return fmt.Errorf("%w: Epochs = %d (want ≥ Resume.Epoch = %d)", ErrSettings, set.Epochs, ck.Epoch)
	}
	return nil
}

// sourceState returns the marshalled state of src, or an error wrapping
// ErrSettings if src cannot be marshalled.
func sourceState(src any) ([]byte, error) {
	m, ok := src.(encoding.BinaryMarshaler)
	if !ok {
		return nil, fmt.Errorf("%w: Src = %T cannot be checkpointed (want a source with MarshalBinary and UnmarshalBinary, such as *rand.PCG or *rand.ChaCha8)", ErrSettings, src)
	}
	return m.MarshalBinary()
}
