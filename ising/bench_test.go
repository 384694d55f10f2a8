package ising

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkSweep measures every sampler at T_c (h = 0) on L×L lattices, in
// ns per attempted spin flip: L² per sweep for the local and Swendsen–Wang
// updates and per independent draw, the cluster size for Wolff (the spins it
// flips).
func BenchmarkSweep(b *testing.B) {
	for _, alg := range []Algorithm{AlgMetropolis, AlgCheckerboard, AlgHeatBath, AlgWolff, AlgSwendsenWang,
		AlgInfiniteT, AlgMeanField, AlgCurieWeiss} {
		for _, L := range []int{10, 64, 1024} {
			b.Run(fmt.Sprintf("%v/L=%d", alg, L), func(b *testing.B) {
				smp, err := NewSampler(alg, L, Tc, 0, rand.NewPCG(1, 2))
				if err != nil {
					b.Fatal(err)
				}
				w, isWolff := smp.(*Wolff)
				var f0 int64
				if isWolff {
					smp.Sweep(10) // leave the all-up start
					f0 = w.Flipped()
				}
				b.ReportAllocs()
				n := 0
				for b.Loop() {
					smp.Sweep(1)
					n++
				}
				flips := float64(n) * float64(L*L)
				if isWolff {
					flips = float64(w.Flipped() - f0)
				}
				ns := float64(b.Elapsed().Nanoseconds())
				b.ReportMetric(ns/flips, "ns/flip")
				b.ReportMetric(flips/ns, "flips/ns")
			})
		}
	}
}

// BenchmarkGenerate measures the paper's default dataset (L = 10, 25
// temperatures, 2000 configurations each) in configurations per second.
func BenchmarkGenerate(b *testing.B) {
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		d, err := Generate(nil, rand.NewPCG(uint64(n), 1), nil)
		if err != nil {
			b.Fatal(err)
		}
		r, _ := d.Configs.Dims()
		n += r
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "configs/s")
}
