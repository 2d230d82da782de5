package pool_test

import (
	"bytes"
	"context"
	"fmt"
	"runtime/pprof"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baton-go/baton/pool"
)

// tally is a TaskObserver that counts what it is told.
type tally struct {
	mu     sync.Mutex
	n      int
	bad    []string
	waited time.Duration
}

func (t *tally) TaskDone(waited, ran time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.n++
	t.waited += waited
	if waited < 0 || ran < 0 {
		t.bad = append(t.bad, fmt.Sprintf("waited %s, ran %s", waited, ran))
	}
}

func (t *tally) count() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.n
}

// sampled is how many of n tasks accepted while an observer is attached
// it hears of: the first and every SampleEvery-th after it.
func sampled(n int) int { return (n + pool.SampleEvery - 1) / pool.SampleEvery }

// The observer hears of the first task accepted under it and every
// SampleEvery-th after it, whichever path the task took: handed to a
// parked worker, queued, or accepted after waiting in line.
func TestObserverSeesOneTaskInSampleEvery(t *testing.T) {
	for _, q := range []int{0, 1, 5, 1000} {
		p := pool.New(3, pool.WithQueue(q))
		// Tasks before Observe are not counted: the sample starts at it.
		for range 5 {
			if err := p.Submit(hangCtx(t), nop); err != nil {
				t.Fatal(err)
			}
		}
		var o tally
		p.Observe("every", &o)
		const n = 200
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for range n / 4 {
					if err := p.Submit(hangCtx(t), nop); err != nil {
						t.Error(err)
					}
				}
			})
		}
		wg.Wait()
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
		if o.count() != sampled(n) || len(o.bad) > 0 {
			t.Fatalf("queue %d: observer saw %d of %d tasks, want %d; bad: %v", q, o.count(), n, sampled(n), o.bad)
		}
	}
}

func TestRunningListsTheTasksInHand(t *testing.T) {
	p := pool.New(3, pool.WithQueue(4))
	if r := p.Running(); r != nil {
		t.Fatalf("Running with no observer: %v", r)
	}
	var o tally
	p.Observe("running", &o)
	g := newGate()
	fill(t, p, g, 3)
	for range 4 {
		p.Submit(hangCtx(t), nop)
	}
	r := p.Running()
	if len(r) != 3 {
		t.Fatalf("Running: %v, want 3 tasks", r)
	}
	seqs, workers := map[uint64]bool{}, map[int]bool{}
	for i, rt := range r {
		seqs[rt.Seq], workers[rt.Worker] = true, true
		if rt.Started.IsZero() || i > 0 && rt.Started.Before(r[i-1].Started) {
			t.Fatalf("Running not oldest first: %v", r)
		}
	}
	if !seqs[0] || !seqs[1] || !seqs[2] || len(workers) != 3 {
		t.Fatalf("Running: %v, want tasks 0, 1 and 2 on three workers", r)
	}
	// The workers carry the pprof labels, with the numbers Running gives.
	var buf bytes.Buffer
	if err := pprof.Lookup("goroutine").WriteTo(&buf, 1); err != nil {
		t.Fatal(err)
	}
	for w := range workers {
		want := fmt.Sprintf(`"baton.pool":"running", "baton.worker":"%d"`, w)
		if !strings.Contains(buf.String(), want) {
			t.Fatalf("goroutine profile lacks the labels %s:\n%s", want, buf.String())
		}
	}
	g.open()
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if o.count() != sampled(7) {
		t.Fatalf("observer saw %d of 7 tasks, want %d", o.count(), sampled(7))
	}
	if r := p.Running(); len(r) != 0 {
		t.Fatalf("Running after Close: %v", r)
	}
}

func TestObserveDetach(t *testing.T) {
	p := pool.New(2)
	var o tally
	p.Observe("detach", &o)
	for range 10 {
		p.Submit(hangCtx(t), nop)
	}
	// Wait until all ten are done, then detach: no more reports.
	eventually(t, "ten done", func() bool { return p.Stats().Succeeded == 10 })
	if o.count() != sampled(10) {
		t.Fatalf("observer saw %d of 10 tasks, want %d", o.count(), sampled(10))
	}
	p.Observe("detach", nil)
	if r := p.Running(); r != nil {
		t.Fatalf("Running after detaching: %v", r)
	}
	g := newGate()
	fill(t, p, g, 2)
	var buf bytes.Buffer
	if err := pprof.Lookup("goroutine").WriteTo(&buf, 1); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), `"baton.pool":"detach"`) {
		t.Fatal("workers keep their labels after the observer was detached")
	}
	g.open()
	for range 2 * pool.SampleEvery {
		if err := p.Submit(hangCtx(t), nop); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if o.count() != sampled(10) {
		t.Fatalf("a detached observer saw %d tasks, want the %d of the first 10", o.count(), sampled(10))
	}
}

// A task's waiting time runs from its acceptance to its start: a sampled
// task queued behind a gated one waits at least until the gate opens.
func TestObserverWaited(t *testing.T) {
	p := pool.New(1, pool.WithQueue(pool.SampleEvery))
	var o tally
	p.Observe("waited", &o)
	g := newGate()
	fill(t, p, g, 1)
	for range pool.SampleEvery { // the last is sampled
		if err := p.Submit(hangCtx(t), nop); err != nil {
			t.Fatal(err)
		}
	}
	before := time.Now()
	for time.Since(before) < 2*time.Millisecond { // let the clock move on
		time.Sleep(time.Millisecond)
	}
	g.open()
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if o.count() != 2 || o.waited <= 0 {
		t.Fatalf("%d tasks reported, waiting %s in all; want 2, the queued one waiting", o.count(), o.waited)
	}
}

func TestResultsObserve(t *testing.T) {
	r := pool.NewResults[int](2)
	var o tally
	r.Observe("results", &o)
	go func() {
		defer r.Close()
		for i := range 50 {
			r.Submit(hangCtx(t), func(context.Context) (int, error) { return i, nil })
		}
	}()
	n := 0
	for range r.All() {
		n++
	}
	if n != 50 || o.count() != sampled(50) {
		t.Fatalf("%d results, %d observed, want 50 and %d", n, o.count(), sampled(50))
	}
	if rt := r.Running(); len(rt) != 0 {
		t.Fatalf("Running after All: %v", rt)
	}
}

// Observing a pool and reading Running while tasks come and go is safe.
func TestObserveRace(t *testing.T) {
	p := pool.New(4, pool.WithQueue(8))
	var o tally
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if i%2 == 0 {
				p.Observe("race", &o)
			} else {
				p.Observe("race", nil)
			}
			p.Running()
		}
	})
	for range 2000 {
		p.Submit(hangCtx(t), nop)
	}
	close(stop)
	wg.Wait()
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
}
