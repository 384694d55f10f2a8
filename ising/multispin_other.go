//go:build purego || !amd64

package ising

// useMultiSpinAVX2 is false without the amd64 assembly.
const useMultiSpinAVX2 = false

func multiSpinSweepAVX2(m *MultiSpin) { m.sweepGo() }
