package task_test

import (
	"context"
	"strings"
	"testing"
	"time"
)

// hangLimit turns a hang into a failure; no test depends on speed.
const hangLimit = 20 * time.Second

func hangCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), hangLimit)
	t.Cleanup(cancel)
	return ctx
}

// waitFor waits for ch to be closed, or fails after hangLimit.
func waitFor(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(hangLimit):
		t.Fatalf("hang: %s", what)
	}
}

func mustPanicWith(t *testing.T, want string, fn func()) {
	t.Helper()
	var v any
	func() {
		defer func() { v = recover() }()
		fn()
	}()
	s, ok := v.(string)
	if !ok || !strings.Contains(s, want) {
		t.Fatalf("panic value %#v, want a string containing %q", v, want)
	}
}
