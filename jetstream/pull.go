package jetstream

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// The pull loop. A message is covered by in-progress signals only once
// this process has seen it, so every message it holds must be seen the
// moment it arrives: nats.go's Consume buffers up to a batch behind a
// callback that blocks, and a message waiting there, unseen, behind a
// prefetch buffer of slow work, outlived a 5s AckWait and was delivered
// again while its first delivery still waited. So the Receiver asks only
// for what it has room for: each place in the deliveries buffer is a
// slot, a pull request asks for as many messages as it holds slots, and
// every message that arrives is tracked and buffered at once, never
// waiting.
//
// Pull requests overlap: the next one goes out while the messages of the
// last are still arriving, so the server always has a request to fill.
// One request at a time, each on its own subscription as nats.go's Fetch
// makes it, left the server idle for a round trip per batch. All
// requests share one subscription, whose one goroutine hands the messages
// over in the order the server sent them, which is the stream's (one
// goroutine's sends must arrive in order).
//
// The server fills the open requests of a consumer in turn, a message
// each, and the messages do not say which request they answer; so the
// Receiver counts only the messages still owed to it over all its
// requests (outstanding). A request that expires unfilled says how many
// it still owed (Nats-Pending-Messages), and those slots come back. A
// status that does not say, a reconnect, missing heartbeats, or requests
// that must all have expired by now but left a count owed, give every
// owed slot back at once. A message that arrives with nothing owed (its
// request was given up) is handed back to the server at once, never
// buffered without a slot.

// quietClose is how long Close waits for pulls to go quiet before it
// stops them: a message the server sends to a request that is dropped is
// lost with it, and comes back only after AckWait.
const (
	quietClose   = 200 * time.Millisecond
	quietMaxWait = 2 * time.Second
)

// fetchWait bounds one pull request: the server answers a request it could
// not fill within it, and the Receiver asks again. Heartbeats every
// fetchHeartbeat reveal a lost server or leader within twice that.
const (
	fetchWait      = 4 * time.Second
	fetchHeartbeat = time.Second
)

// pullBody is a pull request for n messages.
func pullBody(n int) []byte {
	return fmt.Appendf(nil, `{"batch":%d,"expires":%d,"idle_heartbeat":%d}`, n, fetchWait.Nanoseconds(), fetchHeartbeat.Nanoseconds())
}

// puller is the state of a Receiver's pull requests.
type puller struct {
	mu          sync.Mutex
	sub         *nats.Subscription
	inbox       string
	subject     string    // the consumer's next-message API subject
	outstanding int       // messages asked for, not yet arrived nor given up
	lastHeard   time.Time // last message or status, or when outstanding rose from 0
	lastRequest time.Time
	reconnects  uint64 // the connection's reconnect count when the requests were made
	closed      bool
	retryAt     time.Time // after a failed request, the next waits until then
	delay       time.Duration
}

// startPulls subscribes to the inbox the pull requests' messages come to.
func (rs *recvShared) startPulls() error {
	p := &rs.pl
	nc := rs.ch.conn.nc
	p.inbox = nc.NewInbox()
	p.subject = "$JS.API.CONSUMER.MSG.NEXT." + rs.ch.name + "." + consumerName
	sub, err := nc.Subscribe(p.inbox, rs.onPulled)
	if err != nil {
		return err
	}
	// Bounded by the slots: at most prefetch messages, and a few statuses.
	_ = sub.SetPendingLimits(-1, -1)
	p.sub = sub
	p.delay = 50 * time.Millisecond
	return nil
}

// pull runs the request loop until the Receiver stops.
func (rs *recvShared) pull() {
	defer rs.pullers.Done()
	most := max(rs.ch.cf.prefetch, 1)
	for {
		n, ok := rs.takeSlots(most)
		if !ok {
			return
		}
		if !rs.waitRetry() {
			rs.giveSlots(n)
			return
		}
		if back, err := rs.request(n); err != nil {
			rs.giveSlots(back)
			rs.consumeErr(err)
			rs.pl.failed()
		}
	}
}

func (rs *recvShared) giveSlots(n int) {
	for range n {
		rs.slots <- struct{}{}
	}
}

// takeSlots waits for a free slot, then gathers more, up to most. It
// waits for more while it has fewer than half of most and messages are
// still on their way or buffered: so requests are few and large under
// load, and one goes out at once when the buffer runs dry.
func (rs *recvShared) takeSlots(most int) (int, bool) {
	select {
	case <-rs.slots:
	case <-rs.pullCtx.Done():
		return 0, false
	}
	n := 1
	for n < most {
		select {
		case <-rs.slots:
			n++
			continue
		default:
		}
		if n >= most/2 || (len(rs.deliveries) == 0 && rs.pl.owed() == 0) {
			break
		}
		select {
		case <-rs.slots:
			n++
		case <-rs.pullCtx.Done():
			rs.giveSlots(n)
			return 0, false
		}
	}
	return n, true
}

func (p *puller) owed() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.outstanding
}

// waitRetry waits out the back-off after a failed request.
func (rs *recvShared) waitRetry() bool {
	p := &rs.pl
	p.mu.Lock()
	d := time.Until(p.retryAt)
	p.mu.Unlock()
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-rs.pullCtx.Done():
		return false
	}
}

// failed backs off the next request after one that failed.
func (p *puller) failed() {
	p.mu.Lock()
	p.retryAt = time.Now().Add(p.delay)
	p.delay = min(2*p.delay, time.Second)
	p.mu.Unlock()
}

// request asks the server for n more messages. When it fails, back is how
// many of the n slots the caller gives back: the others were given back
// already, if a reset (see checkPulls) came in between.
func (rs *recvShared) request(n int) (back int, err error) {
	p := &rs.pl
	now := time.Now()
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return 0, nil
	}
	if p.outstanding == 0 {
		p.lastHeard = now
		p.reconnects = rs.ch.conn.reconnects.Load()
	}
	p.outstanding += n
	p.lastRequest = now
	p.mu.Unlock()
	rs.lastActivity.Store(now.UnixNano())
	if err := rs.ch.conn.nc.PublishRequest(p.subject, p.inbox, pullBody(n)); err != nil {
		p.mu.Lock()
		back = min(n, p.outstanding)
		p.outstanding -= back
		p.mu.Unlock()
		return back, err
	}
	return 0, nil
}

// onPulled is the pull subscription's handler: a message, or a status of
// one of the requests.
func (rs *recvShared) onPulled(m *nats.Msg) {
	p := &rs.pl
	now := time.Now()
	rs.lastActivity.Store(now.UnixNano())
	if m.Reply == "" && len(m.Data) == 0 { // a JetStream message always has its ack subject
		if status := m.Header.Get("Status"); status != "" {
			rs.onStatus(m, status, now)
			return
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock() // held across arrive: once closed is set, nothing more is buffered
	if p.closed || p.outstanding == 0 {
		// No slot for it: its request was given up. Hand it back now
		// rather than after AckWait.
		_ = rs.ch.conn.nc.Publish(m.Reply, nakBody)
		return
	}
	p.outstanding--
	p.lastHeard = now
	p.delay = 50 * time.Millisecond
	rs.arrive(m)
}

// onStatus handles a request's status: a heartbeat, or its end.
func (rs *recvShared) onStatus(m *nats.Msg, status string, now time.Time) {
	p := &rs.pl
	p.mu.Lock()
	p.lastHeard = now
	if status == "100" { // idle heartbeat
		p.mu.Unlock()
		return
	}
	give := p.outstanding // a status that does not say gives everything back
	if left, err := strconv.Atoi(m.Header.Get("Nats-Pending-Messages")); err == nil && left >= 0 {
		give = min(left, p.outstanding)
	}
	p.outstanding -= give
	p.mu.Unlock()
	rs.giveSlots(give)
	if err := statusErr(status, m.Header.Get("Description")); err != nil {
		rs.consumeErr(err)
		p.failed()
	}
}

// statusErr is the error a request's ending status stands for, or nil
// for a request that simply expired.
func statusErr(status, desc string) error {
	d := strings.ToLower(desc)
	switch {
	case status == "408":
		return nil
	case status == "503":
		return nats.ErrNoResponders
	case status == "409" && strings.Contains(d, "consumer deleted"):
		return jetstream.ErrConsumerDeleted
	case status == "409" && strings.Contains(d, "leadership change"):
		return jetstream.ErrConsumerLeadershipChanged
	case status == "409" && strings.Contains(d, "server shutdown"):
		return jetstream.ErrServerShutdown
	}
	return fmt.Errorf("jetstream: pull request ended with status %s %s", status, desc)
}

// checkPulls gives every owed slot back when the requests cannot still
// be open: after a reconnect (the server dropped them with the old
// connection), after two heartbeats with nothing heard (the server or the
// consumer's leader is gone; reported as nats.go reports it), or once the
// last request has had time to expire and its status never came. The
// keeper calls it.
func (rs *recvShared) checkPulls(now time.Time) {
	p := &rs.pl
	p.mu.Lock()
	if p.outstanding == 0 || p.closed {
		p.mu.Unlock()
		return
	}
	var err error
	switch {
	case rs.ch.conn.reconnects.Load() != p.reconnects:
	case now.Sub(p.lastHeard) > 2*fetchHeartbeat:
		err = jetstream.ErrNoHeartbeat
	case now.Sub(p.lastRequest) > fetchWait+2*fetchHeartbeat:
	default:
		p.mu.Unlock()
		return
	}
	give := p.outstanding
	p.outstanding = 0
	p.mu.Unlock()
	rs.giveSlots(give)
	if err != nil {
		rs.consumeErr(err)
		p.failed()
	}
}

// stopPulls ends the pull loop once the requests have gone quiet, so that
// what the server sent arrives and is handed back rather than dropped: a
// flush first, so that whatever the server sent before it has reached
// this process, then a pause without arrivals for the messages to be
// handed over. A message the server sends just then still comes back
// only after AckWait.
func (rs *recvShared) stopPulls() {
	deadline := time.Now().Add(quietMaxWait)
	_ = rs.ch.conn.nc.FlushTimeout(quietMaxWait)
	for time.Now().Before(deadline) && time.Since(time.Unix(0, rs.lastActivity.Load())) < quietClose {
		time.Sleep(quietClose / 10)
	}
	rs.pl.mu.Lock()
	rs.pl.closed = true
	rs.pl.mu.Unlock()
	_ = rs.pl.sub.Unsubscribe()
	rs.cancelPulls()
	rs.pullers.Wait()
}
