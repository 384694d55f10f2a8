package ising

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestMeasure: Measure records what a hand-written loop over the same
// sampler records, stops on its callback's error, and names bad fields.
func TestMeasure(t *testing.T) {
	t.Parallel()
	const L, T, h = 6, 2.5, 0.3
	set := MeasureSettings{BurnIn: 17, Every: 3, N: 250, H: h}
	visits := 0
	set.Visit = func(row []float64) { visits++ }
	s, err := Measure(NewCheckerboard(L, T, h, rand.NewPCG(1, 2)), set, nil)
	if err != nil {
		t.Fatal(err)
	}
	ref := NewCheckerboard(L, T, h, rand.NewPCG(1, 2))
	row := make([]float64, L*L)
	ref.Sweep(17)
	for i := range 250 {
		ref.Sweep(3)
		ref.Read(row)
		if s.E[i] != EnergyPerSpin(L, h, row) || s.M[i] != Magnetization(row) {
			t.Fatalf("measurement %d differs", i)
		}
	}
	if visits != 250 || s.L != L || s.AbsM()[0] != math.Abs(s.M[0]) {
		t.Errorf("visits %d, L %d", visits, s.L)
	}
	if sum := s.Summarize(T); sum.Samples != 250 {
		t.Errorf("Summarize: %+v", sum)
	}
	stop := errors.New("stop")
	calls := 0
	if got, err := Measure(NewCheckerboard(L, T, h, rand.NewPCG(1, 2)), MeasureSettings{N: 1000}, func(done, total int) error {
		calls++
		if done != 10*calls || total != 1000 {
			t.Errorf("progress(%d, %d) at call %d", done, total, calls)
		}
		return stop
	}); got != nil || err != stop || calls != 1 {
		t.Errorf("stopped Measure: %v, %v, %d calls", got, err, calls)
	}
	for _, bad := range []struct {
		set   MeasureSettings
		field string
	}{{MeasureSettings{BurnIn: -1}, "BurnIn"}, {MeasureSettings{Every: -1}, "Every"}, {MeasureSettings{N: -1}, "N"}, {MeasureSettings{H: math.NaN()}, "H"}} {
		if _, err := Measure(NewWolff(4, 1, rand.NewPCG(1, 1)), bad.set, nil); err == nil || !contains(err.Error(), bad.field) {
			t.Errorf("%+v: %v, want an error naming %s", bad.set, err, bad.field)
		}
	}
	if _, err := Measure(NewMeanField(10, 1, 0, rand.NewPCG(1, 1)), MeasureSettings{N: 1}, nil); err == nil {
		t.Error("10 sites accepted as a square lattice")
	}
}

// TestStream: the same name gives the same stream, different names and
// seeds different ones.
func TestStream(t *testing.T) {
	t.Parallel()
	a, b, c, d := Stream(1, "data"), Stream(1, "data"), Stream(1, "train"), Stream(2, "data")
	x := a.Uint64()
	if b.Uint64() != x || c.Uint64() == x || d.Uint64() == x {
		t.Error("streams not keyed by seed and name")
	}
}

// TestSubsetConcat: Split's parts join back into the original rows
// (grouped by temperature), disjoint grids merge, and mismatches are
// refused.
func TestSubsetConcat(t *testing.T) {
	t.Parallel()
	d, err := Generate(&DatasetSettings{L: 4, Grid: []float64{1, 2, 3}, PerTemp: 20}, rand.NewPCG(1, 2), nil)
	if err != nil {
		t.Fatal(err)
	}
	tr, te := d.Split(0.5, rand.NewPCG(3, 4))
	back, err := Concat(tr, te)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(back.Counts(), d.Counts()) || !slices.Equal(back.Grid, d.Grid) {
		t.Fatalf("counts %v, grid %v", back.Counts(), back.Grid)
	}
	// Same multiset of rows per temperature.
	key := func(x *Dataset) map[string]int {
		m := map[string]int{}
		for r, T := range x.Temps {
			m[string(rune(int(T)))+string(fmtRow(x.Configs.RawRowView(r)))]++
		}
		return m
	}
	if a, b := key(d), key(back); len(a) != len(b) {
		t.Fatal("rows differ")
	} else {
		for k, v := range a {
			if b[k] != v {
				t.Fatal("rows differ")
			}
		}
	}
	for r := 1; r < len(back.Labels); r++ {
		if back.Labels[r] < back.Labels[r-1] || back.Grid[back.Labels[r]] != back.Temps[r] {
			t.Fatal("rows not grouped by temperature in grid order")
		}
	}
	sub := d.Subset([]int{59, 0, 0})
	if !slices.Equal(sub.Temps, []float64{3, 1, 1}) || !mat.Equal(sub.Configs.Slice(1, 2, 0, 16), d.Configs.Slice(0, 1, 0, 16)) {
		t.Errorf("Subset: temps %v", sub.Temps)
	}
	hi, err := Generate(&DatasetSettings{L: 4, Grid: []float64{0.5, 4}, PerTemp: 5}, rand.NewPCG(5, 6), nil)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Concat(d, hi)
	if err != nil || !slices.Equal(m.Grid, []float64{0.5, 1, 2, 3, 4}) || !slices.Equal(m.Counts(), []int{5, 20, 20, 20, 5}) ||
		m.Info[0].T != 0.5 || m.Info[4].T != 4 || m.Info[1].T != 1 {
		t.Errorf("disjoint grids: %v, %v %v", err, m.Grid, m.Counts())
	}
	other, _ := Generate(&DatasetSettings{L: 4, Grid: []float64{2, 5}, PerTemp: 5}, rand.NewPCG(5, 6), nil)
	field, _ := Generate(&DatasetSettings{L: 4, Grid: []float64{7}, PerTemp: 5, H: 0.1}, rand.NewPCG(5, 6), nil)
	big, _ := Generate(&DatasetSettings{L: 5, Grid: []float64{7}, PerTemp: 5}, rand.NewPCG(5, 6), nil)
	for name, parts := range map[string][]*Dataset{"overlap": {d, other}, "field": {d, field}, "L": {d, big}, "none": nil} {
		if _, err := Concat(parts...); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestNilSource: every constructor given a nil rand.Source panics at once
// with the documented message (not later, in a Sweep).
func TestNilSource(t *testing.T) {
	t.Parallel()
	for name, f := range map[string]func(){
		"Metropolis":   func() { NewMetropolis(4, 1, 0, nil) },
		"Checkerboard": func() { NewCheckerboard(4, 1, 0, nil) },
		"HeatBath":     func() { NewHeatBath(4, 1, 0, nil) },
		"Wolff":        func() { NewWolff(4, 1, nil) },
		"SwendsenWang": func() { NewSwendsenWang(4, 1, nil) },
		"ZeroT":        func() { NewZeroT(4, 0, nil) },
		"InfiniteT":    func() { NewInfiniteT(4, nil) },
		"MeanField":    func() { NewMeanField(4, 1, 0, nil) },
		"CurieWeiss":   func() { NewCurieWeiss(4, 1, 0, nil) },
		"MultiSpin":    func() { NewMultiSpin(4, []float64{1}, 0, nil) },
		"Generate":     func() { Generate(&DatasetSettings{L: 4, Grid: []float64{1}, PerTemp: 1}, nil, nil) },
		"Split": func() {
			d, _ := Generate(&DatasetSettings{L: 4, Grid: []float64{1}, PerTemp: 2}, rand.NewPCG(1, 1), nil)
			d.Split(0.5, nil)
		},
	} {
		func() {
			defer func() {
				if r := recover(); r != errNilSource {
					t.Errorf("%s(nil source): recovered %v, want %q", name, r, errNilSource)
				}
			}()
			f()
		}()
	}
}
