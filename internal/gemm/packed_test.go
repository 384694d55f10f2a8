package gemm

import (
	"math/rand/v2"
	"testing"
)

// TestSgemmPacked checks that SgemmPacked gives Sgemm's bits, with B packed
// whole or in blocks (column blocks at multiples of 16, row blocks
// anywhere), over shapes with several k- and n-blocks.
func TestSgemmPacked(t *testing.T) {
	paths(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(11, 12))
		var g Gemm
		var pb, pieces PackedB
		cases := append([]gemmCase(nil), hotShapes...)
		cases = append(cases, gemmCase{m: 37, n: 1100, k: 600}, gemmCase{tA: true, tB: true, m: 13, n: 45, k: 300}, gemmCase{tB: true, m: 5, n: 7, k: 3})
		for _, c := range cases {
			c = c.dense()
			ar, ac := c.m, c.k
			if c.tA {
				ar, ac = c.k, c.m
			}
			a := randSlice(ar*ac, rng)
			b := randSlice(c.k*c.n, rng)
			c0 := randSlice(c.m*c.n, rng)
			want := append([]float32(nil), c0...)
			g.Sgemm(c.tA, c.tB, c.m, c.n, c.k, 1.5, a, c.lda, b, c.ldb, -0.5, want, c.ldc)
			pb.Pack(c.tB, c.k, c.n, b, c.ldb)
			got := append([]float32(nil), c0...)
			g.SgemmPacked(c.tA, c.m, 1.5, a, c.lda, &pb, -0.5, got, c.ldc)
			same(t, c, "packed", 0, want, got)

			pieces.Reset(c.k, c.n)
			jm := min(c.n, 32)
			pm := c.k / 3
			pieces.PackBlock(c.tB, b, c.ldb, 0, pm, 0, jm)
			pieces.PackBlock(c.tB, b, c.ldb, pm, c.k, 0, jm)
			pieces.PackBlock(c.tB, b, c.ldb, 0, c.k, jm, c.n)
			got = append([]float32(nil), c0...)
			g.SgemmPacked(c.tA, c.m, 1.5, a, c.lda, &pieces, -0.5, got, c.ldc)
			same(t, c, "pieces", jm, want, got)
		}
	})
	mustPanic := func(name string, f func()) {
		defer func() {
			if recover() == nil {
				t.Errorf("%s: no panic", name)
			}
		}()
		f()
	}
	var p PackedB
	p.Reset(4, 40)
	mustPanic("unaligned j0", func() { p.PackBlock(false, make([]float32, 160), 40, 0, 4, 8, 40) })
	mustPanic("rows outside", func() { p.PackBlock(false, make([]float32, 160), 40, 0, 5, 0, 40) })
	mustPanic("short b", func() { p.PackBlock(false, make([]float32, 100), 40, 0, 4, 0, 40) })
}

func BenchmarkSgemmPacked(b *testing.B) {
	c := gemmCase{m: 100, n: 256, k: 512}.dense()
	rng := rand.New(rand.NewPCG(1, 2))
	x, y, z := randSlice(c.m*c.k, rng), randSlice(c.k*c.n, rng), make([]float32, c.m*c.n)
	var g Gemm
	var pb PackedB
	pb.Pack(false, c.k, c.n, y, c.ldb)
	b.ReportAllocs()
	for b.Loop() {
		g.SgemmPacked(false, c.m, 1, x, c.lda, &pb, 0, z, c.ldc)
	}
	b.ReportMetric(2*float64(c.m*c.n*c.k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
