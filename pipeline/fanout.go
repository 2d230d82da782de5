package pipeline

import (
	"context"
	"fmt"

	"github.com/baton-go/baton/channel"
)

// Split divides the items of s among n streams, round robin: item k goes to
// branch k mod n, and to no other. Every branch must be consumed by sinks of
// the same run (one Run with an Each per branch, or a Merge of the
// branches); a run that leaves a branch without a consumer panics when it
// starts, since the splitter would wait for that branch forever.
//
// Strict round robin is predictable (the same input always lands on the
// same branches) but couples the branches: when one branch's buffer is full,
// the splitter waits for it, and the other branches get nothing meanwhile.
// To balance uneven work, use one Map with Workers(n) instead.
//
// Options: Buffer (of each branch) and Name. n < 1 panics.
func Split[T any](s *Stream[T], n int, opts ...Option) []*Stream[T] {
	if n < 1 {
		panic(fmt.Sprintf("pipeline: Split(s, n) needs n >= 1, got %d", n))
	}
	return fanOut(s, "split", n, opts, func(k uint64, _ T) int { return int(k % uint64(n)) })
}

// Partition divides the items of s among n streams by key: an item goes to
// branch key(v) mod n, so items with the same key always go to the same
// branch, in their input order. key should spread its values evenly (a hash,
// for instance); it is called on the partitioner's goroutine, one item at a
// time, and must not block. The same rules as Split hold for consuming the
// branches and for a slow branch.
//
// Options: Buffer (of each branch) and Name. n < 1 or a nil key panics.
func Partition[T any](s *Stream[T], n int, key func(v T) uint64, opts ...Option) []*Stream[T] {
	if n < 1 {
		panic(fmt.Sprintf("pipeline: Partition(s, n, key) needs n >= 1, got %d", n))
	}
	if key == nil {
		panic("pipeline: Partition(s, n, key) needs a non-nil key")
	}
	return fanOut(s, "partition", n, opts, func(_ uint64, v T) int { return int(key(v) % uint64(n)) })
}

// Broadcast gives every item of s to each of n streams. Values are copied
// as Go copies them: a pointer, slice or map is shared by the branches, which
// must then not modify what it points to.
//
// A slow branch slows the others: the broadcaster hands each item to every
// branch in turn, so once the slow branch's buffer (see Buffer) is full, the
// others receive nothing new until it takes an item. Nothing is dropped and
// memory stays bounded; give a branch a larger Buffer to absorb its bursts.
// As with Split, every branch must be consumed in the same run.
//
// A message from an AckReceiver is settled when every branch's copy has
// been taken by its sink. Options: Buffer (of each branch) and Name. n < 1
// panics.
func Broadcast[T any](s *Stream[T], n int, opts ...Option) []*Stream[T] {
	if n < 1 {
		panic(fmt.Sprintf("pipeline: Broadcast(s, n) needs n >= 1, got %d", n))
	}
	return fanOut(s, "broadcast", n, opts, nil)
}

// fanOut builds the branches of Split, Partition (route picks one branch)
// and Broadcast (route is nil: every branch).
func fanOut[T any](s *Stream[T], kind string, n int, opts []Option, route func(k uint64, v T) int) []*Stream[T] {
	c := options(kind, opts, "Buffer", "Name")
	s.claim(kind)
	name := stageName(c, kind, s.depth+1)
	node := &fanNode[T]{}
	branches := make([]*Stream[T], n)
	for i := range branches {
		branches[i] = &Stream[T]{kind: kind, depth: s.depth + 1, name: name, build: func(r *run) *channel.Receiver[item[T]] {
			st, ok := r.memo[node].(*fanRun[T])
			if !ok {
				st = startFan(r, s, name, kind, n, c.buffer, route)
				r.memo[node] = st
			}
			st.built[i] = true
			return st.rxs[i]
		}}
	}
	return branches
}

type fanNode[T any] struct{ _ byte } // identity of a fan-out in a run's memo; not zero-size, so each is a distinct pointer

// fanRun is a fan-out's state in one run.
type fanRun[T any] struct {
	rxs   []*channel.Receiver[item[T]]
	built []bool
}

func startFan[T any](r *run, s *Stream[T], name, kind string, n, buffer int, route func(uint64, T) int) *fanRun[T] {
	in := s.build(r)
	f := &fanRun[T]{rxs: make([]*channel.Receiver[item[T]], n), built: make([]bool, n)}
	txs := make([]*out[T], n)
	for i := range n {
		var tx *channel.Sender[item[T]]
		tx, f.rxs[i] = newChan[T](r, buffer)
		txs[i] = newOut(tx)
	}
	r.checks = append(r.checks, func() {
		for i, b := range f.built {
			if !b {
				panic(fmt.Sprintf("pipeline: branch %d of %s %s has no consumer in this run; "+
					"every branch of a fan-out must be consumed by the same Run (or merged back)", i, kind, name))
			}
		}
	})
	st := r.stats(name, 1, []string{s.name}, in)
	r.spawn(name, st, func(ctx context.Context, st *probe) {
		defer func() {
			for _, o := range txs {
				o.tx.Close()
			}
		}()
		for k := uint64(0); ; k++ {
			it, err := recvItem(ctx, in, st)
			if err != nil {
				r.ended(err)
				return
			}
			if route != nil {
				if !sendItem(ctx, r, txs[route(k, it.v)], st, it) {
					return
				}
				continue
			}
			it.ack.share(n - 1)
			for _, o := range txs {
				if !sendItem(ctx, r, o, st, it) {
					return
				}
			}
		}
	})
	return f
}

// Merge joins streams into one, taking items from each as they come: the
// order within each input is kept, but inputs interleave arbitrarily. It
// ends when every input has ended. Merge of no streams is an empty stream.
// Each input is claimed like any consumer claims its stream, so merging a
// stream twice panics.
func Merge[T any](streams ...*Stream[T]) *Stream[T] {
	depth := 0
	for _, s := range streams {
		s.claim("Merge")
		depth = max(depth, s.depth)
	}
	name := fmt.Sprintf("merge#%d", depth+1)
	return &Stream[T]{kind: "Merge", depth: depth + 1, name: name, multi: len(streams) > 1, build: func(r *run) *channel.Receiver[item[T]] {
		ins := make([]*channel.Receiver[item[T]], len(streams))
		for i, s := range streams {
			ins[i] = s.build(r)
		}
		tx, rx := newChan[T](r, DefaultBuffer)
		names := make([]string, len(streams))
		queues := make([]queue, len(streams))
		for i, s := range streams {
			names[i], queues[i] = s.name, ins[i]
		}
		st := r.stats(name, len(streams), names, queues...)
		if len(streams) == 0 {
			tx.Close()
		}
		for i, in := range ins {
			wtx := tx
			if i > 0 {
				wtx = tx.Clone()
			}
			r.spawn(name, st, func(ctx context.Context, st *probe) {
				defer wtx.Close()
				o := newOut(wtx)
				for {
					it, err := recvItem(ctx, in, st)
					if err != nil {
						r.ended(err)
						return
					}
					if !sendItem(ctx, r, o, st, it) {
						return
					}
				}
			})
		}
		return rx
	}}
}
