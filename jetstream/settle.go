package jetstream

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/baton-go/baton/channel"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// delivery is one delivery of one message to this process.
type delivery struct {
	msg        *nats.Msg // its reply subject is the acknowledgement's
	rs         *recvShared
	arrived    time.Time
	lastSignal atomic.Int64 // unix nanos of the last in-progress signal, or of the arrival
	deliveries int          // how many times the server has delivered it, this time included
	streamSeq  uint64
	settled    atomic.Bool
	pending    pendingAck // its acknowledgement while it is confirmed: one allocation less per message
}

// settle is the function RecvAck returns. A success is acknowledged
// without waiting: the confirmation arrives in the background (see acker).
// A failure is handed back with a delay, or, after MaxDeliver deliveries,
// moved to the dead-letter stream, which waits for that stream's answer: a
// rare path, and the message must not be acknowledged before it is stored
// there.
func (d *delivery) settle(err error) {
	if d.settled.Swap(true) {
		return
	}
	rs := d.rs
	switch {
	case err == nil:
		rs.ack.ack(d, false)
	case abandoned(err):
		// Not a failure of the message: its worker is stopping. Hand it
		// to another at once, and do not count it towards dead-lettering.
		_ = rs.ch.conn.nc.Publish(d.msg.Reply, nakBody)
		rs.nacked.Add(1)
		rs.tracked.Delete(d)
	case d.deliveries >= rs.ch.cf.maxDeliver:
		d.moveToDeadLetter(err)
	default:
		// A nak needs no confirmation: if it is lost, AckWait redelivers
		// the message anyway, only later.
		_ = rs.ch.conn.nc.Publish(d.msg.Reply, nakDelayBody(rs.ch.cf.backoff(d.deliveries)))
		rs.nacked.Add(1)
		rs.tracked.Delete(d)
	}
}

// abandoned reports a settle error that says the work was not attempted
// or was cut short by a stop, rather than that it failed.
func abandoned(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, channel.ErrClosed)
}

// deadLetter moves a message that must not be handed out to the dead-letter
// stream.
func (d *delivery) deadLetter(err error) {
	d.settled.Store(true)
	d.moveToDeadLetter(err)
}

func (d *delivery) moveToDeadLetter(err error) {
	if !d.publishDead(err) {
		// The message stays unacknowledged and comes back after AckWait;
		// dead-lettering is tried again then.
		d.rs.ackFailures.Add(1)
		d.rs.tracked.Delete(d)
		return
	}
	d.rs.ack.ack(d, true)
}

// publishDead stores the message in the dead-letter stream, with a message
// ID derived from its stream sequence so that doing it twice stores it once.
func (d *delivery) publishDead(cause error) bool {
	rs := d.rs
	m := nats.NewMsg(deadSubjectOf(rs.ch.name))
	m.Data = d.msg.Data
	for k, vs := range d.msg.Header {
		for _, v := range vs {
			m.Header.Add(k, v)
		}
	}
	m.Header.Set(jetstream.MsgIDHeader, "dead-"+strconv.FormatUint(d.streamSeq, 10))
	m.Header.Set("Baton-Error", cause.Error())
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

// acker confirms acknowledgements without a goroutine or a round trip of
// waiting per message. An acknowledgement goes out without a reply
// subject; it is confirmed when the consumer's ack floor, which the acker
// asks the server for once per ackFloorEvery acknowledgements (and on the
// keeper's tick), has passed the message's stream sequence: the server
// has applied it, and every acknowledgement below it. One that the floor
// has not passed within ackRetryAfter (a message below it is still being
// worked on elsewhere, or the acknowledgement was lost) is sent again with
// a reply subject under the Receiver's own inbox, which the server answers
// once it has applied it (what nats.go's DoubleAck waits for), and one
// subscription collects the answers; acknowledging is idempotent. After a
// few tries it is given up and counted, and the server delivers that
// message again. Until it is confirmed a delivery stays tracked, so the
// keeper goes on sending in-progress signals for it.
//
// An answer per acknowledgement was how every one was confirmed before:
// it cost the server a message back for each, and this process a read and
// a lookup; the floor confirms hundreds at once.
type acker struct {
	nc    *nats.Conn
	rs    *recvShared
	inbox string
	sub   *nats.Subscription
	next  atomic.Uint64

	mu         sync.Mutex
	pending    map[uint64]*pendingAck
	closed     bool
	drained    chan struct{} // closed when pending empties after close
	sinceFloor int           // acknowledgements sent since the last floor check began

	checking atomic.Bool    // a floor check is running
	checks   sync.WaitGroup // the floor checks, waited for by close
}

// ackFloorEvery is how many acknowledgements a Receiver sends between two
// floor checks (see acker).
const ackFloorEvery = 256

type pendingAck struct {
	d     *delivery
	dead  bool
	sent  time.Time
	tries int // 1: sent once, without a reply subject
}

const (
	ackRetryAfter = time.Second // resend an acknowledgement unanswered this long
	ackTries      = 5           // then give up on it
)

var ackBody = []byte("+ACK")

func (a *acker) start(rs *recvShared) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.rs, a.nc = rs, rs.ch.conn.nc
	a.inbox = a.nc.NewRespInbox()
	sub, err := a.nc.Subscribe(a.inbox+".*", a.answer)
	if err != nil {
		return err
	}
	_ = sub.SetPendingLimits(-1, -1) // answers are tiny; never drop one
	a.sub = sub
	a.pending = map[uint64]*pendingAck{}
	return nil
}

// ack sends d's acknowledgement, to be confirmed in the background. Before
// start or after close it acknowledges synchronously instead.
func (a *acker) ack(d *delivery, dead bool) {
	a.mu.Lock()
	if a.pending == nil || a.closed {
		a.mu.Unlock()
		a.ackSync(d, dead)
		return
	}
	token := a.next.Add(1)
	// A delivery is acknowledged at most once (settle and deadLetter
	// mark it settled first), so its own pendingAck is free.
	p := &d.pending
	*p = pendingAck{d: d, dead: dead, sent: time.Now(), tries: 1}
	a.pending[token] = p
	a.sinceFloor++
	check := a.sinceFloor >= ackFloorEvery
	a.mu.Unlock()
	if d.streamSeq == 0 {
		// No sequence to compare with the floor: confirmed by an answer.
		_ = a.nc.PublishRequest(d.msg.Reply, a.replyFor(token), ackBody)
		return
	}
	// A refusal is retried by retry(), or given up there.
	a.rs.ch.conn.out.send(outMsg{msg: nats.Msg{Subject: d.msg.Reply, Data: ackBody}})
	if check {
		a.checkFloor()
	}
}

// replyFor is the reply subject of an acknowledgement to be answered.
func (a *acker) replyFor(token uint64) string {
	return a.inbox + "." + strconv.FormatUint(token, 36)
}

// checkFloor asks for the consumer's ack floor in the background, unless
// a check is running, and confirms the acknowledgements it has passed.
func (a *acker) checkFloor() {
	if !a.checking.CompareAndSwap(false, true) {
		return
	}
	a.mu.Lock()
	if a.closed { // close confirms what is left itself, and waits for checks begun before
		a.mu.Unlock()
		a.checking.Store(false)
		return
	}
	a.sinceFloor = 0
	a.checks.Add(1)
	a.mu.Unlock()
	go func() {
		defer a.checks.Done()
		defer a.checking.Store(false)
		a.confirmFloor()
	}()
}

// confirmFloor asks for the consumer's ack floor and confirms every
// pending acknowledgement at or below it.
func (a *acker) confirmFloor() {
	ctx, cancel := context.WithTimeout(context.Background(), ackRetryAfter)
	defer cancel()
	info, err := a.rs.cons.Info(ctx)
	if err != nil {
		return // retry() resends with a reply subject in time
	}
	floor := info.AckFloor.Stream
	a.mu.Lock()
	defer a.mu.Unlock()
	for token, p := range a.pending {
		if s := p.d.streamSeq; s != 0 && s <= floor {
			delete(a.pending, token)
			a.done(p, true)
		}
	}
	a.drainedIfEmpty()
}

// answer is the inbox subscription's handler: the server applied an
// acknowledgement.
func (a *acker) answer(m *nats.Msg) {
	token, err := strconv.ParseUint(m.Subject[len(a.inbox)+1:], 36, 64)
	if err != nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if p, ok := a.pending[token]; ok {
		delete(a.pending, token)
		// Counted before drained is signalled: close waits on it, and
		// Stats read after Close must include this acknowledgement.
		a.done(p, true)
		a.drainedIfEmpty()
	}
}

func (a *acker) done(p *pendingAck, confirmed bool) {
	rs := a.rs
	rs.tracked.Delete(p.d)
	switch {
	case !confirmed:
		rs.ackFailures.Add(1)
	case p.dead:
		rs.dead.Add(1)
	default:
		rs.acked.Add(1)
	}
}

// tick confirms by the floor what has not been confirmed yet, and
// resends what has waited too long. The keeper calls it.
func (a *acker) tick(now time.Time) {
	a.mu.Lock()
	waiting := len(a.pending) > 0
	a.mu.Unlock()
	if waiting {
		a.checkFloor()
	}
	a.retry(now)
}

// retry resends acknowledgements unanswered for ackRetryAfter, and gives
// up on those tried ackTries times. The keeper calls it.
func (a *acker) retry(now time.Time) {
	var resend []*pendingAck
	var tokens []uint64
	var failed []*pendingAck
	a.mu.Lock()
	for token, p := range a.pending {
		if now.Sub(p.sent) < ackRetryAfter {
			continue
		}
		if p.tries >= ackTries {
			delete(a.pending, token)
			failed = append(failed, p)
			continue
		}
		p.tries++
		p.sent = now
		resend = append(resend, p)
		tokens = append(tokens, token)
	}
	for _, p := range failed {
		a.done(p, false) // before drained is signalled, as in answer
	}
	a.drainedIfEmpty()
	a.mu.Unlock()
	for i, p := range resend {
		_ = a.nc.PublishRequest(p.d.msg.Reply, a.replyFor(tokens[i]), ackBody)
	}
}

func (a *acker) drainedIfEmpty() {
	if a.closed && len(a.pending) == 0 && a.drained != nil {
		close(a.drained)
		a.drained = nil
	}
}

// close stops taking acknowledgements in the background and waits up to
// limit for the outstanding ones to be confirmed, resending them as
// needed; later acknowledgements are synchronous.
func (a *acker) close(limit, _ time.Duration) {
	a.mu.Lock()
	if a.pending == nil || a.closed {
		a.closed = true
		a.mu.Unlock()
		return
	}
	a.closed = true
	drained := make(chan struct{})
	a.drained = drained
	a.drainedIfEmpty()
	a.mu.Unlock()
	a.confirmFloor()
	deadline := time.NewTimer(limit)
	defer deadline.Stop()
	tick := time.NewTicker(ackRetryAfter / 4)
	defer tick.Stop()
wait:
	for {
		select {
		case <-drained:
			break wait
		case now := <-tick.C:
			a.confirmFloor()
			a.retry(now)
		case <-deadline.C:
			break wait
		}
	}
	a.checks.Wait()
	_ = a.sub.Unsubscribe()
	a.mu.Lock()
	left := a.pending
	a.pending = map[uint64]*pendingAck{}
	a.mu.Unlock()
	for _, p := range left {
		a.done(p, false)
	}
}

// ackSync acknowledges d and waits for the confirmation, retrying.
func (a *acker) ackSync(d *delivery, dead bool) {
	p := &pendingAck{d: d, dead: dead}
	for attempt := range ackTries {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_, err := d.rs.ch.conn.nc.RequestWithContext(ctx, d.msg.Reply, ackBody)
		cancel()
		if err == nil {
			a.done(p, true)
			return
		}
		if errors.Is(err, nats.ErrConnectionClosed) {
			break
		}
		time.Sleep(time.Duration(attempt+1) * 50 * time.Millisecond)
	}
	a.done(p, false)
}
