package ising

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestEnergiesInField checks every ising energy function at h ≠ 0 against
// a brute-force evaluation over all 2⁹ states of the 3×3 lattice and all
// 2¹⁶ of the 4×4 (E = −Σ_bonds sᵢsⱼ − h Σ sᵢ, each of the 2N bonds once,
// written here independently of the package), and Enumerate's ensemble
// averages at h ≠ 0 against the Boltzmann-weighted brute force. The
// energies are sums of small integers and h·integers, so they agree to
// rounding (1e-12); the averages to 1e-10 relative.
func TestEnergiesInField(t *testing.T) {
	t.Parallel()
	for _, L := range []int{3, 4} {
		N := L * L
		for _, h := range []float64{0.1, -0.7, 1.3} {
			states := 1 << N
			configs := mat.NewDense(states, N, nil)
			brute := make([]float64, states)
			mags := make([]float64, states)
			lat := NewLattice(L, h)
			for k := range states {
				row := configs.RawRowView(k)
				spin := func(i, j int) float64 { return float64(2*(k>>(((i+L)%L)*L+(j+L)%L)&1) - 1) }
				var E, M float64
				for i := range L {
					for j := range L {
						row[i*L+j] = float64(k >> (i*L + j) & 1)
						E -= spin(i, j) * (spin(i, j+1) + spin(i+1, j))
						M += spin(i, j)
					}
				}
				E -= h * M
				brute[k], mags[k] = E, M
				if got := EnergyPerSpin(L, h, row) * float64(N); math.Abs(got-E) > 1e-12 {
					t.Fatalf("L=%d h=%v state %d: EnergyPerSpin·N = %v, want %v", L, h, k, got, E)
				}
				if err := lat.SetRow(row); err != nil {
					t.Fatal(err)
				}
				if got := lat.Energy(); math.Abs(got-E) > 1e-12 {
					t.Fatalf("L=%d h=%v state %d: Lattice.Energy = %v, want %v", L, h, k, got, E)
				}
			}
			for k, e := range Energies(nil, L, h, configs) {
				if math.Abs(e*float64(N)-brute[k]) > 1e-12 {
					t.Fatalf("L=%d h=%v state %d: Energies = %v, want %v", L, h, k, e*float64(N), brute[k])
				}
			}
			for _, T := range []float64{0.8, 2.5, 7} {
				ex := Enumerate(L, T, h)
				var Z, sE, sE2, sM float64
				e0 := slicesMin(brute)
				for k, E := range brute {
					w := math.Exp(-(E - e0) / T)
					Z += w
					sE += w * E
					sE2 += w * E * E
					sM += w * mags[k]
				}
				fN := float64(N)
				wantE, wantM := sE/Z/fN, sM/Z/fN
				wantC := (sE2/Z - (sE/Z)*(sE/Z)) / (T * T) / fN
				wantLnZ := (math.Log(Z) - e0/T) / fN
				for _, c := range []struct {
					name      string
					got, want float64
				}{{"E", ex.E, wantE}, {"M", ex.M, wantM}, {"C", ex.C, wantC}, {"LnZ", ex.LnZ, wantLnZ}} {
					if math.Abs(c.got-c.want) > 1e-10*math.Max(1, math.Abs(c.want)) {
						t.Errorf("L=%d h=%v T=%v: Enumerate %s = %v, brute force %v", L, h, T, c.name, c.got, c.want)
					}
				}
				for k := range brute {
					if math.Abs(ex.Energy[ex.StateIndex(configs.RawRowView(k))]-brute[k]) > 1e-12 {
						t.Fatalf("L=%d h=%v: Enumerate.Energy of state %d = %v, want %v", L, h, k, ex.Energy[ex.StateIndex(configs.RawRowView(k))], brute[k])
					}
				}
			}
		}
	}
}

func slicesMin(x []float64) float64 {
	m := x[0]
	for _, v := range x {
		m = math.Min(m, v)
	}
	return m
}
