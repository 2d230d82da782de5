package guard_test

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/baton-go/baton/guard"
)

func TestRWMutexReadersShare(t *testing.T) {
	m := guard.NewRWMutex("v")
	r1, err := m.RLock()
	if err != nil {
		t.Fatal(err)
	}
	r2, ok := m.TryRLock()
	if !ok {
		t.Fatal("second reader refused")
	}
	if _, ok := m.TryLock(); ok {
		t.Fatal("writer admitted beside readers")
	}
	if *r1.Value() != "v" || *r2.Value() != "v" {
		t.Fatal("wrong value")
	}
	r1.RUnlock()
	r2.RUnlock()
	w, ok := m.TryLock()
	if !ok {
		t.Fatal("writer refused with no readers")
	}
	if _, ok := m.TryRLock(); ok {
		t.Fatal("reader admitted beside a writer")
	}
	*w.Value() = "w"
	w.Unlock()
	if err := m.RWith(func(s *string) error {
		if *s != "w" {
			t.Errorf("read %q", *s)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

func TestRWMutexPoisonThroughWith(t *testing.T) {
	m := guard.NewRWMutex(0)
	mustPanic(t, func() { _ = m.With(func(*int) error { panic("w") }) })
	checkRWPoisoned(t, m)
}

func TestRWMutexPoisonThroughDeferredUnlock(t *testing.T) {
	m := guard.NewRWMutex(0)
	v := mustPanic(t, func() {
		w, _ := m.Lock()
		defer w.Unlock()
		panic("w")
	})
	if v != "w" {
		t.Fatalf("re-raised %#v", v)
	}
	checkRWPoisoned(t, m)
}

func checkRWPoisoned(t *testing.T, m *guard.RWMutex[int]) {
	t.Helper()
	if !m.IsPoisoned() {
		t.Fatal("not poisoned")
	}
	r, err := m.RLock()
	if !errors.Is(err, guard.ErrPoisoned) {
		t.Fatalf("RLock = %v, want ErrPoisoned", err)
	}
	_ = r.Value()
	r.RUnlock()
	if err := m.RWith(func(*int) error { return nil }); !errors.Is(err, guard.ErrPoisoned) {
		t.Fatalf("RWith = %v", err)
	}
	if err := m.With(func(*int) error { return nil }); !errors.Is(err, guard.ErrPoisoned) {
		t.Fatalf("With = %v", err)
	}
	w, err := m.Lock()
	if !errors.Is(err, guard.ErrPoisoned) {
		t.Fatalf("Lock = %v", err)
	}
	w.ClearPoison()
	w.Unlock()
	if _, err := m.RLock(); err != nil {
		t.Fatalf("RLock after ClearPoison: %v", err)
	}
}

func TestRWMutexReadPanicDoesNotPoison(t *testing.T) {
	m := guard.NewRWMutex(0)
	mustPanic(t, func() { _ = m.RWith(func(*int) error { panic("r") }) })
	mustPanic(t, func() {
		r, _ := m.RLock()
		defer r.RUnlock()
		panic("r")
	})
	if m.IsPoisoned() {
		t.Fatal("a reader's panic poisoned the mutex")
	}
	w, ok := m.TryLock() // and every read lock was released
	if !ok {
		t.Fatal("read lock leaked")
	}
	w.Unlock()
}

func TestRWMutexGuardMisuse(t *testing.T) {
	m := guard.NewRWMutex(0)
	r, _ := m.RLock()
	r.RUnlock()
	mustPanicWith(t, "does not hold the lock", func() { _ = r.Value() })
	mustPanicWith(t, "does not hold the lock", r.RUnlock)

	var failed guard.ReadGuard[int] // what a failed TryRLock gives
	mustPanicWith(t, "does not hold the lock", failed.RUnlock)

	w, _ := m.Lock()
	w.Unlock()
	mustPanicWith(t, "after Unlock", func() { _ = w.Value() })
	mustPanicWith(t, "not locked", w.Unlock)
	mustPanicWith(t, "after Unlock", w.ClearPoison)
	mustPanicWith(t, "guard: nil function", func() { _ = m.With(nil) })
	mustPanicWith(t, "guard: nil function", func() { _ = m.RWith(nil) })
}

// Stress: writers increment two fields together, readers check that they
// always see them equal; the final counts must be exact.
func TestRWMutexStress(t *testing.T) {
	type pair struct{ a, b int }
	const writers, readers, iters = 8, 8, 1500
	m := guard.NewRWMutex(pair{})
	var reads, torn atomic.Int64
	var wg sync.WaitGroup
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range iters {
				if (i+j)%2 == 0 {
					w, _ := m.Lock()
					w.Value().a++
					w.Value().b++
					w.Unlock()
				} else {
					_ = m.With(func(p *pair) error { p.a++; p.b++; return nil })
				}
			}
		}()
	}
	for i := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range iters {
				check := func(p *pair) error {
					if p.a != p.b {
						torn.Add(1)
					}
					reads.Add(1)
					return nil
				}
				if (i+j)%2 == 0 {
					r, _ := m.RLock()
					_ = check(r.Value())
					r.RUnlock()
				} else {
					_ = m.RWith(check)
				}
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	waitAll(t, done)
	if torn.Load() != 0 {
		t.Fatalf("%d torn reads", torn.Load())
	}
	if reads.Load() != readers*iters {
		t.Fatalf("%d reads, want %d", reads.Load(), readers*iters)
	}
	r, _ := m.RLock()
	defer r.RUnlock()
	if p := *r.Value(); p.a != writers*iters || p.b != writers*iters {
		t.Fatalf("final %+v, want %d each", p, writers*iters)
	}
}

func TestRWMutexLockAllocatesNothing(t *testing.T) {
	m := guard.NewRWMutex(0)
	allocs := testing.AllocsPerRun(100, func() {
		r, _ := m.RLock()
		_ = *r.Value()
		r.RUnlock()
		w, _ := m.Lock()
		*w.Value()++
		w.Unlock()
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per lock pair, want 0", allocs)
	}
}
