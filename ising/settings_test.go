package ising

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestDatasetSettingsErrors: every DatasetSettings field out of range makes
// Generate return an error wrapping ErrSettings that names the field and
// its value (the settings policy of the top-level doc.go), before any work;
// and MeasureSettings the same for Measure.
func TestDatasetSettingsErrors(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		want string
		s    DatasetSettings
	}{
		{"L = 1", DatasetSettings{L: 1}},
		{"L = -3", DatasetSettings{L: -3}},
		{"PerTemp = -1", DatasetSettings{PerTemp: -1}},
		{"Grid = []", DatasetSettings{Grid: []float64{}}},
		{"Grid[1] = NaN", DatasetSettings{Grid: []float64{1, math.NaN()}}},
		{"Grid[0] = -1", DatasetSettings{Grid: []float64{-1, 2}}},
		{"Grid[1] = 1", DatasetSettings{Grid: []float64{2, 1}}},
		{"SpacingTau = -1", DatasetSettings{SpacingTau: -1}},
		{"SpacingTau = +Inf", DatasetSettings{SpacingTau: math.Inf(1)}},
		{"SpacingTau = NaN", DatasetSettings{SpacingTau: math.NaN()}},
		{"Workers = -1", DatasetSettings{Workers: -1}},
		{"H = NaN", DatasetSettings{H: math.NaN()}},
		{"H = -Inf", DatasetSettings{H: math.Inf(-1)}},
		{"Algorithm = 99", DatasetSettings{Algorithm: 99}},
		{"Algorithm = wolff", DatasetSettings{Algorithm: AlgWolff, H: 0.1}},
		{"Algorithm = checkerboard", DatasetSettings{Algorithm: AlgCheckerboard, L: 5}},
	} {
		_, err := Generate(&c.s, rand.NewPCG(1, 1), nil)
		if !errors.Is(err, ErrSettings) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want an ErrSettings with %q", c.s, err, c.want)
		}
	}
	smp := NewCheckerboard(4, 2, 0, rand.NewPCG(1, 1))
	for _, c := range []struct {
		want string
		s    MeasureSettings
	}{
		{"BurnIn = -1", MeasureSettings{BurnIn: -1}},
		{"Every = -2", MeasureSettings{Every: -2}},
		{"N = -1", MeasureSettings{N: -1}},
		{"H = NaN", MeasureSettings{H: math.NaN()}},
	} {
		_, err := Measure(smp, c.s, nil)
		if !errors.Is(err, ErrSettings) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want an ErrSettings with %q", c.s, err, c.want)
		}
	}
}
