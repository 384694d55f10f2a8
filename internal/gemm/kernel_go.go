package gemm

// kernGo is the pure-Go kernel: the mr×nr tile in 2×4 register blocks, each
// a chain of multiply-adds in increasing p.
func kernGo(kb int, a []float32, rs, cs int, b []float32, c []float32, ldc int, alpha, beta float32) {
	for r := 0; r < mr; r += 2 {
		a0, a1 := a[r*rs:], a[(r+1)*rs:]
		for j := 0; j < nr; j += 4 {
			var c00, c01, c02, c03, c10, c11, c12, c13 float32
			for p := 0; p < kb; p++ {
				x0, x1 := a0[p*cs], a1[p*cs]
				bq := b[p*nr+j : p*nr+j+4 : p*nr+j+4]
				b0, b1, b2, b3 := bq[0], bq[1], bq[2], bq[3]
				c00 += x0 * b0
				c01 += x0 * b1
				c02 += x0 * b2
				c03 += x0 * b3
				c10 += x1 * b0
				c11 += x1 * b1
				c12 += x1 * b2
				c13 += x1 * b3
			}
			out0 := c[r*ldc+j : r*ldc+j+4 : r*ldc+j+4]
			out1 := c[(r+1)*ldc+j : (r+1)*ldc+j+4 : (r+1)*ldc+j+4]
			acc0 := [4]float32{c00, c01, c02, c03}
			acc1 := [4]float32{c10, c11, c12, c13}
			for q := range 4 {
				t0, t1 := alpha*acc0[q], alpha*acc1[q]
				if beta != 0 {
					t0 += beta * out0[q]
					t1 += beta * out1[q]
				}
				out0[q], out1[q] = t0, t1
			}
		}
	}
}
