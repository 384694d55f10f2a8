package gemm

import "math"

// Tanh sets x[i] = tanh(x[i]). The error is below 1e-6 absolute over the
// whole float32 range (measured: 4e-7), and a few ulps relative for
// 1e-35 < |x| < 1 (below that the result flushes towards 0); |x| ≥ 7.9053
// gives ±(1 − 3e-7), ±Inf too, NaN stays NaN.
//
// The approximation is Eigen's odd rational minimax x·P(x²)/Q(x²) of degree
// 13/6 on the clamped input; each element's value does not depend on its
// position in x.
func Tanh(x []float32) { tanhBias(x, nil) }

// BiasTanh sets row i of the m×n matrix c (row stride ldc) to
// tanh(c[i][j] + bias[j]): the bias and activation of a layer in one pass.
// It panics with ErrNegative, ErrStride, ErrShort or ErrLength (bias
// shorter than n).
func BiasTanh(m, n int, c []float32, ldc int, bias []float32) {
	if m < 0 || n < 0 {
		panic(ErrNegative)
	}
	checkMatrix(m, n, c, ldc)
	if len(bias) < n {
		panic(ErrLength)
	}
	for i := 0; i < m; i++ {
		tanhBias(c[i*ldc:i*ldc+n], bias[:n])
	}
}

// tanhBias sets x[i] = tanh(x[i] + bias[i]) (bias 0 if bias is nil). The
// last len(x)%8 elements go through the same 8-wide kernel on a padded copy.
func tanhBias(x, bias []float32) {
	if !useAsm {
		for i, v := range x {
			if bias != nil {
				v += bias[i]
			}
			x[i] = tanh32(v)
		}
		return
	}
	n8 := len(x) &^ 7
	if n8 > 0 {
		if bias != nil {
			tanhAVX(n8/8, &x[0], &bias[0], 1)
		} else {
			tanhAVX(n8/8, &x[0], nil, 0)
		}
	}
	if n8 < len(x) {
		var t, tb [8]float32
		copy(t[:], x[n8:])
		if bias != nil {
			copy(tb[:], bias[n8:])
		}
		tanhAVX(1, &t[0], &tb[0], 1)
		copy(x[n8:], t[:])
	}
}

// Coefficients of the rational approximation (Eigen, generic_fast_tanh_float).
const (
	tanhClamp = 7.90531110763549805
	tanhA13   = -2.76076847742355e-16
	tanhA11   = 2.00018790482477e-13
	tanhA9    = -8.60467152213735e-11
	tanhA7    = 5.12229709037114e-08
	tanhA5    = 1.48572235717979e-05
	tanhA3    = 6.37261928875436e-04
	tanhA1    = 4.89352455891786e-03
	tanhB6    = 1.19825839466702e-06
	tanhB4    = 1.18534705686654e-04
	tanhB2    = 2.26843463243900e-03
	tanhB0    = 4.89352518554385e-03
)

// tanh32 is the pure-Go tanh, the same approximation as the assembly.
func tanh32(x float32) float32 {
	if x > tanhClamp {
		x = tanhClamp
	} else if x < -tanhClamp {
		x = -tanhClamp
	}
	x2 := x * x
	p := float32(tanhA13)
	p = p*x2 + tanhA11
	p = p*x2 + tanhA9
	p = p*x2 + tanhA7
	p = p*x2 + tanhA5
	p = p*x2 + tanhA3
	p = p*x2 + tanhA1
	p *= x
	q := float32(tanhB6)
	q = q*x2 + tanhB4
	q = q*x2 + tanhB2
	q = q*x2 + tanhB0
	return p / q
}

// TanhGrad sets d[i] *= 1 − a[i]², the back-propagation through a = tanh(z).
// It panics with ErrLength if len(a) < len(d). Each element's value does not
// depend on its position in d.
func TanhGrad(d, a []float32) {
	if len(a) < len(d) {
		panic(ErrLength)
	}
	if !useAsm {
		for i := range d {
			d[i] *= 1 - a[i]*a[i]
		}
		return
	}
	n8 := len(d) &^ 7
	if n8 > 0 {
		tanhGradAVX(n8/8, &d[0], &a[0])
	}
	if n8 < len(d) {
		var td, ta [8]float32
		copy(td[:], d[n8:])
		copy(ta[:], a[n8:len(d)])
		tanhGradAVX(1, &td[0], &ta[0])
		copy(d[n8:], td[:])
	}
}

// Axpy sets y[i] += alpha·x[i]. It panics with ErrLength if len(x) < len(y).
// Each element's value does not depend on its position in y.
func Axpy(alpha float32, x, y []float32) {
	if len(x) < len(y) {
		panic(ErrLength)
	}
	if !useAsm {
		for i := range y {
			y[i] += alpha * x[i]
		}
		return
	}
	n8 := len(y) &^ 7
	if n8 > 0 {
		axpyAVX(n8/8, alpha, &x[0], &y[0])
	}
	if n8 < len(y) {
		var tx, ty [8]float32
		copy(tx[:], x[n8:len(y)])
		copy(ty[:], y[n8:])
		axpyAVX(1, alpha, &tx[0], &ty[0])
		copy(y[n8:], ty[:])
	}
}

// AdamStep applies one step of Adam to the parameters p with gradients g
// and moments m, v (all of len(p); it panics with ErrLength otherwise):
//
//	m = b1·m + (1 − b1)·g,  v = b2·v + (1 − b2)·g²,
//	p −= lr·(m·c1) / (√(v·c2) + eps),
//
// where c1 = 1/(1 − b1ᵗ) and c2 = 1/(1 − b2ᵗ) are the bias corrections of
// step t. Each element's value does not depend on its position.
func AdamStep(p, g, m, v []float32, lr, b1, b2, c1, c2, eps float32) {
	n := len(p)
	if len(g) != n || len(m) != n || len(v) != n {
		panic(ErrLength)
	}
	if !useAsm {
		for i, gi := range g {
			m[i] = b1*m[i] + (1-b1)*gi
			v[i] = b2*v[i] + (1-b2)*gi*gi
			p[i] -= lr * (m[i] * c1) / (float32(math.Sqrt(float64(v[i]*c2))) + eps)
		}
		return
	}
	k := [8]float32{b1, 1 - b1, b2, 1 - b2, lr, c1, c2, eps}
	n8 := n &^ 7
	if n8 > 0 {
		adamAVX(n8/8, &p[0], &g[0], &m[0], &v[0], &k)
	}
	if n8 < n {
		var tp, tg, tm, tv [8]float32
		copy(tp[:], p[n8:])
		copy(tg[:], g[n8:])
		copy(tm[:], m[n8:])
		copy(tv[:], v[n8:])
		adamAVX(1, &tp[0], &tg[0], &tm[0], &tv[0], &k)
		copy(p[n8:], tp[:])
		copy(m[n8:], tm[:])
		copy(v[n8:], tv[:])
	}
}

// MomentumStep applies one step of heavy-ball SGD to the parameters p with
// gradients g and velocity v (all of len(p); it panics with ErrLength
// otherwise): v = mu·v − lr·g, p += v. Each element's value does not depend
// on its position.
func MomentumStep(p, g, v []float32, mu, lr float32) {
	n := len(p)
	if len(g) != n || len(v) != n {
		panic(ErrLength)
	}
	if !useAsm {
		for i, gi := range g {
			v[i] = mu*v[i] - lr*gi
			p[i] += v[i]
		}
		return
	}
	n8 := n &^ 7
	if n8 > 0 {
		momentumAVX(n8/8, &p[0], &g[0], &v[0], mu, lr)
	}
	if n8 < n {
		var tp, tg, tv [8]float32
		copy(tp[:], p[n8:])
		copy(tg[:], g[n8:])
		copy(tv[:], v[n8:])
		momentumAVX(1, &tp[0], &tg[0], &tv[0], mu, lr)
		copy(p[n8:], tp[:])
		copy(v[n8:], tv[:])
	}
}
