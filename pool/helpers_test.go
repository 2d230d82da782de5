package pool_test

import (
	"context"
	"strings"
	"testing"
	"time"
)

// hangLimit turns a hang into a failure; no test depends on speed.
const hangLimit = 30 * time.Second

func hangCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), hangLimit)
	t.Cleanup(cancel)
	return ctx
}

// eventually polls cond until it holds; only a hang fails it.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(hangLimit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("hang: %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func mustPanicWith(t testing.TB, want string, fn func()) {
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
