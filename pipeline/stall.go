package pipeline

import (
	"fmt"
	"time"
)

// WithStallReport makes a sink watch its run for a stall: when no item has
// moved anywhere in the run (no stage received or sent one) for d, fn gets
// a Stall naming the stage that holds everything back, the chain of stages
// waiting on it, the oldest item in its callback, and the stacks of its
// goroutines in that callback. fn is called once per stall, from a
// goroutine of the run's own; if items move again, a later stall is
// reported again. The sink waits for fn to return before it returns, so fn
// must not wait for the sink; it may cancel the sink's ctx, which ends the
// run as any cancel does.
//
// The watch looks at the run's counters every d/4 (but not more often
// than every millisecond), so a stall is reported between d and 1.25 d after
// the last item moved. A pipeline that is merely slow, with some item
// moving within every d, is never reported.
//
// It costs what WithMonitor costs (uncontended atomic counters per
// goroutine; the clock only around real waits), plus two atomic stores per
// item (which item a goroutine is calling its callback on) and one
// goroutine per run; without it nothing is watched. Options: a sink
// option, like WithMonitor. d <= 0 or a nil fn panics.
func WithStallReport(d time.Duration, fn func(Stall)) Option {
	if d <= 0 {
		panic(fmt.Sprintf("pipeline: WithStallReport(d, fn) needs d > 0, got %v", d))
	}
	if fn == nil {
		panic("pipeline: WithStallReport(d, fn) needs a non-nil fn")
	}
	sc := &stallConfig{d: d, fn: fn}
	return Option{"WithStallReport", func(c *config) { c.stall = sc }}
}

type stallConfig struct {
	d  time.Duration
	fn func(Stall)
}

// watcher is the goroutine that watches a run for stalls.
type watcher struct {
	quit chan struct{}
	done chan struct{}
}

func startWatcher(r *run) *watcher {
	w := &watcher{quit: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		w.loop(r)
	}()
	return w
}

// stop ends the watch and waits for it, so that nothing outlives the sink.
func (w *watcher) stop() {
	close(w.quit)
	<-w.done
}

func (w *watcher) loop(r *run) {
	d := r.stall.d
	tick := time.NewTicker(max(d/4, time.Millisecond))
	defer tick.Stop()
	// The first look's bound is the epoch: no call began before it.
	var prev int64
	last, lastAt := r.moved(), r.clock()
	r.look(prev)
	prev = lastAt
	reported := false
	for {
		select {
		case <-w.quit:
			return
		case <-tick.C:
		}
		n, now := r.moved(), r.clock()
		r.look(prev)
		prev = now
		if n != last {
			last, lastAt, reported = n, now, false
			continue
		}
		if idle := time.Duration(now - lastAt); !reported && idle >= d {
			reported = true
			r.stall.fn(r.diagnose(idle, now))
		}
	}
}

// clock reads the run's clock (see probe.clock).
func (r *run) clock() int64 { return int64(time.Since(r.epoch)) }

// moved is the count of every item received or sent by every stage: while
// it does not change, nothing moves. The workers count without any clock;
// the watch compares the sums from one look to the next.
func (r *run) moved() int64 {
	var n int64
	for _, s := range r.all {
		for i := range s.ws {
			n += s.ws[i].in.Load() + s.ws[i].out.Load()
		}
	}
	return n
}

// look notes, for each goroutine, the item it is calling its callback on;
// for an item not there at the previous look, whose time was prev, the
// call began after prev. So the age of a call is known to within the
// watch's period, without the workers reading the clock per item.
func (r *run) look(prev int64) {
	for _, s := range r.all {
		for i := range s.ws {
			w := &s.ws[i]
			if v := w.item.Load(); v != w.seenItem {
				w.seenItem, w.seenSince = v, prev
			}
		}
	}
}
