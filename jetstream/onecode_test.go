package jetstream_test

import (
	"context"
	"sync"
	"testing"

	"github.com/baton-go/baton/channel"
	"github.com/baton-go/baton/jetstream"
	"github.com/baton-go/baton/pipeline"
	"github.com/baton-go/baton/pool"
)

// ledger records how often each job was handled.
type ledger struct {
	mu   sync.Mutex
	seen map[int]int
}

func (l *ledger) add(v int) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.seen == nil {
		l.seen = map[int]int{}
	}
	l.seen[v]++
	return len(l.seen)
}

func (l *ledger) check(t *testing.T, n int) {
	t.Helper()
	for i := range n {
		if c := l.seen[i]; c != 1 {
			t.Fatalf("job %d handled %d times", i, c)
		}
	}
	if len(l.seen) != n {
		t.Fatalf("%d distinct jobs handled, want %d", len(l.seen), n)
	}
}

// runWorker is the worker function under test, written once: a pool of 8
// over rx, stopping when every job was handled.
func runWorker(ctx context.Context, rx pool.Receiver[int], l *ledger, n int) error {
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	err := pool.Serve(ctx, rx, 8, func(ctx context.Context, v int) error {
		if l.add(v) == n {
			stop()
		}
		return nil
	})
	if ctx.Err() != nil && len(l.seen) == n {
		return nil
	}
	return err
}

// runPipeline is the same for a pipeline: receive, square, sink.
func runPipeline(ctx context.Context, rx pipeline.Receiver[int], l *ledger, n int) error {
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	sq := pipeline.Map(pipeline.FromReceiver(rx), func(_ context.Context, v int) (int, error) { return v, nil }, pipeline.Workers(4))
	err := pipeline.ForEach(ctx, sq, func(_ context.Context, v int) error {
		if l.add(v) == n {
			stop()
		}
		return nil
	})
	if len(l.seen) == n {
		return nil
	}
	return err
}

func produce(t *testing.T, ctx context.Context, tx interface {
	SendContext(context.Context, int) error
}, n int) {
	go func() {
		for i := range n {
			if err := tx.SendContext(ctx, i); err != nil {
				t.Error(err)
				return
			}
		}
	}()
}

func TestOneWorkerLocalAndDistributed(t *testing.T) {
	const n = 2000
	ctx := testCtx(t)
	t.Run("local/pool", func(t *testing.T) {
		tx, rx := channel.Bounded[int](64)
		produce(t, ctx, tx, n)
		var l ledger
		if err := runWorker(ctx, rx, &l, n); err != nil {
			t.Fatal(err)
		}
		l.check(t, n)
	})
	t.Run("jetstream/pool", func(t *testing.T) {
		conn := embeddedConn(t)
		tx, rx, err := jetstream.Bounded[int](ctx, conn, "onecode", 64)
		if err != nil {
			t.Fatal(err)
		}
		produce(t, ctx, tx, n)
		var l ledger
		if err := runWorker(ctx, rx, &l, n); err != nil {
			t.Fatal(err)
		}
		rx.Close()
		l.check(t, n)
		if st := rx.Stats(); st.Acked != n {
			t.Fatalf("stats %+v: want every message acknowledged after its handler", st)
		}
	})
	t.Run("local/pipeline", func(t *testing.T) {
		tx, rx := channel.Bounded[int](64)
		produce(t, ctx, tx, n)
		var l ledger
		if err := runPipeline(ctx, rx, &l, n); err != nil {
			t.Fatal(err)
		}
		l.check(t, n)
	})
	t.Run("jetstream/pipeline", func(t *testing.T) {
		conn := embeddedConn(t)
		tx, rx, err := jetstream.Bounded[int](ctx, conn, "onecode", 64)
		if err != nil {
			t.Fatal(err)
		}
		produce(t, ctx, tx, n)
		var l ledger
		if err := runPipeline(ctx, rx, &l, n); err != nil {
			t.Fatal(err)
		}
		rx.Close()
		l.check(t, n)
		if st := rx.Stats(); st.Acked != n {
			t.Fatalf("stats %+v: want every message acknowledged when the sink took it", st)
		}
	})
}
