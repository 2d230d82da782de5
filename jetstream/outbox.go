package jetstream

import (
	"runtime"
	"sync"

	"github.com/nats-io/nats.go"
)

// outbox hands the messages of a connection's sends and acknowledgements
// to nats.go, combining concurrent callers: the first to find nobody
// handing over becomes the one who does, lets the other goroutines ready
// to run queue theirs (a yield), then publishes every message queued, its
// own and the others', until the queue is empty; the others only queue
// theirs and go on. So nats.go's flusher, woken by the first publish,
// finds many messages to write at once.
//
// Each sender publishing its own message and then waiting for its answer
// made one write to the socket per message, because the flusher ran as
// soon as the sender waited: the largest cost of a send left in the
// profile (a tenth of the benchmark's CPU time, in the flusher's write
// calls alone), and the same for the acknowledgements of handlers that
// wait for their next message.
type outbox struct {
	nc      *nats.Conn
	mu      sync.Mutex
	queue   []outMsg
	spare   []outMsg
	pumping bool
}

// outMsg is a message waiting to be handed over: a copy, so that the
// caller's own message is never shared with the goroutine that hands it
// over. A send's attempt names its publisher and token, which hear of a
// refusal; an acknowledgement names none (an acknowledgement the
// connection refused is resent by the acker's retries).
type outMsg struct {
	msg   nats.Msg
	pub   *publisher
	token uint64
}

func (o *outbox) send(m outMsg) {
	o.mu.Lock()
	o.queue = append(o.queue, m)
	if o.pumping {
		o.mu.Unlock()
		return
	}
	o.pumping = true
	o.mu.Unlock()
	// The goroutines this one's caller just woke (other senders answered
	// in the same read, other handlers) queue theirs meanwhile.
	runtime.Gosched()
	o.mu.Lock()
	for len(o.queue) > 0 {
		batch := o.queue
		o.queue = o.spare[:0]
		o.mu.Unlock()
		for i := range batch {
			if err := o.nc.PublishMsg(&batch[i].msg); err != nil && batch[i].pub != nil {
				batch[i].pub.refused(batch[i].token, err)
			}
			batch[i] = outMsg{}
		}
		o.mu.Lock()
		o.spare = batch[:0]
	}
	o.pumping = false
	o.mu.Unlock()
}
