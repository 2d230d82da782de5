package jetstream_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/baton-go/baton/channel"
	"github.com/baton-go/baton/jetstream"
)

// embeddedConn connects to a fresh embedded server that the test closes.
func embeddedConn(t testing.TB, opts ...jetstream.ConnectOption) *jetstream.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := jetstream.Connect(ctx, "", append([]jetstream.ConnectOption{jetstream.WithStoreDir(t.TempDir())}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestSendRecvRoundTrip(t *testing.T) {
	conn := embeddedConn(t)
	ctx := testCtx(t)
	tx, rx, err := jetstream.Bounded[string](ctx, conn, "round", 10)
	if err != nil {
		t.Fatal(err)
	}
	defer rx.Close()
	for _, s := range []string{"a", "b", "c"} {
		if err := tx.SendContext(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []string{"a", "b", "c"} {
		got, err := rx.RecvContext(ctx)
		if err != nil || got != want {
			t.Fatalf("RecvContext = %q, %v; want %q", got, err, want)
		}
	}
	if _, err := rx.TryRecv(); !errors.Is(err, channel.ErrEmpty) {
		t.Fatalf("TryRecv on an empty channel: %v, want ErrEmpty", err)
	}
}
