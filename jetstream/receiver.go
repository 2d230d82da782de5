package jetstream

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/baton-go/baton/channel"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Receiver is the receiving end of a channel over JetStream: it pulls from
// the channel's one durable consumer, shared by every Receiver in every
// process, and the server hands each message to one of them.
//
// It has the method names and errors of baton's local *channel.Receiver,
// and one more method, RecvAck, that makes delivery at-least-once:
// pool.Serve and pipeline.FromReceiver find it and use it, so the local
// pool's and pipeline's code runs unchanged over JetStream and a message is
// acknowledged only once the work it feeds is done. **Handlers must be
// idempotent**: a process that dies after the work but before the
// acknowledgement reached the server gets its message delivered again.
//
// Nothing is pulled from the server before the first receive, so a process
// that only sends never holds messages. Receive errors: channel.ErrClosed
// after Close, channel.ErrDisconnected once the stream or its consumer was
// deleted and the buffered messages are gone, channel.ErrEmpty from
// TryRecv, channel.ErrTimeout from RecvTimeout and RecvDeadline, and the
// context's error from RecvContext and RecvAck. A distributed channel has
// no other end to disconnect: while the stream exists, a receive waits for
// the next message however long no process sends.
//
// A Receiver is safe for use by many goroutines. Methods on a nil
// *Receiver panic.
type Receiver[T any] struct {
	ch     *chanInfo
	rs     *recvShared
	closed atomic.Bool
}

// recvShared is the consuming machinery a Receiver and its clones share:
// one pull subscription, the deliveries it buffered, the acknowledgers and
// the keeper that sends in-progress signals.
type recvShared struct {
	ch   *chanInfo
	cons jetstream.Consumer

	mu      sync.Mutex
	handles int
	started bool
	stopped bool

	// slots holds a token for each free place in deliveries; a pull request
	// takes one for each message it asks for (see pull).
	slots        chan struct{}
	pullCtx      context.Context
	cancelPulls  context.CancelFunc
	pullers      sync.WaitGroup
	lastActivity atomic.Int64 // unix nanos of the last pull request or arrival
	pl           puller

	deliveries chan *delivery
	done       chan struct{} // closed by Close: receives end
	stopKeep   chan struct{} // closed by Close once the pulls ended: the keeper returns
	gone       chan struct{} // closed when the consumer or stream is deleted
	goneOnce   sync.Once
	checking   atomic.Bool // a consumeErr check is running
	errMu      sync.Mutex
	errClosed  bool           // set by Close: consumeErr does nothing more
	checks     sync.WaitGroup // the consumeErr checks, waited for by Close

	tracked tracker // delivered, not yet settled and confirmed
	keeper  sync.WaitGroup

	ack acker

	received, redelivered, acked, nacked, dead, ackFailures, signals, swept atomic.Int64

	sweep sweeper
}

// ReceiverStats counts what a Receiver and its clones did.
type ReceiverStats struct {
	Received     int64 // messages handed to callers, each delivery counted
	Redelivered  int64 // of those, deliveries after the first
	Acked        int64 // acknowledgements the server confirmed
	Nacked       int64 // messages handed back for a later delivery
	DeadLettered int64 // messages moved to the dead-letter stream
	AckFailures  int64 // acknowledgements never confirmed: the server delivers those again
	InProgress   int64 // in-progress signals sent, for messages held longer than a third of AckWait
	Leftovers    int64 // acknowledged messages a crashed server had left in the stream, removed (see Open)
}

func newReceiver[T any](ch *chanInfo, cons jetstream.Consumer) *Receiver[T] {
	rs := &recvShared{
		ch:         ch,
		cons:       cons,
		handles:    1,
		deliveries: make(chan *delivery, ch.cf.prefetch),
		done:       make(chan struct{}),
		stopKeep:   make(chan struct{}),
		gone:       make(chan struct{}),
	}
	rs.ack.rs = rs
	rs.sweep = sweeper{rs: rs, seen: ch.conn.reconnects.Load(), done: make(chan sweepResult, 1)}
	return &Receiver[T]{ch: ch, rs: rs}
}

// start begins pulling, on the first receive of any handle.
func (rs *recvShared) start() error {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.started || rs.stopped {
		return nil
	}
	if err := rs.ack.start(rs); err != nil {
		return fmt.Errorf("jetstream: receive from %q: %w", rs.ch.name, err)
	}
	rs.slots = make(chan struct{}, cap(rs.deliveries))
	for range cap(rs.slots) {
		rs.slots <- struct{}{}
	}
	if err := rs.startPulls(); err != nil {
		return fmt.Errorf("jetstream: receive from %q: %w", rs.ch.name, err)
	}
	rs.pullCtx, rs.cancelPulls = context.WithCancel(context.Background())
	rs.started = true
	rs.pullers.Add(1)
	go rs.pull()
	rs.keeper.Add(1)
	go rs.keep()
	return nil
}

// consumeErr hears the pull subscription's troubles. A deleted consumer
// or stream ends receiving with channel.ErrDisconnected. The server says so
// only to a pull request it holds; otherwise deletion looks like a server
// that is away (no responders, missing heartbeats), so those make one
// check at a time of whether the consumer still exists.
func (rs *recvShared) consumeErr(err error) {
	// nats.go may call this even after the subscription reported itself
	// closed; errMu orders it with Close, which sets errClosed.
	rs.errMu.Lock()
	defer rs.errMu.Unlock()
	if rs.errClosed {
		return
	}
	if isGone(err) {
		rs.goneOnce.Do(func() { close(rs.gone) })
		return
	}
	if !errors.Is(err, nats.ErrNoResponders) && !errors.Is(err, jetstream.ErrNoHeartbeat) {
		return
	}
	if !rs.checking.CompareAndSwap(false, true) {
		return
	}
	rs.checks.Add(1)
	go func() {
		defer rs.checks.Done()
		defer rs.checking.Store(false)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if _, err := rs.cons.Info(ctx); isGone(err) {
			rs.goneOnce.Do(func() { close(rs.gone) })
		}
	}()
}

func isGone(err error) bool {
	return errors.Is(err, jetstream.ErrConsumerDeleted) || errors.Is(err, jetstream.ErrStreamNotFound) ||
		errors.Is(err, jetstream.ErrConsumerNotFound)
}

// arrive tracks each delivery the moment it reaches this process, so the
// keeper's in-progress signals cover the time it waits for a caller, and
// buffers it for a receive. The pull request that brought it holds a slot
// for it, so it never waits for room. While the Receiver closes, what
// arrives is buffered too, until the pulls have stopped, and handed back
// by Close then: handed back at once, the server would deliver it again
// to the requests still open, round and round.
func (rs *recvShared) arrive(m *nats.Msg) {
	d := &delivery{msg: m, rs: rs, arrived: time.Now()}
	d.lastSignal.Store(d.arrived.UnixNano())
	rs.tracked.Store(d)
	rs.deliveries <- d
}

// keep sends an in-progress signal for every tracked delivery that has
// not had one for a third of AckWait, so the server never redelivers a
// message while this process still holds it: not while it waits in the
// prefetch buffer, not while a slow handler runs, not while its
// acknowledgement is being confirmed. One goroutine for all deliveries,
// rather than a timer each.
func (rs *recvShared) keep() {
	defer rs.keeper.Done()
	every := rs.ch.cf.ackWait / 3
	t := time.NewTicker(min(every/2, ackRetryAfter/4))
	defer t.Stop()
	lastRange := time.Now()
	for {
		select {
		case <-rs.stopKeep: // not done: while Close waits for the pulls, what this process holds must not come back to it
			return
		case now := <-t.C:
			rs.ack.tick(now)
			rs.checkPulls(now)
			rs.sweep.tick(now)
			if now.Sub(lastRange) < every/2 {
				continue
			}
			lastRange = now
			due := rs.tracked.due(func(d *delivery) bool {
				return now.UnixNano()-d.lastSignal.Load() >= int64(every)
			})
			for _, d := range due {
				d.lastSignal.Store(now.UnixNano())
				_ = rs.ch.conn.nc.Publish(d.msg.Reply, inProgressBody)
				rs.signals.Add(1)
			}
		}
	}
}

// RecvAck receives a message without acknowledging it, and returns with
// it the settle function that decides its fate; this is the
// acknowledgement protocol pool.Serve and pipeline.FromReceiver speak.
// Call settle exactly once (later calls do nothing):
//   - settle(nil) when the work is done: the message is acknowledged, and
//     the acknowledgement is confirmed by the server (the consumer's ack
//     floor passes it, or the server answers it), retried if the
//     confirmation does not come; settle returns at once and the
//     confirmation happens in the background.
//   - settle(err) when the work failed: the message is delivered again
//     after a back-off (see WithBackoff), or, once it was delivered
//     WithMaxDeliver times, moved to the dead-letter stream with err's text.
//     An err that is (errors.Is) context.Canceled, context.DeadlineExceeded
//     or channel.ErrClosed means the work was abandoned, not failed, as
//     when pool.Serve stops: the message is handed back at once and does
//     not count towards dead-lettering.
//
// Until it is settled, the Receiver keeps the message alive with
// in-progress signals, however long the work takes; a message never
// settled is held until the Receiver is closed. A message that cannot
// be decoded is never returned: it goes to the dead-letter stream with the
// decoding error, and RecvAck waits for the next one. A nil ctx panics.
func (r *Receiver[T]) RecvAck(ctx context.Context) (v T, settle func(err error), err error) {
	if ctx == nil {
		panic("jetstream: RecvAck: nil ctx")
	}
	d, v, err := r.recv(ctx, true)
	if err != nil {
		return v, nil, err
	}
	return v, d.settle, nil
}

// RecvContext receives a value, waiting until one arrives or ctx is done
// (then it returns ctx.Err()). It acknowledges the message as it hands the
// value over: delivery is at-most-once from that moment, and a process that
// dies before it finishes the work loses that value. For at-least-once,
// use RecvAck, as pool.Serve and pipeline.FromReceiver do. A nil ctx
// panics.
func (r *Receiver[T]) RecvContext(ctx context.Context) (T, error) {
	if ctx == nil {
		panic("jetstream: RecvContext: nil ctx")
	}
	return r.recvAcked(ctx, true, false)
}

// Recv is RecvContext without a time limit.
func (r *Receiver[T]) Recv() (T, error) {
	return r.recvAcked(context.Background(), true, false)
}

// TryRecv receives a value only if one is already buffered in this
// process; otherwise it fails with channel.ErrEmpty. The first TryRecv
// starts pulling and usually finds nothing yet. It acknowledges like
// RecvContext.
func (r *Receiver[T]) TryRecv() (T, error) {
	return r.recvAcked(context.Background(), false, false)
}

// RecvTimeout is Recv that gives up with channel.ErrTimeout after d.
func (r *Receiver[T]) RecvTimeout(d time.Duration) (T, error) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	return r.recvAcked(ctx, true, true)
}

// RecvDeadline is Recv that gives up with channel.ErrTimeout at t.
func (r *Receiver[T]) RecvDeadline(t time.Time) (T, error) {
	ctx, cancel := context.WithDeadline(context.Background(), t)
	defer cancel()
	return r.recvAcked(ctx, true, true)
}

func (r *Receiver[T]) recvAcked(ctx context.Context, wait, timeoutErr bool) (T, error) {
	d, v, err := r.recv(ctx, wait)
	if err != nil {
		if timeoutErr && errors.Is(err, context.DeadlineExceeded) {
			err = channel.ErrTimeout
		}
		return v, err
	}
	d.settle(nil)
	return v, nil
}

func (r *Receiver[T]) recv(ctx context.Context, wait bool) (*delivery, T, error) {
	var zero T
	if r.closed.Load() {
		return nil, zero, channel.ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return nil, zero, err
	}
	rs := r.rs
	if err := rs.start(); err != nil {
		return nil, zero, err
	}
	for {
		var d *delivery
		if wait {
			select {
			case d = <-rs.deliveries:
				rs.slots <- struct{}{}
			case <-ctx.Done():
				return nil, zero, ctx.Err()
			case <-rs.done:
				return nil, zero, channel.ErrClosed
			case <-rs.gone:
				return nil, zero, fmt.Errorf("%w: the stream or consumer of %q was deleted", channel.ErrDisconnected, r.ch.name)
			}
		} else {
			select {
			case d = <-rs.deliveries:
				rs.slots <- struct{}{}
			default:
				return nil, zero, channel.ErrEmpty
			}
		}
		if r.closed.Load() {
			d.settle(channel.ErrClosed)
			return nil, zero, channel.ErrClosed
		}
		d.deliveries, d.streamSeq = ackMetadata(d.msg.Reply)
		if d.deliveries > 2*rs.ch.cf.maxDeliver {
			// Delivered that often, and settled with a failure too few
			// times to be dead-lettered: the processes that took it died or
			// stopped first. Likely a poison message that kills its worker;
			// it must not take down the next one too. Twice MaxDeliver
			// leaves room for deliveries abandoned by stopping workers.
			d.deadLetter(fmt.Errorf("jetstream: delivered %d times without being settled", d.deliveries))
			continue
		}
		v, err := decode[T](rs.ch.cf.codec, d.msg.Data)
		if err != nil {
			d.deadLetter(fmt.Errorf("jetstream: decode: %w", err))
			continue
		}
		rs.received.Add(1)
		if d.deliveries > 1 {
			rs.redelivered.Add(1)
		}
		return d, v, nil
	}
}

// Clone returns another handle sharing this Receiver's subscription. The
// subscription stops when every handle is closed.
func (r *Receiver[T]) Clone() *Receiver[T] {
	c := &Receiver[T]{ch: r.ch, rs: r.rs}
	if r.closed.Load() {
		c.closed.Store(true)
		return c
	}
	r.rs.mu.Lock()
	r.rs.handles++
	r.rs.mu.Unlock()
	return c
}

// Close closes this handle: its receives fail with channel.ErrClosed.
// Closing the last handle stops pulling (once the pull requests in flight
// have gone quiet, within 2s), hands the messages buffered here back to the server
// for other Receivers, and waits (up to 10s) until the
// acknowledgements of settled messages are confirmed, so work reported done
// is not done again. Messages received but not yet settled stay the
// caller's: settling them after Close still works while the connection is
// open; otherwise the server delivers them again after AckWait. Close is
// idempotent and safe from any goroutine.
func (r *Receiver[T]) Close() {
	if r.closed.Swap(true) {
		return
	}
	rs := r.rs
	rs.mu.Lock()
	rs.handles--
	last := rs.handles == 0
	if last {
		rs.stopped = true
	}
	started := rs.started
	rs.mu.Unlock()
	if !last {
		return
	}
	close(rs.done)
	if !started {
		return
	}
	// A pull request cut short loses the messages on their way: the server
	// delivers those again after AckWait. Those that arrived are handed
	// back below, for other Receivers, at once.
	rs.stopPulls()
	// Hand the buffered deliveries back now, for other Receivers, rather
	// than after AckWait.
	for drained := false; !drained; {
		select {
		case d := <-rs.deliveries:
			d.settled.Store(true)
			_ = rs.ch.conn.nc.Publish(d.msg.Reply, nakBody)
			rs.tracked.Delete(d)
		default:
			drained = true
		}
	}
	close(rs.stopKeep)
	rs.keeper.Wait()
	rs.errMu.Lock()
	rs.errClosed = true
	rs.errMu.Unlock()
	rs.checks.Wait()
	rs.ack.close(10*time.Second, rs.ch.cf.ackWait)
}

// Cap returns the channel's capacity, the stream's MaxMsgs.
func (r *Receiver[T]) Cap() int { return r.ch.capacity }

// Name returns the channel's name, which is its stream's name.
func (r *Receiver[T]) Name() string { return r.ch.name }

// Stats returns the counts of the Receiver and its clones so far.
func (r *Receiver[T]) Stats() ReceiverStats {
	rs := r.rs
	return ReceiverStats{
		Received:     rs.received.Load(),
		Redelivered:  rs.redelivered.Load(),
		Acked:        rs.acked.Load(),
		Nacked:       rs.nacked.Load(),
		DeadLettered: rs.dead.Load(),
		AckFailures:  rs.ackFailures.Load(),
		InProgress:   rs.signals.Load(),
		Leftovers:    rs.swept.Load(),
	}
}
