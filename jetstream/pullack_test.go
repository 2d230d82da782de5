package jetstream_test

import (
	"context"
	"testing"
	"time"

	"github.com/baton-go/baton/jetstream"
	natsjs "github.com/nats-io/nats.go/jetstream"
)

// The Receiver reads a delivery's count and stream sequence from its
// acknowledgement subject itself; it must read what nats.go reads, on the
// server's real subjects and on the older form, and read nothing from a
// subject that is neither.
func TestAckMetadataMatchesNATS(t *testing.T) {
	conn := embeddedConn(t)
	ctx := testCtx(t)
	js := conn.JetStream()
	s, err := js.CreateStream(ctx, natsjs.StreamConfig{Name: "meta", Subjects: []string{"meta"}})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := js.Publish(ctx, "meta", []byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	c, err := s.CreateConsumer(ctx, natsjs.ConsumerConfig{Durable: "m", AckPolicy: natsjs.AckExplicitPolicy})
	if err != nil {
		t.Fatal(err)
	}
	check := func(m natsjs.Msg) {
		t.Helper()
		md, err := m.Metadata()
		if err != nil {
			t.Fatal(err)
		}
		n, seq := jetstream.AckMetadata(m.Reply())
		if n != int(md.NumDelivered) || seq != md.Sequence.Stream {
			t.Fatalf("%q: read %d deliveries, sequence %d; nats.go reads %d, %d", m.Reply(), n, seq, md.NumDelivered, md.Sequence.Stream)
		}
	}
	// Second deliveries too: a nak'd message comes back with a count of 2.
	for round := range 2 {
		batch, err := c.Fetch(3, natsjs.FetchMaxWait(5*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		got := 0
		for m := range batch.Messages() {
			got++
			check(m)
			if round == 0 {
				_ = m.Nak()
			} else {
				_ = m.Ack()
			}
		}
		if got != 3 {
			t.Fatalf("round %d: %d messages", round, got)
		}
	}
	for _, tc := range []struct {
		subject string
		n       int
		seq     uint64
	}{
		{"$JS.ACK.s.c.3.17.5.1700000000.2", 3, 17},               // v1
		{"$JS.ACK._.ACCHASH.s.c.4.18.6.1700000000.2.rnd", 4, 18}, // v2
		{"$JS.ACK._.ACCHASH.s.c.4.18.6.1700000000.2", 4, 18},     // v2 without its last token
		{"$JS.ACK.s.c.3.17", 0, 0},                               // too short
		{"$JS.ACK.s.c.3.17.5.1700000000.2.x", 0, 0},              // ten tokens: neither form
		{"_INBOX.a.b.c.d.e.f.g.h", 0, 0},                         // not an acknowledgement subject
		{"$JS.ACK.s.c.three.17.5.1700000000.2", 0, 0},            // not a number
	} {
		n, seq := jetstream.AckMetadata(tc.subject)
		if n != tc.n || seq != tc.seq {
			t.Errorf("%q: %d, %d; want %d, %d", tc.subject, n, seq, tc.n, tc.seq)
		}
	}
}

// A message held unsettled keeps the consumer's ack floor below the
// messages after it, so the floor cannot confirm their acknowledgements:
// those must be confirmed one by one (resent with a reply subject), while
// the first is still held, and all of them once it is settled.
func TestAckConfirmedPastAHeldMessage(t *testing.T) {
	conn := embeddedConn(t)
	ctx := testCtx(t)
	tx, rx, err := jetstream.Bounded[int](ctx, conn, "held", 100, jetstream.WithPrefetch(4))
	if err != nil {
		t.Fatal(err)
	}
	defer rx.Close()
	const n = 10
	for i := range n {
		if err := tx.SendContext(ctx, i); err != nil {
			t.Fatal(err)
		}
	}
	v, holdSettle, err := rx.RecvAck(ctx)
	if err != nil || v != 0 {
		t.Fatalf("first RecvAck = %d, %v", v, err)
	}
	for want := 1; want < n; want++ {
		v, settle, err := rx.RecvAck(ctx)
		if err != nil || v != want {
			t.Fatalf("RecvAck = %d, %v; want %d", v, err, want)
		}
		settle(nil)
	}
	waitFor(t, "the acknowledgements past the held message confirmed", func() bool {
		return rx.Stats().Acked == n-1
	})
	holdSettle(nil)
	waitFor(t, "every acknowledgement confirmed", func() bool { return rx.Stats().Acked == n })
	if st := rx.Stats(); st.AckFailures != 0 {
		t.Fatalf("stats %+v", st)
	}
}

// Pull requests that expire unfilled give their slots back: a Receiver
// that waited through several expiries with nothing to receive still
// receives everything sent afterwards, in order.
func TestReceiveAfterPullsExpire(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for a pull request to expire (4s)")
	}
	conn := embeddedConn(t)
	ctx := testCtx(t)
	tx, rx, err := jetstream.Bounded[int](ctx, conn, "expire", 100, jetstream.WithPrefetch(8))
	if err != nil {
		t.Fatal(err)
	}
	defer rx.Close()
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second) // past one request's expiry
	_, err = rx.RecvContext(wctx)
	cancel()
	if err == nil {
		t.Fatal("received a value from an empty channel")
	}
	const n = 50
	for i := range n {
		if err := tx.SendContext(ctx, i); err != nil {
			t.Fatal(err)
		}
	}
	for want := range n {
		v, err := rx.RecvContext(ctx)
		if err != nil || v != want {
			t.Fatalf("RecvContext = %d, %v; want %d", v, err, want)
		}
	}
}
