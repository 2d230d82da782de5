package pool

import "context"

// Option configures New, NewResults and Serve. Each constructor documents
// which options it heeds; one that does not apply is ignored, so a slice of
// options can be shared between a Pool and a Results.
type Option func(*config)

// DefaultQueue is the length of a pool's queue when WithQueue is not given,
// unless the pool has more than DefaultQueue/2 workers: then the queue holds
// twice as many tasks as there are workers, so that workers finishing
// together all find a task waiting (32 bytes a task, little beside the
// stack of a worker's goroutine).
//
// The trade-off: a queue as short as the pool makes a fast submitter wait,
// and be woken, for nearly every task; a deeper one lets it run ahead
// while the workers keep up, and costs memory only while it is full. At
// 1024, `baton bench pool` runs tiny tasks faster than pond does with its
// default queue, which has no bound at all: pond holds every task
// submitted, however far the producer runs ahead, where baton makes the
// producer wait after 1024. The ring that holds the queue
// grows as it fills, by doubling, so a pool whose queue stays short never
// allocates the whole of it; full, it takes 32 bytes a task plus what the
// tasks' closures hold. Take WithQueue(0) for a hand-off, or a queue as
// short as the pool, when a task must not wait long once accepted.
const DefaultQueue = 1024

type config struct {
	queue     int // -1: not set, defaults to the larger of DefaultQueue and 2 × workers
	ctx       context.Context
	failFast  bool
	unordered bool
	window    int // 0: not set, defaults to the larger of DefaultQueue and 2 × workers
}

func newConfig(workers int, opts []Option) config {
	c := config{queue: -1, ctx: context.Background()}
	for _, o := range opts {
		if o == nil {
			panic("pool: nil Option")
		}
		o(&c)
	}
	if c.queue < 0 {
		c.queue = max(DefaultQueue, 2*workers)
	}
	if c.window == 0 {
		c.window = max(DefaultQueue, 2*workers)
	}
	return c
}

// WithQueue sets how many submitted tasks may wait for a worker; by default
// DefaultQueue, or twice the workers if that is more. With n == 0 a Submit hands its task straight
// to an idle worker, or waits for one. There is no unbounded queue, by
// design: a producer that outruns the workers waits, instead of filling
// memory.
//
// WithQueue panics if n is negative.
func WithQueue(n int) Option {
	if n < 0 {
		panic("pool: negative n passed to WithQueue")
	}
	return func(c *config) { c.queue = n }
}

// WithContext makes ctx the parent of every task's context. When ctx ends,
// the pool stops as in Shutdown: running tasks see their context cancelled,
// queued tasks never run (they are counted Cancelled), and Submit fails with
// an error wrapping ctx's error. Close is still needed to wait for the
// workers and collect the errors.
//
// WithContext panics if ctx is nil.
func WithContext(ctx context.Context) Option {
	if ctx == nil {
		panic("pool: nil ctx passed to WithContext")
	}
	return func(c *config) { c.ctx = ctx }
}

// WithFailFast makes the first task error, panic or Goexit stop the pool, as
// errgroup.WithContext does: every task's context is cancelled with that
// error as its cause, queued tasks never run, and later submits fail with an
// error wrapping it. In Serve, the workers stop receiving.
func WithFailFast() Option {
	return func(c *config) { c.failFast = true }
}

// Unordered makes a Results yield each result as soon as it is ready, in
// completion order, instead of submission order. New and Serve ignore it.
func Unordered() Option {
	return func(c *config) { c.unordered = true }
}

// WithWindow bounds how many finished results a Results holds that the
// reader has not taken yet: in order, the results finished ahead of a slow
// head of the line. When the window is full, workers wait rather than
// start more work, so one slow task cannot make memory grow. The default is
// DefaultQueue or 2 × workers, whichever is larger: deep enough that the
// workers rarely wait for the reader. The window's slots are allocated as
// they are first needed, by doubling, up to w. New and Serve ignore it.
//
// WithWindow panics if w < 1.
func WithWindow(w int) Option {
	if w < 1 {
		panic("pool: w < 1 passed to WithWindow")
	}
	return func(c *config) { c.window = w }
}
