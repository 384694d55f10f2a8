package rbm

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
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
