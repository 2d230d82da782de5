package suite

import (
	"reflect"
	"runtime"
	"time"

	"github.com/baton-go/baton/channel"
)

//go:generate go run select64_gen.go

// SelectWidth is the number of channels of the select-cost measurement.
const SelectWidth = 64

// Select implementations measured by the select-cost extra.
const (
	SelectBaton   = "baton Selector (reused)"
	SelectNative  = "native select (static)"
	SelectReflect = "reflect.Select"
)

// SelectImpls lists the select implementations in table order.
var SelectImpls = []string{SelectNative, SelectBaton, SelectReflect}

// selectDepth is how many values each channel holds before a measurement of
// ops selects: twice its fair share, plus slack, so that every channel stays
// ready while the random choice drains them unevenly.
func selectDepth(ops int) int { return 2*ops/SelectWidth + 64 }

// measureSelect64 times ops selects over SelectWidth channels that are all
// ready, with the named implementation. Filling the channels is not timed.
func measureSelect64(impl string, ops int) sample {
	depth := selectDepth(ops)
	var run func()
	switch impl {
	case SelectNative, SelectReflect:
		var chs [SelectWidth]chan int
		for i := range chs {
			chs[i] = make(chan int, depth)
			for j := range depth {
				chs[i] <- j
			}
		}
		if impl == SelectNative {
			run = func() {
				for range ops {
					nativeSelect64(&chs)
				}
			}
			break
		}
		cases := make([]reflect.SelectCase, SelectWidth)
		for i, ch := range chs {
			cases[i] = reflect.SelectCase{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(ch)}
		}
		run = func() {
			for range ops {
				reflect.Select(cases)
			}
		}
	case SelectBaton:
		sel := channel.NewSelect()
		for range SelectWidth {
			tx, rx := channel.Bounded[int](depth)
			for j := range depth {
				must(tx.Send(j))
			}
			sel.Add(channel.OnRecv(rx, func(_ int, err error) { must(err) }))
		}
		run = func() {
			for range ops {
				sel.Wait()
			}
		}
	default:
		panic("suite: unknown select implementation " + impl)
	}
	return timed(run)
}

// timed runs fn after a garbage collection and returns its wall time and
// the heap allocations it made.
func timed(fn func()) sample {
	runtime.GC()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	t0 := time.Now()
	fn()
	d := time.Since(t0)
	runtime.ReadMemStats(&m1)
	return sample{ns: d.Nanoseconds(), mallocs: m1.Mallocs - m0.Mallocs}
}

// sample is what one measurement gives.
type sample struct {
	ns      int64  // wall time, or CPU time for the idle check
	mallocs uint64 // heap allocations during the measurement
	window  int64  // for the idle check: the length of the window
}
