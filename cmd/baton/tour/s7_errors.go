package tour

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/baton-go/baton/channel"
	"github.com/baton-go/baton/guard"
	"github.com/baton-go/baton/task"
)

// edgeCases walks through what goes wrong with channels and locks, and how
// each failure reads as an ordinary error.
func edgeCases(ctx context.Context, out io.Writer) error {
	// 1. Sending after every receiver is gone fails, and hands the value back.
	tx, rx := channel.Bounded[int](4)
	rx.Close()
	err := tx.Send(42)
	var unsent *channel.SendError[int]
	if errors.As(err, &unsent) {
		fmt.Fprintf(out, "tx.Send(42) with no receiver left: %v; the value %d came back\n", err, unsent.Value)
	}
	fmt.Fprintf(out, "  errors.Is(err, channel.ErrDisconnected) = %v\n", errors.Is(err, channel.ErrDisconnected))
	tx.Close()

	// 2. A receive with a timeout tells "nothing yet" from "nothing ever".
	tx2, rx2 := channel.Unbounded[int]()
	_, err = rx2.RecvTimeout(20 * time.Millisecond)
	fmt.Fprintf(out, "receive, sender still open: %v\n", err)
	tx2.Send(1)
	tx2.Close()
	v, err := rx2.RecvTimeout(20 * time.Millisecond)
	fmt.Fprintf(out, "receive, sender closed, one value buffered: %d, %v\n", v, err)
	_, err = rx2.RecvTimeout(20 * time.Millisecond)
	fmt.Fprintf(out, "receive, sender closed, buffer empty: %v\n", err)

	// 3. A cancelled context ends a wait, with the context's own error.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = channel.Never[int]().RecvContext(cctx)
	fmt.Fprintf(out, "receive with a cancelled context: %v (errors.Is context.Canceled: %v)\n",
		err, errors.Is(err, context.Canceled))

	// 4. A panic while holding a lock poisons it. The next Lock still locks,
	// and says so with ErrPoisoned, so the holder can check and repair.
	balance := guard.NewMutex(100)
	crashed := task.Spawn(func() (struct{}, error) {
		return struct{}{}, balance.With(func(b *int) error {
			*b -= 150 // half way through a transfer...
			panic("transfer failed")
		})
	})
	_, err = crashed.Join()
	fmt.Fprintf(out, "the task's panic, as an error: %v\n", err)
	g, err := balance.Lock()
	fmt.Fprintf(out, "Lock: %v; balance is %d\n", err, *g.Value())
	if errors.Is(err, guard.ErrPoisoned) {
		*g.Value() = 100 // repair, then clear before anyone else can look
		g.ClearPoison()
	}
	g.Unlock()
	err = balance.With(func(b *int) error {
		fmt.Fprintf(out, "after recovery: balance %d\n", *b)
		return nil
	})
	fmt.Fprintf(out, "With after recovery: err=%v\n", err)
	return nil
}
