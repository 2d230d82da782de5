package tour

import (
	"context"
	"fmt"
	"io"

	"github.com/baton-go/baton/channel"
	"github.com/baton-go/baton/guard"
	"github.com/baton-go/baton/task"
)

// sharedCounter counts to 5 twice: five goroutines share a guard.Mutex that
// owns the counter, then five goroutines send increments to one goroutine
// that owns it alone.
func sharedCounter(ctx context.Context, out io.Writer) error {
	counter := guard.NewMutex(0) // the int lives inside the Mutex
	err := task.Scope(ctx, func(g *task.Group) error {
		for range 5 {
			g.Spawn(func(ctx context.Context) error {
				return counter.With(func(n *int) error { // lock, run, unlock
					*n++
					fmt.Fprintf(out, "incremented to %d\n", *n)
					return nil
				})
			})
		}
		return nil
	})
	if err != nil {
		return err
	}
	final, _ := counter.Lock()
	fmt.Fprintf(out, "Final count: %d (guard.Mutex)\n", *final.Value())
	final.Unlock()

	// The same count with no lock at all: one goroutine owns the number, and
	// the others can only ask it to change by sending a message.
	incr, inbox := channel.Unbounded[int]()
	owner := task.Spawn(func() (int, error) {
		count := 0
		for by := range inbox.All() { // until every sender is closed
			count += by
		}
		return count, nil
	})
	err = task.Scope(ctx, func(g *task.Group) error {
		for range 5 {
			mine := incr.Clone()
			err := g.Spawn(func(ctx context.Context) error {
				defer mine.Close()
				return mine.SendContext(ctx, 1)
			})
			if err != nil { // cancelled: the function never runs,
				mine.Close() // so its handle is closed here
				return err
			}
		}
		return nil
	})
	incr.Close() // the last Close ends the owner's loop
	count, _ := owner.Join()
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Final count: %d (a goroutine that owns it, fed by a channel)\n", count)
	return nil
}
