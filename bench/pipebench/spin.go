package pipebench

import (
	"sync"
	"sync/atomic"
	"time"
)

// spinSink keeps the spin loop from being optimised away: its result is
// looked at, and in the rare case it matches, counted.
var spinSink atomic.Uint64

func burn(iters int) {
	if spin(iters) == 0x5eed {
		spinSink.Add(1)
	}
}

// spin burns about iters iterations of dependent arithmetic.
//
//go:noinline
func spin(iters int) uint64 {
	x := uint64(iters) | 1
	for range iters {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	return x
}

var (
	calibrateOnce sync.Once
	itersPerMicro int
)

// ItersPerMicrosecond returns how many spin iterations take one
// microsecond on this machine, measured once, as the best of several
// tries so that a preemption does not skew it.
func ItersPerMicrosecond() int {
	calibrateOnce.Do(func() {
		const probe = 200_000
		best := time.Duration(1 << 62)
		for range 7 {
			t := time.Now()
			burn(probe)
			best = min(best, time.Since(t))
		}
		itersPerMicro = max(int(probe*int64(time.Microsecond)/int64(best)), 1)
	})
	return itersPerMicro
}
