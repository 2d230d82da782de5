package jsobserve_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/baton-go/baton/jetstream"
	_ "github.com/baton-go/baton/jetstream/embedded" // lets Connect(ctx, "") start a broker
	"github.com/baton-go/baton/observe"
	"github.com/baton-go/baton/observe/jsobserve"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestCountsAWorkload sends a known number of messages over an embedded
// server, acknowledges some and fails others, and checks every counter
// and the pending gauge, scraped from observe's /metrics and parsed with
// Prometheus' parser.
func TestCountsAWorkload(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // a hang becomes a failure
	defer cancel()
	conn, err := jetstream.Connect(ctx, "", jetstream.WithStoreDir(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	tx, rx, err := jetstream.Bounded[int](ctx, conn, "jobs", 100, jetstream.WithMaxDeliver(1))
	if err != nil {
		t.Fatal(err)
	}
	defer rx.Close()
	reg := prometheus.NewRegistry()
	for name, x := range map[string]any{"producer": tx, "workers": rx} {
		if err := jsobserve.Register(reg, name, x); err != nil {
			t.Fatal(err)
		}
		defer observe.Unregister(name)
	}
	if err := jsobserve.RegisterPending(reg, "jobs-pending", conn, "jobs"); err != nil {
		t.Fatal(err)
	}
	defer observe.Unregister("jobs-pending")

	for i := range 10 {
		if err := tx.SendContext(ctx, i); err != nil {
			t.Fatal(err)
		}
	}
	// Six acknowledged, one failed for good (MaxDeliver 1: dead-lettered),
	// three left on the server.
	for i := range 7 {
		_, settle, err := rx.RecvAck(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if i == 3 {
			settle(errors.New("bad job"))
		} else {
			settle(nil)
		}
	}
	var m map[string]*dto.MetricFamily
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) {
		m = scrape(t)
		if value(t, m, "baton_jetstream_receiver_acked_total", "receiver=workers") == 6 &&
			value(t, m, "baton_jetstream_receiver_dead_lettered_total", "receiver=workers") == 1 &&
			value(t, m, "baton_jetstream_channel_pending_messages", "channel=jobs") <= 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the acknowledgements never showed")
		}
	}
	for _, c := range []struct {
		name, label string
		want        float64
	}{
		{"baton_jetstream_sender_sent_total", "sender=producer", 10},
		{"baton_jetstream_sender_duplicates_total", "sender=producer", 0},
		{"baton_jetstream_receiver_acked_total", "receiver=workers", 6},
		{"baton_jetstream_receiver_nacked_total", "receiver=workers", 0},
		{"baton_jetstream_receiver_dead_lettered_total", "receiver=workers", 1},
		{"baton_jetstream_receiver_redelivered_total", "receiver=workers", 0},
		{"baton_jetstream_channel_dead_letters_messages", "channel=jobs", 1},
		{"baton_jetstream_channel_info_errors_total", "channel=jobs", 0},
	} {
		if got := value(t, m, c.name, c.label); got != c.want {
			t.Errorf("%s{%s} = %v, want %v", c.name, c.label, got, c.want)
		}
	}
	// Received counts the deliveries handed to a caller, not those
	// prefetched; pending is what the server still holds: the 3 never
	// taken.
	if got := value(t, m, "baton_jetstream_receiver_received_total", "receiver=workers"); got != 7 {
		t.Errorf("received = %v, want 7", got)
	}
	if got := value(t, m, "baton_jetstream_channel_pending_messages", "channel=jobs"); got != 3 {
		t.Errorf("pending = %v, want 3", got)
	}
	problems, err := testutil.GatherAndLint(reg)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("lint: %s: %s", p.Metric, p.Text)
	}
}

func TestBadInput(t *testing.T) {
	mustPanic := func(want string, fn func()) {
		t.Helper()
		defer func() {
			t.Helper()
			if p := recover(); p == nil || !strings.Contains(p.(string), want) {
				t.Errorf("panic %v, want one mentioning %q", p, want)
			}
		}()
		fn()
	}
	mustPanic("x is a nil *jetstream.Sender[int]", func() { _ = jsobserve.Register(nil, "s", (*jetstream.Sender[int])(nil)) })
	mustPanic("x is a nil *jetstream.Receiver[string]", func() { _ = jsobserve.Register(nil, "r", (*jetstream.Receiver[string])(nil)) })
	mustPanic("x is nil", func() { _ = jsobserve.Register(nil, "n", nil) })
	mustPanic("x is a int", func() { _ = jsobserve.Register(nil, "i", 3) })
	mustPanic("conn is nil", func() { _ = jsobserve.RegisterPending(nil, "p", nil, "jobs") })
}

func scrape(t *testing.T) map[string]*dto.MetricFamily {
	t.Helper()
	rec := httptest.NewRecorder()
	observe.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	p := expfmt.NewTextParser(model.UTF8Validation)
	m, err := p.TextToMetricFamilies(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func value(t *testing.T, m map[string]*dto.MetricFamily, name, label string) float64 {
	t.Helper()
	k, v, _ := strings.Cut(label, "=")
	for _, s := range m[name].GetMetric() {
		for _, l := range s.GetLabel() {
			if l.GetName() == k && l.GetValue() == v {
				if s.Counter != nil {
					return s.Counter.GetValue()
				}
				return s.Gauge.GetValue()
			}
		}
	}
	t.Fatalf("no series %s{%s}", name, label)
	return 0
}
