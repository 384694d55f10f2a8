package rbm

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestCouplingsAndSpectrum(t *testing.T) {
	t.Parallel()
	m := randomModel(9, 4, 0.5, 1)
	var c mat.Dense
	Couplings(&c, m)
	for i := 0; i < 9; i++ {
		for k := 0; k < 9; k++ {
			var s float64
			for j := 0; j < 4; j++ {
				s += m.W.At(i, j) * m.W.At(k, j)
			}
			if math.Abs(c.At(i, k)-s) > 1e-14 {
				t.Fatalf("WWᵀ[%d,%d] = %v, want %v", i, k, c.At(i, k), s)
			}
		}
	}
	vals, vecs, ok := CouplingSpectrum(m)
	sv, ok2 := SingularValues(m)
	if !ok || !ok2 || len(sv) != 4 || len(vals) != 9 {
		t.Fatal("decomposition failed")
	}
	// Tolerances: LAPACK-level backward stability, ~1e-13 for O(1) entries.
	const tol = 1e-12
	for k := 0; k < 9; k++ {
		if k > 0 && vals[k] > vals[k-1] {
			t.Error("eigenvalues not decreasing")
		}
		var cv, v mat.VecDense
		v.CloneFromVec(vecs.ColView(k))
		cv.MulVec(&c, &v)
		for i := 0; i < 9; i++ {
			if math.Abs(cv.AtVec(i)-vals[k]*v.AtVec(i)) > tol {
				t.Fatalf("eigenpair %d fails WWᵀv = λv", k)
			}
		}
		want := 0.0 // rank 4: the last 5 eigenvalues vanish
		if k < 4 {
			want = sv[k] * sv[k]
		}
		if math.Abs(vals[k]-want) > tol {
			t.Errorf("λ_%d = %v, want σ² = %v", k, vals[k], want)
		}
	}
}

func TestReceptiveFieldAndHistogram(t *testing.T) {
	t.Parallel()
	m := randomModel(16, 3, 0.5, 2)
	var rf mat.Dense
	ReceptiveField(&rf, 4, m, 2)
	if rf.At(1, 3) != m.W.At(7, 2) || rf.At(3, 0) != m.W.At(12, 2) {
		t.Error("receptive field not laid out as site y*L+x")
	}
	mustPanicShape(t, "ReceptiveField L", func() { ReceptiveField(&mat.Dense{}, 5, m, 0) })
	h := WeightHistogram(m, 7)
	n := 0
	for _, c := range h.Counts {
		n += c
	}
	if n != 48 || h.Edges[0] != mat.Min(m.W) || h.Edges[7] != mat.Max(m.W) || h.Counts[0] == 0 || h.Counts[6] == 0 {
		t.Errorf("histogram %+v", h)
	}
}

func TestDisplacementAverage(t *testing.T) {
	t.Parallel()
	const L = 5
	// A translation-invariant matrix c[i,j] = f(j − i mod L) is recovered
	// exactly (each displacement averages L² equal entries).
	f := func(dy, dx int) float64 { return float64(dy*10 + dx) }
	c := mat.NewDense(L*L, L*L, nil)
	for y := 0; y < L; y++ {
		for x := 0; x < L; x++ {
			for y2 := 0; y2 < L; y2++ {
				for x2 := 0; x2 < L; x2++ {
					c.Set(y*L+x, y2*L+x2, f((y2-y+L)%L, (x2-x+L)%L))
				}
			}
		}
	}
	var g mat.Dense
	DisplacementAverage(&g, L, c)
	for dy := 0; dy < L; dy++ {
		for dx := 0; dx < L; dx++ {
			if g.At(dy, dx) != f(dy, dx) {
				t.Fatalf("grid[%d,%d] = %v, want %v", dy, dx, g.At(dy, dx), f(dy, dx))
			}
		}
	}
	// Radial profile of f on a 5×5 torus: distances 0, 1, √2, 2, √5, √8.
	rs, means := RadialProfile(&g)
	wantR := []float64{0, 1, math.Sqrt2, 2, math.Sqrt(5), math.Sqrt(8)}
	if len(rs) != len(wantR) {
		t.Fatalf("radii %v, want %v", rs, wantR)
	}
	for k := range rs {
		if math.Abs(rs[k]-wantR[k]) > 1e-15 {
			t.Errorf("r[%d] = %v, want %v", k, rs[k], wantR[k])
		}
	}
	// Distance 1: displacements (0,1),(0,4),(1,0),(4,0): f = 1, 4, 10, 40.
	if means[1] != (1+4+10+40)/4.0 || means[0] != 0 {
		t.Errorf("profile %v", means)
	}
	mustPanicShape(t, "DisplacementAverage", func() { DisplacementAverage(&g, L, mat.NewDense(24, 24, nil)) })
}

// TestCouplingsNotElementwise guards against the reference notebooks'
// pitfall: W Wᵀ is a matrix product, which for W = [[1,2],[3,4]] is
// [[5,11],[11,25]], not W∘W = [[1,4],[9,16]].
func TestCouplingsNotElementwise(t *testing.T) {
	t.Parallel()
	m := &Model{W: mat.NewDense(2, 2, []float64{1, 2, 3, 4}), VBias: make([]float64, 2), HBias: make([]float64, 2)}
	var c mat.Dense
	Couplings(&c, m)
	if !mat.Equal(&c, mat.NewDense(2, 2, []float64{5, 11, 11, 25})) {
		t.Errorf("W Wᵀ = %v", mat.Formatted(&c))
	}
}
