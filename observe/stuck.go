package observe

import (
	"bytes"
	"fmt"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"
)

// StuckTask is a pool's task that has been running for a long time.
type StuckTask struct {
	Pool    string        // the name it was registered under
	Seq     uint64        // the task's number in acceptance order, from 0
	Worker  int           // the worker running it
	Started time.Time     // when pool.Running first saw it running: it started then or before
	Age     time.Duration // how long it has been running, at least
	// Stack is the worker goroutine's stack, from the goroutine profile:
	// what the task waits on. Empty if the goroutine was not found (the
	// task finished in between).
	Stack string
}

// String says where the task is stuck, in a few lines.
func (s StuckTask) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "pool %s: task %d running for %s on worker %d", s.Pool, s.Seq, s.Age.Round(time.Millisecond), s.Worker)
	if s.Stack != "" {
		b.WriteString("; goroutine stack:\n")
		b.WriteString(s.Stack)
	}
	return b.String()
}

// Stuck returns the tasks of the default Observer's pools that have been
// running for at least d: see Observer.Stuck.
func Stuck(d time.Duration) []StuckTask { return std.Stuck(d) }

// Stuck returns the tasks, across every pool registered with o, that have
// been running for at least d, oldest first, each with the stack of the
// worker running it. A pool reads no clock as each task starts, so a
// task's age runs from the first time pool.Running saw it: Stuck names a
// task once calls to it (or to Running) have seen it running for d, so
// call it periodically, as a watchdog does, at intervals well under d. The stacks come from one goroutine profile, in which
// each worker is found by its pprof labels (baton.pool, baton.worker), set
// while Register's hook is attached.
//
// It costs a goroutine profile (a stop of the world) only when some task
// is that old; a d <= 0 panics.
func (o *Observer) Stuck(d time.Duration) []StuckTask {
	if d <= 0 {
		panic(fmt.Sprintf("observe: Stuck(d) needs d > 0, got %v", d))
	}
	o.mu.Lock()
	type named struct {
		name string
		p    observable
	}
	var pools []named
	for _, e := range o.order {
		if e.pool != nil {
			if p, ok := e.pool.p.(observable); ok {
				pools = append(pools, named{e.name, p})
			}
		}
	}
	o.mu.Unlock()

	now := time.Now()
	var out []StuckTask
	for _, np := range pools {
		for _, r := range np.p.Running() {
			if age := now.Sub(r.Started); age >= d {
				out = append(out, StuckTask{Pool: np.name, Seq: r.Seq, Worker: r.Worker, Started: r.Started, Age: age})
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	profile := goroutines()
	for i := range out {
		out[i].Stack = workerStack(profile, out[i].Pool, out[i].Worker)
	}
	sortStuck(out)
	return out
}

func sortStuck(ts []StuckTask) {
	for i := 1; i < len(ts); i++ { // insertion sort: a handful of tasks
		for j := i; j > 0 && ts[j].Started.Before(ts[j-1].Started); j-- {
			ts[j], ts[j-1] = ts[j-1], ts[j]
		}
	}
}

// goroutine is one record of the goroutine profile: a stack, and the
// pprof labels of the goroutines with that stack.
type goroutine struct {
	labels string // as printed: "k":"v", "k2":"v2", sorted by key
	stack  string // one frame a line, each function followed by its file:line
}

// goroutines reads the goroutine profile in its text form (debug=1), the
// one form that has the labels of each stack.
func goroutines() []goroutine {
	var buf bytes.Buffer
	if err := pprof.Lookup("goroutine").WriteTo(&buf, 1); err != nil {
		return nil
	}
	var out []goroutine
	for block := range strings.SplitSeq(buf.String(), "\n\n") {
		var g goroutine
		var frames []string
		for line := range strings.SplitSeq(block, "\n") {
			switch {
			case strings.HasPrefix(line, "# labels: {"):
				g.labels = strings.TrimSuffix(strings.TrimPrefix(line, "# labels: {"), "}")
			case strings.HasPrefix(line, "#\t"):
				// "#\t0x4a1b2c\tpkg.fn+0x2c\t/path/file.go:12"
				if f := strings.Split(line, "\t"); len(f) >= 4 {
					frames = append(frames, f[2]+"\n\t"+strings.TrimSpace(f[3]))
				}
			}
		}
		if g.labels != "" && len(frames) > 0 {
			g.stack = strings.Join(frames, "\n")
			out = append(out, g)
		}
	}
	return out
}

// workerStack finds the stack of worker number worker of the pool named
// pool by its labels. The goroutines a task starts inherit its labels;
// the one with the pool's frames in its stack is the worker itself.
func workerStack(profile []goroutine, pool string, worker int) string {
	// As the profile prints them: sorted by key, so adjacent.
	key := fmt.Sprintf("%q:%q, %q:%q", "baton.pool", pool, "baton.worker", strconv.Itoa(worker))
	found := ""
	for _, g := range profile {
		if !strings.Contains(g.labels, key) {
			continue
		}
		if strings.Contains(g.stack, "github.com/baton-go/baton/pool.") {
			return g.stack
		}
		if found == "" {
			found = g.stack
		}
	}
	return found
}
