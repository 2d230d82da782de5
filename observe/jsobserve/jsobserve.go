// Package jsobserve exports the counters of baton's JetStream senders and
// receivers, and the messages a channel holds on the server, as Prometheus
// metrics. It is a package of its own so that a program that observes only
// pools and pipelines does not link NATS.
//
//	tx, rx, err := jetstream.Bounded[Job](ctx, conn, "jobs", 1000)
//	jsobserve.Register(reg, "producer", tx)
//	jsobserve.Register(reg, "workers", rx)
//	jsobserve.RegisterPending(reg, "jobs-pending", conn, "jobs")
//
// Everything registered here also shows on observe.Handler's /metrics, and
// observe.Unregister(name) removes it.
package jsobserve

import (
	"context"
	"fmt"
	"reflect"
	"sync/atomic"
	"time"

	"github.com/baton-go/baton/jetstream"
	"github.com/baton-go/baton/observe"
	"github.com/prometheus/client_golang/prometheus"
)

// Sender is what Register accepts as a sender: every *jetstream.Sender[T].
type Sender interface {
	Stats() jetstream.SenderStats
	Name() string
}

// Receiver is what Register accepts as a receiver: every
// *jetstream.Receiver[T].
type Receiver interface {
	Stats() jetstream.ReceiverStats
	Name() string
}

// Register registers x's counters under name, with reg (when not nil) and
// with observe's default Observer. x is a *jetstream.Sender or a
// *jetstream.Receiver; its series carry the labels sender=name (or
// receiver=name) and channel=the channel's name. The counters are read
// from x.Stats() at each scrape.
//
// A name already registered with observe returns an error wrapping
// observe.ErrRegistered. An empty name, a nil x or an x of another type
// panics, naming the argument.
func Register(reg prometheus.Registerer, name string, x any) error {
	if x == nil {
		panic("jsobserve: Register(reg, name, x): x is nil")
	}
	if v := reflect.ValueOf(x); v.Kind() == reflect.Pointer && v.IsNil() {
		panic(fmt.Sprintf("jsobserve: Register(reg, name, x): x is a nil %T", x))
	}
	if name == "" {
		panic("jsobserve: Register(reg, name, x): empty name")
	}
	switch v := x.(type) {
	case Sender:
		return observe.RegisterCollector(reg, name, newSenderCollector(name, v))
	case Receiver:
		return observe.RegisterCollector(reg, name, newReceiverCollector(name, v))
	}
	panic(fmt.Sprintf("jsobserve: Register(reg, name, x): x is a %T; want a *jetstream.Sender or a *jetstream.Receiver", x))
}

// counterSet is a collector of counters read from one Stats call.
type counterSet struct {
	descs []*prometheus.Desc
	read  func() []int64 // in the order of descs
}

func (c *counterSet) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.descs {
		ch <- d
	}
}

func (c *counterSet) Collect(ch chan<- prometheus.Metric) {
	for i, v := range c.read() {
		ch <- prometheus.MustNewConstMetric(c.descs[i], prometheus.CounterValue, float64(v))
	}
}

func newSenderCollector(name string, s Sender) *counterSet {
	l := prometheus.Labels{"sender": name, "channel": s.Name()}
	d := func(metric, help string) *prometheus.Desc {
		return prometheus.NewDesc("baton_jetstream_sender_"+metric, help, nil, l)
	}
	return &counterSet{
		descs: []*prometheus.Desc{
			d("sent_total", "Values the server stored."),
			d("duplicates_total", "Retries the server recognised as already stored and kept once."),
			d("full_retries_total", "Send attempts refused because the stream was full."),
			d("retries_total", "Send attempts retried after a timeout or a lost connection."),
		},
		read: func() []int64 {
			st := s.Stats()
			return []int64{st.Sent, st.Duplicates, st.FullRetries, st.Retries}
		},
	}
}

func newReceiverCollector(name string, r Receiver) *counterSet {
	l := prometheus.Labels{"receiver": name, "channel": r.Name()}
	d := func(metric, help string) *prometheus.Desc {
		return prometheus.NewDesc("baton_jetstream_receiver_"+metric, help, nil, l)
	}
	return &counterSet{
		descs: []*prometheus.Desc{
			d("received_total", "Messages handed to callers, each delivery counted."),
			d("redelivered_total", "Deliveries after a message's first."),
			d("acked_total", "Acknowledgements the server confirmed."),
			d("nacked_total", "Messages handed back for a later delivery."),
			d("dead_lettered_total", "Messages moved to the dead-letter stream."),
			d("ack_failures_total", "Acknowledgements never confirmed; the server delivers those messages again."),
		},
		read: func() []int64 {
			st := r.Stats()
			return []int64{st.Received, st.Redelivered, st.Acked, st.Nacked, st.DeadLettered, st.AckFailures}
		},
	}
}

// pendingTimeout bounds the server round trip of one scrape.
const pendingTimeout = 2 * time.Second

// RegisterPending registers, under name, the number of messages channel
// holds on the server: sent and not yet acknowledged (a baton channel's
// stream is a work queue, so an acknowledged message leaves it), and the
// number of messages in its dead-letter stream. Each scrape asks the
// server, waiting at most 2s; when it cannot answer, the gauges are left
// out of that scrape and baton_jetstream_channel_info_errors_total counts
// it, so one unreachable server does not fail the whole scrape.
//
// A nil conn or an empty name or channel panics; a name already
// registered returns an error wrapping observe.ErrRegistered.
func RegisterPending(reg prometheus.Registerer, name string, conn *jetstream.Conn, channel string) error {
	if conn == nil {
		panic("jsobserve: RegisterPending(reg, name, conn, channel): conn is nil")
	}
	if name == "" || channel == "" {
		panic("jsobserve: RegisterPending(reg, name, conn, channel): empty name or channel")
	}
	l := prometheus.Labels{"channel": channel}
	return observe.RegisterCollector(reg, name, &pendingCollector{
		conn: conn, channel: channel,
		pending: prometheus.NewDesc("baton_jetstream_channel_pending_messages",
			"Messages the channel's stream holds on the server: sent and not yet acknowledged.", nil, l),
		dead: prometheus.NewDesc("baton_jetstream_channel_dead_letters_messages",
			"Messages in the channel's dead-letter stream.", nil, l),
		errs: prometheus.NewDesc("baton_jetstream_channel_info_errors_total",
			"Scrapes at which the server did not say how many messages the channel holds.", nil, l),
	})
}

type pendingCollector struct {
	conn          *jetstream.Conn
	channel       string
	pending, dead *prometheus.Desc
	errs          *prometheus.Desc
	failed        atomic.Int64
}

func (c *pendingCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.pending
	ch <- c.dead
	ch <- c.errs
}

func (c *pendingCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), pendingTimeout)
	defer cancel()
	js := c.conn.JetStream()
	for _, s := range []struct {
		stream string
		desc   *prometheus.Desc
	}{{c.channel, c.pending}, {jetstream.DeadLetterStream(c.channel), c.dead}} {
		st, err := js.Stream(ctx, s.stream) // fetches the stream's info
		if err != nil {
			c.failed.Add(1)
			continue
		}
		ch <- prometheus.MustNewConstMetric(s.desc, prometheus.GaugeValue, float64(st.CachedInfo().State.Msgs))
	}
	ch <- prometheus.MustNewConstMetric(c.errs, prometheus.CounterValue, float64(c.failed.Load()))
}
