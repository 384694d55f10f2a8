package thermo

import (
	"fmt"
	"math"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/mat"

	"github.com/rgflow/rgflow/internal/gemm"
)

// Precision is the floating-point format of a Network's arithmetic in Train
// and Probabilities. Parameters, files and results are float64 either way.
type Precision int

const (
	// Float32 computes the matrix products, activations and optimizer
	// updates in float32 on a float32 copy of the parameters (as PyTorch
	// does), with SIMD kernels; the default.
	Float32 Precision = iota
	// Float64 computes everything in float64 through gonum's BLAS: the
	// reference path for exact tests.
	Float64
)

// String returns "float32" or "float64".
func (p Precision) String() string {
	switch p {
	case Float32:
		return "float32"
	case Float64:
		return "float64"
	}
	return fmt.Sprintf("Precision(%d)", int(p))
}

// net32 is the float32 copy of a Network's parameters, laid out as params,
// with the weights also packed for the matrix kernels: pw[l] is W_l for the
// forward products, pwt[l] (l ≥ 1) is W_lᵀ for the back-propagated deltas.
type net32 struct {
	sizes  []int
	act    Activation
	params []float32
	w, b   [][]float32
	pw     []gemm.PackedB
	pwt    []gemm.PackedB
}

func newNet32(n *Network) *net32 {
	f := &net32{sizes: n.sizes, act: n.act, params: make([]float32, len(n.params))}
	f.w, f.b = layerViews(f.params, n.sizes)
	f.pw = make([]gemm.PackedB, len(f.w))
	f.pwt = make([]gemm.PackedB, len(f.w))
	return f
}

// packForward packs every W_l into pw.
func (f *net32) packForward() {
	for l, w := range f.w {
		in, out := f.sizes[l], f.sizes[l+1]
		f.pw[l].Pack(false, in, out, w, out)
	}
}

// packBackward packs every W_lᵀ (l ≥ 1) into pwt.
func (f *net32) packBackward() {
	for l := 1; l < len(f.w); l++ {
		in, out := f.sizes[l], f.sizes[l+1]
		f.pwt[l].Pack(true, out, in, f.w[l], out)
	}
}

// load rounds n's parameters to float32.
func (f *net32) load(n *Network) {
	for i, p := range n.params {
		f.params[i] = float32(p)
	}
}

// store writes the float32 parameters into n exactly.
func (f *net32) store(n *Network) {
	for i, p := range f.params {
		n.params[i] = float64(p)
	}
}

// acts32 returns activation buffers a[l] of rows×sizes[l].
func acts32(sizes []int, rows int) [][]float32 {
	a := make([][]float32, len(sizes))
	for l, s := range sizes {
		a[l] = make([]float32, rows*s)
	}
	return a
}

// loadRow32 writes the spins 2v − 1 of row into dst.
func loadRow32(dst []float32, row []float64) {
	dst = dst[:len(row)]
	for j, v := range row {
		dst[j] = float32(2*v - 1)
	}
}

// forward computes the activations of rows lo…hi−1 of a (a[0] loaded) up to
// the logits a[last] (bias added, no softmax), with the packed weights.
func (f *net32) forward(g *gemm.Gemm, a [][]float32, lo, hi int) {
	m := hi - lo
	last := len(f.sizes) - 2
	for l := 0; l <= last; l++ {
		in, out := f.sizes[l], f.sizes[l+1]
		z := a[l+1][lo*out : hi*out]
		g.SgemmPacked(false, m, 1, a[l][lo*in:hi*in], in, &f.pw[l], 0, z, out)
		switch {
		case l == last:
			for i := 0; i < m; i++ {
				gemm.Axpy(1, f.b[l], z[i*out:(i+1)*out])
			}
		case f.act == Tanh:
			gemm.BiasTanh(m, out, z, out, f.b[l])
		default: // ReLU
			b := f.b[l]
			for i := 0; i < m; i++ {
				row := z[i*out : (i+1)*out]
				for j, v := range row {
					row[j] = max(0, v+b[j])
				}
			}
		}
	}
}

// softmax64 writes the softmax of the float32 logits z into p, in float64.
func softmax64(p []float64, z []float32) {
	mx := math.Inf(-1)
	for _, v := range z {
		mx = max(mx, float64(v))
	}
	var s float64
	for i, v := range z {
		e := math.Exp(float64(v) - mx)
		p[i] = e
		s += e
	}
	inv := 1 / s
	for i := range p {
		p[i] *= inv
	}
}

// infer32 is one goroutine's inference buffers.
type infer32 struct {
	a [][]float32
	g gemm.Gemm
}

// evaluate32 is evaluate in float32.
func evaluate32(net *Network, x *mat.Dense, labels, idx []int, loss Loss) (float64, float64) {
	if net.f32 == nil {
		net.f32 = newNet32(net)
	}
	net.f32.load(net)
	net.f32.packForward()
	if len(net.inf32) == 0 {
		net.inf32 = append(net.inf32, &infer32{a: acts32(net.sizes, inferenceRows)})
	}
	ws := net.inf32[0]
	K := len(net.grid)
	p, d := make([]float64, K), make([]float64, K)
	nIn := net.sizes[0]
	var sum float64
	correct := 0
	for lo := 0; lo < len(idx); lo += inferenceRows {
		part := idx[lo:min(lo+inferenceRows, len(idx))]
		for i, r := range part {
			loadRow32(ws.a[0][i*nIn:(i+1)*nIn], x.RawRowView(r))
		}
		net.f32.forward(&ws.g, ws.a, 0, len(part))
		z := ws.a[len(ws.a)-1]
		for i, r := range part {
			softmax64(p, z[i*K:(i+1)*K])
			l, ok := rowGradient(d, p, labels[r], loss)
			sum += l
			if ok {
				correct++
			}
		}
	}
	n := float64(len(idx))
	return sum / n, float64(correct) / n
}

// probabilities32 is Probabilities in float32: the rows of x in chunks of
// inferenceRows, spread over up to GOMAXPROCS goroutines (a chunk's result
// does not depend on which goroutine computes it).
func (n *Network) probabilities32(dst, x *mat.Dense) {
	r, _ := x.Dims()
	if n.f32 == nil {
		n.f32 = newNet32(n)
	}
	n.f32.load(n)
	n.f32.packForward()
	chunks := (r + inferenceRows - 1) / inferenceRows
	procs := min(runtime.GOMAXPROCS(0), runtime.NumCPU(), chunks, maxWorkers)
	for len(n.inf32) < max(procs, 1) {
		n.inf32 = append(n.inf32, &infer32{a: acts32(n.sizes, inferenceRows)})
	}
	if procs <= 1 {
		n.chunks32(0, 1, chunks, x, dst)
		return
	}
	var wg sync.WaitGroup
	for w := 1; w < procs; w++ {
		wg.Add(1)
		go func() { defer wg.Done(); n.chunks32(w, procs, chunks, x, dst) }()
	}
	n.chunks32(0, procs, chunks, x, dst)
	wg.Wait()
}

// chunks32 computes the chunks w, w+procs, … of x into dst, with the
// buffers of goroutine w.
func (n *Network) chunks32(w, procs, chunks int, x, dst *mat.Dense) {
	r, _ := x.Dims()
	ws := n.inf32[w]
	for c := w; c < chunks; c += procs {
		lo := c * inferenceRows
		n.forwardRows32(ws, x, lo, min(inferenceRows, r-lo), dst)
	}
}

// forwardRows32 writes the probabilities of rows lo…lo+m−1 of x into dst.
func (n *Network) forwardRows32(ws *infer32, x *mat.Dense, lo, m int, dst *mat.Dense) {
	nIn := n.sizes[0]
	for i := 0; i < m; i++ {
		loadRow32(ws.a[0][i*nIn:(i+1)*nIn], x.RawRowView(lo+i))
	}
	n.f32.forward(&ws.g, ws.a, 0, m)
	k := len(n.grid)
	z := ws.a[len(ws.a)-1]
	for i := 0; i < m; i++ {
		softmax64(dst.RawRowView(lo+i), z[i*k:(i+1)*k])
	}
}

// maxWorkers bounds the goroutines of one Train or Probabilities call.
const maxWorkers = 16

// rowGradient is outputGradient for one row: it writes ∂loss/∂z into d
// (not divided by the batch size) and returns the row's loss and whether
// the row is classified exactly.
func rowGradient(d, p []float64, y int, loss Loss) (float64, bool) {
	const tiny = 1e-300
	ok := argmax(p) == y
	var sum float64
	switch loss {
	case CrossEntropy:
		sum = -math.Log(max(p[y], tiny))
		copy(d, p)
		d[y]--
	case BinaryCrossEntropy:
		// g_k = ∂loss/∂p_k; the softmax Jacobian gives
		// ∂loss/∂z_j = p_j (g_j − Σ_k p_k g_k).
		var pg float64
		for k, pk := range p {
			q := min(max(pk, 1e-12), 1-1e-12)
			var g float64
			if k == y {
				sum -= math.Log(max(pk, tiny))
				g = -1 / q
			} else {
				sum -= math.Log(max(1-pk, tiny))
				g = 1 / (1 - q)
			}
			d[k] = g
			pg += pk * g
		}
		for k, pk := range p {
			d[k] = pk * (d[k] - pg)
		}
	}
	return sum, ok
}
