package rbm

import (
	"errors"
	"fmt"
	"math"
)

// ErrDiverged is returned (wrapped) by Train when training diverges:
// a parameter would become NaN or ±Inf, or the parameters' RMS grows
// beyond the bounds of Train's divergence rule. The model keeps the
// values it had at the end of the last good epoch (see Train).
var ErrDiverged = errors.New("rbm: training diverged")

// The bounds of Train's divergence rule.
const (
	// DivergedGrowth bounds the growth of the parameters' RMS within one
	// epoch, relative to max(RMS at the start of the epoch, 1).
	DivergedGrowth = 100
	// DivergedRMS bounds the parameters' RMS: sigmoid units whose inputs
	// are sums of such weights are saturated, and a model there has left
	// any useful region.
	DivergedRMS = 1e4
)

// paramRMS returns the root mean square of m's trainable parameters.
func paramRMS(m *Model) float64 {
	var ss float64
	n := 0
	w := m.W.RawMatrix()
	for i := 0; i < w.Rows; i++ {
		for _, x := range w.Data[i*w.Stride : i*w.Stride+w.Cols] {
			ss += x * x
		}
		n += w.Cols
	}
	for _, b := range []struct {
		v   []float64
		off bool
	}{{m.VBias, m.NoVBias}, {m.HBias, m.NoHBias}} {
		if b.off {
			continue
		}
		for _, x := range b.v {
			ss += x * x
		}
		n += len(b.v)
	}
	return math.Sqrt(ss / float64(n))
}

// snapshot holds the model's parameters and the optimiser's velocities at
// the start of an epoch, to restore on divergence.
type snapshot struct {
	w, vb, hb    []float64
	vw, vvb, vhb []float64
	epochs       int
}

func (sn *snapshot) take(m *Model, tr *trainer) {
	sn.w = append(sn.w[:0], m.W.RawMatrix().Data...)
	sn.vb = append(sn.vb[:0], m.VBias...)
	sn.hb = append(sn.hb[:0], m.HBias...)
	sn.vw = append(sn.vw[:0], tr.vel.W.RawMatrix().Data...)
	sn.vvb = append(sn.vvb[:0], tr.vel.VBias...)
	sn.vhb = append(sn.vhb[:0], tr.vel.HBias...)
	sn.epochs = m.Hyper.Epochs
}

func (sn *snapshot) restore(m *Model, tr *trainer) {
	copy(m.W.RawMatrix().Data, sn.w)
	copy(m.VBias, sn.vb)
	copy(m.HBias, sn.hb)
	copy(tr.vel.W.RawMatrix().Data, sn.vw)
	copy(tr.vel.VBias, sn.vvb)
	copy(tr.vel.HBias, sn.vhb)
	m.Hyper.Epochs = sn.epochs
}

// checkGrowth is the end-of-epoch part of the divergence rule: if the
// parameters' RMS grew beyond DivergedGrowth × max(r0, 1), r0 the RMS at
// the start of the epoch, or beyond DivergedRMS, it restores the model to
// the start of the epoch and returns ErrDiverged (wrapped).
func (r *run) checkGrowth(epoch int, r0 float64) error {
	if rr := paramRMS(r.m); rr > DivergedGrowth*max(r0, 1) || rr > DivergedRMS {
		r.snap.restore(r.m, r.tr)
		return fmt.Errorf("%w: parameter RMS %.3g at the end of epoch %d (%.3g at its start)", ErrDiverged, rr, epoch, r0)
	}
	return nil
}
