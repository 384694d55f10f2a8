package rbm

import (
	"math"
	"math/bits"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// The inner loops of the package live in this file as plain functions on
// row-major float64 slices, so that float32 or SIMD kernels can replace them
// later without touching the API.

const (
	// blockRows is the number of rows (samples, chains) handled by one
	// parallel work unit. Each block has its own random generator, so results
	// do not depend on how blocks are scheduled.
	blockRows = 64
	// colChunk bounds the output width of one gemm call. With at most
	// blockRows rows per call, gonum's Dgemm then always takes its serial
	// (allocation-free) path; the parallelism is ours, across blocks.
	colChunk = 192
)

// fastRand is the wyrand generator (Wang Yi): one 64×64→128-bit multiply
// per draw, passes BigCrush and PractRand. It is seeded from the caller's
// rand.Source and used only inside hot loops.
type fastRand struct{ s uint64 }

func (r *fastRand) next() uint64 {
	r.s += 0xa0761d6478bd642f
	hi, lo := bits.Mul64(r.s, r.s^0xe7037ed1a0b428db)
	return hi ^ lo
}

// float64 returns a uniform value in [0, 1) with 53 random bits.
func (r *fastRand) float64() float64 { return float64(r.next()>>11) * 0x1p-53 }

// gemm computes c = a·b (tB false) or c = a·bᵀ (tB true), overwriting c.
// a is m×k with stride lda; c is m×n with stride ldc. m must not exceed
// blockRows; the output is processed in column chunks so that the call stays
// serial and does not allocate.
func gemm(tB bool, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	tb := blas.NoTrans
	if tB {
		tb = blas.Trans
	}
	impl := blas64.Implementation()
	for j0 := 0; j0 < n; j0 += colChunk {
		w := min(colChunk, n-j0)
		var bs []float64
		if tB {
			bs = b[j0*ldb:]
		} else {
			bs = b[j0:]
		}
		impl.Dgemm(blas.NoTrans, tb, m, w, k, 1, a, lda, bs, ldb, 0, c[j0:], ldc)
	}
}

// gemmTN computes c = alpha·aᵀ·b + beta·c, where a is r×m (stride lda), b
// is r×n (stride ldb) and c is m×n (stride ldc), with m ≤ blockRows.
func gemmTN(m, n, r int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	impl := blas64.Implementation()
	for j0 := 0; j0 < n; j0 += colChunk {
		w := min(colChunk, n-j0)
		impl.Dgemm(blas.Trans, blas.NoTrans, m, w, r, alpha, a, lda, b[j0:], ldb, beta, c[j0:], ldc)
	}
}

// sigmoid replaces each x[j] by σ(x[j] + bias[j]) (bias may be nil).
func sigmoid(x, bias []float64) {
	if bias == nil {
		for j, a := range x {
			x[j] = 1 / (1 + math.Exp(-a))
		}
		return
	}
	bias = bias[:len(x)]
	for j, a := range x {
		x[j] = 1 / (1 + math.Exp(-(a + bias[j])))
	}
}

// bernoulli replaces each probability p[j] by a 0/1 sample.
func bernoulli(p []float64, r *fastRand) {
	for j, q := range p {
		if r.float64() < q {
			p[j] = 1
		} else {
			p[j] = 0
		}
	}
}

// softplus returns log(1 + e^x) without overflow.
func softplus(x float64) float64 {
	if x > 0 {
		return x + math.Log1p(math.Exp(-x))
	}
	return math.Log1p(math.Exp(x))
}

// logSigmoid returns log σ(x) without overflow.
func logSigmoid(x float64) float64 { return -softplus(-x) }

// dot returns Σ a[i]·b[i].
func dot(a, b []float64) float64 {
	b = b[:len(a)]
	var s float64
	for i, x := range a {
		s += x * b[i]
	}
	return s
}

// transpose writes the transpose of the r×c matrix a (stride lda) into t
// (c×r, stride r).
func transpose(t []float64, a []float64, r, c, lda int) {
	for i := 0; i < r; i++ {
		row := a[i*lda : i*lda+c]
		for j, x := range row {
			t[j*r+i] = x
		}
	}
}

// allFinite reports whether every value is neither NaN nor ±Inf.
func allFinite(x []float64) bool {
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// logSumExp accumulates values in a numerically stable running form.
type logSumExp struct{ max, sum float64 }

func newLogSumExp() logSumExp { return logSumExp{max: math.Inf(-1)} }

func (l *logSumExp) add(x float64) {
	switch {
	case x <= l.max:
		l.sum += math.Exp(x - l.max)
	case math.IsInf(l.max, -1):
		l.max, l.sum = x, 1
	default:
		l.sum = l.sum*math.Exp(l.max-x) + 1
		l.max = x
	}
}

func (l *logSumExp) merge(o logSumExp) {
	if math.IsInf(o.max, -1) {
		return
	}
	if math.IsInf(l.max, -1) {
		*l = o
		return
	}
	if o.max <= l.max {
		l.sum += o.sum * math.Exp(o.max-l.max)
	} else {
		l.sum = l.sum*math.Exp(l.max-o.max) + o.sum
		l.max = o.max
	}
}

func (l logSumExp) value() float64 { return l.max + math.Log(l.sum) }
