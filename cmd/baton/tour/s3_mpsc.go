package tour

import (
	"context"
	"fmt"
	"io"

	"github.com/baton-go/baton/channel"
	"github.com/baton-go/baton/task"
)

// mpsc has two producers, each on its own clone of the Sender, and one
// consumer ranging over the Receiver. The range ends by itself once every
// Sender is closed and the buffer is empty: nobody has to tell the consumer
// how many values to expect.
func mpsc(ctx context.Context, out io.Writer) error {
	tx, rx := channel.Unbounded[string]()
	var producers []*task.Handle[int]
	for _, name := range []string{"A", "B"} {
		mine := tx.Clone() // one handle per producer, closed by its owner
		producers = append(producers, task.Spawn(func() (int, error) {
			defer mine.Close() // like dropping tx in Rust
			for i := 1; i <= 3; i++ {
				if err := mine.SendContext(ctx, fmt.Sprintf("%s%d", name, i)); err != nil {
					return i - 1, err
				}
			}
			return 3, nil
		}))
	}
	tx.Close() // the original handle is not needed: close it, or the range never ends

	received := 0
	for v := range rx.All() { // in each producer's order; the producers interleave
		fmt.Fprintf(out, "received %s\n", v)
		received++
	}
	fmt.Fprintf(out, "every sender closed: the loop ended after %d values\n", received)

	for _, h := range producers {
		if _, err := h.Join(); err != nil {
			return err
		}
	}
	return nil
}
