package jsbench_test

import (
	"context"
	"testing"
	"time"

	"github.com/baton-go/baton/jetstream/jsbench"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// One small round of each implementation: both must deliver every message
// and leave the stream empty.
func TestRunSmall(t *testing.T) {
	c, err := jsbench.StartCluster(1)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Shutdown()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := jsbench.Run(ctx, c.URL, jsbench.Config{Messages: 2000, Rounds: 2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 4 {
		t.Fatalf("%d results, want 4", len(res))
	}
	if _, attempts, err := jsbench.Refill(ctx, c.URL, 10, 50*time.Millisecond); err != nil || attempts < 1 {
		t.Fatalf("Refill: %d attempts, %v", attempts, err)
	}
}

func TestConfigValidate(t *testing.T) {
	for _, c := range []jsbench.Config{{Messages: -1}, {Replicas: 2}, {Window: -3}} {
		if c.Validate() == nil {
			t.Errorf("%+v: no error", c)
		}
	}
	if err := (jsbench.Config{}).Validate(); err != nil {
		t.Error(err)
	}
}

// BenchmarkEndToEnd: send, store, receive, handle, acknowledge, 64 B
// messages, one server with file storage; b.N messages per run.
func BenchmarkEndToEnd(b *testing.B) {
	c, err := jsbench.StartCluster(1)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Shutdown()
	for _, impl := range []string{"raw", "baton"} {
		b.Run(impl, func(b *testing.B) {
			n := max(b.N, 1000)
			ctx := context.Background()
			b.ResetTimer()
			res, err := jsbench.Run(ctx, c.URL, jsbench.Config{Messages: n, Rounds: 1, Only: impl}, nil)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(res[0].Rate, "msgs/s")
		})
	}
}
