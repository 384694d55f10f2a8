package thermo

import (
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/mat"
)

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

// viewsLike returns per-layer weight and bias views of buf laid out like
// net.params.
func viewsLike(net *Network, buf []float64) (w, b [][]float64) { return layerViews(buf, net.sizes) }
