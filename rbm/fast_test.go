package rbm

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/rgflow/rgflow/internal/simd"
)

// TestFastGradientArithmetic checks the float32 engine's gradient against
// a float64 computation from the same samples: given the v₀ and v_k the
// engine drew, G = v₀ᵀσ(c + v₀W)/n − v_kᵀσ(c + v_kW)/n and the bias
// gradients follow without randomness. The float32 path rounds W, the
// sigmoid (absolute error ≤ 2e-7) and sums of at most n = 150 terms in
// [0, 1] (relative 150·2⁻²⁴ ≈ 9e-6 at worst), so entries must agree to 2e-5.
func TestFastGradientArithmetic(t *testing.T) {
	for _, c := range []struct{ nv, nh, rows int }{{6, 4, 150}, {100, 64, 100}, {37, 101, 70}, {130, 9, 65}} {
		m := randomModel(c.nv, c.nh, 0.7, 9)
		data := gibbsInput(c.rows, c.nv)
		dm, err := binaryMasks(data, "data")
		if err != nil {
			t.Fatal(err)
		}
		ft := newFast(m, dm, 1, nil)
		g := Gradient{W: mat.NewDense(c.nv, c.nh, nil), VBias: make([]float64, c.nv), HBias: make([]float64, c.nh)}
		idx := make([]int, c.rows)
		for i := range idx {
			idx[i] = i
		}
		src := rand.NewPCG(4, 4)
		ft.batch(idx, &g, src.Uint64, nil, nil)
		vk := mat.NewDense(c.rows, c.nv, nil)
		for i := 0; i < c.rows; i++ {
			toRow(vk.RawRowView(i), ft.vk.row(i))
		}
		var h0, hk mat.Dense
		m.HiddenProbs(&h0, data)
		m.HiddenProbs(&hk, vk)
		n := float64(c.rows)
		var want mat.Dense
		want.Mul(data.T(), &h0)
		var neg mat.Dense
		neg.Mul(vk.T(), &hk)
		want.Sub(&want, &neg)
		want.Scale(1/n, &want)
		worst := 0.0
		for i := 0; i < c.nv; i++ {
			for j := 0; j < c.nh; j++ {
				worst = max(worst, math.Abs(g.W.At(i, j)-want.At(i, j)))
			}
			var dv float64
			for r := 0; r < c.rows; r++ {
				dv += data.At(r, i) - vk.At(r, i)
			}
			if d := math.Abs(g.VBias[i] - dv/n); d > 1e-12 {
				t.Errorf("%v: vbias gradient %d off by %g", c, i, d)
			}
		}
		for j := 0; j < c.nh; j++ {
			var dh float64
			for r := 0; r < c.rows; r++ {
				dh += h0.At(r, j) - hk.At(r, j)
			}
			worst = max(worst, math.Abs(g.HBias[j]-dh/n))
		}
		if worst > 2e-5 {
			t.Errorf("%v: float32 gradient differs from float64 by %g", c, worst)
		}
		if denseBits(vk, data) {
			t.Errorf("%v: the chain did not move", c)
		}
	}
}

// TestFastTrainGOMAXPROCS checks that float32 training gives the same bits
// for GOMAXPROCS 1 and 2, for CD and PCD.
func TestFastTrainGOMAXPROCS(t *testing.T) {
	data := gibbsInput(500, 40)
	for _, tr := range []Trainer{CD{K: 2}, PCD{Chains: 130}} {
		run := func(procs int) *Model {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			m := randomModel(40, 70, 0.1, 3)
			if err := Train(m, data, &Settings{Epochs: 2, BatchSize: 100, Momentum: 0.5, LearningRate: 0.05, Src: rand.NewPCG(1, 1)}, tr); err != nil {
				t.Fatal(err)
			}
			return m
		}
		a, b := run(1), run(2)
		if !denseBits(a.W, b.W) || !sameBits(a.VBias, b.VBias) || !sameBits(a.HBias, b.HBias) {
			t.Errorf("%T: float32 training differs between GOMAXPROCS 1 and 2", tr)
		}
	}
}

// TestFastNonBinaryFallsBack checks that a Gibbs step from input that is
// not 0/1 runs on the float64 path instead of misreading it.
func TestFastNonBinaryFallsBack(t *testing.T) {
	m := randomModel(10, 5, 0.5, 2)
	v := gibbsInput(20, 10)
	v.Set(3, 4, 0.5)
	var a, b mat.Dense
	NewGibbs(m, nil, rand.NewPCG(1, 1)).Step(&a, v)
	NewGibbs(m, &GibbsSettings{Precision: Float64}, rand.NewPCG(1, 1)).Step(&b, v)
	if !denseBits(&a, &b) {
		t.Error("non-binary input did not take the float64 path")
	}
}

// TestFastTrainNoAllocsPerBatch checks that the float32 trainer allocates
// only while setting up: 11 epochs (110 batches) allocate no more than one
// epoch, up to a few allocations of the runtime's own (fmt's sync.Pool is
// emptied by a garbage collection, so Train's one Sprintf may allocate
// again); one allocation per batch would add 100.
func TestFastTrainNoAllocsPerBatch(t *testing.T) {
	data := gibbsInput(1000, 100)
	for _, tr := range []Trainer{CD{K: 1}, PCD{Chains: 100}} {
		allocs := func(epochs int) float64 {
			m := New(100, 64, nil, rand.NewPCG(1, 1))
			set := &Settings{Epochs: epochs, Momentum: 0.5, Src: rand.NewPCG(2, 2)}
			return testing.AllocsPerRun(3, func() {
				if err := Train(m, data, set, tr); err != nil {
					t.Fatal(err)
				}
			})
		}
		if a1, a11 := allocs(1), allocs(11); a11 > a1+5 {
			t.Errorf("%T: %v allocations for 1 epoch, %v for 11: the batches allocate", tr, a1, a11)
		}
	}
}

func TestUnitRange(t *testing.T) {
	for n := 1; n < 300; n++ {
		next := 0
		for b := 0; b < blocks(n); b++ {
			lo, hi := unitRange(b, n)
			if lo != next || hi < lo || (lo%16 != 0 && lo != n) {
				t.Fatalf("n=%d block %d: [%d, %d) after %d", n, b, lo, hi, next)
			}
			next = hi
		}
		if next != n {
			t.Fatalf("n=%d: blocks end at %d", n, next)
		}
	}
}

// TestComplementProducts: the products of rows with more bits set than
// clear go through the complement (2c + Σ W − (c + (1 − v)·W)); they must
// equal the plain sums c + v·W to float32 rounding, for v → h and h → v,
// at densities from empty to full, with the unit counts not multiples of
// 64 (the complement's tail bits stay clear).
func TestComplementProducts(t *testing.T) {
	for _, c := range []struct{ nv, nh int }{{100, 64}, {37, 101}, {130, 9}, {4, 3}} {
		m := randomModel(c.nv, c.nh, 0.7, 3)
		var f weights32
		f.load(m)
		f.bases()
		r := rand.New(rand.NewPCG(5, 5))
		for _, d := range []float64{0, 0.2, 0.5, 0.51, 0.8, 1} {
			const rows = 9
			for _, dir := range []struct {
				name       string
				nbits, n   int
				a          []float32
				lda        int
				init, base []float32
				prod       func(dst []float32, m []uint64, mw, rows int, tmp []uint64)
			}{
				{"v→h", c.nv, f.ph, f.w, f.ph, f.c, f.sv, f.vh},
				{"h→v", c.nh, f.pv, f.wt, f.ldt, f.b, f.sh, f.hv},
			} {
				var ms masks
				ms.size(rows, dir.nbits)
				for i := 0; i < rows; i++ {
					for k := 0; k < dir.nbits; k++ {
						if r.Float64() < d {
							ms.row(i)[k>>6] |= 1 << (k & 63)
						}
					}
				}
				got := make([]float32, rows*dir.n)
				want := make([]float32, rows*dir.n)
				tmp := make([]uint64, rows*ms.words)
				dir.prod(got, ms.bits, ms.words, rows, tmp)
				simd.MaskSumRows(want, dir.n, dir.init, dir.a, dir.lda, ms.bits, ms.words, rows, dir.n)
				// Both are float32 sums of at most nbits + 2 terms of
				// size ≤ the base's: allow 1e-5 of the row's scale.
				scale := 1.0
				for _, x := range dir.base {
					scale = max(scale, math.Abs(float64(x)))
				}
				for i := range got {
					if e := math.Abs(float64(got[i] - want[i])); e > 1e-5*scale*float64(dir.nbits) {
						t.Fatalf("%v %s density %v: cell %d = %v, plain sum %v", c, dir.name, d, i, got[i], want[i])
					}
				}
			}
		}
	}
}
