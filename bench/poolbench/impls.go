package poolbench

import (
	"context"
	"fmt"
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
	Name   string       // as the report prints it
	Config string       // how it is configured, for the report's legend
	Floor  bool         // not a pool: a bound on what any pool can do, not counted as a peer
	Run    func(l Load) // runs every task of l, and returns when all have finished
}

// Impls lists baton first, as a user writes it (pool.New(n)), then baton
// and the peers in other configurations, then the floors. The queue
// bounds compared: pond's default, which is unbounded; pond bounded as
// baton's default is; both with a 1024-task queue; both with a queue as
// deep as the pool.
var Impls = buildImpls()

func buildImpls() []Impl {
	return []Impl{
		{Name: "baton", Config: fmt.Sprintf("pool.New(n): baton's default queue, max(%d, 2n) tasks", pool.DefaultQueue), Run: runBaton},
		{Name: "baton/q1024", Config: "pool.New(n, pool.WithQueue(1024))", Run: runBatonQueue(func(int) int { return 1024 })},
		{Name: "baton/q=n", Config: "pool.New(n, pool.WithQueue(n)): a queue as deep as the pool", Run: runBatonQueue(func(n int) int { return n })},
		{Name: "baton/q1M", Config: "pool.New(n, pool.WithQueue(1<<20)): room for a burst of a million tasks, the ring grown only as far as needed (pond's unbounded default's behaviour, with a bound)", Run: runBatonQueue(func(int) int { return 1 << 20 })},
		{Name: "pond", Config: "pond.NewPool(n): pond's default, an UNBOUNDED queue", Run: runPond},
		{Name: "pond/q=baton", Config: fmt.Sprintf("pond.NewPool(n, pond.WithQueueSize(max(%d, 2n))): bounded as baton's default is", pool.DefaultQueue), Run: runPondBounded(batonDefaultQueue)},
		{Name: "pond/q1024", Config: "pond.NewPool(n, pond.WithQueueSize(1024))", Run: runPondBounded(func(int) int { return 1024 })},
		{Name: "pond/q=n", Config: "pond.NewPool(n, pond.WithQueueSize(n))", Run: runPondBounded(func(n int) int { return n })},
		{Name: "ants", Config: "ants.NewPool(n): blocking submit, no queue", Run: runAnts},
		{Name: "conc", Config: "conc's pool.New().WithMaxGoroutines(n): no queue", Run: runConc},
		{Name: "errgroup", Config: "errgroup.Group with SetLimit(n): a goroutine per task", Run: runErrgroup},
		{Name: "semaphore", Config: "semaphore.NewWeighted(n): a goroutine per task", Run: runSemaphore},
		{Name: "workerpool", Config: "workerpool.New(n): an UNBOUNDED queue", Run: runWorkerpool},
		{Name: Floor, Config: "floor: a goroutine per task and a WaitGroup, no bound at all", Floor: true, Run: runGoroutines},
		{Name: FloorLoop, Config: "floor: every task called in a loop on one goroutine, no pool at all", Floor: true, Run: runLoop},
		{Name: FloorRing, Config: "floor: a 1024-slot ring under one mutex, the submitters on one side, one consumer goroutine on the other", Floor: true, Run: runRing},
	}
}

// batonDefaultQueue is the queue pool.New(n) makes: the bound pond is
// given in the pond/q=baton row.
func batonDefaultQueue(n int) int { return max(pool.DefaultQueue, 2*n) }

// The floors' names besides Floor.
const (
	FloorLoop = "loop"
	FloorRing = "ring"
)

// IsFloor reports whether the implementation named name is a floor: not a
// pool, so never the fastest peer.
func IsFloor(name string) bool { return name == Floor || name == FloorLoop || name == FloorRing }

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

func runBaton(l Load) { batonWith(l, pool.New(l.Workers)) }

// runBatonQueue is baton with a queue of q(n) tasks for n workers.
func runBatonQueue(q func(n int) int) func(Load) {
	return func(l Load) { batonWith(l, pool.New(l.Workers, pool.WithQueue(q(l.Workers)))) }
}

func batonWith(l Load, p *pool.Pool) {
	ctx := context.Background()
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

func runPond(l Load) { pondWith(l, pond.NewPool(l.Workers)) }

// runPondBounded is pond with a queue of q(n) tasks for n workers: what
// pond costs when it too applies back-pressure.
func runPondBounded(q func(n int) int) func(Load) {
	return func(l Load) { pondWith(l, pond.NewPool(l.Workers, pond.WithQueueSize(q(l.Workers)))) }
}

func pondWith(l Load, p pond.Pool) {
	submitters(l, func(n int) {
		for range n {
			if err := p.Go(l.Task); err != nil {
				panic(err)
			}
		}
	})
	p.StopAndWait()
}

// runLoop is the floor of any pool: the tasks called one after another,
// with nothing handed between goroutines.
func runLoop(l Load) {
	for range l.Tasks {
		l.Task()
	}
}

// runRing is the floor of a pool that hands tasks between goroutines: a
// bounded ring under one mutex, the submitters on one side and a single
// consumer on the other, each waiting on a sync.Cond only when the ring is
// full or empty.
func runRing(l Load) {
	const size = 1024
	var (
		mu          sync.Mutex
		ring        [size]func()
		head, count int
		closed      bool
		notEmpty    = sync.NewCond(&mu)
		notFull     = sync.NewCond(&mu)
		done        = make(chan struct{})
	)
	go func() {
		defer close(done)
		mu.Lock()
		for {
			for count == 0 && !closed {
				notEmpty.Wait()
			}
			if count == 0 {
				mu.Unlock()
				return
			}
			fn := ring[head]
			ring[head] = nil
			head = (head + 1) % size
			count--
			if count == size-1 {
				notFull.Broadcast()
			}
			mu.Unlock()
			fn()
			mu.Lock()
		}
	}()
	submitters(l, func(n int) {
		for range n {
			mu.Lock()
			for count == size {
				notFull.Wait()
			}
			ring[(head+count)%size] = l.Task
			count++
			if count == 1 {
				notEmpty.Signal()
			}
			mu.Unlock()
		}
	})
	mu.Lock()
	closed = true
	notEmpty.Signal()
	mu.Unlock()
	<-done
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
	Name   string                                                // as the report prints it
	Config string                                                // how it is configured, for the report's legend
	Run    func(n, workers int, f func(int) int, take func(int)) // computes f(i) for i in [0, n), passing each to take in order of i
}

// OrderedImpls lists baton's Results, then pond's result group and conc's
// stream, the peers that keep submission order.
var OrderedImpls = []Ordered{
	{Name: "baton", Config: "pool.NewResults[int](n): the default queue and window, results streamed to the reader", Run: orderedBaton()},
	{Name: "baton/w=2n", Config: "pool.NewResults[int](n, pool.WithWindow(2*n)): a window of twice the workers", Run: orderedBatonSmall},
	{Name: "pond", Config: "pond.NewResultPool[int](n).NewGroup(): holds every result until the group is done", Run: orderedPond},
	{Name: "conc", Config: "conc's stream.New().WithMaxGoroutines(n)", Run: orderedConc},
}

func orderedBaton(opts ...pool.Option) func(n, workers int, f func(int) int, take func(int)) {
	return func(n, workers int, f func(int) int, take func(int)) { orderedBatonWith(n, workers, f, take, opts) }
}

func orderedBatonSmall(n, workers int, f func(int) int, take func(int)) {
	orderedBatonWith(n, workers, f, take, []pool.Option{pool.WithWindow(2 * workers)})
}

func orderedBatonWith(n, workers int, f func(int) int, take func(int), opts []pool.Option) {
	ctx := context.Background()
	r := pool.NewResults[int](workers, opts...)
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
