package ising

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkGenerateGrid times Generate's default grid (25 temperatures ×
// 2000 configurations) at L = 10 and L = 100, pilots included, and reports
// the pilots' share of the work (Dataset.PilotShare).
func BenchmarkGenerateGrid(b *testing.B) {
	for _, L := range []int{10, 100} {
		b.Run(fmt.Sprintf("L=%d", L), func(b *testing.B) {
			var d *Dataset
			for b.Loop() {
				var err error
				d, err = Generate(&DatasetSettings{L: L}, rand.NewPCG(1, 2), nil)
				if err != nil {
					b.Fatal(err)
				}
			}
			n, _ := d.Configs.Dims()
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "configs/s")
			b.ReportMetric(d.PilotShare(), "pilot-share")
		})
	}
}
