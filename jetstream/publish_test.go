package jetstream_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/baton-go/baton/jetstream"
	"github.com/baton-go/baton/jetstream/embedded"
	"github.com/nats-io/nats.go"
	natsjs "github.com/nats-io/nats.go/jetstream"
)

// The Sender reads the server's answers to its publishes without decoding
// their JSON when they succeed. Fed the real server's answers, the parser
// must tell a store from a duplicate from a refusal, also for streams whose
// names are the very words it looks for.
func TestParsePubAckServerAnswers(t *testing.T) {
	srv, err := embedded.Start(embedded.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()
	nc, err := nats.Connect(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := natsjs.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	request := func(subject, id string, hdr map[string]string) *nats.Msg {
		t.Helper()
		m := nats.NewMsg(subject)
		m.Data = []byte("x")
		m.Header.Set(natsjs.MsgIDHeader, id)
		for k, v := range hdr {
			m.Header.Set(k, v)
		}
		answer, err := nc.RequestMsg(m, 5*time.Second)
		if err != nil && !errors.Is(err, nats.ErrNoResponders) {
			t.Fatal(err)
		}
		if answer == nil { // no responders: nats.go returns the error, not the status message
			answer = &nats.Msg{Header: nats.Header{"Status": {"503"}}}
		}
		return answer
	}
	for _, name := range []string{"plain", "error", "duplicate", "seq"} {
		subject := "pubacks." + name
		if _, err := js.CreateStream(ctx, natsjs.StreamConfig{Name: name, Subjects: []string{subject}}); err != nil {
			t.Fatal(err)
		}
		if dup, err := jetstream.ParsePubAck(request(subject, "a", nil)); err != nil || dup {
			t.Errorf("%s, first store: duplicate %v, error %v; want a plain store", name, dup, err)
		}
		if dup, err := jetstream.ParsePubAck(request(subject, "a", nil)); err != nil || !dup {
			t.Errorf("%s, same ID again: duplicate %v, error %v; want a duplicate", name, dup, err)
		}
		if dup, err := jetstream.ParsePubAck(request(subject, "b", nil)); err != nil || dup {
			t.Errorf("%s, a new ID: duplicate %v, error %v; want a plain store", name, dup, err)
		}
		// A refusal: the server expects another last sequence.
		_, err := jetstream.ParsePubAck(request(subject, "c", map[string]string{"Nats-Expected-Last-Sequence": "99"}))
		var apiErr *natsjs.APIError
		if !errors.As(err, &apiErr) || apiErr.ErrorCode != natsjs.JSErrCodeStreamWrongLastSequence {
			t.Errorf("%s, wrong last sequence: error %v; want the server's API error 10071", name, err)
		}
	}
	if _, err := jetstream.ParsePubAck(request("pubacks-nobody", "x", nil)); !errors.Is(err, nats.ErrNoResponders) {
		t.Errorf("no stream: error %v, want nats.ErrNoResponders", err)
	}
	// Answers the server does not give, which must still not pass for a store.
	for _, data := range []string{`{}`, `not json`, `{"stream":"x"}`} {
		if _, err := jetstream.ParsePubAck(&nats.Msg{Data: []byte(data)}); err == nil {
			t.Errorf("answer %q: no error", data)
		}
	}
	if _, err := jetstream.ParsePubAck(&nats.Msg{Header: nats.Header{"Status": {"408"}}}); err == nil {
		t.Error("an empty answer with status 408: no error")
	}
}
