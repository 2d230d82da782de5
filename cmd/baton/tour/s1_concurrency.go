package tour

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/baton-go/baton/task"
)

// concurrency runs the same four CPU-bound jobs twice: on one processor,
// where they take turns (concurrency), and on every processor Go may use,
// where they run at the same time (parallelism).
func concurrency(ctx context.Context, out io.Writer) error {
	procs := runtime.GOMAXPROCS(0)
	fmt.Fprintf(out, "this machine: %d CPUs, GOMAXPROCS=%d\n", runtime.NumCPU(), procs)

	const jobs = 4
	run := func(p int) (time.Duration, []int, error) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(p)) // p processors, then back
		order := make(chan int, jobs*chunks)            // who ran a chunk, in order
		start := time.Now()
		err := task.Scope(ctx, func(g *task.Group) error {
			for id := range jobs {
				g.Spawn(func(ctx context.Context) error { return work(ctx, id, order) })
			}
			return nil
		})
		close(order)
		var seen []int
		for id := range order {
			seen = append(seen, id)
		}
		return time.Since(start), seen, err
	}

	one, order, err := run(1)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "concurrent, 1 processor:   %d jobs took %v\n", jobs, one.Round(time.Millisecond))
	fmt.Fprintf(out, "  the first chunks ran in the order %v: the jobs took turns\n", order[:2*jobs])
	all, _, err := run(procs)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "parallel, %d processors:    %d jobs took %v\n", procs, jobs, all.Round(time.Millisecond))
	fmt.Fprintf(out, "speed-up %.1f× (at most %d: the jobs only compute)\n",
		float64(one)/float64(all), min(procs, jobs))
	return nil
}

// chunks is how many slices of work each job does.
const chunks = 8

// work burns CPU in chunks, noting its id after each one and yielding, so
// that on a single processor the jobs visibly interleave.
func work(ctx context.Context, id int, order chan<- int) error {
	x := uint64(id + 1)
	for range chunks {
		for range 1_500_000 {
			x ^= x << 13 // xorshift: work the compiler cannot skip
			x ^= x >> 7
			x ^= x << 17
		}
		order <- id
		runtime.Gosched()
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	if x == 0 {
		return fmt.Errorf("impossible: xorshift reached zero")
	}
	return nil
}
