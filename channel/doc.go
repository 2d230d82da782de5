// Package channel provides channels with crossbeam-channel's semantics, in
// Go's idioms, and a select over any number of cases chosen at run time.
//
// A channel has two kinds of handle: Senders and Receivers. Both are safe for
// use by many goroutines at once, and Clone gives another handle to the same
// side, so a channel is multi-producer and multi-consumer. Every value sent is
// received exactly once, in the order it was sent, or handed back to the
// sender inside a *SendError: nothing is lost.
//
//	tx, rx := channel.Bounded[int](8)      // 0 would be a rendezvous channel
//	utx, urx := channel.Unbounded[string]() // a send never waits
//
// (The package Example runs these lines.) SameChannel tells whether two
// handles of one side lead to the same channel.
//
// # Disconnection
//
// A Go channel is closed by its sender, and a sender cannot learn that
// every receiver has gone. Here each side closes its own handles:
//
//   - once every Sender is closed, receivers still get what is buffered,
//     then ErrDisconnected; ranging over Receiver.All ends there;
//   - once every Receiver is closed, sends fail with ErrDisconnected, blocked
//     senders wake, and what was buffered is dropped so that the garbage
//     collector can have it.
//
// Close is idempotent and safe from any goroutine. An operation on a handle
// that was itself closed fails with ErrClosed, without blocking, and one
// blocked through a handle when another goroutine closes it wakes and fails
// with ErrClosed (a send hands its value back); operations through the
// other handles of the channel carry on undisturbed.
//
// # Operations and errors
//
// Each operation comes in five forms: Send blocks; TrySend never blocks and
// fails with ErrFull; SendTimeout and SendDeadline give up with ErrTimeout;
// SendContext gives up with the context's error (errors.Is(err, ctx.Err())
// holds). Receives mirror them, with ErrEmpty for TryRecv. A zero or negative
// timeout, or a deadline already past, makes a single attempt, like the Try
// form, and fails with ErrTimeout. A context already done fails at once and
// has no effect.
//
// Failed sends return a *SendError[T] holding the value; receives return the
// sentinel (or the context's error) itself.
//
// # Select
//
// NewSelect builds a Selector from cases made by OnRecv, OnSend and
// OnSendFrom, over channels of any types; cases can be added and removed
// between waits. Wait completes one case, runs its callback and returns its
// index; Try, WaitTimeout, WaitDeadline and WaitContext are its other forms.
// Among ready cases the choice is uniformly random, as in Go's select. A
// case on a disconnected channel, or a closed handle, is ready and reports
// the error. Try (and a zero timeout, or a deadline already past) reports
// nothing ready only if at one instant during the call no case could
// proceed. Reused in a loop, a Selector allocates nothing.
//
// Ready, TryReady, ReadyTimeout, ReadyDeadline and ReadyContext are
// crossbeam's readiness select: they report which case can proceed without
// performing it or running its callback. The operation may still fail by
// the time the caller attempts it, since another goroutine can get there
// first, so the caller uses a Try form and asks again on ErrEmpty or
// ErrFull.
//
// With no cases, Wait and Ready block forever, like an empty select
// statement; Try and TryReady report none; the timeout, deadline and
// context forms return their errors.
//
// After, Tick and Never are receivers too, so a timeout is just another
// case. After with a zero or negative duration is ready at once. A Tick or
// After that is dropped without being closed stops its timer once the
// garbage collector finds its receivers unreachable, as time.Tick does.
//
// # Bad input
//
// A negative capacity panics, as make does, and so does one too large to
// address. A nil context panics, as it does in the standard library. A nil
// handle passed to OnRecv, OnSend or OnSendFrom panics when the case is built.
// Methods on a nil handle panic.
//
// # How it works
//
// There is one file per flavor, after crossbeam-channel: array.go (bounded: a
// ring of slots with sequence stamps, lock-free, stored relative to each
// slot's index so that a zeroed buffer is the initial state), list.go
// (unbounded: linked blocks of slots, lock-free), zero.go (rendezvous:
// direct hand-off under a lock) and timer.go. Send and Recv call the flavor
// directly; the rest dispatches through an interface (flavor.go).
//
// A goroutine that must wait tries once more and parks on a waiter of its
// own (waiter.go), taken from a small per-channel cache and listed in the
// channel's wait queue (queue.go) by an intrusive node, so blocking
// allocates nothing; the peer that wakes it also completes its operation,
// as Go's runtime does. A Selector registers one node per case on its one
// waiter, and the first case to fire claims it with a compare-and-swap;
// Ready registers the same nodes as observers, which are woken but never
// served. A parked goroutine uses no CPU. Nothing reaches into the runtime
// with go:linkname.
package channel
