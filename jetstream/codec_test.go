package jetstream_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/baton-go/baton/jetstream"
)

// The Raw codec carries a []byte channel's bytes as they are. A receive
// hands out a copy: a handler that scribbles on its bytes and fails leaves
// the message as it was sent, so the dead letter holds the sent bytes.
func TestRawCodecBytes(t *testing.T) {
	conn := embeddedConn(t)
	ctx := testCtx(t)
	tx, rx, err := jetstream.Bounded[[]byte](ctx, conn, "raw", 10,
		jetstream.WithCodec(jetstream.Raw), jetstream.WithMaxDeliver(1))
	if err != nil {
		t.Fatal(err)
	}
	defer rx.Close()
	sent := [][]byte{[]byte("first"), {}, {0, 1, 2, 255}}
	for _, b := range sent {
		if err := tx.SendContext(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	for i, want := range sent {
		v, err := rx.RecvContext(ctx)
		if err != nil || !bytes.Equal(v, want) {
			t.Fatalf("message %d: %q, %v; want %q", i, v, err, want)
		}
	}
	if err := tx.SendContext(ctx, []byte("keep me")); err != nil {
		t.Fatal(err)
	}
	v, settle, err := rx.RecvAck(ctx)
	if err != nil {
		t.Fatal(err)
	}
	copy(v, "scribble")
	settle(errors.New("failed"))
	if m := lastDead(t, conn, "raw"); string(m.Data) != "keep me" {
		t.Fatalf("dead letter holds %q, want %q", m.Data, "keep me")
	}
}

// Blob is a named []byte: not a []byte to the Raw codec.
type Blob []byte

// The Raw codec takes []byte only; a channel of another type, even one
// whose underlying type is []byte, fails to send with the codec's error.
func TestRawCodecOtherTypes(t *testing.T) {
	conn := embeddedConn(t)
	ctx := testCtx(t)
	txs, rxs, err := jetstream.Bounded[string](ctx, conn, "rawstr", 10, jetstream.WithCodec(jetstream.Raw))
	if err != nil {
		t.Fatal(err)
	}
	defer rxs.Close()
	if err := txs.SendContext(ctx, "text"); err == nil || !bytes.Contains([]byte(err.Error()), []byte("Raw codec takes []byte, not string")) {
		t.Fatalf("string over Raw: %v", err)
	}
	txb, rxb, err := jetstream.Bounded[Blob](ctx, conn, "rawblob", 10, jetstream.WithCodec(jetstream.Raw))
	if err != nil {
		t.Fatal(err)
	}
	defer rxb.Close()
	if err := txb.SendContext(ctx, Blob("x")); err == nil || !bytes.Contains([]byte(err.Error()), []byte("not jetstream_test.Blob")) {
		t.Fatalf("Blob over Raw: %v", err)
	}
}
