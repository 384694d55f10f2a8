package simd

import (
	"math/bits"
)

// Width is the number of float32 lanes of one vector. Row strides and
// widths handed to the kernels must be multiples of Width.
const Width = 8

const (
	errWidth = panicString("simd: width not a multiple of simd.Width")
	errShort = panicString("simd: slice too short")
)

type panicString string

func (p panicString) Error() string { return string(p) }

// Pad returns n rounded up to a multiple of Width.
func Pad(n int) int { return (n + Width - 1) &^ (Width - 1) }

// Words returns the number of uint64 words of a bit mask of n bits.
func Words(n int) int { return (n + 63) >> 6 }

// MaskSum sets dst[:n] = init[:n] + Σ a[k·lda : k·lda+n] over the set bits k
// of mask (bit k is bit k%64 of mask[k/64]); a nil init means zeros. It is
// the product of a 0/1 row with a matrix, done as a sum of the selected rows.
// n and lda must be multiples of Width; it panics if a slice is too short.
// dst must not overlap a.
func MaskSum(dst, init, a []float32, lda int, mask []uint64, n int) {
	MaskSumRows(dst, n, init, a, lda, mask, len(mask), 1, n)
}

// MaskSumRows is MaskSum for rows rows at once: row r of dst (stride ldd)
// is the sum selected by mask row r, mask[r·mw : (r+1)·mw]. Work is done in
// strips of columns across all rows, so that a strip of a stays in the
// first-level cache. n, ldd and lda must be multiples of Width.
func MaskSumRows(dst []float32, ldd int, init, a []float32, lda int, mask []uint64, mw, rows, n int) {
	if n%Width != 0 || lda%Width != 0 || ldd%Width != 0 {
		panic(errWidth)
	}
	if n == 0 || rows == 0 {
		return
	}
	if len(dst) < (rows-1)*ldd+n || (init != nil && len(init) < n) || len(mask) < rows*mw {
		panic(errShort)
	}
	// The highest selected row must lie inside a: the highest bit of the
	// OR of the rows' masks, word by word from the top.
	top := -1
	for w := mw - 1; w >= 0 && top < 0; w-- {
		var or uint64
		for r := 0; r < rows; r++ {
			or |= mask[r*mw+w]
		}
		if or != 0 {
			top = w*64 + 63 - bits.LeadingZeros64(or)
		}
	}
	if top >= 0 && top*lda+n > len(a) {
		panic(errShort)
	}
	if !useAsm {
		for r := 0; r < rows; r++ {
			maskSumGo(dst[r*ldd:], init, a, lda, mask[r*mw:(r+1)*mw], n)
		}
		return
	}
	var ap *float32
	if len(a) > 0 {
		ap = &a[0]
	}
	var mp *uint64
	if mw > 0 {
		mp = &mask[0]
	}
	// The widest strip (at most 13 vectors, the registers left) whose rows
	// of a all fit in about 40 KB (near the first-level cache) sets the
	// number of passes over the masks; if not even 5 vectors fit, the
	// widest, as the fewest passes. The columns are then shared out evenly
	// among those passes (14 vectors as 7 + 7, not 12 + 1 + 1: a narrow
	// strip pays the walk over the mask bits for few adds). The choice
	// depends on the shapes only, so a row's sum does not depend on the
	// other rows.
	regs := n / Width
	aRows := (len(a) + lda - 1) / lda
	widest := stripWidth(aRows)
	passes := (regs + widest - 1) / widest
	col := 0
	for p := 0; p < passes; p++ {
		w := regs / passes
		if p < regs%passes {
			w++
		}
		var ip *float32
		if init != nil {
			ip = &init[col]
		}
		var aq *float32
		if ap != nil {
			aq = &a[col]
		}
		maskStripAVX2(&dst[col], ldd, ip, aq, lda, mp, mw, rows, w)
		col += w * Width
	}
}

// maxStrip is the widest strip of maskStripAVX2, in vectors.
const maxStrip = 13

// stripWidth returns the widest strip for a matrix of aRows rows: the most
// vectors whose column strip of all rows fits in about 40 KB, or maxStrip
// if fewer than 5 would.
func stripWidth(aRows int) int {
	for w := maxStrip; w >= 5; w-- {
		if aRows*w*Width*4 <= 40<<10 {
			return w
		}
	}
	return maxStrip
}

// Sub sets dst[i] = a[i] − b[i] for i < len(dst). len(dst) must be a
// multiple of Width; it panics if a or b is shorter than dst. Exact (one
// rounding per value), so both kernels give the same bits.
func Sub(dst, a, b []float32) {
	n := len(dst)
	if n%Width != 0 {
		panic(errWidth)
	}
	if len(a) < n || len(b) < n {
		panic(errShort)
	}
	if n == 0 {
		return
	}
	if useAsm {
		subAVX2(&dst[0], &a[0], &b[0], n)
		return
	}
	a, b = a[:n], b[:n]
	for i := range dst {
		dst[i] = a[i] - b[i]
	}
}

// Sigmoid replaces each x[i] by σ(x[i]) = 1/(1 + e^{−x[i]}). len(x) must be
// a multiple of Width. The absolute error is below 2e-7 everywhere (σ is
// computed from a float32 exponential with a relative error near 1e-7).
func Sigmoid(x []float32) {
	if len(x)%Width != 0 {
		panic(errWidth)
	}
	if len(x) == 0 {
		return
	}
	if useAsm {
		sigmoidAVX2(&x[0], len(x), nil, nil, 1, 0, 0)
		return
	}
	sigmoidGo(x, nil, nil)
}

// SigmoidSample replaces each x[i] by p = σ(x[i]) and sets bit i of mask to
// 1 with probability p: the bit is u < p for a uniform u = k·2⁻²⁴ drawn from
// r (k a 24-bit integer), so the probability of a 1 is p rounded down to a
// multiple of 2⁻²⁴ (bias below 6e-8). len(x) must be a multiple of Width;
// bits from n = min(len(x), nbits) on are cleared, as are the words of mask
// after them. mask must have at least Words(len(x)) words.
func SigmoidSample(x []float32, mask []uint64, nbits int, r *RNG) {
	if len(x)%Width != 0 {
		panic(errWidth)
	}
	if len(mask) < Words(len(x)) {
		panic(errShort)
	}
	if len(x) > 0 {
		if useAsm {
			sigmoidAVX2(&x[0], len(x), &mask[0], r, 1, 0, 0)
		} else {
			sigmoidGo(x, mask, r)
		}
	}
	nbits = min(nbits, len(x))
	w := nbits >> 6
	if w < len(mask) {
		if b := nbits & 63; b != 0 {
			mask[w] &= 1<<b - 1
			w++
		}
		clear(mask[w:])
	}
}

// SigmoidSampleRows is SigmoidSample on rows rows at once: row i is
// x[i·ldx : i·ldx+n] with its bits in mask[i·mw : (i+1)·mw], the rows done
// in order from one generator, exactly as rows calls of SigmoidSample
// would. n and ldx must be multiples of Width and mw ≥ Words(n).
func SigmoidSampleRows(x []float32, ldx, n int, mask []uint64, mw, nbits, rows int, r *RNG) {
	if n%Width != 0 || ldx%Width != 0 {
		panic(errWidth)
	}
	if rows == 0 {
		return
	}
	if mw < Words(n) || len(mask) < rows*mw || len(x) < (rows-1)*ldx+n {
		panic(errShort)
	}
	if useAsm && n > 0 {
		sigmoidAVX2(&x[0], n, &mask[0], r, rows, ldx, mw)
		nbits = min(nbits, n)
		for i := 0; i < rows; i++ {
			m := mask[i*mw : (i+1)*mw]
			w := nbits >> 6
			if b := nbits & 63; b != 0 {
				m[w] &= 1<<b - 1
				w++
			}
			clear(m[w:])
		}
		return
	}
	for i := 0; i < rows; i++ {
		SigmoidSample(x[i*ldx:i*ldx+n], mask[i*mw:(i+1)*mw], nbits, r)
	}
}

// RNG is eight xoshiro128+ generators (Blackman and Vigna), one per vector
// lane, whose top 24 bits make the uniforms of SigmoidSample. The state is
// plain data: copying an RNG copies the stream.
type RNG struct {
	s [4][Width]uint32
}

// Seed sets the eight lanes from one 64-bit seed through SplitMix64.
func (r *RNG) Seed(seed uint64) {
	for i := range r.s {
		for l := 0; l < Width; l += 2 {
			seed += 0x9e3779b97f4a7c15
			z := seed
			z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
			z = (z ^ z>>27) * 0x94d049bb133111eb
			z ^= z >> 31
			r.s[i][l], r.s[i][l+1] = uint32(z), uint32(z>>32)
		}
	}
	// xoshiro's all-zero state is a fixed point; SplitMix64 makes it
	// astronomically unlikely, but a lane must never be stuck.
	for l := 0; l < Width; l++ {
		if r.s[0][l]|r.s[1][l]|r.s[2][l]|r.s[3][l] == 0 {
			r.s[0][l] = 1
		}
	}
}

// Next returns the next 32-bit output of each lane, advancing the state as
// SigmoidSample does for each vector of eight values.
func (r *RNG) Next() (out [Width]uint32) {
	s := &r.s
	for l := 0; l < Width; l++ {
		s0, s1, s2, s3 := s[0][l], s[1][l], s[2][l], s[3][l]
		out[l] = s0 + s3
		t := s1 << 9
		s2 ^= s0
		s3 ^= s1
		s1 ^= s2
		s0 ^= s3
		s2 ^= t
		s3 = bits.RotateLeft32(s3, 11)
		s[0][l], s[1][l], s[2][l], s[3][l] = s0, s1, s2, s3
	}
	return out
}

// RowMask sets dst[:Words(len(row))] to the bit mask of a row of 0/1
// values (bit j is 1 where row[j] == 1) and reports whether every value was
// 0 or 1 (−0 counts as 0). dst must have Words(len(row)) words.
func RowMask(dst []uint64, row []float64) bool {
	nw := Words(len(row))
	if len(dst) < nw {
		panic(errShort)
	}
	if !useAsm || len(row) < 4 {
		return rowMaskGo(dst[:nw], row)
	}
	q := len(row) >> 2
	ok := rowMaskAVX2(&dst[0], &row[0], q)
	// The last len(row) mod 4 values, into the last word (which the
	// assembly has stored, or left to this loop if it ends on a word).
	lo := q << 2
	if lo == len(row) {
		return ok
	}
	w := lo >> 6
	word := dst[w]
	if lo&63 == 0 {
		word = 0
	}
	for j := lo; j < len(row); j++ {
		x := row[j]
		if x == 1 {
			word |= 1 << (j & 63)
		} else if x != 0 {
			ok = false
		}
	}
	dst[w] = word
	return ok
}

func rowMaskGo(dst []uint64, row []float64) bool {
	bad := false
	for w := range dst {
		lo := w << 6
		part := row[lo:min(lo+64, len(row))]
		var word uint64
		for j, x := range part {
			if x == 1 {
				word |= 1 << j
			} else if x != 0 {
				bad = true
			}
		}
		dst[w] = word
	}
	return !bad
}

// MaskRow writes the bits of mask as 0/1 values into row: row[j] is bit j.
// mask must have Words(len(row)) words.
func MaskRow(row []float64, mask []uint64) {
	if len(mask) < Words(len(row)) {
		panic(errShort)
	}
	q := 0
	if useAsm {
		q = len(row) >> 2
		if q > 0 {
			maskRowAVX2(&row[0], &mask[0], q)
		}
	}
	for j := q << 2; j < len(row); j++ {
		row[j] = float64(mask[j>>6] >> (j & 63) & 1)
	}
}
