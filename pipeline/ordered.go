package pipeline

import (
	"context"
	"sync"

	"github.com/baton-go/baton/channel"
)

// reorder is the shared state of an Ordered stage's workers.
//
// Each worker takes a window token, then, under recvMu, receives an item and
// numbers it; so numbers follow input order exactly. It runs the callback
// without any lock and deposits the result in ring[seq % window]. Whoever
// deposits the result at the head of the line, while nobody else is
// emitting, becomes the emitter: it sends the ready results from the head
// on, releasing a token for each, and leaves the others to whoever completes
// the next head. The emitter drops emitMu while it sends, so a slow consumer
// never stops the workers from finishing items.
//
// Tokens bound the items taken but not yet emitted (in a callback or
// waiting in the ring) to the window, so the ring of window slots can never
// overflow, and one slow item holds back at most window - 1 others: memory
// stays bounded and the other workers wait for the head instead of racing
// ahead. This is the difference with conc's stream, whose window is tied to
// its worker count.
type reorder[R any] struct {
	tokens chan struct{}

	recvMu sync.Mutex
	next   int64

	emitMu   sync.Mutex
	head     int64
	emitting bool
	ring     []slot[R]
}

type slot[R any] struct {
	res   result[R]
	ack   *ack
	ready bool
}

func startOrdered[T, R any](r *run, name string, st *stageStats, c config,
	in *channel.Receiver[item[T]], tx *channel.Sender[item[R]], p proc[T, R]) {
	o := &reorder[R]{tokens: make(chan struct{}, c.window), ring: make([]slot[R], c.window)}
	r.cleanups = append(r.cleanups, func(cause error) {
		for i := range o.ring {
			if o.ring[i].ready {
				o.ring[i].ack.fail(cause)
				o.ring[i] = slot[R]{}
			}
		}
	})
	done := make(chan struct{}, c.workers) // counts workers out, so the last closes tx
	for range c.workers {
		r.spawn(name, func(ctx context.Context) {
			defer func() {
				done <- struct{}{}
				if len(done) == cap(done) {
					tx.Close()
				}
			}()
			orderedWorker(ctx, r, name, st, in, tx, o, p)
		})
	}
}

func orderedWorker[T, R any](ctx context.Context, r *run, name string, st *stageStats,
	in *channel.Receiver[item[T]], tx *channel.Sender[item[R]], o *reorder[R], p proc[T, R]) {
	for {
		if !o.acquire(ctx, st) {
			r.stopped.Store(true)
			return
		}
		o.recvMu.Lock()
		it, err := recvItem(ctx, in, st)
		seq := o.next
		if err == nil {
			o.next++
		}
		o.recvMu.Unlock()
		if err != nil {
			<-o.tokens
			r.ended(err)
			return
		}
		res, err := call(ctx, p, it.v)
		a := it.ack
		if err != nil {
			st.failed()
			serr := &StageError{Stage: name, Index: seq, Err: err}
			a.fail(serr)
			if !r.fail(serr) {
				return // the token stays taken: the run is over
			}
			res, a = result[R]{}, nil // a hole in the line, so the head moves on
		}
		if !o.deposit(ctx, r, tx, st, seq, res, a) {
			return
		}
	}
}

// acquire takes a window token, waiting while the window is full.
func (o *reorder[R]) acquire(ctx context.Context, st *stageStats) bool {
	select {
	case o.tokens <- struct{}{}:
		return true
	default:
	}
	var t0 = timeIfMonitored(st)
	defer addBlockedIn(st, t0)
	select {
	case o.tokens <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

// deposit puts the result of item seq in the ring and, if it is the head of
// the line and nobody is emitting, emits every ready result from the head on.
func (o *reorder[R]) deposit(ctx context.Context, r *run, tx *channel.Sender[item[R]], st *stageStats,
	seq int64, res result[R], a *ack) bool {
	w := int64(len(o.ring))
	o.emitMu.Lock()
	o.ring[seq%w] = slot[R]{res: res, ack: a, ready: true}
	if o.emitting || seq != o.head {
		o.emitMu.Unlock()
		return true
	}
	o.emitting = true
	for {
		s := &o.ring[o.head%w]
		if !s.ready {
			break
		}
		res, a := s.res, s.ack
		*s = slot[R]{}
		o.head++
		o.emitMu.Unlock()
		ok := emit(ctx, r, tx, st, res, a)
		<-o.tokens
		o.emitMu.Lock()
		if !ok {
			break
		}
	}
	o.emitting = false
	o.emitMu.Unlock()
	return ctx.Err() == nil
}
