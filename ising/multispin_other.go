//go:build purego || !amd64

package ising

// useMultiSpinAVX2 and useMultiSpinAVX512 are false without the amd64
// assembly.
const (
	useMultiSpinAVX2   = false
	useMultiSpinAVX512 = false
)

func multiSpinSweepAVX2(m *MultiSpin) { m.sweepGo() }
