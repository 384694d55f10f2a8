package ising

import (
	"errors"
	"fmt"
	"reflect"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// Subset returns a new dataset holding the given rows of d, in the given
// order (a row may repeat), with d's grid, per-temperature records and
// metadata. It panics if a row is out of range.
func (d *Dataset) Subset(rows []int) *Dataset {
	n := len(d.Temps)
	for _, r := range rows {
		if r < 0 || r >= n {
			panic(fmt.Sprintf("ising: Subset row %d out of range [0, %d)", r, n))
		}
	}
	return d.subset(rows)
}

// Concat returns the dataset holding the rows of all parts, grouped by
// temperature in grid order (within a temperature, in the order of the
// parts and their rows). The parts must share L, H and Flip, and their
// grids must be identical (parts of one dataset, such as Split's, with
// equal per-temperature records) or disjoint (datasets drawn at different
// temperatures; the result's grid is their sorted union, each temperature
// keeping its record). Algorithm and Seed are kept if all parts agree,
// else they are Auto and 0. Concat returns an error naming the mismatch
// otherwise, and for no parts.
func Concat(parts ...*Dataset) (*Dataset, error) {
	if len(parts) == 0 {
		return nil, errors.New("ising: Concat of no datasets")
	}
	same, err := concatCompatible(parts)
	if err != nil {
		return nil, err
	}
	p0 := parts[0]
	out := &Dataset{L: p0.L, H: p0.H, Flip: p0.Flip, Algorithm: p0.Algorithm, Seed: p0.Seed}
	for _, p := range parts[1:] {
		if p.Algorithm != out.Algorithm {
			out.Algorithm = Auto
		}
		if p.Seed != out.Seed {
			out.Seed = 0
		}
	}
	if same {
		for i, p := range parts[1:] {
			if !reflect.DeepEqual(p.Info, p0.Info) {
				return nil, fmt.Errorf("ising: Concat: part %d has the grid of part 0 but other per-temperature records", i+1)
			}
		}
		out.Grid, out.Info = slices.Clone(p0.Grid), slices.Clone(p0.Info)
	} else if err := out.mergeGrids(parts); err != nil {
		return nil, err
	}
	if err := out.concatRows(parts); err != nil {
		return nil, err
	}
	return out, nil
}

// concatCompatible reports an error if the parts differ in L, H or Flip,
// and whether they all have the grid of the first.
func concatCompatible(parts []*Dataset) (sameGrid bool, err error) {
	p0 := parts[0]
	same := true
	for i, p := range parts[1:] {
		switch {
		case p.L != p0.L:
			return false, fmt.Errorf("ising: Concat: part %d has L = %d, part 0 has %d", i+1, p.L, p0.L)
		case p.H != p0.H:
			return false, fmt.Errorf("ising: Concat: part %d has h = %v, part 0 has %v", i+1, p.H, p0.H)
		case p.Flip != p0.Flip:
			return false, fmt.Errorf("ising: Concat: part %d has Flip = %v, part 0 has %v", i+1, p.Flip, p0.Flip)
		}
		same = same && slices.Equal(p.Grid, p0.Grid)
	}
	return same, nil
}

// mergeGrids sets out's grid to the sorted union of the parts' disjoint
// grids, each temperature with its record; it returns an error if two
// grids share a temperature.
func (out *Dataset) mergeGrids(parts []*Dataset) error {
	for _, p := range parts {
		for k, T := range p.Grid {
			if _, dup := slices.BinarySearch(out.Grid, T); dup {
				return fmt.Errorf("ising: Concat: grids overlap at T = %v but differ", T)
			}
			i, _ := slices.BinarySearch(out.Grid, T)
			out.Grid = slices.Insert(out.Grid, i, T)
			out.Info = slices.Insert(out.Info, i, p.Info[k])
		}
	}
	return nil
}

// concatRows copies the parts' rows into out, grouped by temperature in
// out's grid order.
func (out *Dataset) concatRows(parts []*Dataset) error {
	N := out.L * out.L
	total := 0
	for _, p := range parts {
		total += len(p.Temps)
	}
	out.Temps, out.Labels = make([]float64, 0, total), make([]int, 0, total)
	out.Configs = &mat.Dense{}
	if total > 0 {
		out.Configs = mat.NewDense(total, N, nil)
	}
	r := 0
	for k, T := range out.Grid {
		for _, p := range parts {
			for i, t := range p.Temps {
				if t != T {
					continue
				}
				copy(out.Configs.RawRowView(r), p.Configs.RawRowView(i))
				out.Temps = append(out.Temps, T)
				out.Labels = append(out.Labels, k)
				r++
			}
		}
	}
	if r != total {
		return errors.New("ising: Concat: a row's temperature is not on its part's grid")
	}
	return nil
}
