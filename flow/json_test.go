package flow_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/rgflow/rgflow/flow"
	"github.com/rgflow/rgflow/internal/jsonf/jsonftest"
)

func TestJSONRoundTrip(t *testing.T) {
	t.Parallel()
	ens := func() []flow.Reading { return []flow.Reading{{Name: "energy"}, {Name: "absm"}} }
	for _, tc := range []struct {
		name string
		v    any
	}{
		{"Reading", &flow.Reading{Name: "energy"}},
		{"Readout", &flow.Readout{Step: 3, N: 10, Temps: make([]float64, 3), Dist: make([]float64, 3), DistErr: make([]float64, 3), Ensembles: ens()}},
		{"Readout/bare", &flow.Readout{Step: 1, N: 2}},
		{"Readout/new", &flow.Readout{Step: 2, N: 3, AbsMHist: make([]float64, 4),
			Corr:      &flow.Correlation{L: 4, RMax: 2, C: make([]float64, 3), CErr: make([]float64, 3), Conn: make([]float64, 3), ConnErr: make([]float64, 3)},
			MatchAbsM: &flow.Match{T: 2}, MatchE: &flow.Match{T: 2.5}}},
		{"Correlation", &flow.Correlation{L: 4, RMax: 1, C: make([]float64, 2), CErr: make([]float64, 2), Conn: make([]float64, 2), ConnErr: make([]float64, 2)}},
		{"FixedPoint/new", &flow.FixedPoint{Step: 4, AbsMHist: make([]float64, 2), AbsMHistErr: make([]float64, 2),
			Drifts: []flow.Drift{{Name: "|m|", From: 1, To: 5, Paired: true}}}},
		{"FixedPoint", &flow.FixedPoint{Step: 4, Steps: 5, Temps: make([]float64, 2), Dist: make([]float64, 2), DistErr: make([]float64, 2), Ensembles: ens()}},
		{"FixedPoint/bare", &flow.FixedPoint{}},
	} {
		t.Run(tc.name, func(t *testing.T) { jsonftest.RoundTrip(t, tc.v) })
	}
}

// TestJSONZeroPeak checks that a readout of T = 0 keeps its peak and
// expectation: 0 is a temperature, not a missing value.
func TestJSONZeroPeak(t *testing.T) {
	t.Parallel()
	for _, v := range []any{
		flow.Readout{Temps: []float64{0, 1}, Dist: []float64{1, 0}},
		flow.FixedPoint{Temps: []float64{0, 1}, Dist: []float64{1, 0}},
	} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		for _, key := range []string{`"peak":0`, `"expect":0`, `"expect_err":0`, `"argmax":0`} {
			if !strings.Contains(string(b), key) {
				t.Errorf("%T: %s lacks %s", v, b, key)
			}
		}
	}
}
