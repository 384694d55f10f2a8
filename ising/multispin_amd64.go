//go:build !purego

package ising

import "golang.org/x/sys/cpu"

// useMultiSpinAVX2 selects the AVX2 multi-spin kernels; useMultiSpinAVX512
// their AVX-512VL forms (the same bits in fewer instructions: one-op
// rotations, three-input logic, write masks for the per-word blends).
var (
	useMultiSpinAVX2   = cpu.X86.HasAVX2
	useMultiSpinAVX512 = cpu.X86.HasAVX2 && cpu.X86.HasAVX512F && cpu.X86.HasAVX512VL
)

// msSweepAVX2 performs one sweep of the multi-spin kernel, four words at a
// time: nsites visits of order (5 byte offsets each), ngroups groups of
// four words, stride = 8·words per site. It computes the same bits as
// sweepGo.
//
//go:noescape
func msSweepAVX2(spins *uint64, order *uint32, nsites, ngroups, stride int, rng, thr, masks *uint64)

// msSweepAVX512 is msSweepAVX2 with the AVX-512VL forms.
//
//go:noescape
func msSweepAVX512(spins *uint64, order *uint32, nsites, ngroups, stride int, rng, thr, masks *uint64)

func multiSpinSweepAVX2(m *MultiSpin) {
	if m.k512 {
		msSweepAVX512(&m.spins[0], &m.order[0], len(m.order)/5, m.nw/4, m.nw*8, &m.rng[0], &m.thr[0], &m.masks[0])
		return
	}
	msSweepAVX2(&m.spins[0], &m.order[0], len(m.order)/5, m.nw/4, m.nw*8, &m.rng[0], &m.thr[0], &m.masks[0])
}
