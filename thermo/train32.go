package thermo

import (
	"math"
	"runtime"
	"sync/atomic"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/rgflow/rgflow/internal/gemm"
)

// trainer32 is the float32 training path. A batch runs in two phases, each
// cut into chunks at boundaries that depend only on the shapes (never on
// the number of goroutines); the workers take chunks as they come free:
//
//  1. rows: each chunk of rowChunk rows goes through the forward pass, the
//     output gradient and the back-propagation of the deltas (rows are
//     independent, and package gemm computes every element of a product
//     the same way whatever the row range);
//  2. weights: each chunk is a range of rows of one layer's weights (a
//     range of its inputs), or the layer's biases; it gets its gradient
//     over all rows of the batch (k-sums in a fixed order), its update (on
//     contiguous memory), and its share of the packed weights the next
//     batch reads.
//
// The batch loss is the sum of the per-row losses in row order. So the
// weights are bit-identical for any number of workers.
type trainer32 struct {
	net     *Network
	set     *TrainSettings
	f       *net32
	a, d    [][]float32 // activations and deltas, B rows (d[0] unused)
	y       []int
	rowLoss []float64
	rowOK   []bool
	gw, gb  [][]float32    // gradients (only gb for plain SGD)
	mw, mb  [][]float32    // Adam's first moments
	vw, vb  [][]float32    // Adam's second moments or the momentum velocity
	mbuf    []float32      // the storage of mw, mb (nil without)
	vbuf    []float32      // the storage of vw, vb (nil without)
	pd      []gemm.PackedB // pd[l]: the deltas d[l] packed for the weight gradients
	wch     []wChunk       // the chunks of the weight phase, fixed
	rows    atomic.Int32
	c1, c2  float32 // Adam's bias corrections of this step
	steps   int     // Adam step count
	base    *trainer
	sym     []uint64   // the symmetry of each row of the batch, if symmetrizing
	x       *mat.Dense // the batch: rows idx of x (labels in y)
	idx     []int
	bits    spinBits // x's rows as bit masks, if they are 0/1

	workers   []*worker32
	word      atomic.Uint64 // the current generation, see genWord
	remaining atomic.Int32  // chunks of the current generation not finished
	done      chan struct{} // a token when remaining reaches 0
	stop      atomic.Bool
}

// wChunk is rows r0…r1−1 of layer l's weights, or (bias) its biases.
type wChunk struct {
	l, r0, r1 int
	bias      bool
}

type worker32 struct {
	g       gemm.Gemm
	p, drow []float64     // K each
	scratch []float32     // one input row
	wake    chan struct{} // buffered, 1
}

const (
	phaseRows = iota
	phaseWeights
)

// A generation is one run of a phase. Its word holds everything a helper
// needs to take a chunk, so that one compare-and-swap both checks that the
// generation is still current and takes the chunk: bits 41… count the
// generations, bit 40 is the phase, bits 20–39 the number of chunks and
// bits 0–19 the next chunk. (Reading the phase or the chunk count from
// elsewhere would let a helper that still holds an exhausted generation's
// word take a chunk of the next one before run has published it.) The zero
// word is generation 0 with no chunks.
const (
	genShift   = 41
	phaseShift = 40
	countShift = 20
	chunkMask  = 1<<countShift - 1
)

const errChunks = "thermo: batch too large for the float32 trainer's chunk counter"

func genWord(gen uint64, ph int32, n int) uint64 {
	return gen<<genShift | uint64(ph)<<phaseShift | uint64(n)<<countShift
}

const (
	// rowChunk is the row count of a chunk of the row phase, a multiple of
	// the kernel's 6 rows.
	rowChunk = 24
	// weightRows is the row count of a weight chunk: a multiple of the
	// kernel's 6 rows and of the 16-wide panels of the packed Wᵀ.
	weightRows = 48
	// pollFor is how long an idle goroutine polls for the next phase
	// before it sleeps: on virtual machines, waking a sleeping thread on
	// an idle vCPU takes up to a few hundred microseconds, as long as a
	// phase, while the gap between two phases is far shorter than pollFor.
	pollFor = 100 * time.Microsecond
)

func newTrainer32(net *Network, set *TrainSettings, B int, base *trainer) *trainer32 {
	K := len(net.grid)
	t := &trainer32{net: net, set: set, f: newNet32(net), base: base,
		a: acts32(net.sizes, B), d: acts32(net.sizes, B),
		y: make([]int, B), rowLoss: make([]float64, B), rowOK: make([]bool, B),
		done: make(chan struct{}, 1)}
	if base.side > 0 {
		t.sym = make([]uint64, B)
	}
	t.d[0] = nil // the input's delta is never needed
	t.f.load(net)
	t.f.packForward()
	t.f.packBackward()
	plain := set.Optimizer == SGD && set.Momentum == 0
	t.gw, t.gb = views32(t.f, make([]float32, len(net.params)))
	if plain {
		t.gw = nil
	}
	switch {
	case set.Optimizer == Adam:
		t.mbuf = make([]float32, len(net.params))
		t.mw, t.mb = views32(t.f, t.mbuf)
		fallthrough
	case !plain:
		t.vbuf = make([]float32, len(net.params))
		t.vw, t.vb = views32(t.f, t.vbuf)
	}
	t.pd = make([]gemm.PackedB, len(net.sizes))
	for l := range t.f.w {
		in := net.sizes[l]
		for r0 := 0; r0 < in; r0 += weightRows {
			t.wch = append(t.wch, wChunk{l: l, r0: r0, r1: min(in, r0+weightRows)})
		}
	}
	for l := range t.f.w {
		t.wch = append(t.wch, wChunk{l: l, bias: true})
	}
	procs := max(1, min(runtime.GOMAXPROCS(0), runtime.NumCPU(), maxWorkers, (B+rowChunk-1)/rowChunk))
	for w := 0; w < procs; w++ {
		wk := &worker32{p: make([]float64, K), drow: make([]float64, K),
			scratch: make([]float32, net.sizes[0]), wake: make(chan struct{}, 1)}
		t.workers = append(t.workers, wk)
		if w > 0 {
			go t.work(wk)
		}
	}
	return t
}

// views32 returns per-layer weight and bias views of buf laid out like f.params.
func views32(f *net32, buf []float32) (w, b [][]float32) { return layerViews(buf, f.sizes) }

// work is a helper goroutine's loop: take chunks, then wait for the next
// generation (polling briefly, then asleep until run wakes it).
func (t *trainer32) work(wk *worker32) {
	for !t.stop.Load() {
		t.drain(wk)
		gen := t.word.Load() >> genShift
		deadline := time.Now().Add(pollFor)
		for i := 1; t.word.Load()>>genShift == gen && !t.stop.Load(); i++ {
			if i%128 == 0 && time.Now().After(deadline) {
				<-wk.wake
				break
			}
		}
	}
}

// wakeAll leaves a wake-up token with every helper that has none.
func (t *trainer32) wakeAll() {
	for _, wk := range t.workers[1:] {
		select {
		case wk.wake <- struct{}{}:
		default:
		}
	}
}

// close stops the helpers.
func (t *trainer32) close() {
	t.stop.Store(true)
	t.wakeAll()
}

// sync writes the float32 weights into the network.
func (t *trainer32) sync() { t.f.store(t.net) }

// chunks returns the number of chunks of phase ph.
func (t *trainer32) chunks(ph int32) int {
	if ph == phaseRows {
		return (int(t.rows.Load()) + rowChunk - 1) / rowChunk
	}
	return len(t.wch)
}

// drain runs chunks of the current generation until none is left.
func (t *trainer32) drain(wk *worker32) {
	for {
		v := t.word.Load()
		i, n := int(v&chunkMask), int(v>>countShift&chunkMask)
		if i >= n {
			return
		}
		if !t.word.CompareAndSwap(v, v+1) {
			continue
		}
		t.chunk(wk, int32(v>>phaseShift&1), i)
		if t.remaining.Add(-1) == 0 {
			t.done <- struct{}{}
		}
	}
}

// run executes phase ph: it publishes a new generation, takes chunks
// itself, and waits until all are finished.
func (t *trainer32) run(ph int32) {
	n := t.chunks(ph)
	if len(t.workers) == 1 {
		for i := 0; i < n; i++ {
			t.chunk(t.workers[0], ph, i)
		}
		return
	}
	if n > chunkMask {
		panic(errChunks) // a batch of more than 25 million rows
	}
	t.remaining.Store(int32(n))
	t.word.Store(genWord(t.word.Load()>>genShift+1, ph, n))
	t.wakeAll()
	t.drain(t.workers[0])
	deadline := time.Now().Add(pollFor)
	for i := 1; t.remaining.Load() != 0; i++ {
		if i%128 == 0 && time.Now().After(deadline) {
			break
		}
	}
	<-t.done
}

func (t *trainer32) chunk(wk *worker32, ph int32, i int) {
	if ph == phaseRows {
		rows := int(t.rows.Load())
		t.rowsChunk(wk, i*rowChunk, min(rows, (i+1)*rowChunk))
		return
	}
	c := t.wch[i]
	if c.bias {
		t.biasChunk(c.l)
	} else {
		t.weightChunk(wk, c.l, c.r0, c.r1)
	}
}

// step trains on the rows idx of x: one gradient step. It returns the mean
// loss of the batch and the number of rows classified exactly.
func (t *trainer32) step(x *mat.Dense, labels, idx []int) (float64, int) {
	m := len(idx)
	t.rows.Store(int32(m))
	t.x, t.idx = x, idx
	t.bits.of(x)
	for l := 1; l < len(t.pd); l++ {
		if k, _ := t.pd[l].Dims(); k != m {
			t.pd[l].Reset(m, t.net.sizes[l])
		}
	}
	for i, r := range idx {
		t.y[i] = labels[r]
	}
	if t.sym != nil {
		// One draw per row in row order, as the float64 path does; the
		// row chunks apply them.
		for i := range idx {
			t.sym[i] = t.base.symWord(t.base.rng.Uint64())
		}
	}
	t.run(phaseRows)
	var sum float64
	correct := 0
	for i := 0; i < m; i++ {
		sum += t.rowLoss[i]
		if t.rowOK[i] {
			correct++
		}
	}
	if t.set.Optimizer == Adam {
		const b1, b2 = 0.9, 0.999
		t.steps++
		t.c1 = float32(1 / (1 - math.Pow(b1, float64(t.steps))))
		t.c2 = float32(1 / (1 - math.Pow(b2, float64(t.steps))))
	}
	t.run(phaseWeights)
	return sum / float64(m), correct
}

// rowsChunk: input (symmetrized if asked), forward, output gradient and
// back-propagated deltas of rows lo…hi−1.
func (t *trainer32) rowsChunk(wk *worker32, lo, hi int) {
	f := t.f
	nIn := f.sizes[0]
	for i := lo; i < hi; i++ {
		row := t.a[0][i*nIn : (i+1)*nIn]
		if t.bits.ok {
			expandSpins(row, t.bits.row(t.idx[i]))
		} else {
			loadRow32(row, t.x.RawRowView(t.idx[i]))
		}
		if t.sym != nil {
			symmetrizeRow(row, wk.scratch, t.base.side, t.sym[i])
		}
	}
	f.forward(&wk.g, t.a, lo, hi)
	L := len(f.sizes) - 1
	K := f.sizes[L]
	z, d := t.a[L], t.d[L]
	inv := 1 / float64(t.rows.Load())
	for i := lo; i < hi; i++ {
		softmax64(wk.p, z[i*K:(i+1)*K])
		t.rowLoss[i], t.rowOK[i] = rowGradient(wk.drow, wk.p, t.y[i], t.set.Loss)
		for k, v := range wk.drow {
			d[i*K+k] = float32(v * inv)
		}
	}
	t.pd[L].PackBlock(false, d, K, lo, hi, 0, K)
	m := hi - lo
	for l := L - 1; l > 0; l-- {
		in, out := f.sizes[l], f.sizes[l+1]
		dp := t.d[l][lo*in : hi*in]
		wk.g.SgemmPacked(false, m, 1, t.d[l+1][lo*out:hi*out], out, &f.pwt[l], 0, dp, in)
		a := t.a[l][lo*in : hi*in]
		switch f.act {
		case Tanh:
			gemm.TanhGrad(dp, a)
		case ReLU:
			for i, av := range a {
				if av <= 0 {
					dp[i] = 0
				}
			}
		}
		t.pd[l].PackBlock(false, t.d[l], in, lo, hi, 0, in)
	}
}

// weightChunk: the gradient of rows r0…r1−1 of layer l's weights over all
// rows of the batch, their update, and their part of the packed weights.
func (t *trainer32) weightChunk(wk *worker32, l, r0, r1 int) {
	f := t.f
	in, out := f.sizes[l], f.sizes[l+1]
	m := int(t.rows.Load())
	a := t.a[l][r0 : (m-1)*in+r1]
	lr := float32(t.set.LearningRate)
	l2 := float32(t.set.L2)
	w := f.w[l][r0*out : r1*out]
	if t.gw == nil {
		// Plain SGD: W ← (1 − lr·λ)·W − lr·aᵀ·d in one product.
		wk.g.SgemmPacked(true, r1-r0, -lr, a, in, &t.pd[l+1], 1-lr*l2, w, out)
	} else {
		gw := t.gw[l][r0*out : r1*out]
		beta := float32(0)
		if l2 != 0 {
			copy(gw, w)
			beta = l2
		}
		wk.g.SgemmPacked(true, r1-r0, 1, a, in, &t.pd[l+1], beta, gw, out)
		t.update(w, gw, t.mw, t.vw, l, r0*out, r1*out)
	}
	f.pw[l].PackBlock(false, f.w[l], out, r0, r1, 0, out)
	if l > 0 {
		f.pwt[l].PackBlock(true, f.w[l], out, 0, out, r0, r1)
	}
}

// biasChunk: the gradient of layer l's biases (the column sums of the
// deltas, in row order) and their update.
func (t *trainer32) biasChunk(l int) {
	out := t.f.sizes[l+1]
	m := int(t.rows.Load())
	dl := t.d[l+1]
	gb := t.gb[l]
	clear(gb)
	for i := 0; i < m; i++ {
		gemm.Axpy(1, dl[i*out:(i+1)*out], gb)
	}
	if t.gw == nil {
		gemm.Axpy(-float32(t.set.LearningRate), gb, t.f.b[l])
		return
	}
	t.update(t.f.b[l], gb, t.mb, t.vb, l, 0, out)
}

// update applies the optimizer to parameters p with gradients g; the
// optimizer state of p is ms[l][s:e], vs[l][s:e].
func (t *trainer32) update(p, g []float32, ms, vs [][]float32, l, s, e int) {
	lr := float32(t.set.LearningRate)
	switch t.set.Optimizer {
	case Adam:
		const b1, b2, eps = 0.9, 0.999, 1e-8
		gemm.AdamStep(p, g, ms[l][s:e], vs[l][s:e], lr, b1, b2, t.c1, t.c2, eps)
	case SGD:
		gemm.MomentumStep(p, g, vs[l][s:e], float32(t.set.Momentum), lr)
	}
}

// state returns the optimizer's moments (float32 values) and Adam's step
// count.
func (t *trainer32) state() (m, v []float64, step int) {
	return widen(t.mbuf), widen(t.vbuf), t.steps
}

// setState restores what state returned (the moments rounded to float32).
func (t *trainer32) setState(m, v []float64, step int) {
	for i, x := range m {
		t.mbuf[i] = float32(x)
	}
	for i, x := range v {
		t.vbuf[i] = float32(x)
	}
	t.steps = step
}

func widen(x []float32) []float64 {
	if x == nil {
		return nil
	}
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = float64(v)
	}
	return y
}

// spinBits holds the rows of a 0/1 matrix as bit masks, 64 cells a word.
// A batch's rows are drawn in shuffled order from all of x: as float64
// rows (8 bytes a cell) that is a cache miss per row; as bits (the paper's
// 40 000 rows in 640 KB) it is not, and the spins ±1 they expand to are the
// values loadRow32 computes, exactly.
type spinBits struct {
	x     *mat.Dense // the matrix packed (nil: none)
	ok    bool       // every cell of x is 0 or 1
	words int
	bits  []uint64
}

// of packs x unless it is the matrix already packed. The trainer's x does
// not change during Train.
func (s *spinBits) of(x *mat.Dense) {
	if s.x == x {
		return
	}
	r, c := x.Dims()
	s.x, s.ok, s.words = x, false, (c+63)/64
	if noSpinBits {
		return
	}
	if cap(s.bits) < r*s.words {
		s.bits = make([]uint64, r*s.words)
	}
	s.bits = s.bits[:r*s.words]
	clear(s.bits)
	for i := 0; i < r; i++ {
		m := s.bits[i*s.words : (i+1)*s.words]
		for j, v := range x.RawRowView(i) {
			switch v {
			case 1:
				m[j>>6] |= 1 << (j & 63)
			case 0:
			default:
				return
			}
		}
	}
	s.ok = true
}

// noSpinBits turns spinBits off (tests compare the two paths).
var noSpinBits = false

func (s *spinBits) row(i int) []uint64 { return s.bits[i*s.words : (i+1)*s.words] }

// expandSpins writes the spins of mask m into dst: +1 for a set bit, −1
// for a clear one.
func expandSpins(dst []float32, m []uint64) {
	for j := range dst {
		dst[j] = float32(int32(m[j>>6]>>(j&63)&1)*2 - 1)
	}
}
