//go:build !purego

package ising

// bsRowAVX2 updates one row of a BigSpin colour, four words per
// instruction, with the same bits as (*BigSpin).rowGo: dst and up, down the
// rows' first words, same the other colour's row of this band from its
// leading ghost, ngroups = L/8 groups of four words, sh the shift counts
// (ru, 64−ru, rd, 64−rd at 0, 16, 32, 48 bytes), pm the parity mask (four
// copies), rng, thr and masks as in BigSpin.
//
//go:noescape
func bsRowAVX2(dst, up, down, same *uint64, ngroups int, sh *[8]uint64, pm *[4]uint64, rng, thr, masks *uint64)

// bsRowAVX512 is bsRowAVX2 with the AVX-512VL forms.
//
//go:noescape
func bsRowAVX512(dst, up, down, same *uint64, ngroups int, sh *[8]uint64, pm *[4]uint64, rng, thr, masks *uint64)

func bigSpinRowAVX2(g *BigSpin, dst, up, down, same []uint64, ru, rd uint, pm *[4]uint64) {
	g.sh = [8]uint64{uint64(ru), 0, 64 - uint64(ru), 0, uint64(rd), 0, 64 - uint64(rd), 0}
	if g.k512 {
		bsRowAVX512(&dst[1], &up[1], &down[1], &same[0], g.m/4, &g.sh, pm, &g.rng[0], &g.thr[0], &g.masks[0])
		return
	}
	bsRowAVX2(&dst[1], &up[1], &down[1], &same[0], g.m/4, &g.sh, pm, &g.rng[0], &g.thr[0], &g.masks[0])
}
