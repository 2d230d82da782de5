package channel_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/baton-go/baton/channel"
)

// A producer sends on its own goroutine; the consumer ranges over the
// receiver until the producer closes its sender, like `for x in rx` in Rust.
func ExampleUnbounded() {
	tx, rx := channel.Unbounded[int]()

	go func() {
		defer tx.Close() // closing the last Sender ends the consumer's loop
		for i := 1; i <= 5; i++ {
			if err := tx.Send(i); err != nil {
				panic(err)
			}
		}
	}()

	for v := range rx.All() {
		fmt.Println("Received", v)
	}
	fmt.Println("Channel closed, consumer done")
	// Output:
	// Received 1
	// Received 2
	// Received 3
	// Received 4
	// Received 5
	// Channel closed, consumer done
}

// Multiple producers, single consumer: each producer gets its own clone of
// the sender and closes it when done. The channel disconnects when the last
// clone is closed. Values from different producers interleave in any order,
// so this example sorts them before printing.
func ExampleSender_Clone() {
	tx, rx := channel.Unbounded[int]()
	for p := 1; p <= 3; p++ {
		go func(tx *channel.Sender[int]) {
			defer tx.Close()
			for i := 1; i <= 2; i++ {
				tx.Send(p*10 + i)
			}
		}(tx.Clone())
	}
	tx.Close() // the producers hold their own clones

	var got []int
	for v := range rx.All() {
		got = append(got, v)
	}
	slices.Sort(got)
	fmt.Println(got)
	// Output: [11 12 21 22 31 32]
}

// A bounded channel holds at most its capacity. TrySend reports ErrFull
// instead of waiting; Send waits until a receiver makes room.
func ExampleBounded() {
	tx, rx := channel.Bounded[string](2)
	tx.Send("msg1")
	tx.Send("msg2")
	fmt.Println("full:", tx.IsFull())

	err := tx.TrySend("msg3")
	fmt.Println(errors.Is(err, channel.ErrFull))

	sent := make(chan struct{})
	go func() {
		tx.Send("msg3") // blocks until the Recv below makes room
		close(sent)
	}()
	first, _ := rx.Recv()
	fmt.Println("Received", first)
	<-sent
	fmt.Println("Sent msg3; buffered:", rx.Len())
	// Output:
	// full: true
	// true
	// Received msg1
	// Sent msg3; buffered: 2
}

// SendTimeout waits for room only so long. On a full bounded channel it
// fails with ErrTimeout and hands the value back; a zero duration makes one
// attempt, as TrySend does, but still reports ErrTimeout rather than ErrFull.
func ExampleSender_SendTimeout() {
	tx, rx := channel.Bounded[string](1)
	tx.Send("first") // the channel is now full, and nobody receives

	err := tx.SendTimeout("second", 10*time.Millisecond)
	var se *channel.SendError[string]
	if errors.As(err, &se) {
		fmt.Println(errors.Is(err, channel.ErrTimeout), "not sent:", se.Value)
	}
	err = tx.SendTimeout("second", 0)
	fmt.Println(errors.Is(err, channel.ErrTimeout), errors.Is(err, channel.ErrFull))

	rx.Recv() // makes room
	fmt.Println(tx.SendTimeout("second", time.Second))
	// Output:
	// true not sent: second
	// true false
	// <nil>
}

// SendContext gives up when its context is done: here a send that waits on
// a rendezvous channel nobody receives from, until the context is
// cancelled. The error wraps the context's own, and the value comes back.
func ExampleSender_SendContext() {
	tx, _ := channel.Bounded[string](0) // a send waits for a receiver
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(10*time.Millisecond, cancel) // e.g. the caller gives up

	err := tx.SendContext(ctx, "hello") // blocks until cancel
	fmt.Println(err)
	fmt.Println(errors.Is(err, context.Canceled))
	var se *channel.SendError[string]
	if errors.As(err, &se) {
		fmt.Println("not sent:", se.Value)
	}
	// Output:
	// send failed: context canceled
	// true
	// not sent: hello
}

// Select waits on several channels at once; WaitTimeout adds a timeout, like
// crossbeam's select! with a default(duration) arm.
func ExampleNewSelect() {
	tx1, rx1 := channel.Bounded[int](1)
	_, rx2 := channel.Bounded[string](1) // nobody sends on this one

	sel := channel.NewSelect(
		channel.OnRecv(rx1, func(v int, err error) { fmt.Println("rx1:", v) }),
		channel.OnRecv(rx2, func(s string, err error) { fmt.Println("rx2:", s) }),
	)

	tx1.Send(42)
	sel.WaitTimeout(time.Second) // rx1 is ready: its callback runs

	if _, err := sel.WaitTimeout(10 * time.Millisecond); errors.Is(err, channel.ErrTimeout) {
		fmt.Println("timeout")
	}
	// Output:
	// rx1: 42
	// timeout
}

// A case on After is another way to give a select a timeout.
func ExampleSelect() {
	_, rx := channel.Bounded[int](0) // nobody sends

	channel.Select(
		channel.OnRecv(rx, func(v int, err error) { fmt.Println("received", v) }),
		channel.OnRecv(channel.After(10*time.Millisecond), func(time.Time, error) { fmt.Println("timed out") }),
	)
	// Output: timed out
}

// Never switches off a case, as a nil channel does in a Go select. A
// disconnected receiver is always ready, so a loop merging two channels
// would spin on the first one to end; swapping it for Never leaves the loop
// waiting on the other alone. A receive on Never ends only by its own limit.
func ExampleNever() {
	tx1, rx1 := channel.Bounded[int](4)
	tx2, rx2 := channel.Bounded[int](4)
	tx1.Send(1)
	tx1.Close()
	tx2.Send(2)
	tx2.Send(3)
	tx2.Close()

	var got []int
	for open := 2; open > 0; {
		channel.Select(
			channel.OnRecv(rx1, func(v int, err error) {
				if err != nil {
					rx1, open = channel.Never[int](), open-1
					return
				}
				got = append(got, v)
			}),
			channel.OnRecv(rx2, func(v int, err error) {
				if err != nil {
					rx2, open = channel.Never[int](), open-1
					return
				}
				got = append(got, v)
			}),
		)
	}
	slices.Sort(got) // the two channels interleave in any order
	fmt.Println(got)

	_, err := channel.Never[int]().RecvTimeout(10 * time.Millisecond)
	fmt.Println(err)
	// Output:
	// [1 2 3]
	// channel: timed out
}

// A send that fails hands the value back in a *SendError, so nothing is
// lost. Here every receiver is gone.
func ExampleSendError() {
	tx, rx := channel.Unbounded[string]()
	rx.Close()

	err := tx.Send("hello")
	fmt.Println(err)

	var se *channel.SendError[string]
	if errors.As(err, &se) {
		fmt.Println("not sent:", se.Value)
	}
	fmt.Println(errors.Is(err, channel.ErrDisconnected))
	// Output:
	// send failed: channel: disconnected
	// not sent: hello
	// true
}

// RecvTimeout gives up after a while; once every sender is closed, and the
// buffer is empty, it reports ErrDisconnected instead.
func ExampleReceiver_RecvTimeout() {
	tx, rx := channel.Bounded[int](1)

	_, err := rx.RecvTimeout(10 * time.Millisecond)
	fmt.Println(err)

	tx.Send(7)
	tx.Close()
	v, err := rx.RecvTimeout(time.Second)
	fmt.Println(v, err)

	_, err = rx.RecvTimeout(time.Second)
	fmt.Println(err)
	// Output:
	// channel: timed out
	// 7 <nil>
	// channel: disconnected
}

// RecvContext gives up when its context is done, returning the context's
// error: here a receive that waits on an empty channel until the context is
// cancelled. A value already there is received as by Recv.
func ExampleReceiver_RecvContext() {
	tx, rx := channel.Unbounded[int]()
	defer tx.Close()
	ctx, cancel := context.WithCancel(context.Background())

	tx.Send(7)
	v, err := rx.RecvContext(ctx)
	fmt.Println(v, err)

	time.AfterFunc(10*time.Millisecond, cancel) // e.g. the caller gives up
	_, err = rx.RecvContext(ctx)                // blocks until cancel
	fmt.Println(err, errors.Is(err, context.Canceled))
	// Output:
	// 7 <nil>
	// context canceled true
}

// All receives until the channel is disconnected: buffered values are still
// delivered after the senders have gone.
func ExampleReceiver_All() {
	tx, rx := channel.Bounded[string](3)
	tx.Send("a")
	tx.Send("b")
	tx.Send("c")
	tx.Close()

	for s := range rx.All() {
		fmt.Print(s, " ")
	}
	fmt.Println()
	// Output: a b c
}

// Drain takes only what is buffered now and never waits, even though the
// sender is still open.
func ExampleReceiver_Drain() {
	tx, rx := channel.Unbounded[int]()
	for i := range 4 {
		tx.Send(i * i)
	}

	fmt.Println(slices.Collect(rx.Drain()))
	fmt.Println("empty:", rx.IsEmpty(), "disconnected:", rx.IsDisconnected())
	// Output:
	// [0 1 4 9]
	// empty: true disconnected: false
}

// After delivers the time once.
func ExampleAfter() {
	start := time.Now()
	at, err := channel.After(10 * time.Millisecond).Recv()
	fmt.Println(err, at.Sub(start) >= 10*time.Millisecond)
	// Output: <nil> true
}

// Tick delivers the time every interval until its receiver is closed.
func ExampleTick() {
	ticks := channel.Tick(5 * time.Millisecond)
	defer ticks.Close() // stops the ticker

	for i := 1; i <= 3; i++ {
		ticks.Recv()
		fmt.Println("tick", i)
	}
	// Output:
	// tick 1
	// tick 2
	// tick 3
}

// The two constructors, as the package documentation shows them: a bounded
// channel (capacity 0 would make it a rendezvous) and an unbounded one,
// whose sends never wait.
func Example() {
	tx, rx := channel.Bounded[int](8)
	defer tx.Close()
	defer rx.Close()
	utx, urx := channel.Unbounded[string]()
	defer utx.Close()
	defer urx.Close()

	tx.Send(1)
	utx.Send("one")
	v, _ := rx.Recv()
	s, _ := urx.Recv()
	fmt.Println(v, s, tx.Cap(), utx.Cap())
	// Output: 1 one 8 -1
}

// Ready waits until some case can proceed and says which, leaving the
// operation to the caller, as crossbeam's Select::ready does. The Try form
// then performs it; in a program where other goroutines receive too, it
// can fail with ErrEmpty, and the loop simply asks again.
func ExampleSelector_Ready() {
	tx1, rx1 := channel.Unbounded[int]()
	tx2, rx2 := channel.Unbounded[string]()
	rxs := []interface{ Len() int }{rx1, rx2}
	sel := channel.NewSelect(channel.OnRecv(rx1, nil), channel.OnRecv(rx2, nil))

	tx2.Send("hello")
	i := sel.Ready() // only rx2 holds a value
	fmt.Println("ready:", i, "buffered:", rxs[i].Len())
	if s, err := rx2.TryRecv(); err == nil {
		fmt.Println("received", s)
	}

	sel.Remove(1)
	tx1.Close()
	i = sel.Ready() // a disconnected case is ready too
	_, err := rx1.TryRecv()
	fmt.Println("ready:", i, err)
	// Output:
	// ready: 1 buffered: 1
	// received hello
	// ready: 0 channel: disconnected
}

// TryReady looks without waiting; ReadyTimeout, ReadyDeadline and
// ReadyContext wait within a limit, failing as WaitTimeout, WaitDeadline
// and WaitContext do.
func ExampleSelector_TryReady() {
	tx, rx := channel.Bounded[int](1)
	sel := channel.NewSelect(channel.OnRecv(rx, nil))

	_, ok := sel.TryReady()
	fmt.Println("ready:", ok)
	_, err := sel.ReadyTimeout(10 * time.Millisecond)
	fmt.Println(err)

	tx.Send(1)
	i, ok := sel.TryReady()
	fmt.Println("ready:", i, ok, "still buffered:", rx.Len())
	// Output:
	// ready: false
	// channel: timed out
	// ready: 0 true still buffered: 1
}

// SameChannel tells whether two handles lead to one channel: clones do,
// two channels made alike do not.
func ExampleSender_SameChannel() {
	tx, _ := channel.Bounded[int](1)
	other, _ := channel.Bounded[int](1)
	clone := tx.Clone()

	fmt.Println(tx.SameChannel(clone), tx.SameChannel(other))
	// Output: true false
}

// Receivers compare the same way.
func ExampleReceiver_SameChannel() {
	_, rx := channel.Unbounded[int]()
	_, other := channel.Unbounded[int]()

	fmt.Println(rx.SameChannel(rx.Clone()), rx.SameChannel(other))
	// Output: true false
}
