package jetstream

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/baton-go/baton/channel"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nuid"
)

// ErrTooLarge reports a value whose encoded message is over the server's
// max payload. The *channel.SendError that carries it holds the value.
var ErrTooLarge = errors.New("jetstream: message over the server's max payload")

// errOutcomeUnknown is the cause of a send that could not learn whether
// the server stored it before the deduplication window ran out.
var errOutcomeUnknown = errors.New("jetstream: the server did not confirm the send within the deduplication window; it may or may not be stored")

// maxFullBackoff caps the pause between two probes of a full stream: it
// bounds how late a waiting send notices room, and how often one Sender
// asks a full server.
const maxFullBackoff = 10 * time.Millisecond

// attemptTimeout bounds one publish attempt; a send whose attempt times
// out tries again with the same message ID.
const attemptTimeout = 5 * time.Second

// Sender is the sending end of a channel over JetStream. It has the method
// names and errors of baton's local *channel.Sender: a failed send returns
// a *channel.SendError holding the value, wrapping channel.ErrFull,
// channel.ErrTimeout, channel.ErrClosed, channel.ErrDisconnected (the
// stream was deleted), a context's error, ErrTooLarge, or the server's
// error.
//
// A send returns once the server has stored the message, so a value a send
// accepted survives a crash of the sending process. Each value gets a
// message ID when it is first tried, and every retry (after a timeout, a
// server restart, or while the stream is full) reuses it: the server stores
// it once. Sends from one goroutine are stored in the order they were made,
// because each waits for its confirmation; concurrent sends from many
// goroutines pipeline on the connection, within the adaptive window (see
// WithWindow). One goroutine sends one message per round trip, so a
// producer that needs throughput sends from as many goroutines as the
// window, sharing one Sender.
//
// A Sender is safe for use by many goroutines. Methods on a nil *Sender
// panic.
type Sender[T any] struct {
	ch     *chanInfo
	sh     *senderShared
	closed atomic.Bool
}

// senderShared is what a Sender and its clones share.
type senderShared struct {
	win    *window
	prefix string
	seq    atomic.Uint64

	sent, duplicates, fullRetries, retries atomic.Int64
}

// SenderStats counts what a Sender and its clones did.
type SenderStats struct {
	Sent        int64 // values stored
	Duplicates  int64 // retries the server recognised as already stored and kept once
	FullRetries int64 // attempts refused because the stream was full
	Retries     int64 // attempts retried after a timeout or a lost connection
}

func newSender[T any](ch *chanInfo) *Sender[T] {
	return &Sender[T]{ch: ch, sh: &senderShared{win: newWindow(ch.cf.window), prefix: nuid.Next()}}
}

// Send sends v, waiting while the channel is full, with no time limit.
func (s *Sender[T]) Send(v T) error { return s.send(context.Background(), v, false, false) }

// TrySend sends v only if the stream has room now; a full stream fails it
// with channel.ErrFull. It still needs the server's answer, a round trip;
// when the answer is lost it retries with the same ID for up to 5s, so the
// outcome is known.
func (s *Sender[T]) TrySend(v T) error {
	ctx, cancel := context.WithTimeout(context.Background(), attemptTimeout)
	defer cancel()
	return s.send(ctx, v, true, true)
}

// SendTimeout is Send that gives up with channel.ErrTimeout after d.
func (s *Sender[T]) SendTimeout(v T, d time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	return s.send(ctx, v, false, true)
}

// SendDeadline is Send that gives up with channel.ErrTimeout at t.
func (s *Sender[T]) SendDeadline(v T, t time.Time) error {
	ctx, cancel := context.WithDeadline(context.Background(), t)
	defer cancel()
	return s.send(ctx, v, false, true)
}

// SendContext is Send that gives up when ctx is done, with an error for
// which errors.Is(err, ctx.Err()) holds. A ctx already done fails at once,
// without sending. A nil ctx panics. When ctx ends while an attempt's
// answer is outstanding, the value may have been stored: the error says
// so, and a retry stores it a second time (idempotent handlers make that
// harmless).
func (s *Sender[T]) SendContext(ctx context.Context, v T) error {
	if ctx == nil {
		panic("jetstream: SendContext: nil ctx")
	}
	return s.send(ctx, v, false, false)
}

func (s *Sender[T]) send(ctx context.Context, v T, try, timeoutErr bool) error {
	fail := func(err error) error { return &channel.SendError[T]{Value: v, Err: err} }
	if s.closed.Load() {
		return fail(channel.ErrClosed)
	}
	if err := ctx.Err(); err != nil {
		return fail(s.ctxErr(ctx, timeoutErr, false))
	}
	data, err := marshal(s.ch.cf.codec, &v)
	if err != nil {
		return fail(fmt.Errorf("jetstream: encode: %w", err))
	}
	nc := s.ch.conn.nc
	if max := nc.MaxPayload(); max > 0 && int64(len(data)) > max {
		return fail(fmt.Errorf("%w: %d bytes, the limit is %d", ErrTooLarge, len(data), max))
	}
	// The header map is reused (see idHeaders) and filled directly:
	// MsgIDHeader is already in canonical form, so Header.Set's
	// canonicalisation is work for nothing.
	hdr := idHeaders.Get().(nats.Header)
	// Built in a stack buffer: one allocation for the string, not one
	// for the number and another for the concatenation.
	var idBuf [48]byte
	id := append(append(idBuf[:0], s.sh.prefix...), '-')
	hdr[jetstream.MsgIDHeader][0] = string(strconv.AppendUint(id, s.sh.seq.Add(1), 36))
	msg := &nats.Msg{Subject: s.ch.subject, Data: data, Header: hdr}

	sh := s.sh
	var uncertainSince time.Time // first attempt whose outcome is unknown
	pause := time.Millisecond
	haveSlot := false
	for {
		if !haveSlot {
			if err := sh.win.acquire(ctx); err != nil {
				return fail(s.ctxErr(ctx, timeoutErr, !uncertainSince.IsZero()))
			}
			haveSlot = true
		}
		duplicate, err := s.attempt(ctx, msg)
		if err != nil && ctx.Err() != nil {
			// The caller gave up while this attempt's answer was
			// outstanding: the server may have stored it.
			sh.win.release(false)
			return fail(s.ctxErr(ctx, timeoutErr, true))
		}
		switch {
		case err == nil:
			// Answered: every attempt of this send has been handed to
			// the connection and encoded, so nothing refers to the
			// header any more. (A send that gives up leaves its header
			// to the garbage collector: an attempt of it may still be
			// queued in the outbox.)
			idHeaders.Put(hdr)
			sh.win.release(true)
			sh.sent.Add(1)
			if duplicate {
				sh.duplicates.Add(1)
			}
			return nil
		case isFull(err):
			sh.fullRetries.Add(1)
			if try {
				sh.win.release(false)
				return fail(channel.ErrFull)
			}
			haveSlot = sh.win.full()
			// A refusal is a definite answer: nothing was stored by
			// this attempt, so the dedup clock does not run.
		case errors.Is(err, nats.ErrMaxPayload):
			sh.win.release(false)
			return fail(fmt.Errorf("%w: %d bytes of value, the limit is %d: %w", ErrTooLarge, len(data), nc.MaxPayload(), err))
		case errors.Is(err, jetstream.ErrStreamNotFound) || isAPICode(err, jetstream.JSErrCodeStreamNotFound):
			sh.win.release(false)
			return fail(fmt.Errorf("%w: stream %q not found", channel.ErrDisconnected, s.ch.name))
		case transient(err):
			sh.retries.Add(1)
			sh.win.release(false)
			haveSlot = false
			if uncertainSince.IsZero() {
				uncertainSince = time.Now()
			}
			if time.Since(uncertainSince) > s.ch.cf.duplicates*3/4 {
				return fail(fmt.Errorf("%w (last error: %w)", errOutcomeUnknown, err))
			}
		default:
			sh.win.release(false)
			return fail(fmt.Errorf("jetstream: send to %q: %w", s.ch.name, err))
		}
		if ctx.Err() != nil {
			if haveSlot {
				sh.win.release(false)
			}
			return fail(s.ctxErr(ctx, timeoutErr, !uncertainSince.IsZero()))
		}
		// Full jitter keeps probes from many Senders apart.
		d := pause/2 + rand.N(pause/2+1)
		pause = min(2*pause, maxFullBackoff)
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			if haveSlot {
				sh.win.release(false)
			}
			return fail(s.ctxErr(ctx, timeoutErr, !uncertainSince.IsZero()))
		}
	}
}

// idHeaders holds header maps with a message ID, for reuse: a map per
// send was most of what a send allocated.
var idHeaders = sync.Pool{New: func() any { return nats.Header{jetstream.MsgIDHeader: {""}} }}

// attempt publishes msg once and waits for the server's answer (see
// publisher).
func (s *Sender[T]) attempt(ctx context.Context, msg *nats.Msg) (duplicate bool, err error) {
	conn := s.ch.conn
	return conn.pub.publish(ctx, msg, conn.connectionLost())
}

// ctxErr is the cause of a send that gave up because ctx ended.
func (s *Sender[T]) ctxErr(ctx context.Context, timeoutErr, uncertain bool) error {
	err := context.Cause(ctx)
	if timeoutErr && errors.Is(err, context.DeadlineExceeded) {
		err = channel.ErrTimeout
	}
	if uncertain {
		return fmt.Errorf("%w (an earlier attempt's outcome is unknown: it may be stored)", err)
	}
	return err
}

// isFull reports the server's refusal of a message because the stream
// holds MaxMsgs (or MaxBytes) already: error 10077 with discard-new.
func isFull(err error) bool {
	var apiErr *jetstream.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode != errCodeStreamStoreFailed {
		return false
	}
	d := strings.ToLower(apiErr.Description)
	return strings.Contains(d, "maximum messages") || strings.Contains(d, "maximum bytes")
}

// errCodeStreamStoreFailed is JetStream's error 10077, "storing the message
// failed", which a discard-new stream answers when it is full.
const errCodeStreamStoreFailed jetstream.ErrorCode = 10077

func isAPICode(err error, code jetstream.ErrorCode) bool {
	var apiErr *jetstream.APIError
	return errors.As(err, &apiErr) && apiErr.ErrorCode == code
}

// Clone returns another handle to the same Sender family: it shares the
// window and the statistics. Closing one handle does not close the others.
func (s *Sender[T]) Clone() *Sender[T] {
	c := &Sender[T]{ch: s.ch, sh: s.sh}
	c.closed.Store(s.closed.Load())
	return c
}

// Close closes this handle: later sends fail with channel.ErrClosed. Sends
// already waiting finish. Unlike a local channel's, closing every Sender
// does not disconnect the Receivers: a stream outlives processes, and
// another process may send to it tomorrow. Close is idempotent.
func (s *Sender[T]) Close() { s.closed.Store(true) }

// Cap returns the channel's capacity, the stream's MaxMsgs.
func (s *Sender[T]) Cap() int { return s.ch.capacity }

// Name returns the channel's name, which is its stream's name.
func (s *Sender[T]) Name() string { return s.ch.name }

// Stats returns the counts of the Sender and its clones so far.
func (s *Sender[T]) Stats() SenderStats {
	return SenderStats{
		Sent:        s.sh.sent.Load(),
		Duplicates:  s.sh.duplicates.Load(),
		FullRetries: s.sh.fullRetries.Load(),
		Retries:     s.sh.retries.Load(),
	}
}
