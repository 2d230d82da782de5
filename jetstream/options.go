package jetstream

import (
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Option configures Bounded.
type Option func(*config)

type config struct {
	codec      Codec
	replicas   int
	memory     bool
	duplicates time.Duration
	ackWait    time.Duration
	maxDeliver int
	backoff    func(deliveries int) time.Duration
	prefetch   int
	window     int
	maxAckPend int
}

// DefaultAckWait is the AckWait of a channel that Bounded makes without
// WithAckWait: the work of a crashed process goes to another within about
// 5s. A live process's messages are never redelivered at any AckWait:
// in-progress signals keep every message it holds alive, from the moment
// it arrives (one signal per message held longer than a third of
// AckWait, so fast work sends none). A shorter AckWait hands crashed work
// back sooner but leaves less room for a signal that a starved process
// sends late; the keeper sends one between a third and half of AckWait
// after the last. nats.go's own default, 30s, made a 10s run with one
// crashed worker take 37s.
const DefaultAckWait = 5 * time.Second

func defaults() config {
	return config{
		codec:      JSON,
		replicas:   1,
		duplicates: 2 * time.Minute,
		ackWait:    DefaultAckWait,
		maxDeliver: 5,
		backoff:    DefaultBackoff,
		prefetch:   64,
		window:     64,
		maxAckPend: 1000,
	}
}

// DefaultBackoff is the delay before a failed message is delivered again:
// 100ms after the first failure, doubling up to 5s, so a message that
// fails because a dependency is down does not spin.
func DefaultBackoff(deliveries int) time.Duration {
	d := 100 * time.Millisecond
	for i := 1; i < deliveries && d < 5*time.Second; i++ {
		d *= 2
	}
	return min(d, 5*time.Second)
}

// WithCodec replaces the JSON codec. Every process using the channel must
// use the same codec.
func WithCodec(c Codec) Option {
	if c == nil {
		panic("jetstream: WithCodec: nil codec")
	}
	return func(cf *config) { cf.codec = c }
}

// WithReplicas stores the stream on n servers of a cluster (1, 3 or 5).
// With 3, the loss of any one server loses nothing, and the two others
// carry on. It is not free of pauses: when the lost server led the stream
// (or its consumer), sends and deliveries stop until the others elect a
// new leader, and nats-server calls that election only after 4 to 9
// seconds without the leader's heartbeat. TestFaultClusterLeaderKill,
// which SIGKILLs the stream leader of a three-server cluster under load,
// measured pauses of 2 to 7 s for deliveries and 4 to 7 s for sends, with
// nothing lost and nothing stored twice. Losing a server that leads
// neither pauses nothing.
func WithReplicas(n int) Option {
	if n < 1 {
		panic(fmt.Sprintf("jetstream: WithReplicas: n must be at least 1, not %d", n))
	}
	return func(cf *config) { cf.replicas = n }
}

// WithMemoryStorage keeps the stream in the servers' memory instead of
// files: faster, but a server restart loses what it held (unless replicas
// on other servers still have it).
func WithMemoryStorage() Option { return func(cf *config) { cf.memory = true } }

// WithDuplicates sets the stream's deduplication window (default 2 min). A
// send whose outcome is unknown (a timeout, a server restart) is retried
// with the same message ID only within this window, because after it the
// server would store a retry twice; past it the send fails instead.
func WithDuplicates(d time.Duration) Option {
	if d < time.Second {
		panic(fmt.Sprintf("jetstream: WithDuplicates: d must be at least 1s, not %v", d))
	}
	return func(cf *config) { cf.duplicates = d }
}

// WithAckWait sets how long the server waits for a delivered message to be
// settled before it delivers it again (default DefaultAckWait). A Receiver
// sends an in-progress signal every third of it while a message is
// unsettled, so slow work is never redelivered while it runs; AckWait only
// decides how soon the work of a crashed process is handed to another.
func WithAckWait(d time.Duration) Option {
	if d < 100*time.Millisecond {
		panic(fmt.Sprintf("jetstream: WithAckWait: d must be at least 100ms, not %v", d))
	}
	return func(cf *config) { cf.ackWait = d }
}

// WithMaxDeliver sets after how many deliveries a message that keeps
// failing goes to the dead-letter stream instead of being delivered again
// (default 5).
func WithMaxDeliver(n int) Option {
	if n < 1 {
		panic(fmt.Sprintf("jetstream: WithMaxDeliver: n must be at least 1, not %d", n))
	}
	return func(cf *config) { cf.maxDeliver = n }
}

// WithBackoff sets the delay before a failed message is delivered again,
// given how many times it has been delivered (see DefaultBackoff).
func WithBackoff(f func(deliveries int) time.Duration) Option {
	if f == nil {
		panic("jetstream: WithBackoff: nil f")
	}
	return func(cf *config) { cf.backoff = f }
}

// WithPrefetch sets how many messages a Receiver holds ahead of its
// callers (default 64). More hides network latency. The Receiver asks the
// server only for as many messages as it has room for, and each is covered
// by in-progress signals from its arrival, so prefetching never eats into
// AckWait, however slow the work.
func WithPrefetch(n int) Option {
	if n < 1 {
		panic(fmt.Sprintf("jetstream: WithPrefetch: n must be at least 1, not %d", n))
	}
	return func(cf *config) { cf.prefetch = n }
}

// WithWindow sets the most sends one Sender (with its clones) has in
// flight at once (default 64). The window shrinks to one when the stream is
// full and grows back as sends succeed, so a full stream sees one retry at
// a time from each Sender, not a storm.
func WithWindow(n int) Option {
	if n < 1 {
		panic(fmt.Sprintf("jetstream: WithWindow: n must be at least 1, not %d", n))
	}
	return func(cf *config) { cf.window = n }
}

// WithMaxAckPending bounds the messages delivered but not yet settled,
// across every Receiver of the channel in every process (default 1000).
func WithMaxAckPending(n int) Option {
	if n < 1 {
		panic(fmt.Sprintf("jetstream: WithMaxAckPending: n must be at least 1, not %d", n))
	}
	return func(cf *config) { cf.maxAckPend = n }
}

func (cf *config) storage() jetstream.StorageType {
	if cf.memory {
		return jetstream.MemoryStorage
	}
	return jetstream.FileStorage
}
