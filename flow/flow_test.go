package flow

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// resample is an exactly solvable stepper: each site is, independently with
// probability Q, redrawn as 1 with probability P, and otherwise kept. The
// mean site value after n steps from v₀ is P + (v₀ − P)(1 − Q)ⁿ.
type resample struct {
	P, Q float64
	rng  *rand.Rand
}

func (s *resample) Step(dst, v *mat.Dense) {
	dst.Copy(v)
	raw := dst.RawMatrix().Data
	for i := range raw {
		if s.rng.Float64() < s.Q {
			raw[i] = 0
			if s.rng.Float64() < s.P {
				raw[i] = 1
			}
		}
	}
}

func TestRun(t *testing.T) {
	t.Parallel()
	v0 := AllUp(3, 4)
	keep := mat.DenseCopyOf(v0)
	var seen []int
	var means []float64
	st := &resample{P: 0, Q: 1, rng: rand.New(rand.NewPCG(1, 2))}
	err := Run(st, v0, 3, func(n int, v *mat.Dense) error {
		seen = append(seen, n)
		means = append(means, mat.Sum(v))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 4 || seen[0] != 0 || seen[3] != 3 {
		t.Fatalf("steps seen %v, want 0..3", seen)
	}
	// P = 0, Q = 1 sends every site to 0 in one step.
	if means[0] != 12 || means[1] != 0 || means[3] != 0 {
		t.Fatalf("sums along the flow %v, want [12 0 0 0]", means)
	}
	if !mat.Equal(v0, keep) {
		t.Fatal("Run modified v0")
	}
	stop := errors.New("stop")
	calls := 0
	err = Run(st, v0, 10, func(n int, v *mat.Dense) error {
		calls++
		if n == 2 {
			return stop
		}
		return nil
	})
	if err != stop || calls != 3 {
		t.Fatalf("callback error: got %v after %d calls, want stop after 3", err, calls)
	}
	if err := Run(st, v0, -1, func(int, *mat.Dense) error { return nil }); !errors.Is(err, ErrSettings) {
		t.Fatalf("negative steps: %v", err)
	}
}

func TestStartEnsembles(t *testing.T) {
	t.Parallel()
	const n, nv = 200, 100
	if s := mat.Sum(AllUp(n, nv)); s != n*nv {
		t.Fatalf("AllUp sum %v", s)
	}
	r := Random(n, nv, rand.NewPCG(3, 4))
	// n·nv fair bits: the sum has mean n·nv/2 and standard deviation
	// √(n·nv)/2 = 70.7; allow 5σ.
	if s := mat.Sum(r); math.Abs(s-n*nv/2) > 5*math.Sqrt(n*nv)/2 {
		t.Fatalf("Random sum %v, want %v ± %v", s, n*nv/2, 5*math.Sqrt(n*nv)/2)
	}
	if !mat.Equal(r, Random(n, nv, rand.NewPCG(3, 4))) {
		t.Fatal("Random is not reproducible from the seed")
	}
	h := HalfUp(n, 7, rand.NewPCG(5, 6))
	first := mat.Row(nil, 0, h)
	differs := false
	for i := 0; i < n; i++ {
		row := h.RawRowView(i)
		if s := sum(row); s != 3 {
			t.Fatalf("HalfUp row %d has %v up, want 3", i, s)
		}
		for j := range row {
			if row[j] != first[j] {
				differs = true
			}
		}
	}
	if !differs {
		t.Fatal("HalfUp rows are all the same")
	}
}

func sum(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s
}

// bins is a fake classifier: class k ⇔ |m| in [k/K, (k+1)/K).
type bins struct{ temps []float64 }

func (b bins) Temperatures() []float64 { return b.temps }

func (b bins) Probabilities(dst, x *mat.Dense) {
	n, nv := x.Dims()
	k := len(b.temps)
	if dst.IsEmpty() {
		dst.ReuseAs(n, k)
	}
	dst.Zero()
	for i := 0; i < n; i++ {
		m := math.Abs(2*sum(x.RawRowView(i))/float64(nv) - 1)
		c := min(int(m*float64(k)), k-1)
		dst.Set(i, c, 1)
	}
}

type fixedT struct{ t float64 }

func (f fixedT) EstimateEnsemble(*mat.Dense) (float64, float64) { return f.t, 0.1 }

func TestObserver(t *testing.T) {
	t.Parallel()
	// Four 4×4 configurations: two all up (|m| = 1, e = −2), two
	// checkerboards (m = 0, e = +2).
	v := mat.NewDense(4, 16, nil)
	for i := 0; i < 2; i++ {
		for j := 0; j < 16; j++ {
			v.Set(i, j, 1)
			v.Set(i+2, j, float64((j/4+j%4)%2))
		}
	}
	o := Observer{
		Classifier: bins{temps: []float64{3, 2, 1}},
		Energy:     LatticeEnergy(4, 0),
		Ensembles:  []NamedEnsemble{{"fixed", fixedT{1.5}}},
	}
	r := o.Measure(7, v)
	if r.Step != 7 || r.N != 4 {
		t.Fatalf("step %d n %d", r.Step, r.N)
	}
	near := func(name string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-12 {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	near("AbsM", r.AbsM, 0.5)
	// |m| ∈ {1, 1, 0, 0}: sample std √(1/3), standard error √(1/3)/2.
	near("AbsMErr", r.AbsMErr, math.Sqrt(1.0/3)/2)
	near("E", r.E, 0)
	near("EErr", r.EErr, 2*math.Sqrt(4.0/3)/2)
	near("Dist[0]", r.Dist[0], 0.5)
	near("Dist[1]", r.Dist[1], 0)
	near("Dist[2]", r.Dist[2], 0.5)
	near("Expect", r.Expect, 2)
	near("Argmax", r.Argmax, 2)
	near("ArgmaxStd", r.ArgmaxStd, math.Sqrt(4.0/3))
	if r.Peak != 3 { // ties go to the first class
		t.Errorf("Peak %v, want 3", r.Peak)
	}
	if len(r.Ensembles) != 1 || r.Ensembles[0] != (Reading{"fixed", 1.5, 0.1}) {
		t.Errorf("Ensembles %+v", r.Ensembles)
	}
}

// TestFixedPointOfSolvableFlow runs the resample stepper, whose flow of ⟨v⟩
// is known exactly, from both ends and checks that the fixed point found is
// the exact stationary point and that the flow was not declared converged
// while the exact bias still exceeded the noise.
func TestFixedPointOfSolvableFlow(t *testing.T) {
	t.Parallel()
	const (
		n, nv = 1000, 100
		p, q  = 0.8, 0.15
		steps = 60
	)
	starts := map[string]*mat.Dense{
		"T=0":   AllUp(n, nv),
		"T=inf": Random(n, nv, rand.NewPCG(7, 8)),
	}
	for name, v0 := range starts {
		st := &resample{P: p, Q: q, rng: rand.New(rand.NewPCG(9, 10))}
		var o Observer
		var rs []Readout
		if err := Run(st, v0, steps, func(k int, v *mat.Dense) error {
			rs = append(rs, o.Measure(k, v))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		fp, err := FindFixedPoint(rs, nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// Stationary: each site is 1 with probability p, so m = 2p − 1
		// per site on average; |m| = m as m is 12σ away from 0.
		want := 2*p - 1
		if math.Abs(fp.AbsM-want) > 4*fp.AbsMErr {
			t.Errorf("%s: |m|* = %v ± %v, want %v", name, fp.AbsM, fp.AbsMErr, want)
		}
		// At the step declared converged, the exact remaining bias of m,
		// 2|v₀ − p|(1 − q)^n₀, must be within the tolerance of the
		// comparison with the last step, Z·√2·σ = 5.7σ, plus the noise of
		// the two readouts compared (3σ each, added in quadrature: 4.2σ):
		// 10 single-step standard errors. Starting 150σ away, a detector
		// that fired early would fail.
		v0mean := mat.Sum(v0) / (n * nv)
		bias := 2 * math.Abs(v0mean-p) * math.Pow(1-q, float64(fp.Step))
		if se := rs[fp.Step].AbsMErr; bias > 10*se {
			t.Errorf("%s: declared converged at step %d with exact bias %v > 10·%v", name, fp.Step, bias, se)
		}
		if fp.Step < 5 {
			t.Errorf("%s: converged at step %d, before the exact bias had decayed", name, fp.Step)
		}
	}
}

func TestFixedPointRejectsDrift(t *testing.T) {
	t.Parallel()
	// A steady drift: each step moves |m| by 2σ, which passes every
	// step-to-step comparison (tolerance 4·√2σ = 5.7σ) but not the
	// comparison across a window of 5 steps (10σ).
	rs := make([]Readout, 40)
	for i := range rs {
		rs[i] = Readout{Step: i, AbsM: 0.5 + 0.02*float64(i), AbsMErr: 0.01, EErr: 0.01}
	}
	if _, err := FindFixedPoint(rs, nil); !errors.Is(err, ErrNotConverged) {
		t.Fatalf("drifting flow: got %v, want ErrNotConverged", err)
	}
	// Constant readouts converge at step 0.
	for i := range rs {
		rs[i].AbsM = 0.5
	}
	fp, err := FindFixedPoint(rs, nil)
	if err != nil || fp.Step != 0 || fp.Steps != 40 {
		t.Fatalf("constant flow: %+v, %v", fp, err)
	}
	// The fixed tolerance on distributions.
	d := []Readout{
		{Dist: []float64{1, 0}, DistErr: []float64{0, 0}},
		{Dist: []float64{0.5, 0.5}, DistErr: []float64{0, 0}},
		{Dist: []float64{0.45, 0.55}, DistErr: []float64{0, 0}},
		{Dist: []float64{0.5, 0.5}, DistErr: []float64{0, 0}},
	}
	for i := range d {
		d[i].Step, d[i].Temps = i, []float64{1, 2}
	}
	fp, err = FindFixedPoint(d, &FixedPointSettings{Window: 2, Tol: 0.06})
	if err != nil || fp.Step != 1 || math.Abs(fp.Dist[1]-1.55/3) > 1e-12 || fp.Peak != 2 {
		t.Fatalf("Tol: %+v, %v", fp, err)
	}
}

func TestRandomWeights(t *testing.T) {
	t.Parallel()
	const n, nv = 300, 64
	v := Random(n, nv, rand.NewPCG(1, 1))
	// Zero weights: σ(0) = 1/2, so v′ is a batch of fair bits whatever v
	// is; its sum has standard deviation √(n·nv)/2, allow 5σ.
	z := &RandomWeights{Nh: 16, Src: rand.NewPCG(2, 2)}
	var out mat.Dense
	z.Step(&out, AllUp(n, nv))
	if s := mat.Sum(&out); math.Abs(s-n*nv/2) > 5*math.Sqrt(n*nv)/2 {
		t.Fatalf("zero weights: sum %v, want %v", s, n*nv/2)
	}
	// Strongly positive weights drive every unit on.
	pos := &RandomWeights{Nh: 16, Mean: 5, Std: 0.1, Src: rand.NewPCG(3, 3)}
	pos.Step(&out, v)
	if s := mat.Sum(&out); s != n*nv {
		t.Fatalf("positive weights: sum %v, want %v", s, n*nv)
	}
	// Reproducible from the seed.
	a := &RandomWeights{Nh: 16, Mean: -0.001, Std: 0.0015, Src: rand.NewPCG(4, 4)}
	b := &RandomWeights{Nh: 16, Mean: -0.001, Std: 0.0015, Src: rand.NewPCG(4, 4)}
	var x, y mat.Dense
	a.Step(&x, v)
	b.Step(&y, v)
	if !mat.Equal(&x, &y) {
		t.Fatal("RandomWeights not reproducible")
	}
	// Changing the hidden size between calls is allowed.
	a.Nh = 24
	a.Step(&x, v)
	if r, c := x.Dims(); r != n || c != nv {
		t.Fatalf("after changing Nh: dst %d×%d", r, c)
	}
	panics := func(name string, want any, f func()) {
		t.Helper()
		defer func() {
			if got := recover(); got != want {
				t.Errorf("%s: panic %v, want %v", name, got, want)
			}
		}()
		f()
	}
	panics("shape mismatch", mat.ErrShape, func() { a.Step(mat.NewDense(n, nv+1, nil), v) })
	panics("Nh = 0", "flow: RandomWeights.Nh = 0 (want ≥ 1)", func() { (&RandomWeights{Src: rand.NewPCG(1, 1)}).Step(&x, v) })
}

func BenchmarkMeasure(b *testing.B) {
	const n, nv = 1000, 100
	v := Random(n, nv, rand.NewPCG(1, 2))
	temps := make([]float64, 25)
	for i := range temps {
		temps[i] = 0.25 * float64(i)
	}
	o := Observer{Classifier: bins{temps}, Energy: LatticeEnergy(10, 0)}
	b.ReportAllocs()
	for b.Loop() {
		o.Measure(0, v)
	}
	b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "configs/s")
}

func BenchmarkRandomWeightsStep(b *testing.B) {
	for _, nv := range []int{100, 1296} {
		b.Run(map[int]string{100: "L=10", 1296: "L=36"}[nv], func(b *testing.B) {
			const n = 1000
			v := Random(n, nv, rand.NewPCG(1, 2))
			r := &RandomWeights{Nh: nv, Mean: -0.001, Std: 0.0015, Src: rand.NewPCG(3, 4)}
			dst := mat.NewDense(n, nv, nil)
			b.ReportAllocs()
			for b.Loop() {
				r.Step(dst, v)
			}
			b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "configs/s")
		})
	}
}

func TestReadingJSON(t *testing.T) {
	t.Parallel()
	for _, r := range []Reading{{"a", 2.5, 0.1}, {"b", math.Inf(1), math.Inf(1)}, {"c", 1, math.NaN()}} {
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("%+v: %v", r, err)
		}
		var got Reading
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatal(err)
		}
		same := func(x, y float64) bool {
			return x == y || (math.IsNaN(y) && (math.IsNaN(x) || math.IsInf(x, 0)))
		}
		if got.Name != r.Name || !same(r.T, got.T) || !same(r.Err, got.Err) {
			t.Errorf("%s round trip: %+v -> %s -> %+v", r.Name, r, b, got)
		}
	}
}

// TestFixedPointBadSettings: every FixedPointSettings field out of range is
// an error wrapping ErrSettings that names the field (the settings policy
// in the top-level doc.go); the zero value is the defaults.
func TestFixedPointBadSettings(t *testing.T) {
	rs := make([]Readout, 3)
	for i := range rs {
		rs[i].Step = i
	}
	for _, c := range []struct {
		field string
		s     FixedPointSettings
	}{
		{"Window", FixedPointSettings{Window: -1}},
		{"Z", FixedPointSettings{Z: -1}}, {"Z", FixedPointSettings{Z: math.NaN()}}, {"Z", FixedPointSettings{Z: math.Inf(1)}},
		{"MinFraction", FixedPointSettings{MinFraction: -0.1}}, {"MinFraction", FixedPointSettings{MinFraction: 1.5}},
		{"MinFraction", FixedPointSettings{MinFraction: math.NaN()}},
		{"Tol", FixedPointSettings{Tol: -1}}, {"Tol", FixedPointSettings{Tol: math.NaN()}},
	} {
		_, err := FindFixedPoint(rs, &c.s)
		if !errors.Is(err, ErrSettings) || !strings.Contains(err.Error(), c.field+" = ") {
			t.Errorf("%+v: %v, want an ErrSettings naming %s", c.s, err, c.field)
		}
	}
	if _, err := FindFixedPoint(rs, &FixedPointSettings{}); errors.Is(err, ErrSettings) {
		t.Errorf("zero settings: %v", err)
	}
}

// TestFixedPointUnequalReadouts: readouts with different numbers of
// classes are an error, not an index panic (issue 10, defect 11).
func TestFixedPointUnequalReadouts(t *testing.T) {
	rs := make([]Readout, 8)
	for i := range rs {
		rs[i] = Readout{Step: i, Temps: []float64{1, 2}, Dist: []float64{0.5, 0.5}, DistErr: []float64{0.1, 0.1}, N: 100}
	}
	rs[5].Dist, rs[5].DistErr, rs[5].Temps = []float64{1}, []float64{0.1}, []float64{1}
	if _, err := FindFixedPoint(rs, nil); err == nil || !strings.Contains(err.Error(), "readout 5") {
		t.Errorf("unequal readouts: %v, want an error naming readout 5", err)
	}
}
