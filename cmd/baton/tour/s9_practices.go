package tour

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/baton-go/baton/channel"
	"github.com/baton-go/baton/task"
)

// practices shows each of the tutorial's best practices at work: back-pressure,
// handling errors, select for multiplexing, and what each kind of channel
// guarantees and costs.
func practices(ctx context.Context, out io.Writer) error {
	fmt.Fprintln(out, "1. bounded channels apply back-pressure: 50 jobs, a slow consumer")
	for _, capacity := range []int{-1, 4} { // -1: unbounded
		peak, err := backlog(ctx, capacity)
		if err != nil {
			return err
		}
		name := fmt.Sprintf("bounded(%d)", capacity)
		if capacity < 0 {
			name = "unbounded"
		}
		fmt.Fprintf(out, "   %-11s the producer ran up to %d jobs ahead\n", name, peak)
	}

	fmt.Fprintln(out, "2. handle errors: a send that cannot complete returns the value")
	tx, rx := channel.Bounded[string](1)
	tx.Send("first") // fills the channel; nobody receives
	if err := tx.SendTimeout("second", 10*time.Millisecond); err != nil {
		var unsent *channel.SendError[string]
		errors.As(err, &unsent)
		fmt.Fprintf(out, "   %v: %q kept for a retry or a fallback\n", err, unsent.Value)
	}
	tx.Close()
	rx.Close()

	fmt.Fprintln(out, "3. select multiplexes: one loop serves jobs and a quit signal")
	if err := multiplex(ctx, out); err != nil {
		return err
	}

	fmt.Fprintln(out, "4. compare needs: 4 producers × 5000 messages through each kind")
	for _, capacity := range []int{0, 1, 1024, -1} {
		perMsg, ordered, err := throughput(ctx, capacity, 4, 5000)
		if err != nil {
			return err
		}
		name := fmt.Sprintf("bounded(%d)", capacity)
		if capacity < 0 {
			name = "unbounded"
		}
		fmt.Fprintf(out, "   %-13s %6.0f ns/msg, each producer's order kept: %v\n", name, perMsg, ordered)
	}
	return nil
}

// backlog sends 50 jobs to a consumer that needs a millisecond for each,
// and returns the most jobs ever waiting in the channel.
func backlog(ctx context.Context, capacity int) (int, error) {
	tx, rx := channel.Unbounded[int]()
	if capacity >= 0 {
		tx, rx = channel.Bounded[int](capacity)
	}
	consumer := task.Spawn(func() (struct{}, error) {
		defer rx.Close()
		for range rx.All() {
			channel.After(time.Millisecond).RecvContext(ctx) // the slow part
		}
		return struct{}{}, nil
	})
	peak := 0
	var err error
	for job := range 50 {
		if err = tx.SendContext(ctx, job); err != nil {
			break
		}
		peak = max(peak, tx.Len())
	}
	tx.Close()
	consumer.Join()
	return peak, err
}

// multiplex serves jobs until a quit message arrives, in one loop over one
// Selector. The feeder uses rendezvous channels, so each send completes only
// when the loop has taken the value: the quit cannot overtake the jobs.
func multiplex(ctx context.Context, out io.Writer) error {
	jobs, jobRx := channel.Bounded[string](0)
	quit, quitRx := channel.Bounded[string](0)
	feeder := task.Spawn(func() (struct{}, error) {
		defer jobs.Close()
		defer quit.Close()
		for _, job := range []string{"resize photo", "send mail"} {
			if err := jobs.SendContext(ctx, job); err != nil {
				return struct{}{}, err
			}
		}
		return struct{}{}, quit.SendContext(ctx, "shutting down")
	})
	defer feeder.Join()
	defer jobRx.Close() // on an early return, unblocks the feeder
	defer quitRx.Close()

	running := true
	sel := channel.NewSelect(
		channel.OnRecv(jobRx, func(job string, err error) {
			if err == nil {
				fmt.Fprintf(out, "   job: %s\n", job)
			}
		}),
		channel.OnRecv(quitRx, func(why string, err error) {
			if err == nil {
				fmt.Fprintf(out, "   quit: %s\n", why)
			}
			running = false // a quit, or the feeder is gone
		}),
	)
	for running {
		if _, err := sel.WaitContext(ctx); err != nil {
			return err
		}
	}
	return nil
}

// throughput sends producers × n messages through a channel of the given
// capacity (-1: unbounded) to one receiver, and returns the time per message
// and whether every producer's messages arrived in the order sent.
func throughput(ctx context.Context, capacity, producers, n int) (float64, bool, error) {
	type msg struct{ from, seq int }
	tx, rx := channel.Unbounded[msg]()
	if capacity >= 0 {
		tx, rx = channel.Bounded[msg](capacity)
	}
	start := time.Now()
	ordered := true
	err := task.Scope(ctx, func(g *task.Group) error {
		for p := range producers {
			mine := tx.Clone()
			err := g.Spawn(func(ctx context.Context) error {
				defer mine.Close()
				for i := range n {
					if err := mine.SendContext(ctx, msg{p, i}); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil { // cancelled before it started
				mine.Close()
			}
		}
		tx.Close()
		next := make([]int, producers) // the sequence number due from each
		for m := range rx.All() {
			ordered = ordered && m.seq == next[m.from]
			next[m.from] = m.seq + 1
		}
		return nil
	})
	rx.Close()
	perMsg := float64(time.Since(start).Nanoseconds()) / float64(producers*n)
	return perMsg, ordered, err
}
