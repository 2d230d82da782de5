package pipeline_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/baton-go/baton/pipeline"
)

// A scripted trickle: one item every 30ms, a batch of up to 100 items or
// 100ms. The deadline counts from each batch's first item, so batches close
// 100ms after their first item, although items keep coming (a timer reset
// on every item would never fire here).
func TestBatchDeadlineFromFirstItem(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		src := make(chan int)
		go func() {
			defer close(src)
			for i := range 10 {
				src <- i
				time.Sleep(30 * time.Millisecond)
			}
		}()
		start := time.Now()
		type got struct {
			at    time.Duration
			batch []int
		}
		var out []got
		err := pipeline.ForEach(bg, pipeline.Batch(pipeline.FromChan(src), 100, 100*time.Millisecond),
			func(_ context.Context, b []int) error {
				out = append(out, got{time.Since(start), b})
				return nil
			})
		if err != nil {
			t.Fatal(err)
		}
		// Items arrive at 0, 30, ..., 270ms; the source ends at 300ms.
		want := []got{
			{100 * time.Millisecond, []int{0, 1, 2, 3}}, // first item at 0
			{220 * time.Millisecond, []int{4, 5, 6, 7}}, // first item at 120
			{300 * time.Millisecond, []int{8, 9}},       // input ended before 340
		}
		if len(out) != len(want) {
			t.Fatalf("got %v, want %v", out, want)
		}
		for i := range want {
			if out[i].at != want[i].at || !slices.Equal(out[i].batch, want[i].batch) {
				t.Fatalf("batch %d: got %v at %v, want %v at %v", i, out[i].batch, out[i].at, want[i].batch, want[i].at)
			}
		}
	})
}

// A quiet input never makes an empty batch, however long it waits.
func TestBatchNeverEmpty(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		src := make(chan int)
		go func() {
			defer close(src)
			time.Sleep(time.Second)
			src <- 1
			time.Sleep(time.Second)
		}()
		out, err := pipeline.Collect(bg, pipeline.Batch(pipeline.FromChan(src), 10, 10*time.Millisecond))
		if err != nil || len(out) != 1 || !slices.Equal(out[0], []int{1}) {
			t.Fatalf("got %v, %v; want one batch [1]", out, err)
		}
	})
}

func TestBatchSizeAndFlush(t *testing.T) {
	for _, size := range []int{1, 3, 7, 1000} {
		out, err := pipeline.Collect(bg, pipeline.Batch(pipeline.From(slices.Values(seq(100))), size, 0))
		if err != nil {
			t.Fatal(err)
		}
		var flat []int
		for i, b := range out {
			if len(b) == 0 || len(b) > size || (i < len(out)-1 && len(b) != size) {
				t.Fatalf("size %d: batch %d has %d items", size, i, len(b))
			}
			flat = append(flat, b...)
		}
		if !slices.Equal(flat, seq(100)) {
			t.Fatalf("size %d: items lost or reordered", size)
		}
	}
}

// An error upstream stops the pipeline; the partial batch is dropped, not
// emitted.
func TestBatchErrorMidBatch(t *testing.T) {
	boom := errors.New("boom")
	s := pipeline.Map(pipeline.From(slices.Values(seq(10))), func(_ context.Context, v int) (int, error) {
		if v == 5 {
			return 0, boom
		}
		return v, nil
	})
	out, err := pipeline.Collect(bg, pipeline.Batch(s, 4, 0))
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	for _, b := range out {
		if len(b) != 4 {
			t.Fatalf("a partial batch %v was emitted after the error", b)
		}
	}
	// With CollectErrors the batch goes on without the failed item.
	s = pipeline.Map(pipeline.From(slices.Values(seq(10))), func(_ context.Context, v int) (int, error) {
		if v == 5 {
			return 0, boom
		}
		return v, nil
	})
	out, err = pipeline.Collect(bg, pipeline.Batch(s, 4, 0), pipeline.CollectErrors())
	if !errors.Is(err, boom) || len(out) != 3 || !slices.Equal(out[1], []int{4, 6, 7, 8}) {
		t.Fatalf("got %v, %v", out, err)
	}
}

// Cancelling while a batch waits for its deadline returns at once.
func TestBatchCancelWhileWaiting(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		src := make(chan int)
		ctx, cancel := context.WithCancel(bg)
		go func() {
			src <- 1
			time.Sleep(time.Millisecond)
			cancel()
		}()
		_, err := pipeline.Collect(ctx, pipeline.Batch(pipeline.FromChan(src), 10, time.Hour))
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
		close(src)
	})
}
