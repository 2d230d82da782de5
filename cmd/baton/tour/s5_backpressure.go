package tour

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/baton-go/baton/channel"
	"github.com/baton-go/baton/task"
)

// backPressure fills a bounded channel of capacity 2 faster than anyone
// receives: the third send waits until the consumer, 100ms later, makes room.
// Then a select with a timeout, first with nothing to receive, then with a
// value on one of its channels.
func backPressure(ctx context.Context, out io.Writer) error {
	tx, rx := channel.Bounded[string](2)
	start := time.Now()
	producer := task.Spawn(func() (struct{}, error) {
		defer tx.Close()
		for _, msg := range []string{"msg1", "msg2", "msg3"} {
			if err := tx.SendContext(ctx, msg); err != nil { // waits while full
				return struct{}{}, err
			}
			fmt.Fprintf(out, "sent %s after %v\n", msg, since(start))
		}
		return struct{}{}, nil
	})
	consumer := task.Spawn(func() (struct{}, error) {
		defer rx.Close()
		if _, err := channel.After(100 * time.Millisecond).RecvContext(ctx); err != nil {
			return struct{}{}, err // a timer is a channel too
		}
		for msg := range rx.All() {
			fmt.Fprintf(out, "received %s after %v\n", msg, since(start))
		}
		return struct{}{}, nil
	})
	if _, err := producer.Join(); err != nil {
		rx.Close() // frees the consumer too
		consumer.Join()
		return err
	}
	if _, err := consumer.Join(); err != nil {
		return err
	}

	// select! with default(timeout): WaitTimeout.
	tx1, rx1 := channel.Bounded[string](1)
	tx2, rx2 := channel.Bounded[string](1)
	defer tx1.Close()
	defer tx2.Close()
	sel := channel.NewSelect(
		channel.OnRecv(rx1, func(m string, err error) { fmt.Fprintf(out, "rx1: %s %v\n", m, err) }),
		channel.OnRecv(rx2, func(m string, err error) { fmt.Fprintf(out, "rx2: %s %v\n", m, err) }),
	)
	if _, err := sel.WaitTimeout(50 * time.Millisecond); err != nil {
		fmt.Fprintf(out, "nothing within 50ms: %v\n", err)
	}
	tx2.Send("hello")
	if i, err := sel.WaitTimeout(50 * time.Millisecond); err == nil {
		fmt.Fprintf(out, "case %d fired\n", i)
	}
	return nil
}

// since is the time since start, rounded to tens of milliseconds for
// reading.
func since(start time.Time) time.Duration {
	return time.Since(start).Round(10 * time.Millisecond)
}
