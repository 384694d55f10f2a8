package ising

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/dsp/fourier"
	"gonum.org/v1/gonum/mat"
)

// MaxCorrelationSites is the largest number of sites N = L² for which
// Correlations fills the N×N matrix SS (8·N² bytes).
const MaxCorrelationSites = 1024

// Correlation holds the spin–spin correlations of a batch of configurations
// on an L×L periodic lattice (spins s = 2v − 1, site order i*L+j). The
// displacement-resolved functions are averaged over all sites i:
//
//	G(di, dj) = (1/N) Σ_i ⟨s_i s_(i+(di,dj))⟩,
//
// with di the row offset and dj the column offset, 0 ≤ di, dj < L.
type Correlation struct {
	L       int
	Samples int // number of configurations

	Mean []float64     // ⟨s_i⟩ per site
	SS   *mat.SymDense // ⟨s_i s_j⟩, N×N; nil if N > MaxCorrelationSites

	// G is the L×L matrix G.At(di, dj). GConn is its connected version
	// G(d) − (1/N) Σ_i ⟨s_i⟩⟨s_(i+d)⟩: it subtracts the per-site sample
	// means, which vanish on a finite lattice at h = 0 by symmetry (so GConn ≈ G
	// there, up to noise). For the |m| convention used below Tc, subtract
	// AbsM² from G instead.
	G, GConn *mat.Dense

	// R lists the distinct Euclidean distances between sites under the
	// minimum-image convention, ascending (R[0] = 0); GR[k] and GRConn[k]
	// average G and GConn over the Count[k] displacements at distance R[k].
	R, GR, GRConn []float64
	Count         []int

	AbsM float64 // ⟨|m|⟩, m = Σs/N
	M2   float64 // ⟨m²⟩

	// Chi2 = Σ_d G(d) = N⟨m²⟩ and F = Ĝ(k_min), the structure factor at the
	// smallest non-zero wave vector, (2π/L, 0) and (0, 2π/L) averaged.
	Chi2, F float64
	// Xi is the second-moment correlation length (Cooper, Freedman &
	// Preston 1982) ξ = √(Chi2/F − 1) / (2 sin(π/L)), from the full
	// (not connected) G as is standard at h = 0 on finite lattices: it is
	// +Inf if F = 0 < Chi2 (a perfectly ordered batch) and 0 if Chi2 ≤ F.
	Xi float64
}

// Correlations returns the correlations of the configurations in the rows
// of configs (0/1 cells, s = 2v − 1; fractional cells, such as mean-field
// probabilities, are used as s = 2v − 1 unrounded) on the L×L periodic
// lattice, each row weighted equally. It panics with mat.ErrShape if
// configs does not have L² columns, and if it has no rows.
func Correlations(L int, configs *mat.Dense) *Correlation {
	return CorrelationsWeighted(L, configs, nil)
}

// CorrelationsWeighted is Correlations with weight w[k] ≥ 0 for row k (the
// weights are normalised; nil means equal weights), so that exact ensembles
// such as Enumerate's Prob over all states can be analysed. It panics if
// len(w) differs from the number of rows, a weight is negative or NaN, or
// the weights sum to zero.
func CorrelationsWeighted(L int, configs *mat.Dense, w []float64) *Correlation {
	n, c := configs.Dims()
	if L < 1 || c != L*L {
		panic(mat.ErrShape)
	}
	if n == 0 {
		panic("ising: Correlations of no configurations")
	}
	weight := rowWeights(w, n)
	N := L * L
	cr := &Correlation{L: L, Samples: n, Mean: make([]float64, N)}
	f := newFFT2(L)
	power := cr.accumulate(f, configs, weight)
	Nf := float64(N)
	cr.Chi2 = power[0] / Nf
	if L > 1 {
		cr.F = (power[1] + power[L]) / (2 * Nf)
	}
	cr.G = f.toG(power)
	cr.connect(f, isBinary(configs))
	cr.setXi()
	cr.binRadially()
	if N <= MaxCorrelationSites {
		cr.SS = weightedSS(configs, weight)
	}
	return cr
}

// rowWeights checks the weights w of n rows (nil means equal) and returns
// the normalised weight of row k. It panics as CorrelationsWeighted says.
func rowWeights(w []float64, n int) func(k int) float64 {
	var wsum float64
	if w != nil {
		if len(w) != n {
			panic(fmt.Sprintf("ising: %d weights for %d configurations", len(w), n))
		}
		for _, v := range w {
			if !(v >= 0) {
				panic(fmt.Sprintf("ising: weight %v is not ≥ 0", v))
			}
			wsum += v
		}
		if !(wsum > 0) {
			panic("ising: weights sum to zero")
		}
	}
	return func(k int) float64 {
		if w == nil {
			return 1 / float64(n)
		}
		return w[k] / wsum
	}
}

// fft2 is a 2D FFT on an L×L lattice in place in buf (site order i*L+j).
type fft2 struct {
	L   int
	ft  *fourier.CmplxFFT
	buf []complex128
	col []complex128
}

func newFFT2(L int) *fft2 {
	return &fft2{L: L, ft: fourier.NewCmplxFFT(L), buf: make([]complex128, L*L), col: make([]complex128, L)}
}

// transform replaces buf by its 2D transform (unnormalised), rows first.
func (f *fft2) transform(inverse bool) {
	L, buf, col := f.L, f.buf, f.col
	tr := f.ft.Coefficients
	if inverse {
		tr = f.ft.Sequence
	}
	for i := range L {
		r := buf[i*L : (i+1)*L]
		tr(r, r)
	}
	for j := range L {
		for i := range L {
			col[i] = buf[i*L+j]
		}
		tr(col, col)
		for i := range L {
			buf[i*L+j] = col[i]
		}
	}
}

// power fills buf with the real values v, transforms them and returns
// |FFT(v)|² in dst.
func (f *fft2) power(dst, v []float64) {
	for i, x := range v {
		f.buf[i] = complex(x, 0)
	}
	f.transform(false)
	for i, z := range f.buf {
		dst[i] = real(z)*real(z) + imag(z)*imag(z)
	}
}

// toG returns G(d) = (1/N²) Σ_k P(k) e^(ik·d), the inverse transform of the
// power spectrum p.
func (f *fft2) toG(p []float64) *mat.Dense {
	L, buf := f.L, f.buf
	Nf := float64(L * L)
	for i, v := range p {
		buf[i] = complex(v, 0)
	}
	f.transform(true)
	g := mat.NewDense(L, L, nil)
	for i := range L {
		for j := range L {
			g.Set(i, j, real(buf[i*L+j])/(Nf*Nf))
		}
	}
	return g
}

// accumulate returns the power spectrum ⟨|S(k)|²⟩, by 2D FFT of each
// configuration, and adds the per-site means and the magnetisation moments
// to cr.
func (cr *Correlation) accumulate(f *fft2, configs *mat.Dense, weight func(int) float64) []float64 {
	n, N := configs.Dims()
	Nf := float64(N)
	buf := f.buf
	power := make([]float64, N)
	for k := range n {
		wk := weight(k)
		if wk == 0 {
			continue
		}
		row := configs.RawRowView(k)
		var m float64
		for i, v := range row {
			s := 2*v - 1
			buf[i] = complex(s, 0)
			cr.Mean[i] += wk * s
			m += s
		}
		m /= Nf
		cr.AbsM += wk * math.Abs(m)
		cr.M2 += wk * m * m
		f.transform(false)
		for i, z := range buf {
			power[i] += wk * (real(z)*real(z) + imag(z)*imag(z))
		}
	}
	return power
}

// connect sets GConn = G − the same transform of |FFT(⟨s⟩)|²; for binary
// configurations it first sets G(0, 0) = 1 exactly (s_i² = 1), removing
// the FFT's rounding.
func (cr *Correlation) connect(f *fft2, binary bool) {
	mp := make([]float64, len(cr.Mean))
	f.power(mp, cr.Mean)
	mg := f.toG(mp)
	cr.GConn = mat.NewDense(cr.L, cr.L, nil)
	if binary {
		cr.G.Set(0, 0, 1)
	}
	cr.GConn.Sub(cr.G, mg)
}

// setXi sets the second-moment correlation length from Chi2 and F.
func (cr *Correlation) setXi() {
	switch {
	case cr.L == 1 || cr.Chi2 <= cr.F:
		cr.Xi = 0
	case cr.F == 0:
		cr.Xi = math.Inf(1)
	default:
		cr.Xi = math.Sqrt(cr.Chi2/cr.F-1) / (2 * math.Sin(math.Pi/float64(cr.L)))
	}
}

// binRadially sets R, GR, GRConn and Count: G and GConn averaged over the
// displacements at each minimum-image distance.
func (cr *Correlation) binRadially() {
	L := cr.L
	type disp struct{ r2, i, j int }
	ds := make([]disp, 0, L*L)
	for i := range L {
		for j := range L {
			a, b := min(i, L-i), min(j, L-j)
			ds = append(ds, disp{a*a + b*b, i, j})
		}
	}
	sort.SliceStable(ds, func(x, y int) bool { return ds[x].r2 < ds[y].r2 })
	for k := 0; k < len(ds); {
		r2 := ds[k].r2
		var g, gc float64
		cnt := 0
		for ; k < len(ds) && ds[k].r2 == r2; k++ {
			g += cr.G.At(ds[k].i, ds[k].j)
			gc += cr.GConn.At(ds[k].i, ds[k].j)
			cnt++
		}
		cr.R = append(cr.R, math.Sqrt(float64(r2)))
		cr.GR = append(cr.GR, g/float64(cnt))
		cr.GRConn = append(cr.GRConn, gc/float64(cnt))
		cr.Count = append(cr.Count, cnt)
	}
}

// weightedSS returns the full matrix SS = Σ_k w_k s_k s_kᵀ of the rows of
// configs, accumulated in chunks of rows.
func weightedSS(configs *mat.Dense, weight func(int) float64) *mat.SymDense {
	n, N := configs.Dims()
	ss := mat.NewSymDense(N, nil)
	const chunk = 256
	blk := mat.NewDense(min(chunk, n), N, nil)
	for lo := 0; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		b := blk.Slice(0, hi-lo, 0, N).(*mat.Dense)
		for k := lo; k < hi; k++ {
			sw := math.Sqrt(weight(k))
			dst := b.RawRowView(k - lo)
			for i, v := range configs.RawRowView(k) {
				dst[i] = sw * (2*v - 1)
			}
		}
		ss.SymRankK(ss, 1, b.T())
	}
	return ss
}

// isBinary reports whether every cell is 0 or 1.
func isBinary(m *mat.Dense) bool {
	r, _ := m.Dims()
	for k := range r {
		for _, v := range m.RawRowView(k) {
			if v != 0 && v != 1 {
				return false
			}
		}
	}
	return true
}
