package task

// outcome is how a function ended: its results, a *PanicError, or ErrGoexit.
type outcome[T any] struct {
	val T
	err error
}

// capture calls fn and records in o how it ended.
//
// A function can leave in three ways: by returning, by panicking, or by
// runtime.Goexit. recover tells only the second apart, so capture uses the
// trick of golang.org/x/sync/singleflight: a flag set after a normal return,
// and a second flag set after the inner function, which is reached only if a
// panic was recovered there. A deferred function that sees neither flag is
// running because of Goexit.
//
// After a Goexit capture never returns (the goroutine is being torn down), but
// o is filled before the caller's deferred functions run, so callers must
// report o from a defer of their own. Counting on the recovered value being
// non-nil would not do: with GODEBUG=panicnil=1, panic(nil) recovers nil.
func capture[T any](o *outcome[T], fn func() (T, error)) {
	normal, recovered := false, false
	defer func() {
		if !normal && !recovered {
			var zero T
			o.val, o.err = zero, ErrGoexit
		}
	}()
	func() {
		defer func() {
			if !normal {
				// During a Goexit this builds an error that the outer
				// defer then replaces; Goexit is rare enough not to care.
				o.err = newPanicError(recover())
			}
		}()
		o.val, o.err = fn()
		normal = true
	}()
	recovered = !normal
}
