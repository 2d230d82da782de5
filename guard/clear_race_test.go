package guard_test

import (
	"errors"
	"sync"
	"testing"

	"github.com/baton-go/baton/guard"
)

// clearRaceTrials is how many times each race below is run. The window is
// a few instructions wide: before the fix, 100000 tries hit it in the Mutex
// and RWMutex Unlock races within a fraction of a second. The race
// detector slows each try some fortyfold, so under it the count is cut
// (raceEnabled, from race_on_test.go).
var clearRaceTrials = map[bool]int{false: 100000, true: 3000}[raceEnabled]

// poisonMutex poisons m through a panic inside With.
func poisonMutex[T any](m interface{ With(func(*T) error) error }) {
	defer func() { _ = recover() }()
	_ = m.With(func(*T) error { panic("poison") })
}

// runPair runs a and b at once and returns when both have.
func runPair(a, b func()) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	wg.Add(2)
	go func() { defer wg.Done(); <-start; a() }()
	go func() { defer wg.Done(); <-start; b() }()
	close(start)
	wg.Wait()
}

// A Mutex-level ClearPoison racing with the holder's Unlock must not be
// lost: once both returned, IsPoisoned and the next Lock must agree that the
// poison is gone.
func TestMutexClearPoisonRacingUnlock(t *testing.T) {
	for i := range clearRaceTrials {
		m := guard.NewMutex(0)
		poisonMutex[int](m)
		g, err := m.Lock()
		if !errors.Is(err, guard.ErrPoisoned) {
			t.Fatalf("trial %d: Lock of a poisoned mutex: %v", i, err)
		}
		runPair(g.Unlock, m.ClearPoison)
		if m.IsPoisoned() {
			t.Fatalf("trial %d: IsPoisoned after ClearPoison", i)
		}
		g, err = m.Lock()
		g.Unlock()
		if err != nil {
			t.Fatalf("trial %d: IsPoisoned reports false, yet Lock returns %v: the clear was lost", i, err)
		}
	}
}

// The same race through With: its unlock settles pending clears too.
func TestMutexClearPoisonRacingWith(t *testing.T) {
	for i := range clearRaceTrials / 4 {
		m := guard.NewMutex(0)
		poisonMutex[int](m)
		// With finds the mutex poisoned and unlocks at once: that unlock
		// must settle a clear made meanwhile too.
		runPair(func() { _ = m.With(func(*int) error { return nil }) }, m.ClearPoison)
		if m.IsPoisoned() {
			t.Fatalf("trial %d: IsPoisoned after ClearPoison", i)
		}
		if err := m.With(func(*int) error { return nil }); err != nil {
			t.Fatalf("trial %d: With after ClearPoison: %v", i, err)
		}
	}
}

// RWMutex: a clear racing with the writer's Unlock, or with the RUnlock of
// a reader. Readers cannot clear the poison themselves (that needs the write
// lock), so the last one out must not strand the request.
func TestRWMutexClearPoisonRacingUnlock(t *testing.T) {
	for _, side := range []struct {
		name string
		// hold locks m and returns its unlock and the lock's error.
		hold func(m *guard.RWMutex[int]) (unlock func(), err error)
	}{
		{"Unlock", func(m *guard.RWMutex[int]) (func(), error) {
			w, err := m.Lock()
			return w.Unlock, err
		}},
		{"RUnlock", func(m *guard.RWMutex[int]) (func(), error) {
			r, err := m.RLock()
			return r.RUnlock, err
		}},
	} {
		t.Run(side.name, func(t *testing.T) {
			for i := range clearRaceTrials {
				m := guard.NewRWMutex(0)
				poisonMutex[int](m)
				unlock, _ := side.hold(m)
				runPair(unlock, m.ClearPoison)
				if m.IsPoisoned() {
					t.Fatalf("trial %d: IsPoisoned after ClearPoison", i)
				}
				unlock, err := side.hold(m)
				unlock()
				if err != nil {
					t.Fatalf("trial %d: IsPoisoned reports false, yet the next lock returns %v: the clear was lost", i, err)
				}
			}
		})
	}
}

// Releasing a read lock never waits, whatever is pending: two readers hold
// an RWMutex, a ClearPoison comes, and reader B leaves only once reader A's
// release has returned. Were a release to wait for the write lock (to settle
// the clear), it would wait for B, which waits for A. RWith runs its
// function only on a mutex that is not poisoned, so its case clears a
// healthy mutex, which is legal and was left pending all the same.
func TestRWMutexReleaseAfterClearNeverWaits(t *testing.T) {
	for _, first := range []struct {
		name   string
		poison bool
		// hold read-locks m, closes held, and releases once leave is closed.
		hold func(m *guard.RWMutex[int], held chan<- struct{}, leave <-chan struct{})
	}{
		{"RUnlock", true, func(m *guard.RWMutex[int], held chan<- struct{}, leave <-chan struct{}) {
			r, _ := m.RLock()
			close(held)
			<-leave
			r.RUnlock()
		}},
		{"RWith", false, func(m *guard.RWMutex[int], held chan<- struct{}, leave <-chan struct{}) {
			_ = m.RWith(func(*int) error {
				close(held)
				<-leave
				return nil
			})
		}},
	} {
		t.Run(first.name, func(t *testing.T) {
			m := guard.NewRWMutex(0)
			if first.poison {
				poisonMutex[int](m)
			}
			aHeld, aLeave, aLeft := make(chan struct{}), make(chan struct{}), make(chan struct{})
			go func() { first.hold(m, aHeld, aLeave); close(aLeft) }()
			waitAll(t, aHeld)
			b, err := m.RLock()
			if first.poison != errors.Is(err, guard.ErrPoisoned) {
				t.Fatalf("RLock: %v (poisoned: %v)", err, first.poison)
			}
			m.ClearPoison()
			bLeft := make(chan struct{})
			go func() {
				<-aLeft // B leaves only after A's release returned
				b.RUnlock()
				close(bLeft)
			}()
			close(aLeave)
			waitAll(t, bLeft)
			for _, lock := range []func() (func(), error){
				func() (func(), error) { r, err := m.RLock(); return r.RUnlock, err },
				func() (func(), error) { w, err := m.Lock(); return w.Unlock, err },
			} {
				unlock, err := lock()
				unlock()
				if err != nil {
					t.Fatalf("lock after ClearPoison and both releases: %v", err)
				}
			}
		})
	}
}
