package channel_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/baton-go/baton/channel"
)

// Closing a handle ends every operation blocked through it with ErrClosed,
// handing a send's value back, while operations blocked through the other
// handles of the same channel keep waiting and later complete. The bubble's
// Wait tells when every goroutine is parked, so the test needs no sleeps.
func TestCloseWakesOperationsBlockedThroughIt(t *testing.T) {
	for _, f := range flavors {
		t.Run(f.name+"/receives", func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) { closeWakesReceives(t, f.cap) })
		})
		if f.cap < 0 {
			continue // an unbounded send never blocks
		}
		t.Run(f.name+"/sends", func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) { closeWakesSends(t, f.cap) })
		})
	}
}

// outcome records how a blocked operation ended; done is unset while it
// still blocks.
type outcome struct {
	mu   sync.Mutex
	done bool
	v    int
	err  error
}

func (o *outcome) set(v int, err error) {
	o.mu.Lock()
	o.done, o.v, o.err = true, v, err
	o.mu.Unlock()
}

func (o *outcome) get() (bool, int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.done, o.v, o.err
}

func closeWakesReceives(t *testing.T, capacity int) {
	tx, rx := open[int](capacity)
	rx2 := rx.Clone() // keeps the channel connected after rx closes
	defer tx.Close()
	defer rx2.Close()
	ops := map[string]func() (int, error){
		"Recv":        rx.Recv,
		"RecvTimeout": func() (int, error) { return rx.RecvTimeout(time.Hour) },
		"RecvContext": func() (int, error) { return rx.RecvContext(context.Background()) },
		"All": func() (int, error) {
			for v := range rx.All() {
				return v, errors.New("All yielded a value")
			}
			return 0, channel.ErrClosed // the range ended
		},
		"Selector.Wait": func() (int, error) {
			var got error
			channel.NewSelect(channel.OnRecv(rx, func(_ int, err error) { got = err })).Wait()
			return 0, got
		},
	}
	res := map[string]*outcome{}
	var wg sync.WaitGroup
	for name, op := range ops {
		o := &outcome{}
		res[name] = o
		wg.Go(func() { o.set(op()) })
	}
	other := &outcome{}
	wg.Go(func() { other.set(rx2.Recv()) })
	synctest.Wait() // every receive is parked
	rx.Close()
	synctest.Wait()
	for name, o := range res {
		if done, _, err := o.get(); !done || err != channel.ErrClosed {
			t.Errorf("%s blocked through the closed handle: done %v, err %v; want ErrClosed", name, done, err)
		}
	}
	if done, v, err := other.get(); done {
		t.Errorf("Recv on another handle was disturbed: (%d, %v)", v, err)
	}
	if t.Failed() { // disconnect, so that nothing stays blocked
		tx.Close()
		wg.Wait()
		return
	}
	go tx.Send(42) // must reach rx2, the only open receiver
	wg.Wait()
	if _, v, err := other.get(); v != 42 || err != nil {
		t.Fatalf("Recv on the other handle = (%d, %v), want (42, nil)", v, err)
	}
}

func closeWakesSends(t *testing.T, capacity int) {
	tx, rx := open[int](capacity)
	tx2 := tx.Clone()
	defer rx.Close()
	defer tx2.Close()
	for i := range capacity {
		tx.Send(i) // full, so sends block
	}
	ops := map[int]func(v int) error{
		100: tx.Send,
		101: func(v int) error { return tx.SendTimeout(v, time.Hour) },
		102: func(v int) error { return tx.SendContext(context.Background(), v) },
		103: func(v int) error {
			var got error
			channel.NewSelect(channel.OnSend(tx, v, func(err error) { got = err })).Wait()
			return &channel.SendError[int]{Value: v, Err: got} // as Send would
		},
	}
	res := map[int]*outcome{}
	var wg sync.WaitGroup
	for v, op := range ops {
		o := &outcome{}
		res[v] = o
		wg.Go(func() { o.set(0, op(v)) })
	}
	other := &outcome{}
	wg.Go(func() { other.set(0, tx2.Send(200)) })
	synctest.Wait()
	tx.Close()
	synctest.Wait()
	for v, o := range res {
		if done, _, err := o.get(); !done {
			t.Errorf("send of %d through the closed handle still blocks", v)
		} else if !errors.Is(err, channel.ErrClosed) {
			t.Errorf("send of %d through the closed handle: %v, want ErrClosed", v, err)
		}
	}
	if done, _, err := other.get(); done {
		t.Errorf("Send on another handle was disturbed: %v", err)
	}
	if t.Failed() { // disconnect, so that nothing stays blocked
		rx.Close()
		wg.Wait()
		return
	}
	for v, o := range res {
		_, _, err := o.get()
		sendErr(t, err, v, channel.ErrClosed)
	}
	// What arrives is the buffer and the other handle's value, never a value
	// sent through the closed handle.
	got := map[int]bool{}
	for range capacity + 1 {
		v, err := rx.Recv()
		if err != nil {
			t.Fatal(err)
		}
		got[v] = true
	}
	wg.Wait()
	for v := range capacity {
		if !got[v] {
			t.Errorf("buffered value %d was not received", v)
		}
	}
	if !got[200] {
		t.Errorf("the other handle's value was not received; got %v", got)
	}
	if v, err := rx.TryRecv(); err != channel.ErrEmpty {
		t.Fatalf("after everything: TryRecv = (%d, %v), want ErrEmpty", v, err)
	}
}
