package pool

import (
	"context"
	"testing"
	"time"
)

type nopObserver struct{}

func (nopObserver) TaskDone(waited, ran time.Duration) {}

// TestReadersTakeNoWorkerLock holds the lock each worker takes for every
// task, as a worker in its critical section does, and reads Stats and
// Running: neither may wait for it, and both must still say what the pool
// holds.
func TestReadersTakeNoWorkerLock(t *testing.T) {
	ctx := context.Background()
	p := New(2, WithQueue(4))
	p.Observe("locked", nopObserver{})
	release := make(chan struct{})
	started := make(chan struct{}, 2)
	for range 2 {
		if err := p.Submit(ctx, func(context.Context) error {
			started <- struct{}{}
			<-release
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	<-started
	<-started
	if err := p.Submit(ctx, func(context.Context) error { return nil }); err != nil {
		t.Fatal(err)
	}

	type read struct {
		s Stats
		r []RunningTask
	}
	got := make(chan read, 1)
	p.c.mu.Lock()
	go func() { got <- read{p.Stats(), p.Running()} }()
	var rd read
	select {
	case rd = <-got:
		p.c.mu.Unlock()
	case <-time.After(10 * time.Second): // a hang, not a speed limit
		p.c.mu.Unlock()
		<-got
		t.Fatal("Stats or Running waited for the lock the workers take")
	}
	if s := rd.s; s.Running != 2 || s.Queued != 1 || s.Submitted != 3 || s.Succeeded != 0 || s.Workers != 2 {
		t.Errorf("Stats while held: %+v, want 2 running, 1 queued, 3 submitted", s)
	}
	if len(rd.r) != 2 || rd.r[0].Seq+rd.r[1].Seq != 1 {
		t.Errorf("Running while held: %+v, want tasks 0 and 1", rd.r)
	}

	close(release)
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if s := p.Stats(); s.Submitted != 3 || s.Succeeded != 3 || s.Running != 0 || s.Queued != 0 || s.Workers != 0 {
		t.Errorf("Stats after Close: %+v, want 3 submitted and succeeded, nothing else", s)
	}
}
