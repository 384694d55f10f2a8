package rbm

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"

	"github.com/rgflow/rgflow/internal/lattice"
)

// Couplings sets dst to the Nv×Nv matrix W Wᵀ, the matrix product
// (Σ_j W_ij W_kj), not the element-wise product W∘W that the reference
// notebooks used by mistake. An empty dst is sized; a dst of another shape
// panics with mat.ErrShape.
func Couplings(dst *mat.Dense, m *Model) {
	nv, _ := m.check()
	prepare(dst, nv, nv)
	dst.Mul(m.W, m.W.T())
}

// CouplingSpectrum returns the eigenvalues of W Wᵀ in decreasing order and
// the matching orthonormal eigenvectors as the columns of vecs (Nv×Nv).
// ok is false if the eigen-decomposition failed.
func CouplingSpectrum(m *Model) (vals []float64, vecs *mat.Dense, ok bool) {
	nv, _ := m.check()
	var s mat.SymDense
	s.SymOuterK(1, m.W)
	var eig mat.EigenSym
	if !eig.Factorize(&s, true) {
		return nil, nil, false
	}
	asc := eig.Values(nil)
	var ev mat.Dense
	eig.VectorsTo(&ev)
	vals = make([]float64, nv)
	vecs = mat.NewDense(nv, nv, nil)
	for k := 0; k < nv; k++ {
		src := nv - 1 - k
		vals[k] = asc[src]
		for i := 0; i < nv; i++ {
			vecs.Set(i, k, ev.At(i, src))
		}
	}
	return vals, vecs, true
}

// SingularValues returns the singular values of W in decreasing order
// (their squares are the non-zero eigenvalues of W Wᵀ). ok is false if the
// decomposition failed.
func SingularValues(m *Model) (sv []float64, ok bool) {
	var svd mat.SVD
	if !svd.Factorize(m.W, mat.SVDNone) {
		return nil, false
	}
	return svd.Values(nil), true
}

// ReceptiveField sets dst to hidden unit j's weights W[:, j] as an L×L
// image, site i*L+k at row i, column k. An empty dst is sized. It panics
// with mat.ErrShape unless Nv = L² and dst is empty or L×L, and if j is out
// of range.
func ReceptiveField(dst *mat.Dense, L int, m *Model, j int) {
	nv, nh := m.check()
	if L*L != nv || j < 0 || j >= nh {
		panic(mat.ErrShape)
	}
	prepare(dst, L, L)
	for i := 0; i < nv; i++ {
		dst.Set(i/L, i%L, m.W.At(i, j))
	}
}

// Histogram is a histogram with len(Counts) equal-width bins between
// consecutive Edges.
type Histogram struct {
	Edges  []float64
	Counts []int
}

// WeightHistogram returns the histogram of the entries of W in that many equal
// bins spanning [min W, max W]. It panics if bins < 1.
func WeightHistogram(m *Model, bins int) Histogram {
	if bins < 1 {
		panic(errNonPositive)
	}
	lo, hi := mat.Min(m.W), mat.Max(m.W)
	if hi == lo {
		hi = lo + 1
	}
	h := Histogram{Edges: make([]float64, bins+1), Counts: make([]int, bins)}
	for k := range h.Edges {
		h.Edges[k] = lo + (hi-lo)*float64(k)/float64(bins)
	}
	h.Edges[bins] = hi
	r, c := m.W.Dims()
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			k := int(float64(bins) * (m.W.At(i, j) - lo) / (hi - lo))
			h.Counts[min(max(k, 0), bins-1)]++
		}
	}
	return h
}

// DisplacementAverage sets dst (L×L) to the average of the Nv×Nv matrix c
// over site pairs at the same periodic displacement on an L×L lattice:
//
//	dst[dy, dx] = (1/L²) Σ_i c[i, i + (dy, dx) mod L],
//
// with sites numbered y*L+x. Applied to Couplings(m) it gives the learned
// coupling versus displacement, to set beside the spin correlation ⟨s₀s_r⟩
// (apply it to a correlation matrix ⟨sᵢsⱼ⟩ for that). An empty dst is sized;
// it panics with mat.ErrShape unless c is L²×L².
func DisplacementAverage(dst *mat.Dense, L int, c mat.Matrix) {
	r, cc := c.Dims()
	if L <= 0 || r != L*L || cc != L*L {
		panic(mat.ErrShape)
	}
	prepare(dst, L, L)
	for dy := 0; dy < L; dy++ {
		for dx := 0; dx < L; dx++ {
			var s float64
			for y := 0; y < L; y++ {
				for x := 0; x < L; x++ {
					j := ((y+dy)%L)*L + (x+dx)%L
					s += c.At(y*L+x, j)
				}
			}
			dst.Set(dy, dx, s/float64(L*L))
		}
	}
}

// RadialProfile averages an L×L displacement grid (as from
// DisplacementAverage) over displacements at the same periodic Euclidean
// distance r = √(min(dx, L−dx)² + min(dy, L−dy)²). It returns the distinct
// distances in increasing order and the mean of the grid at each.
func RadialProfile(grid mat.Matrix) (r, mean []float64) {
	L, c := grid.Dims()
	if L != c {
		panic(mat.ErrShape)
	}
	type acc struct {
		d2, n int
		s     float64
	}
	var accs []acc
	idx := map[int]int{}
	for dy := 0; dy < L; dy++ {
		for dx := 0; dx < L; dx++ {
			ax, ay := min(dx, L-dx), min(dy, L-dy)
			d2 := ax*ax + ay*ay
			k, ok := idx[d2]
			if !ok {
				k = len(accs)
				idx[d2] = k
				accs = append(accs, acc{d2: d2})
			}
			accs[k].s += grid.At(dy, dx)
			accs[k].n++
		}
	}
	slices.SortFunc(accs, func(a, b acc) int { return a.d2 - b.d2 })
	r, mean = make([]float64, len(accs)), make([]float64, len(accs))
	for k, a := range accs {
		r[k] = math.Sqrt(float64(a.d2))
		mean[k] = a.s / float64(a.n)
	}
	return r, mean
}

// LatticeSide returns L if m's Nv = L² for an integer L.
func LatticeSide(m *Model) (L int, ok bool) {
	nv, _ := m.Dims()
	return lattice.Side(nv)
}
