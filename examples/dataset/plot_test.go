package main

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rgflow/rgflow/ising"
)

// TestPlotObservablesChecks: the observables figure goes through the
// shared panel checks, so a panel with no value to draw is an error naming
// it instead of a blank plot, and the figure of a normal summary is
// written.
func TestPlotObservablesChecks(t *testing.T) {
	t.Parallel()
	good := summary{L: 4, Algorithm: ising.AlgMetropolis.String()}
	for _, T := range []float64{1, 2, 3} {
		ex := ising.Exact(4, T)
		good.Temps = append(good.Temps, tempSummary{T: T, N: 10, E: val{ex.E, 0.01}, C: val{ex.C, 0.01}, AbsM: val{0.5, 0.01}, Chi: val{0.3, 0.01}})
	}
	if err := plotObservables(filepath.Join(t.TempDir(), "ok.png"), good); err != nil {
		t.Fatalf("a normal summary: %v", err)
	}
	bad := good
	bad.L = 10 // no exact enumeration: the χ panel holds the data alone
	bad.Temps = append([]tempSummary(nil), good.Temps...)
	for i := range bad.Temps {
		bad.Temps[i].Chi = val{math.NaN(), math.NaN()}
	}
	err := plotObservables(filepath.Join(t.TempDir(), "bad.png"), bad)
	if err == nil || !strings.Contains(err.Error(), "susceptibility") {
		t.Fatalf("a χ panel of NaN only: error %v, want one naming the susceptibility panel", err)
	}
}
