package thermo

// symmetrize maps the spins of one L×L row by a random translation,
// rotation or reflection and global flip.
func (t *trainer) symmetrize(row []float64) {
	symmetrizeRow(row, t.scratch, t.side, t.symWord(t.rng.Uint64()))
}

// symWord is the random word r of symmetrizeRow with the global flip
// switched off in a field (Field ≠ 0), where the flip is no symmetry; the
// word is drawn either way, so the stream does not depend on Field.
func (t *trainer) symWord(r uint64) uint64 {
	if t.set != nil && t.set.Field != 0 {
		return r &^ 8
	}
	return r
}

// symmetrizeRow maps the spins of one L×L row by the symmetry that the
// random word r selects: bits 0–2 the rotation or reflection, bit 3 the
// global flip, bits 8… and 32… the translation. scratch holds L² values.
func symmetrizeRow[T float32 | float64](row, scratch []T, L int, r uint64) {
	op := int(r & 7)
	sign := T(1 - 2*int(r>>3&1))
	di, dj := int((r>>8)%uint64(L)), int((r>>32)%uint64(L))
	s := scratch[:len(row)]
	copy(s, row)
	for i := 0; i < L; i++ {
		for j := 0; j < L; j++ {
			var a, b int
			switch op {
			case 0:
				a, b = i, j
			case 1:
				a, b = j, L-1-i
			case 2:
				a, b = L-1-i, L-1-j
			case 3:
				a, b = L-1-j, i
			case 4:
				a, b = i, L-1-j
			case 5:
				a, b = L-1-i, j
			case 6:
				a, b = j, i
			case 7:
				a, b = L-1-j, L-1-i
			}
			a += di
			if a >= L {
				a -= L
			}
			b += dj
			if b >= L {
				b -= L
			}
			row[a*L+b] = sign * s[i*L+j]
		}
	}
}
