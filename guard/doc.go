// Package guard gives shared state a lock that owns it.
//
// With a sync.Mutex beside a value, nothing stops code from touching the
// value without the lock. Rust puts the value inside the Mutex, so the only
// way to reach it is through the guard that lock() returns. This package does
// the same, as far as Go allows:
//
//	counter := guard.NewMutex(0)
//
//	g, _ := counter.Lock()
//	*g.Value()++ // Value is the only way to the int
//	g.Unlock()   // after this, g.Value() panics
//
//	_ = counter.With(func(n *int) error { *n++; return nil }) // lock, run, unlock
//
// (That snippet is the package's Example, which go test runs.) Go cannot
// stop a pointer from escaping the critical section: keep the *T that Value
// returns only until Unlock.
//
// # Poisoning
//
// A panic in the middle of a critical section can leave the value half
// updated. Rust marks such a mutex "poisoned", and so does this package, when
// a goroutine panics inside With, or between Lock and a deferred Unlock:
//
//	g, _ := m.Lock()
//	defer g.Unlock() // must be deferred directly, not inside a func literal
//
// Unlock, called directly by defer, may call recover: if a panic is in
// flight, it marks the mutex poisoned, releases the lock and panics again
// with the same value. The panic is never swallowed.
//
// After that, Lock still locks, and returns the guard together with
// ErrPoisoned (what Rust's PoisonError::into_inner gives): the caller decides
// whether the value can be trusted, repairs it if needed, and calls the
// guard's ClearPoison before unlocking, so that no one sees the value between
// repair and clearing. With refuses to run on a poisoned mutex and returns
// ErrPoisoned. A panic under a read lock of an RWMutex does not poison: a
// reader cannot have broken the value.
//
// # Misuse
//
// Using a guard after its Unlock, or unlocking it twice, is a programming
// error, like unlocking an unlocked sync.Mutex, and panics with a message
// saying so.
//
// # Cost
//
// A Mutex is a sync.Mutex and a flag; Lock returns a pointer into the Mutex
// itself (there is only one holder at a time), and an RWMutex read guard is a
// small value, so locking allocates nothing.
package guard
