package channel

import (
	"runtime"
	"sync"
	"time"
)

// The timer flavors are ordinary channels fed by the runtime's timers: After
// and Tick are one-slot bounded channels that a time.AfterFunc callback sends
// to, and Never is a rendezvous channel nobody sends on. Being ordinary
// receivers, they work everywhere a receiver does, Select included, and cost
// no goroutine.

// After returns a receiver that delivers the time once, after d, then stays
// empty and connected. A d of zero or less delivers at once: the value is
// there when After returns. Closing the receiver stops the timer, and so
// does dropping it: once every handle to it is unreachable, the timer is
// stopped and its memory reclaimed.
func After(d time.Duration) *Receiver[time.Time] {
	tx, rx := Bounded[time.Time](1)
	if d <= 0 {
		// Ready before After returns, like crossbeam's after(0): a timer
		// would deliver a moment later, on another goroutine.
		tx.c.f.trySend(time.Now())
		return rx
	}
	t := time.AfterFunc(d, func() { tx.c.f.trySend(time.Now()) })
	rx.c.stop = func() { t.Stop() }
	untilUnreachable(rx)
	return rx
}

// Tick returns a receiver that delivers the time every d, like
// time.Ticker: a slow receiver finds at most one tick waiting, and the ticks
// it missed are dropped. Closing the receiver stops the ticker, and so does
// dropping it, as for time.Tick since Go 1.23: once every handle to it is
// unreachable, the ticker stops. A d of zero or less panics, as
// time.NewTicker does.
func Tick(d time.Duration) *Receiver[time.Time] {
	if d <= 0 {
		panic("channel: non-positive interval passed to Tick")
	}
	tx, rx := Bounded[time.Time](1)
	tk := &ticker{f: tx.c.f, every: d, next: time.Now().Add(d)}
	tk.mu.Lock()
	tk.t = time.AfterFunc(d, tk.fire)
	tk.mu.Unlock()
	rx.c.stop = tk.stop
	untilUnreachable(rx)
	return rx
}

// untilUnreachable counts rx among its timer channel's receiver handles and
// stops the timer once the garbage collector has found every one of them
// unreachable. A timer re-arms itself from the runtime's timer heap, which
// keeps the channel (but not the handles) alive, so without this an
// unclosed, forgotten Tick would fire forever. The cleanup holds the core,
// never the handle, so it does not keep the handle alive itself.
func untilUnreachable[T any](rx *Receiver[T]) {
	rx.c.reachable.Add(1)
	runtime.AddCleanup(rx, func(c *core[T]) {
		if c.reachable.Add(-1) == 0 {
			c.stop()
		}
	}, rx.c)
}

// ticker re-arms its one timer after every tick, keeping to the phase set
// at the start and skipping the ticks that fell in the past.
type ticker struct {
	f       flavor[time.Time]
	every   time.Duration
	mu      sync.Mutex // guards t, next and stopped against fire running late
	t       *time.Timer
	next    time.Time
	stopped bool
}

func (tk *ticker) fire() {
	now := time.Now()
	if tk.f.trySend(now) == gone {
		return
	}
	tk.mu.Lock()
	defer tk.mu.Unlock()
	if tk.stopped {
		return
	}
	tk.next = tk.next.Add(tk.every)
	if !tk.next.After(now) {
		tk.next = now.Add(tk.every - now.Sub(tk.next)%tk.every)
	}
	tk.t.Reset(tk.next.Sub(now))
}

func (tk *ticker) stop() {
	tk.mu.Lock()
	tk.stopped = true
	tk.t.Stop()
	tk.mu.Unlock()
}

// Never returns a receiver that never delivers and never disconnects: a
// receive on it waits until its own time limit or context ends. In a Select
// it is a case that never fires, handy for switching a case off.
func Never[T any]() *Receiver[T] {
	_, rx := Bounded[T](0)
	return rx
}
