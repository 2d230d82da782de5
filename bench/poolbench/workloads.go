package poolbench

import (
	"runtime"
	"sync/atomic"
	"time"
)

// Workload is a named Load, at the size `baton bench pool` uses by default
// and at the full size (--full).
type Workload struct {
	Name string               // W1, W2/1x or W2/100x
	What string               // what its tasks do, for the report's heading
	Load func(full bool) Load // its size by default, or at the --full size
	// Blocking says its tasks wait rather than compute: the floors that
	// run tasks one at a time (FloorLoop, FloorRing) would only add up
	// their waits, so they are left out.
	Blocking bool
}

// Sleep is W1's task: ants' benchmark sleeps 10 ms.
func Sleep() { time.Sleep(10 * time.Millisecond) }

// tinySink keeps Tiny's arithmetic from being optimised away, without
// making the workers share a cache line on every task.
var tinySink atomic.Uint64

// Tiny is W2's task: a few nanoseconds of arithmetic.
func Tiny() {
	x := uint64(0x9E3779B97F4A7C15)
	for i := range 8 {
		x ^= x >> 13
		x *= uint64(i) | 1
	}
	if x == 0 {
		tinySink.Add(1)
	}
}

// Square is W3's task.
func Square(i int) int { return i * i }

// Workloads are W1 and the two shapes of W2.
var Workloads = []Workload{
	{
		Name:     "W1",
		What:     "each sleeps 10 ms (ants' benchmark shape)",
		Blocking: true,
		Load: func(full bool) Load {
			if full {
				return Load{Tasks: 200_000, Workers: 10_000, Submitters: 1, Task: Sleep}
			}
			return Load{Tasks: 20_000, Workers: 1_000, Submitters: 1, Task: Sleep}
		},
	},
	{
		Name: "W2/1x",
		What: "tiny tasks, workers = GOMAXPROCS",
		Load: func(full bool) Load {
			n := 200_000
			if full {
				n = 1_000_000
			}
			return Load{Tasks: n, Workers: runtime.GOMAXPROCS(0), Submitters: 1, Task: Tiny}
		},
	},
	{
		Name: "W2/100x",
		What: "tiny tasks, workers = GOMAXPROCS",
		Load: func(full bool) Load {
			n := 200_000
			if full {
				n = 1_000_000
			}
			return Load{Tasks: n, Workers: runtime.GOMAXPROCS(0), Submitters: 100, Task: Tiny}
		},
	},
}

// W3Tasks is how many results W3 reads back: 100k at either size (a run takes well under a second).
func W3Tasks(full bool) int { return 100_000 }
