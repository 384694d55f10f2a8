package rbm

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// task is one parallel loop body; run(i) handles work unit i. Units must
// not depend on which goroutine runs them, so results are identical for any
// GOMAXPROCS.
type task interface{ run(i int) }

// parFor runs a task over n units on the calling goroutine plus up to
// GOMAXPROCS−1 helpers from a package-wide pool of idle goroutines. A parFor
// is reused between calls (it is a field of a long-lived value), so a call
// does not allocate once the pool has started.
type parFor struct {
	t      task
	n      int64
	next   atomic.Int64
	active atomic.Int32 // helpers inside work
	closed atomic.Bool  // no call in progress: a helper arriving now leaves
}

// spinIters bounds how long an idle helper, or a caller waiting for its
// helpers, polls before it blocks. A batch of the float32 trainer has
// several parallel phases of tens of microseconds each; waking a parked
// goroutine costs about as much, so helpers poll for roughly 50 µs after
// each job before they park.
const spinIters = 2000

var pool struct {
	mu      sync.Mutex
	workers int
	jobs    chan *parFor
}

func ensureWorkers(n int) {
	pool.mu.Lock()
	defer pool.mu.Unlock()
	if pool.jobs == nil {
		pool.jobs = make(chan *parFor, 1024)
	}
	for pool.workers < n {
		pool.workers++
		go func() {
			for {
				p := nextJob()
				p.help()
			}
		}()
	}
}

// nextJob returns the next job, polling for a while before it blocks.
func nextJob() *parFor {
	for range spinIters {
		select {
		case p := <-pool.jobs:
			return p
		default:
			runtime.Gosched()
		}
	}
	return <-pool.jobs
}

// help runs work for the call in progress on p, if any. A helper that
// arrives after the caller has finished every unit leaves at once, so the
// caller never waits for a helper that had not started.
func (p *parFor) help() {
	p.active.Add(1)
	if !p.closed.Load() {
		p.work()
	}
	p.active.Add(-1)
}

func (p *parFor) work() {
	for {
		i := p.next.Add(1) - 1
		if i >= p.n {
			return
		}
		p.t.run(int(i))
	}
}

// do runs t.run(i) for i in [0, n) and returns when all have finished.
// Tasks must not call do recursively on the same parFor.
func (p *parFor) do(t task, n int) {
	helpers := min(runtime.GOMAXPROCS(0), n) - 1
	if helpers <= 0 {
		for i := 0; i < n; i++ {
			t.run(i)
		}
		return
	}
	ensureWorkers(helpers)
	p.t, p.n = t, int64(n)
	p.next.Store(0)
	p.closed.Store(false)
	for range helpers {
		pool.jobs <- p
	}
	p.work()
	// Every unit has been claimed; wait only for helpers still inside
	// work (they may hold a unit).
	p.closed.Store(true)
	for p.active.Load() != 0 {
		runtime.Gosched()
	}
	p.t = nil
}

// blocks returns the number of blockRows-row blocks covering n rows.
func blocks(n int) int { return (n + blockRows - 1) / blockRows }

// blockRange returns the row range of block b of n rows. The n rows are
// split as evenly as possible into blocks(n) blocks of at most blockRows
// rows, so that, say, a batch of 100 is two blocks of 50; the split depends
// only on n, never on GOMAXPROCS.
func blockRange(b, n int) (lo, hi int) {
	nb := blocks(n)
	return b * n / nb, (b + 1) * n / nb
}

// funcTask adapts a closure to task for code paths that are not hot.
type funcTask func(i int)

func (f funcTask) run(i int) { f(i) }

// parallel runs f(i) for i in [0, n) in parallel; for code outside hot loops.
func parallel(n int, f func(i int)) {
	var p parFor
	p.do(funcTask(f), n)
}
