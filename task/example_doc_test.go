package task_test

import (
	"context"
	"fmt"
	"strconv"

	"github.com/baton-go/baton/task"
)

// Example holds the two snippets of the package documentation, so that
// they are known to compile and to do what the documentation says.
func Example() {
	h := task.Spawn(func() (int, error) { return strconv.Atoi("42") })
	v, err := h.Join() // waits; a panic inside the function comes back as an error
	fmt.Println(v, err)

	ctx := context.Background()
	words := []string{"spawn", "join", "scope"}
	lengths := make([]int, len(words))
	err = task.Scope(ctx, func(g *task.Group) error {
		g.SetLimit(4) // at most four at once
		for i, w := range words {
			err := g.Spawn(func(ctx context.Context) error { lengths[i] = len(w); return nil })
			if err != nil {
				return err // the scope was cancelled while we waited for a slot
			}
		}
		return nil
	})
	fmt.Println(lengths, err)
	// Output:
	// 42 <nil>
	// [5 4 5] <nil>
}
