package jetstream_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/baton-go/baton/jetstream"
	natsjs "github.com/nats-io/nats.go/jetstream"
)

// configs reads the channel's stream and consumer configurations.
func configs(t *testing.T, ctx context.Context, conn *jetstream.Conn, name string) (natsjs.StreamConfig, natsjs.ConsumerConfig) {
	t.Helper()
	s, err := conn.JetStream().Stream(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.Consumer(ctx, "baton")
	if err != nil {
		t.Fatal(err)
	}
	return s.CachedInfo().Config, c.CachedInfo().Config
}

// A consumer that opens a channel with Open takes it as the producer made
// it, whatever options it passes, and never changes it.
func TestOpenNeverChangesTheChannel(t *testing.T) {
	conn := embeddedConn(t)
	ctx := testCtx(t)
	tx, prx, err := jetstream.Bounded[int](ctx, conn, "asis", 5,
		jetstream.WithAckWait(7*time.Second), jetstream.WithMaxAckPending(17), jetstream.WithDuplicates(90*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	prx.Close()
	wantS, wantC := configs(t, ctx, conn, "asis")

	// The server-side options a consumer might pass by mistake, or copy
	// from older code: none of them may reach the server.
	otx, rx, err := jetstream.Open[int](ctx, conn, "asis",
		jetstream.WithAckWait(time.Second), jetstream.WithMaxAckPending(3), jetstream.WithDuplicates(time.Hour),
		jetstream.WithMemoryStorage(), jetstream.WithPrefetch(2))
	if err != nil {
		t.Fatal(err)
	}
	defer rx.Close()
	if rx.Cap() != 5 || otx.Cap() != 5 {
		t.Fatalf("Cap = %d, %d; want the producer's 5", rx.Cap(), otx.Cap())
	}
	for i := range 5 {
		if err := tx.SendContext(ctx, i); err != nil {
			t.Fatal(err)
		}
	}
	if err := otx.TrySend(5); err == nil {
		t.Fatal("a sixth message went into a channel of capacity 5")
	}
	for want := range 5 {
		v, settle, err := rx.RecvAck(ctx)
		if err != nil || v != want {
			t.Fatalf("RecvAck = %d, %v; want %d", v, err, want)
		}
		settle(nil)
	}
	gotS, gotC := configs(t, ctx, conn, "asis")
	if !reflect.DeepEqual(gotS, wantS) {
		t.Fatalf("Open changed the stream:\n got %+v\nwant %+v", gotS, wantS)
	}
	if !reflect.DeepEqual(gotC, wantC) {
		t.Fatalf("Open changed the consumer:\n got %+v\nwant %+v", gotC, wantC)
	}
}

// Open waits for a channel that does not exist yet, until ctx ends.
func TestOpenWaitsForTheChannel(t *testing.T) {
	conn := embeddedConn(t)
	ctx := testCtx(t)

	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	_, _, err := jetstream.Open[int](short, conn, "later")
	if !errors.Is(err, jetstream.ErrNoChannel) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Open of a missing channel: %v; want ErrNoChannel and DeadlineExceeded", err)
	}

	opened := make(chan error, 1)
	var rx *jetstream.Receiver[string]
	go func() {
		var err error
		_, rx, err = jetstream.Open[string](ctx, conn, "later")
		opened <- err
	}()
	tx, prx, err := jetstream.Bounded[string](ctx, conn, "later", 3)
	if err != nil {
		t.Fatal(err)
	}
	defer prx.Close()
	if err := <-opened; err != nil {
		t.Fatalf("Open once the channel exists: %v", err)
	}
	defer rx.Close()
	if err := tx.SendContext(ctx, "hello"); err != nil {
		t.Fatal(err)
	}
	if v, err := rx.RecvContext(ctx); err != nil || v != "hello" {
		t.Fatalf("RecvContext = %q, %v", v, err)
	}
}

// A stream that baton did not make is not a channel: Open says so at once.
func TestOpenRefusesOtherStreams(t *testing.T) {
	conn := embeddedConn(t)
	ctx := testCtx(t)
	if _, err := conn.JetStream().CreateStream(ctx, natsjs.StreamConfig{Name: "other", Subjects: []string{"other.>"}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := jetstream.Open[int](ctx, conn, "other"); !errors.Is(err, jetstream.ErrNoChannel) {
		t.Fatalf("Open of a limits stream: %v; want ErrNoChannel", err)
	}
	if _, _, err := jetstream.Open[int](ctx, conn, "bad.name"); !errors.Is(err, jetstream.ErrInvalidName) {
		t.Fatalf("Open of a bad name: %v; want ErrInvalidName", err)
	}
}
