package observe_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/baton-go/baton/observe"
	"github.com/baton-go/baton/pipeline"
	"github.com/baton-go/baton/pool"
	"github.com/prometheus/client_golang/prometheus"
)

func mustPanicWith(t *testing.T, want string, fn func()) {
	t.Helper()
	defer func() {
		t.Helper()
		p := recover()
		if p == nil {
			t.Fatalf("no panic, want one mentioning %q", want)
		}
		if msg := fmt.Sprint(p); !strings.Contains(msg, want) {
			t.Fatalf("panic %q does not mention %q", msg, want)
		}
	}()
	fn()
}

func TestRegisterNilPanicsNamingTheArgument(t *testing.T) {
	o := observe.New()
	mustPanicWith(t, "x is a nil *pool.Pool", func() { _ = o.Register(nil, "p", (*pool.Pool)(nil)) })
	mustPanicWith(t, "x is a nil *pool.Results[int]", func() { _ = o.Register(nil, "r", (*pool.Results[int])(nil)) })
	mustPanicWith(t, "x is a nil *pipeline.Monitor", func() { _ = o.Register(nil, "m", (*pipeline.Monitor)(nil)) })
	mustPanicWith(t, "x is nil", func() { _ = o.Register(nil, "n", nil) })
	mustPanicWith(t, "empty name", func() { _ = o.Register(nil, "", pipeline.NewMonitor()) })
	mustPanicWith(t, "x is a string", func() { _ = o.Register(nil, "s", "pool") })
	mustPanicWith(t, "c is nil", func() { _ = o.RegisterCollector(nil, "c", nil) })
	if s := o.Snapshot(); len(s.Pools)+len(s.Pipelines) != 0 {
		t.Fatalf("a failed Register left %+v behind", s)
	}
}

func TestRegisterSameNameTwice(t *testing.T) {
	o := observe.New()
	p := pool.New(1)
	defer p.Close()
	if err := o.Register(nil, "resize", p); err != nil {
		t.Fatal(err)
	}
	defer o.Unregister("resize")
	for _, x := range []any{p, pool.New(1), pipeline.NewMonitor()} {
		err := o.Register(nil, "resize", x)
		if !errors.Is(err, observe.ErrRegistered) || !strings.Contains(err.Error(), `"resize"`) {
			t.Fatalf("second Register of %T as resize: %v, want ErrRegistered naming it", x, err)
		}
		if q, ok := x.(*pool.Pool); ok && q != p {
			q.Close()
		}
	}
	// The first registration still counts, and its hook is still attached.
	if s := o.Snapshot(); len(s.Pools) != 1 || len(s.Pipelines) != 0 {
		t.Fatalf("after the refused ones: %d pools, %d pipelines; want 1, 0", len(s.Pools), len(s.Pipelines))
	}
	if !o.Unregister("resize") || o.Unregister("resize") {
		t.Fatal("Unregister should report true once, then false")
	}
	// The name is free again.
	if err := o.Register(nil, "resize", p); err != nil {
		t.Fatalf("Register after Unregister: %v", err)
	}
}

// A caller's registry that already holds the same series refuses, and the
// Observer is left as if nothing was registered.
func TestRegisterRefusedByTheCallersRegistry(t *testing.T) {
	reg := prometheus.NewRegistry()
	p := pool.New(1)
	defer p.Close()
	q := pool.New(1)
	defer q.Close()
	a, b := observe.New(), observe.New()
	if err := a.Register(reg, "same", p); err != nil {
		t.Fatal(err)
	}
	defer a.Unregister("same")
	err := b.Register(reg, "same", q)
	var are prometheus.AlreadyRegisteredError
	if !errors.As(err, &are) || !strings.Contains(err.Error(), `"same"`) {
		t.Fatalf("Register into a registry that has the pool: %v, want AlreadyRegisteredError naming it", err)
	}
	if s := b.Snapshot(); len(s.Pools) != 0 {
		t.Fatal("the refused registration shows on the page")
	}
	if err := b.Register(nil, "same", q); err != nil {
		t.Fatalf("the refused name or pool stayed taken: %v", err)
	}
	b.Unregister("same")
}

// A pool has one task hook: registering it again, under another name or
// with another Observer, is refused, and leaves the first registration's
// hook in place.
func TestRegisterOnePoolTwice(t *testing.T) {
	p := pool.New(1)
	a, b := observe.New(), observe.New()
	if err := a.Register(nil, "first", p); err != nil {
		t.Fatal(err)
	}
	for _, o := range []*observe.Observer{a, b} {
		err := o.Register(nil, "second", p)
		if !errors.Is(err, observe.ErrRegistered) || !strings.Contains(err.Error(), `"first"`) {
			t.Fatalf("Register of a registered pool: %v, want ErrRegistered naming first", err)
		}
	}
	if err := p.Submit(context.Background(), func(context.Context) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	// The first registration's histograms still got the task.
	checkHistograms(t, scrape(t, a.Handler()), "first", 1)
	a.Unregister("first")
	if err := b.Register(nil, "second", p); err != nil {
		t.Fatalf("Register after the first was unregistered: %v", err)
	}
	b.Unregister("second")
}
