package pipebench

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/alitto/pond/v2"
	"github.com/baton-go/baton/pipeline"
	"github.com/destel/rill"
	conciter "github.com/sourcegraph/conc/iter"
	concpool "github.com/sourcegraph/conc/pool"
	"github.com/sourcegraph/conc/stream"
)

// Impl is a pipeline under test. Run maps items 0..r.Items-1 through
// r.Work.Do on r.Workers workers, in input order if r.Ordered, and returns
// the sum its sink saw. Ordered and Unorder say which rows it has a form
// for: conc's stream only keeps order, conc's pool and iter only don't.
//
// Batch is set for the peers that are not pipelines: conc's iter.Map needs
// the whole input as a slice up front, and pond's group hands back every
// result only at the end. They skip the hand-offs a stream pays for, and
// cannot run on an endless input or bound its memory, so the report also
// compares baton with the fastest streaming peer. Only, when set, limits an
// implementation to the rows whose name starts with it.
type Impl struct {
	Name    string          // as the report prints it
	Ordered bool            // has an ordered form
	Unorder bool            // has an unordered form
	Batch   bool            // not a pipeline: the whole input up front, or every result at the end
	Only    string          // if set, the prefix of the names of the only rows it runs
	Run     func(r Row) int // runs r once and returns the sum its sink saw
}

// Impls lists baton first, then the peers.
var Impls = []Impl{
	{Name: "baton", Ordered: true, Unorder: true, Run: runBaton},
	// W5 with a wider window than the default 2 × workers, to show what
	// the window buys against head-of-line blocking.
	{Name: "baton-w64", Ordered: true, Only: "W5", Run: runBatonWindow(64)},
	{Name: "native", Ordered: true, Unorder: true, Run: runNative},
	{Name: "rill", Ordered: true, Unorder: true, Run: runRill},
	{Name: "conc-stream", Ordered: true, Run: runConcStream},
	{Name: "conc-pool", Unorder: true, Run: runConcPool},
	{Name: "conc-iter", Unorder: true, Batch: true, Run: runConcIter},
	{Name: "pond-group", Ordered: true, Unorder: true, Batch: true, Run: runPond},
}

// IsBatch reports whether the implementation named name is a batch peer.
func IsBatch(name string) bool {
	for _, im := range Impls {
		if im.Name == name {
			return im.Batch
		}
	}
	return false
}

// For returns the implementations that have a form for r.
func For(r Row) []Impl {
	var out []Impl
	for _, im := range Impls {
		if im.Only != "" && !strings.HasPrefix(r.Name, im.Only) {
			continue
		}
		if (r.Ordered && im.Ordered) || (!r.Ordered && im.Unorder) {
			out = append(out, im)
		}
	}
	return out
}

// counter yields 0..n-1 without allocating.
func counter(n int) func(yield func(int) bool) {
	return func(yield func(int) bool) {
		for i := range n {
			if !yield(i) {
				return
			}
		}
	}
}

func runBaton(r Row) int {
	opts := []pipeline.Option{pipeline.Workers(r.Workers)}
	if r.Ordered {
		opts = append(opts, pipeline.Ordered())
	}
	return runBatonWith(r, opts)
}

func runBatonWindow(w int) func(r Row) int {
	return func(r Row) int {
		return runBatonWith(r, []pipeline.Option{pipeline.Workers(r.Workers), pipeline.Window(w)})
	}
}

func runBatonWith(r Row, opts []pipeline.Option) int {
	w := r.Work
	s := pipeline.Map(pipeline.From(counter(r.Items)), func(_ context.Context, v int) (int, error) {
		return w.Do(v), nil
	}, opts...)
	sum, err := pipeline.Reduce(context.Background(), s, 0, func(_ context.Context, acc, v int) (int, error) {
		return acc + v, nil
	})
	if err != nil {
		panic(err)
	}
	return sum
}

// runNative is the Go blog's pipeline: gen -> n workers -> merge -> sink,
// with a done channel that every send also selects on, so that a consumer
// that leaves early releases every goroutine.
func runNative(r Row) int {
	if r.Ordered {
		return runNativeOrdered(r)
	}
	done := make(chan struct{})
	defer close(done)
	gen := func(n int) <-chan int {
		out := make(chan int, r.Workers)
		go func() {
			defer close(out)
			for i := range n {
				select {
				case out <- i:
				case <-done:
					return
				}
			}
		}()
		return out
	}
	work := func(in <-chan int) <-chan int {
		out := make(chan int, 1)
		go func() {
			defer close(out)
			for v := range in {
				select {
				case out <- r.Work.Do(v):
				case <-done:
					return
				}
			}
		}()
		return out
	}
	merge := func(cs ...<-chan int) <-chan int {
		var wg sync.WaitGroup
		out := make(chan int, len(cs))
		for _, c := range cs {
			wg.Go(func() {
				for v := range c {
					select {
					case out <- v:
					case <-done:
						return
					}
				}
			})
		}
		go func() { wg.Wait(); close(out) }()
		return out
	}
	in := gen(r.Items)
	workers := make([]<-chan int, r.Workers)
	for i := range workers {
		workers[i] = work(in)
	}
	sum := 0
	for v := range merge(workers...) {
		sum += v
	}
	return sum
}

// runNativeOrdered keeps order the way people write it by hand: the
// generator sends each item's one-slot result channel down a queue of n+1
// in input order, workers fill the slots, and the sink reads the queue.
func runNativeOrdered(r Row) int {
	type job struct {
		v   int
		res chan int
	}
	done := make(chan struct{})
	defer close(done)
	jobs := make(chan job, r.Workers)
	order := make(chan chan int, r.Workers+1)
	go func() {
		defer close(jobs)
		defer close(order)
		for i := range r.Items {
			j := job{i, make(chan int, 1)}
			select {
			case order <- j.res:
			case <-done:
				return
			}
			select {
			case jobs <- j:
			case <-done:
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for range r.Workers {
		wg.Go(func() {
			for j := range jobs {
				j.res <- r.Work.Do(j.v)
			}
		})
	}
	sum := 0
	for res := range order {
		sum += <-res
	}
	wg.Wait()
	return sum
}

// runRill is rill's Map, or OrderedMap, over a channel of its Try values;
// the sink reads the output channel in one goroutine, as baton's Reduce
// does.
func runRill(r Row) int {
	in := rill.FromSeq(counter(r.Items), nil)
	f := func(v int) (int, error) { return r.Work.Do(v), nil }
	var out <-chan rill.Try[int]
	if r.Ordered {
		out = rill.OrderedMap(in, r.Workers, f)
	} else {
		out = rill.Map(in, r.Workers, f)
	}
	sum := 0
	for t := range out {
		if t.Error != nil {
			panic(t.Error)
		}
		sum += t.Value
	}
	return sum
}

func runConcStream(r Row) int {
	s := stream.New().WithMaxGoroutines(r.Workers)
	sum := 0
	for i := range r.Items {
		s.Go(func() stream.Callback {
			v := r.Work.Do(i)
			return func() { sum += v }
		})
	}
	s.Wait()
	return sum
}

func runConcPool(r Row) int {
	p := concpool.NewWithResults[int]().WithMaxGoroutines(r.Workers)
	for i := range r.Items {
		p.Go(func() int { return r.Work.Do(i) })
	}
	sum := 0
	for _, v := range p.Wait() {
		sum += v
	}
	return sum
}

func runConcIter(r Row) int {
	in := slices.Collect(counter(r.Items))
	out := conciter.Mapper[int, int]{MaxGoroutines: r.Workers}.Map(in, func(v *int) int { return r.Work.Do(*v) })
	sum := 0
	for _, v := range out {
		sum += v
	}
	return sum
}

func runPond(r Row) int {
	p := pond.NewResultPool[int](r.Workers)
	defer p.StopAndWait()
	g := p.NewGroup()
	for i := range r.Items {
		g.Submit(func() int { return r.Work.Do(i) })
	}
	res, err := g.Wait()
	if err != nil {
		panic(err)
	}
	sum := 0
	for _, v := range res {
		sum += v
	}
	return sum
}
