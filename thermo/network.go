package thermo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// Activation is the nonlinearity of a Network's hidden layers.
type Activation int

const (
	// Tanh is the hyperbolic tangent, the reference code's activation.
	Tanh Activation = iota
	// ReLU is max(0, z).
	ReLU
)

// String returns "tanh" or "relu".
func (a Activation) String() string {
	switch a {
	case Tanh:
		return "tanh"
	case ReLU:
		return "relu"
	}
	return fmt.Sprintf("Activation(%d)", int(a))
}

// Architecture is the shape of a Network between its input and its softmax
// output: the widths of the hidden layers and their activation.
type Architecture struct {
	Hidden     []int
	Activation Activation
}

var (
	// Reference is the reference code's architecture:
	// N → 512 → 256 → 64 → K, tanh.
	Reference = Architecture{Hidden: []int{512, 256, 64}, Activation: Tanh}
	// Small is a fast architecture, N → 64 → K, tanh, which reaches within a
	// few per cent of the reference calibration on L = 10 data in seconds.
	Small = Architecture{Hidden: []int{64}, Activation: Tanh}
	// Medium is N → 128 → 64 → K, tanh. With enough data (6000–8000
	// rows per temperature at L = 10, augmented by Symmetrize), Adam at a
	// rate decaying by 0.97 per epoch (ExponentialSchedule) for 100
	// epochs and the symmetric readout, its exact-class accuracy came
	// within 0.0016–0.0032 of the Bayes limit in five runs (three seeds,
	// 6000 or 8000 rows, one with 0.96 over 120 epochs; 100 000 test rows
	// each); Small on 1600 rows per temperature stays 0.01–0.016
	// short (−0.0135 in the same test), and five times the rows alone or
	// four times the width alone close about a third of that.
	Medium = Architecture{Hidden: []int{128, 64}, Activation: Tanh}
)

// Thermometer is a per-configuration thermometer: a classifier over an
// ascending grid of temperatures. Network and EnergyBayes satisfy it.
type Thermometer interface {
	// Temperatures returns the ascending class grid. The caller must not
	// modify it.
	Temperatures() []float64
	// Probabilities fills dst (N×K) with the class probabilities of the N
	// configurations in the rows of x. Each row of dst sums to 1.
	Probabilities(dst, x *mat.Dense)
}

var (
	_ Thermometer = (*Network)(nil)
	_ Thermometer = (*EnergyBayes)(nil)
)

// Network is the neural thermometer: a fully connected feed-forward network
// from the N sites of a configuration to a softmax over K temperatures. The
// input layer sees the spins s = 2v − 1 of the 0/1 rows.
//
// Layer l (l = 0 … len(Hidden)) computes z = a·W_l + b_l with W_l a
// (fan-in)×(fan-out) matrix; hidden layers apply the activation, the last one
// the softmax. A Network is not safe for concurrent use.
type Network struct {
	grid   []float64
	sizes  []int // input, hidden…, classes
	act    Activation
	params []float64   // all weights and biases, layer by layer
	w, b   [][]float64 // views into params
	ws     *work       // float64 inference buffers
	prec   Precision   // of Probabilities
	f32    *net32      // float32 copy of params for inference (refreshed every call)
	inf32  []*infer32  // float32 inference buffers, one per goroutine
	sym    bool        // Probabilities averages over the global spin flip
	flip   mat.Dense   // the flipped rows (symmetric readout)
	pflip  mat.Dense   // their probabilities
}

// SetSymmetric sets whether Probabilities is the symmetric readout: the
// average of the network's probabilities for each configuration v and for
// its global spin flip 1 − v. At zero field the flip is a symmetry of the
// ensemble at every temperature, so the readout loses nothing, and it
// reads a configuration and its mirror image alike (a network trained on
// randomly flipped data need not: its two readings differ by its
// training noise). Training is not affected. The setting is saved in the
// network's file.
func (n *Network) SetSymmetric(on bool) { n.sym = on }

// Symmetric reports whether Probabilities is the symmetric readout.
func (n *Network) Symmetric() bool { return n.sym }

// SetPrecision sets the arithmetic of Probabilities: Float32 (the default)
// or Float64. It panics for an unknown precision.
func (n *Network) SetPrecision(p Precision) {
	if p != Float32 && p != Float64 {
		panic(errPrecision)
	}
	n.prec = p
}

// Precision returns the arithmetic of Probabilities.
func (n *Network) Precision() Precision { return n.prec }

// NewNetwork returns a network from nIn inputs to the temperature classes of
// grid (ascending, copied) through the hidden layers of arch. Weights are
// drawn from src (rand.NewPCG(1, 2) if src is nil): Glorot-uniform for
// tanh, He-normal for ReLU; biases are 0.
// It panics if nIn < 1, a hidden width is < 1, the grid has fewer than two
// temperatures or is not strictly ascending, finite and non-negative (so a
// grid holding +Inf or NaN panics), or the activation is unknown: a grid
// that comes from run-time data must be validated before. (FitEnsemble,
// FitEnergyBayes and EnergyBayesFromDOS return an error for such a grid.)
func NewNetwork(nIn int, grid []float64, arch Architecture, src rand.Source) *Network {
	if nIn < 1 {
		panic(errNonPositive)
	}
	checkGrid(grid)
	if arch.Activation != Tanh && arch.Activation != ReLU {
		panic("thermo: unknown activation")
	}
	sizes := []int{nIn}
	for _, h := range arch.Hidden {
		if h < 1 {
			panic(errNonPositive)
		}
		sizes = append(sizes, h)
	}
	sizes = append(sizes, len(grid))
	n := newNetwork(sizes, slices.Clone(grid), arch.Activation)
	if src == nil {
		src = rand.NewPCG(1, 2)
	}
	rng := rand.New(src)
	for l := range n.w {
		in, out := sizes[l], sizes[l+1]
		if arch.Activation == ReLU && l < len(n.w)-1 {
			sd := math.Sqrt(2 / float64(in))
			for i := range n.w[l] {
				n.w[l][i] = sd * rng.NormFloat64()
			}
		} else {
			a := math.Sqrt(6 / float64(in+out))
			for i := range n.w[l] {
				n.w[l][i] = a * (2*rng.Float64() - 1)
			}
		}
	}
	return n
}

const (
	errNonPositive = "thermo: non-positive size"
	errPrecision   = "thermo: unknown precision"
	errGrid        = "thermo: temperature grid must hold at least two finite, non-negative, strictly ascending values"
)

// checkGrid panics with errGrid for a grid that gridError rejects.
func checkGrid(grid []float64) {
	if gridError(grid) != nil {
		panic(errGrid)
	}
}

// gridError returns an error unless grid holds at least two finite,
// non-negative, strictly ascending temperatures.
func gridError(grid []float64) error {
	if len(grid) < 2 {
		return fmt.Errorf("%s: got %d values", errGrid, len(grid))
	}
	for k, t := range grid {
		if math.IsNaN(t) || math.IsInf(t, 0) || t < 0 || (k > 0 && !(t > grid[k-1])) {
			return fmt.Errorf("%s: grid[%d] = %v", errGrid, k, t)
		}
	}
	return nil
}

func newNetwork(sizes []int, grid []float64, act Activation) *Network {
	total := 0
	for l := 0; l+1 < len(sizes); l++ {
		total += sizes[l]*sizes[l+1] + sizes[l+1]
	}
	n := &Network{grid: grid, sizes: sizes, act: act, params: make([]float64, total)}
	n.w, n.b = layerViews(n.params, sizes)
	return n
}

// layerViews splits buf, laid out like Network.params (each layer's
// (fan-in)×(fan-out) weights, then its biases, layer by layer), into
// per-layer views whose capacities end at their lengths.
func layerViews[T float32 | float64](buf []T, sizes []int) (w, b [][]T) {
	off := 0
	for l := 0; l+1 < len(sizes); l++ {
		nw, nb := sizes[l]*sizes[l+1], sizes[l+1]
		w = append(w, buf[off:off+nw:off+nw])
		off += nw
		b = append(b, buf[off:off+nb:off+nb])
		off += nb
	}
	return w, b
}

// Temperatures returns the ascending class grid. The caller must not modify it.
func (n *Network) Temperatures() []float64 { return n.grid }

// Inputs returns the number of input sites N.
func (n *Network) Inputs() int { return n.sizes[0] }

// Architecture returns the hidden widths and the activation.
func (n *Network) Architecture() Architecture {
	return Architecture{Hidden: slices.Clone(n.sizes[1 : len(n.sizes)-1]), Activation: n.act}
}

// Clone returns a deep copy of n (with its own work buffers).
func (n *Network) Clone() *Network {
	c := newNetwork(slices.Clone(n.sizes), slices.Clone(n.grid), n.act)
	copy(c.params, n.params)
	c.prec, c.sym = n.prec, n.sym
	return c
}

// NumParams returns the number of weights and biases.
func (n *Network) NumParams() int { return len(n.params) }

// Weights returns a copy of layer l's weights as a (fan-in)×(fan-out) matrix
// and of its biases.
func (n *Network) Weights(l int) (w *mat.Dense, b []float64) {
	return mat.NewDense(n.sizes[l], n.sizes[l+1], slices.Clone(n.w[l])), slices.Clone(n.b[l])
}

// flopsPerSample returns the floating-point operations of one forward pass
// (matrix products only) for one configuration.
func (n *Network) flopsPerSample() float64 {
	var f float64
	for l := 0; l+1 < len(n.sizes); l++ {
		f += 2 * float64(n.sizes[l]*n.sizes[l+1])
	}
	return f
}

// work holds the activations a[l] (rows×sizes[l]; a[0] is the input as
// spins, a[last] the probabilities) and the pre-activation gradients d[l].
type work struct {
	rows int
	a, d [][]float64
}

func (n *Network) newWork(rows int, grads bool) *work {
	ws := &work{rows: rows, a: make([][]float64, len(n.sizes))}
	for l, s := range n.sizes {
		ws.a[l] = make([]float64, rows*s)
	}
	if grads {
		ws.d = make([][]float64, len(n.sizes))
		for l := 1; l < len(n.sizes); l++ {
			ws.d[l] = make([]float64, rows*n.sizes[l])
		}
	}
	return ws
}

// load writes the spins 2v − 1 of rows idx of x (or rows lo… if idx is nil)
// into the input buffer.
func (ws *work) load(x *mat.Dense, lo int, idx []int, nIn int) {
	in := ws.a[0]
	for i := 0; i < ws.rows; i++ {
		r := lo + i
		if idx != nil {
			r = idx[i]
		}
		row := x.RawRowView(r)
		dst := in[i*nIn : (i+1)*nIn]
		for j, v := range row {
			dst[j] = 2*v - 1
		}
	}
}

var bl = blas64.Implementation()

// forward computes all activations for the rows loaded in ws.
func (n *Network) forward(ws *work) {
	m := ws.rows
	last := len(n.sizes) - 2
	for l := 0; l <= last; l++ {
		in, out := n.sizes[l], n.sizes[l+1]
		z := ws.a[l+1]
		b := n.b[l]
		for i := 0; i < m; i++ {
			copy(z[i*out:(i+1)*out], b)
		}
		bl.Dgemm(blas.NoTrans, blas.NoTrans, m, out, in, 1, ws.a[l], in, n.w[l], out, 1, z, out)
		if l < last {
			activate(n.act, z)
		} else {
			for i := 0; i < m; i++ {
				softmax(z[i*out : (i+1)*out])
			}
		}
	}
}

func activate(act Activation, z []float64) {
	switch act {
	case Tanh:
		for i, v := range z {
			z[i] = math.Tanh(v)
		}
	case ReLU:
		for i, v := range z {
			if v < 0 {
				z[i] = 0
			}
		}
	}
}

// softmax replaces z by exp(z)/Σexp(z), computed stably.
func softmax(z []float64) {
	mx := math.Inf(-1)
	for _, v := range z {
		mx = max(mx, v)
	}
	var s float64
	for i, v := range z {
		e := math.Exp(v - mx)
		z[i] = e
		s += e
	}
	inv := 1 / s
	for i := range z {
		z[i] *= inv
	}
}

// inferenceRows is the number of rows Probabilities processes at a time.
const inferenceRows = 256

// Probabilities fills dst with the class probabilities of the rows of x
// (N×Inputs(), cells in [0, 1]). If dst is empty it is resized to N×K; if it
// is not empty and not N×K, Probabilities panics with mat.ErrShape, as it does
// if x does not have Inputs() columns. A row with a NaN cell gets NaN
// probabilities (Calibrate and the Fit functions refuse such data with an
// error).
//
// The arithmetic is that of n.Precision(). In Float32 the layers run in
// float32 and the softmax in float64, so each row of dst sums to 1 within
// float64 rounding; more than inferenceRows (256) rows are spread over up to
// GOMAXPROCS goroutines, in chunks whose results do not depend on the
// goroutine that computes them (such calls allocate a little for the
// goroutines; smaller ones allocate nothing once the buffers exist).
func (n *Network) Probabilities(dst, x *mat.Dense) {
	r, c := x.Dims()
	if c != n.sizes[0] {
		panic(mat.ErrShape)
	}
	k := len(n.grid)
	sizeDst(dst, r, k)
	if !n.sym || r == 0 {
		n.probabilities(dst, x)
		return
	}
	if fr, _ := n.flip.Dims(); fr != r {
		n.flip.Reset()
		n.flip.ReuseAs(r, c)
		n.pflip.Reset()
		n.pflip.ReuseAs(r, k)
	}
	for i := 0; i < r; i++ {
		out := n.flip.RawRowView(i)
		for j, v := range x.RawRowView(i) {
			out[j] = 1 - v
		}
	}
	n.probabilities(dst, x)
	n.probabilities(&n.pflip, &n.flip)
	for i := 0; i < r; i++ {
		a, b := dst.RawRowView(i), n.pflip.RawRowView(i)
		for j := range a {
			a[j] = 0.5 * (a[j] + b[j])
		}
	}
}

// probabilities is Probabilities without the symmetric readout; dst has
// the right shape.
func (n *Network) probabilities(dst, x *mat.Dense) {
	r, c := x.Dims()
	k := len(n.grid)
	if n.prec == Float32 {
		if r > 0 {
			n.probabilities32(dst, x)
		}
		return
	}
	for lo := 0; lo < r; lo += inferenceRows {
		m := min(inferenceRows, r-lo)
		ws := n.inferenceWork(m)
		ws.load(x, lo, nil, c)
		n.forward(ws)
		p := ws.a[len(ws.a)-1]
		for i := 0; i < m; i++ {
			copy(dst.RawRowView(lo+i), p[i*k:(i+1)*k])
		}
	}
}

// inferenceWork returns buffers for m ≤ inferenceRows rows, reusing one
// allocation of inferenceRows rows.
func (n *Network) inferenceWork(m int) *work {
	if n.ws == nil {
		n.ws = n.newWork(inferenceRows, false)
	}
	ws := n.ws
	ws.rows = m
	return ws
}

// sizeDst resizes an empty dst to r×k and panics with mat.ErrShape if a
// non-empty dst has another shape.
func sizeDst(dst *mat.Dense, r, k int) {
	if dst.IsEmpty() {
		if r > 0 {
			dst.ReuseAs(r, k)
		}
		return
	}
	if rr, cc := dst.Dims(); rr != r || cc != k {
		panic(mat.ErrShape)
	}
}
