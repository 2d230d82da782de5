package task_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/baton-go/baton/task"
)

func TestSpawnJoinValue(t *testing.T) {
	h := task.Spawn(func() (int, error) { return 42, nil })
	v, err := h.Join()
	if v != 42 || err != nil {
		t.Fatalf("Join = %v, %v", v, err)
	}
}

func TestSpawnJoinError(t *testing.T) {
	h := task.Spawn(func() (string, error) { return "partial", io.EOF })
	v, err := h.Join()
	if v != "partial" || err != io.EOF {
		t.Fatalf("Join = %q, %v", v, err)
	}
	if errors.Is(err, task.ErrPanicked) {
		t.Fatal("a returned error reported as a panic")
	}
}

func TestJoinTwiceAndConcurrently(t *testing.T) {
	release := make(chan struct{})
	h := task.Spawn(func() (int, error) { <-release; return 7, io.ErrUnexpectedEOF })
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if v, err := h.Join(); v != 7 || err != io.ErrUnexpectedEOF {
				t.Errorf("Join = %v, %v", v, err)
			}
		}()
	}
	close(release)
	wg.Wait()
	for range 2 {
		if v, err := h.Join(); v != 7 || err != io.ErrUnexpectedEOF {
			t.Fatalf("Join again = %v, %v", v, err)
		}
	}
}

//go:noinline
func panickingFrame(v any) (int, error) {
	panic(v)
}

func TestPanicString(t *testing.T) {
	_, err := task.Spawn(func() (int, error) { return panickingFrame("boom") }).Join()
	var pe *task.PanicError
	if !errors.As(err, &pe) {
		t.Fatalf("Join error %v (%T), want *PanicError", err, err)
	}
	if pe.Value != "boom" {
		t.Fatalf("Value = %#v", pe.Value)
	}
	if !errors.Is(err, task.ErrPanicked) {
		t.Fatal("errors.Is(err, ErrPanicked) is false")
	}
	if pe.Unwrap() != nil {
		t.Fatal("a string panic unwraps to an error")
	}
	if got := err.Error(); got != "task: panic: boom" {
		t.Fatalf("Error() = %q", got)
	}
	// The stack is taken at the panic, so it names the panicking frame.
	if !strings.Contains(string(pe.Stack), "panickingFrame") {
		t.Fatalf("stack does not show the panicking frame:\n%s", pe.Stack)
	}
	if full := fmt.Sprintf("%+v", err); !strings.Contains(full, "panickingFrame") || !strings.HasPrefix(full, "task: panic: boom\n") {
		t.Fatalf("%%+v = %q", full)
	}
	if short := fmt.Sprintf("%v|%s", err, err); short != "task: panic: boom|task: panic: boom" {
		t.Fatalf("%%v|%%s = %q", short)
	}
}

func TestPanicError(t *testing.T) {
	_, err := task.Spawn(func() (int, error) { return panickingFrame(io.ErrClosedPipe) }).Join()
	if !errors.Is(err, io.ErrClosedPipe) {
		t.Fatalf("the panic value is not reachable: %v", err)
	}
	if !errors.Is(err, task.ErrPanicked) {
		t.Fatal("not ErrPanicked")
	}
}

func TestPanicRuntimeError(t *testing.T) {
	_, err := task.Spawn(func() (int, error) {
		var m map[string]int
		//lint:ignore SA5000 the panic is the point
		m["x"] = 1
		return 0, nil
	}).Join()
	var re runtime.Error
	if !errors.As(err, &re) {
		t.Fatalf("want a runtime.Error inside, got %v", err)
	}
}

func TestPanicNil(t *testing.T) {
	_, err := task.Spawn(func() (int, error) { return panickingFrame(nil) }).Join()
	var pne *runtime.PanicNilError
	if !errors.As(err, &pne) {
		t.Fatalf("want a *runtime.PanicNilError inside, got %v (%T)", err, err)
	}
	if !errors.Is(err, task.ErrPanicked) {
		t.Fatal("not ErrPanicked")
	}
}

func TestGoexit(t *testing.T) {
	h := task.Spawn(func() (int, error) {
		defer func() {}() // deferred calls still run
		runtime.Goexit()
		return 1, nil
	})
	waitFor(t, h.Done(), "Join after Goexit")
	v, err := h.Join()
	if v != 0 || err != task.ErrGoexit {
		t.Fatalf("Join = %v, %v; want 0, ErrGoexit", v, err)
	}
	if errors.Is(err, task.ErrPanicked) {
		t.Fatal("Goexit reported as a panic")
	}
}

func TestJoinContextTimeout(t *testing.T) {
	release := make(chan struct{})
	h := task.Spawn(func() (int, error) { <-release; return 3, nil })
	ctx, cancel := context.WithTimeout(context.Background(), 0)
	defer cancel()
	v, err := h.JoinContext(ctx)
	if v != 0 || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("JoinContext = %v, %v", v, err)
	}
	// The function was not stopped: it still delivers.
	close(release)
	if v, err := h.Join(); v != 3 || err != nil {
		t.Fatalf("Join after JoinContext gave up = %v, %v", v, err)
	}
}

func TestJoinContextCause(t *testing.T) {
	block := make(chan struct{})
	defer close(block)
	h := task.Spawn(func() (int, error) { <-block; return 0, nil })
	why := errors.New("shutting down")
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(why)
	_, err := h.JoinContext(ctx)
	if !errors.Is(err, context.Canceled) || !errors.Is(err, why) {
		t.Fatalf("JoinContext = %v; want both context.Canceled and the cause", err)
	}
}

func TestJoinContextFinishedWins(t *testing.T) {
	h := task.Spawn(func() (int, error) { return 5, nil })
	h.Join()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for range 100 {
		if v, err := h.JoinContext(ctx); v != 5 || err != nil {
			t.Fatalf("JoinContext = %v, %v; a finished task must win", v, err)
		}
	}
}

func TestDoneInSelect(t *testing.T) {
	h := task.Spawn(func() (string, error) { return "x", nil })
	other := make(chan int)
	select {
	case <-h.Done():
	case <-other:
		t.Fatal("impossible")
	}
	if v, _ := h.Join(); v != "x" {
		t.Fatal(v)
	}
}

func TestNilArguments(t *testing.T) {
	mustPanicWith(t, "task: nil function passed to Spawn", func() { task.Spawn[int](nil) })
	h := task.Spawn(func() (int, error) { return 0, nil })
	h.Join()
	//lint:ignore SA1012 testing the nil check
	mustPanicWith(t, "task: nil Context", func() { _, _ = h.JoinContext(nil) })
}
