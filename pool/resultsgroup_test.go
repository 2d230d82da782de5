package pool_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"

	"github.com/baton-go/baton/pool"
	"github.com/baton-go/baton/task"
)

// TestResultsGroupStress shares one ordered Results, with a small window,
// between its own stream and many groups: one goroutine submits the
// Results' own tasks and another reads them back with All, while others
// run group after group on the same workers. The ledger: All yields
// exactly the Results' own values, each once and in submission order, and
// nothing of any group; every group's Wait yields exactly its own values,
// in its own submission order; and the pool counts every task once.
func TestResultsGroupStress(t *testing.T) {
	own := stressScale(5000)
	r := pool.NewResults[int](3, pool.WithQueue(4), pool.WithWindow(8))

	var wg sync.WaitGroup
	wg.Go(func() {
		defer r.Close() // only once the groups are done: see below
		rng := rand.New(rand.NewPCG(1, 1))
		for i := range own {
			spin := rng.IntN(50)
			if err := r.Submit(context.Background(), func(context.Context) (int, error) {
				for range spin {
					runtime.Gosched()
				}
				return i, nil
			}); err != nil {
				t.Errorf("own submit %d: %v", i, err)
				return
			}
		}
	})

	var groupTasks sync.WaitGroup
	var groupsRan [6]int
	for s := range len(groupsRan) {
		groupTasks.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(s), 2))
			for round := range stressScale(100) {
				g := r.Group(context.Background())
				n := 1 + rng.IntN(20)
				for i := range n {
					spin := rng.IntN(50)
					base := -(s*1_000_000 + round*100 + 1) // never a Results' own value
					if err := g.Submit(func(context.Context) (int, error) {
						for range spin {
							runtime.Gosched()
						}
						return base - i, nil
					}); err != nil {
						t.Errorf("group submit: %v", err)
						return
					}
				}
				vs, err := g.Wait()
				if err != nil {
					t.Errorf("group %d/%d: %v", s, round, err)
					return
				}
				if len(vs) != n {
					t.Errorf("group %d/%d: %d values for %d tasks", s, round, len(vs), n)
					return
				}
				for i, v := range vs {
					if want := -(s*1_000_000 + round*100 + 1) - i; v != want {
						t.Errorf("group %d/%d: value %d is %d, want %d", s, round, i, v, want)
						return
					}
				}
				groupsRan[s] += n
			}
		})
	}

	next := 0
	for v, err := range r.All() {
		if err != nil {
			t.Fatalf("All yielded error %v at %d", err, next)
		}
		if v != next {
			t.Fatalf("All yielded %d, want %d (a group's value, or out of order)", v, next)
		}
		next++
	}
	// All ended: the Results was closed, after its own tasks, but the
	// groups may still have been submitting, and were refused then.
	groupTasks.Wait()
	wg.Wait()
	if next != own {
		t.Fatalf("All yielded %d values, want %d", next, own)
	}
}

// TestResultsGroupNeedsNoReader: a group's tasks take no place in the
// window, so a group on a Results that nobody reads yet runs to the end,
// however many tasks it has beyond the window's size, and All later
// yields only the Results' own task.
func TestResultsGroupNeedsNoReader(t *testing.T) {
	for _, opt := range []pool.Option{pool.WithWindow(1), pool.Unordered()} {
		r := pool.NewResults[string](2, opt, pool.WithWindow(1))
		if err := r.Submit(context.Background(), func(context.Context) (string, error) { return "own", nil }); err != nil {
			t.Fatal(err)
		}
		g := r.Group(context.Background())
		for i := range 50 {
			g.Submit(func(context.Context) (string, error) { return fmt.Sprint(i), nil })
		}
		vs, err := g.Wait()
		if err != nil || len(vs) != 50 || vs[0] != "0" || vs[49] != "49" {
			t.Fatalf("Wait = %v, %v", vs, err)
		}
		r.Close()
		var got []string
		for v, err := range r.All() {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, v)
		}
		if len(got) != 1 || got[0] != "own" {
			t.Fatalf("All yielded %q, want only the Results' own value", got)
		}
		if st := r.Stats(); st.Submitted != 51 || st.Succeeded != 51 {
			t.Fatalf("stats %+v, want 51 submitted and succeeded", st)
		}
	}
}

// TestResultsGroupGoexitAndPanic: a group's task that calls Goexit or
// panics is the group's failure: All yields no result for it (and the
// Results' own results keep their places), while Wait reports it.
func TestResultsGroupGoexitAndPanic(t *testing.T) {
	r := pool.NewResults[int](1, pool.WithWindow(2))
	r.Submit(context.Background(), func(context.Context) (int, error) { return 10, nil })
	g := r.Group(context.Background())
	g.Submit(func(context.Context) (int, error) { runtime.Goexit(); return 0, nil })
	g.Submit(func(context.Context) (int, error) { panic("boom") })
	g.Submit(func(context.Context) (int, error) { return 3, nil })
	r.Submit(context.Background(), func(context.Context) (int, error) { return 11, nil })
	vs, err := g.Wait()
	var pe *task.PanicError
	if !errors.Is(err, task.ErrGoexit) || !errors.As(err, &pe) || len(vs) != 3 || vs[2] != 3 {
		t.Fatalf("Wait = %v, %v; want ErrGoexit and a panic joined, and the third value", vs, err)
	}
	r.Close()
	var got []int
	for v, err := range r.All() {
		if err != nil {
			t.Fatalf("All yielded the group's error %v", err)
		}
		got = append(got, v)
	}
	if len(got) != 2 || got[0] != 10 || got[1] != 11 {
		t.Fatalf("All yielded %v, want [10 11]", got)
	}
}

// TestResultsGroupAbortedByBreak: leaving All early stops the Results, so
// the group's running task sees its context cancelled, its queued tasks
// are dropped unrun and its Wait says so, and a later submit to the group
// is refused.
func TestResultsGroupAbortedByBreak(t *testing.T) {
	r := pool.NewResults[int](1, pool.WithQueue(8))
	r.Submit(context.Background(), func(context.Context) (int, error) { return 1, nil })
	g := r.Group(context.Background())
	g.Submit(func(ctx context.Context) (int, error) {
		<-ctx.Done() // the break's abort
		return 2, nil
	})
	for range 3 {
		g.Submit(func(context.Context) (int, error) { return 3, nil })
	}
	for v := range r.All() {
		if v != 1 {
			t.Fatalf("All yielded %d, want the Results' own 1", v)
		}
		break
	}
	vs, err := g.Wait()
	if err == nil || len(vs) != 4 || vs[0] != 2 || vs[1] != 0 {
		t.Fatalf("Wait = %v, %v; want the running task's value and an error for the 3 dropped", vs, err)
	}
	if err := g.Submit(func(context.Context) (int, error) { return 0, nil }); !errors.Is(err, pool.ErrClosed) {
		t.Fatalf("Submit after the Results stopped = %v, want ErrClosed", err)
	}
	if st := r.Stats(); st.Cancelled != 3 || st.Succeeded != 2 {
		t.Fatalf("stats %+v, want 3 cancelled, 2 succeeded", st)
	}
}
