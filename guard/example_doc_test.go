package guard_test

import (
	"fmt"

	"github.com/baton-go/baton/guard"
)

// Example is the first snippet of the package documentation, so that it is
// known to compile and to do what the documentation says.
func Example() {
	counter := guard.NewMutex(0)

	g, _ := counter.Lock()
	*g.Value()++ // Value is the only way to the int
	g.Unlock()   // after this, g.Value() panics

	_ = counter.With(func(n *int) error { *n++; return nil }) // lock, run, unlock

	_ = counter.With(func(n *int) error { fmt.Println("count:", *n); return nil })
	// Output: count: 2
}
