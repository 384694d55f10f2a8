package gemm

// PackedB is a k×n matrix op(B) stored in the kernel's panel layout, for
// products that use the same B many times ([Gemm.SgemmPacked]), or whose
// B is written piecewise by several goroutines ([PackedB.PackBlock] on
// disjoint blocks). The zero value is an empty matrix; Reset sizes it.
type PackedB struct {
	k, n int
	data []float32 // ⌈n/nr⌉ panels of k×nr floats, p-major, zero-padded
}

// Dims returns k and n.
func (p *PackedB) Dims() (k, n int) { return p.k, p.n }

// Reset sizes p to k×n, reusing its storage when it is large enough; the
// contents are undefined until packed.
func (p *PackedB) Reset(k, n int) {
	if k < 0 || n < 0 {
		panic(ErrNegative)
	}
	p.k, p.n = k, n
	size := (n + nr - 1) / nr * nr * k
	if cap(p.data) < size {
		p.data = make([]float32, size)
	}
	p.data = p.data[:size]
	clear(p.data)
}

// Pack sizes p to op(B) (k×n; B is stored k×n, or n×k if transB, with row
// stride ldb) and packs all of it.
func (p *PackedB) Pack(transB bool, k, n int, b []float32, ldb int) {
	p.Reset(k, n)
	p.PackBlock(transB, b, ldb, 0, k, 0, n)
}

// PackBlock packs rows p0…p1−1 and columns j0…j1−1 of op(B) (B stored as
// for Pack, with p's dimensions) into p. Blocks that share no panel (j0 a
// multiple of 16, or the same columns and disjoint rows) may be packed
// concurrently. It panics with ErrStride or ErrShort for a B that does not
// hold op(B), and ErrBlock for a block outside p or a non-empty block whose
// j0 is not a multiple of 16.
func (p *PackedB) PackBlock(transB bool, b []float32, ldb int, p0, p1, j0, j1 int) {
	if p0 < 0 || p1 > p.k || p0 > p1 || j0 < 0 || j1 > p.n || j0 > j1 || (j0 < j1 && j0%nr != 0) {
		panic(ErrBlock)
	}
	br, bc := p.k, p.n
	if transB {
		br, bc = p.n, p.k
	}
	checkMatrix(br, bc, b, ldb)
	for jp := j0; jp < j1; jp += nr {
		w := min(nr, j1-jp)
		dst := p.data[jp*p.k+p0*nr : jp*p.k+p1*nr]
		packPanel(transB, p1-p0, w, b, ldb, p0, jp, dst)
	}
}

// SgemmPacked is Sgemm with op(B) = pb: C = alpha·op(A)·pb + beta·C, op(A)
// m×k, C m×n for pb k×n. Its results are bit-identical to Sgemm's for the
// same B. It panics as Sgemm does.
func (g *Gemm) SgemmPacked(transA bool, m int, alpha float32, a []float32, lda int, pb *PackedB, beta float32, c []float32, ldc int) {
	k := pb.k
	if m < 0 {
		panic(ErrNegative)
	}
	g.drive(transA, m, pb.n, k, alpha, a, lda, beta, c, ldc, func(pc, _, jc, _ int) ([]float32, int, int) {
		return pb.data, jc*k + pc*nr, k * nr
	})
}
