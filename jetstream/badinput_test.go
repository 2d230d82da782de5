package jetstream_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/baton-go/baton/channel"
	"github.com/baton-go/baton/jetstream"
	"github.com/baton-go/baton/jetstream/embedded"
	"github.com/nats-io/nats.go"
)

func mustPanic(t *testing.T, what, want string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if r == nil {
			t.Fatalf("%s did not panic", what)
		}
		if msg, _ := r.(string); !strings.Contains(msg, want) {
			t.Fatalf("%s panicked with %v, want a message naming %q", what, r, want)
		}
	}()
	f()
}

func TestBadInput(t *testing.T) {
	conn := embeddedConn(t, embedded.WithServer(embedded.Config{MaxPayload: 4096}))
	ctx := testCtx(t)

	t.Run("invalid names", func(t *testing.T) {
		for _, name := range []string{"", "a.b", "a b", "a*", "a>", "jobs_dead", strings.Repeat("x", 201), "ü"} {
			_, _, err := jetstream.Bounded[int](ctx, conn, name, 1)
			if !errors.Is(err, jetstream.ErrInvalidName) {
				t.Errorf("Bounded(%q): %v, want ErrInvalidName", name, err)
			}
		}
	})
	t.Run("programming errors panic", func(t *testing.T) {
		var nilCtx context.Context // a variable, so that linters let the bad input under test through
		mustPanic(t, "capacity 0", "capacity", func() { jetstream.Bounded[int](ctx, conn, "x", 0) })
		mustPanic(t, "capacity -1", "capacity", func() { jetstream.Bounded[int](ctx, conn, "x", -1) })
		mustPanic(t, "nil ctx", "ctx", func() { jetstream.Bounded[int](nilCtx, conn, "x", 1) })
		mustPanic(t, "nil conn", "conn", func() { jetstream.Bounded[int](ctx, nil, "x", 1) })
		mustPanic(t, "Open nil ctx", "ctx", func() { jetstream.Open[int](nilCtx, conn, "x") })
		mustPanic(t, "Open nil conn", "conn", func() { jetstream.Open[int](ctx, nil, "x") })
		mustPanic(t, "Connect nil ctx", "ctx", func() { jetstream.Connect(nilCtx, "") })
		mustPanic(t, "WithWindow(0)", "n", func() { jetstream.WithWindow(0) })
		mustPanic(t, "WithCodec(nil)", "codec", func() { jetstream.WithCodec(nil) })
		tx, rx, err := jetstream.Bounded[int](ctx, conn, "nilctx", 1)
		if err != nil {
			t.Fatal(err)
		}
		defer rx.Close()
		mustPanic(t, "SendContext nil ctx", "ctx", func() { tx.SendContext(nilCtx, 1) })
		mustPanic(t, "RecvContext nil ctx", "ctx", func() { rx.RecvContext(nilCtx) })
		mustPanic(t, "RecvAck nil ctx", "ctx", func() { rx.RecvAck(nilCtx) })
	})
	t.Run("oversized payload", func(t *testing.T) {
		tx, rx, err := jetstream.Bounded[string](ctx, conn, "big", 10)
		if err != nil {
			t.Fatal(err)
		}
		defer rx.Close()
		big := strings.Repeat("x", 5000)
		err = tx.SendContext(ctx, big)
		var se *channel.SendError[string]
		if !errors.Is(err, jetstream.ErrTooLarge) || !errors.As(err, &se) || se.Value != big {
			t.Fatalf("oversized send: %v; want a *SendError holding the value, wrapping ErrTooLarge", err)
		}
		if !strings.Contains(err.Error(), "4096") {
			t.Fatalf("oversized send: %q does not name the limit", err)
		}
		// Within the limit, but over it once the headers are added.
		edge := strings.Repeat("y", 4094-2)
		if err := tx.SendContext(ctx, edge); err != nil && !errors.Is(err, jetstream.ErrTooLarge) {
			t.Fatalf("send at the edge of the limit: %v", err)
		}
	})
	t.Run("closed and cancelled", func(t *testing.T) {
		tx, rx, err := jetstream.Bounded[int](ctx, conn, "closed", 10)
		if err != nil {
			t.Fatal(err)
		}
		done, cancel := context.WithCancel(ctx)
		cancel()
		var se *channel.SendError[int]
		if err := tx.SendContext(done, 1); !errors.Is(err, context.Canceled) || !errors.As(err, &se) || se.Value != 1 {
			t.Fatalf("SendContext with a done ctx: %v", err)
		}
		if _, err := rx.RecvContext(done); !errors.Is(err, context.Canceled) {
			t.Fatalf("RecvContext with a done ctx: %v", err)
		}
		if _, err := rx.RecvTimeout(10 * time.Millisecond); !errors.Is(err, channel.ErrTimeout) {
			t.Fatalf("RecvTimeout on an empty channel: %v", err)
		}
		tx.Close()
		tx.Close()
		if err := tx.SendContext(ctx, 2); !errors.Is(err, channel.ErrClosed) || !errors.As(err, &se) || se.Value != 2 {
			t.Fatalf("send on a closed Sender: %v", err)
		}
		rx.Close()
		rx.Close()
		if _, err := rx.RecvContext(ctx); !errors.Is(err, channel.ErrClosed) {
			t.Fatalf("receive on a closed Receiver: %v", err)
		}
		if _, _, err := rx.RecvAck(ctx); !errors.Is(err, channel.ErrClosed) {
			t.Fatalf("RecvAck on a closed Receiver: %v", err)
		}
	})
	t.Run("deleted stream", func(t *testing.T) {
		tx, rx, err := jetstream.Bounded[int](ctx, conn, "deleted", 10)
		if err != nil {
			t.Fatal(err)
		}
		defer rx.Close()
		if _, err := rx.TryRecv(); !errors.Is(err, channel.ErrEmpty) { // starts pulling
			t.Fatalf("TryRecv: %v", err)
		}
		if err := conn.JetStream().DeleteStream(ctx, "deleted"); err != nil {
			t.Fatal(err)
		}
		if _, err := rx.RecvContext(ctx); !errors.Is(err, channel.ErrDisconnected) {
			t.Fatalf("receive from a deleted stream: %v, want ErrDisconnected", err)
		}
		short, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		if err := tx.SendContext(short, 1); err == nil {
			t.Fatal("send to a deleted stream succeeded")
		}
	})
}

func TestConnectUnreachable(t *testing.T) {
	port, err := embedded.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	url := "nats://127.0.0.1:" + itoa(port)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, err = jetstream.Connect(ctx, url)
	if err == nil || !strings.Contains(err.Error(), url) {
		t.Fatalf("Connect to a closed port: %v; want an error naming %s", err, url)
	}
	// A list of URLs, none reachable, fails the same way.
	list := url + ",nats://127.0.0.1:" + itoa(port)
	lctx, lcancel := context.WithTimeout(context.Background(), time.Second)
	defer lcancel()
	if _, err := jetstream.Connect(lctx, list); err == nil || !strings.Contains(err.Error(), url) {
		t.Fatalf("Connect to a list: %v", err)
	}
}

func TestConnectCredentials(t *testing.T) {
	ctx := testCtx(t)
	srv, err := embedded.Start(embedded.Config{StoreDir: t.TempDir(), Users: map[string]string{"alice": "secret"}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()
	_, err = jetstream.Connect(ctx, srv.URL(), jetstream.WithNATSOptions(nats.UserInfo("alice", "wrong")))
	if err == nil || !strings.Contains(err.Error(), "refused the credentials") {
		t.Fatalf("Connect with a wrong password: %v", err)
	}
	conn, err := jetstream.Connect(ctx, srv.URL(), jetstream.WithNATSOptions(nats.UserInfo("alice", "secret")))
	if err != nil {
		t.Fatalf("Connect with the right password: %v", err)
	}
	defer conn.Close()
	tx, rx, err := jetstream.Bounded[string](ctx, conn, "creds", 1)
	if err != nil {
		t.Fatal(err)
	}
	defer rx.Close()
	if err := tx.SendContext(ctx, "in"); err != nil {
		t.Fatal(err)
	}
	if v, err := rx.RecvContext(ctx); err != nil || v != "in" {
		t.Fatalf("%q, %v", v, err)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
