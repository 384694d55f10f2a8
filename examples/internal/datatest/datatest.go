// Package datatest checks that an example refuses, with an error and before
// writing anything, the datasets examples/dataset can write but the
// example cannot use: the table-driven bad-datasets test every example that
// reads a dataset runs.
package datatest

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/rgflow/rgflow/ising"
)

// Case is one dataset, saved in a directory of the test.
type Case struct {
	Name string
	Dir  string
}

// The cases' names, for the examples that accept some of them.
const (
	Good      = "good (L = 4, 5 per temperature, T = 0, 1.5, 2, 3, 4)"
	OneTemp   = "one temperature"
	InfPair   = "grid 0, +Inf"
	InfTriple = "grid 1, 2, +Inf"
	Empty     = "empty dataset"
	PerTemp1  = "1 per temperature (empty test split)"
	PerTemp2  = "2 per temperature (empty test split)"
	Uneven    = "one temperature with 2 configurations"
	NoZero    = "grid without T = 0"
	NoMC      = "grid without the Monte Carlo starts"
)

// Datasets writes a good dataset and the bad ones (L = 4) into t.TempDir() with
// ising.Generate and Save, as examples/dataset writes them.
func Datasets(t *testing.T) []Case {
	t.Helper()
	gen := func(grid []float64, n int) *ising.Dataset {
		d, err := ising.Generate(&ising.DatasetSettings{L: 4, Grid: grid, PerTemp: n}, rand.NewPCG(1, 1), nil)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	inf := math.Inf(1)
	// Empty: no rows at all. Uneven: five configurations per temperature
	// but two at T = 1.
	empty := keep(gen([]float64{0, 1, 2, 3}, 3), func(int, int) bool { return false })
	seen := 0
	uneven := keep(gen([]float64{0, 1, 2, 3}, 5), func(_, k int) bool {
		if k != 1 {
			return true
		}
		seen++
		return seen <= 2
	})
	sets := []struct {
		name string
		d    *ising.Dataset
	}{
		{Good, gen([]float64{0, 1.5, 2, 3, 4}, 5)},
		{OneTemp, gen([]float64{2.5}, 5)},
		{InfPair, gen([]float64{0, inf}, 5)},
		{InfTriple, gen([]float64{1, 2, inf}, 5)},
		{Empty, empty},
		{PerTemp1, gen([]float64{0, 1.5, 2, 3, 4}, 1)},
		{PerTemp2, gen([]float64{0, 1.5, 2, 3, 4}, 2)},
		{Uneven, uneven},
		{NoZero, gen([]float64{1, 1.5, 2, 3, 4}, 5)},
		{NoMC, gen([]float64{0, 1, 2}, 5)},
	}
	root := t.TempDir()
	var cs []Case
	for i, s := range sets {
		dir := filepath.Join(root, fmt.Sprint(i))
		if err := s.d.Save(dir); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		cs = append(cs, Case{Name: s.name, Dir: dir})
	}
	return cs
}

// keep returns the rows i (at grid index k) of d for which ok(i, k).
func keep(d *ising.Dataset, ok func(i, k int) bool) *ising.Dataset {
	_, c := d.Configs.Dims()
	var rows []int
	for i, k := range d.Labels {
		if ok(i, k) {
			rows = append(rows, i)
		}
	}
	out := *d
	out.Configs = &mat.Dense{}
	if len(rows) > 0 {
		out.Configs = mat.NewDense(len(rows), c, nil)
	}
	out.Temps, out.Labels = nil, nil
	for r, i := range rows {
		copy(out.Configs.RawRowView(r), d.Configs.RawRowView(i))
		out.Temps, out.Labels = append(out.Temps, d.Temps[i]), append(out.Labels, d.Labels[i])
	}
	if out.Temps == nil {
		out.Temps, out.Labels = []float64{}, []int{}
	}
	return &out
}

// Run is an example's run on a dataset: it parses the command line args
// (which hold -data and -out) and runs the example.
type Run func(args []string) error

// Parsed is the Run of an example with parse (its messages discarded) and
// run.
func Parsed[C any](parse func(args []string, stderr io.Writer) (C, error), run func(C) error) Run {
	return func(args []string) error {
		c, err := parse(args, io.Discard)
		if err != nil {
			return err
		}
		return run(c)
	}
}

// Check runs the example on every case with args (tiny sizes; Check adds
// -out and -data). A case named in accept must run to the end; every other
// must return an error, without a panic, and leave no file in the output
// directory. Good is always accepted: the examples are run with -L unset
// (10 by default), so it checks that the loaded dataset's L = 4 is used.
func Check(t *testing.T, run Run, args []string, accept ...string) {
	t.Helper()
	ok := map[string]bool{Good: true}
	for _, a := range accept {
		ok[a] = true
	}
	for _, tc := range Datasets(t) {
		out := filepath.Join(t.TempDir(), "out")
		err := func() (err error) {
			defer func() {
				if r := recover(); r != nil {
					err = fmt.Errorf("panic: %v", r)
					t.Errorf("%s: %v", tc.Name, err)
				}
			}()
			return run(append([]string{"-out", out, "-data", tc.Dir}, args...))
		}()
		if ok[tc.Name] {
			if err != nil {
				t.Errorf("%s: %v, want a run to the end", tc.Name, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s: accepted", tc.Name)
			continue
		}
		t.Logf("%s: %v", tc.Name, err)
		if files, _ := os.ReadDir(out); len(files) > 0 {
			t.Errorf("%s: %d files written in the output directory (%v)", tc.Name, len(files), err)
		}
	}
}
