package jetstream_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/baton-go/baton/jetstream"
	"github.com/baton-go/baton/pool"
)

// Live work is never redelivered, however long messages wait in a
// process: two slow workers hold full prefetch buffers for longer than
// AckWait, and every message they hold is kept alive by in-progress
// signals from the moment it arrives, including the ones fetched while
// the buffer was still full. (When the client library buffered a batch out
// of sight behind a blocked callback, those waited unsignalled, came back
// while their first delivery still waited, and the redeliveries fed more
// redeliveries.)
func TestSlowWorkersGetNoRedeliveries(t *testing.T) {
	ctx := testCtx(t)
	const (
		n       = 240
		hold    = 200 * time.Millisecond // 64 buffered ahead of a message, 4 at a time: 3.2s, beyond AckWait
		ackWait = 2 * time.Second
	)
	opts := []jetstream.Option{jetstream.WithAckWait(ackWait), jetstream.WithPrefetch(64)}
	conn := embeddedConn(t)
	tx, prx, err := jetstream.Bounded[int](ctx, conn, "slow", n, opts...)
	if err != nil {
		t.Fatal(err)
	}
	prx.Close()
	for i := range n {
		if err := tx.SendContext(ctx, i); err != nil {
			t.Fatal(err)
		}
	}
	var handled [n]atomic.Int32
	var done atomic.Int64
	wctx, stop := context.WithCancel(ctx)
	defer stop()
	var wg sync.WaitGroup
	var rxs []*jetstream.Receiver[int]
	for range 2 {
		c, err := jetstream.Connect(ctx, conn.URL())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_, rx, err := jetstream.Open[int](ctx, c, "slow", opts...)
		if err != nil {
			t.Fatal(err)
		}
		rxs = append(rxs, rx)
		wg.Go(func() {
			defer rx.Close()
			_ = pool.Serve(wctx, rx, 4, func(_ context.Context, v int) error {
				time.Sleep(hold)
				if handled[v].Add(1) == 1 && done.Add(1) == n {
					stop()
				}
				return nil
			})
		})
	}
	wg.Wait()
	for v := range handled {
		if c := handled[v].Load(); c != 1 {
			t.Errorf("message %d handled %d times", v, c)
		}
	}
	for i, rx := range rxs {
		if st := rx.Stats(); st.Redelivered != 0 {
			t.Errorf("worker %d: %+v; want no redelivery", i, st)
		}
	}
}
