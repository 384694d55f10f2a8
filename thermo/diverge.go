package thermo

import (
	"errors"
	"math"
)

// ErrDiverged is returned (wrapped) by Train when training diverges (see
// Train for the rule). The network is left at the weights of the last good
// epoch.
var ErrDiverged = errors.New("thermo: training diverged")

// The bounds of Train's divergence rule.
const (
	// DivergedLoss bounds an epoch's mean training loss, relative to the
	// loss of the uniform prediction 1/K (log K for CrossEntropy).
	DivergedLoss = 10
	// DivergedGrowth bounds the growth of the parameters' RMS within one
	// epoch, relative to max(RMS at the start of the epoch, 1).
	DivergedGrowth = 100
)

// uniformLoss returns the loss of the uniform prediction p_k = 1/K.
func uniformLoss(l Loss, K int) float64 {
	if l == BinaryCrossEntropy {
		return -math.Log(1/float64(K)) - float64(K-1)*math.Log1p(-1/float64(K))
	}
	return math.Log(float64(K))
}

// rms returns the root mean square of p.
func rms(p []float64) float64 {
	var ss float64
	for _, x := range p {
		ss += x * x
	}
	return math.Sqrt(ss / float64(max(len(p), 1)))
}
