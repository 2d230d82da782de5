package channel_test

import (
	"strings"
	"testing"
	"time"

	"github.com/baton-go/baton/channel"
)

func TestAfter(t *testing.T) {
	start := time.Now()
	rx := channel.After(time.Millisecond)
	defer rx.Close()
	v, err := rx.RecvTimeout(hang)
	if err != nil {
		t.Fatal(err)
	}
	if v.Before(start) {
		t.Fatalf("After delivered %v, before it was made (%v)", v, start)
	}
	// It delivers once, then stays empty and connected.
	if _, err := rx.RecvTimeout(5 * time.Millisecond); err != channel.ErrTimeout {
		t.Fatalf("second receive: %v, want ErrTimeout", err)
	}
	if rx.IsDisconnected() {
		t.Fatal("After disconnected after delivering")
	}
}

// A d of zero or less is ready at once, like crossbeam's after(0): the value
// is there when After returns, so a TryRecv right after it succeeds.
func TestAfterNonPositiveDeliversAtOnce(t *testing.T) {
	for _, d := range []time.Duration{0, -time.Second} {
		rx := channel.After(d)
		if _, err := rx.TryRecv(); err != nil {
			t.Fatalf("TryRecv right after After(%v): %v", d, err)
		}
		if _, err := rx.TryRecv(); err != channel.ErrEmpty {
			t.Fatalf("second TryRecv after After(%v): %v, want ErrEmpty", d, err)
		}
		rx.Close()
	}
}

func TestAfterClosedStops(t *testing.T) {
	rx := channel.After(time.Hour)
	rx.Close() // stops the timer: goleak in TestMain would not see a timer, but nothing fires later
	if _, err := rx.TryRecv(); err != channel.ErrClosed {
		t.Fatalf("TryRecv after Close: %v", err)
	}
}

func TestTick(t *testing.T) {
	rx := channel.Tick(time.Millisecond)
	defer rx.Close()
	var last time.Time
	for i := range 3 {
		v, err := rx.RecvTimeout(hang)
		if err != nil {
			t.Fatalf("tick %d: %v", i, err)
		}
		if !v.After(last) {
			t.Fatalf("tick %d at %v, not after %v", i, v, last)
		}
		last = v
	}
	// A slow receiver finds at most one tick waiting.
	time.Sleep(20 * time.Millisecond)
	if n := rx.Len(); n > 1 {
		t.Fatalf("%d ticks waiting, want at most 1", n)
	}
}

func TestTickNonPositivePanics(t *testing.T) {
	defer func() {
		if r, _ := recover().(string); !strings.Contains(r, "non-positive interval") {
			t.Fatalf("recover() = %q", r)
		}
	}()
	channel.Tick(0)
}

func TestNever(t *testing.T) {
	rx := channel.Never[string]()
	defer rx.Close()
	if _, err := rx.TryRecv(); err != channel.ErrEmpty {
		t.Fatalf("TryRecv: %v", err)
	}
	if _, err := rx.RecvTimeout(5 * time.Millisecond); err != channel.ErrTimeout {
		t.Fatalf("RecvTimeout: %v", err)
	}
	if rx.IsDisconnected() {
		t.Fatal("Never is disconnected")
	}
}
