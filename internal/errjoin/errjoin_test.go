package errjoin

import (
	"errors"
	"testing"
)

func TestJoin(t *testing.T) {
	a, b := errors.New("a"), errors.New("b")
	if err := Join(nil); err != nil {
		t.Fatalf("Join(nil) = %v", err)
	}
	if err := Join([]error{a}); err != a {
		t.Fatalf("Join of one = %#v; want the error itself", err)
	}
	err := Join([]error{a, b})
	if !errors.Is(err, a) || !errors.Is(err, b) || err.Error() != "a\nb" {
		t.Fatalf("Join of two = %q", err)
	}
}
