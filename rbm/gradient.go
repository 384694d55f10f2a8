package rbm

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/rgflow/rgflow/internal/simd"
)

// Gradient is a gradient of the mean log-likelihood with respect to the
// parameters (or a trainer's estimate of it).
type Gradient struct {
	W            *mat.Dense
	VBias, HBias []float64
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
