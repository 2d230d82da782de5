// Package peers adapts channel-like queues — native channels, baton's
// channels and their best Go peers — to one interface, so that the same
// benchmark drives every implementation at the same capacity and goroutine
// counts.
//
// Worker pools and pipelines (ants, pond, conc, errgroup) are not queues;
// their adapters will get an interface of their own in this package
// (pool.go), next to Queue.
package peers

import (
	"sync"
)

// Unbounded is the capacity that asks for an unbounded queue.
const Unbounded = -1

// Queue is a FIFO of int messages with blocking ends. Send waits while the
// queue is full; Recv waits while it is empty. How an implementation waits
// (parking or spinning) is part of what is measured.
type Queue interface {
	// Send sends v, waiting while the queue is full.
	Send(v int)
	// Recv receives a value, waiting while the queue is empty.
	Recv() int
	// Close releases what the queue holds (helper goroutines, buffers).
	// It is called once, after the last Send and Recv.
	Close()
}

// Impl describes one implementation: its name, what it supports and how to
// build a queue of it.
type Impl struct {
	// Name identifies the implementation in tables and benchmark names,
	// e.g. "baton" or "xsync.MPMCQueue".
	Name string
	// Note says how it waits and what stands in for what.
	Note string
	// Rendezvous, Bounded and Unbounded tell which capacities it
	// supports: 0, >= 1 and Unbounded.
	Rendezvous, Bounded, Unbounded bool
	// MinCapacity, when set, is the smallest bounded capacity it handles
	// correctly.
	MinCapacity int
	// SingleProducer and SingleConsumer mark queues that allow only one
	// sending or receiving goroutine.
	SingleProducer, SingleConsumer bool
	// New builds a queue of the given capacity (0, >= 1 or Unbounded).
	// messages is how many will be sent through it; an implementation
	// without an unbounded kind uses it as the capacity that stands in.
	New func(capacity, messages int) Queue
}

// Supports reports whether the implementation can run with this capacity,
// number of producers and number of consumers.
func (i Impl) Supports(capacity, producers, consumers int) bool {
	switch {
	case capacity == Unbounded && !i.Unbounded,
		capacity == 0 && !i.Rendezvous,
		capacity > 0 && !i.Bounded,
		capacity > 0 && capacity < i.MinCapacity,
		capacity < Unbounded,
		producers > 1 && i.SingleProducer,
		consumers > 1 && i.SingleConsumer:
		return false
	}
	return true
}

// All returns every implementation, native channels first and baton second.
func All() []Impl {
	return []Impl{Native(), Baton(), Chanx(), XsyncMPMC(), XsyncSPSC(), XsyncUMPSC(), Workiva()}
}

// Find returns the implementation called name.
func Find(name string) (Impl, bool) {
	for _, i := range All() {
		if i.Name == name {
			return i, true
		}
	}
	return Impl{}, false
}

// Share returns how many of n messages worker i of workers handles: n is
// split as evenly as possible, the first n%workers workers taking one more.
func Share(n, workers, i int) int {
	s := n / workers
	if i < n%workers {
		s++
	}
	return s
}

// Transfer sends n messages through q from producers goroutines to
// consumers goroutines and returns when every message has been received.
// With one consumer, the calling goroutine receives.
func Transfer(q Queue, producers, consumers, n int) {
	var wg sync.WaitGroup
	for p := range producers {
		wg.Add(1)
		go func(count int) {
			defer wg.Done()
			for i := range count {
				q.Send(i)
			}
		}(Share(n, producers, p))
	}
	if consumers == 1 {
		for range n {
			q.Recv()
		}
	} else {
		for c := range consumers {
			wg.Add(1)
			go func(count int) {
				defer wg.Done()
				for range count {
					q.Recv()
				}
			}(Share(n, consumers, c))
		}
	}
	wg.Wait()
}

// Run builds a queue of impl with the given capacity, transfers n messages
// through it from producers to consumers, and closes it.
func Run(impl Impl, capacity, producers, consumers, n int) {
	q := impl.New(capacity, n)
	Transfer(q, producers, consumers, n)
	q.Close()
}
