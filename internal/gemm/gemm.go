// Package gemm is a single-threaded float32 matrix multiply for the small
// and medium shapes of rgflow's neural networks (up to a few hundred rows,
// inner and output dimensions up to about a thousand), and the elementwise
// kernels that go with it (tanh, bias and tanh, the tanh derivative, axpy,
// the Adam and momentum steps). [PackedB] holds a B packed once for many
// products, or packed piecewise by several goroutines.
//
// On amd64 with AVX2 and FMA the inner kernel is hand-written Go assembly: a
// 6×16 register block (twelve 8-lane accumulators) over a packed panel of B
// and A read in place (or, for the last rows, from a small packed copy). On
// other platforms, under the purego build tag, or without those CPU features
// a register-blocked pure-Go kernel computes the same blocks.
//
// # Determinism
//
// Every element C[i][j] is computed by the same sequence of operations
// whatever m, n and the position of (i, j) in C: the k-sum is blocked at
// fixed offsets (multiples of an internal block length that depends on
// nothing else), each block is a chain of fused multiply-adds in increasing
// k, and edge tiles go through the same kernel on a padded copy. So a caller
// that splits C into row or column ranges (for example across goroutines)
// gets the same bits as one call on the whole of C, on a given kernel path.
// The assembly and the pure-Go kernels round differently (fused against
// separate multiply and add) and agree only to rounding.
//
// # Concurrency
//
// A [Gemm] owns packing buffers and is not safe for concurrent use: use one
// per goroutine. The package functions are safe for concurrent use on
// disjoint data.
package gemm

// Block sizes. mr×nr is the register block of the kernel; kc is the length
// of a k-block (the packed B panel kc×nr stays in L1), nc the width of the
// packed B block (kc×nc floats in L2), mc the height of an A block.
const (
	mr = 6
	nr = 16
	kc = 256
	nc = 512
	mc = 144
	ma = 8 // floats per p-step of a packed A panel (mr, padded for 8×8 transposes)
)

// Panic messages.
const (
	ErrNegative = "gemm: negative dimension"
	ErrStride   = "gemm: leading dimension smaller than the row width"
	ErrShort    = "gemm: slice too short for its dimensions"
	ErrLength   = "gemm: slice lengths differ"
	ErrBlock    = "gemm: block outside the packed matrix or not at a 16-column panel boundary"
)

// Gemm holds the packing buffers of Sgemm and SgemmPacked. The zero value
// is ready to use; the buffers are allocated on first use (180 224 floats,
// 704 KiB: kc·nc for B and ⌈mc/mr⌉·8·kc for A) and then reused, so later
// calls do not allocate. A Gemm is not safe for concurrent use; use one per
// goroutine.
type Gemm struct {
	bp []float32 // packed B block: panels of kc×nr, p-major
	ap []float32 // packed A block: panels of kc steps of ma floats
}

// Sgemm computes C = alpha·op(A)·op(B) + beta·C with op(X) = X or Xᵀ (if
// transX), where op(A) is m×k, op(B) is k×n and C is m×n, all row-major with
// row strides lda, ldb and ldc: A is stored m×k (k×m if transA), B k×n (n×k
// if transB). If beta is 0, C is overwritten and its old contents (even
// NaN) do not matter; if alpha is 0 or k is 0, A and B are not read.
//
// It panics with ErrNegative for a negative dimension, ErrStride for a
// stride smaller than its row width (or than 1), and ErrShort if a slice
// does not hold its matrix.
func (g *Gemm) Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic(ErrNegative)
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	checkMatrix(br, bc, b, ldb)
	g.drive(transA, m, n, k, alpha, a, lda, beta, c, ldc, func(pc, kb, jc, nb int) ([]float32, int, int) {
		g.packB(transB, kb, nb, b, ldb, pc, jc)
		return g.bp, 0, kb * nr
	})
}

// drive checks op(A) (m×k) and C (m×n) and runs the blocked product of
// Sgemm and SgemmPacked. panel returns the packed block of op(B) for rows
// pc…pc+kb and columns jc…jc+nb: the buffer, the offset of its first
// panel and the distance between panels.
func (g *Gemm) drive(transA bool, m, n, k int, alpha float32, a []float32, lda int, beta float32, c []float32, ldc int, panel func(pc, kb, jc, nb int) ([]float32, int, int)) {
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	checkMatrix(ar, ac, a, lda)
	checkMatrix(m, n, c, ldc)
	if m == 0 || n == 0 {
		return
	}
	if alpha == 0 || k == 0 {
		scaleC(m, n, beta, c, ldc)
		return
	}
	g.grow()
	rsA, csA := strides(transA, lda)
	for jc := 0; jc < n; jc += nc {
		nb := min(nc, n-jc)
		for pc := 0; pc < k; pc += kc {
			kb := min(kc, k-pc)
			bet := beta
			if pc > 0 {
				bet = 1
			}
			bp, off, ps := panel(pc, kb, jc, nb)
			for ic := 0; ic < m; ic += mc {
				mb := min(mc, m-ic)
				g.block(mb, nb, kb, alpha, a, rsA, csA, ic, pc, bet, c, ldc, jc, bp, off, ps)
			}
		}
	}
}

// grow allocates the packing buffers on first use.
func (g *Gemm) grow() {
	if len(g.bp) < kc*nc {
		g.bp = make([]float32, kc*nc)
		g.ap = make([]float32, (mc+mr-1)/mr*ma*kc)
	}
}

// strides returns the distances in a between elements (r, p) and (r+1, p),
// and (r, p) and (r, p+1), of op(A).
func strides(transA bool, lda int) (rs, cs int) {
	if transA {
		return 1, lda
	}
	return lda, 1
}

// checkMatrix panics unless s holds an r×c matrix with row stride ld.
func checkMatrix(r, c int, s []float32, ld int) {
	if ld < max(1, c) {
		panic(ErrStride)
	}
	if r > 0 && c > 0 && len(s) < (r-1)*ld+c {
		panic(ErrShort)
	}
}

// scaleC sets C = beta·C (C = 0 if beta is 0).
func scaleC(m, n int, beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}

// packB copies op(B)[pc:pc+kb, jc:jc+nb] into g.bp as ⌈nb/nr⌉ panels of
// kb×nr floats, p-major, the last panel padded with zeros.
func (g *Gemm) packB(transB bool, kb, nb int, b []float32, ldb, pc, jc int) {
	for jp := 0; jp < nb; jp += nr {
		packPanel(transB, kb, min(nr, nb-jp), b, ldb, pc, jc+jp, g.bp[jp*kb:jp*kb+kb*nr])
	}
}

// packPanel copies the kb×w block of op(B) at (pc, j0) into dst as kb rows
// of nr floats, zero-padded from w to nr.
func packPanel(transB bool, kb, w int, b []float32, ldb, pc, j0 int, dst []float32) {
	dst = dst[:kb*nr]
	if !transB {
		if w == nr {
			if useAsm {
				off := pc*ldb + j0
				_ = b[off+(kb-1)*ldb+nr-1]
				packCopyAVX(kb, &b[off], ldb, &dst[0])
				return
			}
			for p := 0; p < kb; p++ {
				off := (pc+p)*ldb + j0
				*(*[nr]float32)(dst[p*nr:]) = *(*[nr]float32)(b[off : off+nr])
			}
			return
		}
		for p := 0; p < kb; p++ {
			off := (pc+p)*ldb + j0
			d := dst[p*nr : p*nr+nr]
			copy(d, b[off:off+w])
			clear(d[w:])
		}
		return
	}
	// op(B)[p][j] = b[j*ldb + p]: a transposing copy.
	p0 := 0
	if w == nr && useAsm {
		p0 = kb &^ 7
		if p0 > 0 {
			off := j0*ldb + pc
			_ = b[off+(nr-1)*ldb+p0-1]
			packTransAVX(p0/8, &b[off], ldb, &dst[0])
		}
	}
	if p0 < kb {
		for j := 0; j < nr; j++ {
			if j >= w {
				for p := p0; p < kb; p++ {
					dst[p*nr+j] = 0
				}
				continue
			}
			off := (j0+j)*ldb + pc
			row := b[off+p0 : off+kb]
			for q, v := range row {
				dst[(p0+q)*nr+j] = v
			}
		}
	}
}

// block computes the mb×nb block of C at (ic, jc) from packed B (the
// kb×nr panel q of the block at bdata[boff+q*bstride:]) and the k-block pc
// of A. Row panels of A are read in place where their
// elements are contiguous in p-steps (transA) and packed otherwise; the last
// mb%mr rows are always packed, zero-padded to mr.
func (g *Gemm) block(mb, nb, kb int, alpha float32, a []float32, rsA, csA, ic, pc int, beta float32, c []float32, ldc, jc int, bdata []float32, boff, bstride int) {
	direct := rsA == 1 // transA: the mr elements of a p-step are adjacent
	for ir := 0; ir < mb; ir += mr {
		rows := min(mr, mb-ir)
		if direct && rows == mr {
			continue
		}
		g.packA(rows, kb, a, rsA, csA, ic+ir, pc, g.ap[ir/mr*ma*kb:(ir/mr+1)*ma*kb])
	}
	var tile [mr * nr]float32
	for jp := 0; jp < nb; jp += nr {
		w := min(nr, nb-jp)
		q := boff + jp/nr*bstride
		bp := bdata[q : q+kb*nr]
		for ir := 0; ir < mb; ir += mr {
			rows := min(mr, mb-ir)
			ap, rs, cs := g.ap[ir/mr*ma*kb:], 1, ma
			if direct && rows == mr {
				ap, rs, cs = a[(ic+ir)*rsA+pc*csA:], rsA, csA
			}
			coff := (ic+ir)*ldc + jc + jp
			if rows == mr && w == nr {
				kernel(kb, ap, rs, cs, bp, c[coff:], ldc, alpha, beta)
				continue
			}
			if beta != 0 {
				for r := 0; r < rows; r++ {
					copy(tile[r*nr:r*nr+w], c[coff+r*ldc:coff+r*ldc+w])
				}
			}
			kernel(kb, ap, rs, cs, bp, tile[:], nr, alpha, beta)
			for r := 0; r < rows; r++ {
				copy(c[coff+r*ldc:coff+r*ldc+w], tile[r*nr:r*nr+w])
			}
		}
	}
}

// packA copies rows r0… (rows ≤ mr of them) of op(A)[:, pc:pc+kb] into dst
// as kb steps of ma floats (the rows, zero-padded).
func (g *Gemm) packA(rows, kb int, a []float32, rsA, csA, r0, pc int, dst []float32) {
	dst = dst[:ma*kb]
	p0 := 0
	if rows == mr && csA == 1 {
		// Six rows of a row-major A.
		base := r0*rsA + pc
		if useAsm {
			p0 = kb &^ 7
			if p0 > 0 {
				_ = a[base+5*rsA+p0-1]
				packA6AVX(p0/8, &a[base], rsA, &dst[0])
			}
		}
		if p0 < kb {
			a0 := a[base+p0 : base+kb]
			a1 := a[base+rsA+p0 : base+rsA+kb]
			a2 := a[base+2*rsA+p0 : base+2*rsA+kb]
			a3 := a[base+3*rsA+p0 : base+3*rsA+kb]
			a4 := a[base+4*rsA+p0 : base+4*rsA+kb]
			a5 := a[base+5*rsA+p0 : base+5*rsA+kb]
			for q := range a0 {
				d := (*[ma]float32)(dst[(p0+q)*ma:])
				*d = [ma]float32{a0[q], a1[q], a2[q], a3[q], a4[q], a5[q]}
			}
		}
		return
	}
	for p := 0; p < kb; p++ {
		d := dst[p*ma : p*ma+ma]
		for r := 0; r < rows; r++ {
			d[r] = a[(r0+r)*rsA+(pc+p)*csA]
		}
		clear(d[rows:])
	}
}

// kernel computes the mr×nr tile C = alpha·A·B + beta·C (C not read if beta
// is 0) over kb steps, with A(r, p) = a[r*rs + p*cs], B(p, j) = b[p*nr + j]
// and C(r, j) = c[r*ldc + j].
func kernel(kb int, a []float32, rs, cs int, b []float32, c []float32, ldc int, alpha, beta float32) {
	// Bounds the assembly relies on.
	_ = a[(mr-1)*rs+(kb-1)*cs]
	_ = b[kb*nr-1]
	_ = c[(mr-1)*ldc+nr-1]
	if useAsm {
		load := 0
		if beta != 0 {
			load = 1
		}
		kernAVX(kb, &a[0], rs, cs, &b[0], &c[0], ldc, alpha, beta, load)
		return
	}
	kernGo(kb, a, rs, cs, b, c, ldc, alpha, beta)
}
