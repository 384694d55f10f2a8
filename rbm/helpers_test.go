package rbm

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// randomModel returns an nv×nh model with N(0, sigma²) weights and biases.
func randomModel(nv, nh int, sigma float64, seed uint64) *Model {
	m := New(nv, nh, &InitSettings{Sigma: sigma}, rand.NewPCG(seed, 1))
	r := rand.New(rand.NewPCG(seed, 2))
	for i := range m.VBias {
		m.VBias[i] = sigma * r.NormFloat64()
	}
	for j := range m.HBias {
		m.HBias[j] = sigma * r.NormFloat64()
	}
	return m
}

// allStates returns the 2^n binary states as rows, bit l of row s in column l.
func allStates(n int) *mat.Dense {
	d := mat.NewDense(1<<n, n, nil)
	for s := 0; s < 1<<n; s++ {
		for l := 0; l < n; l++ {
			d.Set(s, l, float64(s>>l&1))
		}
	}
	return d
}

// bruteLogZ returns log Σ_{v,h} e^{−E(v,h)} by enumerating both layers.
func bruteLogZ(m *Model) float64 {
	nv, nh := m.Dims()
	V, H := allStates(nv), allStates(nh)
	lse := newLogSumExp()
	vs := mat.NewDense(1<<nh, nv, nil)
	e := make([]float64, 1<<nh)
	for s := 0; s < 1<<nv; s++ {
		for t := 0; t < 1<<nh; t++ {
			vs.SetRow(t, V.RawRowView(s))
		}
		m.Energy(e, vs, H)
		for _, x := range e {
			lse.add(-x)
		}
	}
	return lse.value()
}

// modelDist returns the exact p(v) over all 2^Nv visible states (row order
// of allStates).
func modelDist(t *testing.T, m *Model) []float64 {
	t.Helper()
	nv, _ := m.Dims()
	z, err := LogZ(m)
	if err != nil {
		t.Fatal(err)
	}
	f := m.FreeEnergy(nil, allStates(nv))
	for i, x := range f {
		f[i] = math.Exp(-x - z)
	}
	return f
}

// stateIndex returns the allStates row index of the binary row v.
func stateIndex(v []float64) int {
	s := 0
	for l, x := range v {
		if x == 1 {
			s |= 1 << l
		}
	}
	return s
}

func sameBits(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

func denseBits(a, b *mat.Dense) bool {
	ar, ac := a.Dims()
	br, bc := b.Dims()
	if ar != br || ac != bc {
		return false
	}
	for i := 0; i < ar; i++ {
		if !sameBits(a.RawRowView(i), b.RawRowView(i)) {
			return false
		}
	}
	return true
}

func mustPanicShape(t *testing.T, name string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		if r := recover(); r != mat.ErrShape {
			t.Errorf("%s: recovered %v, want mat.ErrShape", name, r)
		}
	}()
	f()
}
