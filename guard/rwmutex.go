package guard

import "sync"

// RWMutex is a reader/writer lock that owns a value of type T: any number of
// readers or one writer at a time. Only a panic under the write lock poisons
// it; a reader cannot have broken the value.
//
// The zero value is an unlocked RWMutex holding the zero T. An RWMutex must
// not be copied after first use.
type RWMutex[T any] struct {
	rw     sync.RWMutex
	held   bool // write-held; written only by the writer
	poison poison
	v      T
}

// WriteGuard is the proof that an RWMutex is write-locked: like Guard, it is
// the RWMutex itself seen from the writer's side.
type WriteGuard[T any] RWMutex[T]

// ReadGuard is the proof that an RWMutex is read-locked. Many exist at once,
// so it is a small value rather than a pointer into the RWMutex: RLock
// allocates nothing. Keep it in a variable and call its methods there; do not
// copy it (go vet reports copies), because a copy cannot see that the
// original was unlocked, and would unlock the RWMutex a second time.
type ReadGuard[T any] struct {
	_ noCopy
	m *RWMutex[T] // nil once unlocked, or when TryRLock failed
}

// NewRWMutex returns an unlocked RWMutex that owns v.
func NewRWMutex[T any](v T) *RWMutex[T] {
	return &RWMutex[T]{v: v}
}

// Lock write-locks the mutex, waiting for readers and writers to leave, and
// returns its guard, with ErrPoisoned if the mutex is poisoned (the lock is
// held all the same, as with Mutex.Lock).
func (m *RWMutex[T]) Lock() (*WriteGuard[T], error) {
	m.rw.Lock()
	m.held = true
	return (*WriteGuard[T])(m), m.poison.err
}

// TryLock write-locks the mutex if that needs no waiting, and reports
// whether it did; on false the guard is nil. As with Mutex.TryLock, call
// IsPoisoned to learn about poisoning.
func (m *RWMutex[T]) TryLock() (*WriteGuard[T], bool) {
	if !m.rw.TryLock() {
		return nil, false
	}
	m.held = true
	return (*WriteGuard[T])(m), true
}

// RLock read-locks the mutex and returns a read guard, with ErrPoisoned if
// the mutex is poisoned (the read lock is held all the same). As with
// sync.RWMutex, a goroutine must not read-lock again while it holds a read
// lock: a writer waiting in between would deadlock both.
func (m *RWMutex[T]) RLock() (ReadGuard[T], error) {
	m.rw.RLock()
	return ReadGuard[T]{m: m}, m.poison.err
}

// TryRLock read-locks the mutex if that needs no waiting, and reports
// whether it did; on false the guard holds nothing. Call IsPoisoned to learn
// about poisoning.
func (m *RWMutex[T]) TryRLock() (ReadGuard[T], bool) {
	if !m.rw.TryRLock() {
		return ReadGuard[T]{}, false
	}
	return ReadGuard[T]{m: m}, true
}

// With write-locks the mutex, calls fn with the value and unlocks. It
// behaves as Mutex.With does, poisoning included.
func (m *RWMutex[T]) With(fn func(v *T) error) error {
	if fn == nil {
		panic("guard: nil function passed to With")
	}
	m.rw.Lock()
	m.poison.settle()
	if m.poison.err != nil {
		m.rw.Unlock()
		m.poison.settleAfterWait(&m.rw)
		return ErrPoisoned
	}
	normal := false
	defer func() {
		if !normal {
			m.poison.set()
		}
		m.poison.settle()
		m.rw.Unlock()
		m.poison.settleAfterWait(&m.rw)
	}()
	err := fn(&m.v)
	normal = true
	return err
}

// RWith read-locks the mutex, calls fn with the value and unlocks. fn gets a
// pointer to spare copying a large T, not to write through it: writing under
// a read lock races with the other readers. A panic in fn unlocks and goes
// on, and does not poison. On a poisoned mutex RWith returns ErrPoisoned
// without calling fn.
func (m *RWMutex[T]) RWith(fn func(v *T) error) error {
	if fn == nil {
		panic("guard: nil function passed to RWith")
	}
	m.rw.RLock()
	defer func() {
		m.rw.RUnlock()
		m.poison.settleAfterWait(&m.rw)
	}()
	if m.poison.flag.Load() {
		return ErrPoisoned
	}
	return fn(&m.v)
}

// ClearPoison declares the value consistent again, with or without a lock
// held, as Mutex.ClearPoison does. While any guard is held, Lock and RLock
// stop returning ErrPoisoned once a writer unlocks, or at once if no lock is
// held; IsPoisoned reports false at once.
func (m *RWMutex[T]) ClearPoison() {
	m.poison.requestClear()
	m.poison.settleAfter(&m.rw)
}

// IsPoisoned reports whether a panic under the write lock poisoned the mutex
// and no ClearPoison has been called since.
func (m *RWMutex[T]) IsPoisoned() bool {
	return m.poison.flag.Load()
}

// Value returns a pointer to the protected value, valid until Unlock. It
// panics if the guard has been unlocked, within the limits told at
// Guard.Value.
func (w *WriteGuard[T]) Value() *T {
	if !w.held {
		panic("guard: Value called on a WriteGuard after Unlock")
	}
	return &w.v
}

// ClearPoison declares the value consistent again; see Guard.ClearPoison.
// Only a writer may clear: a reader must not have repaired anything.
func (w *WriteGuard[T]) ClearPoison() {
	if !w.held {
		panic("guard: ClearPoison called on a WriteGuard after Unlock")
	}
	w.poison.clear()
}

// Unlock releases the write lock. Called directly by defer, it poisons the
// mutex on a panic in flight and panics again, as Guard.Unlock does. It
// panics if the guard is already unlocked.
func (w *WriteGuard[T]) Unlock() {
	r := recover() // see Guard.Unlock
	if !w.held {
		misuse("guard: Unlock called on a WriteGuard that is not locked", r)
	}
	w.held = false
	if r != nil {
		w.poison.set()
		w.rw.Unlock()
		panic(r)
	}
	w.poison.settle()
	w.rw.Unlock()
	w.poison.settleAfterWait(&w.rw)
}

// Value returns a pointer to the protected value, valid until RUnlock. Read
// through it only: writing under a read lock races with the other readers.
// It panics if the guard was unlocked or never held the lock.
func (r *ReadGuard[T]) Value() *T {
	if r.m == nil {
		panic("guard: Value called on a ReadGuard that does not hold the lock")
	}
	return &r.m.v
}

// RUnlock releases the read lock. A panic in flight is left alone: readers
// do not poison. It panics if this guard does not hold the lock (unlocked
// already, or from a failed TryRLock).
func (r *ReadGuard[T]) RUnlock() {
	m := r.m
	if m == nil {
		panic("guard: RUnlock called on a ReadGuard that does not hold the lock")
	}
	r.m = nil
	m.rw.RUnlock()
	// A ClearPoison made while this reader held the lock could not take
	// the write lock; the last reader out applies it.
	m.poison.settleAfterWait(&m.rw)
}

// noCopy makes go vet's copylocks check report copies of the struct that
// holds it, as in the sync package.
type noCopy struct{}

func (*noCopy) Lock()   {}
func (*noCopy) Unlock() {}
