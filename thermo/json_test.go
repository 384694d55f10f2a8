package thermo_test

import (
	"testing"

	"github.com/rgflow/rgflow/internal/jsonf/jsonftest"
	"github.com/rgflow/rgflow/thermo"
)

func TestJSONRoundTrip(t *testing.T) {
	t.Parallel()
	class := func() thermo.ClassCalibration {
		return thermo.ClassCalibration{N: 4, MeanSoftmax: make([]float64, 3)}
	}
	for _, tc := range []struct {
		name string
		v    any
	}{
		{"ClassCalibration", &thermo.ClassCalibration{N: 2, MeanSoftmax: make([]float64, 3)}},
		{"Calibration", &thermo.Calibration{Temps: make([]float64, 3), Classes: []thermo.ClassCalibration{class(), class(), class()},
			Confusion: [][]int{{1, 0, 0}, {0, 2, 1}, {0, 0, 3}}, N: 7}},
		{"Calibration/empty", &thermo.Calibration{}},
		{"EpochStats", &thermo.EpochStats{Epoch: 3}},
		{"TrainResult", &thermo.TrainResult{Epochs: 5, BestEpoch: 4, Stopped: true, Last: thermo.EpochStats{Epoch: 5}, Best: thermo.EpochStats{Epoch: 4}}},
	} {
		t.Run(tc.name, func(t *testing.T) { jsonftest.RoundTrip(t, tc.v) })
	}
}
