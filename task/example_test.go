package task_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/baton-go/baton/task"
)

// The seed's first program: start a goroutine, wait for it, go on. Rust's
// handle.join().expect("Thread panicked") becomes a check of Join's error,
// because a panic comes back as one.
func ExampleSpawn() {
	h := task.Spawn(func() (struct{}, error) {
		fmt.Println("Hello from spawned thread!")
		return struct{}{}, nil
	})

	if _, err := h.Join(); err != nil {
		panic(err) // the thread panicked
	}
	fmt.Println("Back in main thread")
	// Output:
	// Hello from spawned thread!
	// Back in main thread
}

// A panic stays on its goroutine and comes back from Join as an error; the
// stack at the panic is in the error, printed by %+v.
func ExamplePanicError() {
	h := task.Spawn(func() (int, error) {
		var table []int
		return table[3], nil // index out of range
	})
	_, err := h.Join()

	fmt.Println(err)
	fmt.Println(errors.Is(err, task.ErrPanicked))
	var pe *task.PanicError
	if errors.As(err, &pe) {
		fmt.Println(len(pe.Stack) > 0)
	}
	// Output:
	// task: panic: runtime error: index out of range [3] with length 0
	// true
	// true
}

// JoinContext stops waiting, not the work.
func ExampleHandle_JoinContext() {
	release := make(chan struct{})
	h := task.Spawn(func() (string, error) {
		<-release
		return "finished", nil
	})

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	_, err := h.JoinContext(ctx)
	fmt.Println(errors.Is(err, context.DeadlineExceeded))

	close(release)
	v, _ := h.Join() // the function kept running
	fmt.Println(v)
	// Output:
	// true
	// finished
}

// Scope waits for everything it started, and returns every error.
func ExampleScope() {
	squares := make([]int, 5)
	err := task.Scope(context.Background(), func(g *task.Group) error {
		for i := range squares {
			_ = g.Spawn(func(ctx context.Context) error {
				squares[i] = i * i // each function owns its slot
				return nil
			})
		}
		return nil
	})
	fmt.Println(squares, err)

	err = task.Scope(context.Background(), func(g *task.Group) error {
		_ = g.Spawn(func(ctx context.Context) error {
			<-ctx.Done() // cancelled by the sibling's failure
			return nil
		})
		// Spawned last: once it fails, Spawn starts nothing more.
		_ = g.Spawn(func(ctx context.Context) error { return errors.New("disk full") })
		return nil
	})
	fmt.Println(err)
	// Output:
	// [0 1 4 9 16] <nil>
	// disk full
}

// SetLimit bounds how many functions run at once; Spawn waits for a slot,
// or gives up if the scope is cancelled meanwhile.
func ExampleGroup_SetLimit() {
	var running, peak, total atomic.Int64
	err := task.Scope(context.Background(), func(g *task.Group) error {
		g.SetLimit(2)
		for range 10 {
			err := g.Spawn(func(ctx context.Context) error {
				n := running.Add(1)
				for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
				}
				time.Sleep(time.Millisecond)
				running.Add(-1)
				total.Add(1)
				return nil
			})
			if err != nil {
				return err // cancelled while waiting for a slot
			}
		}
		return nil
	})
	fmt.Println("done:", total.Load(), "error:", err)
	fmt.Println("at most 2 at once:", peak.Load() <= 2)
	// Output:
	// done: 10 error: <nil>
	// at most 2 at once: true
}
