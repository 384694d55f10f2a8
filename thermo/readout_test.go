package thermo

import (
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/rgflow/rgflow/internal/fileio"
)

// fixed is a Thermometer that returns given probabilities, row by row.
type fixed struct {
	grid []float64
	p    *mat.Dense
}

func (f fixed) Temperatures() []float64 { return f.grid }
func (f fixed) Probabilities(dst, x *mat.Dense) {
	r, _ := x.Dims()
	sizeDst(dst, r, len(f.grid))
	dst.Copy(f.p)
}

func TestReadoutsAndCalibration(t *testing.T) {
	t.Parallel()
	grid := []float64{0, 1, 2}
	p := mat.NewDense(4, 3, []float64{
		0.7, 0.2, 0.1, // true 0 → argmax 0, E = 0.4
		0.1, 0.3, 0.6, // true 0 → argmax 2, E = 1.5
		0.2, 0.5, 0.3, // true 1 → argmax 1, E = 1.1
		0.5, 0.0, 0.5, // true 2 → argmax 0 (first of ties), E = 1.0
	})
	labels := []int{0, 0, 1, 2}
	if got := Argmax(nil, p, grid); !slices.Equal(got, []float64{0, 2, 1, 0}) {
		t.Errorf("Argmax = %v", got)
	}
	ex := Expectation(make([]float64, 4), p, grid)
	for i, w := range []float64{0.4, 1.5, 1.1, 1.0} {
		if math.Abs(ex[i]-w) > 1e-15 || len(ex) != 4 {
			t.Errorf("Expectation = %v", ex)
		}
	}
	mean, se := MeanSoftmax(p)
	// Column 0: 0.7, 0.1, 0.2, 0.5: mean 0.375, sample variance
	// (0.325² + 0.275² + 0.175² + 0.125²)/3 = 0.2275/3, se = √(var/4).
	if math.Abs(mean[0]-0.375) > 1e-15 || math.Abs(se[0]-math.Sqrt(0.2275/3/4)) > 1e-15 {
		t.Errorf("MeanSoftmax col 0 = %v ± %v", mean[0], se[0])
	}
	c, err := Calibrate(fixed{grid, p}, mat.NewDense(4, 1, nil), labels)
	if err != nil {
		t.Fatal(err)
	}
	if c.Exact != 0.5 || c.WithinOne != 0.5 || math.Abs(c.MAE-(0+2+0+2)/4.0) > 1e-15 ||
		math.Abs(c.MAEExpectation-(0.4+1.5+0.1+1.0)/4) > 1e-15 {
		t.Errorf("exact %v within %v MAE %v MAE(E) %v", c.Exact, c.WithinOne, c.MAE, c.MAEExpectation)
	}
	wantConf := [][]int{{1, 0, 1}, {0, 1, 0}, {1, 0, 0}}
	for i := range wantConf {
		if !slices.Equal(c.Confusion[i], wantConf[i]) {
			t.Errorf("confusion = %v", c.Confusion)
		}
	}
	c0 := c.Classes[0]
	// Class 0 argmax readouts 0 and 2: mean 1, sample sd √2.
	if c0.N != 2 || c0.Argmax != 1 || math.Abs(c0.ArgmaxStd-math.Sqrt2) > 1e-15 ||
		math.Abs(c0.Expectation-0.95) > 1e-15 || math.Abs(c0.MeanSoftmax[2]-0.35) > 1e-15 {
		t.Errorf("class 0: %+v", c0)
	}
	if sm := c.SoftmaxMatrix(); sm.At(1, 1) != 0.5 || sm.At(2, 2) != 0.5 {
		t.Errorf("softmax matrix %v", mat.Formatted(sm))
	}
	if _, err := Calibrate(fixed{grid, p}, mat.NewDense(4, 1, nil), []int{0, 0, 1, 3}); err == nil {
		t.Error("label out of range accepted")
	}
	mustPanic(t, "argmax shape", func() { Argmax(nil, p, grid[:2]) })
	// Windows of one class either side: row 1 sums to (0.4, 1, 0.9), so
	// class 1; row 3 (0.5, 1, 0.5) → 1; row 0 (0.9, 1, 0.3) → 1.
	w := ArgmaxWindow(nil, p, 1)
	if !slices.Equal(w, []int{1, 1, 1, 1}) {
		t.Errorf("ArgmaxWindow = %v", w)
	}
	if got := WithinAccuracy(w, labels, 1); got != 1 {
		t.Errorf("WithinAccuracy = %v", got)
	}
	if got := WithinAccuracy(ArgmaxWindow(nil, p, 0), labels, 0); got != c.Exact {
		t.Errorf("window 0 accuracy %v, exact %v", got, c.Exact)
	}
}

func TestSaveLoad(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	net := NewNetwork(16, []float64{0.5, 1, 2.5}, Architecture{Hidden: []int{7, 5}, Activation: ReLU}, rand.NewPCG(1, 2))
	for i := range net.params {
		net.params[i] += 1e-3 * float64(i) // biases too
	}
	path := filepath.Join(dir, "net.npz")
	if err := net.Save(path); err != nil {
		t.Fatal(err)
	}
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.params, net.params) || !slices.Equal(got.sizes, net.sizes) ||
		got.act != net.act || !slices.Equal(got.Temperatures(), net.Temperatures()) {
		t.Fatal("round trip changed the network")
	}
	x, _ := blocks(3, 5, rand.New(rand.NewPCG(3, 3)))
	var p1, p2 mat.Dense
	net.Probabilities(&p1, x)
	got.Probabilities(&p2, x)
	if !mat.Equal(&p1, &p2) {
		t.Error("loaded network predicts differently")
	}

	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	flipped := slices.Clone(raw)
	flipped[len(raw)/2] ^= 0x40
	for name, p := range map[string]string{
		"truncated": write("trunc.npz", raw[:len(raw)*2/3]),
		"flipped":   write("flip.npz", flipped),
		"empty":     write("empty.npz", nil),
		"missing":   filepath.Join(dir, "none.npz"),
	} {
		if _, err := Load(p); err == nil {
			t.Errorf("%s file accepted", name)
		}
	}
	// A valid archive with inconsistent content.
	other := NewNetwork(16, []float64{0.5, 1, 2.5}, Architecture{Hidden: []int{7}}, rand.NewPCG(1, 2))
	if err := other.Save(filepath.Join(dir, "other.npz")); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(filepath.Join(dir, "other.npz")); err != nil {
		t.Fatal(err)
	}
	bad := NewNetwork(16, []float64{0.5, 1, 2.5}, Architecture{Hidden: []int{7}}, rand.NewPCG(1, 2))
	bad.params[0] = math.NaN()
	// Save refuses it (issue 10, item 11) and writes nothing; another
	// writer could still write it.
	if err := bad.Save(filepath.Join(dir, "nan.npz")); !errors.Is(err, ErrFormat) {
		t.Errorf("Save of NaN weights: %v, want ErrFormat", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "nan.npz")); err == nil {
		t.Error("refused Save wrote a file")
	}
	bw0, bb0 := bad.Weights(0)
	bw1, bb1 := bad.Weights(1)
	if err := fileio.WriteNPZ(filepath.Join(dir, "nan.npz"),
		networkMeta{Format: Format, Version: FormatVersion, Sizes: bad.sizes, Activation: "tanh"},
		fileio.Entry{Name: "grid", Value: bad.grid}, fileio.Entry{Name: "W0", Value: bw0}, fileio.Entry{Name: "b0", Value: bb0},
		fileio.Entry{Name: "W1", Value: bw1}, fileio.Entry{Name: "b1", Value: bb1}); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(filepath.Join(dir, "nan.npz")); !errors.Is(err, ErrFormat) {
		t.Errorf("NaN weights: err = %v", err)
	}
	// Metadata that does not match W0.
	w0, b0 := other.Weights(0)
	w1, b1 := other.Weights(1)
	if err := fileio.WriteNPZ(filepath.Join(dir, "shape.npz"),
		networkMeta{Format: Format, Version: FormatVersion, Sizes: []int{16, 8, 3}, Activation: "tanh"},
		fileio.Entry{Name: "grid", Value: other.grid}, fileio.Entry{Name: "W0", Value: w0}, fileio.Entry{Name: "b0", Value: b0},
		fileio.Entry{Name: "W1", Value: w1}, fileio.Entry{Name: "b1", Value: b1}); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(filepath.Join(dir, "shape.npz")); !errors.Is(err, ErrFormat) {
		t.Errorf("inconsistent shapes: err = %v", err)
	}
	// A future version.
	if err := fileio.WriteNPZ(filepath.Join(dir, "v2.npz"),
		networkMeta{Format: Format, Version: FormatVersion + 1, Sizes: []int{16, 7, 3}, Activation: "tanh"},
		fileio.Entry{Name: "grid", Value: other.grid}, fileio.Entry{Name: "W0", Value: w0}, fileio.Entry{Name: "b0", Value: b0},
		fileio.Entry{Name: "W1", Value: w1}, fileio.Entry{Name: "b1", Value: b1}); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(filepath.Join(dir, "v2.npz")); !errors.Is(err, ErrFormat) {
		t.Errorf("version %d: err = %v", FormatVersion+1, err)
	}
}

// TestDstRules checks the dst rule of the slice-returning readouts: a nil or
// empty dst is allocated, a dst of the right length is used in place, and a
// dst of any other length panics with mat.ErrShape.
func TestDstRules(t *testing.T) {
	t.Parallel()
	grid := []float64{1, 2, 3}
	p := mat.NewDense(4, 3, []float64{
		0.7, 0.2, 0.1,
		0.1, 0.3, 0.6,
		0.2, 0.5, 0.3,
		0.5, 0.0, 0.5,
	})
	x := mat.NewDense(4, 4, []float64{
		0, 0, 0, 0,
		1, 1, 1, 1,
		0, 1, 1, 0,
		1, 0, 0, 0,
	})
	const n = 4
	floatFns := []struct {
		name string
		f    func(dst []float64) []float64
	}{
		{"Argmax", func(dst []float64) []float64 { return Argmax(dst, p, grid) }},
		{"Expectation", func(dst []float64) []float64 { return Expectation(dst, p, grid) }},
		{"Energy.Measure", func(dst []float64) []float64 { return Energy.Measure(dst, x) }},
		{"AbsMagnetization.Measure", func(dst []float64) []float64 { return AbsMagnetization.Measure(dst, x) }},
	}
	for _, tc := range floatFns {
		checkDst(t, tc.name, n, tc.f)
	}
	intFns := []struct {
		name string
		f    func(dst []int) []int
	}{
		{"ArgmaxClass", func(dst []int) []int { return ArgmaxClass(dst, p) }},
		{"ArgmaxWindow", func(dst []int) []int { return ArgmaxWindow(dst, p, 1) }},
	}
	for _, tc := range intFns {
		checkDst(t, tc.name, n, tc.f)
	}
}

func checkDst[T any](t *testing.T, name string, n int, f func([]T) []T) {
	t.Helper()
	want := f(nil)
	if len(want) != n {
		t.Errorf("%s(nil) has length %d, want %d", name, len(want), n)
	}
	if got := f(make([]T, 0, 2*n)); len(got) != n {
		t.Errorf("%s(empty) has length %d, want %d", name, len(got), n)
	}
	dst := make([]T, n)
	if got := f(dst); &got[0] != &dst[0] {
		t.Errorf("%s: a dst of the right length was not used in place", name)
	}
	for _, l := range []int{1, n - 1, n + 1, 2 * n} {
		func() {
			defer func() {
				if r := recover(); r != mat.ErrShape {
					t.Errorf("%s(dst of length %d) panicked with %v, want mat.ErrShape", name, l, r)
				}
			}()
			f(make([]T, l))
		}()
	}
}
