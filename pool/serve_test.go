package pool_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/baton-go/baton/channel"
	"github.com/baton-go/baton/pool"
	"github.com/baton-go/baton/task"
)

func handleInt(context.Context, int) error { return nil }

// fakeRx is a receiver over a native channel: closed means disconnected.
type fakeRx chan int

func (f fakeRx) RecvContext(ctx context.Context) (int, error) {
	select {
	case v, ok := <-f:
		if !ok {
			return 0, channel.ErrDisconnected
		}
		return v, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

func TestServeOverChannel(t *testing.T) {
	tx, rx := channel.Bounded[int](8)
	const n = 2000
	var seen [n]atomic.Int32
	go func() {
		defer tx.Close()
		for i := range n {
			if err := tx.Send(i); err != nil {
				panic(err)
			}
		}
	}()
	err := pool.Serve(hangCtx(t), rx, 4, func(ctx context.Context, v int) error {
		seen[v].Add(1)
		return nil
	})
	if err != nil {
		t.Fatalf("Serve after disconnection: %v", err)
	}
	for i := range seen {
		if c := seen[i].Load(); c != 1 {
			t.Fatalf("value %d handled %d times", i, c)
		}
	}
}

func TestServeErrorsJoined(t *testing.T) {
	tx, rx := channel.Bounded[int](0)
	go func() {
		defer tx.Close()
		for i := range 30 {
			tx.Send(i)
		}
	}()
	err := pool.Serve(hangCtx(t), rx, 3, func(ctx context.Context, v int) error {
		switch v % 3 {
		case 0:
			return fmt.Errorf("value %d", v)
		case 1:
			if v == 1 {
				panic("one")
			}
			if v == 4 {
				runtime.Goexit()
			}
		}
		return nil
	})
	for i := 0; i < 30; i += 3 {
		if !errors.Is(err, fmt.Errorf("value %d", i)) && !containsMsg(err, fmt.Sprintf("value %d", i)) {
			t.Fatalf("Serve's error lacks value %d: %v", i, err)
		}
	}
	if !errors.Is(err, task.ErrPanicked) || !errors.Is(err, task.ErrGoexit) {
		t.Fatalf("Serve's error lacks the panic or the Goexit: %v", err)
	}
}

func containsMsg(err error, msg string) bool {
	if err == nil {
		return false
	}
	if err.Error() == msg {
		return true
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			if containsMsg(e, msg) {
				return true
			}
		}
	}
	return false
}

func TestServeContextEnds(t *testing.T) {
	_, rx := channel.Bounded[int](1) // never sends, never disconnects
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- pool.Serve(ctx, rx, 3, handleInt) }()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Serve after ctx ended: %v", err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	if err := pool.Serve(ctx, rx, 2, handleInt); !errors.Is(err, context.Canceled) {
		t.Fatalf("Serve with a done ctx: %v", err)
	}
}

func TestServeFailFast(t *testing.T) {
	tx, rx := channel.Unbounded[int]()
	for i := range 1000 {
		tx.Send(i)
	}
	defer tx.Close()
	boom := errors.New("boom")
	var handled atomic.Int32
	err := pool.Serve(hangCtx(t), rx, 2, func(ctx context.Context, v int) error {
		handled.Add(1)
		if v == 0 {
			return boom
		}
		<-ctx.Done() // only the failure ends the others
		return nil
	}, pool.WithFailFast())
	if !errors.Is(err, boom) {
		t.Fatalf("Serve: %v", err)
	}
	if handled.Load() == 1000 {
		t.Fatal("fail fast handled everything")
	}
}

// brokenRx hands out values from a native channel, then fails with err.
type brokenRx struct {
	fakeRx
	err error
}

func (b brokenRx) RecvContext(ctx context.Context) (int, error) {
	v, err := b.fakeRx.RecvContext(ctx)
	if err == channel.ErrDisconnected {
		err = b.err
	}
	return v, err
}

// A receive error other than the end of rx is a broken receiver: Serve
// stops every worker, cancels the handlers in flight and reports it.
func TestServeReceiveError(t *testing.T) {
	broken := errors.New("broken")
	rx := brokenRx{fakeRx: make(fakeRx, 1), err: broken}
	rx.fakeRx <- 1
	close(rx.fakeRx)
	err := pool.Serve(hangCtx(t), rx, 2, func(ctx context.Context, v int) error {
		<-ctx.Done() // only the broken receiver ends it
		return nil
	})
	if !errors.Is(err, broken) || errors.Is(err, context.Canceled) {
		t.Fatalf("Serve over a broken receiver: %v", err)
	}
}

// Closing the Receiver that Serve serves ends it cleanly: the receives
// blocked through it fail with channel.ErrClosed, no worker receives again,
// the handler in flight finishes with its context intact, and Serve returns
// nil. Over a rendezvous channel every value sent was handed to a worker,
// so every one is handled exactly once.
func TestServeEndsWhenReceiverClosed(t *testing.T) {
	tx, rx := channel.Bounded[int](0)
	defer tx.Close()
	const n = 100
	var seen [n + 1]atomic.Int32
	g := newGate()
	done := make(chan error)
	go func() {
		done <- pool.Serve(hangCtx(t), rx, 3, func(ctx context.Context, v int) error {
			seen[v].Add(1)
			if v == n {
				if err := g.task(ctx); err != nil {
					return fmt.Errorf("the handler in flight was cancelled: %w", err)
				}
			}
			return nil
		})
	}()
	for i := range n + 1 {
		if err := tx.SendContext(hangCtx(t), i); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "the last value is in hand", func() bool { return g.waiting.Load() == 1 })
	rx.Close() // the other two workers are blocked receiving through rx
	if err := tx.TrySend(-1); !errors.Is(err, channel.ErrDisconnected) {
		t.Fatalf("send after the receiver closed: %v", err)
	}
	g.open()
	if err := <-done; err != nil {
		t.Fatalf("Serve after its receiver was closed: %v", err)
	}
	for i := range seen {
		if c := seen[i].Load(); c != 1 {
			t.Fatalf("value %d handled %d times", i, c)
		}
	}
	// A receiver closed before Serve starts is at its end at once.
	if err := pool.Serve(hangCtx(t), rx, 2, handleInt); err != nil {
		t.Fatalf("Serve over a closed receiver: %v", err)
	}
}

// Closing a clone that Serve serves stops Serve and leaves what is buffered
// to the other handles: every value is handled by Serve or still received
// through the original, exactly once.
func TestServeOnClosedCloneLosesNothing(t *testing.T) {
	tx, rx := channel.Bounded[int](16)
	const n = 2000
	var seen [n]atomic.Int32
	clone := rx.Clone()
	var handled atomic.Int32
	done := make(chan error)
	go func() {
		done <- pool.Serve(hangCtx(t), clone, 3, func(ctx context.Context, v int) error {
			seen[v].Add(1)
			if handled.Add(1) == n/2 {
				clone.Close()
			}
			return nil
		})
	}()
	sent := make(chan error, 1)
	go func() {
		defer tx.Close()
		for i := range n {
			if err := tx.SendContext(hangCtx(t), i); err != nil {
				sent <- err
				return
			}
		}
		sent <- nil
	}()
	if err := <-done; err != nil {
		t.Fatalf("Serve after its clone was closed: %v", err)
	}
	for v, err := rx.Recv(); err == nil; v, err = rx.Recv() {
		seen[v].Add(1)
	}
	if err := <-sent; err != nil {
		t.Fatal(err)
	}
	rx.Close()
	for i := range seen {
		if c := seen[i].Load(); c != 1 {
			t.Fatalf("value %d handled or received %d times", i, c)
		}
	}
}

// ackRx is a fake AckReceiver with a ledger of settlements.
type ackRx struct {
	fakeRx
	mu      sync.Mutex
	settled map[int][]error
	plain   atomic.Int32 // RecvContext calls: must stay 0
}

func (a *ackRx) RecvContext(ctx context.Context) (int, error) {
	a.plain.Add(1)
	return a.fakeRx.RecvContext(ctx)
}

func (a *ackRx) RecvAck(ctx context.Context) (int, func(error), error) {
	v, err := a.fakeRx.RecvContext(ctx)
	if err != nil {
		return 0, nil, err
	}
	return v, func(err error) {
		a.mu.Lock()
		a.settled[v] = append(a.settled[v], err)
		a.mu.Unlock()
	}, nil
}

func TestServeSettlesEveryMessage(t *testing.T) {
	const n = 3000
	rx := &ackRx{fakeRx: make(fakeRx, n), settled: map[int][]error{}}
	for i := range n {
		rx.fakeRx <- i
	}
	close(rx.fakeRx)
	boom := errors.New("boom")
	err := pool.Serve(hangCtx(t), rx, 4, func(ctx context.Context, v int) error {
		switch v % 100 {
		case 1:
			return boom
		case 2:
			panic(v)
		case 3:
			runtime.Goexit()
		}
		return nil
	})
	if !errors.Is(err, boom) || !errors.Is(err, task.ErrPanicked) || !errors.Is(err, task.ErrGoexit) {
		t.Fatalf("Serve: %v", err)
	}
	if rx.plain.Load() != 0 {
		t.Fatal("Serve used RecvContext on an AckReceiver")
	}
	if len(rx.settled) != n {
		t.Fatalf("%d of %d messages settled", len(rx.settled), n)
	}
	for v, errs := range rx.settled {
		if len(errs) != 1 {
			t.Fatalf("message %d settled %d times", v, len(errs))
		}
		got := errs[0]
		var ok bool
		switch v % 100 {
		case 1:
			ok = got == boom
		case 2:
			ok = errors.Is(got, task.ErrPanicked)
		case 3:
			ok = got == task.ErrGoexit
		default:
			ok = got == nil
		}
		if !ok {
			t.Fatalf("message %d settled with %v", v, got)
		}
	}
}

func TestServeSettlesUnhandledWhenStopping(t *testing.T) {
	// Fail fast stops Serve while messages are still coming: every message
	// received is settled once, the unhandled ones with the context's error.
	const n = 2000
	rx := &ackRx{fakeRx: make(fakeRx, n), settled: map[int][]error{}}
	for i := range n {
		rx.fakeRx <- i
	}
	boom := errors.New("boom")
	var handled sync.Map
	err := pool.Serve(hangCtx(t), rx, 4, func(ctx context.Context, v int) error {
		handled.Store(v, true)
		if v == 50 {
			return boom
		}
		return nil
	}, pool.WithFailFast())
	close(rx.fakeRx)
	if !errors.Is(err, boom) {
		t.Fatalf("Serve: %v", err)
	}
	for v, errs := range rx.settled {
		if len(errs) != 1 {
			t.Fatalf("message %d settled %d times", v, len(errs))
		}
		_, wasHandled := handled.Load(v)
		switch {
		case v == 50 && errs[0] != boom:
			t.Fatalf("failing message settled with %v", errs[0])
		case v != 50 && wasHandled && errs[0] != nil:
			t.Fatalf("handled message %d settled with %v", v, errs[0])
		case !wasHandled && !errors.Is(errs[0], context.Canceled):
			t.Fatalf("unhandled message %d settled with %v", v, errs[0])
		}
	}
	// Nothing was lost: what was not received is still in the channel.
	if len(rx.settled)+len(rx.fakeRx) != n {
		t.Fatalf("%d settled + %d left != %d", len(rx.settled), len(rx.fakeRx), n)
	}
}
