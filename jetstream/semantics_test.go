package jetstream_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/baton-go/baton/channel"
	"github.com/baton-go/baton/jetstream"
	natsjs "github.com/nats-io/nats.go/jetstream"
)

// waitFor polls cond until it holds; the generous limit only turns a hang
// into a failure.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A full stream refuses TrySend with ErrFull and the value back, and makes
// SendContext wait, with retries, until a receive makes room.
func TestFullStreamBackPressure(t *testing.T) {
	conn := embeddedConn(t)
	ctx := testCtx(t)
	tx, rx, err := jetstream.Bounded[int](ctx, conn, "full", 3)
	if err != nil {
		t.Fatal(err)
	}
	defer rx.Close()
	for i := range 3 {
		if err := tx.SendContext(ctx, i); err != nil {
			t.Fatal(err)
		}
	}
	err = tx.TrySend(99)
	var se *channel.SendError[int]
	if !errors.Is(err, channel.ErrFull) || !errors.As(err, &se) || se.Value != 99 {
		t.Fatalf("TrySend on a full stream: %v; want a *SendError holding 99 wrapping ErrFull", err)
	}
	sent := make(chan error, 1)
	go func() { sent <- tx.SendContext(ctx, 3) }()
	waitFor(t, "the waiting send to be refused at least twice", func() bool { return tx.Stats().FullRetries >= 3 })
	select {
	case err := <-sent:
		t.Fatalf("SendContext returned %v while the stream was full", err)
	default:
	}
	v, settle, err := rx.RecvAck(ctx)
	if err != nil || v != 0 {
		t.Fatalf("RecvAck = %v, %v", v, err)
	}
	settle(nil)
	if err := <-sent; err != nil {
		t.Fatalf("SendContext after room appeared: %v", err)
	}
	for want := 1; want <= 3; want++ {
		if v, err := rx.RecvContext(ctx); err != nil || v != want {
			t.Fatalf("RecvContext = %v, %v; want %d", v, err, want)
		}
	}
	// A waiting send gives up with the ctx's error and the value.
	for i := range 3 {
		if err := tx.SendContext(ctx, 10+i); err != nil {
			t.Fatal(err)
		}
	}
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	err = tx.SendContext(short, 77)
	if !errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &se) || se.Value != 77 {
		t.Fatalf("SendContext past its deadline on a full stream: %v", err)
	}
	if err := tx.SendTimeout(78, 20*time.Millisecond); !errors.Is(err, channel.ErrTimeout) {
		t.Fatalf("SendTimeout on a full stream: %v, want ErrTimeout", err)
	}
}

// Many producers and many RecvAck consumers over a small stream: every
// value arrives exactly once (nothing crashes, so nothing is redelivered),
// and each producer's values arrive in the order it sent them when one
// consumer reads.
func TestStressLedger(t *testing.T) {
	conn := embeddedConn(t)
	ctx := testCtx(t)
	const producers, consumers, per = 4, 4, 500
	tx, rx, err := jetstream.Bounded[[2]int](ctx, conn, "ledger", 40)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	seen := map[[2]int]int{}
	var wg sync.WaitGroup
	for p := range producers {
		wg.Go(func() {
			tx := tx.Clone()
			defer tx.Close()
			for i := range per {
				if err := tx.SendContext(ctx, [2]int{p, i}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	// Consumers start once the stream has refused a send, so the
	// back-pressure path runs too.
	waitFor(t, "a refusal of the full stream", func() bool { return tx.Stats().FullRetries > 0 })
	var cwg sync.WaitGroup
	cctx, stop := context.WithCancel(ctx)
	for range consumers {
		cwg.Go(func() {
			for {
				v, settle, err := rx.RecvAck(cctx)
				if err != nil {
					return
				}
				mu.Lock()
				seen[v]++
				n := len(seen)
				mu.Unlock()
				settle(nil)
				if n == producers*per {
					stop()
				}
			}
		})
	}
	wg.Wait()
	cwg.Wait()
	stop()
	rx.Close()
	for p := range producers {
		for i := range per {
			if c := seen[[2]int{p, i}]; c != 1 {
				t.Fatalf("value %v received %d times", [2]int{p, i}, c)
			}
		}
	}
	if st := rx.Stats(); st.Acked != producers*per || st.AckFailures != 0 {
		t.Fatalf("receiver stats %+v: want %d confirmed acks", st, producers*per)
	}
	if st := tx.Stats(); st.Sent != producers*per || st.FullRetries == 0 {
		t.Fatalf("sender stats %+v: want %d sent, and some refusals of the 40-message stream", st, producers*per)
	}
}

func TestPerProducerOrder(t *testing.T) {
	conn := embeddedConn(t)
	ctx := testCtx(t)
	tx, rx, err := jetstream.Bounded[int](ctx, conn, "order", 8)
	if err != nil {
		t.Fatal(err)
	}
	defer rx.Close()
	const n = 500
	sent := make(chan struct{})
	go func() {
		defer close(sent)
		for i := range n {
			if err := tx.SendContext(ctx, i); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for want := range n {
		v, err := rx.RecvContext(ctx)
		if err != nil || v != want {
			t.Fatalf("RecvContext = %d, %v; want %d", v, err, want)
		}
	}
	// The last SendContext can return after its value was received: wait
	// for it, so the test's context is not cancelled under it.
	<-sent
}

// A failed message comes back, counted as a redelivery, and goes to the
// dead-letter stream with the error once delivered MaxDeliver times.
func TestNakThenDeadLetter(t *testing.T) {
	conn := embeddedConn(t)
	ctx := testCtx(t)
	tx, rx, err := jetstream.Bounded[string](ctx, conn, "poison", 10,
		jetstream.WithMaxDeliver(3), jetstream.WithBackoff(func(int) time.Duration { return time.Millisecond }))
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.SendContext(ctx, "bad"); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		v, settle, err := rx.RecvAck(ctx)
		if err != nil || v != "bad" {
			t.Fatalf("delivery %d: %q, %v", i+1, v, err)
		}
		settle(fmt.Errorf("attempt %d failed", i+1))
	}
	if err := tx.SendContext(ctx, "good"); err != nil {
		t.Fatal(err)
	}
	if v, err := rx.RecvContext(ctx); err != nil || v != "good" {
		t.Fatalf("after the poison message: %q, %v", v, err)
	}
	rx.Close()
	m := lastDead(t, conn, "poison")
	if got := m.Header.Get("Baton-Error"); got != "attempt 3 failed" {
		t.Fatalf("dead letter error header %q", got)
	}
	if got := m.Header.Get("Baton-Deliveries"); got != "3" {
		t.Fatalf("dead letter deliveries header %q", got)
	}
	if st := rx.Stats(); st.Redelivered != 2 || st.Nacked != 2 || st.DeadLettered != 1 {
		t.Fatalf("stats %+v", st)
	}
}

// lastDead returns the last message of the channel's dead-letter stream.
func lastDead(t *testing.T, conn *jetstream.Conn, name string) *natsjs.RawStreamMsg {
	t.Helper()
	ctx := testCtx(t)
	s, err := conn.JetStream().Stream(ctx, jetstream.DeadLetterStream(name))
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.GetLastMsgForSubject(ctx, "baton."+name+".dead")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// A message that does not decode never reaches a handler: it goes to the
// dead-letter stream with the decoding error, and the next one is received.
func TestUndecodableMessageDeadLettered(t *testing.T) {
	conn := embeddedConn(t)
	ctx := testCtx(t)
	tx, rx, err := jetstream.Bounded[int](ctx, conn, "decode", 10)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.JetStream().Publish(ctx, "baton.decode", []byte("not json")); err != nil {
		t.Fatal(err)
	}
	if err := tx.SendContext(ctx, 7); err != nil {
		t.Fatal(err)
	}
	if v, err := rx.RecvContext(ctx); err != nil || v != 7 {
		t.Fatalf("RecvContext = %v, %v", v, err)
	}
	rx.Close()
	m := lastDead(t, conn, "decode")
	if string(m.Data) != "not json" || m.Header.Get("Baton-Error") == "" {
		t.Fatalf("dead letter %q with error %q", m.Data, m.Header.Get("Baton-Error"))
	}
}

// A handler slower than AckWait keeps its message: the in-progress signals
// stop the server from delivering it again while the work runs.
func TestSlowHandlerKeepsItsMessage(t *testing.T) {
	conn := embeddedConn(t)
	ctx := testCtx(t)
	const ackWait = 300 * time.Millisecond
	tx, rx, err := jetstream.Bounded[int](ctx, conn, "slow", 10, jetstream.WithAckWait(ackWait))
	if err != nil {
		t.Fatal(err)
	}
	other := rx.Clone()
	if err := tx.SendContext(ctx, 1); err != nil {
		t.Fatal(err)
	}
	_, settle, err := rx.RecvAck(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The work takes four AckWaits; a redelivery would reach the clone.
	if v, err := other.RecvTimeout(4 * ackWait); !errors.Is(err, channel.ErrTimeout) {
		t.Fatalf("the message was delivered again while its work ran: %v, %v", v, err)
	}
	settle(nil)
	other.Close()
	rx.Close()
	if st := rx.Stats(); st.Redelivered != 0 || st.Acked != 1 {
		t.Fatalf("stats %+v", st)
	}
}

// Values received by a Receiver that is closed before settling them are
// delivered again to the next one: closing is not acknowledging.
func TestUnsettledMessageComesBack(t *testing.T) {
	conn := embeddedConn(t)
	ctx := testCtx(t)
	tx, rx, err := jetstream.Bounded[int](ctx, conn, "unsettled", 10, jetstream.WithAckWait(200*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.SendContext(ctx, 5); err != nil {
		t.Fatal(err)
	}
	if _, _, err := rx.RecvAck(ctx); err != nil {
		t.Fatal(err)
	}
	rx.Close() // as if the process died holding it
	_, rx2, err := jetstream.Bounded[int](ctx, conn, "unsettled", 10, jetstream.WithAckWait(200*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer rx2.Close()
	v, settle, err := rx2.RecvAck(ctx)
	if err != nil || v != 5 {
		t.Fatalf("RecvAck = %v, %v", v, err)
	}
	settle(nil)
	if rx2.Stats().Redelivered != 1 {
		t.Fatalf("stats %+v: want one redelivery", rx2.Stats())
	}
}

// A message handed back because its worker stopped is not a failure: it
// comes back more often than MaxDeliver, instead of going to the dead
// letters.
func TestAbandonedMessageIsNotDeadLettered(t *testing.T) {
	conn := embeddedConn(t)
	ctx := testCtx(t)
	tx, rx, err := jetstream.Bounded[int](ctx, conn, "abandon", 10, jetstream.WithMaxDeliver(2))
	if err != nil {
		t.Fatal(err)
	}
	defer rx.Close()
	if err := tx.SendContext(ctx, 1); err != nil {
		t.Fatal(err)
	}
	for _, cause := range []error{context.Canceled, fmt.Errorf("stopping: %w", context.DeadlineExceeded), channel.ErrClosed} {
		_, settle, err := rx.RecvAck(ctx)
		if err != nil {
			t.Fatal(err)
		}
		settle(cause)
	}
	v, settle, err := rx.RecvAck(ctx)
	if err != nil || v != 1 {
		t.Fatalf("after three abandonments: %v, %v", v, err)
	}
	settle(nil)
	if st := rx.Stats(); st.DeadLettered != 0 || st.Nacked != 3 {
		t.Fatalf("stats %+v", st)
	}
}

// Closing a Receiver hands back what it prefetched: another Receiver gets
// those messages at once, not after AckWait (an hour here).
func TestCloseHandsBackPrefetched(t *testing.T) {
	conn := embeddedConn(t)
	ctx := testCtx(t)
	opts := []jetstream.Option{jetstream.WithAckWait(time.Hour)}
	tx, rx, err := jetstream.Bounded[int](ctx, conn, "handback", 100, opts...)
	if err != nil {
		t.Fatal(err)
	}
	const n = 50
	for i := range n {
		if err := tx.SendContext(ctx, i); err != nil {
			t.Fatal(err)
		}
	}
	v, err := rx.RecvContext(ctx) // pulls a prefetch batch, takes one
	if err != nil {
		t.Fatal(err)
	}
	rx.Close()
	_, rx2, err := jetstream.Bounded[int](ctx, conn, "handback", 100, opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer rx2.Close()
	seen := map[int]bool{v: true}
	for len(seen) < n {
		w, err := rx2.RecvContext(ctx)
		if err != nil {
			t.Fatalf("after %d values: %v", len(seen), err)
		}
		if seen[w] {
			t.Fatalf("value %d received twice", w)
		}
		seen[w] = true
	}
}
