package jetstream_test

import (
	"context"
	"testing"

	"github.com/baton-go/baton/jetstream"
)

// makeLeftovers leaves the messages below seq in the stream with the
// consumer's ack floor past them, as a killed server can come back: a
// consumer reset moves a work-queue consumer's floor without removing the
// messages below it.
func makeLeftovers(t *testing.T, ctx context.Context, conn *jetstream.Conn, name string, seq uint64) {
	t.Helper()
	if _, err := conn.JetStream().ResetConsumerToSequence(ctx, name, "baton", seq); err != nil {
		t.Fatalf("reset the consumer to %d: %v", seq, err)
	}
	s, err := conn.JetStream().Stream(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.Consumer(ctx, "baton")
	if err != nil {
		t.Fatal(err)
	}
	if floor := c.CachedInfo().AckFloor.Stream; floor != seq-1 {
		t.Fatalf("ack floor %d after the reset, want %d", floor, seq-1)
	}
}

func streamMsgs(t *testing.T, ctx context.Context, conn *jetstream.Conn, name string) (msgs, first uint64) {
	t.Helper()
	s, err := conn.JetStream().Stream(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	st := s.CachedInfo().State
	return st.Msgs, st.FirstSeq
}

// Opening a channel removes the acknowledged messages left in its stream,
// and only those.
func TestOpenRemovesLeftovers(t *testing.T) {
	for _, open := range []string{"Bounded", "Open"} {
		t.Run(open, func(t *testing.T) {
			conn := embeddedConn(t)
			ctx := testCtx(t)
			tx, rx, err := jetstream.Bounded[int](ctx, conn, "left", 10)
			if err != nil {
				t.Fatal(err)
			}
			rx.Close()
			for i := range 6 {
				if err := tx.SendContext(ctx, i); err != nil {
					t.Fatal(err)
				}
			}
			makeLeftovers(t, ctx, conn, "left", 4) // 1–3 below the floor, 4–6 not yet delivered
			var rx2 *jetstream.Receiver[int]
			if open == "Bounded" {
				_, rx2, err = jetstream.Bounded[int](ctx, conn, "left", 10)
			} else {
				_, rx2, err = jetstream.Open[int](ctx, conn, "left")
			}
			if err != nil {
				t.Fatal(err)
			}
			defer rx2.Close()
			if msgs, first := streamMsgs(t, ctx, conn, "left"); msgs != 3 || first != 4 {
				t.Fatalf("after %s: %d messages from %d; want 3 from 4", open, msgs, first)
			}
			if got := rx2.Stats().Leftovers; got != 3 {
				t.Fatalf("Leftovers = %d, want 3", got)
			}
			for want := 3; want < 6; want++ {
				if v, err := rx2.RecvContext(ctx); err != nil || v != want {
					t.Fatalf("RecvContext = %d, %v; want %d", v, err, want)
				}
			}
		})
	}
}

// A running Receiver removes the leftovers after a reconnect: the server
// it reconnects to may be one that was killed.
func TestReceiverRemovesLeftoversAfterReconnect(t *testing.T) {
	ctx := testCtx(t)
	srv := startRestartable(t)
	conn := srv.connect(t, ctx)
	tx, rx, err := jetstream.Bounded[int](ctx, conn, "left", 10)
	if err != nil {
		t.Fatal(err)
	}
	defer rx.Close()
	for i := range 4 {
		if err := tx.SendContext(ctx, i); err != nil {
			t.Fatal(err)
		}
	}
	if v, err := rx.RecvContext(ctx); err != nil || v != 0 { // the Receiver runs
		t.Fatalf("RecvContext = %d, %v", v, err)
	}
	srv.restart(t)
	// Restarted: make leftovers as a crash would, below the floor.
	admin, err := jetstream.Connect(ctx, srv.url())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	makeLeftovers(t, ctx, admin, "left", 5) // all four: one acknowledged, three buffered in rx
	// Counted just after the deletes: wait for both.
	waitFor(t, "the Receiver to remove the leftovers and count them", func() bool {
		msgs, _ := streamMsgs(t, ctx, admin, "left")
		return msgs == 0 && rx.Stats().Leftovers >= 3
	})
}
