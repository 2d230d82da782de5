// Package suite is the measuring code behind `baton bench`: the cases of
// crossbeam-channel's benchmark suite written for baton's channels and for
// native channels, the peer comparison over the adapters of package peers,
// a runner that alternates implementations round after round, and the
// statistics, tables and baseline comparisons of what it measured.
//
// The cases follow crossbeam-channel's benchmarks/crossbeam-channel.rs and
// its Go counterpart benchmarks/go.go:
//
//   - seq: one goroutine sends N messages, then receives them;
//   - spsc: one sender, one receiver;
//   - mpsc: Threads senders, one receiver;
//   - mpmc: Threads senders, Threads receivers;
//   - select_rx: Threads senders each on its own channel, one receiver
//     selecting over all of them;
//   - select_both: Threads senders and Threads receivers, each selecting
//     over all Threads channels;
//
// on four kinds of channel: bounded0 (rendezvous), bounded1, boundedN
// (capacity N) and unbounded. seq runs only on boundedN and unbounded, as in
// crossbeam. Native Go has no unbounded channel; as crossbeam's Go benchmark
// does, its unbounded rows use make(chan int, N), and the tables say so.
//
// baton's select cases reuse one Selector per goroutine, the way baton's
// documentation recommends; the native ones are static select statements.
package suite
