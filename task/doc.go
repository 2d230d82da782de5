// Package task runs functions on goroutines and hands back how they ended.
//
// A bare go statement forgets its goroutine: nothing reports the result, a
// panic kills the whole process, and nothing makes the caller wait. Rust's
// thread::spawn returns a JoinHandle instead, and this package does the same:
//
//	h := task.Spawn(func() (int, error) { return strconv.Atoi("42") })
//	v, err := h.Join() // waits; a panic inside the function comes back as an error
//
// # How a function can end
//
// A function started here ends in one of three ways, and each is reported
// through the error of Join (or of Scope):
//
//   - it returns: Join gives its value and error;
//   - it panics: the panic is recovered on its own goroutine, so the process
//     survives, and Join returns a *PanicError holding the panic value and
//     the goroutine's stack at the panic. errors.Is(err, ErrPanicked) holds,
//     and when the panic value is an error, errors.Is and errors.As see it
//     too. panic(nil) arrives as a *runtime.PanicNilError, as in any Go 1.21+
//     program;
//   - it calls runtime.Goexit (as testing.T.FailNow does): Join returns
//     ErrGoexit rather than waiting forever.
//
// # Structured concurrency
//
// Scope is the structured form: every function started through its Group is
// finished before Scope returns, so no goroutine outlives the call that
// started it. The first failure cancels the Group's context so siblings can
// stop early, and Scope returns every error, joined:
//
//	lengths := make([]int, len(words))
//	err := task.Scope(ctx, func(g *task.Group) error {
//		g.SetLimit(4) // at most four at once
//		for i, w := range words {
//			err := g.Spawn(func(ctx context.Context) error { lengths[i] = len(w); return nil })
//			if err != nil {
//				return err // the scope was cancelled while we waited for a slot
//			}
//		}
//		return nil
//	})
//
// Both snippets are the package's Example, which go test runs.
//
// Unlike errgroup's Go, Group.Spawn waiting for a free slot gives up when the
// scope's context is done, so a producer loop cannot hang behind a limit
// after a sibling failed.
//
// # Misuse
//
// A nil function or a nil context is a programming error, and panics at the
// call with a message naming it, as the standard library's context package
// does.
package task
