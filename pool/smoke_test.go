package pool_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/baton-go/baton/pool"
)

func TestSmoke(t *testing.T) {
	p := pool.New(4)
	var n atomic.Int64
	for range 1000 {
		if err := p.Submit(context.Background(), func(ctx context.Context) error { n.Add(1); return nil }); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if n.Load() != 1000 {
		t.Fatal(n.Load())
	}
	st := p.Stats()
	if st.Submitted != 1000 || st.Succeeded != 1000 {
		t.Fatalf("%+v", st)
	}
	if err := p.Submit(context.Background(), func(ctx context.Context) error { return nil }); !errors.Is(err, pool.ErrClosed) {
		t.Fatal(err)
	}
	r := pool.NewResults[int](4, pool.WithWindow(3))
	go func() {
		defer r.Close()
		for i := range 1000 {
			r.Submit(context.Background(), func(ctx context.Context) (int, error) { return i, nil })
		}
	}()
	i := 0
	for v, err := range r.All() {
		if err != nil || v != i {
			t.Fatal(v, err, i)
		}
		i++
	}
	if i != 1000 {
		t.Fatal(i)
	}
}
