package pipeline

import (
	"strings"
	"testing"
)

// TestDecadeTicks: a log axis over eight decades is labelled at every power
// of ten with its exact value (plot.LogTicks printed 1e-5 as
// 9.999999999999999e-06), and an axis within two decades at 2…9 too.
func TestDecadeTicks(t *testing.T) {
	t.Parallel()
	labels := func(min, max float64) []string {
		var ls []string
		for _, tk := range (DecadeTicks{}).Ticks(min, max) {
			if tk.Value < min || tk.Value > max {
				t.Errorf("tick %v outside [%v, %v]", tk.Value, min, max)
			}
			if tk.Label != "" {
				ls = append(ls, tk.Label)
			}
		}
		return ls
	}
	got := strings.Join(labels(3e-9, 0.5), " ")
	if want := "1e-8 1e-7 1e-6 1e-5 1e-4 0.001 0.01 0.1"; got != want {
		t.Errorf("labels over [3e-9, 0.5]: %q, want %q", got, want)
	}
	got = strings.Join(labels(2, 30), " ")
	if want := "2 3 4 5 6 7 8 9 10 20 30"; got != want {
		t.Errorf("labels over [2, 30]: %q, want %q", got, want)
	}
	if ts := (DecadeTicks{}).Ticks(0, 1); ts != nil {
		t.Errorf("a log axis from 0 got ticks %v", ts)
	}
}
