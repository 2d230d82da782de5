package pool_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/baton-go/baton/channel"
	"github.com/baton-go/baton/pool"
)

// The seed's worker pool: a few workers pull jobs from one bounded queue. A
// producer that outruns them waits for room instead of piling jobs up.
func Example() {
	ctx := context.Background()
	p := pool.New(3, pool.WithQueue(2))
	var total atomic.Int64
	for job := 1; job <= 10; job++ {
		if err := p.Submit(ctx, func(ctx context.Context) error {
			total.Add(int64(job * job))
			return nil
		}); err != nil {
			fmt.Println("refused:", err)
		}
	}
	err := p.Close() // waits for the queued jobs
	fmt.Println("sum of squares:", total.Load(), "error:", err)
	// Output: sum of squares: 385 error: <nil>
}

// Fan-out and fan-in: tasks run on many workers, and their results come
// back in submission order, as soon as each and those before it are ready.
func ExampleNewResults() {
	ctx := context.Background()
	words := strings.Fields("the quick brown fox jumps over the lazy dog")
	rp := pool.NewResults[string](4)
	go func() {
		defer rp.Close()
		for _, w := range words {
			rp.Submit(ctx, func(ctx context.Context) (string, error) {
				return strings.ToUpper(w), nil
			})
		}
	}()
	var out []string
	for s, err := range rp.All() {
		if err != nil {
			fmt.Println(err)
			continue
		}
		out = append(out, s)
	}
	fmt.Println(strings.Join(out, " "))
	// Output: THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG
}

// Serve runs workers over a channel until it disconnects: the seed's
// "multiple consumers pull from one queue". The same handler would serve a
// JetStream receiver.
func ExampleServe() {
	tx, rx := channel.Bounded[int](8)
	go func() {
		defer tx.Close() // disconnects: Serve returns once the rest is handled
		for i := 1; i <= 100; i++ {
			tx.Send(i)
		}
	}()
	var sum atomic.Int64
	err := pool.Serve(context.Background(), rx, 4, func(ctx context.Context, v int) error {
		sum.Add(int64(v))
		return nil
	})
	fmt.Println(sum.Load(), err)
	// Output: 5050 <nil>
}

// A service stops Serve with a signal. The context ending is how Serve is
// meant to stop, so its context.Canceled is no failure: errors.Is tells it
// from a handler's error. (Here a cancel stands in for the signal of
// signal.NotifyContext(ctx, os.Interrupt).)
func ExampleServe_shutdown() {
	ctx, stop := context.WithCancel(context.Background())
	tx, rx := channel.Bounded[string](8)
	defer tx.Close()
	handled := make(chan string)
	done := make(chan error)
	go func() {
		done <- pool.Serve(ctx, rx, 2, func(ctx context.Context, job string) error {
			handled <- job
			return nil
		})
	}()
	tx.Send("resize photo")
	fmt.Println("handled:", <-handled)
	stop() // the signal arrives
	if err := <-done; errors.Is(err, context.Canceled) {
		fmt.Println("stopped by the signal")
	} else if err != nil {
		fmt.Println("failed:", err)
	}
	// Output:
	// handled: resize photo
	// stopped by the signal
}

// Back-pressure, visible in Stats: with both workers busy and the queue
// full, the next submitter waits in line.
func ExamplePool_Stats() {
	ctx := context.Background()
	p := pool.New(2, pool.WithQueue(3))
	release := make(chan struct{})
	started := make(chan struct{})
	for range 2 {
		p.Submit(ctx, func(ctx context.Context) error {
			started <- struct{}{}
			<-release
			return nil
		})
	}
	<-started
	<-started
	for range 3 {
		p.Submit(ctx, func(ctx context.Context) error { return nil })
	}
	waiting := make(chan error)
	go func() { waiting <- p.Submit(ctx, func(ctx context.Context) error { return nil }) }()
	for p.Stats().Waiting == 0 {
		// the sixth submitter has not lined up yet
	}
	st := p.Stats()
	fmt.Printf("running %d, queued %d, waiting %d\n", st.Running, st.Queued, st.Waiting)
	close(release)
	fmt.Println(<-waiting)
	p.Close()
	st = p.Stats()
	fmt.Printf("succeeded %d of %d\n", st.Succeeded, st.Submitted)
	// Output:
	// running 2, queued 3, waiting 1
	// <nil>
	// succeeded 6 of 6
}

// countTasks is a TaskObserver that counts the tasks a pool ran.
type countTasks struct{ n atomic.Int64 }

func (c *countTasks) TaskDone(waited, ran time.Duration) { c.n.Add(1) }

// An observer sees the waiting and running time of one task in
// SampleEvery, and while one is attached, Running lists the tasks in hand
// and profiles carry the labels "baton.pool" and "baton.worker".
func ExamplePool_Observe() {
	ctx := context.Background()
	p := pool.New(2)
	var seen countTasks
	p.Observe("thumbnails", &seen)
	release := make(chan struct{})
	started := make(chan struct{})
	p.Submit(ctx, func(ctx context.Context) error {
		close(started)
		<-release
		return nil
	})
	<-started
	for _, t := range p.Running() {
		fmt.Println("running: task", t.Seq)
	}
	close(release)
	for range 999 {
		p.Submit(ctx, func(ctx context.Context) error { return nil })
	}
	p.Close()
	fmt.Println("ran:", p.Stats().Succeeded, "timed:", seen.n.Load()) // tasks 0, 256, 512 and 768
	// Output:
	// running: task 0
	// ran: 1000 timed: 4
}
