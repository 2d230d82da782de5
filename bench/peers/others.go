package peers

import (
	"context"
	"runtime"

	"github.com/Workiva/go-datastructures/queue"
	"github.com/puzpuzpuz/xsync/v4"
	"github.com/smallnest/chanx"
)

// chanxInitial is the initial capacity given to chanx's In, Out and buffer.
const chanxInitial = 1024

// Chanx is github.com/smallnest/chanx's UnboundedChan: an input channel, an
// output channel and a goroutine moving values through a growing ring
// buffer between them.
func Chanx() Impl {
	return Impl{
		Name:      "chanx",
		Note:      "smallnest/chanx UnboundedChan (initial capacity 1024); parks; a goroutine forwards",
		Unbounded: true,
		New: func(int, int) Queue {
			ctx, cancel := context.WithCancel(context.Background())
			return &chanxQueue{ch: chanx.NewUnboundedChan[int](ctx, chanxInitial), cancel: cancel}
		},
	}
}

type chanxQueue struct {
	ch     *chanx.UnboundedChan[int]
	cancel context.CancelFunc
}

func (q *chanxQueue) Send(v int) { q.ch.In <- v }
func (q *chanxQueue) Recv() int  { return <-q.ch.Out }

func (q *chanxQueue) Close() {
	close(q.ch.In)
	q.cancel()
	for range q.ch.Out { // wait for the forwarding goroutine to finish
	}
}

// XsyncMPMC is github.com/puzpuzpuz/xsync/v4's bounded MPMCQueue. It only
// has non-blocking operations, so the adapter retries with runtime.Gosched.
func XsyncMPMC() Impl {
	return Impl{
		Name:    "xsync.MPMCQueue",
		Note:    "puzpuzpuz/xsync/v4 MPMCQueue; TryEnqueue/TryDequeue retried with runtime.Gosched (spins)",
		Bounded: true,
		New: func(capacity, _ int) Queue {
			return xsyncMPMC{xsync.NewMPMCQueue[int](capacity)}
		},
	}
}

type xsyncMPMC struct{ q *xsync.MPMCQueue[int] }

func (q xsyncMPMC) Send(v int) {
	for !q.q.TryEnqueue(v) {
		runtime.Gosched()
	}
}

func (q xsyncMPMC) Recv() int {
	for {
		if v, ok := q.q.TryDequeue(); ok {
			return v
		}
		runtime.Gosched()
	}
}

func (q xsyncMPMC) Close() {}

// XsyncSPSC is github.com/puzpuzpuz/xsync/v4's bounded single-producer,
// single-consumer SPSCQueue, retried with runtime.Gosched like XsyncMPMC.
func XsyncSPSC() Impl {
	return Impl{
		Name:           "xsync.SPSCQueue",
		Note:           "puzpuzpuz/xsync/v4 SPSCQueue; one producer, one consumer; retried with runtime.Gosched (spins)",
		Bounded:        true,
		SingleProducer: true, SingleConsumer: true,
		New: func(capacity, _ int) Queue {
			return xsyncSPSC{xsync.NewSPSCQueue[int](capacity)}
		},
	}
}

type xsyncSPSC struct{ q *xsync.SPSCQueue[int] }

func (q xsyncSPSC) Send(v int) {
	for !q.q.TryEnqueue(v) {
		runtime.Gosched()
	}
}

func (q xsyncSPSC) Recv() int {
	for {
		if v, ok := q.q.TryDequeue(); ok {
			return v
		}
		runtime.Gosched()
	}
}

func (q xsyncSPSC) Close() {}

// XsyncUMPSC is github.com/puzpuzpuz/xsync/v4's unbounded multi-producer,
// single-consumer UMPSCQueue. Its Dequeue blocks (on a sync.WaitGroup per
// slot).
func XsyncUMPSC() Impl {
	return Impl{
		Name:           "xsync.UMPSCQueue",
		Note:           "puzpuzpuz/xsync/v4 UMPSCQueue; one consumer; Dequeue parks",
		Unbounded:      true,
		SingleConsumer: true,
		New: func(int, int) Queue {
			return xsyncUMPSC{xsync.NewUMPSCQueue[int]()}
		},
	}
}

type xsyncUMPSC struct{ q *xsync.UMPSCQueue[int] }

func (q xsyncUMPSC) Send(v int) { q.q.Enqueue(v) }
func (q xsyncUMPSC) Recv() int  { return q.q.Dequeue() }
func (q xsyncUMPSC) Close()     {}

// Workiva is github.com/Workiva/go-datastructures' queue.RingBuffer, a
// bounded MPMC ring (capacity rounded up to a power of two) of interface{}
// values, whose Put and Get retry with runtime.Gosched. With capacity 1 its
// "written" and "free" sequence stamps coincide, so a Put can overwrite a
// value not yet taken: it runs from capacity 2.
func Workiva() Impl {
	return Impl{
		Name:        "workiva.RingBuffer",
		Note:        "Workiva/go-datastructures queue.RingBuffer; interface{} values; Put/Get retry with runtime.Gosched (spins); loses values at capacity 1, so not run there",
		Bounded:     true,
		MinCapacity: 2,
		New: func(capacity, _ int) Queue {
			return workivaQueue{queue.NewRingBuffer(uint64(capacity))}
		},
	}
}

type workivaQueue struct{ rb *queue.RingBuffer }

func (q workivaQueue) Send(v int) {
	if err := q.rb.Put(v); err != nil {
		panic(err)
	}
}

func (q workivaQueue) Recv() int {
	v, err := q.rb.Get()
	if err != nil {
		panic(err)
	}
	return v.(int)
}

func (q workivaQueue) Close() { q.rb.Dispose() }
