package tour

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/baton-go/baton/channel"
	"github.com/baton-go/baton/task"
)

// boundedUnbounded shows what each capacity does to a sender, then a select
// over two channels of different types whose cases go away as each
// channel disconnects.
func boundedUnbounded(ctx context.Context, out io.Writer) error {
	// Unbounded: a send never waits; the buffer grows instead.
	utx, urx := channel.Unbounded[int]()
	for i := range 1000 {
		utx.Send(i)
	}
	fmt.Fprintf(out, "unbounded: 1000 sends, nobody receiving: %d buffered, Cap()=%d\n", urx.Len(), urx.Cap())

	// Bounded: the third send cannot fit.
	btx, brx := channel.Bounded[int](2)
	fmt.Fprintf(out, "bounded(2): TrySend 1 -> %v, 2 -> %v, 3 -> %v\n", btx.TrySend(1), btx.TrySend(2), btx.TrySend(3))

	// Rendezvous: nothing is buffered; a send needs a receiver waiting.
	ztx, zrx := channel.Bounded[int](0)
	fmt.Fprintf(out, "bounded(0): TrySend with no receiver waiting -> %v\n", ztx.TrySend(1))
	for _, c := range []interface{ Close() }{utx, urx, btx, brx, ztx, zrx} {
		c.Close()
	}

	// Select over an int channel and a string channel.
	nums, numRx := channel.Bounded[int](0)
	words, wordRx := channel.Bounded[string](0)
	feed := task.Spawn(func() (struct{}, error) {
		defer nums.Close()
		defer words.Close()
		for i := range 3 {
			nums.SendContext(ctx, i)
			words.SendContext(ctx, fmt.Sprint("w", i))
		}
		return struct{}{}, nil
	})
	disconnected := false // set by a callback when its channel is done
	sel := channel.NewSelect(
		channel.OnRecv(numRx, func(n int, err error) {
			if disconnected = errors.Is(err, channel.ErrDisconnected); !disconnected {
				fmt.Fprintf(out, "select: int %d\n", n)
			}
		}),
		channel.OnRecv(wordRx, func(w string, err error) {
			if disconnected = errors.Is(err, channel.ErrDisconnected); !disconnected {
				fmt.Fprintf(out, "select: string %q\n", w)
			}
		}),
	)
	for sel.Len() > 0 {
		i, err := sel.WaitContext(ctx)
		if err != nil {
			break // ctx ended
		}
		if disconnected {
			sel.Remove(i) // between waits, the set of cases can change
		}
	}
	numRx.Close()
	wordRx.Close()
	feed.Join()
	fmt.Fprintln(out, "both channels disconnected: no cases left")
	return ctx.Err()
}
