// Package pipebench measures baton's pipeline against the ways Go programs
// map a stream of items over a set of workers today:
//
//   - native: a hand-written pipeline of goroutines and channels, as the Go
//     blog's "Pipelines and cancellation" writes it: a generator, n workers
//     reading one channel, a merge with a WaitGroup, a done channel for
//     cancellation. Its ordered form hands each item a one-slot result
//     channel through a queue of n+1, the usual hand-written way to keep
//     order.
//   - rill: github.com/destel/rill v0.9.0, Map (unordered) and OrderedMap,
//     the closest pipeline library: stages over channels of Try values.
//   - conc: github.com/sourcegraph/conc v0.3.0: stream (ordered, window
//     n+1), pool with results and iter.Map (unordered from the pipeline's
//     point of view: they hand back a slice at the end).
//   - pond: github.com/alitto/pond/v2 v2.7.1, a result pool's task group,
//     whose Wait returns the results in submission order.
//
// conc's iter and pond's group are marked "batch" in the report: they are
// not pipelines (the whole input up front, or every result only at the
// end), so they skip the hand-offs a stream pays for but cannot run on an
// endless input or bound its memory. W5 also runs baton with Window(64), to
// show what a wider reorder window buys.
//
// Workloads:
//
//   - W4, throughput: a Map of a no-op and of about 1 µs of calibrated spin,
//     over N items, with n ∈ {1, 4, 8} workers, unordered and ordered.
//   - W5, head-of-line: an ordered Map with n = 8 over 10k items, where every
//     100th item spins 50 times longer than the others. A design whose
//     reorder window is wider than its worker count keeps the other workers
//     busy while the slow item finishes.
//
// Every implementation sums what reaches its sink, and the runner checks
// the sum, so an implementation that loses or duplicates items fails
// instead of looking fast. The spin is calibrated rather than slept,
// because this VM's timers never sleep less than about a millisecond.
//
// The testing.B benchmarks of this package run each workload once per
// implementation; `baton bench pipeline` runs them in interleaved rounds
// and reports medians, spreads and ratios.
package pipebench
