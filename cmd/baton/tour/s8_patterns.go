package tour

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/baton-go/baton/channel"
	"github.com/baton-go/baton/task"
)

// patterns builds the seed's three designs from channels and tasks: a worker
// pool pulling from one queue, a pipeline of stages, and fan-out to workers
// with fan-in to one aggregator.
func patterns(ctx context.Context, out io.Writer) error {
	// Worker pool: 3 workers pull from one bounded queue. A producer that
	// outruns them waits at the queue instead of piling up work in memory.
	queue, jobs := channel.Bounded[int](2)
	handled := make([]int, 3) // per worker; each worker writes only its own slot
	err := task.Scope(ctx, func(g *task.Group) error {
		for w := range 3 {
			g.Spawn(func(ctx context.Context) error {
				for {
					if _, err := jobs.RecvContext(ctx); err != nil {
						return ignoreDisconnected(err) // the queue closed and is empty
					}
					channel.After(time.Millisecond).RecvContext(ctx) // a job takes 1ms
					handled[w]++
				}
			})
		}
		defer queue.Close()
		for job := range 30 {
			if err := queue.SendContext(ctx, job); err != nil {
				return err
			}
		}
		return nil
	})
	jobs.Close()
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "worker pool: 30 jobs, handled per worker %v, total %d\n", handled, sum(handled))

	// Pipeline: each stage receives, transforms and forwards, and closes
	// its output when its input ends, so the end flows down the chain.
	words := []string{"message", "passing", "keeps", "state", "private"}
	var shouted []string
	err = task.Scope(ctx, func(g *task.Group) error {
		src := source(g, words)
		upper := stage(g, src, strings.ToUpper)
		marked := stage(g, upper, func(s string) string { return s + "!" })
		for s := range marked.All() {
			shouted = append(shouted, s)
		}
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "pipeline: %v -> %v\n", words, shouted)

	// Fan-out / fan-in: the main goroutine hands each number to one of two
	// workers; both reply on one channel to an aggregator.
	work, inbox := channel.Bounded[int](0)
	replies, results := channel.Unbounded[string]()
	err = task.Scope(ctx, func(g *task.Group) error {
		for _, name := range []string{"worker1", "worker2"} {
			reply := replies.Clone()
			err := g.Spawn(func(ctx context.Context) error {
				defer reply.Close() // the aggregator's range ends after the last worker
				for n := range inbox.All() {
					reply.SendContext(ctx, fmt.Sprintf("%d²=%d by %s", n, n*n, name))
				}
				return nil
			})
			if err != nil { // cancelled before it started
				reply.Close()
			}
		}
		replies.Close()
		defer work.Close()
		for n := 1; n <= 6; n++ {
			if err := work.SendContext(ctx, n); err != nil {
				return err
			}
		}
		return nil
	})
	inbox.Close()
	var got []string
	for r := range results.All() {
		got = append(got, r[:strings.Index(r, " ")])
	}
	results.Close()
	if err != nil {
		return err
	}
	slices.Sort(got) // the workers finish in any order
	fmt.Fprintf(out, "fan-out/fan-in: the aggregator got %d replies: %s\n", len(got), strings.Join(got, " "))
	return nil
}

// source sends each item downstream, then closes its output.
func source(g *task.Group, items []string) *channel.Receiver[string] {
	tx, rx := channel.Bounded[string](1)
	err := g.Spawn(func(ctx context.Context) error {
		defer tx.Close()
		for _, it := range items {
			if err := tx.SendContext(ctx, it); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil { // cancelled before it started: end the stream here
		tx.Close()
	}
	return rx
}

// stage applies f to every item of in and sends the results on.
func stage(g *task.Group, in *channel.Receiver[string], f func(string) string) *channel.Receiver[string] {
	tx, rx := channel.Bounded[string](1)
	err := g.Spawn(func(ctx context.Context) error {
		defer tx.Close()
		defer in.Close()
		for v := range in.All() {
			if err := tx.SendContext(ctx, f(v)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tx.Close()
		in.Close()
	}
	return rx
}

// ignoreDisconnected treats a disconnected channel as the normal end of
// the work.
func ignoreDisconnected(err error) error {
	if errors.Is(err, channel.ErrDisconnected) {
		return nil
	}
	return err
}

// sum adds up xs.
func sum(xs []int) int {
	t := 0
	for _, x := range xs {
		t += x
	}
	return t
}
