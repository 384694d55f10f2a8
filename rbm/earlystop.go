package rbm

// earlyStop is the state of early stopping: the best-scored model so far
// (a copy), its epoch and score, the scored epochs since, and whether the
// run has stopped.
type earlyStop struct {
	best      *Model
	bestEpoch int
	bestScore float64
	since     int
	stopped   bool
}

// add records the score sc of m after epoch.
func (es *earlyStop) add(m *Model, epoch int, sc float64, patience int) {
	if sc < es.bestScore {
		if es.best == nil {
			es.best = m.Clone()
		} else {
			es.best.W.Copy(m.W)
			copy(es.best.VBias, m.VBias)
			copy(es.best.HBias, m.HBias)
			es.best.Hyper = m.Hyper
		}
		es.bestEpoch, es.bestScore, es.since = epoch, sc, 0
	} else {
		es.since++
	}
	es.stopped = es.since >= patience
}

// keepBest puts the best-scored model, if any, into m; if early stopping
// ended the run, its Hyper.StoppedAt is last, the last epoch trained.
func (es *earlyStop) keepBest(m *Model, last int) {
	b := es.best
	if b == nil {
		return
	}
	m.W.Copy(b.W)
	copy(m.VBias, b.VBias)
	copy(m.HBias, b.HBias)
	m.Hyper = b.Hyper
	if es.stopped {
		m.Hyper.StoppedAt = last
	}
}
