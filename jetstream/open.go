package jetstream

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// ErrNoChannel reports that Open found no channel of that name: no stream,
// or a stream that baton did not make (another retention, other subjects).
var ErrNoChannel = errors.New("jetstream: no such channel")

// Open opens the existing channel called name on conn as it is: the
// consumer side of a channel that a producer made with Bounded. Unlike
// Bounded, it never changes the channel: its capacity, storage, replicas
// and deduplication window are the stream's, and AckWait and MaxAckPending
// are those of its consumer, whatever opts say. Of opts, only those that
// belong to this process apply: WithCodec, WithPrefetch, WithWindow,
// WithBackoff and WithMaxDeliver (the server-side ones apply only if Open
// has to create the consumer or the dead-letter stream, which Bounded
// makes, because a channel made by an older baton lacks them).
//
// A channel that does not exist yet is waited for, checking again with
// back-off up to a second, until ctx ends; then Open fails with an error
// wrapping ErrNoChannel and ctx's error, so a worker may start before its
// producer. A stream of that name that is not a baton channel fails at
// once with ErrNoChannel. Names, nil ctx and nil conn are as for Bounded.
// Like Bounded, Open removes the acknowledged messages a crashed server
// may have left in the stream; that is the only change it makes, and it
// changes no setting.
func Open[T any](ctx context.Context, conn *Conn, name string, opts ...Option) (*Sender[T], *Receiver[T], error) {
	if ctx == nil {
		panic("jetstream: Open: nil ctx")
	}
	if conn == nil {
		panic("jetstream: Open: nil conn")
	}
	if err := checkName(name); err != nil {
		return nil, nil, err
	}
	cf := defaults()
	for _, o := range opts {
		o(&cf)
	}
	fail := func(err error) (*Sender[T], *Receiver[T], error) {
		return nil, nil, fmt.Errorf("jetstream: open channel %q on %s: %w", name, conn.url, err)
	}
	var info *jetstream.StreamInfo
	delay := 50 * time.Millisecond
	for {
		err := retryTransient(ctx, func(ctx context.Context) error {
			s, err := conn.js.Stream(ctx, name)
			if err == nil {
				info = s.CachedInfo()
			}
			return err
		})
		if err == nil {
			break
		}
		if !errors.Is(err, jetstream.ErrStreamNotFound) {
			return fail(err)
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return fail(fmt.Errorf("%w (waited until: %w)", ErrNoChannel, context.Cause(ctx)))
		case <-t.C:
		}
		delay = min(2*delay, time.Second)
	}
	sc := info.Config
	if sc.Retention != jetstream.WorkQueuePolicy || !slices.Equal(sc.Subjects, []string{subjectOf(name)}) {
		return fail(fmt.Errorf("%w: stream %q is not a baton channel (retention %v, subjects %s)",
			ErrNoChannel, name, sc.Retention, strings.Join(sc.Subjects, ",")))
	}
	cf.memory = sc.Storage == jetstream.MemoryStorage
	cf.replicas = max(sc.Replicas, 1)
	cf.duplicates = sc.Duplicates
	capacity := int(sc.MaxMsgs) // -1, no limit, if someone lifted it: Cap reports it as it is

	var cons jetstream.Consumer
	err := retryTransient(ctx, func(ctx context.Context) error {
		if _, err := conn.js.Stream(ctx, DeadLetterStream(name)); errors.Is(err, jetstream.ErrStreamNotFound) {
			_, err = conn.js.CreateStream(ctx, deadConfig(name, &cf))
			if err != nil && !errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
				return err
			}
		} else if err != nil {
			return err
		}
		c, err := conn.js.Consumer(ctx, name, consumerName)
		if errors.Is(err, jetstream.ErrConsumerNotFound) {
			c, err = conn.js.CreateConsumer(ctx, name, consumerConfig(&cf))
			if errors.Is(err, jetstream.ErrConsumerExists) {
				c, err = conn.js.Consumer(ctx, name, consumerName)
			}
		}
		cons = c
		return err
	})
	if err != nil {
		return fail(err)
	}
	ci := cons.CachedInfo().Config
	cf.ackWait = ci.AckWait
	cf.maxAckPend = ci.MaxAckPending
	swept := sweepOnOpen(ctx, conn.js, name, info.State, cons.CachedInfo().AckFloor.Stream)
	ch := &chanInfo{conn: conn, name: name, subject: subjectOf(name), capacity: capacity, cf: cf}
	rx := newReceiver[T](ch, cons)
	rx.rs.swept.Add(int64(swept))
	return newSender[T](ch), rx, nil
}
