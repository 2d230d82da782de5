package tour

import (
	"context"
	_ "embed"
	"io"
	"strings"
)

// Step is one section of the tour.
type Step struct {
	// Title names the section, after the tutorial's own heading.
	Title string
	// Explain says in a few lines what the step shows and why it matters.
	Explain string
	// File is the name of the Go file that holds the step's code, and
	// Source that file's text as compiled into this program.
	File, Source string
	// Run runs the step, writing what it does to out. It returns early,
	// with ctx's error, when ctx ends, and leaves no goroutine behind. out
	// must be safe for use by several goroutines at once: some steps write
	// from the goroutines they start.
	Run func(ctx context.Context, out io.Writer) error
}

// Code returns the step's code as the reader should see it: its file
// without the package clause and the imports, which say nothing about the
// idea.
func (s Step) Code() string {
	src := s.Source
	if i := strings.Index(src, "\nimport ("); i >= 0 {
		if j := strings.Index(src[i:], "\n)\n"); j >= 0 {
			src = src[i+j+3:]
		}
	} else if i := strings.Index(src, "\nimport "); i >= 0 {
		if j := strings.Index(src[i+1:], "\n"); j >= 0 {
			src = src[i+1+j+1:]
		}
	}
	return strings.TrimSpace(src) + "\n"
}

var (
	//go:embed s1_concurrency.go
	s1 string
	//go:embed s2_spawn.go
	s2 string
	//go:embed s3_mpsc.go
	s3 string
	//go:embed s4_select.go
	s4 string
	//go:embed s5_backpressure.go
	s5 string
	//go:embed s6_mutex.go
	s6 string
	//go:embed s7_errors.go
	s7 string
	//go:embed s8_patterns.go
	s8 string
	//go:embed s9_practices.go
	s9 string
)

// Steps returns the steps in the tutorial's order.
func Steps() []Step {
	return []Step{
		{
			Title: "Concurrency vs parallelism",
			Explain: `Concurrency is how a program is structured: several tasks in flight,
taking turns. Parallelism is how it runs: tasks on several cores at the same
instant. A Go program is concurrent whenever it starts goroutines; it runs in
parallel only on more than one processor (GOMAXPROCS). Message passing keeps
either safe: a value handed over a channel belongs to its receiver, so no two
goroutines write the same memory.`,
			File: "s1_concurrency.go", Source: s1, Run: concurrency,
		},
		{
			Title: "Spawning and joining",
			Explain: `A bare go statement forgets its goroutine: nothing waits for it, nothing
receives its result, and its panic kills the whole process. task.Spawn returns
a handle, like Rust's thread::spawn; Join waits and returns the value, and a
panic comes back as a *task.PanicError carrying the panic value and stack.`,
			File: "s2_spawn.go", Source: s2, Run: spawnJoin,
		},
		{
			Title: "Message passing: many producers, one consumer",
			Explain: `Rust's mpsc channel ends the consumer's loop when every sender has been
dropped. A native Go channel needs one party to call close, and a second close
panics, so many producers need extra coordination. In baton each producer
holds its own Sender (Clone) and closes it when done; the channel disconnects
when the last one closes, and the consumer's range ends by itself.`,
			File: "s3_mpsc.go", Source: s3, Run: mpsc,
		},
		{
			Title: "Bounded vs unbounded, and select",
			Explain: `Capacity decides when a sender waits: never (unbounded), when the buffer
is full (bounded), or until a receiver takes the value (capacity 0, a
rendezvous). A select waits on several channels at once. Go's chan against
baton, honestly:

  feature                         Go chan                    baton
  bounded / rendezvous            yes                        yes
  unbounded                       no                         yes
  many producers closing          one close, a second panics each Sender closes its own
  senders learn receivers left    no (they block forever)    yes: ErrDisconnected
  timeouts, Try forms             via select + time.After    on every operation
  select                          static, in the language    any number of cases, chosen at run time
  select cost, many ready cases   grows with the cases       stops at the first ready case
  blocking hand-offs (cap 0, 1)   faster: the runtime parks  1.5-2.5x slower (see baton bench)
  large buffers                   about even                 0.5-1.4x native's time, with the load
  language support                range, select, len, cap    methods and iterators
  zero dependencies               yes                        standard library only`,
			File: "s4_select.go", Source: s4, Run: boundedUnbounded,
		},
		{
			Title: "Back-pressure, and select with a timeout",
			Explain: `A bounded channel is a promise about memory: a producer faster than its
consumer waits at the channel instead of piling values up. Here the third send
waits for the consumer. A select with a time limit is crossbeam's
select! { ..., default(timeout) }: WaitTimeout returns ErrTimeout when no case
completed in time.`,
			File: "s5_backpressure.go", Source: s5, Run: backPressure,
		},
		{
			Title: "Shared memory: a Mutex against a channel",
			Explain: `In Rust the Mutex owns the counter, so the only way to it is through the
lock. guard.Mutex does the same in Go. The other way to share a counter is not
to share it: one goroutine owns it, and the others send it messages. Both
reach the tutorial's "Final count: 5"; the lock is simpler for one small
value, the owner scales to state with rules and never deadlocks on lock order.`,
			File: "s6_mutex.go", Source: s6, Run: sharedCounter,
		},
		{
			Title: "Errors and edge cases",
			Explain: `Every failure is an error value, never a panic or a silent hang: a send
to a channel whose receivers are gone fails and returns the value; a receive
with a time limit tells "nothing yet" (ErrTimeout) from "nothing ever"
(ErrDisconnected); a cancelled context ends any wait; and a Mutex whose
holder panicked is poisoned, so the next holder learns the value may be half
updated, can repair it, and clears the poison.`,
			File: "s7_errors.go", Source: s7, Run: edgeCases,
		},
		{
			Title: "Worker pool, pipeline, fan-out/fan-in",
			Explain: `The tutorial's three designs, with baton's pool and pipeline packages:
several workers pulling from one bounded queue (a task's error or panic comes
back from Close, and the worker survives), shared by web requests that each
wait for their own group of tasks only; stages joined by bounded channels,
each closing its output when its input ends; and work split over workers
whose replies merge into one stream. Bounded queues between the parts keep
memory flat when one part is slower: a faster part waits.`,
			File: "s8_patterns.go", Source: s8, Run: patterns,
		},
		{
			Title: "Best practices, shown",
			Explain: `The tutorial closes with advice; here each piece runs: a bounded channel
holding a fast producer back where an unbounded one lets work pile up; an error
that hands the unsent value back; one select serving jobs and a quit signal;
and what each kind of channel costs, with per-producer order kept by all.`,
			File: "s9_practices.go", Source: s9, Run: practices,
		},
	}
}
