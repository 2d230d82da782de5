package tour

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/baton-go/baton/task"
)

// spawnJoin starts a goroutine and waits for its result, then starts one
// that panics: the panic comes back from Join as an error, with its value and
// stack, instead of killing the program.
func spawnJoin(ctx context.Context, out io.Writer) error {
	h := task.Spawn(func() (string, error) {
		return "hello from a spawned goroutine", nil
	})
	msg, err := h.Join() // waits, like Rust's handle.join()
	fmt.Fprintf(out, "joined: %q, err=%v\n", msg, err)

	ports := map[string]*struct{ Port int }{"web": {Port: 8080}}
	crash := task.Spawn(func() (int, error) {
		return ports["db"].Port, nil // a bug: no "db" entry, so a nil pointer
	})
	_, err = crash.Join()
	var pe *task.PanicError
	if errors.As(err, &pe) {
		fmt.Fprintf(out, "joined a panic as an error: errors.Is(err, task.ErrPanicked)=%v\n", errors.Is(err, task.ErrPanicked))
		fmt.Fprintf(out, "  panic value: %v\n", pe.Value)
		fmt.Fprintf(out, "  its stack is kept too: %d bytes, starting %q\n", len(pe.Stack), firstLine(pe.Stack))
	}

	// JoinContext stops waiting (the goroutine goes on) when ctx ends.
	slow := task.Spawn(func() (int, error) { return 7, nil })
	n, err := slow.JoinContext(ctx)
	fmt.Fprintf(out, "JoinContext: %d, err=%v\n", n, err)
	fmt.Fprintln(out, "back in the main goroutine, which never crashed")
	return nil
}

// firstLine returns the first line of a stack trace.
func firstLine(b []byte) string {
	for i, c := range b {
		if c == '\n' {
			return string(b[:i])
		}
	}
	return string(b)
}
