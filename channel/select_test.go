package channel_test

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/baton-go/baton/channel"
)

func TestSelectNoCases(t *testing.T) {
	sel := channel.NewSelect()
	if i, ok := sel.Try(); i != -1 || ok {
		t.Fatalf("Try with no cases = %d, %v", i, ok)
	}
	if i, err := sel.WaitTimeout(time.Millisecond); i != -1 || err != channel.ErrTimeout {
		t.Fatalf("WaitTimeout with no cases = %d, %v", i, err)
	}
	if i, err := sel.WaitTimeout(0); i != -1 || err != channel.ErrTimeout {
		t.Fatalf("WaitTimeout(0) with no cases = %d, %v", i, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	if i, err := sel.WaitContext(ctx); i != -1 || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("WaitContext with no cases = %d, %v", i, err)
	}
}

func TestSelectReadyCase(t *testing.T) {
	for _, f := range flavors {
		if f.cap == 0 {
			continue
		}
		t.Run(f.name, func(t *testing.T) {
			tx1, rx1 := open[int](f.cap)
			tx2, rx2 := open[string](f.cap)
			defer tx1.Close()
			defer rx1.Close()
			defer tx2.Close()
			defer rx2.Close()
			var gotS string
			sel := channel.NewSelect(
				channel.OnRecv(rx1, func(int, error) { t.Fatal("empty case fired") }),
				channel.OnRecv(rx2, func(s string, err error) {
					if err != nil {
						t.Fatal(err)
					}
					gotS = s
				}),
			)
			if i, ok := sel.Try(); ok {
				t.Fatalf("Try on empty channels fired case %d", i)
			}
			tx2.Send("hi")
			if i := sel.Wait(); i != 1 || gotS != "hi" {
				t.Fatalf("Wait = %d (%q), want 1 (hi)", i, gotS)
			}
		})
	}
}

func TestSelectBlocksUntilSend(t *testing.T) {
	for _, f := range flavors {
		t.Run(f.name, func(t *testing.T) {
			txs := make([]*channel.Sender[int], 8)
			cases := make([]channel.Case, 8)
			got := -1
			for i := range txs {
				tx, rx := open[int](f.cap)
				defer tx.Close()
				defer rx.Close()
				txs[i] = tx
				cases[i] = channel.OnRecv(rx, func(v int, err error) {
					if err != nil {
						t.Error(err)
					}
					got = v
				})
			}
			sel := channel.NewSelect(cases...)
			go func() { txs[5].Send(55) }()
			var i int
			within(t, "Wait", func() { i = sel.Wait() })
			if i != 5 || got != 55 {
				t.Fatalf("Wait = %d with %d, want 5 with 55", i, got)
			}
		})
	}
}

func TestSelectSendCase(t *testing.T) {
	for _, f := range flavors {
		t.Run(f.name, func(t *testing.T) {
			tx, rx := open[int](f.cap)
			defer tx.Close()
			defer rx.Close()
			next := 1
			var sendErr error = errors.New("callback not run")
			sel := channel.NewSelect(channel.OnSendFrom(tx, &next, func(err error) { sendErr = err }))
			for want := 1; want <= 3; want++ {
				received := make(chan struct{})
				go func() {
					defer close(received)
					if v, err := rx.Recv(); err != nil || v != want {
						t.Errorf("received %v, %v; want %d", v, err, want)
					}
				}()
				within(t, "send case", func() { sel.Wait() })
				if sendErr != nil {
					t.Fatal(sendErr)
				}
				within(t, "receive", func() { <-received })
				next++
			}
		})
	}
}

func TestSelectDisconnectedCaseIsReady(t *testing.T) {
	for _, f := range flavors {
		t.Run(f.name, func(t *testing.T) {
			tx, rx := open[int](f.cap)
			defer rx.Close()
			var got error
			sel := channel.NewSelect(
				channel.OnRecv(channel.Never[int](), func(int, error) { t.Fatal("never fired") }),
				channel.OnRecv(rx, func(_ int, err error) { got = err }),
			)
			go tx.Close()
			var i int
			within(t, "Wait", func() { i = sel.Wait() })
			if i != 1 || got != channel.ErrDisconnected {
				t.Fatalf("Wait = %d with %v, want 1 with ErrDisconnected", i, got)
			}

			tx2, rx2 := open[int](f.cap)
			defer tx2.Close()
			rx2.Close()
			sel2 := channel.NewSelect(channel.OnSend(tx2, 1, func(err error) { got = err }))
			if i, ok := sel2.Try(); !ok || i != 0 || got != channel.ErrDisconnected {
				t.Fatalf("send case to a channel with no receivers: %d %v %v", i, ok, got)
			}
		})
	}
}

func TestSelectClosedHandleCase(t *testing.T) {
	tx, rx := channel.Bounded[int](1)
	rx2 := rx.Clone()
	defer rx2.Close()
	rx.Close()
	tx.Close()
	var rerr, serr error
	if i, ok := channel.NewSelect(channel.OnRecv(rx, func(_ int, err error) { rerr = err })).Try(); !ok || i != 0 || rerr != channel.ErrClosed {
		t.Fatalf("recv case on a closed handle: %d %v %v", i, ok, rerr)
	}
	if i, ok := channel.NewSelect(channel.OnSend(tx, 1, func(err error) { serr = err })).Try(); !ok || i != 0 || serr != channel.ErrClosed {
		t.Fatalf("send case on a closed handle: %d %v %v", i, ok, serr)
	}
}

func TestSelectAddRemove(t *testing.T) {
	tx1, rx1 := channel.Bounded[int](1)
	tx2, rx2 := channel.Bounded[int](1)
	defer tx1.Close()
	defer rx1.Close()
	defer tx2.Close()
	defer rx2.Close()
	sel := channel.NewSelect(channel.OnRecv(rx1, nil))
	if i := sel.Add(channel.OnRecv(rx2, nil)); i != 1 {
		t.Fatalf("Add returned %d, want 1", i)
	}
	tx1.Send(1)
	sel.Remove(0)
	if sel.Len() != 1 {
		t.Fatalf("Len = %d after Remove", sel.Len())
	}
	if i, ok := sel.Try(); ok {
		t.Fatalf("a removed case fired: %d", i)
	}
	tx2.Send(2)
	if i, ok := sel.Try(); !ok || i != 1 {
		t.Fatalf("Try = %d, %v; want 1, true", i, ok)
	}
	if i := sel.Add(channel.OnRecv(rx1, nil)); i != 2 {
		t.Fatalf("Add after Remove returned %d, want 2 (indexes are not reused)", i)
	}
	if i := sel.Wait(); i != 2 {
		t.Fatalf("Wait = %d, want 2", i)
	}
	for _, bad := range []int{0, -1, 7} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Remove(%d) did not panic", bad)
				}
			}()
			sel.Remove(bad)
		}()
	}
}

func TestSelectBadInput(t *testing.T) {
	for name, fn := range map[string]func(){
		"OnRecv":          func() { channel.OnRecv[int](nil, nil) },
		"OnSend":          func() { channel.OnSend[int](nil, 1, nil) },
		"OnSendFrom":      func() { channel.OnSendFrom[int](nil, new(int), nil) },
		"OnSendFrom(src)": func() { tx, _ := channel.Bounded[int](1); channel.OnSendFrom(tx, nil, nil) },
		"Add(Case{})":     func() { channel.NewSelect().Add(channel.Case{}) },
	} {
		func() {
			defer func() {
				r := recover()
				if s, _ := r.(string); !strings.HasPrefix(s, "channel: ") {
					t.Errorf("%s: recover() = %v, want a channel: panic", name, r)
				}
			}()
			fn()
		}()
	}
}

// The choice among ready cases is uniform, as Go's spec requires of select
// and crossbeam's shuffle gives. Each layout mixes cases that never fire
// with k that are always ready, at different positions, because a random
// start followed by rotation favours a ready case that follows non-ready
// ones. Like Go's TestSelectFairness, each count must lie within 10 standard
// deviations of trials/k, which a fair choice misses with probability
// below 1e-20, and a 75/25 bias at this many trials fails by far.
func TestSelectFair(t *testing.T) {
	const trials = 20000
	for _, layout := range []string{"..RR", "R..R", ".R.R.R", "RR", "R.R.R.R.", "...R..RR"} {
		t.Run(layout, func(t *testing.T) {
			sel := channel.NewSelect()
			var refill []func()
			var ready []int // the case indexes that are ready
			for _, c := range layout {
				if c == '.' {
					rx := channel.Never[int]()
					defer rx.Close()
					sel.Add(channel.OnRecv(rx, func(int, error) { t.Fatal("a never-ready case fired") }))
					continue
				}
				tx, rx := channel.Bounded[int](1)
				defer tx.Close()
				defer rx.Close()
				tx.Send(0)
				ready = append(ready, sel.Add(channel.OnRecv(rx, nil)))
				refill = append(refill, func() { tx.Send(0) })
			}
			counts := map[int]int{}
			for range trials {
				i := sel.Wait()
				counts[i]++
				refill[slices.Index(ready, i)]()
			}
			k := float64(len(ready))
			mean := trials / k
			sigma := math.Sqrt(trials * (1 / k) * (1 - 1/k))
			for _, i := range ready {
				if d := math.Abs(float64(counts[i]) - mean); d > 10*sigma {
					t.Errorf("case %d chosen %d of %d times, expected %.0f ± %.0f", i, counts[i], trials, mean, 10*sigma)
				}
			}
		})
	}
}

func TestSelectRendezvousPairsWithPeersOnly(t *testing.T) {
	tx, rx := channel.Bounded[int](0)
	defer tx.Close()
	defer rx.Close()
	sel := channel.NewSelect(channel.OnSend(tx, 1, nil), channel.OnRecv(rx, nil))
	if i, ok := sel.Try(); ok {
		t.Fatalf("a select paired its own send and receive (case %d)", i)
	}
	if i, err := sel.WaitTimeout(5 * time.Millisecond); err != channel.ErrTimeout {
		t.Fatalf("WaitTimeout = %d, %v; want ErrTimeout", i, err)
	}
	go func() { rx.Recv() }()
	var i int
	within(t, "Wait", func() { i = sel.Wait() })
	if i != 0 {
		t.Fatalf("Wait = %d, want the send case", i)
	}
}

func TestSelectTimeoutAndContext(t *testing.T) {
	tx, rx := channel.Bounded[int](0)
	defer tx.Close()
	defer rx.Close()
	sel := channel.NewSelect(channel.OnRecv(rx, nil))
	within(t, "WaitTimeout", func() {
		if i, err := sel.WaitTimeout(5 * time.Millisecond); i != -1 || err != channel.ErrTimeout {
			t.Errorf("WaitTimeout = %d, %v", i, err)
		}
		if i, err := sel.WaitDeadline(time.Now().Add(5 * time.Millisecond)); i != -1 || err != channel.ErrTimeout {
			t.Errorf("WaitDeadline = %d, %v", i, err)
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tx2, rx2 := channel.Bounded[int](1)
	defer tx2.Close()
	defer rx2.Close()
	tx2.Send(1)
	sel.Add(channel.OnRecv(rx2, nil))
	if i, err := sel.WaitContext(ctx); i != -1 || err != context.Canceled {
		t.Fatalf("WaitContext(done) = %d, %v", i, err)
	}
	if rx2.Len() != 1 {
		t.Fatal("WaitContext with a done context completed a case")
	}
}

func TestSelectWithTimers(t *testing.T) {
	fired := false
	sel := channel.NewSelect(
		channel.OnRecv(channel.Never[int](), nil),
		channel.OnRecv(channel.After(time.Millisecond), func(time.Time, error) { fired = true }),
	)
	within(t, "After", func() {
		if i := sel.Wait(); i != 1 || !fired {
			t.Errorf("Wait = %d, want the After case", i)
		}
	})
}

func TestSelectAllocatesNothing(t *testing.T) {
	tx1, rx1 := channel.Bounded[int](4)
	tx2, rx2 := channel.Unbounded[int]()
	defer tx1.Close()
	defer rx1.Close()
	defer tx2.Close()
	defer rx2.Close()
	txs := []*channel.Sender[int]{tx1, tx2}
	tx1.Send(0)
	tx2.Send(1)
	sel := channel.NewSelect(channel.OnRecv(rx1, nil), channel.OnRecv(rx2, nil))
	allocs := testing.AllocsPerRun(1000, func() {
		i := sel.Wait()
		txs[i].Send(i)
	})
	if allocs > 0.05 {
		t.Fatalf("%v allocations per Wait, want 0", allocs)
	}
}

// A Selector over thousands of cases works, and finds the one that is ready.
func TestSelectThousandsOfCases(t *testing.T) {
	const n = 3000
	txs := make([]*channel.Sender[int], n)
	sel := channel.NewSelect()
	got := -1
	for i := range n {
		tx, rx := channel.Bounded[int](i % 2) // rendezvous and buffered mixed
		defer tx.Close()
		defer rx.Close()
		txs[i] = tx
		sel.Add(channel.OnRecv(rx, func(v int, err error) {
			if err != nil {
				t.Error(err)
			}
			got = v
		}))
	}
	for _, i := range []int{0, 1, n / 2, n - 1} {
		go func() { txs[i].Send(i) }()
		var idx int
		within(t, "Wait", func() { idx = sel.Wait() })
		if idx != i || got != i {
			t.Fatalf("Wait = %d with %d, want %d", idx, got, i)
		}
	}
}
