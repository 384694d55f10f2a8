package thermo

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/rgflow/rgflow/internal/lattice"
)

// fieldStates enumerates the 2^9 configurations of the 3×3 lattice with
// their energies −Σ sᵢsⱼ − hΣsᵢ.
func fieldStates(h float64) (*mat.Dense, []float64) {
	const L, N = 3, 9
	x := mat.NewDense(1<<N, N, nil)
	e := make([]float64, 1<<N)
	for s := 0; s < 1<<N; s++ {
		row := x.RawRowView(s)
		for i := range row {
			row[i] = float64(s >> i & 1)
		}
		e[s] = lattice.Bonds(L, row) - h*lattice.Spin(row)
	}
	return x, e
}

// exactPosterior returns p(T_k | σ) for every state, with a uniform prior:
// P(σ | T) = e^{−E/T}/Z(T), and at T = 0 the ground state (unique at h ≠ 0).
func exactPosterior(e, grid []float64) *mat.Dense {
	ground := math.Inf(1)
	for _, v := range e {
		ground = min(ground, v)
	}
	p := mat.NewDense(len(e), len(grid), nil)
	lik := make([][]float64, len(grid))
	for k, T := range grid {
		lik[k] = make([]float64, len(e))
		var z float64
		for s, v := range e {
			if T == 0 {
				if v == ground {
					lik[k][s] = 1
				}
				continue
			}
			lik[k][s] = math.Exp(-(v - ground) / T)
			z += lik[k][s]
		}
		if T > 0 {
			for s := range e {
				lik[k][s] /= z
			}
		}
	}
	for s := range e {
		var sum float64
		for k := range grid {
			sum += lik[k][s]
		}
		for k := range grid {
			p.Set(s, k, lik[k][s]/sum)
		}
	}
	return p
}

// TestEnergyThermometersInField (issue 10, defect 10): fitted on data of a
// field h, the Bayes thermometer's posterior is the exact one of the field
// energy −Σ sᵢsⱼ − hΣsᵢ (3×3 lattice, exact samples), and the energy
// ensemble thermometer's table is the exact ⟨E⟩(T)/N in the field; the
// same data read as zero-field data (h = 0) give a wrong posterior, so the
// test can fail.
func TestEnergyThermometersInField(t *testing.T) {
	t.Parallel()
	const h = 0.3
	grid := []float64{0, 1, 2, 3.5}
	states, e := fieldStates(h)
	exact := exactPosterior(e, grid)
	// Exact samples: n per class by the inverse CDF of P(σ | T).
	const n = 4000
	r := rand.New(rand.NewPCG(1, 2))
	x := mat.NewDense(n*len(grid), 9, nil)
	labels := make([]int, n*len(grid))
	meanE := make([]float64, len(grid))
	for k, T := range grid {
		cdf := make([]float64, len(e))
		var z float64
		ground := math.Inf(1)
		for _, v := range e {
			ground = min(ground, v)
		}
		for s, v := range e {
			w := 0.0
			if T > 0 {
				w = math.Exp(-(v - ground) / T)
			} else if v == ground {
				w = 1
			}
			z += w
			cdf[s] = z
			meanE[k] += w * v
		}
		meanE[k] /= z
		for i := 0; i < n; i++ {
			u := r.Float64() * z
			s := 0
			for cdf[s] <= u {
				s++
			}
			x.SetRow(k*n+i, states.RawRowView(s))
			labels[k*n+i] = k
		}
	}
	b, err := FitEnergyBayes(h, x, labels, grid)
	if err != nil {
		t.Fatal(err)
	}
	if b.Field() != h {
		t.Errorf("Field() = %v", b.Field())
	}
	var p mat.Dense
	b.Probabilities(&p, states)
	// The posterior depends on the estimated density of states only
	// through ln Z(T_k) (g cancels between the classes), whose error from
	// n = 4000 samples per class is about 1/√n ≈ 0.016; a probability
	// moves by at most p(1 − p)·2δ ≈ 0.01. The tolerance is five times that.
	const tol = 0.05
	worst := 0.0
	for s := range e {
		for k := range grid {
			worst = max(worst, math.Abs(p.At(s, k)-exact.At(s, k)))
		}
	}
	if worst > tol {
		t.Errorf("the posterior in the field differs from the exact one by %.3f (tolerance %.2f)", worst, tol)
	}
	zero, err := FitEnergyBayes(0, x, labels, grid)
	if err != nil {
		t.Fatal(err)
	}
	zero.Probabilities(&p, states)
	wrong := 0.0
	for s := range e {
		for k := range grid {
			wrong = max(wrong, math.Abs(p.At(s, k)-exact.At(s, k)))
		}
	}
	if wrong < 4*tol {
		t.Errorf("read as zero-field data the posterior is off by only %.3f: the test cannot tell", wrong)
	}
	t.Logf("posterior error: %.4f in the field, %.3f read at h = 0", worst, wrong)

	ens, err := FitEnsemble(h, Energy, x, labels, grid)
	if err != nil {
		t.Fatal(err)
	}
	temps, mean, se, _ := ens.Table()
	for i, T := range temps {
		k := i
		for grid[k] != T {
			k++
		}
		want := meanE[k] / 9
		// 4 standard errors (se is zero at T = 0, where every sample is
		// the ground state: then exactly).
		if d := math.Abs(mean[i] - want); d > 4*se[i]+1e-12 {
			t.Errorf("T = %v: ⟨E⟩/N %v, exact in the field %v (se %v)", T, mean[i], want, se[i])
		}
	}
	if ens.Field() != h {
		t.Errorf("Ensemble Field() = %v", ens.Field())
	}
	if _, err := FitEnsemble(math.NaN(), Energy, x, labels, grid); err == nil {
		t.Error("FitEnsemble accepts h = NaN")
	}
	if _, err := FitEnergyBayes(math.Inf(1), x, labels, grid); err == nil {
		t.Error("FitEnergyBayes accepts h = +Inf")
	}
}

// TestSymmetricReadout (issue 11, item 6): with SetSymmetric a network reads
// a configuration and its global flip bit for bit alike (all up and all
// down included), its rows still sum to 1, the readout is the mean of the
// two plain readouts, and the setting survives Save and Load.
func TestSymmetricReadout(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	grid := []float64{1, 2, 3, 4}
	x, _ := blocks(len(grid), 300, rng) // 1200 rows: the float32 path runs in parallel chunks
	for _, prec := range []Precision{Float32, Float64} {
		net := NewNetwork(16, grid, Small, rand.NewPCG(3, 4))
		net.SetPrecision(prec)
		r, c := x.Dims()
		flipped := mat.NewDense(r+2, c, nil)
		orig := mat.NewDense(r+2, c, nil)
		for i := 0; i < r; i++ {
			for j, v := range x.RawRowView(i) {
				flipped.Set(i, j, 1-v)
				orig.Set(i, j, v)
			}
		}
		for j := 0; j < c; j++ { // all up and all down
			orig.Set(r, j, 1)
			flipped.Set(r+1, j, 1)
		}
		var plain, plainF, a, b mat.Dense
		net.Probabilities(&plain, orig)
		net.Probabilities(&plainF, flipped)
		if mat.Equal(&plain, &plainF) {
			t.Fatalf("%v: the plain readout is already symmetric: the test cannot fail", prec)
		}
		net.SetSymmetric(true)
		net.Probabilities(&a, orig)
		net.Probabilities(&b, flipped)
		for i := 0; i < r+2; i++ {
			ra, rb := a.RawRowView(i), b.RawRowView(i)
			var sum float64
			for k := range ra {
				if ra[k] != rb[k] {
					t.Fatalf("%v: row %d reads %v, its flip %v", prec, i, ra, rb)
				}
				if want := 0.5 * (plain.At(i, k) + plainF.At(i, k)); math.Abs(ra[k]-want) > 1e-15 {
					t.Fatalf("%v: row %d class %d: %v, want the mean of the plain readouts %v", prec, i, k, ra[k], want)
				}
				sum += ra[k]
			}
			if math.Abs(sum-1) > 1e-12 {
				t.Fatalf("%v: row %d sums to %v", prec, i, sum)
			}
		}
		p := t.TempDir() + "/net.npz"
		if err := net.Save(p); err != nil {
			t.Fatal(err)
		}
		got, err := Load(p)
		if err != nil || !got.Symmetric() {
			t.Errorf("%v: Load lost the symmetric readout: %v", prec, err)
		}
	}
}
