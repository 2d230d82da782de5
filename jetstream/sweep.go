package jetstream

import (
	"context"
	"errors"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Leftovers: a nats-server killed with SIGKILL can come back with messages
// in a work-queue stream that its consumer had already acknowledged. The
// consumer's ack floor is past them and nothing of theirs is pending, so
// they are never delivered again, yet each keeps a slot of the channel's
// capacity for good (a small channel can end up full forever).
//
// They are the server's: an explicit acknowledgement moves the consumer's
// ack floor and removes the message in place, and only then answers the
// acknowledgement that baton waits for; but the consumer's state and the
// stream's store are written separately, and after a crash they need not
// agree. nats-server v2.15.3 repairs that at start-up only for
// interest-retention streams (checkForOrphanMsgs); a single server runs
// its work-queue check (checkInterestState) when it adds the stream, before
// it has recovered the stream's consumers, so the check finds none, and it
// repeats it periodically only in a cluster. So baton removes them itself:
// when a channel is opened, and, in a running Receiver, after each
// reconnect, until the ack floor has passed every message the restarted
// server came back with.

// sweepAcked removes from the stream the messages at or below the
// consumer's ack floor: acknowledged, so no Receiver will ever get them,
// and safe to delete whoever else is deleting them. It reports how many it
// removed, the stream's last sequence and the ack floor it worked from.
func sweepAcked(ctx context.Context, js jetstream.JetStream, name string) (removed int, last, floor uint64, err error) {
	s, err := js.Stream(ctx, name)
	if err != nil {
		return 0, 0, 0, err
	}
	c, err := s.Consumer(ctx, consumerName)
	if err != nil {
		return 0, 0, 0, err
	}
	// The consumer first: its floor only grows, so the stream read after
	// it cannot show a message the floor passed that is not acknowledged.
	floor = c.CachedInfo().AckFloor.Stream
	info, err := s.Info(ctx)
	if err != nil {
		return 0, 0, 0, err
	}
	st := info.State
	// A floor past the stream's end means the stream was reset under its
	// consumer (restored, or rebuilt from a replica that had less): the
	// floor says nothing about its messages then.
	if st.Msgs == 0 || st.FirstSeq > floor || floor > st.LastSeq {
		return 0, st.LastSeq, floor, nil
	}
	subject := subjectOf(name)
	for seq := st.FirstSeq; seq <= floor; {
		m, err := s.GetMsg(ctx, seq, jetstream.WithGetMsgSubject(subject))
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			break
		}
		if err != nil {
			return removed, st.LastSeq, floor, err
		}
		if m.Sequence > floor {
			break
		}
		if err := s.DeleteMsg(ctx, m.Sequence); err != nil && !errors.Is(err, jetstream.ErrMsgNotFound) && !isAPICode(err, jetstream.JSErrCodeMessageNotFound) {
			return removed, st.LastSeq, floor, err
		}
		removed++
		seq = m.Sequence + 1
	}
	return removed, st.LastSeq, floor, nil
}

// sweepEvery is how often a Receiver checks for leftovers after a
// reconnect, until the ack floor passes what the server came back with.
const sweepEvery = time.Second

// sweeper runs a Receiver's checks for leftovers after reconnects. The
// keeper calls tick; at most one check runs at a time, in its own
// goroutine, so in-progress signals never wait for it.
type sweeper struct {
	rs      *recvShared
	seen    uint64    // the connection's reconnect count last seen
	target  uint64    // the stream's last sequence after the reconnect; 0 until known
	active  bool      // a reconnect is not yet swept past
	last    time.Time // the last check
	running bool      // a check is in flight (owned by the keeper goroutine, set back through done)
	done    chan sweepResult
}

type sweepResult struct {
	last, floor uint64
	ok          bool
}

func (sw *sweeper) tick(now time.Time) {
	select {
	case r := <-sw.done:
		sw.running = false
		if r.ok {
			if sw.target == 0 {
				sw.target = r.last
			}
			if r.floor >= sw.target {
				sw.active = false
			}
		}
	default:
	}
	if n := sw.rs.ch.conn.reconnects.Load(); n != sw.seen {
		sw.seen, sw.active, sw.target = n, true, 0
	}
	if !sw.active || sw.running || now.Sub(sw.last) < sweepEvery {
		return
	}
	sw.running, sw.last = true, now
	rs := sw.rs
	rs.checks.Add(1)
	go func() {
		defer rs.checks.Done()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		go func() { // a closing Receiver does not wait for a check
			select {
			case <-rs.done:
				cancel()
			case <-ctx.Done():
			}
		}()
		removed, last, floor, err := sweepAcked(ctx, rs.ch.conn.js, rs.ch.name)
		rs.swept.Add(int64(removed))
		sw.done <- sweepResult{last: last, floor: floor, ok: err == nil}
	}()
}

// sweepOnOpen removes leftovers when a channel is opened, if the stream
// and consumer just read show any: a healthy stream's first message is
// above the ack floor, so this costs no round trip then. A failure here
// does not fail the open: the Receiver's sweeper and the next open try
// again.
func sweepOnOpen(ctx context.Context, js jetstream.JetStream, name string, st jetstream.StreamState, floor uint64) int {
	if st.Msgs == 0 || st.FirstSeq > floor {
		return 0
	}
	removed, _, _, _ := sweepAcked(ctx, js, name)
	return removed
}
