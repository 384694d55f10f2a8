package rbm

import (
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// chain runs k block Gibbs steps v → h → v′ on a batch of rows, block
// parallel with one generator per block of blockRows rows. It is the engine
// behind Gibbs and the CD and PCD trainers; it does not allocate once its
// buffers have grown to the batch size.
type chain struct {
	m     *Model
	k     int
	mf    bool
	w     []float64 // Nv×Nh, W's storage (or a contiguous copy)
	wbuf  []float64
	wt    []float64 // Nh×Nv, Wᵀ, refreshed by prepare
	h     []float64 // rows×Nh hidden buffer; p(h|v_k) after run when final
	seeds []uint64
	par   parFor

	// per call
	in     []float64
	ldi    int
	out    []float64
	ldo    int
	h0     []float64 // if not nil, p(h|v₀) (rows×Nh) for the first half-step
	final  bool      // compute p(h|v_k) into h after the last step
	rows   int
	nv, nh int
}

// prepare refreshes the weights and sizes the buffers for rows rows, drawing
// one seed per block from src.
func (c *chain) prepare(rows int, src rand.Source) {
	c.nv, c.nh = c.m.check()
	c.w = c.m.raw(&c.wbuf)
	if cap(c.wt) < c.nv*c.nh {
		c.wt = make([]float64, c.nv*c.nh)
	}
	c.wt = c.wt[:c.nv*c.nh]
	transpose(c.wt, c.w, c.nv, c.nh, c.nh)
	if cap(c.h) < rows*c.nh {
		c.h = make([]float64, rows*c.nh)
	}
	c.h = c.h[:rows*c.nh]
	nb := blocks(rows)
	if cap(c.seeds) < nb {
		c.seeds = make([]uint64, nb)
	}
	c.seeds = c.seeds[:nb]
	for i := range c.seeds {
		c.seeds[i] = src.Uint64()
	}
	c.rows = rows
}

func (c *chain) run(b int) {
	nv, nh := c.nv, c.nh
	lo, hi := blockRange(b, c.rows)
	n := hi - lo
	r := fastRand{s: c.seeds[b]}
	h := c.h[lo*nh : hi*nh]
	out := c.out[lo*c.ldo:]
	x, ldx := c.in[lo*c.ldi:], c.ldi
	for s := 0; s < c.k; s++ {
		if s == 0 && c.h0 != nil {
			copy(h, c.h0[lo*nh:hi*nh])
		} else {
			gemm(false, n, nh, nv, x, ldx, c.w, nh, h, nh)
			for i := 0; i < n; i++ {
				sigmoid(h[i*nh:(i+1)*nh], c.m.HBias)
			}
		}
		if !c.mf {
			bernoulli(h, &r)
		}
		gemm(false, n, nv, nh, h, nh, c.wt, nv, out, c.ldo)
		for i := 0; i < n; i++ {
			row := out[i*c.ldo : i*c.ldo+nv]
			sigmoid(row, c.m.VBias)
			if !c.mf {
				bernoulli(row, &r)
			}
		}
		x, ldx = out, c.ldo
	}
	if c.final {
		gemm(false, n, nh, nv, x, ldx, c.w, nh, h, nh)
		for i := 0; i < n; i++ {
			sigmoid(h[i*nh:(i+1)*nh], c.m.HBias)
		}
	}
}

// GibbsSettings configures a Gibbs sampler. A nil *GibbsSettings means all
// defaults.
type GibbsSettings struct {
	// MeanField feeds probabilities forward instead of samples:
	// h = p(h=1|v), v′ = p(v=1|h). The output is then real-valued.
	MeanField bool
	// K is the number of v → h → v′ steps per call of Step. If K is 0, 1 is
	// used.
	K int
	// Precision selects the kernels of sampled steps on 0/1 input: Float32
	// (the default) or the Float64 reference. Mean-field steps, and steps
	// from input that is not 0/1, always run in float64.
	Precision Precision
}

// Gibbs is a block Gibbs sampler of a Model. Its Step method has the
// one-method shape Step(dst, v *mat.Dense) of flow.Stepper.
//
// Gibbs reads the model's parameters at every Step, so it follows a model
// that is being trained. A Gibbs is not safe for concurrent use; its
// parallelism is internal and deterministic.
type Gibbs struct {
	c    chain
	src  rand.Source
	prec Precision
	f    weights32
	v    masks
	c32  chain32
	par  parFor
}

// NewGibbs returns a Gibbs sampler of m drawing its randomness from src.
func NewGibbs(m *Model, s *GibbsSettings, src rand.Source) *Gibbs {
	var set GibbsSettings
	if s != nil {
		set = *s
	}
	if set.K < 0 {
		panic(errNonPositive)
	}
	if set.Precision != Float32 && set.Precision != Float64 {
		panic(errPrecision)
	}
	if set.K == 0 {
		set.K = 1
	}
	return &Gibbs{c: chain{m: m, k: set.K, mf: set.MeanField}, src: src, prec: set.Precision}
}

const errPrecision = panicString("rbm: unknown precision")

// Step sets dst to the state reached from v (one configuration per row)
// after K steps v → h → v′, with h ~ p(h|v) and v′ ~ p(v|h) both sampled, or
// both replaced by their probabilities in mean-field mode. dst and v may be
// the same matrix. An empty dst is sized to v's shape; otherwise it must
// have v's shape, and v must have Nv columns, or Step panics with
// mat.ErrShape.
//
// Each call draws one seed per block of at most 64 rows from the source,
// and each block runs with its own generator, so the result does not
// depend on GOMAXPROCS. After the first call with a given number of rows,
// Step does not allocate.
func (g *Gibbs) Step(dst, v *mat.Dense) {
	c := &g.c
	nv, _ := c.m.check()
	in, ldi, rows := input(v, nv)
	out, ldo := prepare(dst, rows, nv)
	if !c.mf && g.prec == Float32 && g.step32(out, ldo, in, ldi, rows) {
		return
	}
	c.prepare(rows, g.src)
	c.in, c.ldi, c.out, c.ldo, c.h0, c.final = in, ldi, out, ldo, nil, false
	c.par.do(c, blocks(rows))
	c.in, c.out = nil, nil
}

// step32 runs Step on the float32 kernels. It reports false, having drawn
// nothing from the source, if v is not 0/1.
func (g *Gibbs) step32(out []float64, ldo int, in []float64, ldi, rows int) bool {
	g.f.load(g.c.m)
	nv := g.f.nv
	g.v.size(rows, nv)
	for i := 0; i < rows; i++ {
		if !fromRow(g.v.row(i), in[i*ldi:i*ldi+nv]) {
			return false
		}
	}
	g.f.bases()
	c := &g.c32
	nb := blocks(rows)
	if cap(c.seeds) < nb {
		c.seeds = make([]uint64, nb)
	}
	seeds := c.seeds[:nb]
	for i := range seeds {
		seeds[i] = g.src.Uint64()
	}
	c.f, c.k, c.in, c.out, c.h0p, c.hkp = &g.f, g.c.k, &g.v, &g.v, nil, nil
	c.size(rows, seeds)
	g.par.do(c, nb)
	for i := 0; i < rows; i++ {
		toRow(out[i*ldo:i*ldo+nv], g.v.row(i))
	}
	return true
}
