package rbm_test

import (
	"testing"

	"github.com/rgflow/rgflow/internal/jsonf/jsonftest"
	"github.com/rgflow/rgflow/rbm"
)

func TestJSONRoundTrip(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		v    any
	}{
		{"Stats", &rbm.Stats{}},
		{"Monitors", &rbm.Monitors{Epoch: 7}},
		{"Histogram", &rbm.Histogram{Edges: make([]float64, 4), Counts: []int{1, 0, 2}}},
		{"Histogram/empty", &rbm.Histogram{}},
	} {
		t.Run(tc.name, func(t *testing.T) { jsonftest.RoundTrip(t, tc.v) })
	}
}
