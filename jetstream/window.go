package jetstream

import (
	"context"
	"sync"
)

// window bounds the sends one Sender family has in flight, and adapts the
// bound to the stream. While the stream has room the window is wide, so
// concurrent sends pipeline on the connection. The first refusal for a full
// stream shrinks it to one: a single send, the probe, keeps its slot and
// retries with back-off, while every other send waits for a slot instead of
// hammering the server (an async window wider than the free space made the
// raw client storm at 2.6k refusals a second). Each success doubles the
// window again, up to its maximum.
type window struct {
	mu       sync.Mutex
	limit    int
	max      int
	inflight int
	waiters  int
	wake     chan struct{} // closed and replaced when a slot may have freed
}

func newWindow(max int) *window {
	return &window{limit: max, max: max, wake: make(chan struct{})}
}

// acquire takes a slot, waiting while the window is full, until ctx is done.
func (w *window) acquire(ctx context.Context) error {
	w.mu.Lock()
	for w.inflight >= w.limit {
		wake := w.wake
		w.waiters++
		w.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			w.mu.Lock()
			w.waiters--
			w.mu.Unlock()
			return ctx.Err()
		}
		w.mu.Lock()
		w.waiters--
	}
	w.inflight++
	w.mu.Unlock()
	return nil
}

// release gives a slot back; ok reports that the send was stored, which
// widens the window.
func (w *window) release(ok bool) {
	w.mu.Lock()
	w.inflight--
	if ok && w.limit < w.max {
		w.limit = min(2*w.limit, w.max)
	}
	w.signal()
	w.mu.Unlock()
}

// full records a refusal for a full stream. It reports whether the caller
// is the probe and keeps its slot; otherwise the slot was given back and
// the caller must acquire one again before its next attempt.
func (w *window) full() (probe bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.limit = 1
	if w.inflight > 1 {
		w.inflight--
		return false
	}
	return true
}

func (w *window) signal() {
	if w.waiters > 0 {
		close(w.wake)
		w.wake = make(chan struct{})
	}
}
