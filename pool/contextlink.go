package pool

import (
	"context"
	"sync"
	"sync/atomic"
)

// contextLink ties an owner (a group, a subpool) to the context of the pool
// that runs its tasks, so that the owner ends when that context does. The
// link is made once, by the owner's first task to run: a worker is the only
// place that sees the pool's context. Every later task pays one atomic load.
//
// Its methods take the owner's mutex, which guards stop: a lock of its own
// would make a Group a size class larger.
type contextLink struct {
	linked atomic.Bool // once ran: the context is watched, if it can end
	stop   func() bool // stops the watch; nil if none, or after unlink
}

// once makes onEnd run with pctx's cause when pctx ends, the first time it
// is called; later calls do nothing. mu is the owner's mutex, not held.
func (l *contextLink) once(mu *sync.Mutex, pctx context.Context, onEnd func(cause error)) {
	if !l.linked.Load() {
		l.link(mu, pctx, onEnd)
	}
}

// link is once's slow path, apart so that once inlines.
func (l *contextLink) link(mu *sync.Mutex, pctx context.Context, onEnd func(cause error)) {
	mu.Lock()
	if !l.linked.Load() {
		if pctx.Done() != nil {
			l.stop = context.AfterFunc(pctx, func() { onEnd(context.Cause(pctx)) })
		}
		l.linked.Store(true)
	}
	mu.Unlock()
}

// unlink stops watching the context, so that a finished owner is not kept
// alive by it, and for good: a once called after it (a late task of a
// subpool's, still on its way out) links nothing. It is idempotent. mu is
// the owner's mutex, not held.
func (l *contextLink) unlink(mu *sync.Mutex) {
	mu.Lock()
	stop := l.stop
	l.stop = nil
	l.linked.Store(true)
	mu.Unlock()
	if stop != nil {
		stop()
	}
}
