package guard

import (
	"sync"
	"sync/atomic"
)

// RWMutex is a reader/writer lock that owns a value of type T: any number of
// readers or one writer at a time. Only a panic under the write lock poisons
// it; a reader cannot have broken the value.
//
// The zero value is an unlocked RWMutex holding the zero T. An RWMutex must
// not be copied after first use.
type RWMutex[T any] struct {
	rw   sync.RWMutex
	held bool // write-held; written only by the writer
	// poisoned (1 or 0) is the whole poison state, read by every lock
	// method. Mutex keeps a plain field under the lock and carries a clear
	// made without the lock to the holder's unlock; an RWMutex cannot
	// settle a clear at an unlock, because a reader's release would have to
	// wait for the write lock, that is for the other readers, and a reader
	// that waits for another's release would deadlock with it. An atomic
	// flag needs no settling: ClearPoison stores 0, and every lock taken
	// after it sees 0.
	poisoned atomic.Uint32
	v        T
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
	return (*WriteGuard[T])(m), poisonErrs[m.poisoned.Load()&1]
}

// poisonErrs maps RWMutex.poisoned to what Lock and RLock return. Indexing
// it, where a branch or a method would not, keeps Lock within the
// compiler's inlining budget (go build -gcflags=-m reports the cost).
var poisonErrs = [2]error{nil, ErrPoisoned}

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
	return ReadGuard[T]{m: m}, poisonErrs[m.poisoned.Load()&1]
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
	if m.poisoned.Load() != 0 {
		m.rw.Unlock()
		return ErrPoisoned
	}
	normal := false
	defer func() {
		if !normal {
			m.poisoned.Store(1)
		}
		m.rw.Unlock()
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
	defer m.rw.RUnlock()
	if m.poisoned.Load() != 0 {
		return ErrPoisoned
	}
	return fn(&m.v)
}

// ClearPoison declares the value consistent again, with or without a lock
// held. It takes effect at once: IsPoisoned reports false, and every lock
// taken after the call returns no ErrPoisoned (sooner than Mutex.ClearPoison
// made while the mutex is held, which waits for the holder's unlock). It
// waits for nothing. A panic that poisons the mutex after the call wins over
// it.
func (m *RWMutex[T]) ClearPoison() {
	m.poisoned.Store(0)
}

// IsPoisoned reports whether a panic under the write lock poisoned the mutex
// and no ClearPoison has been called since.
func (m *RWMutex[T]) IsPoisoned() bool {
	return m.poisoned.Load() != 0
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
	w.poisoned.Store(0)
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
		w.poisoned.Store(1)
		w.rw.Unlock()
		panic(r)
	}
	w.rw.Unlock()
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

// RUnlock releases the read lock, and, as with sync.RWMutex, never waits. A
// panic in flight is left alone: readers do not poison. It panics if this
// guard does not hold the lock (unlocked already, or from a failed
// TryRLock).
func (r *ReadGuard[T]) RUnlock() {
	m := r.m
	if m == nil {
		panic("guard: RUnlock called on a ReadGuard that does not hold the lock")
	}
	r.m = nil
	m.rw.RUnlock()
}

// noCopy makes go vet's copylocks check report copies of the struct that
// holds it, as in the sync package.
type noCopy struct{}

func (*noCopy) Lock()   {}
func (*noCopy) Unlock() {}
