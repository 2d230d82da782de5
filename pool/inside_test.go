package pool

import (
	"context"
	"testing"
)

// onWorkerIn runs onWorker at the given depth of calls inside a task of p,
// and in a goroutine that task starts, and returns both answers with the
// tag of the worker that ran the task.
func onWorkerIn(t *testing.T, p *Pool, depth int) (inTask, inChild workerTag, okTask, okChild bool) {
	t.Helper()
	done := make(chan struct{})
	if err := p.Submit(context.Background(), func(context.Context) error {
		defer close(done)
		var deep func(n int)
		deep = func(n int) {
			if n > 0 {
				deep(n - 1)
				return
			}
			inTask, okTask = onWorker()
		}
		deep(depth)
		child := make(chan struct{})
		go func() {
			defer close(child)
			inChild, okChild = onWorker()
		}()
		<-child
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	<-done
	return
}

// TestOnWorker: a task, however deep in calls, learns which pool's worker
// it runs on; a goroutine the task starts, or any other, runs on none.
func TestOnWorker(t *testing.T) {
	a, b := New(2), New(1)
	defer a.Close()
	defer b.Close()
	if _, ok := onWorker(); ok {
		t.Fatal("the test's goroutine was taken for a worker")
	}
	for _, depth := range []int{0, 10, 300} { // 300: deeper than a trace prints in full
		tag, child, ok, okChild := onWorkerIn(t, a, depth)
		if !ok {
			t.Fatalf("depth %d: a task did not find its worker", depth)
		}
		w := a.c.workerOf(tag)
		if w == nil || b.c.workerOf(tag) != nil {
			t.Fatalf("depth %d: tag %v: pool a's worker %v, pool b's %v", depth, tag, w, b.c.workerOf(tag))
		}
		if okChild {
			t.Fatalf("depth %d: a goroutine started by a task was taken for worker %v", depth, child)
		}
	}
	tag, _, ok, _ := onWorkerIn(t, b, 0)
	if !ok || b.c.workerOf(tag) == nil || a.c.workerOf(tag) != nil {
		t.Fatalf("pool b's task: tag %v, ok %v", tag, ok)
	}
}
