package channel_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/baton-go/baton/channel"
)

// The stress tests run many producers and consumers on every flavor and
// account for every value: each is received exactly once, handed back in a
// *SendError, or (only when the last receiver closes) dropped from the
// buffer. Values carry their producer and sequence number, so per-producer
// FIFO order is checked too: what one consumer gets from one producer must
// come in increasing order.

// stFlavor is a kind of channel: capacity 0 is rendezvous, -1 unbounded.
type stFlavor struct {
	name     string
	capacity int
}

var stFlavors = []stFlavor{
	{"rendezvous", 0},
	{"bounded1", 1},
	{"bounded3", 3},
	{"bounded1024", 1024},
	{"unbounded", -1},
}

func stChan[T any](capacity int) (*channel.Sender[T], *channel.Receiver[T]) {
	if capacity < 0 {
		return channel.Unbounded[T]()
	}
	return channel.Bounded[T](capacity)
}

// stScale shrinks n under -short.
func stScale(n int) int {
	if testing.Short() {
		return max(1, n/4)
	}
	return n
}

// stValue packs a producer and a sequence number into one value.
func stValue(p, seq int) int   { return p<<32 | seq }
func stSplit(v int) (p, s int) { return v >> 32, v & (1<<32 - 1) }

// stHangAfter is how long a stress test may run before it counts as hung.
const stHangAfter = 30 * time.Second

// stWait waits for wg, failing the test with every goroutine's stack if that
// takes longer than stHangAfter.
func stWait(t *testing.T, wg *sync.WaitGroup, what string) {
	t.Helper()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(stHangAfter):
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		t.Fatalf("%s: still running after %v; goroutines:\n%s", what, stHangAfter, buf)
	}
}

// stLedger accounts for the values of P producers, each sending sequence
// numbers below M.
type stLedger struct {
	P, M     int
	received [][]uint8 // [producer][seq]: how many times it was received
}

func newStLedger(P, M int) *stLedger {
	l := &stLedger{P: P, M: M, received: make([][]uint8, P)}
	for p := range l.received {
		l.received[p] = make([]uint8, M)
	}
	return l
}

// add takes one consumer's log, in the order it received the values, and
// checks that each producer's values came in increasing order.
func (l *stLedger) add(t *testing.T, consumer int, log []int) {
	t.Helper()
	last := make([]int, l.P)
	for p := range last {
		last[p] = -1
	}
	reported := 0
	for _, v := range log {
		p, s := stSplit(v)
		if p < 0 || p >= l.P || s >= l.M {
			t.Errorf("consumer %d received %#x, which nobody sent", consumer, v)
			continue
		}
		if s <= last[p] && reported < 5 {
			reported++
			t.Errorf("consumer %d received producer %d's seq %d after seq %d: FIFO order broken", consumer, p, s, last[p])
		}
		last[p] = s
		if l.received[p][s] < 255 {
			l.received[p][s]++
		}
	}
}

// expect checks that (p, s) was received exactly want times (0 or 1), and
// reports at most a few mismatches.
func (l *stLedger) expect(t *testing.T, p, s, want int, why string, bad *int) {
	t.Helper()
	if got := int(l.received[p][s]); got != want {
		*bad++
		if *bad <= 5 {
			t.Errorf("producer %d seq %d received %d times, want %d (%s)", p, s, got, want, why)
		}
	}
}

// expectAll checks that every value of every producer was received exactly
// once, sharing bad with expect.
func (l *stLedger) expectAll(t *testing.T, why string, bad *int) {
	t.Helper()
	for p := range l.P {
		for s := range l.M {
			l.expect(t, p, s, 1, why, bad)
		}
	}
}

// TestStressMPMC runs P producers and C consumers on every flavor. The
// producers send with Send, TrySend or SendTimeout (retrying until the value
// is in), each on its own clone, which it swaps for a fresh clone now and
// then and closes at the end; the consumers use All, Recv, TryRecv or
// RecvTimeout and stop at disconnection. Every value must arrive exactly
// once, in order per producer.
func TestStressMPMC(t *testing.T) {
	const P, C = 4, 4
	M := stScale(20000)
	for _, fl := range stFlavors {
		t.Run(fl.name, func(t *testing.T) {
			tx, rx := stChan[int](fl.capacity)
			var wg sync.WaitGroup
			for p := range P {
				wg.Add(1)
				go func(tx *channel.Sender[int]) {
					defer wg.Done()
					defer func() { tx.Close() }()
					for s := range M {
						if s%500 == 499 { // churn the handle count
							n := tx.Clone()
							tx.Close()
							tx = n
						}
						v := stValue(p, s)
						var err error
						switch p % 3 {
						case 0:
							err = tx.Send(v)
						case 1:
							for err = tx.TrySend(v); errors.Is(err, channel.ErrFull); err = tx.TrySend(v) {
								runtime.Gosched()
							}
						case 2:
							for {
								// d == 0 is a single attempt: yield, or it spins
								d := time.Duration(rand.IntN(20)) * time.Microsecond
								if err = tx.SendTimeout(v, d); !errors.Is(err, channel.ErrTimeout) {
									break
								}
								if d == 0 {
									runtime.Gosched()
								}
							}
						}
						if err != nil {
							t.Errorf("producer %d: send %d: %v", p, s, err)
							return
						}
					}
				}(tx.Clone())
			}
			tx.Close() // the producers hold their own clones

			logs := make([][]int, C)
			for c := range C {
				wg.Add(1)
				go func(rx *channel.Receiver[int]) {
					defer wg.Done()
					defer func() { rx.Close() }()
					var log []int
					defer func() { logs[c] = log }()
					if c%4 == 0 {
						for v := range rx.All() {
							log = append(log, v)
						}
						return
					}
					for n := 0; ; n++ {
						if n%700 == 699 {
							r := rx.Clone()
							rx.Close()
							rx = r
						}
						var v int
						var err error
						switch c % 4 {
						case 1:
							v, err = rx.Recv()
						case 2:
							v, err = rx.TryRecv()
							if errors.Is(err, channel.ErrEmpty) {
								runtime.Gosched()
								continue
							}
						case 3:
							v, err = rx.RecvTimeout(time.Duration(rand.IntN(20)) * time.Microsecond)
							if errors.Is(err, channel.ErrTimeout) {
								runtime.Gosched()
								continue
							}
						}
						if errors.Is(err, channel.ErrDisconnected) {
							return
						}
						if err != nil {
							t.Errorf("consumer %d: %v", c, err)
							return
						}
						log = append(log, v)
					}
				}(rx.Clone())
			}
			rx.Close()
			stWait(t, &wg, "MPMC")

			l := newStLedger(P, M)
			for c, log := range logs {
				l.add(t, c, log)
			}
			bad := 0
			l.expectAll(t, "sent once", &bad)
		})
	}
}

// TestStressCloseReceivers lets producers send until the channel
// disconnects, while consumers take a quota each and close their receivers,
// so the last close happens while producers are blocked (or, unbounded,
// sending). A producer's failed send must say ErrDisconnected and hand back
// the very value it tried to send. Nothing may be received twice or
// received after being handed back, and what was sent but not received
// must have been in the buffer when it was dropped: at most its capacity.
func TestStressCloseReceivers(t *testing.T) {
	const P, C = 4, 4
	maxSeq := stScale(20000)
	rounds := stScale(8)
	for _, fl := range stFlavors {
		t.Run(fl.name, func(t *testing.T) {
			for round := range rounds {
				stCloseReceiversRound(t, fl, P, C, maxSeq, round)
				if t.Failed() {
					return
				}
			}
		})
	}
}

func stCloseReceiversRound(t *testing.T, fl stFlavor, P, C, maxSeq, round int) {
	tx, rx := stChan[int](fl.capacity)
	keep := tx.Clone() // stays open, to look at the channel afterwards
	defer keep.Close()

	var wg sync.WaitGroup
	sentOK := make([]int, P) // the producer sent seq 0 .. sentOK-1
	failed := make([]bool, P)
	for p := range P {
		wg.Add(1)
		go func(tx *channel.Sender[int]) {
			defer wg.Done()
			defer tx.Close()
			for s := range maxSeq {
				v := stValue(p, s)
				var err error
				switch (p + round) % 3 {
				case 0:
					err = tx.Send(v)
				case 1:
					err = tx.SendContext(context.Background(), v)
				case 2:
					err = tx.SendTimeout(v, time.Hour)
				}
				if err != nil {
					var se *channel.SendError[int]
					if !errors.As(err, &se) || !errors.Is(err, channel.ErrDisconnected) {
						t.Errorf("producer %d: send failed with %v (%T), want a *SendError with ErrDisconnected", p, err, err)
					} else if se.Value != v {
						t.Errorf("producer %d: SendError.Value = %#x, want %#x", p, se.Value, v)
					}
					sentOK[p], failed[p] = s, true
					return
				}
				if fl.capacity < 0 && s%64 == 0 {
					runtime.Gosched() // unbounded: do not outrun the consumers by too much
				}
			}
			sentOK[p] = maxSeq
		}(tx.Clone())
	}
	tx.Close()

	logs := make([][]int, C)
	for c := range C {
		quota := 1 + rand.IntN(maxSeq/C)
		wg.Add(1)
		go func(rx *channel.Receiver[int]) {
			defer wg.Done()
			var log []int
			for len(log) < quota {
				var v int
				var err error
				if c%2 == 0 {
					v, err = rx.Recv()
				} else {
					v, err = rx.RecvTimeout(time.Hour)
				}
				if errors.Is(err, channel.ErrDisconnected) {
					break // every producer finished
				}
				if err != nil {
					t.Errorf("consumer %d: %v", c, err)
					break
				}
				log = append(log, v)
			}
			logs[c] = log
			rx.Close()
			rx.Close() // idempotent
			if v, err := rx.TryRecv(); !errors.Is(err, channel.ErrClosed) {
				t.Errorf("TryRecv on a closed receiver = (%d, %v), want ErrClosed", v, err)
			}
		}(rx.Clone())
	}
	rx.Close()
	stWait(t, &wg, "close receivers")

	l := newStLedger(P, maxSeq)
	for c, log := range logs {
		l.add(t, c, log)
	}
	bad, dropped, anyFailed := 0, 0, false
	for p := range P {
		anyFailed = anyFailed || failed[p]
		for s := range maxSeq {
			switch n := int(l.received[p][s]); {
			case s >= sentOK[p]:
				// handed back (s == sentOK) or never attempted
				l.expect(t, p, s, 0, "not sent", &bad)
			case n == 0:
				dropped++
			case n > 1:
				l.expect(t, p, s, 1, "sent once", &bad)
			}
		}
	}
	if fl.capacity >= 0 && dropped > fl.capacity {
		t.Errorf("round %d: %d values sent but never received, more than the capacity %d could hold when the last receiver closed", round, dropped, fl.capacity)
	}
	if anyFailed {
		if !keep.IsDisconnected() {
			t.Errorf("a send failed with ErrDisconnected, but IsDisconnected is false")
		}
	}
	if !keep.IsDisconnected() {
		return // every producer finished before the receivers left
	}
	if n := keep.Len(); n != 0 {
		t.Errorf("Len after the last receiver closed = %d, want 0", n)
	}
	if err := keep.TrySend(-1); !errors.Is(err, channel.ErrDisconnected) {
		t.Errorf("TrySend after the last receiver closed = %v, want ErrDisconnected", err)
	}
	if err := keep.Send(-1); !errors.Is(err, channel.ErrDisconnected) {
		t.Errorf("Send after the last receiver closed = %v, want ErrDisconnected", err)
	}
}

// stCtx returns a context for one operation: often already cancelled,
// otherwise timing out after a random few microseconds, or cancelled by
// another goroutine at a random moment.
func stCtx() (context.Context, context.CancelFunc) {
	switch r := rand.IntN(8); {
	case r == 0:
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		return ctx, cancel
	case r <= 4:
		return context.WithTimeout(context.Background(), time.Duration(rand.IntN(50))*time.Microsecond)
	default:
		ctx, cancel := context.WithCancel(context.Background())
		t := time.AfterFunc(time.Duration(rand.IntN(50))*time.Microsecond, cancel)
		return ctx, func() { t.Stop(); cancel() }
	}
}

// stGiveUp is one kind of operation that may give up: with contexts or with
// timeouts. An operation that gives up must have had no effect.
type stGiveUp struct {
	name string
	send func(tx *channel.Sender[int], v int) (err, want error)
	recv func(rx *channel.Receiver[int]) (v int, err, want error)
}

var stGiveUps = []stGiveUp{
	{
		name: "context",
		send: func(tx *channel.Sender[int], v int) (error, error) {
			ctx, cancel := stCtx()
			defer cancel()
			err := tx.SendContext(ctx, v)
			return err, ctx.Err()
		},
		recv: func(rx *channel.Receiver[int]) (int, error, error) {
			ctx, cancel := stCtx()
			defer cancel()
			v, err := rx.RecvContext(ctx)
			return v, err, ctx.Err()
		},
	},
	{
		name: "timeout",
		send: func(tx *channel.Sender[int], v int) (error, error) {
			d := time.Duration(rand.IntN(4)) * 2 * time.Microsecond
			if rand.IntN(2) == 0 {
				return tx.SendDeadline(v, time.Now().Add(d)), channel.ErrTimeout
			}
			return tx.SendTimeout(v, d), channel.ErrTimeout
		},
		recv: func(rx *channel.Receiver[int]) (int, error, error) {
			d := time.Duration(rand.IntN(4)) * 2 * time.Microsecond
			if rand.IntN(2) == 0 {
				v, err := rx.RecvDeadline(time.Now().Add(d))
				return v, err, channel.ErrTimeout
			}
			v, err := rx.RecvTimeout(d)
			return v, err, channel.ErrTimeout
		},
	},
}

// TestStressGiveUp sends and receives with contexts that end at random
// moments, and with tiny timeouts, under contention. A send that fails must
// fail with the context's error (or ErrTimeout), hand its value back, and
// that value must never be received; a receive that fails must consume
// nothing. So the values received are exactly the values whose send
// succeeded.
func TestStressGiveUp(t *testing.T) {
	const P, C = 3, 3
	M := stScale(4000)
	for _, g := range stGiveUps {
		for _, fl := range stFlavors {
			t.Run(g.name+"/"+fl.name, func(t *testing.T) {
				tx, rx := stChan[int](fl.capacity)
				ok := make([][]bool, P)
				var gaveUp atomic.Int64
				var wg sync.WaitGroup
				for p := range P {
					ok[p] = make([]bool, M)
					wg.Add(1)
					go func(tx *channel.Sender[int]) {
						defer wg.Done()
						defer tx.Close()
						for s := range M {
							v := stValue(p, s)
							err, want := g.send(tx, v)
							if err == nil {
								ok[p][s] = true
								continue
							}
							gaveUp.Add(1)
							var se *channel.SendError[int]
							switch {
							case !errors.As(err, &se):
								t.Errorf("send failed with %v (%T), want a *SendError", err, err)
							case se.Value != v:
								t.Errorf("SendError.Value = %#x, want %#x", se.Value, v)
							case want == nil || !errors.Is(err, want):
								t.Errorf("send failed with %v; the context's error is %v", err, want)
							}
						}
					}(tx.Clone())
				}
				tx.Close()

				logs := make([][]int, C)
				for c := range C {
					wg.Add(1)
					go func(rx *channel.Receiver[int]) {
						defer wg.Done()
						defer rx.Close()
						var log []int
						for {
							var v int
							var err, want error
							if c == 0 && rand.IntN(4) == 0 {
								v, err = rx.Recv() // keeps a rendezvous moving
							} else {
								v, err, want = g.recv(rx)
							}
							if err == nil {
								log = append(log, v)
								continue
							}
							if errors.Is(err, channel.ErrDisconnected) {
								break
							}
							if want == nil || !errors.Is(err, want) {
								t.Errorf("consumer %d: receive failed with %v; the context's error is %v", c, err, want)
								break
							}
							if v != 0 {
								t.Errorf("consumer %d: failed receive returned value %#x", c, v)
							}
						}
						logs[c] = log
					}(rx.Clone())
				}
				rx.Close()
				stWait(t, &wg, g.name)

				l := newStLedger(P, M)
				for c, log := range logs {
					l.add(t, c, log)
				}
				bad, sent := 0, 0
				for p := range P {
					for s := range M {
						want := 0
						if ok[p][s] {
							want = 1
							sent++
						}
						l.expect(t, p, s, want, "sent or given up", &bad)
					}
				}
				t.Logf("%d sent, %d sends gave up", sent, gaveUp.Load())
			})
		}
	}
}

// TestStressCloseSendersWhileReceiving closes the producers' handles while
// consumers are parked in Recv: the consumers must drain everything
// buffered, then all see ErrDisconnected. Each round sends only a few
// values, so the consumers are usually waiting when the last close comes.
func TestStressCloseSendersWhileReceiving(t *testing.T) {
	const P, C, M = 3, 4, 5
	rounds := stScale(1000)
	for _, fl := range stFlavors {
		t.Run(fl.name, func(t *testing.T) {
			for round := range rounds {
				tx, rx := stChan[int](fl.capacity)
				var wg sync.WaitGroup
				logs := make([][]int, C)
				for c := range C {
					wg.Add(1)
					go func(rx *channel.Receiver[int]) {
						defer wg.Done()
						defer rx.Close()
						for v := range rx.All() {
							logs[c] = append(logs[c], v)
						}
						if _, err := rx.Recv(); !errors.Is(err, channel.ErrDisconnected) {
							t.Errorf("Recv after All ended = %v, want ErrDisconnected", err)
						}
						if !rx.IsDisconnected() {
							t.Errorf("IsDisconnected = false after All ended")
						}
					}(rx.Clone())
				}
				rx.Close()
				for p := range P {
					wg.Add(1)
					go func(tx *channel.Sender[int]) {
						defer wg.Done()
						defer tx.Close()
						for s := range M {
							if err := tx.Send(stValue(p, s)); err != nil {
								t.Errorf("send: %v", err)
							}
						}
					}(tx.Clone())
				}
				tx.Close()
				stWait(t, &wg, "close senders")
				l := newStLedger(P, M)
				for c, log := range logs {
					l.add(t, c, log)
				}
				bad := 0
				l.expectAll(t, "sent once", &bad)
				if t.Failed() {
					t.Fatalf("round %d failed", round)
				}
			}
		})
	}
}

// TestStressCloseRaces closes handles from other goroutines while their
// owners are using them. On the sending side, each producer's clone is
// closed at a random moment while the producer sends on it: every send
// either succeeds, and then the value must be received, or fails with
// ErrClosed or ErrDisconnected and hands the value back. On the receiving
// side, each consumer's clone is closed at a random moment while the
// consumer receives on it; the last close drops at most a buffer's worth.
func TestStressCloseRaces(t *testing.T) {
	const P, C = 3, 3
	maxSeq := stScale(4000)
	rounds := stScale(6)
	for _, side := range []string{"senders", "receivers"} {
		for _, fl := range stFlavors {
			t.Run(side+"/"+fl.name, func(t *testing.T) {
				for range rounds {
					stCloseRacesRound(t, fl, side == "senders", P, C, maxSeq)
					if t.Failed() {
						return
					}
				}
			})
		}
	}
}

func stCloseRacesRound(t *testing.T, fl stFlavor, killSenders bool, P, C, maxSeq int) {
	tx, rx := stChan[int](fl.capacity)
	var wg sync.WaitGroup
	// kill closes h after a random short while, racing with its owner.
	kill := func(h interface{ Close() }) {
		wg.Add(1)
		time.AfterFunc(time.Duration(rand.IntN(2000))*time.Microsecond, func() {
			defer wg.Done()
			h.Close()
		})
	}

	sentOK := make([]int, P)
	for p := range P {
		mine := tx.Clone()
		if killSenders {
			kill(mine)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer mine.Close()
			sentOK[p] = maxSeq
			for s := range maxSeq {
				v := stValue(p, s)
				err := mine.Send(v)
				if err == nil {
					continue
				}
				var se *channel.SendError[int]
				switch {
				case !errors.As(err, &se):
					t.Errorf("producer %d: %v (%T), want a *SendError", p, err, err)
				case se.Value != v:
					t.Errorf("producer %d: SendError.Value = %#x, want %#x", p, se.Value, v)
				case !errors.Is(err, channel.ErrClosed) && !errors.Is(err, channel.ErrDisconnected):
					t.Errorf("producer %d: send failed with %v, want ErrClosed or ErrDisconnected", p, err)
				}
				sentOK[p] = s
				return
			}
		}()
	}
	tx.Close()

	logs := make([][]int, C)
	for c := range C {
		mine := rx.Clone()
		if !killSenders {
			kill(mine)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer mine.Close()
			for {
				v, err := mine.Recv()
				if err != nil {
					if !errors.Is(err, channel.ErrDisconnected) && !errors.Is(err, channel.ErrClosed) {
						t.Errorf("consumer %d: %v", c, err)
					}
					return
				}
				logs[c] = append(logs[c], v)
			}
		}()
	}
	rx.Close()
	stWait(t, &wg, "close races")

	l := newStLedger(P, maxSeq)
	for c, log := range logs {
		l.add(t, c, log)
	}
	bad, dropped := 0, 0
	for p := range P {
		for s := range maxSeq {
			switch n := int(l.received[p][s]); {
			case s >= sentOK[p]:
				l.expect(t, p, s, 0, "not sent", &bad)
			case n == 0:
				dropped++
			case n > 1:
				l.expect(t, p, s, 1, "sent once", &bad)
			}
		}
	}
	switch {
	case killSenders && dropped > 0:
		t.Errorf("%d values sent successfully were never received, though the receivers stayed to the end", dropped)
	case fl.capacity >= 0 && dropped > fl.capacity:
		t.Errorf("%d values sent but never received, more than the capacity %d", dropped, fl.capacity)
	}
}
