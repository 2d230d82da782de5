package peers

import "github.com/baton-go/baton/channel"

// Native is Go's own channel. It has no unbounded kind: for Unbounded it
// stands in with a channel whose capacity is the number of messages, as
// crossbeam-channel's Go benchmark does.
func Native() Impl {
	return Impl{
		Name:       "native",
		Note:       "chan int; parks; unbounded = make(chan int, messages)",
		Rendezvous: true, Bounded: true, Unbounded: true,
		New: func(capacity, messages int) Queue {
			if capacity == Unbounded {
				capacity = messages
			}
			return nativeQueue(make(chan int, capacity))
		},
	}
}

type nativeQueue chan int

func (q nativeQueue) Send(v int) { q <- v }
func (q nativeQueue) Recv() int  { return <-q }
func (q nativeQueue) Close()     {}

// Baton is baton's channel: channel.Bounded, or channel.Unbounded.
func Baton() Impl {
	return Impl{
		Name:       "baton",
		Note:       "channel.Bounded / channel.Unbounded; spins briefly, then parks",
		Rendezvous: true, Bounded: true, Unbounded: true,
		New: func(capacity, _ int) Queue {
			if capacity == Unbounded {
				tx, rx := channel.Unbounded[int]()
				return batonQueue{tx, rx}
			}
			tx, rx := channel.Bounded[int](capacity)
			return batonQueue{tx, rx}
		},
	}
}

type batonQueue struct {
	tx *channel.Sender[int]
	rx *channel.Receiver[int]
}

func (q batonQueue) Send(v int) {
	if err := q.tx.Send(v); err != nil {
		panic(err)
	}
}

func (q batonQueue) Recv() int {
	v, err := q.rx.Recv()
	if err != nil {
		panic(err)
	}
	return v
}

func (q batonQueue) Close() {
	q.tx.Close()
	q.rx.Close()
}
