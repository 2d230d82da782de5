package pool_test

import (
	"context"
	"sync"
	"testing"

	"github.com/baton-go/baton/channel"
	"github.com/baton-go/baton/pool"
)

// tiny is a task of a few nanoseconds, so the pool's own cost dominates.
func tiny(ctx context.Context) error { return nil }

func BenchmarkSubmit(b *testing.B) {
	ctx := context.Background()
	for _, q := range []int{0, 2, 256} {
		b.Run(queueName(q), func(b *testing.B) {
			submitTiny(b, ctx, pool.New(2, pool.WithQueue(q)))
		})
	}
}

// submitTiny submits b.N tiny tasks to p from one goroutine, then closes
// it.
func submitTiny(b *testing.B, ctx context.Context, p *pool.Pool) {
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if err := p.Submit(ctx, tiny); err != nil {
			b.Fatal(err)
		}
	}
	if err := p.Close(); err != nil {
		b.Fatal(err)
	}
}

func BenchmarkSubmitParallel(b *testing.B) {
	ctx := context.Background()
	p := pool.New(2, pool.WithQueue(256))
	b.ReportAllocs()
	b.SetParallelism(50)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := p.Submit(ctx, tiny); err != nil {
				b.Fatal(err)
			}
		}
	})
	if err := p.Close(); err != nil {
		b.Fatal(err)
	}
}

func BenchmarkResults(b *testing.B) {
	ctx := context.Background()
	for _, unordered := range []bool{false, true} {
		name := "ordered"
		opts := []pool.Option{pool.WithQueue(256), pool.WithWindow(256)}
		if unordered {
			name = "unordered"
			opts = append(opts, pool.Unordered())
		}
		b.Run(name, func(b *testing.B) {
			r := pool.NewResults[int](2, opts...)
			b.ReportAllocs()
			b.ResetTimer()
			go func() {
				defer r.Close()
				for i := range b.N {
					if err := r.Submit(ctx, func(context.Context) (int, error) { return i, nil }); err != nil {
						panic(err)
					}
				}
			}()
			n := 0
			for range r.All() {
				n++
			}
			if n != b.N {
				b.Fatal(n)
			}
		})
	}
}

func queueName(q int) string {
	switch q {
	case 0:
		return "handoff"
	case 2:
		return "queue=workers"
	}
	return "queue=256"
}

// BenchmarkOverChannel puts the pool beside the bare channel it is built
// on, and a native channel, in the same shape (one producer, two workers, a
// queue of 1024, tiny tasks): what the pool adds over its channel, and what
// the channel costs over Go's own.
func BenchmarkOverChannel(b *testing.B) {
	ctx := context.Background()
	b.Run("pool", func(b *testing.B) {
		p := pool.New(2, pool.WithQueue(1024))
		for range b.N {
			if err := p.Submit(ctx, tiny); err != nil {
				b.Fatal(err)
			}
		}
		if err := p.Close(); err != nil {
			b.Fatal(err)
		}
	})
	b.Run("baton-channel", func(b *testing.B) {
		tx, rx := channel.Bounded[func(context.Context) error](1024)
		var wg sync.WaitGroup
		for range 2 {
			wg.Go(func() {
				for fn := range rx.All() {
					fn(ctx)
				}
			})
		}
		for range b.N {
			if err := tx.SendContext(ctx, tiny); err != nil {
				b.Fatal(err)
			}
		}
		tx.Close()
		wg.Wait()
	})
	b.Run("native-channel", func(b *testing.B) {
		ch := make(chan func(context.Context) error, 1024)
		var wg sync.WaitGroup
		for range 2 {
			wg.Go(func() {
				for fn := range ch {
					fn(ctx)
				}
			})
		}
		for range b.N {
			ch <- tiny
		}
		close(ch)
		wg.Wait()
	})
}

// BenchmarkObserveHook is BenchmarkSubmit's 1024-task queue with and
// without a task observer that does nothing: what the core's hook costs.
func BenchmarkObserveHook(b *testing.B) {
	ctx := context.Background()
	for _, hooked := range []bool{false, true} {
		name := "plain"
		if hooked {
			name = "hook"
		}
		b.Run(name, func(b *testing.B) {
			p := pool.New(2, pool.WithQueue(1024))
			if hooked {
				p.Observe("bench", quietObserver{})
			}
			submitTiny(b, ctx, p)
		})
	}
}
