// Package poolbench measures baton's pool against the Go worker pools people
// use instead: panjf2000/ants, alitto/pond, sourcegraph/conc, x/sync's
// errgroup and semaphore, gammazero/workerpool, and bare goroutines with a
// WaitGroup. Each implementation runs the same workloads in the same
// process, so their ratios are measured under the same conditions:
//
//   - W1, ants' own benchmark shape: many tasks that each sleep 10 ms on a
//     large pool, from one submitter. It measures the cost of a task that
//     blocks, and the memory a pool keeps per task.
//   - W2: tiny tasks (a few ns of arithmetic) on GOMAXPROCS workers, from
//     one submitter and from many. It measures the pool's own overhead.
//   - W3: tiny tasks whose results are read back in submission order,
//     against pond's result groups and conc's stream.
//   - G: groups of 100 tiny tasks, each submitted and waited for by one of
//     8 goroutines sharing the pool, as web handlers do: baton's Group
//     against pond's groups and errgroup with SetLimit.
//
// The benchmarks in this package run them as testing.B; `baton bench pool`
// runs them in interleaved rounds and prints ratios.
package poolbench
