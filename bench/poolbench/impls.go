package poolbench

import (
	"context"
	"sync"
	"time"

	"github.com/alitto/pond/v2"
	"github.com/baton-go/baton/pool"
	"github.com/gammazero/workerpool"
	"github.com/panjf2000/ants/v2"
	concpool "github.com/sourcegraph/conc/pool"
	"github.com/sourcegraph/conc/stream"
	"golang.org/x/sync/errgroup"
	"golang.org/x/sync/semaphore"
)

// Load is one run of a fire-and-forget workload: Tasks calls of Task,
// submitted by Submitters goroutines (Tasks/Submitters each), on a pool of
// Workers.
type Load struct {
	Tasks      int    // tasks in all, a multiple of Submitters
	Workers    int    // the pool's size
	Submitters int    // goroutines submitting, Tasks/Submitters tasks each
	Task       func() // what every task does
}

// Impl is a pool under test. Run executes every task of l exactly once and
// returns when all have finished and the pool's goroutines are gone.
type Impl struct {
	Name string       // as the report prints it
	Run  func(l Load) // runs every task of l, and returns when all have finished
}

// Impls lists baton first, then the peers.
var Impls = []Impl{
	{"baton", runBaton},
	{"ants", runAnts},
	{"pond", runPond},
	{"pond/q1024", runPondBounded},
	{"conc", runConc},
	{"errgroup", runErrgroup},
	{"semaphore", runSemaphore},
	{"workerpool", runWorkerpool},
	{"goroutines", runGoroutines},
}

// submitters runs each(k) for k in [0, l.Submitters), on goroutines of its
// own, and waits for them; the first runs on the calling goroutine.
func submitters(l Load, each func(count int)) {
	per := l.Tasks / l.Submitters
	if l.Submitters == 1 {
		each(per)
		return
	}
	var wg sync.WaitGroup
	for range l.Submitters {
		wg.Go(func() { each(per) })
	}
	wg.Wait()
}

// batonQueue is the queue (and reorder window) baton runs with: bounded,
// as baton's always is, but deep enough that a fast producer is not woken
// for every task. The peers that win on tiny tasks, pond and workerpool,
// queue without any bound.
const batonQueue = 1024

func runBaton(l Load) {
	ctx := context.Background()
	p := pool.New(l.Workers, pool.WithQueue(max(l.Workers, batonQueue)))
	task := func(context.Context) error { l.Task(); return nil }
	submitters(l, func(n int) {
		for range n {
			if err := p.Submit(ctx, task); err != nil {
				panic(err)
			}
		}
	})
	if err := p.Close(); err != nil {
		panic(err)
	}
}

func runAnts(l Load) {
	p, err := ants.NewPool(l.Workers)
	if err != nil {
		panic(err)
	}
	var wg sync.WaitGroup
	task := func() { l.Task(); wg.Done() }
	submitters(l, func(n int) {
		for range n {
			wg.Add(1)
			if err := p.Submit(task); err != nil {
				panic(err)
			}
		}
	})
	wg.Wait()
	if err := p.ReleaseTimeout(time.Minute); err != nil {
		panic(err)
	}
}

func runPond(l Load) {
	p := pond.NewPool(l.Workers)
	submitters(l, func(n int) {
		for range n {
			if err := p.Go(l.Task); err != nil {
				panic(err)
			}
		}
	})
	p.StopAndWait()
}

// runPondBounded is pond with a bounded queue, as deep as baton's: what
// pond costs when it too applies back-pressure.
func runPondBounded(l Load) {
	p := pond.NewPool(l.Workers, pond.WithQueueSize(max(l.Workers, batonQueue)))
	submitters(l, func(n int) {
		for range n {
			if err := p.Go(l.Task); err != nil {
				panic(err)
			}
		}
	})
	p.StopAndWait()
}

func runConc(l Load) {
	p := concpool.New().WithMaxGoroutines(l.Workers)
	submitters(l, func(n int) {
		for range n {
			p.Go(l.Task)
		}
	})
	p.Wait()
}

func runErrgroup(l Load) {
	var g errgroup.Group
	g.SetLimit(l.Workers)
	task := func() error { l.Task(); return nil }
	submitters(l, func(n int) {
		for range n {
			g.Go(task)
		}
	})
	if err := g.Wait(); err != nil {
		panic(err)
	}
}

func runSemaphore(l Load) {
	ctx := context.Background()
	sem := semaphore.NewWeighted(int64(l.Workers))
	var wg sync.WaitGroup
	task := func() { l.Task(); sem.Release(1); wg.Done() }
	submitters(l, func(n int) {
		for range n {
			if err := sem.Acquire(ctx, 1); err != nil {
				panic(err)
			}
			wg.Add(1)
			go task()
		}
	})
	wg.Wait()
}

func runWorkerpool(l Load) {
	p := workerpool.New(l.Workers)
	submitters(l, func(n int) {
		for range n {
			p.Submit(l.Task)
		}
	})
	p.StopWait()
}

// runGoroutines is the floor that needs no pool: a goroutine per task,
// with no bound on how many run at once.
func runGoroutines(l Load) {
	var wg sync.WaitGroup
	submitters(l, func(n int) {
		for range n {
			wg.Go(l.Task)
		}
	})
	wg.Wait()
}

// Ordered is a result pool under test: Run computes f(i) for i in [0, n)
// on workers goroutines and passes every result to take in order of i.
type Ordered struct {
	Name string                                                // as the report prints it
	Run  func(n, workers int, f func(int) int, take func(int)) // computes f(i) for i in [0, n), passing each to take in order of i
}

// OrderedImpls lists baton's Results, then pond's result group and conc's
// stream, the peers that keep submission order.
var OrderedImpls = []Ordered{
	{"baton", orderedBaton},
	{"pond", orderedPond},
	{"conc", orderedConc},
}

func orderedBaton(n, workers int, f func(int) int, take func(int)) {
	ctx := context.Background()
	r := pool.NewResults[int](workers, pool.WithQueue(batonQueue), pool.WithWindow(batonQueue))
	go func() {
		defer r.Close()
		for i := range n {
			if err := r.Submit(ctx, func(context.Context) (int, error) { return f(i), nil }); err != nil {
				panic(err)
			}
		}
	}()
	for v, err := range r.All() {
		if err != nil {
			panic(err)
		}
		take(v)
	}
}

// orderedPond submits every task to one group and reads the results when
// all are done: pond keeps them in a slice as long as the group.
func orderedPond(n, workers int, f func(int) int, take func(int)) {
	p := pond.NewResultPool[int](workers)
	g := p.NewGroup()
	for i := range n {
		g.Submit(func() int { return f(i) })
	}
	out, err := g.Wait()
	if err != nil {
		panic(err)
	}
	for _, v := range out {
		take(v)
	}
	p.StopAndWait()
}

func orderedConc(n, workers int, f func(int) int, take func(int)) {
	s := stream.New().WithMaxGoroutines(workers)
	for i := range n {
		s.Go(func() stream.Callback {
			v := f(i)
			return func() { take(v) }
		})
	}
	s.Wait()
}
