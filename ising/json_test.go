package ising_test

import (
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/rgflow/rgflow/internal/jsonf/jsonftest"
	"github.com/rgflow/rgflow/ising"
)

func TestJSONRoundTrip(t *testing.T) {
	t.Parallel()
	three := func() []float64 { return make([]float64, 3) }
	for _, tc := range []struct {
		name string
		v    any
	}{
		{"Summary", &ising.Summary{Samples: 100, Bins: 10}},
		{"Correlation", &ising.Correlation{L: 2, Samples: 5, Mean: make([]float64, 4), SS: mat.NewSymDense(4, nil),
			G: mat.NewDense(2, 2, nil), GConn: mat.NewDense(2, 2, nil), R: three(), GR: three(), GRConn: three(), Count: []int{1, 2, 1}}},
		{"Correlation/noSS", &ising.Correlation{L: 2, G: mat.NewDense(2, 2, nil), GConn: mat.NewDense(2, 2, nil)}},
		{"Enumeration", &ising.Enumeration{L: 2, Prob: three(), Energy: three(), Mag: three()}},
		{"ExactValues", &ising.ExactValues{}},
		{"Pilot", &ising.Pilot{Algorithm: ising.AlgWolff, Clusters: 3, Updates: 7, Converged: true}},
		{"TempInfo", &ising.TempInfo{Algorithm: ising.AlgMetropolis, BurnIn: 4, Spacing: 2,
			Candidates: []ising.Pilot{{Algorithm: ising.AlgMetropolis}, {Algorithm: ising.AlgWolff, Clusters: 2}}}},
	} {
		t.Run(tc.name, func(t *testing.T) { jsonftest.RoundTrip(t, tc.v) })
	}
}
