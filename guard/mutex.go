package guard

import "sync"

// Mutex is a mutual exclusion lock that owns a value of type T: the value is
// reached only through the Guard that Lock returns, or inside With.
//
// The zero value is an unlocked Mutex holding the zero T. A Mutex must not be
// copied after first use (go vet reports copies).
type Mutex[T any] struct {
	mu     sync.Mutex
	held   bool // written only by the holder; see Guard.Value
	poison poison
	v      T
}

// Guard is the proof that a Mutex is held, and the way to its value.
//
// A Guard is its Mutex seen from the holder's side: Lock returns the Mutex
// itself under this type, so locking allocates nothing, and every holder in
// turn gets the same pointer.
type Guard[T any] Mutex[T]

// NewMutex returns an unlocked Mutex that owns v.
func NewMutex[T any](v T) *Mutex[T] {
	return &Mutex[T]{v: v}
}

// Lock blocks until the mutex is free, locks it and returns its guard. The
// error is ErrPoisoned if a panic poisoned the mutex earlier: the lock is
// held all the same and the guard works, so the caller can inspect or repair
// the value and call the guard's ClearPoison. Release the lock with Unlock,
// preferably with `defer g.Unlock()`, which also poisons on panic.
func (m *Mutex[T]) Lock() (*Guard[T], error) {
	// Keep this within the compiler's inlining budget: inlined, Lock costs
	// no more than sync.Mutex.Lock. Measured by BenchmarkMutex.
	m.mu.Lock()
	m.held = true
	return (*Guard[T])(m), m.poison.err
}

// TryLock locks the mutex if it is free, without waiting, and reports
// whether it did; on false the guard is nil. It keeps the shape of
// sync.Mutex.TryLock, so it says nothing of poisoning: call IsPoisoned when
// that matters.
func (m *Mutex[T]) TryLock() (*Guard[T], bool) {
	if !m.mu.TryLock() {
		return nil, false
	}
	m.held = true
	return (*Guard[T])(m), true
}

// With locks the mutex, calls fn with the value, unlocks and returns fn's
// error. If fn panics or calls runtime.Goexit, the mutex is poisoned and
// unlocked, and the panic goes on unchanged (with its original stack: With
// does not need to recover it).
//
// On a poisoned mutex With returns ErrPoisoned without calling fn: fn was
// written for a consistent value, and With has no way to tell it that the
// value may not be. Lock is the way to repair a poisoned mutex. With panics
// if fn is nil.
func (m *Mutex[T]) With(fn func(v *T) error) error {
	if fn == nil {
		panic("guard: nil function passed to With")
	}
	m.mu.Lock()
	m.poison.settle()
	if m.poison.err != nil {
		m.mu.Unlock()
		m.poison.settleAfter(&m.mu)
		return ErrPoisoned
	}
	normal := false
	defer func() {
		if !normal {
			m.poison.set()
		}
		m.poison.settle()
		m.mu.Unlock()
		m.poison.settleAfter(&m.mu)
	}()
	err := fn(&m.v)
	normal = true
	return err
}

// ClearPoison declares the value consistent again. It may be called with or
// without the lock: without it, or on a free mutex, it takes effect at once;
// while a guard is held (the caller's own, as in Rust's
// `lock().unwrap_or_else(|e| { m.clear_poison(); e.into_inner() })`, or
// another goroutine's), IsPoisoned reports false at once and Lock stops
// returning ErrPoisoned when that guard unlocks. A panic that poisons the
// mutex after the call wins over it.
func (m *Mutex[T]) ClearPoison() {
	m.poison.requestClear()
	m.poison.settleAfter(&m.mu)
}

// IsPoisoned reports whether a panic poisoned the mutex and no ClearPoison
// has been called since. Without the lock held, the answer may be stale by
// the time it is used.
func (m *Mutex[T]) IsPoisoned() bool {
	return m.poison.flag.Load()
}

// Value returns a pointer to the protected value. The pointer is valid until
// Unlock; keeping it longer is a data race that no type can prevent.
//
// Value panics if the guard has been unlocked. Only misuse that races with
// nobody is caught that way: once another goroutine has locked the mutex,
// a stale guard is the same pointer as that goroutine's (the race detector
// reports such use).
func (g *Guard[T]) Value() *T {
	if !g.held {
		panic("guard: Value called on a Guard after Unlock")
	}
	return &g.v
}

// ClearPoison declares the value consistent again, typically after a Lock
// that returned ErrPoisoned and a repair through Value. It is a guard method,
// not a Mutex one, so that the lock is held from the repair to the clearing:
// no other goroutine can see the repaired value still poisoned, or a cleared
// value not yet repaired.
func (g *Guard[T]) ClearPoison() {
	if !g.held {
		panic("guard: ClearPoison called on a Guard after Unlock")
	}
	g.poison.clear()
}

// Unlock releases the mutex; the guard must not be used afterwards.
//
// Called directly by defer (`defer g.Unlock()`, not inside a func literal),
// Unlock also sees a panic in flight: it poisons the mutex, releases it and
// panics again with the same value. runtime.Goexit is not a panic, and
// Unlock cannot see it: the mutex is released unpoisoned (With does see it).
// Unlock panics if the guard is already unlocked.
func (g *Guard[T]) Unlock() {
	// recover returns non-nil only when Unlock was deferred directly and
	// the goroutine is panicking; a normal call pays almost nothing.
	r := recover()
	if !g.held {
		misuse("guard: Unlock called on a Guard that is not locked", r)
	}
	g.held = false
	if r != nil {
		g.poison.set()
		g.mu.Unlock()
		panic(r)
	}
	g.poison.settle()
	g.mu.Unlock()
	g.poison.settleAfter(&g.mu)
}
