package guard_test

import (
	"github.com/baton-go/baton/channel"
	"sync"
	"testing"

	"github.com/baton-go/baton/guard"
)

// The pairs below measure what owning the value costs over a bare
// sync.Mutex: compare BenchmarkMutex/guard with BenchmarkMutex/sync.

func BenchmarkMutex(b *testing.B) {
	b.Run("sync", func(b *testing.B) {
		b.ReportAllocs()
		var mu sync.Mutex
		n := 0
		for b.Loop() {
			mu.Lock()
			n++
			mu.Unlock()
		}
		_ = n
	})
	b.Run("guard", func(b *testing.B) {
		b.ReportAllocs()
		m := guard.NewMutex(0)
		for b.Loop() {
			g, _ := m.Lock()
			*g.Value()++
			g.Unlock()
		}
	})
	b.Run("guard_deferred", func(b *testing.B) {
		b.ReportAllocs()
		m := guard.NewMutex(0)
		for b.Loop() {
			func() {
				g, _ := m.Lock()
				defer g.Unlock()
				*g.Value()++
			}()
		}
	})
	b.Run("guard_with", func(b *testing.B) {
		b.ReportAllocs()
		m := guard.NewMutex(0)
		inc := func(n *int) error { *n++; return nil }
		for b.Loop() {
			_ = m.With(inc)
		}
	})
}

func BenchmarkMutexContended(b *testing.B) {
	b.Run("sync", func(b *testing.B) {
		b.ReportAllocs()
		var mu sync.Mutex
		n := 0
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				mu.Lock()
				n++
				mu.Unlock()
			}
		})
		_ = n
	})
	b.Run("guard", func(b *testing.B) {
		b.ReportAllocs()
		m := guard.NewMutex(0)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				g, _ := m.Lock()
				*g.Value()++
				g.Unlock()
			}
		})
	})
}

func BenchmarkRWMutex(b *testing.B) {
	b.Run("sync_read", func(b *testing.B) {
		b.ReportAllocs()
		var mu sync.RWMutex
		n := 0
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				mu.RLock()
				_ = n
				mu.RUnlock()
			}
		})
	})
	b.Run("guard_read", func(b *testing.B) {
		b.ReportAllocs()
		m := guard.NewRWMutex(0)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				r, _ := m.RLock()
				_ = *r.Value()
				r.RUnlock()
			}
		})
	})
	// The write side, uncontended: what Lock and Unlock add to
	// sync.RWMutex's.
	b.Run("sync_write", func(b *testing.B) {
		b.ReportAllocs()
		var mu sync.RWMutex
		n := 0
		for b.Loop() {
			mu.Lock()
			n++
			mu.Unlock()
		}
	})
	b.Run("guard_write", func(b *testing.B) {
		b.ReportAllocs()
		m := guard.NewRWMutex(0)
		for b.Loop() {
			w, _ := m.Lock()
			*w.Value()++
			w.Unlock()
		}
	})
}

// BenchmarkCounter is the seed's comparison of shared memory and message
// passing: 5 goroutines add to one counter, b.N increments in all. "mutex"
// locks a guard.Mutex; "native_chan" and "baton_chan" send to a goroutine
// that owns the counter, over a native channel or a baton one of the same
// capacity.
func BenchmarkCounter(b *testing.B) {
	const workers = 5
	split := func(n int) []int {
		parts := make([]int, workers)
		for i := range parts {
			parts[i] = n / workers
		}
		parts[0] += n % workers
		return parts
	}
	b.Run("mutex", func(b *testing.B) {
		b.ReportAllocs()
		m := guard.NewMutex(0)
		var wg sync.WaitGroup
		for _, k := range split(b.N) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range k {
					g, _ := m.Lock()
					*g.Value()++
					g.Unlock()
				}
			}()
		}
		wg.Wait()
		if g, _ := m.Lock(); *g.Value() != b.N {
			b.Fatalf("count %d, want %d", *g.Value(), b.N)
		}
	})
	b.Run("native_chan", func(b *testing.B) {
		b.ReportAllocs()
		incs := make(chan int, 64)
		total := make(chan int)
		go func() { // the owner: the only goroutine that touches the counter
			n := 0
			for d := range incs {
				n += d
			}
			total <- n
		}()
		var wg sync.WaitGroup
		for _, k := range split(b.N) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range k {
					incs <- 1
				}
			}()
		}
		wg.Wait()
		close(incs)
		if n := <-total; n != b.N {
			b.Fatalf("count %d, want %d", n, b.N)
		}
	})
	b.Run("baton_chan", func(b *testing.B) {
		b.ReportAllocs()
		tx, rx := channel.Bounded[int](64)
		total := make(chan int)
		go func() {
			n := 0
			for d := range rx.All() { // ends when every sender is closed
				n += d
			}
			total <- n
		}()
		var wg sync.WaitGroup
		for _, k := range split(b.N) {
			wg.Add(1)
			go func(tx *channel.Sender[int]) {
				defer wg.Done()
				defer tx.Close()
				for range k {
					tx.Send(1)
				}
			}(tx.Clone())
		}
		tx.Close()
		wg.Wait()
		n := <-total
		rx.Close()
		if n != b.N {
			b.Fatalf("count %d, want %d", n, b.N)
		}
	})
}
