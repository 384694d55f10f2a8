//go:build purego || !amd64

package ising

func bigSpinRowAVX2(g *BigSpin, dst, up, down, same []uint64, ru, rd uint, pm *[4]uint64) {
	g.rowGo(dst[1:g.m+1], up[1:g.m+1], down[1:g.m+1], same, ru, rd, pm[0])
}
