package jetstream_test

import (
	"testing"

	"github.com/baton-go/baton/jetstream"
)

// A server that restarts (same port, same store) while a send waits for
// room: the send resumes after the reconnect and the message is stored once.
func TestSendSurvivesServerRestart(t *testing.T) {
	ctx := testCtx(t)
	port, err := jetstream.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	cfg := jetstream.ServerConfig{Port: port, StoreDir: t.TempDir()}
	srv, err := jetstream.StartServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { srv.Shutdown() }()
	conn, err := jetstream.Connect(ctx, srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	tx, rx, err := jetstream.Bounded[int](ctx, conn, "restart", 2)
	if err != nil {
		t.Fatal(err)
	}
	defer rx.Close()
	for i := range 2 {
		if err := tx.SendContext(ctx, i); err != nil {
			t.Fatal(err)
		}
	}
	sent := make(chan error, 1)
	go func() { sent <- tx.SendContext(ctx, 2) }()
	waitFor(t, "the send to wait for room", func() bool { return tx.Stats().FullRetries > 0 })

	srv.Shutdown()
	if srv, err = jetstream.StartServer(cfg); err != nil {
		t.Fatal(err)
	}
	for want := range 3 {
		v, settle, err := rx.RecvAck(ctx)
		if err != nil || v != want {
			t.Fatalf("RecvAck = %v, %v; want %d", v, err, want)
		}
		settle(nil)
	}
	if err := <-sent; err != nil {
		t.Fatalf("the waiting send: %v", err)
	}
	s, err := conn.JetStream().Stream(ctx, "restart")
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.State.LastSeq != 3 {
		t.Fatalf("the stream stored %d messages for 3 sends", info.State.LastSeq)
	}
}
