package ising

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkMultiSpin measures the multi-spin sampler at T_c in attempted
// single-spin flips (L² per replica per sweep) per ns, by L, replica count
// and kernel: 256 replicas (4 words per site) run the AVX2 kernel where
// available; "go" forces the pure-Go kernel.
func BenchmarkMultiSpin(b *testing.B) {
	for _, L := range []int{10, 16, 64, 100} {
		for _, R := range []int{64, 256, 1024} {
			for _, kernel := range []string{"go", "avx2", "avx512"} {
				if kernel == "avx2" && (!useMultiSpinAVX2 || R%256 != 0) || kernel == "avx512" && (!useMultiSpinAVX512 || R%256 != 0) {
					continue
				}
				b.Run(fmt.Sprintf("L=%d/R=%d/%s", L, R, kernel), func(b *testing.B) {
					m, err := NewMultiSpin(L, laneTemps(R, Tc), 0, rand.NewPCG(1, 2))
					if err != nil {
						b.Fatal(err)
					}
					m.avx, m.k512 = kernel != "go", kernel == "avx512"
					m.Sweep(5)
					b.ReportAllocs()
					n := 0
					for b.Loop() {
						m.Sweep(1)
						n++
					}
					flips := float64(n) * float64(L*L*R)
					ns := float64(b.Elapsed().Nanoseconds())
					b.ReportMetric(ns/flips, "ns/flip")
					b.ReportMetric(flips/ns, "flips/ns")
				})
			}
		}
	}
}
