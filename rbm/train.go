package rbm

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/rgflow/rgflow/internal/simd"
)

var (
	// ErrDiverged is returned (wrapped) by Train when training diverges:
	// a parameter would become NaN or ±Inf, or the parameters' RMS grows
	// beyond the bounds of Train's divergence rule. The model keeps the
	// values it had at the end of the last good epoch (see Train).
	ErrDiverged = errors.New("rbm: training diverged")
	// ErrSettings is returned (wrapped, with the field and its value) by
	// Train for an invalid Settings field.
	ErrSettings = errors.New("rbm: invalid settings")
	// ErrNotBinary is returned (wrapped) when data that must be 0/1 is not.
	ErrNotBinary = errors.New("rbm: data is not binary (0/1)")
	// ErrNoData is returned by Train for an empty data set.
	ErrNoData = errors.New("rbm: no training data")
)

// Trainer supplies the negative phase of the log-likelihood gradient
//
//	∂ log p(v)/∂W = ⟨v hᵀ⟩_data − ⟨v hᵀ⟩_model.
//
// CD and PCD implement it; other methods (parallel tempering, say) can be
// implemented outside the package using the Model's exported methods.
type Trainer interface {
	// Sampler is called once at the start of Train (and by
	// EstimateGradient) and returns the sampler used for every minibatch
	// of the run.
	Sampler(m *Model, c SamplerConfig) (Sampler, error)
}

// SamplerConfig is what Train tells a Trainer about the run.
type SamplerConfig struct {
	// BatchSize is the number of rows of the largest minibatch.
	BatchSize int
	// Src is the run's random stream. A Sampler must draw from it only
	// inside Sampler and Negative, and a deterministic number of times, so
	// that a run is reproducible and resumes bit-identically.
	Src rand.Source
	// Chains holds persistent chains restored from a checkpoint, or nil.
	// When it is not nil the trainer must start from it and must not draw
	// from Src while setting up.
	Chains *mat.Dense
}

// Sampler produces negative-phase statistics for one minibatch.
type Sampler interface {
	// Negative returns visible states v (one per row, any number of rows)
	// drawn approximately from the model, and h = p(h=1|v) for them (or
	// hidden samples). v0 is the data minibatch and h0 = p(h=1|v0). The
	// sampler owns the returned matrices, which stay valid until the next
	// call; it must not modify v0 or h0.
	Negative(v0, h0 *mat.Dense) (v, h *mat.Dense)
}

// Persistent is implemented by samplers that keep chains between
// minibatches. Train saves the chains in checkpoints and hands them back
// through SamplerConfig.Chains when resuming.
type Persistent interface {
	Chains() *mat.Dense
}

// CD is contrastive divergence CD-k (Hinton 2002): the negative chains start
// at the data minibatch and run K block Gibbs steps. If K is 0, 1 is used.
//
// Precision selects the kernels Train and EstimateGradient use: Float32
// (the default) or the Float64 reference. A Sampler's Negative method,
// called directly, always runs the float64 kernels.
type CD struct {
	K         int
	Precision Precision
}

// PCD is persistent contrastive divergence (Tieleman 2008): Chains
// persistent chains, started from uniformly random states, advance K steps
// per minibatch. If Chains is 0, the batch size is used; if K is 0, 1 is
// used. Precision is as for CD.
type PCD struct {
	Chains, K int
	Precision Precision
}

var (
	_ Trainer    = CD{}
	_ Trainer    = PCD{}
	_ Persistent = (*pcdSampler)(nil)
)

type cdSampler struct {
	prec Precision
	c    chain
	src  rand.Source
	vbuf []float64
	v, h mat.Dense
}

// Sampler implements Trainer.
func (t CD) Sampler(m *Model, c SamplerConfig) (Sampler, error) {
	if t.K < 0 {
		return nil, badSetting("CD.K", t.K, "≥ 0")
	}
	if t.Precision != Float32 && t.Precision != Float64 {
		return nil, badSetting("CD.Precision", t.Precision, "Float32 or Float64")
	}
	return &cdSampler{prec: t.Precision, c: chain{m: m, k: max(t.K, 1)}, src: c.Src}, nil
}

func (s *cdSampler) Negative(v0, h0 *mat.Dense) (v, h *mat.Dense) {
	c := &s.c
	nv, nh := c.m.check()
	in, ldi, rows := input(v0, nv)
	c.prepare(rows, s.src)
	if cap(s.vbuf) < rows*nv {
		s.vbuf = make([]float64, rows*nv)
	}
	out := s.vbuf[:rows*nv]
	c.in, c.ldi, c.out, c.ldo, c.final = in, ldi, out, nv, true
	c.h0 = nil
	if h0 != nil {
		raw := h0.RawMatrix()
		if raw.Rows == rows && raw.Cols == nh && raw.Stride == nh {
			c.h0 = raw.Data[:rows*nh]
		}
	}
	c.par.do(c, blocks(rows))
	c.in, c.out, c.h0 = nil, nil, nil
	wrap(&s.v, rows, nv, out)
	wrap(&s.h, rows, nh, c.h)
	return &s.v, &s.h
}

// wrap points d at data as an r×c matrix, reusing d's header.
func wrap(d *mat.Dense, r, c int, data []float64) {
	raw := d.RawMatrix()
	if raw.Rows == r && raw.Cols == c && len(raw.Data) > 0 && &raw.Data[0] == &data[0] {
		return
	}
	d.SetRawMatrix(mat.NewDense(r, c, data[:r*c]).RawMatrix())
}

type pcdSampler struct {
	prec   Precision
	fast   *fast // the float32 engine that owns the chains during Train
	c      chain
	src    rand.Source
	chains *mat.Dense
	h      mat.Dense
}

// Sampler implements Trainer.
func (t PCD) Sampler(m *Model, c SamplerConfig) (Sampler, error) {
	if t.K < 0 {
		return nil, badSetting("PCD.K", t.K, "≥ 0")
	}
	if t.Chains < 0 {
		return nil, badSetting("PCD.Chains", t.Chains, "≥ 0")
	}
	if t.Precision != Float32 && t.Precision != Float64 {
		return nil, badSetting("PCD.Precision", t.Precision, "Float32 or Float64")
	}
	nv, _ := m.check()
	s := &pcdSampler{prec: t.Precision, c: chain{m: m, k: max(t.K, 1)}, src: c.Src}
	if c.Chains != nil {
		r, cols := c.Chains.Dims()
		if cols != nv || (t.Chains != 0 && r != t.Chains) {
			return nil, fmt.Errorf("%w: PCD.Chains = %d but the restored chains are %d×%d (want %d columns)", ErrSettings, t.Chains, r, cols, nv)
		}
		s.chains = mat.DenseCopyOf(c.Chains)
		return s, nil
	}
	n := t.Chains
	if n == 0 {
		n = max(c.BatchSize, 1)
	}
	r := fastRand{s: c.Src.Uint64()}
	data := make([]float64, n*nv)
	for i := range data {
		data[i] = float64(r.next() >> 63)
	}
	s.chains = mat.NewDense(n, nv, data)
	return s, nil
}

func (s *pcdSampler) Negative(_, _ *mat.Dense) (v, h *mat.Dense) {
	c := &s.c
	_, nh := c.m.check()
	raw := s.chains.RawMatrix()
	c.prepare(raw.Rows, s.src)
	c.in, c.ldi, c.out, c.ldo, c.h0, c.final = raw.Data, raw.Stride, raw.Data, raw.Stride, nil, true
	c.par.do(c, blocks(raw.Rows))
	c.in, c.out = nil, nil
	wrap(&s.h, raw.Rows, nh, c.h)
	return s.chains, &s.h
}

// Chains implements Persistent.
func (s *pcdSampler) Chains() *mat.Dense {
	if s.fast != nil {
		return s.fast.chains()
	}
	return s.chains
}

// fastEngine returns the float32 engine for a CD or PCD sampler of
// precision Float32 on data, or nil for any other sampler.
func fastEngine(m *Model, data *masks, smp Sampler) *fast {
	switch s := smp.(type) {
	case *cdSampler:
		if s.prec == Float32 {
			return newFast(m, data, s.c.k, nil)
		}
	case *pcdSampler:
		if s.prec == Float32 {
			s.fast = newFast(m, data, s.c.k, s.chains)
			return s.fast
		}
	}
	return nil
}

// paramRMS returns the root mean square of m's trainable parameters.
func paramRMS(m *Model) float64 {
	var ss float64
	n := 0
	w := m.W.RawMatrix()
	for i := 0; i < w.Rows; i++ {
		for _, x := range w.Data[i*w.Stride : i*w.Stride+w.Cols] {
			ss += x * x
		}
		n += w.Cols
	}
	for _, b := range []struct {
		v   []float64
		off bool
	}{{m.VBias, m.NoVBias}, {m.HBias, m.NoHBias}} {
		if b.off {
			continue
		}
		for _, x := range b.v {
			ss += x * x
		}
		n += len(b.v)
	}
	return math.Sqrt(ss / float64(n))
}

// snapshot holds the model's parameters and the optimiser's velocities at
// the start of an epoch, to restore on divergence.
type snapshot struct {
	w, vb, hb    []float64
	vw, vvb, vhb []float64
	epochs       int
}

func (sn *snapshot) take(m *Model, tr *trainer) {
	sn.w = append(sn.w[:0], m.W.RawMatrix().Data...)
	sn.vb = append(sn.vb[:0], m.VBias...)
	sn.hb = append(sn.hb[:0], m.HBias...)
	sn.vw = append(sn.vw[:0], tr.vel.W.RawMatrix().Data...)
	sn.vvb = append(sn.vvb[:0], tr.vel.VBias...)
	sn.vhb = append(sn.vhb[:0], tr.vel.HBias...)
	sn.epochs = m.Hyper.Epochs
}

func (sn *snapshot) restore(m *Model, tr *trainer) {
	copy(m.W.RawMatrix().Data, sn.w)
	copy(m.VBias, sn.vb)
	copy(m.HBias, sn.hb)
	copy(tr.vel.W.RawMatrix().Data, sn.vw)
	copy(tr.vel.VBias, sn.vvb)
	copy(tr.vel.HBias, sn.vhb)
	m.Hyper.Epochs = sn.epochs
}

// Gradient is a gradient of the mean log-likelihood with respect to the
// parameters (or a trainer's estimate of it).
type Gradient struct {
	W            *mat.Dense
	VBias, HBias []float64
}

// checkBinary returns an ErrNotBinary-wrapping error unless every cell of d
// is 0 or 1.
func checkBinary(d *mat.Dense, what string) error {
	r, _ := d.Dims()
	for i := 0; i < r; i++ {
		for j, x := range d.RawRowView(i) {
			if x != 0 && x != 1 {
				return fmt.Errorf("%w: %s[%d,%d] = %v", ErrNotBinary, what, i, j, x)
			}
		}
	}
	return nil
}

// trainer holds the buffers of one Train call.
type trainer struct {
	m      *Model
	nv, nh int
	batch  []float64 // B×nv
	hpos   []float64 // B×nh
	pos    layerOp
	grad   gradOp
	g      Gradient
	vel    Gradient
	bd, hd mat.Dense
	par    parFor
}

func newTrainer(m *Model, bs int) *trainer {
	nv, nh := m.check()
	t := &trainer{m: m, nv: nv, nh: nh, batch: make([]float64, bs*nv), hpos: make([]float64, bs*nh)}
	t.g = Gradient{W: mat.NewDense(nv, nh, nil), VBias: make([]float64, nv), HBias: make([]float64, nh)}
	t.vel = Gradient{W: mat.NewDense(nv, nh, nil), VBias: make([]float64, nv), HBias: make([]float64, nh)}
	return t
}

// gradOp computes G = v0ᵀh0/n0 − vnᵀhn/nn, block-parallel over rows of G.
type gradOp struct {
	nv, nh  int
	v0, h0  []float64
	l0, lh0 int
	n0      int
	vn, hn  []float64
	ln, lhn int
	nn      int
	g       []float64
}

func (op *gradOp) run(b int) {
	lo, hi := blockRange(b, op.nv)
	g := op.g[lo*op.nh:]
	gemmTN(hi-lo, op.nh, op.n0, 1/float64(op.n0), op.v0[lo:], op.l0, op.h0, op.lh0, 0, g, op.nh)
	gemmTN(hi-lo, op.nh, op.nn, -1/float64(op.nn), op.vn[lo:], op.ln, op.hn, op.lhn, 1, g, op.nh)
}

// gradient fills t.g from the positive batch (rows × nv in t.batch, with
// p(h|v) in t.hpos) and the negative statistics.
func (t *trainer) gradient(rows int, vn, hn *mat.Dense) {
	nv, nh := t.nv, t.nh
	vr, hr := vn.RawMatrix(), hn.RawMatrix()
	if vr.Cols != nv || hr.Cols != nh || vr.Rows != hr.Rows || vr.Rows == 0 {
		panic(mat.ErrShape)
	}
	t.grad = gradOp{nv: nv, nh: nh, v0: t.batch, h0: t.hpos, l0: nv, lh0: nh, n0: rows,
		vn: vr.Data, hn: hr.Data, ln: vr.Stride, lhn: hr.Stride, nn: vr.Rows, g: t.g.W.RawMatrix().Data}
	t.par.do(&t.grad, blocks(nv))
	colMeanDiff(t.g.VBias, t.batch, nv, rows, vr.Data, vr.Stride, vr.Rows)
	colMeanDiff(t.g.HBias, t.hpos, nh, rows, hr.Data, hr.Stride, hr.Rows)
}

// colMeanDiff sets dst to the column means of a (ra rows, stride len(dst))
// minus those of b (rb rows, stride ldb).
func colMeanDiff(dst, a []float64, n, ra int, b []float64, ldb, rb int) {
	clear(dst)
	for i := 0; i < ra; i++ {
		for j, x := range a[i*n : (i+1)*n] {
			dst[j] += x
		}
	}
	fa, fb := 1/float64(ra), 1/float64(rb)
	for j := range dst {
		dst[j] *= fa
	}
	for i := 0; i < rb; i++ {
		for j, x := range b[i*ldb : i*ldb+n] {
			dst[j] -= fb * x
		}
	}
}

// positive loads the batch rows idx of data into t.batch and computes
// p(h|v) into t.hpos.
func (t *trainer) positive(data *mat.Dense, idx []int) (v0, h0 *mat.Dense) {
	nv, nh := t.nv, t.nh
	rows := len(idx)
	for k, i := range idx {
		copy(t.batch[k*nv:(k+1)*nv], data.RawRowView(i))
	}
	var wbuf []float64
	t.pos = layerOp{w: t.m.raw(&wbuf), up: true, nv: nv, nh: nh, bias: t.m.HBias,
		in: t.batch, ldi: nv, out: t.hpos, ldo: nh, rows: rows}
	t.par.do(&t.pos, blocks(rows))
	wrap(&t.bd, rows, nv, t.batch)
	wrap(&t.hd, rows, nh, t.hpos)
	return &t.bd, &t.hd
}

// update applies one step with learning rate lr, momentum mom and weight
// decay. It returns false, leaving the model and the velocities unchanged,
// if any new parameter would not be finite.
func (t *trainer) update(lr, mom, l2, l1 float64) bool {
	m := t.m
	w := m.W.RawMatrix()
	g := t.g.W.RawMatrix().Data
	vel := t.vel.W.RawMatrix().Data
	nv, nh := t.nv, t.nh
	ok := true
	for i := 0; i < nv; i++ {
		wr := w.Data[i*w.Stride : i*w.Stride+nh]
		gr, vr := g[i*nh:(i+1)*nh], vel[i*nh:(i+1)*nh]
		for j, x := range wr {
			d := gr[j] - l2*x
			if l1 != 0 {
				switch {
				case x > 0:
					d -= l1
				case x < 0:
					d += l1
				}
			}
			u := mom*vr[j] + lr*d
			gr[j] = u
			if nw := x + u; math.IsNaN(nw) || math.IsInf(nw, 0) {
				ok = false
			}
		}
	}
	if !t.updateBiases(lr, mom, ok) {
		return false
	}
	for i := 0; i < nv; i++ {
		wr := w.Data[i*w.Stride : i*w.Stride+nh]
		gr := g[i*nh : (i+1)*nh]
		for j := range wr {
			wr[j] += gr[j]
		}
	}
	copy(vel, g)
	return true
}

// updateBiases is the bias part of update: it computes the steps of the
// biases that are on into their gradients. If ok (the weights' steps are
// finite) and every new bias is finite, it applies them, stores the
// velocities and returns true; otherwise it changes nothing and returns
// false.
func (t *trainer) updateBiases(lr, mom float64, ok bool) bool {
	m := t.m
	step := func(b, g, v []float64, off bool) {
		if off {
			return
		}
		for j, x := range b {
			u := mom*v[j] + lr*g[j]
			g[j] = u
			if nw := x + u; math.IsNaN(nw) || math.IsInf(nw, 0) {
				ok = false
			}
		}
	}
	step(m.VBias, t.g.VBias, t.vel.VBias, m.NoVBias)
	step(m.HBias, t.g.HBias, t.vel.HBias, m.NoHBias)
	if !ok {
		return false
	}
	apply := func(b, g, v []float64, off bool) {
		if off {
			return
		}
		for j := range b {
			b[j] += g[j]
		}
		copy(v, g)
	}
	apply(m.VBias, t.g.VBias, t.vel.VBias, m.NoVBias)
	apply(m.HBias, t.g.HBias, t.vel.HBias, m.NoHBias)
	return true
}

// EstimateGradient returns the gradient estimate that trainer t would use
// for a minibatch equal to data, with randomness from src. With an exact
// negative phase it equals ExactGradient(m, data). A nil t means CD{}.
func EstimateGradient(m *Model, data *mat.Dense, t Trainer, src rand.Source) (*Gradient, error) {
	if t == nil {
		t = CD{}
	}
	nv, _ := m.check()
	rows, cols := data.Dims()
	if cols != nv {
		panic(mat.ErrShape)
	}
	dm, err := binaryMasks(data, "data")
	if err != nil {
		return nil, err
	}
	tr := newTrainer(m, rows)
	s, err := t.Sampler(m, SamplerConfig{BatchSize: rows, Src: src})
	if err != nil {
		return nil, err
	}
	idx := make([]int, rows)
	for i := range idx {
		idx[i] = i
	}
	if ft := fastEngine(m, dm, s); ft != nil {
		ft.batch(idx, &tr.g, src.Uint64, nil, nil)
	} else {
		v0, h0 := tr.positive(data, idx)
		vn, hn := s.Negative(v0, h0)
		tr.gradient(rows, vn, hn)
	}
	if m.NoVBias {
		clear(tr.g.VBias)
	}
	if m.NoHBias {
		clear(tr.g.HBias)
	}
	return &tr.g, nil
}

// Train fits m to the binary rows of data by stochastic gradient ascent on
// the log-likelihood, with the negative phase from t (if t is nil, CD{}:
// CD-1 in float32). It panics with mat.ErrShape if data or the validation
// data do not have Nv columns, or if m's biases do not match W.
//
// Everything else that is wrong is an error, returned before m changes
// unless said otherwise: an error wrapping ErrSettings, naming the field
// and its value, for a negative Epochs, BatchSize, MonitorRows,
// ProgressEvery, CheckpointEvery, L, MonitorChains, MonitorSteps or
// Patience, a LearningRate, L2 or L1 that is negative or not finite, a
// Momentum outside [0, 1), unknown Monitors bits, an L with L² ≠ Nv, a
// Patience without Validation or Score, invalid AIS settings, a trainer's
// invalid fields, and a Resume checkpoint that does not fit (another
// shape, invalid arrays, persistent chains for a trainer without them or
// none for one with them, Epochs below its epoch); a Schedule value that
// is negative or not finite and a NaN early-stopping score (found at their
// epoch, which leaves m at the end of the previous one); ErrNoData for
// empty data; an error wrapping ErrNotBinary for non-binary data or
// validation data; ErrDiverged (wrapped) if training diverges; the
// Progress callback's error unchanged (m at the end of that epoch); or an
// I/O error from checkpointing.
//
// Divergence rule: let r be the root mean square of the trainable
// parameters (W and the biases that are on). Training has diverged when an
// update would make a parameter NaN or ±Inf, or when at the end of an epoch
// r exceeds DivergedGrowth × max(r₀, 1), where r₀ is r at the start of the
// epoch, or exceeds DivergedRMS. On divergence m is restored to its values
// at the start of the epoch (the end of the last good epoch), and
// m.Hyper.Epochs is that epoch's number minus one. Sound training (learning
// rates up to about 0.1 with momentum 0.9 on Ising data) grows r by far less
// than DivergedGrowth in an epoch.
func Train(m *Model, data *mat.Dense, s *Settings, t Trainer) error {
	if t == nil {
		t = CD{}
	}
	set := withDefaults(s)
	nv, nh := m.check()
	if err := set.check(nv); err != nil {
		return err
	}
	if data.IsEmpty() {
		return ErrNoData
	}
	n, cols := data.Dims()
	if cols != nv {
		panic(mat.ErrShape)
	}
	if set.Validation != nil {
		if _, c := set.Validation.Dims(); c != nv {
			panic(mat.ErrShape)
		}
	}
	ck := set.Resume
	if ck != nil {
		if err := ck.checkResume(nv, nh, set.Epochs); err != nil {
			return err
		}
	}
	dm, err := binaryMasks(data, "data")
	if err != nil {
		return err
	}
	if set.Validation != nil {
		if err := checkBinary(set.Validation, "validation"); err != nil {
			return err
		}
	}
	bs := min(set.BatchSize, n)
	pcg := rand.NewPCG(1, 2)
	var chains *mat.Dense
	if ck != nil {
		chains = ck.Chains
	} else if set.Src != nil {
		pcg.Seed(set.Src.Uint64(), set.Src.Uint64())
	}
	smp, err := t.Sampler(m, SamplerConfig{BatchSize: bs, Src: pcg, Chains: chains})
	if err != nil {
		return err
	}
	persistent, _ := smp.(Persistent)
	if ck != nil && (ck.Chains != nil) != (persistent != nil) {
		if persistent == nil {
			return fmt.Errorf("%w: Resume.Chains: the checkpoint holds persistent chains but the trainer %T%+v keeps none", ErrSettings, t, t)
		}
		return fmt.Errorf("%w: Resume.Chains = nil but the trainer %T%+v keeps persistent chains", ErrSettings, t, t)
	}
	tr := newTrainer(m, bs)
	first := 1
	es := earlyStop{bestScore: math.Inf(1)}
	if ck != nil {
		ck.restore(m, tr, pcg, &es)
		first = ck.Epoch + 1
	}
	ft := fastEngine(m, dm, smp)
	rng := rand.New(pcg)
	perm := make([]int, n)
	m.Hyper.Trainer = fmt.Sprintf("%T%+v", t, t)
	m.Hyper.BatchSize, m.Hyper.Momentum, m.Hyper.L2, m.Hyper.L1 = bs, set.Momentum, set.L2, set.L1
	m.Hyper.Schedule = set.Schedule != nil
	if set.Schedule == nil {
		m.Hyper.LearningRate = set.LearningRate
	}
	var fm *masks
	if ft != nil {
		fm = dm
	}
	mon := newMonitorState(m, data, fm, &set)
	mon.chains = persistent
	score := set.Score
	if score == nil {
		score = func(mo Monitors) float64 { return mo.Valid.Recon }
	}
	last := first - 1
	var snap snapshot
	for epoch := first; epoch <= set.Epochs && !es.stopped; epoch++ {
		lr := set.LearningRate
		if set.Schedule != nil {
			lr = set.Schedule(epoch)
			if !(lr >= 0) || math.IsInf(lr, 0) {
				return fmt.Errorf("%w: Schedule(%d) = %v (want a finite value ≥ 0)", ErrSettings, epoch, lr)
			}
		}
		snap.take(m, tr)
		r0 := paramRMS(m)
		// The shuffle restarts from the identity so that a resumed run
		// shuffles exactly as the uninterrupted one.
		for i := range perm {
			perm[i] = i
		}
		rng.Shuffle(n, func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		monSeed := pcg.Uint64()
		for b0 := 0; b0 < n; b0 += bs {
			if !tr.step(ft, smp, data, perm[b0:min(b0+bs, n)], lr, &set, pcg) {
				snap.restore(m, tr)
				return fmt.Errorf("%w: a parameter would become NaN or Inf (epoch %d)", ErrDiverged, epoch)
			}
		}
		if r := paramRMS(m); r > DivergedGrowth*max(r0, 1) || r > DivergedRMS {
			snap.restore(m, tr)
			return fmt.Errorf("%w: parameter RMS %.3g at the end of epoch %d (%.3g at its start)", ErrDiverged, r, epoch, r0)
		}
		m.Hyper.Epochs, m.Hyper.LearningRate = epoch, lr
		last = epoch
		// Early stopping scores every ProgressEvery-th epoch (never the
		// last one just for being last, so that where a run was
		// interrupted does not change what is scored).
		progress := set.Progress != nil && (epoch%set.ProgressEvery == 0 || epoch == set.Epochs)
		scored := set.Patience > 0 && epoch%set.ProgressEvery == 0
		var mons Monitors
		if progress || scored {
			mons = mon.compute(epoch, lr, monSeed)
		}
		if scored {
			sc := score(mons)
			if math.IsNaN(sc) {
				snap.restore(m, tr)
				return fmt.Errorf("%w: Score = NaN at epoch %d (was its monitor computed?)", ErrSettings, epoch)
			}
			mons.Score = sc
			es.add(m, epoch, sc, set.Patience)
		}
		mons.BestEpoch = es.bestEpoch
		if set.CheckpointPath != "" && (epoch%set.CheckpointEvery == 0 || epoch == set.Epochs || es.stopped) {
			if err := newCheckpoint(m, tr, pcg, smp, epoch, &es).Save(set.CheckpointPath); err != nil {
				return err
			}
		}
		if progress {
			if err := set.Progress(mons); err != nil {
				return err
			}
		}
	}
	if set.Patience > 0 && es.best != nil {
		b := es.best
		m.W.Copy(b.W)
		copy(m.VBias, b.VBias)
		copy(m.HBias, b.HBias)
		m.Hyper = b.Hyper
		if es.stopped {
			m.Hyper.StoppedAt = last
		}
	}
	return nil
}

// earlyStop is the state of early stopping: the best-scored model so far
// (a copy), its epoch and score, the scored epochs since, and whether the
// run has stopped.
type earlyStop struct {
	best      *Model
	bestEpoch int
	bestScore float64
	since     int
	stopped   bool
}

// add records the score sc of m after epoch.
func (es *earlyStop) add(m *Model, epoch int, sc float64, patience int) {
	if sc < es.bestScore {
		if es.best == nil {
			es.best = m.Clone()
		} else {
			es.best.W.Copy(m.W)
			copy(es.best.VBias, m.VBias)
			copy(es.best.HBias, m.HBias)
			es.best.Hyper = m.Hyper
		}
		es.bestEpoch, es.bestScore, es.since = epoch, sc, 0
	} else {
		es.since++
	}
	es.stopped = es.since >= patience
}

// step trains on the minibatch idx with learning rate lr; it returns false,
// with the model and velocities unchanged, if a parameter would not be
// finite.
func (t *trainer) step(ft *fast, smp Sampler, data *mat.Dense, idx []int, lr float64, set *Settings, pcg *rand.PCG) bool {
	switch {
	case ft != nil && set.L1 == 0:
		st := simd.Step{LR: lr, Mom: set.Momentum, L2: set.L2}
		ok := ft.batch(idx, &t.g, pcg.Uint64, &st, &t.vel)
		ok = t.updateBiases(lr, set.Momentum, ok)
		if ok {
			ft.apply(&t.g, &t.vel)
			ft.reloadBiases()
		}
		return ok
	case ft != nil:
		ft.batch(idx, &t.g, pcg.Uint64, nil, nil)
		ok := t.update(lr, set.Momentum, set.L2, set.L1)
		if ok {
			ft.reload()
		}
		return ok
	}
	v0, h0 := t.positive(data, idx)
	vn, hn := smp.Negative(v0, h0)
	t.gradient(len(idx), vn, hn)
	return t.update(lr, set.Momentum, set.L2, set.L1)
}
