package jetstream

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// publisher sends the Senders' attempts on one connection and hands each
// the server's answer. Every attempt publishes with a reply subject under
// one inbox, and one subscription collects the answers for every send in
// flight, so concurrent sends pipeline without a request each. It does
// what nats.go's asynchronous publisher did for baton, without what baton
// never used: a future and a timer per message kept in a second map, the
// stall logic (the Sender's window bounds what is in flight), and a full
// JSON decoding of each success (see parsePubAck).
type publisher struct {
	nc   *nats.Conn
	next atomic.Uint64

	mu      sync.Mutex
	prefix  string // the inbox and a dot; empty until the first attempt
	waiting map[uint64]*waiter
	out     *outbox // the connection's
}

// waiter is one attempt waiting for its answer. Waiters are reused (see
// waiters): a send allocates neither a channel nor a timer per attempt.
type waiter struct {
	answer chan *nats.Msg // buffered: the subscription's handler never blocks
	timer  *time.Timer
	err    error // with a nil answer: the connection refused the message
}

var waiters = sync.Pool{New: func() any {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return &waiter{answer: make(chan *nats.Msg, 1), timer: t}
}}

// noRespondersWait is how long an attempt that met no responders (the
// stream's server is starting, or no stream takes the subject) waits
// before it reports so: what nats.go's publisher waits, so that a send
// retrying through a server restart does not hammer it.
const noRespondersWait = 250 * time.Millisecond

// start subscribes to the inbox, once.
func (p *publisher) start() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.prefix != "" {
		return nil
	}
	inbox := p.nc.NewRespInbox()
	sub, err := p.nc.Subscribe(inbox+".*", p.answer)
	if err != nil {
		return err
	}
	// Answers are small and bounded by the sends in flight; one dropped
	// would cost its send a whole attemptTimeout.
	_ = sub.SetPendingLimits(-1, -1)
	p.prefix = inbox + "."
	p.waiting = map[uint64]*waiter{}
	return nil
}

// answer is the inbox subscription's handler.
func (p *publisher) answer(m *nats.Msg) {
	token, err := strconv.ParseUint(m.Subject[len(p.prefix):], 36, 64)
	if err != nil {
		return
	}
	p.mu.Lock()
	w, ok := p.waiting[token]
	delete(p.waiting, token)
	p.mu.Unlock()
	if ok {
		w.answer <- m // buffered, and only the one who removed it sends
	}
}

// publish sends msg once and waits for the server's answer, for at most
// attemptTimeout, and no longer than the connection lasts (lost) or ctx.
// It returns whether the server recognised msg's ID as a duplicate. An
// attempt whose answer is lost returns an error for which transient holds:
// its outcome is unknown.
func (p *publisher) publish(ctx context.Context, msg *nats.Msg, lost context.Context) (duplicate bool, err error) {
	if err := p.start(); err != nil {
		return false, err
	}
	token := p.next.Add(1)
	w := waiters.Get().(*waiter)
	p.mu.Lock()
	p.waiting[token] = w
	p.mu.Unlock()
	answered := false
	defer func() {
		w.timer.Stop()
		if !answered {
			p.mu.Lock()
			_, mine := p.waiting[token]
			delete(p.waiting, token)
			p.mu.Unlock()
			if !mine {
				// The handler took it and is sending the answer: take
				// it, so that the waiter's next user does not.
				<-w.answer
			}
		}
		w.err = nil
		waiters.Put(w)
	}()
	q := outMsg{msg: *msg, pub: p, token: token}
	// Each attempt of a send has its own token. Built in a stack buffer:
	// one allocation for the string instead of two.
	var replyBuf [64]byte
	q.msg.Reply = string(strconv.AppendUint(append(replyBuf[:0], p.prefix...), token, 36))
	p.out.send(q)
	w.timer.Reset(attemptTimeout)
	select {
	case m := <-w.answer:
		answered = true
		if m == nil { // the connection refused it
			err, w.err = w.err, nil
			return false, err
		}
		duplicate, err = parsePubAck(m)
		if errors.Is(err, nats.ErrNoResponders) {
			w.timer.Reset(noRespondersWait)
			select {
			case <-w.timer.C:
			case <-ctx.Done():
				return false, ctx.Err()
			}
		}
		return duplicate, err
	case <-w.timer.C:
		return false, fmt.Errorf("%w: no answer within %v", nats.ErrTimeout, attemptTimeout)
	case <-lost.Done():
		return false, fmt.Errorf("%w: connection lost", nats.ErrTimeout)
	case <-ctx.Done():
		return false, ctx.Err()
	}
}

// refused hands the connection's refusal of q to its sender, unless it
// has given up waiting.
func (p *publisher) refused(token uint64, err error) {
	p.mu.Lock()
	w, mine := p.waiting[token]
	delete(p.waiting, token)
	p.mu.Unlock()
	if mine {
		w.err = err
		w.answer <- nil // buffered, and only the one who removed it sends
	}
}

var (
	errorKey     = []byte(`"error"`)
	seqKey       = []byte(`"seq"`)
	duplicateKey = []byte(`"duplicate"`)
)

// parsePubAck reads the server's answer to a publish. A success, the
// common case, is recognised without decoding the JSON: it has a "seq" and
// no "error" key (a stream name holding either word is escaped or decoded
// the slow way, as is every error); then only its "duplicate" flag
// matters.
func parsePubAck(m *nats.Msg) (duplicate bool, err error) {
	if len(m.Data) == 0 {
		if m.Header.Get("Status") == "503" {
			return false, nats.ErrNoResponders
		}
		return false, fmt.Errorf("jetstream: the server answered a publish with status %q %q",
			m.Header.Get("Status"), m.Header.Get("Description"))
	}
	d := m.Data
	if !bytes.Contains(d, errorKey) && bytes.Contains(d, seqKey) {
		// The key is the occurrence followed by a colon: a stream named
		// "duplicate" has the word as a value too.
		for rest := d; ; {
			i := bytes.Index(rest, duplicateKey)
			if i < 0 {
				return false, nil
			}
			rest = bytes.TrimLeft(rest[i+len(duplicateKey):], " \t")
			if len(rest) > 0 && rest[0] == ':' {
				return bytes.HasPrefix(bytes.TrimLeft(rest[1:], " \t"), []byte("true")), nil
			}
		}
	}
	var resp struct {
		Error     *jetstream.APIError `json:"error"`
		Seq       *uint64             `json:"seq"`
		Duplicate bool                `json:"duplicate"`
	}
	if err := json.Unmarshal(d, &resp); err != nil {
		return false, fmt.Errorf("jetstream: the server's answer to a publish: %w", err)
	}
	if resp.Error != nil {
		return false, resp.Error
	}
	if resp.Seq == nil {
		return false, fmt.Errorf("jetstream: the server's answer to a publish has no sequence: %q", d)
	}
	return resp.Duplicate, nil
}
