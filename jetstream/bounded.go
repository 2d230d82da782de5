package jetstream

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// ErrInvalidName reports a channel name Bounded cannot use.
var ErrInvalidName = errors.New("jetstream: invalid channel name")

// consumerName is the one durable consumer every Receiver of a channel,
// in every process, pulls from. A work-queue stream accepts a single
// unfiltered consumer, and one is all a queue needs: the server hands each
// message to one of the clients pulling from it.
const consumerName = "baton"

var validName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,200}$`)

// DeadLetterStream is the name of the stream that receives the messages of
// channel name that failed too often or could not be decoded, each with the
// headers Baton-Error (why), Baton-Deliveries and Baton-Stream-Sequence
// (where it was). It keeps them by the usual limits, for a person or a tool
// to inspect and replay; baton never reads it.
func DeadLetterStream(name string) string { return name + "_dead" }

func subjectOf(name string) string     { return "baton." + name }
func deadSubjectOf(name string) string { return "baton." + name + ".dead" }

// Bounded opens the channel called name on conn, creating it if it does
// not exist yet, and returns its two ends. Any number of processes may open
// the same channel: each Sender adds to one queue, and each message goes to
// one Receiver.
//
// The channel is a JetStream work-queue stream (subject "baton.<name>")
// holding at most capacity messages with the discard-new policy: a send to
// a full channel is refused by the server, never dropped silently, and
// Sender.SendContext waits for room. A message leaves the stream only when
// a Receiver acknowledges it, which happens once the work it feeds is done
// (see Receiver.RecvAck); so a crash of any process loses nothing, and
// **handlers must be idempotent**, because a message whose acknowledgement
// was lost in a crash is delivered again.
//
// Opening a channel removes the messages a crashed server may have left in
// its stream after they were acknowledged (see ReceiverStats.Leftovers).
//
// Opening a channel that exists updates its capacity and the options that
// can change; a change the server refuses (memory to file storage, say)
// fails with the server's error. A process that only consumes, and must
// not change what the producer set, opens the channel with Open instead.
//
// The name must be 1 to 200 letters, digits, '-' or '_' and must not end in
// "_dead" (see DeadLetterStream); otherwise Bounded fails with an error
// wrapping ErrInvalidName. A nil ctx or conn, or capacity < 1, panics: they
// are programming errors. While a cluster is still electing its leaders
// Bounded retries, until ctx is done.
func Bounded[T any](ctx context.Context, conn *Conn, name string, capacity int, opts ...Option) (*Sender[T], *Receiver[T], error) {
	if ctx == nil {
		panic("jetstream: Bounded: nil ctx")
	}
	if conn == nil {
		panic("jetstream: Bounded: nil conn")
	}
	if capacity < 1 {
		panic(fmt.Sprintf("jetstream: Bounded: capacity must be at least 1, not %d", capacity))
	}
	if err := checkName(name); err != nil {
		return nil, nil, err
	}
	cf := defaults()
	for _, o := range opts {
		o(&cf)
	}
	stream := jetstream.StreamConfig{
		Name:       name,
		Subjects:   []string{subjectOf(name)},
		Retention:  jetstream.WorkQueuePolicy,
		MaxMsgs:    int64(capacity),
		Discard:    jetstream.DiscardNew,
		Storage:    cf.storage(),
		Replicas:   cf.replicas,
		Duplicates: cf.duplicates,
	}
	dead := deadConfig(name, &cf)
	consumer := consumerConfig(&cf)
	var cons jetstream.Consumer
	var st jetstream.StreamState
	err := retryTransient(ctx, func(ctx context.Context) error {
		s, err := conn.js.CreateOrUpdateStream(ctx, stream)
		if err != nil {
			return err
		}
		st = s.CachedInfo().State
		if _, err := conn.js.CreateOrUpdateStream(ctx, dead); err != nil {
			return err
		}
		c, err := conn.js.CreateOrUpdateConsumer(ctx, name, consumer)
		cons = c
		return err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("jetstream: open channel %q on %s: %w", name, conn.url, err)
	}
	swept := sweepOnOpen(ctx, conn.js, name, st, cons.CachedInfo().AckFloor.Stream)
	ch := &chanInfo{conn: conn, name: name, subject: subjectOf(name), capacity: capacity, cf: cf}
	rx := newReceiver[T](ch, cons)
	rx.rs.swept.Add(int64(swept))
	return newSender[T](ch), rx, nil
}

func checkName(name string) error {
	if !validName.MatchString(name) || strings.HasSuffix(name, "_dead") {
		return fmt.Errorf("%w %q: use 1 to 200 letters, digits, '-' or '_', not ending in _dead", ErrInvalidName, name)
	}
	return nil
}

func deadConfig(name string, cf *config) jetstream.StreamConfig {
	return jetstream.StreamConfig{
		Name:     DeadLetterStream(name),
		Subjects: []string{deadSubjectOf(name)},
		Storage:  cf.storage(),
		Replicas: cf.replicas,
	}
}

func consumerConfig(cf *config) jetstream.ConsumerConfig {
	return jetstream.ConsumerConfig{
		Durable:       consumerName,
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       cf.ackWait,
		MaxDeliver:    -1, // baton dead-letters itself: a message the server stopped delivering would stay in the stream, taking capacity forever
		MaxAckPending: cf.maxAckPend,
		Replicas:      cf.replicas,
	}
}

// chanInfo is what the two ends of one opened channel share.
type chanInfo struct {
	conn     *Conn
	name     string
	subject  string
	capacity int
	cf       config
}

// retryTransient runs f until it succeeds, fails for a reason a retry
// cannot fix, or ctx is done. A cluster answers "no responders" or 503
// while it elects leaders, and a restarting server times out.
func retryTransient(ctx context.Context, f func(context.Context) error) error {
	delay := 50 * time.Millisecond
	for {
		actx, cancel := context.WithTimeout(ctx, 5*time.Second)
		err := f(actx)
		cancel()
		if err == nil || !transient(err) || ctx.Err() != nil {
			if err != nil && ctx.Err() != nil && transient(err) {
				return fmt.Errorf("%w (last error: %w)", ctx.Err(), err)
			}
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (last error: %w)", ctx.Err(), err)
		case <-time.After(delay):
		}
		delay = min(2*delay, time.Second)
	}
}

// transient reports whether err may go away by itself: a timeout, a
// server or leader that is not there yet, a reconnect in progress.
func transient(err error) bool {
	var apiErr *jetstream.APIError
	if errors.As(err, &apiErr) {
		return apiErr.Code == 503 || apiErr.Code == 408 || apiErr.Code == 500
	}
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, nats.ErrTimeout) ||
		errors.Is(err, nats.ErrNoResponders) || errors.Is(err, jetstream.ErrNoStreamResponse) ||
		errors.Is(err, nats.ErrConnectionReconnecting) || errors.Is(err, nats.ErrDisconnected) ||
		errors.Is(err, jetstream.ErrJetStreamNotEnabled) || errors.Is(err, nats.ErrJetStreamNotEnabled)
}
