package pipeline

import (
	"fmt"
	"strings"
)

// Option tunes a stage or a sink. Stage options are Workers, Ordered, Window,
// Buffer and Name; sink options are CollectErrors, WithMonitor and
// WithStallReport, plus Workers and Name for the sinks that run a callback
// (ForEach, Each).
// Passing an option where it has no meaning panics when the stage or sink
// is built, naming the option, so a misplaced Ordered() is not silently
// ignored.
//
// An Option is also accepted by Run among its sinks, for the options that
// concern the whole run (CollectErrors, WithMonitor, WithStallReport).
type Option struct {
	name  string
	apply func(*config)
}

// addTo makes an Option usable among Run's arguments.
func (o Option) addTo(p *plan) { p.opts = append(p.opts, o) }

// config is what options set. Zero fields mean "default".
type config struct {
	workers int
	ordered bool
	window  int
	buffer  int
	hasBuf  bool
	name    string
	collect bool
	monitor *Monitor
	stall   *stallConfig
}

// Workers sets how many goroutines run the stage's callback at once; the
// default is 1. n < 1 panics.
func Workers(n int) Option {
	if n < 1 {
		panic(fmt.Sprintf("pipeline: Workers(n) needs n >= 1, got %d", n))
	}
	return Option{"Workers", func(c *config) { c.workers = n }}
}

// Ordered makes a stage emit its results in the order of its input, however
// its workers finish. A result that is ready ahead of the head of the line
// waits in a reorder window (see Window), so one slow item holds back at most
// the window, not unbounded memory.
func Ordered() Option {
	return Option{"Ordered", func(c *config) { c.ordered = true }}
}

// Window sets an Ordered stage's reorder window: how many items may be taken
// from the input but not yet emitted, counting those being processed. The
// default is 2 × workers. A window below the worker count leaves workers
// idle; w < 1 panics. Window implies Ordered.
func Window(w int) Option {
	if w < 1 {
		panic(fmt.Sprintf("pipeline: Window(w) needs w >= 1, got %d", w))
	}
	return Option{"Window", func(c *config) { c.window, c.ordered = w, true }}
}

// Buffer sets the capacity of the stage's output channel; the default is
// DefaultBuffer. A larger buffer absorbs bursts and lets the stage and its
// consumer wake each other less often; a smaller one bounds memory more
// tightly. 0 makes a rendezvous hand-off; n < 0 panics.
func Buffer(n int) Option {
	if n < 0 {
		panic(fmt.Sprintf("pipeline: Buffer(n) needs n >= 0, got %d", n))
	}
	return Option{"Buffer", func(c *config) { c.buffer, c.hasBuf = n, true }}
}

// Name names the stage in errors (StageError.Stage), in the Monitor's stats
// and in the pprof label "pipeline.stage" of its goroutines. The default is
// the stage's kind and its distance from the source, such as "map#1".
// An empty name panics.
func Name(s string) Option {
	if s == "" {
		panic("pipeline: Name(s) needs a non-empty s")
	}
	return Option{"Name", func(c *config) { c.name = s }}
}

// CollectErrors makes a sink keep going after a failed item: the item is
// dropped, its error recorded, and the sink returns every error joined
// (errors.Join of *StageError values) once the input is exhausted. Without
// it the first error stops every stage.
func CollectErrors() Option {
	return Option{"CollectErrors", func(c *config) { c.collect = true }}
}

// WithMonitor makes the sink's run report per-stage statistics to m. A nil m
// panics.
func WithMonitor(m *Monitor) Option {
	if m == nil {
		panic("pipeline: WithMonitor(m) needs a non-nil m")
	}
	return Option{"WithMonitor", func(c *config) { c.monitor = m }}
}

// DefaultBuffer is the capacity of a stage's output channel unless Buffer
// says otherwise. It is small enough to keep back-pressure tight and large
// enough that a fast producer and consumer rarely have to park.
const DefaultBuffer = 64

// options applies opts, allowing only the options named in allowed; where
// names the API for the panic message.
func options(where string, opts []Option, allowed ...string) config {
	var c config
	for _, o := range opts {
		if o.apply == nil {
			panic(fmt.Sprintf("pipeline: zero Option passed to %s", where))
		}
		ok := false
		for _, a := range allowed {
			if o.name == a {
				ok = true
			}
		}
		if !ok {
			panic(fmt.Sprintf("pipeline: option %s does not apply to %s (it takes %s)", o.name, where, strings.Join(allowed, ", ")))
		}
		o.apply(&c)
	}
	if c.workers == 0 {
		c.workers = 1
	}
	if c.ordered && c.window == 0 {
		c.window = 2 * c.workers
	}
	if !c.hasBuf {
		c.buffer = DefaultBuffer
	}
	return c
}

var (
	stageOpts = []string{"Workers", "Ordered", "Window", "Buffer", "Name"}
	sinkOpts  = []string{"CollectErrors", "WithMonitor", "WithStallReport"}
	eachOpts  = []string{"Workers", "Name", "CollectErrors", "WithMonitor", "WithStallReport"}
)
