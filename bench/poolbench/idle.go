package poolbench

import (
	"context"
	"runtime"
	"time"

	"github.com/baton-go/baton/bench/suite"
	"github.com/baton-go/baton/pool"
)

// settle gives goroutines time to reach their parked state, after any
// spinning, before a CPU window opens.
const settle = 20 * time.Millisecond

// cpuDuring returns the CPU time the whole process uses during window while
// the calling goroutine sleeps, or -1 if it cannot be read.
func cpuDuring(window time.Duration) time.Duration {
	time.Sleep(settle)
	before, ok1 := suite.CPUTime()
	time.Sleep(window)
	after, ok2 := suite.CPUTime()
	if !ok1 || !ok2 {
		return -1
	}
	return after - before
}

// IdleCPU measures a pool of GOMAXPROCS workers with nothing to do: parked
// workers cost nothing, spinning ones up to a core each.
func IdleCPU(window time.Duration) time.Duration {
	runtime.GC()
	p := pool.New(runtime.GOMAXPROCS(0))
	d := cpuDuring(window)
	if err := p.Close(); err != nil {
		panic(err)
	}
	return d
}

// BlockedCPU measures a producer blocked on a full queue, with every worker
// busy on a task that waits, and a line of submitters behind it.
func BlockedCPU(window time.Duration) time.Duration {
	runtime.GC()
	ctx := context.Background()
	p := pool.New(2, pool.WithQueue(4))
	release := make(chan struct{})
	for range 2 + 4 {
		if err := p.Submit(ctx, func(context.Context) error { <-release; return nil }); err != nil {
			panic(err)
		}
	}
	done := make(chan struct{})
	for range 3 {
		go func() {
			defer func() { done <- struct{}{} }()
			if err := p.Submit(ctx, func(context.Context) error { return nil }); err != nil {
				panic(err)
			}
		}()
	}
	for p.Stats().Waiting < 3 {
		time.Sleep(time.Millisecond)
	}
	d := cpuDuring(window)
	close(release)
	for range 3 {
		<-done
	}
	if err := p.Close(); err != nil {
		panic(err)
	}
	return d
}
