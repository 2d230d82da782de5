package jetstream

import (
	"context"
	"errors"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// The pull loop. A message is covered by in-progress signals only once
// this process has seen it, so every message it holds must be seen the
// moment it arrives: nats.go's Consume buffers up to a batch behind a
// callback that blocks, and a message waiting there, unseen, behind a
// prefetch buffer of slow work, outlived a 5s AckWait and was delivered
// again while its first delivery still waited. So the Receiver asks only
// for what it has room for: each place in the deliveries buffer is a
// slot, a fetch asks for as many messages as it holds slots, and every
// message a fetch brings is tracked and buffered at once, never waiting.

// fetchers is how many fetch loops a Receiver runs: one, because two
// fetches in flight hand their messages over from two goroutines, out of
// the stream's order, and one goroutine's sends must arrive in order.
const fetchers = 1

// quietClose is how long Close waits for a fetch to go quiet before it
// cancels it: a message the server sent to a fetch that is cancelled is
// dropped with its subscription, and comes back only after AckWait.
const (
	quietClose   = 200 * time.Millisecond
	quietMaxWait = 2 * time.Second
)

// fetchWait bounds one fetch: the server answers a pull request it could
// not fill within it, and the fetch is renewed. Heartbeats every
// fetchHeartbeat reveal a lost server or leader within twice that.
const (
	fetchWait      = 4 * time.Second
	fetchHeartbeat = time.Second
)

// pull runs one fetch loop until the Receiver stops.
func (rs *recvShared) pull() {
	defer rs.pullers.Done()
	most := max(rs.ch.cf.prefetch/fetchers, 1)
	delay := 50 * time.Millisecond
	for {
		n, ok := rs.takeSlots(most)
		if !ok {
			return
		}
		got, err := rs.fetch(n)
		for range n - got {
			rs.slots <- struct{}{}
		}
		if rs.pullCtx.Err() != nil {
			return
		}
		if err == nil {
			delay = 50 * time.Millisecond
			continue
		}
		rs.consumeErr(err)
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-rs.pullCtx.Done():
			t.Stop()
			return
		}
		delay = min(2*delay, time.Second)
	}
}

// takeSlots waits for a free slot, then gathers more, up to most. It
// waits for another only while it has fewer than half of most and
// callers still have buffered messages to take: so a fetch is neither a
// message at a time under load nor late when the buffer runs dry, and the
// next fetch is on its way while the callers work through the other half.
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
		if n >= most/2 || len(rs.deliveries) == 0 {
			break
		}
		select {
		case <-rs.slots:
			n++
		case <-rs.pullCtx.Done():
			for range n {
				rs.slots <- struct{}{}
			}
			return 0, false
		}
	}
	return n, true
}

// fetch asks for n messages and tracks and buffers each as it comes.
func (rs *recvShared) fetch(n int) (int, error) {
	ctx, cancel := context.WithTimeout(rs.pullCtx, fetchWait)
	defer cancel()
	batch, err := rs.cons.Fetch(n, jetstream.FetchContext(ctx), jetstream.FetchHeartbeat(fetchHeartbeat))
	if err != nil {
		return 0, err
	}
	rs.lastActivity.Store(time.Now().UnixNano())
	got := 0
	for m := range batch.Messages() {
		got++
		rs.lastActivity.Store(time.Now().UnixNano())
		rs.arrive(m)
	}
	err = batch.Error()
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		err = nil // the request expired unfilled, or the Receiver is closing
	}
	return got, err
}

// stopPulls ends the fetch loop once the fetch in flight has gone quiet,
// so that what the server sent it arrives and is handed back rather than
// dropped: a flush first, so that whatever the server sent before it has
// reached this process, then a pause without arrivals for the messages to
// be handed over. A message the server sends just then still comes back
// only after AckWait.
func (rs *recvShared) stopPulls() {
	deadline := time.Now().Add(quietMaxWait)
	_ = rs.ch.conn.nc.FlushTimeout(quietMaxWait)
	for time.Now().Before(deadline) && time.Since(time.Unix(0, rs.lastActivity.Load())) < quietClose {
		time.Sleep(quietClose / 10)
	}
	rs.cancelPulls()
	rs.pullers.Wait()
}
