package ising

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkWolffTc measures Wolff at T_c in ns per flipped spin (the
// cluster sizes summed), after 1000 clusters to leave the all-up start.
func BenchmarkWolffTc(b *testing.B) {
	for _, L := range []int{64, 128, 256} {
		b.Run(fmt.Sprintf("L=%d", L), func(b *testing.B) {
			w := NewWolff(L, Tc, rand.NewPCG(1, 2))
			w.Sweep(1000)
			f0 := w.Flipped()
			b.ReportAllocs()
			for b.Loop() {
				w.Sweep(1)
			}
			ns := float64(b.Elapsed().Nanoseconds())
			flips := float64(w.Flipped() - f0)
			b.ReportMetric(ns/flips, "ns/flip")
			b.ReportMetric(flips/ns, "flips/ns")
		})
	}
}
