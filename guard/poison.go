package guard

import (
	"errors"
	"fmt"
	"sync/atomic"
)

// ErrPoisoned reports that a goroutine panicked while it held the write lock,
// so the protected value may be half updated. Lock and RLock return it
// together with a working guard; With and RWith return it instead of running
// their function. A write guard's ClearPoison ends it.
var ErrPoisoned = errors.New("guard: poisoned: a goroutine panicked while holding the lock")

// poison records whether a Mutex is poisoned (RWMutex keeps one atomic flag;
// see its poisoned field). err is what the lock methods return; it is read
// and written only under the lock, as a
// plain field, which keeps Mutex.Lock within the compiler's inlining budget,
// and that is most of its speed. flag says the same for IsPoisoned, which
// needs no lock. pending carries a Mutex-level ClearPoison made while the
// lock was held (Rust's idiom clears the poison while holding the guard a
// poisoned lock gave) to the holder's unlock, which settles it.
type poison struct {
	err     error // nil or ErrPoisoned
	flag    atomic.Bool
	pending atomic.Bool
}

// set and clear run under the write lock.
func (p *poison) set() {
	p.err = ErrPoisoned
	p.flag.Store(true)
	p.pending.Store(false)
}

func (p *poison) clear() {
	p.err = nil
	p.flag.Store(false)
	p.pending.Store(false)
}

// requestClear clears the poison for IsPoisoned at once, and for the lock
// methods at the next settle.
func (p *poison) requestClear() {
	p.flag.Store(false)
	p.pending.Store(true)
}

// settle applies a pending clear. It runs under the write lock, just before
// the lock is released.
func (p *poison) settle() {
	if p.pending.Load() {
		p.clear()
	}
}

// writeLocker is the write side of sync.Mutex.
type writeLocker interface {
	TryLock() bool
	Unlock()
}

// settleAfter runs right after every unlock, and in ClearPoison. It closes
// the race between an unlock and a ClearPoison made without the lock: the
// unlocker's settle can read pending before ClearPoison sets it, and
// ClearPoison's TryLock can fail because the unlocker still holds the lock.
// Each of the two sets or releases before it checks the other's step
// (pending is stored before TryLock; the lock is released before pending is
// loaded here), and Go's atomics are sequentially consistent, so at least
// one of them sees the other and settles. If its TryLock fails, whoever
// holds the lock took it after pending was set, and settles on its own
// unlock. No clear is lost: once both calls return, the next Lock sees it.
func (p *poison) settleAfter(l writeLocker) {
	if p.pending.Load() && l.TryLock() {
		p.settle()
		l.Unlock()
	}
}

// misuse panics for a guard used without holding its lock. A panic already
// in flight (recovered by a deferred Unlock) is named in the message, so that
// it is not lost behind ours.
func misuse(msg string, inFlight any) {
	if inFlight != nil {
		panic(fmt.Sprintf("%s (while panicking: %v)", msg, inFlight))
	}
	panic(msg)
}
