package ising

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkBigSpin measures the one-lattice multi-spin sampler at T_c in
// attempted single-spin flips (L² per sweep) per ns and ns per flip, by L
// and kernel ("go" forces the pure-Go kernel).
func BenchmarkBigSpin(b *testing.B) {
	for _, L := range []int{64, 256, 1024} {
		for _, kernel := range []string{"go", "avx2", "avx512"} {
			if kernel == "avx2" && !useMultiSpinAVX2 || kernel == "avx512" && !useMultiSpinAVX512 {
				continue
			}
			b.Run(fmt.Sprintf("L=%d/%s", L, kernel), func(b *testing.B) {
				g, err := NewBigSpin(L, Tc, 0, rand.NewPCG(1, 2))
				if err != nil {
					b.Fatal(err)
				}
				g.avx, g.k512 = kernel != "go", kernel == "avx512"
				g.Sweep(5)
				b.ReportAllocs()
				n := 0
				for b.Loop() {
					g.Sweep(1)
					n++
				}
				flips := float64(n) * float64(L*L)
				ns := float64(b.Elapsed().Nanoseconds())
				b.ReportMetric(ns/flips, "ns/flip")
				b.ReportMetric(flips/ns, "flips/ns")
			})
		}
	}
}
