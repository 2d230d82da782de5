package observe_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/baton-go/baton/observe"
	"github.com/baton-go/baton/pool"
)

// heldByTheTest is the stuck task's frame the report must show.
//
//go:noinline
func heldByTheTest(ctx context.Context, g *gate, child chan struct{}) error {
	// A goroutine of the task's own inherits its labels; the report must
	// still show the worker's stack, not the child's.
	go func() { <-child }()
	return g.wait(ctx)
}

func TestStuckTaskWithItsStack(t *testing.T) {
	o := observe.New()
	p := pool.New(3)
	g := newGate()
	child := make(chan struct{})
	defer func() { close(child); g.open(); p.Close() }()
	if err := o.Register(nil, "stuckpool", p); err != nil {
		t.Fatal(err)
	}
	defer o.Unregister("stuckpool")
	for range 5 {
		if err := p.Submit(context.Background(), func(context.Context) error { return nil }); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "the quick tasks done", func() bool { return p.Stats().Succeeded == 5 })
	if err := p.Submit(context.Background(), func(ctx context.Context) error { return heldByTheTest(ctx, g, child) }); err != nil {
		t.Fatal(err)
	}
	var stuck []observe.StuckTask
	eventually(t, "the held task reported", func() bool {
		stuck = o.Stuck(time.Millisecond)
		return len(stuck) == 1
	})
	s := stuck[0]
	if s.Pool != "stuckpool" || s.Seq != 5 || s.Age < time.Millisecond {
		t.Fatalf("stuck task %+v, want task 5 of stuckpool", s)
	}
	running := p.Running()
	if len(running) != 1 || running[0].Worker != s.Worker {
		t.Fatalf("reported worker %d, Running says %+v", s.Worker, running)
	}
	if !strings.Contains(s.Stack, "heldByTheTest") || !strings.Contains(s.Stack, "baton/pool.") {
		t.Fatalf("the stack is not the worker's:\n%s", s.Stack)
	}
	if txt := s.String(); !strings.Contains(txt, "pool stuckpool: task 5 running for") || !strings.Contains(txt, "heldByTheTest") {
		t.Fatalf("String():\n%s", txt)
	}
	// Nothing has run for an hour: no report.
	if got := o.Stuck(time.Hour); got != nil {
		t.Fatalf("Stuck(1h) = %+v, want none", got)
	}
}

// A pool that is busy but moving has no task older than the threshold.
func TestBusyPoolIsNotStuck(t *testing.T) {
	o := observe.New()
	p := pool.New(2)
	if err := o.Register(nil, "busy", p); err != nil {
		t.Fatal(err)
	}
	defer o.Unregister("busy")
	for range 2000 {
		if err := p.Submit(context.Background(), func(context.Context) error { return nil }); err != nil {
			t.Fatal(err)
		}
		if s := o.Stuck(time.Minute); s != nil {
			t.Fatalf("a moving pool reported stuck: %+v", s)
		}
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestStuckBadInput(t *testing.T) {
	mustPanicWith(t, "Stuck(d) needs d > 0", func() { observe.New().Stuck(0) })
}
