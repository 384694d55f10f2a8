package rbm

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Model is a Bernoulli–Bernoulli restricted Boltzmann machine with energy
//
//	E(v, h) = −b·v − c·h − vᵀ W h,
//
// so that p(h_j=1|v) = σ(c_j + (vW)_j) and p(v_i=1|h) = σ(b_i + (W h)_i).
// W is Nv×Nh, VBias (b) has Nv entries and HBias (c) has Nh.
//
// The fields may be read and written directly; the methods read them on
// every call. A Model is not safe for concurrent modification.
type Model struct {
	W     *mat.Dense
	VBias []float64
	HBias []float64

	// NoVBias and NoHBias switch the biases off: Train never changes a
	// switched-off bias, which New sets to exactly zero, as in the paper's
	// bias-free RBM.
	NoVBias, NoHBias bool

	// Hyper records how the model was made; Save stores it in the file.
	Hyper Hyper
}

// Hyper records the hyper-parameters of a model's initialisation and of its
// most recent training run. Epochs is the number of epochs behind the
// model's parameters (the best-scored epoch under early stopping, with
// StoppedAt the epoch where training stopped); LearningRate is the rate of
// the last epoch trained, which a Schedule (Schedule = true) sets.
// Trainer is the trainer's Go value (%T%+v), with the defaults of CD and
// PCD filled in: "rbm.PCD{Chains:50 K:1 Precision:float32}".
type Hyper struct {
	InitSigma    float64 `json:"init_sigma"`
	InitMean     float64 `json:"init_mean"`
	Trainer      string  `json:"trainer,omitempty"`
	Epochs       int     `json:"epochs,omitempty"`
	BatchSize    int     `json:"batch_size,omitempty"`
	LearningRate float64 `json:"learning_rate"`
	Schedule     bool    `json:"schedule,omitempty"`
	Momentum     float64 `json:"momentum"`
	L2           float64 `json:"l2"`
	L1           float64 `json:"l1"`
	StoppedAt    int     `json:"stopped_at,omitempty"`
}

// InitSettings configures New. A nil *InitSettings means all defaults.
type InitSettings struct {
	// Sigma is the standard deviation of the Gaussian weights.
	// If Sigma is 0, 0.1 is used (the paper's reference value); a negative
	// Sigma gives weights exactly equal to Mean.
	Sigma float64
	// Mean is the mean of the Gaussian weights (default 0).
	Mean float64
	// NoBias switches both biases off (Model.NoVBias and Model.NoHBias).
	NoBias bool
}

// DefaultSigma is the standard deviation of the initial weights used when
// InitSettings.Sigma is 0.
const DefaultSigma = 0.1

// New returns an RBM with nv visible and nh hidden units, weights drawn
// from N(Mean, Sigma²) using src (rand.NewPCG(1, 2) if src is nil), and
// zero biases. It panics if nv or nh is not positive, or if Sigma or Mean
// is NaN or infinite (programmer mistakes: the settings of New are
// constants of the program).
func New(nv, nh int, s *InitSettings, src rand.Source) *Model {
	if nv <= 0 || nh <= 0 {
		panic(errNonPositive)
	}
	var set InitSettings
	if s != nil {
		set = *s
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"Sigma", set.Sigma}, {"Mean", set.Mean}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			panic(panicString(fmt.Sprintf("rbm: InitSettings.%s = %v (want a finite value)", f.name, f.v)))
		}
	}
	if src == nil {
		src = rand.NewPCG(1, 2)
	}
	sigma := set.Sigma
	switch {
	case sigma == 0:
		sigma = DefaultSigma
	case sigma < 0:
		sigma = 0
	}
	rng := rand.New(src)
	w := make([]float64, nv*nh)
	for i := range w {
		w[i] = set.Mean + sigma*rng.NormFloat64()
	}
	return &Model{
		W:       mat.NewDense(nv, nh, w),
		VBias:   make([]float64, nv),
		HBias:   make([]float64, nh),
		NoVBias: set.NoBias,
		NoHBias: set.NoBias,
		Hyper:   Hyper{InitSigma: sigma, InitMean: set.Mean},
	}
}

const errNonPositive = panicString("rbm: non-positive size")

type panicString string

func (p panicString) Error() string { return string(p) }

// Dims returns the numbers of visible and hidden units.
func (m *Model) Dims() (nv, nh int) { return m.W.Dims() }

// Clone returns a deep copy of m.
func (m *Model) Clone() *Model {
	c := *m
	c.W = mat.DenseCopyOf(m.W)
	c.VBias = append([]float64(nil), m.VBias...)
	c.HBias = append([]float64(nil), m.HBias...)
	return &c
}

// check panics with mat.ErrShape if the biases do not match W.
func (m *Model) check() (nv, nh int) {
	nv, nh = m.W.Dims()
	if len(m.VBias) != nv || len(m.HBias) != nh {
		panic(mat.ErrShape)
	}
	return nv, nh
}

// raw returns W's storage as a contiguous Nv×Nh slice (copying it into buf
// when W is a strided view).
func (m *Model) raw(buf *[]float64) []float64 {
	r := m.W.RawMatrix()
	if r.Stride == r.Cols {
		return r.Data[:r.Rows*r.Cols]
	}
	if cap(*buf) < r.Rows*r.Cols {
		*buf = make([]float64, r.Rows*r.Cols)
	}
	b := (*buf)[:r.Rows*r.Cols]
	for i := 0; i < r.Rows; i++ {
		copy(b[i*r.Cols:(i+1)*r.Cols], r.Data[i*r.Stride:])
	}
	return b
}

// prepare sizes an empty dst to r×c, or panics with mat.ErrShape if dst is
// not r×c. It returns dst's raw storage.
func prepare(dst *mat.Dense, r, c int) ([]float64, int) {
	if dst.IsEmpty() {
		dst.ReuseAs(r, c)
	} else if dr, dc := dst.Dims(); dr != r || dc != c {
		panic(mat.ErrShape)
	}
	raw := dst.RawMatrix()
	return raw.Data, raw.Stride
}

// input returns v's raw storage, panicking with mat.ErrShape unless v has c
// columns.
func input(v *mat.Dense, c int) (data []float64, stride, rows int) {
	r, vc := v.Dims()
	if vc != c {
		panic(mat.ErrShape)
	}
	raw := v.RawMatrix()
	return raw.Data, raw.Stride, r
}

// layerOp is the block-parallel work of HiddenProbs, VisibleProbs and the
// samplers.
type layerOp struct {
	w      []float64 // Nv×Nh
	up     bool      // v → h (else h → v)
	nv, nh int
	bias   []float64
	in     []float64
	ldi    int
	out    []float64
	ldo    int
	rows   int
	seeds  []uint64 // nil: probabilities only
}

func (op *layerOp) run(b int) {
	lo, hi := blockRange(b, op.rows)
	in := op.in[lo*op.ldi:]
	out := op.out[lo*op.ldo:]
	n := op.nh
	if op.up {
		gemm(false, hi-lo, op.nh, op.nv, in, op.ldi, op.w, op.nh, out, op.ldo)
	} else {
		n = op.nv
		gemm(true, hi-lo, op.nv, op.nh, in, op.ldi, op.w, op.nh, out, op.ldo)
	}
	var r fastRand
	if op.seeds != nil {
		r.s = op.seeds[b]
	}
	for i := 0; i < hi-lo; i++ {
		row := out[i*op.ldo : i*op.ldo+n]
		sigmoid(row, op.bias)
		if op.seeds != nil {
			bernoulli(row, &r)
		}
	}
}

func (m *Model) layer(dst, x *mat.Dense, up bool, src rand.Source) {
	nv, nh := m.check()
	nin, nout, bias := nv, nh, m.HBias
	if !up {
		nin, nout, bias = nh, nv, m.VBias
	}
	in, ldi, rows := input(x, nin)
	out, ldo := prepare(dst, rows, nout)
	var buf []float64
	op := &layerOp{w: m.raw(&buf), up: up, nv: nv, nh: nh, bias: bias, in: in, ldi: ldi, out: out, ldo: ldo, rows: rows}
	if src != nil {
		op.seeds = make([]uint64, blocks(rows))
		for i := range op.seeds {
			op.seeds[i] = src.Uint64()
		}
	}
	parallel(blocks(rows), op.run)
}

// HiddenProbs sets dst to p(h=1|v) for each row of v. An empty dst is sized
// to rows(v)×Nh; otherwise dst must have that shape. It panics with
// mat.ErrShape if v does not have Nv columns or dst has the wrong shape.
// dst must not alias v.
func (m *Model) HiddenProbs(dst, v *mat.Dense) { m.layer(dst, v, true, nil) }

// VisibleProbs sets dst to p(v=1|h) for each row of h, with the same shape
// rules as HiddenProbs (h has Nh columns, dst gets Nv).
func (m *Model) VisibleProbs(dst, h *mat.Dense) { m.layer(dst, h, false, nil) }

// SampleHidden sets dst to a sample of h ~ p(h|v) for each row of v, with the
// shape rules of HiddenProbs. Randomness comes from src; the result does not
// depend on GOMAXPROCS. It panics if src is nil (as do SampleVisible,
// Reconstruct and the reconstruction errors).
func (m *Model) SampleHidden(dst, v *mat.Dense, src rand.Source) {
	m.layer(dst, v, true, needSource(src))
}

// SampleVisible sets dst to a sample of v ~ p(v|h) for each row of h, with
// the shape rules of VisibleProbs.
func (m *Model) SampleVisible(dst, h *mat.Dense, src rand.Source) {
	m.layer(dst, h, false, needSource(src))
}

// errNilSource is the panic value of the sampling methods for a nil source.
const errNilSource = panicString("rbm: nil rand.Source for a random operation")

// needSource returns src, panicking with errNilSource if it is nil.
func needSource(src rand.Source) rand.Source {
	if src == nil {
		panic(errNilSource)
	}
	return src
}

// Reconstruct sets dst to the smooth reconstruction of v: h is sampled from
// p(h|v), and dst = p(v=1|h) (probabilities). Shapes are as for
// VisibleProbs with rows(v) rows.
func (m *Model) Reconstruct(dst, v *mat.Dense, src rand.Source) {
	var h mat.Dense
	m.SampleHidden(&h, v, src)
	m.VisibleProbs(dst, &h)
}

// ReconstructionError returns mean((v − v₁)²) over all cells of v with
// v₁ = p(v=1|h), h sampled from p(h|v) (see Reconstruct). This smooth
// version reads lower than the paper's number; see ReconstructionErrors.
func (m *Model) ReconstructionError(v *mat.Dense, src rand.Source) float64 {
	p, _ := m.ReconstructionErrors(v, src)
	return p
}

// ReconstructionErrors returns mean((v − v₁)²) over all cells of v for the
// two usual reconstructions v₁, both from the same hidden sample
// h ~ p(h|v): prob uses v₁ = p(v=1|h), sampled uses v₁ ~ p(v|h), one
// sampled step of the RBM flow. The reference code's numbers (0.2326 train,
// 0.2348 test for the paper's RBM) are the sampled kind; the two differ by
// the mean Bernoulli variance p(1 − p) of the visible units.
func (m *Model) ReconstructionErrors(v *mat.Dense, src rand.Source) (prob, sampled float64) {
	var r mat.Dense
	m.Reconstruct(&r, v, src)
	rows, cols := v.Dims()
	g := fastRand{s: src.Uint64()}
	var sp, ss float64
	for i := 0; i < rows; i++ {
		a, b := v.RawRowView(i), r.RawRowView(i)
		for j, x := range a {
			d := x - b[j]
			sp += d * d
			if g.float64() < b[j] {
				ss += 1 - x
			} else {
				ss += x
			}
		}
	}
	n := float64(rows * cols)
	return sp / n, ss / n
}

// freeOp computes free energies, block-parallel.
type freeOp struct {
	m    *Model
	w    []float64
	v    []float64
	ldv  int
	rows int
	dst  []float64
}

func (op *freeOp) run(b int) {
	nv, nh := op.m.W.Dims()
	lo, hi := blockRange(b, op.rows)
	act := make([]float64, (hi-lo)*nh)
	gemm(false, hi-lo, nh, nv, op.v[lo*op.ldv:], op.ldv, op.w, nh, act, nh)
	for i := 0; i < hi-lo; i++ {
		row := op.v[(lo+i)*op.ldv : (lo+i)*op.ldv+nv]
		f := -dot(row, op.m.VBias)
		a := act[i*nh : (i+1)*nh]
		for j, x := range a {
			f -= softplus(x + op.m.HBias[j])
		}
		op.dst[lo+i] = f
	}
}

// FreeEnergy returns the free energy F(v) = −b·v − Σ_j log(1 + e^{c_j + (vW)_j})
// of each row of v, so that p(v) = e^{−F(v)}/Z. If dst is nil a new slice is
// allocated; otherwise it must have rows(v) entries. It panics with
// mat.ErrShape on a shape mismatch.
func (m *Model) FreeEnergy(dst []float64, v *mat.Dense) []float64 {
	nv, _ := m.check()
	in, ldv, rows := input(v, nv)
	if dst == nil {
		dst = make([]float64, rows)
	} else if len(dst) != rows {
		panic(mat.ErrShape)
	}
	var buf []float64
	op := &freeOp{m: m, w: m.raw(&buf), v: in, ldv: ldv, rows: rows, dst: dst}
	parallel(blocks(rows), op.run)
	return dst
}

// Energy returns E(v, h) = −b·v − c·h − vᵀWh for each pair of rows of v and
// h. dst is handled as in FreeEnergy; v and h must have the same number of
// rows.
func (m *Model) Energy(dst []float64, v, h *mat.Dense) []float64 {
	nv, nh := m.check()
	_, _, rows := input(v, nv)
	if _, _, hr := input(h, nh); hr != rows {
		panic(mat.ErrShape)
	}
	if dst == nil {
		dst = make([]float64, rows)
	} else if len(dst) != rows {
		panic(mat.ErrShape)
	}
	var vw mat.Dense
	vw.Mul(v, m.W)
	for i := range dst {
		vr, hr := v.RawRowView(i), h.RawRowView(i)
		dst[i] = -dot(vr, m.VBias) - dot(hr, m.HBias) - dot(vw.RawRowView(i), hr)
	}
	return dst
}
