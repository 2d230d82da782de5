package task_test

import (
	"context"
	"sync"
	"testing"

	"github.com/baton-go/baton/task"
)

// BenchmarkSpawnJoin prices a handle over the bare pattern it replaces: a go
// statement and a sync.WaitGroup, with the result passed through a variable.
func BenchmarkSpawnJoin(b *testing.B) {
	b.Run("go_waitgroup", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			var wg sync.WaitGroup
			var v int
			wg.Add(1)
			go func() {
				defer wg.Done()
				v = i
			}()
			wg.Wait()
			_ = v
		}
	})
	b.Run("task_spawn", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			h := task.Spawn(func() (int, error) { return i, nil })
			_, _ = h.Join()
		}
	})
}

// BenchmarkScope is one Scope with ten functions, against errgroup's shape
// built by hand: a WaitGroup, a cancel and a mutex for the errors.
func BenchmarkScope(b *testing.B) {
	const n = 10
	b.Run("waitgroup", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			ctx, cancel := context.WithCancel(context.Background())
			var wg sync.WaitGroup
			var mu sync.Mutex
			var errs []error
			for range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if err := ctx.Err(); err != nil {
						mu.Lock()
						errs = append(errs, err)
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			cancel()
		}
	})
	b.Run("task_scope", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = task.Scope(context.Background(), func(g *task.Group) error {
				for range n {
					_ = g.Spawn(func(ctx context.Context) error { return ctx.Err() })
				}
				return nil
			})
		}
	})
}
