package guard_test

import (
	"strings"
	"testing"
	"time"
)

// hangLimit turns a deadlock into a failure; no test depends on speed.
const hangLimit = 20 * time.Second

// mustPanic runs fn and returns what it panicked with, failing if it did not.
func mustPanic(t *testing.T, fn func()) (v any) {
	t.Helper()
	panicked := true
	func() {
		defer func() { v = recover() }()
		fn()
		panicked = false
	}()
	if !panicked {
		t.Fatal("no panic")
	}
	return v
}

func mustPanicWith(t *testing.T, want string, fn func()) {
	t.Helper()
	v := mustPanic(t, fn)
	s, ok := v.(string)
	if !ok || !strings.Contains(s, want) {
		t.Fatalf("panic value %#v, want a string containing %q", v, want)
	}
}

// waitAll waits for done to be closed, or fails after hangLimit.
func waitAll(t *testing.T, done <-chan struct{}) {
	t.Helper()
	select {
	case <-done:
	case <-time.After(hangLimit):
		t.Fatal("hang: goroutines did not finish")
	}
}
