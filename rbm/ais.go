package rbm

import (
	"math"
	"math/rand/v2"
)

// AISSettings configures AIS. A nil *AISSettings means all defaults.
type AISSettings struct {
	// Chains is the number of independent annealing runs (default 100).
	Chains int
	// Betas is the number of annealing steps K; the inverse temperatures
	// are β_k = k/K, k = 0…K (default 1000).
	Betas int
	// BaseVBias is the visible bias b_A of the base model (W = 0, c = 0);
	// nil means zeros (the uniform distribution). The data's logit mean
	// is a good choice for models with visible biases.
	BaseVBias []float64
}

// aisOp runs the annealing for one block of chains per work unit.
type aisOp struct {
	m      *Model
	w, wt  []float64
	base   []float64
	betas  int
	chains int
	seeds  []uint64
	logw   []float64
}

// logStar returns log p*_β(v) = (1−β) b_A·v + β b·v + Σ_j softplus(β act_j)
// where act = c + vW.
func (op *aisOp) logStar(beta float64, v, act []float64) float64 {
	s := (1-beta)*dot(v, op.base) + beta*dot(v, op.m.VBias)
	for _, a := range act {
		s += softplus(beta * a)
	}
	return s
}

func (op *aisOp) run(b int) {
	nv, nh := op.m.W.Dims()
	lo, hi := blockRange(b, op.chains)
	n := hi - lo
	r := fastRand{s: op.seeds[b]}
	v := make([]float64, n*nv)
	h := make([]float64, n*nh)
	act := make([]float64, n*nh)
	for i := range v {
		p := 1 / (1 + math.Exp(-op.base[i%nv]))
		if r.float64() < p {
			v[i] = 1
		}
	}
	logw := op.logw[lo:hi]
	for k := 1; k <= op.betas; k++ {
		bPrev, beta := float64(k-1)/float64(op.betas), float64(k)/float64(op.betas)
		gemm(false, n, nh, nv, v, nv, op.w, nh, act, nh)
		for c := 0; c < n; c++ {
			a := act[c*nh : (c+1)*nh]
			for j := range a {
				a[j] += op.m.HBias[j]
			}
			vc := v[c*nv : (c+1)*nv]
			logw[c] += op.logStar(beta, vc, a) - op.logStar(bPrev, vc, a)
			hc := h[c*nh : (c+1)*nh]
			for j, x := range a {
				if r.float64() < 1/(1+math.Exp(-beta*x)) {
					hc[j] = 1
				} else {
					hc[j] = 0
				}
			}
		}
		if k == op.betas {
			break // the last transition does not change the weights
		}
		gemm(false, n, nv, nh, h, nh, op.wt, nv, v, nv)
		for i := range v {
			j := i % nv
			x := (1-beta)*op.base[j] + beta*(op.m.VBias[j]+v[i])
			if r.float64() < 1/(1+math.Exp(-x)) {
				v[i] = 1
			} else {
				v[i] = 0
			}
		}
	}
}

// AIS estimates log Z of m by annealed importance sampling (Neal 2001;
// Salakhutdinov & Murray 2008) from the base model with W = 0, c = 0 and
// visible bias BaseVBias, through the distributions
// p*_β(v) = e^{(1−β) b_A·v + β b·v} Π_j (1 + e^{β(c_j + (vW)_j)}),
// with one block Gibbs transition at each β. It returns the estimate
// log Ẑ = log Z_A + log mean(w) and its standard error by the delta method,
// sd(w)/(mean(w)·√Chains). Chains run in parallel in blocks with their own
// generators, so the result does not depend on GOMAXPROCS.
func AIS(m *Model, s *AISSettings, src rand.Source) (logZ, stderr float64) {
	nv, nh := m.check()
	var set AISSettings
	if s != nil {
		set = *s
	}
	if set.Chains <= 0 {
		set.Chains = 100
	}
	if set.Betas <= 0 {
		set.Betas = 1000
	}
	base := set.BaseVBias
	if base == nil {
		base = make([]float64, nv)
	}
	if len(base) != nv {
		panic(errShapeBase)
	}
	var buf []float64
	w := m.raw(&buf)
	wt := make([]float64, nv*nh)
	transpose(wt, w, nv, nh, nh)
	op := &aisOp{m: m, w: w, wt: wt, base: base, betas: set.Betas, chains: set.Chains,
		logw: make([]float64, set.Chains), seeds: make([]uint64, blocks(set.Chains))}
	for i := range op.seeds {
		op.seeds[i] = src.Uint64()
	}
	parallel(len(op.seeds), op.run)

	logZA := float64(nh) * math.Ln2
	for _, b := range base {
		logZA += softplus(b)
	}
	mx := math.Inf(-1)
	for _, x := range op.logw {
		mx = max(mx, x)
	}
	var mean, m2 float64
	for i, x := range op.logw {
		wi := math.Exp(x - mx)
		d := wi - mean
		mean += d / float64(i+1)
		m2 += d * (wi - mean)
	}
	n := float64(set.Chains)
	sd := math.Sqrt(m2 / max(n-1, 1))
	return logZA + mx + math.Log(mean), sd / (mean * math.Sqrt(n))
}

const errShapeBase = panicString("rbm: AISSettings.BaseVBias must have Nv entries")
