package guard_test

import (
	"errors"
	"runtime"
	"sync"
	"testing"

	"github.com/baton-go/baton/guard"
)

func TestMutexLockUnlock(t *testing.T) {
	m := guard.NewMutex(41)
	g, err := m.Lock()
	if err != nil {
		t.Fatalf("Lock: %v", err)
	}
	*g.Value()++
	if _, ok := m.TryLock(); ok {
		t.Fatal("TryLock succeeded on a locked mutex")
	}
	g.Unlock()
	g, ok := m.TryLock()
	if !ok {
		t.Fatal("TryLock failed on an unlocked mutex")
	}
	defer g.Unlock()
	if got := *g.Value(); got != 42 {
		t.Fatalf("value %d, want 42", got)
	}
}

func TestMutexZeroValue(t *testing.T) {
	var m guard.Mutex[[]string]
	if err := m.With(func(s *[]string) error { *s = append(*s, "a"); return nil }); err != nil {
		t.Fatal(err)
	}
	g, _ := m.Lock()
	defer g.Unlock()
	if len(*g.Value()) != 1 {
		t.Fatalf("got %v", *g.Value())
	}
}

func TestMutexWithReturnsError(t *testing.T) {
	m := guard.NewMutex(0)
	boom := errors.New("boom")
	if err := m.With(func(*int) error { return boom }); err != boom {
		t.Fatalf("With = %v, want %v", err, boom)
	}
	if m.IsPoisoned() {
		t.Fatal("an error must not poison")
	}
}

func TestMutexPoisonThroughWith(t *testing.T) {
	m := guard.NewMutex(0)
	v := mustPanic(t, func() {
		_ = m.With(func(n *int) error {
			*n = 1
			panic("in With")
		})
	})
	if v != "in With" {
		t.Fatalf("re-raised %#v, want the original value", v)
	}
	checkPoisoned(t, m, 1)
}

func TestMutexPoisonThroughDeferredUnlock(t *testing.T) {
	m := guard.NewMutex(0)
	boom := errors.New("boom")
	v := mustPanic(t, func() {
		g, _ := m.Lock()
		defer g.Unlock()
		*g.Value() = 1
		panic(boom)
	})
	if v != boom {
		t.Fatalf("re-raised %#v, want the original value", v)
	}
	checkPoisoned(t, m, 1)
}

func TestMutexPoisonOnRuntimeError(t *testing.T) {
	m := guard.NewMutex(map[string]int(nil))
	v := mustPanic(t, func() {
		g, _ := m.Lock()
		defer g.Unlock()
		(*g.Value())["x"] = 1 // assignment to a nil map
	})
	if _, ok := v.(runtime.Error); !ok {
		t.Fatalf("re-raised %#v, want a runtime.Error", v)
	}
	if !m.IsPoisoned() {
		t.Fatal("not poisoned")
	}
}

func TestMutexPoisonOnGoexitInWith(t *testing.T) {
	m := guard.NewMutex(0)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = m.With(func(*int) error { runtime.Goexit(); return nil })
	}()
	waitAll(t, done)
	checkPoisoned(t, m, 0)
}

func TestMutexGoexitWithDeferredUnlockDoesNotPoison(t *testing.T) {
	m := guard.NewMutex(0)
	done := make(chan struct{})
	go func() {
		defer close(done)
		g, _ := m.Lock()
		defer g.Unlock()
		runtime.Goexit()
	}()
	waitAll(t, done)
	if m.IsPoisoned() {
		t.Fatal("poisoned by Goexit through a deferred Unlock")
	}
	g, ok := m.TryLock()
	if !ok {
		t.Fatal("not released")
	}
	g.Unlock()
}

// checkPoisoned verifies the state after a panic under the lock: unlocked,
// poisoned, Lock gives the guard with ErrPoisoned, With refuses, the guard's
// ClearPoison restores.
func checkPoisoned(t *testing.T, m *guard.Mutex[int], want int) {
	t.Helper()
	if !m.IsPoisoned() {
		t.Fatal("not poisoned")
	}
	g, ok := m.TryLock() // the lock must have been released
	if !ok {
		t.Fatal("mutex still locked after the panic")
	}
	g.Unlock()
	if err := m.With(func(*int) error { t.Error("With ran fn on a poisoned mutex"); return nil }); !errors.Is(err, guard.ErrPoisoned) {
		t.Fatalf("With = %v, want ErrPoisoned", err)
	}
	g, err := m.Lock()
	if !errors.Is(err, guard.ErrPoisoned) {
		t.Fatalf("Lock error %v, want ErrPoisoned", err)
	}
	if got := *g.Value(); got != want {
		t.Fatalf("value %d, want %d", got, want)
	}
	g.ClearPoison()
	g.Unlock()
	if m.IsPoisoned() {
		t.Fatal("still poisoned after ClearPoison")
	}
	if _, err := m.Lock(); err != nil {
		t.Fatalf("Lock after ClearPoison: %v", err)
	}
}

// A panic that began before the lock was taken, in a deferred function that
// locks and unlocks, happens outside that critical section: the inner
// deferred Unlock runs at a normal return, so recover gives nil and nothing
// is poisoned.
func TestMutexNoPoisonFromOuterPanic(t *testing.T) {
	m := guard.NewMutex(0)
	mustPanic(t, func() {
		defer func() {
			g, _ := m.Lock()
			defer g.Unlock()
			*g.Value()++
		}()
		panic("outside")
	})
	if m.IsPoisoned() {
		t.Fatal("poisoned by a panic outside the critical section")
	}
}

func TestMutexNoPoisonWithoutDirectDefer(t *testing.T) {
	// Documented limit: Unlock inside a func literal cannot recover, so the
	// mutex is released but not poisoned.
	m := guard.NewMutex(0)
	mustPanic(t, func() {
		g, _ := m.Lock()
		defer func() { g.Unlock() }()
		panic("x")
	})
	if m.IsPoisoned() {
		t.Fatal("poisoned")
	}
	if g, ok := m.TryLock(); !ok {
		t.Fatal("still locked")
	} else {
		g.Unlock()
	}
}

func TestGuardUseAfterUnlock(t *testing.T) {
	m := guard.NewMutex(0)
	g, _ := m.Lock()
	g.Unlock()
	mustPanicWith(t, "after Unlock", func() { _ = g.Value() })
	mustPanicWith(t, "not locked", g.Unlock)
	mustPanicWith(t, "after Unlock", g.ClearPoison)
}

func TestGuardDoubleUnlockWhilePanicking(t *testing.T) {
	m := guard.NewMutex(0)
	g, _ := m.Lock()
	g.Unlock()
	mustPanicWith(t, "while panicking: original", func() {
		defer g.Unlock()
		panic("original")
	})
}

func TestMutexNilFunc(t *testing.T) {
	m := guard.NewMutex(0)
	mustPanicWith(t, "guard: nil function", func() { _ = m.With(nil) })
}

// Stress: many goroutines, many iterations, through every way of locking;
// the final count must be exact.
func TestMutexStress(t *testing.T) {
	const goroutines, iters = 16, 2000
	m := guard.NewMutex(0)
	var wg sync.WaitGroup
	for i := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range iters {
				switch (i + j) % 3 {
				case 0:
					g, _ := m.Lock()
					*g.Value()++
					g.Unlock()
				case 1:
					_ = m.With(func(n *int) error { *n++; return nil })
				case 2:
					for {
						if g, ok := m.TryLock(); ok {
							*g.Value()++
							g.Unlock()
							break
						}
						runtime.Gosched()
					}
				}
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	waitAll(t, done)
	g, _ := m.Lock()
	defer g.Unlock()
	if got := *g.Value(); got != goroutines*iters {
		t.Fatalf("count %d, want %d", got, goroutines*iters)
	}
}

func TestMutexLockAllocatesNothing(t *testing.T) {
	m := guard.NewMutex(0)
	allocs := testing.AllocsPerRun(100, func() {
		g, _ := m.Lock()
		*g.Value()++
		g.Unlock()
		_ = m.With(func(n *int) error { *n++; return nil })
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per lock, want 0", allocs)
	}
}

func TestMutexClearPoisonOnTheMutex(t *testing.T) {
	m := guard.NewMutex(1)
	func() {
		defer func() { recover() }()
		m.With(func(v *int) error { *v = -1; panic("boom") })
	}()
	if !m.IsPoisoned() {
		t.Fatal("not poisoned")
	}
	// Rust's idiom: clear while holding the guard the poisoned lock gave.
	g, err := m.Lock()
	if !errors.Is(err, guard.ErrPoisoned) {
		t.Fatalf("Lock = %v, want guard.ErrPoisoned", err)
	}
	*g.Value() = 1
	m.ClearPoison()
	if m.IsPoisoned() {
		t.Fatal("IsPoisoned after ClearPoison")
	}
	g.Unlock()
	g, err = m.Lock()
	if err != nil {
		t.Fatalf("Lock after ClearPoison = %v", err)
	}
	g.Unlock()

	// And without any lock held.
	func() {
		defer func() { recover() }()
		m.With(func(*int) error { panic("again") })
	}()
	m.ClearPoison()
	if err := m.With(func(*int) error { return nil }); err != nil {
		t.Fatalf("With after ClearPoison = %v", err)
	}
}

func TestRWMutexClearPoisonOnTheMutex(t *testing.T) {
	m := guard.NewRWMutex(1)
	func() {
		defer func() { recover() }()
		m.With(func(*int) error { panic("boom") })
	}()
	g, err := m.Lock()
	if !errors.Is(err, guard.ErrPoisoned) {
		t.Fatalf("Lock = %v, want guard.ErrPoisoned", err)
	}
	m.ClearPoison()
	g.Unlock()
	r, err := m.RLock()
	if err != nil || m.IsPoisoned() {
		t.Fatalf("RLock after ClearPoison = %v", err)
	}
	r.RUnlock()
}
