package jetstream

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// delivery is one delivery of one message to this process.
type delivery struct {
	msg        jetstream.Msg
	rs         *recvShared
	arrived    time.Time
	lastSignal atomic.Int64 // unix nanos of the last in-progress signal, or of the arrival
	deliveries int          // how many times the server has delivered it, this time included
	streamSeq  uint64
	settled    atomic.Bool
}

// settle is the function RecvAck returns. It never waits for the server:
// a confirmed acknowledgement or a dead-lettering is queued for the
// acknowledgers, so a pool worker or a pipeline sink goes on at once; a
// full queue makes it wait, which bounds what is unconfirmed.
func (d *delivery) settle(err error) {
	if d.settled.Swap(true) {
		return
	}
	rs := d.rs
	switch {
	case err == nil:
		rs.ack.push(ackJob{d: d})
	case d.deliveries >= rs.ch.cf.maxDeliver:
		rs.ack.push(ackJob{d: d, dead: err})
	default:
		// A nak needs no confirmation: if it is lost, AckWait redelivers
		// the message anyway, only later.
		_ = d.msg.NakWithDelay(rs.ch.cf.backoff(d.deliveries))
		rs.nacked.Add(1)
		rs.tracked.Delete(d)
	}
}

// deadLetter moves a message that must not be handed out to the dead-letter
// stream.
func (d *delivery) deadLetter(err error) {
	d.settled.Store(true)
	d.rs.ack.push(ackJob{d: d, dead: err})
}

// ackJob is a settled delivery whose acknowledgement (after dead-lettering,
// if dead is set) still has to be confirmed.
type ackJob struct {
	d    *delivery
	dead error
}

// ackQueue runs the acknowledgers: a few goroutines that confirm
// acknowledgements concurrently, so confirmation costs a round trip of
// latency but no throughput.
type ackQueue struct {
	rs      *recvShared
	mu      sync.RWMutex // held for reading while pushing, for writing while closing
	jobs    chan ackJob
	closed  bool
	running bool
	wg      sync.WaitGroup
}

func (q *ackQueue) start(n int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.jobs = make(chan ackJob, 1024)
	q.running = true
	for range n {
		q.wg.Add(1)
		go func() {
			defer q.wg.Done()
			for j := range q.jobs {
				q.do(j)
			}
		}()
	}
}

// push queues j, or, once the queue is closed, does it in the caller.
func (q *ackQueue) push(j ackJob) {
	q.mu.RLock()
	if q.running && !q.closed {
		q.jobs <- j
		q.mu.RUnlock()
		return
	}
	q.mu.RUnlock()
	q.do(j)
}

// close stops taking jobs and waits up to limit for the queued ones.
func (q *ackQueue) close(limit time.Duration) {
	q.mu.Lock()
	if q.closed || !q.running {
		q.closed = true
		q.mu.Unlock()
		return
	}
	q.closed = true
	close(q.jobs)
	q.mu.Unlock()
	done := make(chan struct{})
	go func() { q.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(limit):
		<-done // each job gives up within its own bounded retries
	}
}

// do dead-letters the job's message if it must, then acknowledges it and
// waits for the server to confirm, retrying: an acknowledgement is
// idempotent. It stops tracking the delivery only then, so the keeper keeps
// the message alive until the server has it settled.
func (q *ackQueue) do(j ackJob) {
	rs, d := q.rs, j.d
	defer rs.tracked.Delete(d)
	if j.dead != nil {
		if !q.publishDead(j) {
			// The message stays unacknowledged and is delivered again;
			// dead-lettering is tried again then.
			rs.ackFailures.Add(1)
			return
		}
	}
	for attempt := range 5 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		err := d.msg.DoubleAck(ctx)
		cancel()
		if err == nil || errors.Is(err, jetstream.ErrMsgAlreadyAckd) {
			if j.dead != nil {
				rs.dead.Add(1)
			} else {
				rs.acked.Add(1)
			}
			return
		}
		if errors.Is(err, nats.ErrConnectionClosed) {
			break
		}
		time.Sleep(time.Duration(attempt+1) * 50 * time.Millisecond)
	}
	rs.ackFailures.Add(1)
}

// publishDead stores the message in the dead-letter stream, with a message
// ID derived from its stream sequence so that doing it twice stores it once.
func (q *ackQueue) publishDead(j ackJob) bool {
	rs, d := q.rs, j.d
	m := nats.NewMsg(deadSubjectOf(rs.ch.name))
	m.Data = d.msg.Data()
	for k, vs := range d.msg.Headers() {
		for _, v := range vs {
			m.Header.Add(k, v)
		}
	}
	m.Header.Set(jetstream.MsgIDHeader, "dead-"+strconv.FormatUint(d.streamSeq, 10))
	m.Header.Set("Baton-Error", j.dead.Error())
	m.Header.Set("Baton-Deliveries", strconv.Itoa(d.deliveries))
	m.Header.Set("Baton-Stream-Sequence", strconv.FormatUint(d.streamSeq, 10))
	for attempt := range 5 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_, err := rs.ch.conn.js.PublishMsg(ctx, m)
		cancel()
		if err == nil {
			return true
		}
		if errors.Is(err, nats.ErrConnectionClosed) {
			return false
		}
		time.Sleep(time.Duration(attempt+1) * 50 * time.Millisecond)
	}
	return false
}
