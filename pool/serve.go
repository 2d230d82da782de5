package pool

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"

	"github.com/baton-go/baton/channel"
	"github.com/baton-go/baton/task"
)

// Receiver is anything Serve can pull work from: a baton
// *channel.Receiver[T], a JetStream receiver, or a type of your own.
// RecvContext must wait for a value until ctx is done, return
// channel.ErrDisconnected once no value will ever come, and
// channel.ErrClosed once the receiver itself was closed (a receive blocked
// at that moment included), and be safe for concurrent use by Serve's
// workers. Either ends Serve cleanly; any other error is a broken receiver.
type Receiver[T any] interface {
	RecvContext(ctx context.Context) (T, error)
}

// AckReceiver is a receiver whose messages must be settled once the work
// they feed is done, such as a JetStream receiver: settled with nil, the
// message is acknowledged; with an error, the transport may redeliver it or
// give up on it, as its own policy says.
//
// When the rx given to Serve implements AckReceiver (checked once, when
// Serve starts), its workers receive with RecvAck instead of RecvContext
// and call settle exactly once for each message received: settle(nil) after
// the handler returned nil; settle(err) with the handler's error, its
// *task.PanicError or task.ErrGoexit otherwise; and settle with the
// context's error for a message received but never handled because Serve
// was stopping. RecvAck's error means what RecvContext's would. A channel's
// receiver does not implement it, so local work pays nothing for it.
type AckReceiver[T any] interface {
	RecvAck(ctx context.Context) (v T, settle func(err error), err error)
}

// Serve runs workers goroutines that receive from rx and call fn with each
// value, until rx disconnects, rx is closed or ctx ends: many consumers
// pulling from one queue, with the same handler code for a local channel
// or a distributed one.
//
// Serve waits for every handler to return, then returns every handler
// error joined (a *task.PanicError for a panic, task.ErrGoexit for
// runtime.Goexit: a failing handler never takes its worker down), plus
// ctx's error if ctx ended, plus any other receive error, which stops
// Serve and cancels the handlers' context. The handlers' context is ctx,
// cancelled when Serve returns.
//
// The end of rx is a clean end, whichever side ends it: when rx
// disconnects (channel.ErrDisconnected: every sender closed, and what was
// buffered handled) or when rx is closed, by its owner or anyone
// (channel.ErrClosed, even for a receive blocked at that moment), the
// workers stop receiving, the handlers in flight finish with their context
// intact, and Serve returns nil if no handler failed. Closing rx is thus a
// way to stop Serve without cancelling the work in hand. Closing the last
// Receiver of a baton channel drops the values still buffered, unserved;
// to have them served, close the sending side instead, or close a clone of
// the Receiver given to Serve, which leaves them to the other handles.
//
// A normal shutdown by a signal, with ctx from signal.NotifyContext,
// therefore returns an error that wraps context.Canceled (ctx's error)
// even when every handler succeeded: test for it with
// errors.Is(err, context.Canceled), as the example does, rather than
// comparing with nil. The handlers' own errors, if any, are joined to it.
//
// Of the options, only WithFailFast applies: the first handler failure
// stops the workers from receiving more, cancels the handlers' context,
// and Serve returns that failure (and any that happened meanwhile).
//
// Serve panics if ctx, rx or fn is nil, or workers < 1.
func Serve[T any](ctx context.Context, rx Receiver[T], workers int, fn func(ctx context.Context, v T) error, opts ...Option) error {
	switch {
	case ctx == nil:
		panic("pool: nil ctx passed to Serve")
	case rx == nil:
		panic("pool: nil rx passed to Serve")
	case fn == nil:
		panic("pool: nil fn passed to Serve")
	case workers < 1:
		panic("pool: workers < 1 passed to Serve")
	}
	cfg := newConfig(workers, opts)
	s := &server[T]{rx: rx, fn: fn, failFast: cfg.failFast}
	s.ack, _ = rx.(AckReceiver[T])
	s.ctx, s.cancel = context.WithCancelCause(ctx)
	defer s.cancel(nil)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go s.work(&wg)
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		s.errs = append(s.errs, err)
	}
	return errors.Join(s.errs...)
}

type server[T any] struct {
	rx       Receiver[T]
	ack      AckReceiver[T]
	fn       func(ctx context.Context, v T) error
	failFast bool
	ctx      context.Context
	cancel   context.CancelCauseFunc

	mu   sync.Mutex
	errs []error
}

func (s *server[T]) fail(err error) {
	s.mu.Lock()
	s.errs = append(s.errs, err)
	s.mu.Unlock()
	if s.failFast {
		s.cancel(err)
	}
}

// work is one worker's loop. Like a Pool's worker, it replaces itself if a
// handler calls runtime.Goexit, after settling the message in hand.
func (s *server[T]) work(wg *sync.WaitGroup) {
	finished := false
	var settle func(error)
	defer func() {
		if finished {
			wg.Done()
			return
		}
		s.fail(task.ErrGoexit)
		s.settle(settle, task.ErrGoexit)
		go s.work(wg)
	}()
	for {
		var v T
		var err error
		settle = nil
		if s.ack != nil {
			v, settle, err = s.ack.RecvAck(s.ctx)
		} else {
			v, err = s.rx.RecvContext(s.ctx)
		}
		if err != nil {
			finished = true
			if !ended(err) && s.ctx.Err() == nil {
				s.fail(fmt.Errorf("pool: Serve: receive: %w", err))
				s.cancel(err) // a broken receiver stops every worker
			}
			return
		}
		if err := s.ctx.Err(); err != nil { // stopping: not handled
			finished = true
			s.settle(settle, err)
			return
		}
		err, _ = callWith(s.ctx, s.fn, v)
		if err != nil {
			s.fail(err)
		}
		s.settle(settle, err)
	}
}

// ended reports whether a receive error is the clean end of the receiver:
// disconnected, or closed. Closing the handle fails the receives blocked
// through it with channel.ErrClosed, so every worker sees the end.
func ended(err error) bool {
	return errors.Is(err, channel.ErrDisconnected) || errors.Is(err, channel.ErrClosed)
}

// settle calls a message's settle function, if it has one. A panic in it is
// the receiver's bug, reported as an error rather than allowed to kill the
// worker.
func (s *server[T]) settle(settle func(error), err error) {
	if settle == nil {
		return
	}
	defer func() {
		if v := recover(); v != nil {
			s.fail(fmt.Errorf("pool: Serve: settle: %w", &task.PanicError{Value: v, Stack: debug.Stack()}))
		}
	}()
	settle(err)
}

// callWith is call for a handler that takes a value, without a closure per
// message.
func callWith[T any](ctx context.Context, fn func(context.Context, T) error, v T) (err error, panicked bool) {
	normal := false
	defer func() {
		if !normal {
			err, panicked = &task.PanicError{Value: recover(), Stack: debug.Stack()}, true
		}
	}()
	err = fn(ctx, v)
	normal = true
	return err, false
}
