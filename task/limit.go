package task

// limiter is a counting semaphore whose waiters can leave the queue, which is
// what lets Group.Spawn give up when the context ends. A buffered channel
// would do the counting, but not a limit changed while functions run. It is
// guarded by the Group's mutex.
type limiter struct {
	limit   int // <= 0: no limit
	running int
	waiters []chan struct{} // FIFO; a waiter's channel is closed to grant it a slot
}

func (l *limiter) free() bool {
	return l.limit <= 0 || l.running < l.limit
}

// tryAcquire takes a slot unless one is free only by jumping the queue.
func (l *limiter) tryAcquire() bool {
	if len(l.waiters) == 0 && l.free() {
		l.running++
		return true
	}
	return false
}

func (l *limiter) enqueue() chan struct{} {
	w := make(chan struct{})
	l.waiters = append(l.waiters, w)
	return w
}

// dequeue removes w from the queue. It reports false if w was not there,
// because it had been granted a slot already.
func (l *limiter) dequeue(w chan struct{}) bool {
	for i, x := range l.waiters {
		if x == w {
			l.waiters = append(l.waiters[:i], l.waiters[i+1:]...)
			return true
		}
	}
	return false
}

func (l *limiter) release() {
	l.running--
	l.grant()
}

func (l *limiter) setLimit(n int) {
	l.limit = n
	l.grant()
}

// grant hands free slots to waiters, oldest first. The slot is counted here,
// not by the woken waiter, so no one can take it in between.
func (l *limiter) grant() {
	for len(l.waiters) > 0 && l.free() {
		w := l.waiters[0]
		l.waiters[0] = nil
		l.waiters = l.waiters[1:]
		l.running++
		close(w)
	}
}
