package channel_test

import (
	"context"
	"errors"
	"math"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
	"weak"

	"github.com/baton-go/baton/channel"
)

// hang turns a hang into a failure; it never judges speed.
const hang = 30 * time.Second

type flavorCase struct {
	name string
	cap  int // -1: unbounded
}

var flavors = []flavorCase{{"rendezvous", 0}, {"bounded1", 1}, {"bounded3", 3}, {"unbounded", -1}}

func open[T any](cap int) (*channel.Sender[T], *channel.Receiver[T]) {
	if cap < 0 {
		return channel.Unbounded[T]()
	}
	return channel.Bounded[T](cap)
}

// within fails the test if fn does not return before the hang guard.
func within(t *testing.T, what string, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); fn() }()
	select {
	case <-done:
	case <-time.After(hang):
		t.Fatalf("%s: still blocked after %v", what, hang)
	}
}

// sendErr checks that err is a *SendError holding v and caused by cause.
func sendErr[T comparable](t *testing.T, err error, v T, cause error) {
	t.Helper()
	var se *channel.SendError[T]
	if !errors.As(err, &se) {
		t.Fatalf("err = %v (%T), want *SendError", err, err)
	}
	if se.Value != v {
		t.Fatalf("SendError.Value = %v, want %v", se.Value, v)
	}
	if !errors.Is(err, cause) {
		t.Fatalf("err = %v, want it to wrap %v", err, cause)
	}
}

func TestBoundedNegativePanics(t *testing.T) {
	defer func() {
		r := recover()
		if s, _ := r.(string); !strings.Contains(s, "negative capacity") {
			t.Fatalf("recover() = %v, want a panic about negative capacity", r)
		}
	}()
	channel.Bounded[int](-1)
}

func TestIntrospection(t *testing.T) {
	for _, f := range flavors {
		t.Run(f.name, func(t *testing.T) {
			tx, rx := open[int](f.cap)
			defer tx.Close()
			defer rx.Close()
			if tx.Cap() != f.cap || rx.Cap() != f.cap {
				t.Fatalf("Cap = %d/%d, want %d", tx.Cap(), rx.Cap(), f.cap)
			}
			if !tx.IsEmpty() || !rx.IsEmpty() || tx.Len() != 0 {
				t.Fatal("a new channel is not empty")
			}
			if got, want := rx.IsFull(), f.cap == 0; got != want {
				t.Fatalf("new IsFull = %v, want %v", got, want)
			}
			if f.cap == 0 {
				return // a rendezvous channel buffers nothing
			}
			n := 3
			if f.cap > 0 {
				n = f.cap
			}
			for i := range n {
				if err := tx.TrySend(i); err != nil {
					t.Fatal(err)
				}
			}
			if tx.Len() != n || rx.Len() != n || rx.IsEmpty() {
				t.Fatalf("Len = %d, want %d", tx.Len(), n)
			}
			if got, want := tx.IsFull(), f.cap > 0; got != want {
				t.Fatalf("IsFull = %v, want %v", got, want)
			}
			if tx.IsDisconnected() || rx.IsDisconnected() {
				t.Fatal("disconnected while both sides are open")
			}
		})
	}
}

func TestTryForms(t *testing.T) {
	for _, f := range flavors {
		t.Run(f.name, func(t *testing.T) {
			tx, rx := open[int](f.cap)
			defer tx.Close()
			defer rx.Close()
			if _, err := rx.TryRecv(); err != channel.ErrEmpty {
				t.Fatalf("TryRecv on empty: %v, want ErrEmpty", err)
			}
			if f.cap == 0 {
				sendErr(t, tx.TrySend(7), 7, channel.ErrFull)
				return
			}
			if f.cap > 0 {
				for i := range f.cap {
					tx.TrySend(i)
				}
				sendErr(t, tx.TrySend(99), 99, channel.ErrFull)
				for i := range f.cap {
					if v, err := rx.TryRecv(); err != nil || v != i {
						t.Fatalf("TryRecv = %v, %v; want %d (FIFO)", v, err, i)
					}
				}
				return
			}
			for i := range 1000 { // several blocks of the unbounded flavor
				if err := tx.TrySend(i); err != nil {
					t.Fatal(err)
				}
			}
			for i := range 1000 {
				if v, err := rx.TryRecv(); err != nil || v != i {
					t.Fatalf("TryRecv = %v, %v; want %d (FIFO)", v, err, i)
				}
			}
		})
	}
}

func TestZeroTimeoutIsATry(t *testing.T) {
	for _, f := range flavors {
		t.Run(f.name, func(t *testing.T) {
			tx, rx := open[int](f.cap)
			defer tx.Close()
			defer rx.Close()
			for _, d := range []time.Duration{0, -time.Second} {
				if _, err := rx.RecvTimeout(d); err != channel.ErrTimeout {
					t.Fatalf("RecvTimeout(%v) on empty: %v, want ErrTimeout", d, err)
				}
			}
			if _, err := rx.RecvDeadline(time.Now().Add(-time.Hour)); err != channel.ErrTimeout {
				t.Fatalf("RecvDeadline(past): %v, want ErrTimeout", err)
			}
			if _, err := rx.RecvDeadline(time.Time{}); err != channel.ErrTimeout {
				t.Fatalf("RecvDeadline(zero Time): %v, want ErrTimeout", err)
			}
			if f.cap < 0 {
				if err := tx.SendTimeout(1, 0); err != nil {
					t.Fatalf("SendTimeout(0) on unbounded: %v", err)
				}
				if v, err := rx.RecvTimeout(0); err != nil || v != 1 {
					t.Fatalf("RecvTimeout(0) with a value ready: %v, %v", v, err)
				}
				return
			}
			for i := range f.cap {
				if err := tx.SendTimeout(i, 0); err != nil {
					t.Fatalf("SendTimeout(0) with room: %v", err)
				}
			}
			sendErr(t, tx.SendTimeout(5, 0), 5, channel.ErrTimeout)
			sendErr(t, tx.SendDeadline(6, time.Now().Add(-time.Second)), 6, channel.ErrTimeout)
		})
	}
}

func TestTimeoutExpires(t *testing.T) {
	for _, f := range flavors {
		t.Run(f.name, func(t *testing.T) {
			tx, rx := open[int](f.cap)
			defer tx.Close()
			defer rx.Close()
			within(t, "RecvTimeout", func() {
				if _, err := rx.RecvTimeout(5 * time.Millisecond); err != channel.ErrTimeout {
					t.Errorf("RecvTimeout: %v, want ErrTimeout", err)
				}
				if _, err := rx.RecvDeadline(time.Now().Add(5 * time.Millisecond)); err != channel.ErrTimeout {
					t.Errorf("RecvDeadline: %v, want ErrTimeout", err)
				}
			})
			if f.cap < 0 {
				return
			}
			for i := range f.cap {
				tx.Send(i)
			}
			within(t, "SendTimeout", func() {
				sendErr(t, tx.SendTimeout(42, 5*time.Millisecond), 42, channel.ErrTimeout)
				sendErr(t, tx.SendDeadline(43, time.Now().Add(5*time.Millisecond)), 43, channel.ErrTimeout)
			})
			if rx.Len() != max(f.cap, 0) {
				t.Fatalf("a timed-out send changed Len to %d", rx.Len())
			}
		})
	}
}

func TestTimeoutCompletesWhenPeerArrives(t *testing.T) {
	for _, f := range flavors {
		t.Run(f.name, func(t *testing.T) {
			tx, rx := open[int](f.cap)
			defer tx.Close()
			defer rx.Close()
			go func() { tx.Send(11) }()
			if v, err := rx.RecvTimeout(hang); err != nil || v != 11 {
				t.Fatalf("RecvTimeout = %v, %v; want 11", v, err)
			}
		})
	}
}

func TestContext(t *testing.T) {
	for _, f := range flavors {
		t.Run(f.name, func(t *testing.T) {
			tx, rx := open[int](f.cap)
			defer tx.Close()
			defer rx.Close()
			done, cancel := context.WithCancel(context.Background())
			cancel()
			// A context already done fails at once and has no effect, even
			// when the operation could proceed.
			if f.cap != 0 {
				sendErr(t, tx.SendContext(done, 1), 1, context.Canceled)
				if rx.Len() != 0 {
					t.Fatal("a send with a done context sent")
				}
				tx.Send(2)
				if _, err := rx.RecvContext(done); !errors.Is(err, context.Canceled) {
					t.Fatalf("RecvContext(done) = %v, want context.Canceled", err)
				}
				if v, err := rx.Recv(); err != nil || v != 2 {
					t.Fatalf("the value was consumed by a receive with a done context: %v, %v", v, err)
				}
			}
			// A context that ends while waiting ends the wait.
			ctx, cancel2 := context.WithTimeout(context.Background(), 5*time.Millisecond)
			defer cancel2()
			within(t, "RecvContext", func() {
				if _, err := rx.RecvContext(ctx); !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("RecvContext = %v, want DeadlineExceeded", err)
				}
			})
			if f.cap < 0 {
				return
			}
			for i := range f.cap {
				tx.Send(i)
			}
			ctx3, cancel3 := context.WithCancel(context.Background())
			go func() { time.Sleep(5 * time.Millisecond); cancel3() }()
			within(t, "SendContext", func() {
				sendErr(t, tx.SendContext(ctx3, 9), 9, context.Canceled)
			})
		})
	}
}

func TestNilContextPanics(t *testing.T) {
	tx, rx := channel.Bounded[int](1)
	defer tx.Close()
	defer rx.Close()
	for name, fn := range map[string]func(){
		"SendContext": func() { tx.SendContext(nil, 1) },               //lint:ignore SA1012 the nil context is the point
		"RecvContext": func() { rx.RecvContext(nil) },                  //lint:ignore SA1012 the nil context is the point
		"WaitContext": func() { channel.NewSelect().WaitContext(nil) }, //lint:ignore SA1012 the nil context is the point
	} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(r.(string), "nil Context") {
					t.Errorf("%s(nil): recover() = %v, want a nil Context panic", name, r)
				}
			}()
			fn()
		}()
	}
}

func TestSendersGone(t *testing.T) {
	for _, f := range flavors {
		t.Run(f.name, func(t *testing.T) {
			tx, rx := open[int](f.cap)
			defer rx.Close()
			tx2 := tx.Clone()
			n := max(f.cap, 0)
			if f.cap < 0 {
				n = 5
			}
			for i := range n {
				tx.Send(i)
			}
			tx.Close()
			if rx.IsDisconnected() {
				t.Fatal("disconnected while a clone is open")
			}
			tx2.Close()
			if !rx.IsDisconnected() {
				t.Fatal("not disconnected after every Sender closed")
			}
			for i := range n {
				if v, err := rx.Recv(); err != nil || v != i {
					t.Fatalf("buffered value %d: got %v, %v", i, v, err)
				}
			}
			for _, recv := range []func() (int, error){rx.Recv, rx.TryRecv, func() (int, error) { return rx.RecvTimeout(time.Hour) }} {
				if _, err := recv(); err != channel.ErrDisconnected {
					t.Fatalf("receive after drain: %v, want ErrDisconnected", err)
				}
			}
		})
	}
}

func TestReceiversGone(t *testing.T) {
	for _, f := range flavors {
		t.Run(f.name, func(t *testing.T) {
			tx, rx := open[*[64]byte](f.cap)
			defer tx.Close()
			var w weak.Pointer[[64]byte]
			if f.cap != 0 {
				p := new([64]byte)
				w = weak.Make(p)
				tx.Send(p)
			}
			rx2 := rx.Clone()
			rx.Close()
			if tx.IsDisconnected() {
				t.Fatal("disconnected while a clone is open")
			}
			rx2.Close()
			if !tx.IsDisconnected() {
				t.Fatal("not disconnected after every Receiver closed")
			}
			v := new([64]byte)
			sendErr(t, tx.Send(v), v, channel.ErrDisconnected)
			sendErr(t, tx.TrySend(v), v, channel.ErrDisconnected)
			sendErr(t, tx.SendTimeout(v, time.Hour), v, channel.ErrDisconnected)
			if f.cap != 0 {
				runtime.GC()
				if w.Value() != nil {
					t.Fatal("a buffered value is still reachable after every Receiver closed")
				}
			}
		})
	}
}

func TestDisconnectWakesBlocked(t *testing.T) {
	for _, f := range flavors {
		t.Run(f.name, func(t *testing.T) {
			tx, rx := open[int](f.cap)
			var wg sync.WaitGroup
			for range 3 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := rx.Recv(); err != channel.ErrDisconnected {
						t.Errorf("blocked Recv woke with %v, want ErrDisconnected", err)
					}
				}()
			}
			tx.Close()
			within(t, "receivers", wg.Wait)
			rx.Close()

			if f.cap < 0 {
				return // an unbounded send never blocks
			}
			tx, rx = open[int](f.cap)
			defer tx.Close()
			for i := range f.cap {
				tx.Send(i)
			}
			for i := range 3 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					sendErr(t, tx.Send(100+i), 100+i, channel.ErrDisconnected)
				}()
			}
			rx.Close()
			within(t, "senders", wg.Wait)
		})
	}
}

func TestClosedHandle(t *testing.T) {
	for _, f := range flavors {
		t.Run(f.name, func(t *testing.T) {
			tx, rx := open[int](f.cap)
			tx2, rx2 := tx.Clone(), rx.Clone()
			defer tx2.Close()
			defer rx2.Close()
			tx.Close()
			tx.Close() // idempotent
			rx.Close()
			rx.Close()
			if tx2.IsDisconnected() || rx2.IsDisconnected() {
				t.Fatal("closing one of two handles disconnected the channel")
			}
			sendErr(t, tx.Send(1), 1, channel.ErrClosed)
			sendErr(t, tx.TrySend(1), 1, channel.ErrClosed)
			sendErr(t, tx.SendTimeout(1, time.Hour), 1, channel.ErrClosed)
			sendErr(t, tx.SendDeadline(1, time.Now().Add(time.Hour)), 1, channel.ErrClosed)
			sendErr(t, tx.SendContext(context.Background(), 1), 1, channel.ErrClosed)
			for _, recv := range []func() (int, error){
				rx.Recv, rx.TryRecv,
				func() (int, error) { return rx.RecvTimeout(time.Hour) },
				func() (int, error) { return rx.RecvDeadline(time.Now().Add(time.Hour)) },
				func() (int, error) { return rx.RecvContext(context.Background()) },
			} {
				if _, err := recv(); err != channel.ErrClosed {
					t.Fatalf("receive on a closed handle: %v, want ErrClosed", err)
				}
			}
			for range rx.All() {
				t.Fatal("All on a closed handle yielded")
			}
			// A clone of a closed handle is closed, and does not revive it.
			sendErr(t, tx.Clone().Send(1), 1, channel.ErrClosed)
			if _, err := rx.Clone().Recv(); err != channel.ErrClosed {
				t.Fatalf("Recv on a clone of a closed handle: %v", err)
			}
		})
	}
}

func TestCloseFromManyGoroutines(t *testing.T) {
	tx, rx := channel.Bounded[int](4)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(2)
		go func() { defer wg.Done(); tx.Close() }()
		go func() { defer wg.Done(); rx.Close() }()
	}
	wg.Wait()
	if !tx.IsDisconnected() || !rx.IsDisconnected() {
		t.Fatal("not disconnected")
	}
}

func TestCloneAfterSideIsGone(t *testing.T) {
	tx, rx := channel.Bounded[int](1)
	defer rx.Close()
	// A handle whose side is gone never revives it: Clone races Close here,
	// and either order leaves the channel disconnected or the clone open.
	var wg sync.WaitGroup
	clones := make(chan *channel.Sender[int], 1)
	wg.Add(2)
	go func() { defer wg.Done(); tx.Close() }()
	go func() { defer wg.Done(); clones <- tx.Clone() }()
	wg.Wait()
	c := <-clones
	if err := c.TrySend(1); err == nil {
		c.Close()
		if !rx.IsDisconnected() {
			t.Fatal("the last clone closed but the channel is connected")
		}
	} else if !errors.Is(err, channel.ErrClosed) {
		t.Fatalf("send on a clone: %v", err)
	}
}

func TestAllAndDrain(t *testing.T) {
	for _, f := range flavors {
		if f.cap >= 0 && f.cap < 3 {
			continue // the test buffers three values
		}
		t.Run(f.name, func(t *testing.T) {
			tx, rx := open[int](f.cap)
			defer rx.Close()
			tx.Send(1)
			tx.Send(2)
			got := 0
			for v := range rx.Drain() {
				got += v
			}
			if got != 3 {
				t.Fatalf("Drain summed %d, want 3", got)
			}
			if _, err := rx.TryRecv(); err != channel.ErrEmpty {
				t.Fatalf("after Drain: %v", err)
			}
			tx.Send(3)
			for v := range rx.Drain() { // stopping early leaves the rest
				_ = v
				break
			}
			go func() {
				for i := range 10 {
					tx.Send(i)
				}
				tx.Close()
			}()
			sum := 0
			for v := range rx.All() {
				sum += v
			}
			if sum != 45 {
				t.Fatalf("All summed %d, want 45", sum)
			}
		})
	}
}

func TestSteadyStateAllocatesNothing(t *testing.T) {
	for _, f := range flavors {
		if f.cap == 0 {
			continue
		}
		t.Run(f.name, func(t *testing.T) {
			tx, rx := open[int](f.cap)
			defer tx.Close()
			defer rx.Close()
			allocs := testing.AllocsPerRun(1000, func() {
				tx.Send(1)
				rx.Recv()
			})
			// The unbounded flavor takes a new block every 63 values.
			if limit := 0.05; allocs > limit {
				t.Fatalf("%v allocations per send and receive, want ~0", allocs)
			}
		})
	}
}

func TestBoundedTooLargePanics(t *testing.T) {
	defer func() {
		r := recover()
		if s, _ := r.(string); !strings.Contains(s, "too large") {
			t.Fatalf("recover() = %v, want a panic about a capacity too large", r)
		}
	}()
	channel.Bounded[int](math.MaxInt)
}
