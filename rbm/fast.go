package rbm

import (
	"math/bits"
	"math/rand/v2"
	"strconv"

	"gonum.org/v1/gonum/mat"

	"github.com/rgflow/rgflow/internal/simd"
)

// Precision selects the arithmetic of a sampler or trainer.
type Precision int

const (
	// Float32, the default, runs the Gibbs chains and the CD and PCD
	// gradients in float32 on 0/1 data: a product of a 0/1 row with W is a
	// sum of the selected rows of W (simd.MaskSum), or, for a row with
	// more ones than zeros, (2c + Σ W) minus the sum over its zeros, so
	// that no product adds more than half the rows; the bias, sigmoid
	// and Bernoulli draw are one fused pass (simd.SigmoidSample), in AVX2
	// assembly where the CPU has it. What stays float64, and why: the
	// weights, biases and momentum velocities (they accumulate updates that
	// at small learning rates are 1e-5 of a weight, a few float32 ulps),
	// the gradient handed to the update (converted from per-batch float32
	// sums of at most BatchSize probabilities, exact to about 1e-7
	// relative), and everything in log space (free energies, log Z,
	// likelihoods, AIS), which the float64 code computes.
	Float32 Precision = iota
	// Float64 is the reference path: gonum's float64 BLAS and math.Exp.
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
	return "Precision(" + strconv.Itoa(int(p)) + ")"
}

// weights32 is a float32 copy of a model's parameters with rows padded to
// a multiple of simd.Width: W (Nv×ph) for v → h, Wᵀ (Nh×pv, stride ldt)
// for h → v.
// Padding cells are zero.
type weights32 struct {
	nv, nh, pv, ph int
	ldt            int // stride of wt: a multiple of 16, so its rows start on 64-byte lines
	w, wt          []float32
	b, c           []float32
	// sv = 2c + Σᵢ W[i,:] and sh = 2b + Σⱼ Wᵀ[j,:] (bases), for the
	// products of rows with more bits set than clear (vh, hv).
	sv, sh []float32
	ones   []uint64 // scratch of base: an all-ones mask
}

// bases computes sv and sh from the current weights and biases; call it
// after every change of either.
func (f *weights32) bases() {
	f.sv = f.base(f.sv, f.c, f.w, f.ph, f.nv, f.ph)
	f.sh = f.base(f.sh, f.b, f.wt, f.ldt, f.nh, f.pv)
}

// base returns dst (grown to n) set to 2·init + the sum of the first rows
// rows of a (stride lda).
func (f *weights32) base(dst, init, a []float32, lda, rows, n int) []float32 {
	dst = growF32(dst, n)
	w := simd.Words(rows)
	f.ones = growU64(f.ones, w)
	for i := range f.ones {
		f.ones[i] = ^uint64(0)
	}
	if b := rows & 63; b != 0 {
		f.ones[w-1] = 1<<b - 1
	}
	for j, x := range init[:n] {
		dst[j] = x + x
	}
	simd.MaskSum(dst, dst, a, lda, f.ones, n)
	return dst
}

// The products of 0/1 rows with W (vh) and Wᵀ (hv) sum the rows of the
// matrix that a row's set bits select. A row with more bits set than
// clear takes its complement instead:
//
//	c + v·W = (2c + Σᵢ W[i,:]) − (c + (1 − v)·W),
//
// so no product adds more than half the rows. Ising data and the flow's
// magnetised chains are mostly such rows or nearly empty ones: at the
// paper's fixed point (|m| ≈ 0.65) a chain has 82 or 18 of its 100 bits
// set, and its product adds 18 rows where the plain sum adds 82 or 18.
// The complement's result differs from the plain sum by float32 rounding.

// vh sets rows rows of dst (stride ph) to c + v·W for the masks v (wv
// words each), taking dense rows' complements in scratch tmp (rows·wv
// words).
func (f *weights32) vh(dst []float32, v []uint64, wv, rows int, tmp []uint64) {
	f.product(dst, f.ph, f.c, f.w, f.ph, f.sv, v, wv, f.nv, rows, tmp)
}

// hv sets rows rows of dst (stride pv) to b + h·Wᵀ for the hidden masks h
// (wh words each), as vh.
func (f *weights32) hv(dst []float32, h []uint64, wh, rows int, tmp []uint64) {
	f.product(dst, f.pv, f.b, f.wt, f.ldt, f.sh, h, wh, f.nh, rows, tmp)
}

// product is vh and hv: init + m·a for masks of nbits bits, through the
// complement for rows with more than nbits/2 set, base being 2·init + the
// sum of a's nbits rows.
func (f *weights32) product(dst []float32, n int, init, a []float32, lda int, base []float32, m []uint64, mw, nbits, rows int, tmp []uint64) {
	tail := ^uint64(0)
	if b := nbits & 63; b != 0 {
		tail = 1<<b - 1
	}
	dense := false
	for r := 0; r < rows; r++ {
		src, out := m[r*mw:(r+1)*mw], tmp[r*mw:(r+1)*mw]
		if 2*popCount(src) > nbits {
			for k, w := range src {
				out[k] = ^w
			}
			out[mw-1] &= tail
			dense = true
			continue
		}
		copy(out, src)
	}
	if !dense {
		simd.MaskSumRows(dst, n, init, a, lda, m, mw, rows, n)
		return
	}
	simd.MaskSumRows(dst, n, init, a, lda, tmp, mw, rows, n)
	for r := 0; r < rows; r++ {
		if 2*popCount(m[r*mw:(r+1)*mw]) > nbits {
			d := dst[r*n : (r+1)*n]
			simd.Sub(d, base, d)
		}
	}
}

func popCount(m []uint64) int {
	c := 0
	for _, w := range m {
		c += bits.OnesCount64(w)
	}
	return c
}

// load converts the model's parameters, sizing the buffers on first use.
func (f *weights32) load(m *Model) {
	nv, nh := m.check()
	if f.nv != nv || f.nh != nh {
		*f = weights32{nv: nv, nh: nh, pv: simd.Pad(nv), ph: simd.Pad(nh)}
		f.w = make([]float32, nv*f.ph)
		f.ldt = (nv + 15) &^ 15
		f.wt = make([]float32, nh*f.ldt)
		f.b = make([]float32, f.pv)
		f.c = make([]float32, f.ph)
	}
	w := m.W.RawMatrix()
	for i := 0; i < nv; i++ {
		f.rows(i, w.Data[i*w.Stride:i*w.Stride+nh])
	}
	for i, x := range m.VBias {
		f.b[i] = float32(x)
	}
	for j, x := range m.HBias {
		f.c[j] = float32(x)
	}
}

// rows stores row i of W (nh values) in both layouts.
func (f *weights32) rows(i int, src []float64) {
	dst := f.w[i*f.ph : i*f.ph+f.nh]
	ldt := f.ldt
	for j, x := range src[:len(dst)] {
		y := float32(x)
		dst[j] = y
		f.wt[j*ldt+i] = y
	}
}

// masks holds 0/1 rows as bit masks, words per row.
type masks struct {
	words int
	bits  []uint64
}

func (m *masks) size(rows, n int) {
	m.words = simd.Words(n)
	need := rows * m.words
	if cap(m.bits) < need {
		m.bits = make([]uint64, need)
	}
	m.bits = m.bits[:need]
}

func (m *masks) row(i int) []uint64 { return m.bits[i*m.words : (i+1)*m.words] }

// fromRow sets dst to the mask of a 0/1 row and reports whether every cell
// was 0 or 1 (−0 counts as 0, as in checkBinary).
func fromRow(dst []uint64, row []float64) bool { return simd.RowMask(dst, row) }

// binaryMasks returns the rows of d as bit masks, or an error wrapping
// ErrNotBinary naming the first cell that is not 0 or 1.
func binaryMasks(d *mat.Dense, what string) (*masks, error) {
	r, c := d.Dims()
	m := &masks{}
	m.size(r, c)
	for i := 0; i < r; i++ {
		if !fromRow(m.row(i), d.RawRowView(i)) {
			return nil, checkBinary(d, what)
		}
	}
	return m, nil
}

// toRow writes the 0/1 values of a mask into row.
func toRow(row []float64, src []uint64) { simd.MaskRow(row, src) }

// chain32 runs k sampled Gibbs steps v → h → v′ on rows of bit masks,
// block-parallel with one simd.RNG per block of rows, seeded from c.seeds.
type chain32 struct {
	f      *weights32
	k      int
	rows   int
	in     *masks    // v₀
	out    *masks    // v_k (may equal in)
	hm     masks     // hidden samples, rows
	h0p    []float32 // if not nil: p(h|v₀), rows×ph
	hkp    []float32 // if not nil: p(h|v_k), rows×ph
	diff   []float32 // if not nil: h0p − hkp, rows×ph (CD's paired gradient)
	vtmp   []float32 // rows×pv
	htmp   []float32 // rows×ph
	seeds  []uint64
	inputs bool // the first half-step starts from h0p computed by the caller
	par    parFor
	tmv    []uint64 // scratch masks of weights32.vh, rows·Words(nv)
	tmh    []uint64 // of weights32.hv, rows·Words(nh)
}

func (c *chain32) size(rows int, seeds []uint64) {
	f := c.f
	c.rows, c.seeds = rows, seeds
	c.hm.size(rows, f.nh)
	c.vtmp = growF32(c.vtmp, rows*f.pv)
	c.htmp = growF32(c.htmp, rows*f.ph)
	c.tmv = growU64(c.tmv, rows*simd.Words(f.nv))
	c.tmh = growU64(c.tmh, rows*simd.Words(f.nh))
}

func growU64(s []uint64, n int) []uint64 {
	if cap(s) < n {
		return make([]uint64, n)
	}
	return s[:n]
}

// run does block b: every half-step is one simd.MaskSumRows over the
// block's rows, then the rows' sigmoids and draws in row order.
func (c *chain32) run(b int) {
	f := c.f
	lo, hi := blockRange(b, c.rows)
	n := hi - lo
	var r simd.RNG
	r.Seed(c.seeds[b])
	vt := c.vtmp[lo*f.pv : hi*f.pv]
	hm := c.hm.bits[lo*c.hm.words : hi*c.hm.words]
	out := c.out.bits[lo*c.out.words : hi*c.out.words]
	v := c.in.bits[lo*c.in.words : hi*c.in.words]
	wv, wh := c.in.words, c.hm.words
	tmv, tmh := c.tmv[lo*wv:hi*wv], c.tmh[lo*wh:hi*wh]
	for s := 0; s < c.k; s++ {
		h := c.htmp[lo*f.ph : hi*f.ph]
		if s == 0 && c.h0p != nil {
			h = c.h0p[lo*f.ph : hi*f.ph]
		}
		f.vh(h, v, wv, n, tmv)
		simd.SigmoidSampleRows(h, f.ph, f.ph, hm, wh, f.nh, n, &r)
		f.hv(vt, hm, wh, n, tmh)
		simd.SigmoidSampleRows(vt, f.pv, f.pv, out, wv, f.nv, n, &r)
		v = out
	}
	if c.hkp != nil {
		h := c.hkp[lo*f.ph : hi*f.ph]
		f.vh(h, v, wv, n, tmv)
		simd.Sigmoid(h)
		if c.diff != nil {
			simd.Sub(c.diff[lo*f.ph:hi*f.ph], c.h0p[lo*f.ph:hi*f.ph], h)
		}
	}
}

// probs32 computes p(h|v) = σ(c + vW) for rows of masks, block-parallel.
type probs32 struct {
	f    *weights32
	v    *masks
	h    []float32
	rows int
	tm   []uint64 // scratch masks, rows·v.words
}

func (op *probs32) run(b int) {
	f := op.f
	lo, hi := blockRange(b, op.rows)
	h := op.h[lo*f.ph : hi*f.ph]
	w := op.v.words
	f.vh(h, op.v.bits[lo*w:hi*w], w, hi-lo, op.tm[lo*w:hi*w])
	simd.Sigmoid(h)
}

// transposeMasks sets cols (n rows of Words(rows) words) to the column
// masks of the first rows rows of m (n bits each): bit r of column i is bit
// i of row r. It works on 64×64 blocks.
func transposeMasks(cols *masks, m *masks, rows, n int) {
	cols.size(n, rows)
	var a [64]uint64
	for rb := 0; rb < cols.words; rb++ {
		for cb := 0; cb < m.words; cb++ {
			for t := range a {
				a[t] = 0
				if r := rb<<6 + t; r < rows {
					a[t] = m.bits[r*m.words+cb]
				}
			}
			transpose64(&a)
			for c := 0; c < 64 && cb<<6+c < n; c++ {
				cols.bits[(cb<<6+c)*cols.words+rb] = a[c]
			}
		}
	}
}

// transpose64 transposes a 64×64 bit matrix in place (bit c of a[r] ↔ bit
// r of a[c]) by swapping ever smaller blocks (Warren, Hacker's Delight,
// §7-3).
func transpose64(a *[64]uint64) {
	m := uint64(0x00000000ffffffff)
	for j := 32; j != 0; j, m = j>>1, m^(m<<(j>>1)) {
		for k := 0; k < 64; k = (k + j + 1) &^ j {
			t := (a[k]>>j ^ a[k+j]) & m
			a[k+j] ^= t
			a[k] ^= t << j
		}
	}
}

// grad32 computes the weight gradient
// G[i,:] = Σ_{r: v₀[r,i]=1} p(h|v₀)[r,:]/n0 − Σ_{r: v_k[r,i]=1} p(h|v_k)[r,:]/nn
// as masked row sums over the batch, block-parallel over visible units.
// With step set it writes, instead of G, the momentum step u computed from
// G and the weights (simd.Update), and records per block whether the
// stepped weights are all finite.
type grad32 struct {
	f        *weights32
	c0, ck   *masks // column masks over the rows
	h0p, hkp []float32
	st       simd.Step
	tmp      []float32 // 2·nv×ph: the positive and negative sums of each block's rows
	g        []float64 // nv×nh: G or u
	step     bool
	w, vel   []float64 // the model's weights (stride ldw) and velocities (nv×nh)
	ldw      int
	ok       []bool // per block
	// If paired (CD: chain row r starts from data row r), the sums come
	// from pm over the rows of pa and qm over those of qa instead; see
	// fast.pairMasks.
	paired bool
	pm, qm *masks
	pa, qa []float32
}

func (op *grad32) run(b int) {
	f := op.f
	lo, hi := unitRange(b, f.nv)
	n := hi - lo
	p := op.tmp[2*lo*f.ph : (lo+hi)*f.ph]
	q := op.tmp[(lo+hi)*f.ph : 2*hi*f.ph]
	if op.paired {
		wp, wq := op.pm.words, op.qm.words
		simd.MaskSumRows(p, f.ph, nil, op.pa, f.ph, op.pm.bits[lo*wp:hi*wp], wp, n, f.ph)
		simd.MaskSumRows(q, f.ph, nil, op.qa, f.ph, op.qm.bits[lo*wq:hi*wq], wq, n, f.ph)
	} else {
		w0, wk := op.c0.words, op.ck.words
		simd.MaskSumRows(p, f.ph, nil, op.h0p, f.ph, op.c0.bits[lo*w0:hi*w0], w0, n, f.ph)
		simd.MaskSumRows(q, f.ph, nil, op.hkp, f.ph, op.ck.bits[lo*wk:hi*wk], wk, n, f.ph)
	}
	ok := true
	for i := lo; i < hi; i++ {
		pr, qr := p[(i-lo)*f.ph:(i-lo+1)*f.ph], q[(i-lo)*f.ph:(i-lo+1)*f.ph]
		g := op.g[i*f.nh : (i+1)*f.nh]
		if op.step {
			w := op.w[i*op.ldw : i*op.ldw+f.nh]
			if !simd.Update(g, w, op.vel[i*f.nh:(i+1)*f.nh], pr, qr, &op.st) {
				ok = false
			}
			continue
		}
		for j := range g {
			g[j] = float64(pr[j])*op.st.Inv0 - float64(qr[j])*op.st.InvN
		}
	}
	if op.step {
		op.ok[b] = ok
	}
}

// unitRange is blockRange for the phases over visible units, with the
// boundaries rounded to multiples of 16, so that two blocks never write to
// the same 64-byte line of the transposed float32 weights. These phases
// draw no random numbers, so the split does not change any result.
func unitRange(b, n int) (lo, hi int) {
	nb := blocks(n)
	lo, hi = (b*n/nb+8)&^15, ((b+1)*n/nb+8)&^15
	if b == nb-1 {
		hi = n
	}
	return min(lo, n), min(hi, n)
}

// apply32 adds the steps u to the weights, stores them as the velocities
// and refreshes both float32 layouts, block-parallel over visible units.
type apply32 struct {
	f      *weights32
	w, vel []float64
	ldw    int
	u      []float64
}

func (op *apply32) run(b int) {
	f := op.f
	lo, hi := unitRange(b, f.nv)
	for i := lo; i < hi; i++ {
		row := f.w[i*f.ph : i*f.ph+f.nh]
		simd.Apply(op.w[i*op.ldw:i*op.ldw+f.nh], op.vel[i*f.nh:(i+1)*f.nh], op.u[i*f.nh:(i+1)*f.nh], row)
		for j, x := range row {
			f.wt[j*f.ldt+i] = x
		}
	}
}

// fast is the float32 engine of Train and EstimateGradient for CD and PCD.
type fast struct {
	m      *Model
	f      weights32
	pcd    bool
	data   *masks // all training rows
	v0, vk masks
	c0, ck masks
	h0p    []float32
	hkp    []float32
	pair   []float32 // CD: [h0p − hkp | h0p | hkp], R rows each (pairMasks)
	pm, qm masks
	chain  chain32
	probs  probs32
	grad   grad32
	app    apply32
	seeds  []uint64
	ones   []uint64
	par    parFor
	nchain int
	ptm    []uint64 // scratch masks of probs
}

// newFast prepares the float32 engine for CD-k on the rows of data, or PCD
// if chains (0/1, checked by the caller) is not nil.
func newFast(m *Model, data *masks, k int, chains *mat.Dense) *fast {
	ft := &fast{m: m, pcd: chains != nil, data: data}
	ft.f.load(m)
	if chains != nil {
		ft.nchain, _ = chains.Dims()
		ft.vk.size(ft.nchain, ft.f.nv)
		for i := 0; i < ft.nchain; i++ {
			fromRow(ft.vk.row(i), chains.RawRowView(i))
		}
	}
	ft.chain.f = &ft.f
	ft.chain.k = k
	ft.probs.f = &ft.f
	ft.grad.f = &ft.f
	return ft
}

func growF32(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}

// batch computes the gradient estimate for the data rows idx into g,
// drawing one seed per block of chain rows from seed. If st is not nil it
// instead writes the momentum step of W computed from the estimate into
// g.W (see grad32) and the bias gradients into g's biases, and reports
// whether the new weights are finite; call apply next.
func (ft *fast) batch(idx []int, g *Gradient, seed func() uint64, st *simd.Step, vel *Gradient) bool {
	f := &ft.f
	rows := len(idx)
	ft.v0.size(rows, f.nv)
	for r, i := range idx {
		copy(ft.v0.row(r), ft.data.row(i))
	}
	nn := rows
	seg := 64 * simd.Words(rows) * f.ph // one segment of ft.pair
	f.bases()                           // the weights changed since the last batch
	if ft.pcd {
		nn = ft.nchain
		ft.h0p = growF32(ft.h0p, rows*f.ph)
		ft.hkp = growF32(ft.hkp, nn*f.ph)
		ft.ptm = growU64(ft.ptm, rows*ft.v0.words)
		ft.probs = probs32{f: f, v: &ft.v0, h: ft.h0p, rows: rows, tm: ft.ptm}
		ft.par.do(&ft.probs, blocks(rows))
	} else {
		ft.vk.size(rows, f.nv)
		ft.pair = growF32(ft.pair, 3*seg)
		ft.h0p, ft.hkp = ft.pair[seg:seg+rows*f.ph], ft.pair[2*seg:2*seg+rows*f.ph]
	}
	nb := blocks(nn)
	if cap(ft.seeds) < nb {
		ft.seeds = make([]uint64, nb)
	}
	ft.seeds = ft.seeds[:nb]
	for i := range ft.seeds {
		ft.seeds[i] = seed()
	}
	c := &ft.chain
	c.size(nn, ft.seeds)
	c.out, c.hkp = &ft.vk, ft.hkp
	if ft.pcd {
		c.in, c.h0p, c.diff = &ft.vk, nil, nil
	} else {
		c.in, c.h0p, c.diff = &ft.v0, ft.h0p, ft.pair[:rows*f.ph]
	}
	ft.par.do(c, nb)

	transposeMasks(&ft.c0, &ft.v0, rows, f.nv)
	transposeMasks(&ft.ck, &ft.vk, nn, f.nv)
	inv0, invn := 1/float64(rows), 1/float64(nn)
	nbv := blocks(f.nv)
	ft.grad.c0, ft.grad.ck, ft.grad.h0p, ft.grad.hkp = &ft.c0, &ft.ck, ft.h0p, ft.hkp
	ft.grad.paired = !ft.pcd
	if !ft.pcd {
		ft.pairMasks()
		ft.grad.pm, ft.grad.qm = &ft.pm, &ft.qm
		ft.grad.pa, ft.grad.qa = ft.pair[:2*seg], ft.pair[2*seg:]
	}
	ft.grad.st = simd.Step{Inv0: inv0, InvN: invn}
	ft.grad.step = st != nil
	if st != nil {
		ft.grad.st = *st
		ft.grad.st.Inv0, ft.grad.st.InvN = inv0, invn
		w := ft.m.W.RawMatrix()
		ft.grad.w, ft.grad.ldw = w.Data, w.Stride
		ft.grad.vel = vel.W.RawMatrix().Data
		if cap(ft.grad.ok) < nbv {
			ft.grad.ok = make([]bool, nbv)
		}
		ft.grad.ok = ft.grad.ok[:nbv]
	}
	ft.grad.tmp = growF32(ft.grad.tmp, 2*f.nv*f.ph)
	ft.grad.g = g.W.RawMatrix().Data
	ft.par.do(&ft.grad, nbv)
	for i := range g.VBias {
		n0 := bits.OnesCount64(ft.c0.row(i)[0])
		for _, w := range ft.c0.row(i)[1:] {
			n0 += bits.OnesCount64(w)
		}
		nk := 0
		for _, w := range ft.ck.row(i) {
			nk += bits.OnesCount64(w)
		}
		g.VBias[i] = float64(n0)*inv0 - float64(nk)*invn
	}
	ft.colSums(ft.grad.tmp[:f.ph], ft.h0p, rows)
	ft.colSums(ft.grad.tmp[f.ph:2*f.ph], ft.hkp, nn)
	for j := range g.HBias {
		g.HBias[j] = float64(ft.grad.tmp[j])*inv0 - float64(ft.grad.tmp[f.ph+j])*invn
	}
	ok := true
	if st != nil {
		for _, b := range ft.grad.ok {
			ok = ok && b
		}
	}
	return ok
}

// pairMasks prepares CD's paired gradient. Row r of the chain starts from
// data row r, so for visible unit i the difference of the two sums,
// Σ_{v₀ᵢ=1} p(h|v₀) − Σ_{v_kᵢ=1} p(h|v_k), can take rows where both bits
// are set once, from their difference: it is
//
//	Σ_{both} (p(h|v₀) − p(h|v_k)) + Σ_{v₀ only} p(h|v₀) − Σ_{v_k only} p(h|v_k).
//
// The rows of the three sums are the three segments of ft.pair, each
// 64·Words(rows) rows long (the tail rows are never selected), so that pm,
// the masks of the first two segments side by side, selects the positive
// sum from pair[:2 segments] and qm the negative one from the third. A
// trained model reconstructs most bits (v_k ≈ v₀), so this adds about
// (1 + r)/2 of the rows the two plain sums add, r the fraction of bits that
// differ.
func (ft *fast) pairMasks() {
	w := ft.c0.words
	nv := ft.f.nv
	ft.pm.size(nv, 128*w)
	ft.qm.size(nv, 64*w)
	for i := 0; i < nv; i++ {
		a, b := ft.c0.row(i), ft.ck.row(i)
		p, q := ft.pm.row(i), ft.qm.row(i)
		for k := 0; k < w; k++ {
			p[k], p[w+k], q[k] = a[k]&b[k], a[k]&^b[k], b[k]&^a[k]
		}
	}
}

// apply finishes a step begun by batch: it adds the steps in g.W to the
// weights, stores them as the velocities in vel.W and refreshes the float32
// weights. The biases are the caller's (see trainer.update).
func (ft *fast) apply(g, vel *Gradient) {
	w := ft.m.W.RawMatrix()
	ft.app = apply32{f: &ft.f, w: w.Data, ldw: w.Stride, vel: vel.W.RawMatrix().Data, u: g.W.RawMatrix().Data}
	ft.par.do(&ft.app, blocks(ft.f.nv))
}

// reloadBiases refreshes the float32 biases after an update.
func (ft *fast) reloadBiases() {
	for i, x := range ft.m.VBias {
		ft.f.b[i] = float32(x)
	}
	for j, x := range ft.m.HBias {
		ft.f.c[j] = float32(x)
	}
}

// colSums sets dst (ph values) to the column sums of the first rows rows of
// a (stride ph), as a masked sum with every row selected.
func (ft *fast) colSums(dst, a []float32, rows int) {
	w := simd.Words(rows)
	if cap(ft.ones) < w {
		ft.ones = make([]uint64, w)
	}
	ones := ft.ones[:w]
	for i := range ones {
		ones[i] = ^uint64(0)
	}
	if b := rows & 63; b != 0 {
		ones[w-1] = 1<<b - 1
	}
	simd.MaskSum(dst, nil, a, ft.f.ph, ones, ft.f.ph)
}

// reload refreshes the float32 copy after an update of the model.
func (ft *fast) reload() { ft.f.load(ft.m) }

// chains returns the persistent chains as a 0/1 matrix.
func (ft *fast) chains() *mat.Dense {
	d := mat.NewDense(ft.nchain, ft.f.nv, nil)
	for i := 0; i < ft.nchain; i++ {
		toRow(d.RawRowView(i), ft.vk.row(i))
	}
	return d
}

// recon32 computes both reconstruction errors of ReconstructionErrors on
// the float32 kernels, block-parallel, for rows of 0/1 masks: h ~ p(h|v),
// then p = p(v=1|h) and v₁ ~ p(v|h) from the same draw. Sums are float64,
// per block, added in block order.
type recon32 struct {
	f      *weights32
	v      *masks
	rows   int
	seeds  []uint64
	hm, vs masks // per block scratch (one row each)
	tmp    []float32
	prob   []float64 // per block
	samp   []int     // per block
}

func (op *recon32) run(b int) {
	f := op.f
	lo, hi := blockRange(b, op.rows)
	var r simd.RNG
	r.Seed(op.seeds[b])
	hm, vs := op.hm.row(b), op.vs.row(b)
	h := op.tmp[b*(f.ph+f.pv) : b*(f.ph+f.pv)+f.ph]
	p := op.tmp[b*(f.ph+f.pv)+f.ph : (b+1)*(f.ph+f.pv)]
	var sp float64
	ss := 0
	for i := lo; i < hi; i++ {
		v := op.v.row(i)
		simd.MaskSum(h, f.c, f.w, f.ph, v, f.ph)
		simd.SigmoidSample(h, hm, f.nh, &r)
		simd.MaskSum(p, f.b, f.wt, f.ldt, hm, f.pv)
		simd.SigmoidSample(p, vs, f.nv, &r)
		for j, x := range p[:f.nv] {
			d := float64(v[j>>6]>>(j&63)&1) - float64(x)
			sp += d * d
		}
		for w := range v {
			ss += bits.OnesCount64(v[w] ^ vs[w])
		}
	}
	op.prob[b], op.samp[b] = sp, ss
}

// reconErrors32 is ReconstructionErrors on the float32 kernels for 0/1
// data given as masks (rows×nv).
func reconErrors32(m *Model, v *masks, rows int, src rand.Source) (prob, sampled float64) {
	op := &recon32{f: &weights32{}, v: v, rows: rows}
	op.f.load(m)
	nb := blocks(rows)
	op.seeds = make([]uint64, nb)
	for i := range op.seeds {
		op.seeds[i] = src.Uint64()
	}
	op.hm.size(nb, op.f.nh)
	op.vs.size(nb, op.f.nv)
	op.tmp = make([]float32, nb*(op.f.ph+op.f.pv))
	op.prob, op.samp = make([]float64, nb), make([]int, nb)
	parallel(nb, op.run)
	var sp, ss float64
	for b := 0; b < nb; b++ {
		sp += op.prob[b]
		ss += float64(op.samp[b])
	}
	n := float64(rows * op.f.nv)
	return sp / n, ss / n
}
