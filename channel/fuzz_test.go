package channel_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/baton-go/baton/channel"
)

// FuzzChannel runs a sequence of operations, decoded from the input, on a
// real channel and on a sequential model of it (a slice used as a queue,
// plus the handles' open/closed state), single-threaded, and requires that
// they agree on every result.
//
// The first byte picks the flavor: 0 unbounded, 1..8 bounded with that
// capacity, 9 rendezvous (modulo 10). Every following byte is one operation:
// b % fzOps picks the operation and b / fzOps picks the handle (modulo the
// number of handles of that side) or a count.
func FuzzChannel(f *testing.F) {
	seeds := [][]byte{
		{1, 0, 0, 5, 5, 5},
		{3, 0, 0, 0, 0, 9, 10, 15, 5, 6, 7},
		{0, 20, 0, 22, 5, 12, 5, 5, 15},
		{9, 0, 5, 1, 6, 3, 7, 18, 19, 12, 5, 7},
		{2, 11, 0, 12, 0, 14, 0, 13, 14, 5, 9},
		{4, 0, 0, 0, 13, 14, 0, 33, 9, 10, 11, 12, 7, 17},
		{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
		{0, 20, 20, 21, 41, 61, 81, 101, 121, 141, 9, 10, 16, 36, 15, 17},
		{0, 141, 141, 141, 21, 21, 21, 12, 17, 7, 7, 7},
		{8, 0, 4, 8, 1, 2, 3, 19, 18, 14, 13, 0, 19, 18, 5},
		{5, 240, 20, 21, 12, 11, 12, 3, 7, 17, 10},
		{9, 13, 11, 3, 7, 12, 14, 18, 19, 8, 4, 5},
		{3, 11, 12, 11, 42, 9},                        // a clone of a closed sender is closed
		{3, 0, 13, 14, 13, 47, 9},                     // a clone of a closed receiver is closed
		{2, 0, 0, 13, 14, 15, 17, 18, 39, 12, 19, 40}, // closed handles in Drain, All, Select
		{1, 0, 13, 14, 0, 35, 14, 0, 9, 11, 12, 2},    // the last receiver leaves, then senders
		{9, 11, 12, 12, 5, 7, 26, 28, 17, 18},         // rendezvous: every sender leaves
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		if len(data) > 400 {
			data = data[:400] // keep each run quick
		}
		fz := newFz(t, data[0])
		defer fz.closeAll()
		for i, b := range data[1:] {
			fz.step = i
			fz.do(b)
			if t.Failed() {
				t.Fatalf("failed at op %d (byte %d) of %v", i, b, data)
			}
		}
	})
}

// fzOps is the number of distinct operations a byte can encode.
const fzOps = 21

// fzMaxHandles caps how many handles of each side a run creates.
const fzMaxHandles = 8

type fzRun struct {
	t    *testing.T
	step int
	next int // the next value to send; values are unique

	// the real channel
	txs []*channel.Sender[int]
	rxs []*channel.Receiver[int]

	// the model
	capacity  int // -1 unbounded, 0 rendezvous
	q         []int
	txOpen    []bool
	rxOpen    []bool
	senders   int // open Sender handles
	receivers int // open Receiver handles
}

func newFz(t *testing.T, b byte) *fzRun {
	fz := &fzRun{t: t, next: 1}
	var tx *channel.Sender[int]
	var rx *channel.Receiver[int]
	switch k := int(b % 10); k {
	case 0:
		fz.capacity = -1
		tx, rx = channel.Unbounded[int]()
	case 9:
		fz.capacity = 0
		tx, rx = channel.Bounded[int](0)
	default:
		fz.capacity = k
		tx, rx = channel.Bounded[int](k)
	}
	fz.txs, fz.rxs = []*channel.Sender[int]{tx}, []*channel.Receiver[int]{rx}
	fz.txOpen, fz.rxOpen = []bool{true}, []bool{true}
	fz.senders, fz.receivers = 1, 1
	return fz
}

func (fz *fzRun) closeAll() {
	for _, tx := range fz.txs {
		tx.Close()
	}
	for _, rx := range fz.rxs {
		rx.Close()
	}
}

func (fz *fzRun) errorf(format string, args ...any) {
	fz.t.Helper()
	fz.t.Errorf("op %d: "+format, append([]any{fz.step}, args...)...)
}

// Model queries.

func (fz *fzRun) modelFull() bool {
	switch {
	case fz.capacity < 0:
		return false
	case fz.capacity == 0:
		return true
	}
	return len(fz.q) >= fz.capacity
}

// sendOutcome is what the model says an attempt to send on handle i gives
// when it does not wait: nil (the value is queued), or the sentinel.
func (fz *fzRun) sendOutcome(i int, v int) error {
	switch {
	case !fz.txOpen[i]:
		return channel.ErrClosed
	case fz.receivers == 0:
		return channel.ErrDisconnected
	case fz.capacity == 0 || fz.modelFull():
		return channel.ErrFull
	}
	fz.q = append(fz.q, v)
	return nil
}

// recvOutcome is sendOutcome's mirror: the value taken, or the sentinel.
func (fz *fzRun) recvOutcome(i int) (int, error) {
	switch {
	case !fz.rxOpen[i]:
		return 0, channel.ErrClosed
	case len(fz.q) > 0:
		v := fz.q[0]
		fz.q = fz.q[1:]
		return v, nil
	case fz.senders == 0:
		return 0, channel.ErrDisconnected
	}
	return 0, channel.ErrEmpty
}

// sendWouldWait reports whether a blocking send on handle i would wait.
func (fz *fzRun) sendWouldWait(i int) bool {
	return fz.txOpen[i] && fz.receivers > 0 && (fz.capacity == 0 || fz.modelFull())
}

func (fz *fzRun) recvWouldWait(i int) bool {
	return fz.rxOpen[i] && len(fz.q) == 0 && fz.senders > 0
}

func (fz *fzRun) value() int {
	v := fz.next
	fz.next++
	return v
}

// checkSend compares a send's error with the model's sentinel.
func (fz *fzRun) checkSend(what string, v int, err, want error) {
	fz.t.Helper()
	if want == nil {
		if err != nil {
			fz.errorf("%s(%d) = %v, want nil", what, v, err)
		}
		return
	}
	var se *channel.SendError[int]
	if !errors.As(err, &se) {
		fz.errorf("%s(%d) = %v (%T), want a *SendError wrapping %v", what, v, err, err, want)
		return
	}
	if se.Value != v {
		fz.errorf("%s(%d): SendError.Value = %d", what, v, se.Value)
	}
	if !errors.Is(err, want) {
		fz.errorf("%s(%d) = %v, want %v", what, v, err, want)
	}
	if err.Error() == "" {
		fz.errorf("%s: empty error text", what)
	}
}

func (fz *fzRun) checkRecv(what string, v int, err error, wantV int, want error) {
	fz.t.Helper()
	if want == nil {
		if err != nil || v != wantV {
			fz.errorf("%s = (%d, %v), want (%d, nil)", what, v, err, wantV)
		}
		return
	}
	if err != want { // receives return the sentinel itself
		fz.errorf("%s = (%d, %v), want (0, %v)", what, v, err, want)
	}
	if v != 0 {
		fz.errorf("%s returned value %d with error %v", what, v, err)
	}
}

func (fz *fzRun) checkIntrospection() {
	fz.t.Helper()
	wantLen, wantFull := len(fz.q), fz.modelFull()
	for i, tx := range fz.txs {
		if n := tx.Len(); n != wantLen {
			fz.errorf("tx[%d].Len() = %d, want %d", i, n, wantLen)
		}
		if e := tx.IsEmpty(); e != (wantLen == 0) {
			fz.errorf("tx[%d].IsEmpty() = %v, want %v", i, e, wantLen == 0)
		}
		if full := tx.IsFull(); full != wantFull {
			fz.errorf("tx[%d].IsFull() = %v, want %v (len %d, cap %d)", i, full, wantFull, wantLen, fz.capacity)
		}
		if c := tx.Cap(); c != fz.capacity {
			fz.errorf("tx[%d].Cap() = %d, want %d", i, c, fz.capacity)
		}
		if d := tx.IsDisconnected(); d != (fz.receivers == 0) {
			fz.errorf("tx[%d].IsDisconnected() = %v, want %v", i, d, fz.receivers == 0)
		}
	}
	for i, rx := range fz.rxs {
		if n := rx.Len(); n != wantLen {
			fz.errorf("rx[%d].Len() = %d, want %d", i, n, wantLen)
		}
		if e := rx.IsEmpty(); e != (wantLen == 0) {
			fz.errorf("rx[%d].IsEmpty() = %v, want %v", i, e, wantLen == 0)
		}
		if full := rx.IsFull(); full != wantFull {
			fz.errorf("rx[%d].IsFull() = %v, want %v", i, full, wantFull)
		}
		if c := rx.Cap(); c != fz.capacity {
			fz.errorf("rx[%d].Cap() = %d, want %d", i, c, fz.capacity)
		}
		if d := rx.IsDisconnected(); d != (fz.senders == 0) {
			fz.errorf("rx[%d].IsDisconnected() = %v, want %v", i, d, fz.senders == 0)
		}
	}
}

func (fz *fzRun) do(b byte) {
	op, arg := int(b)%fzOps, int(b)/fzOps
	ti, ri := arg%len(fz.txs), arg%len(fz.rxs)
	tx, rx := fz.txs[ti], fz.rxs[ri]
	switch op {
	case 0: // TrySend
		v := fz.value()
		want := fz.sendOutcome(ti, v)
		fz.checkSend("TrySend", v, tx.TrySend(v), want)

	case 1: // SendTimeout(v, 0) and SendDeadline(v, past): Try that times out
		v := fz.value()
		want := fz.sendOutcome(ti, v)
		if want == channel.ErrFull {
			want = channel.ErrTimeout
		}
		var err error
		if arg%2 == 0 {
			err = tx.SendTimeout(v, 0)
		} else {
			err = tx.SendDeadline(v, time.Now().Add(-time.Second))
		}
		fz.checkSend("SendTimeout(0)", v, err, want)

	case 2: // Send, or a short SendTimeout when Send would wait forever
		v := fz.value()
		if fz.sendWouldWait(ti) {
			fz.checkSend("SendTimeout(1µs)", v, tx.SendTimeout(v, time.Microsecond), channel.ErrTimeout)
			return
		}
		want := fz.sendOutcome(ti, v)
		fz.checkSend("Send", v, tx.Send(v), want)

	case 3: // SendContext with a context already cancelled
		v := fz.value()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		want := error(context.Canceled)
		if !fz.txOpen[ti] {
			want = channel.ErrClosed
		}
		fz.checkSend("SendContext(cancelled)", v, tx.SendContext(ctx, v), want)

	case 4: // SendContext that can proceed, or a context that times out
		v := fz.value()
		if fz.sendWouldWait(ti) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Microsecond)
			err := tx.SendContext(ctx, v)
			cancel()
			fz.checkSend("SendContext(1µs)", v, err, context.DeadlineExceeded)
			return
		}
		want := fz.sendOutcome(ti, v)
		fz.checkSend("SendContext", v, tx.SendContext(context.Background(), v), want)

	case 5: // TryRecv
		wantV, want := fz.recvOutcome(ri)
		v, err := rx.TryRecv()
		fz.checkRecv("TryRecv", v, err, wantV, want)

	case 6: // RecvTimeout(0) and RecvDeadline(past)
		wantV, want := fz.recvOutcome(ri)
		if want == channel.ErrEmpty {
			want = channel.ErrTimeout
		}
		var v int
		var err error
		if arg%2 == 0 {
			v, err = rx.RecvTimeout(0)
		} else {
			v, err = rx.RecvDeadline(time.Now().Add(-time.Second))
		}
		fz.checkRecv("RecvTimeout(0)", v, err, wantV, want)

	case 7: // Recv, or a short RecvTimeout when Recv would wait forever
		if fz.recvWouldWait(ri) {
			v, err := rx.RecvTimeout(time.Microsecond)
			fz.checkRecv("RecvTimeout(1µs)", v, err, 0, channel.ErrTimeout)
			return
		}
		wantV, want := fz.recvOutcome(ri)
		v, err := rx.Recv()
		fz.checkRecv("Recv", v, err, wantV, want)

	case 8: // RecvContext: cancelled, timing out, or able to proceed
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		switch {
		case !fz.rxOpen[ri]:
			cancel()
			v, err := rx.RecvContext(ctx)
			fz.checkRecv("RecvContext(closed handle)", v, err, 0, channel.ErrClosed)
		case arg%2 == 0:
			cancel()
			v, err := rx.RecvContext(ctx)
			fz.checkRecv("RecvContext(cancelled)", v, err, 0, context.Canceled)
		case fz.recvWouldWait(ri):
			tctx, tcancel := context.WithTimeout(ctx, time.Microsecond)
			v, err := rx.RecvContext(tctx)
			tcancel()
			fz.checkRecv("RecvContext(1µs)", v, err, 0, context.DeadlineExceeded)
		default:
			wantV, want := fz.recvOutcome(ri)
			v, err := rx.RecvContext(ctx)
			fz.checkRecv("RecvContext", v, err, wantV, want)
		}

	case 9, 10: // introspection on every handle
		fz.checkIntrospection()

	case 11: // Clone a sender
		if len(fz.txs) >= fzMaxHandles {
			fz.checkIntrospection()
			return
		}
		open := fz.txOpen[ti] && fz.senders > 0
		if open {
			fz.senders++
		}
		fz.txs = append(fz.txs, tx.Clone())
		fz.txOpen = append(fz.txOpen, open)

	case 12: // Close a sender (twice, sometimes: Close is idempotent)
		if fz.txOpen[ti] {
			fz.txOpen[ti] = false
			fz.senders--
		}
		tx.Close()
		if arg%2 == 1 {
			tx.Close()
		}

	case 13: // Clone a receiver
		if len(fz.rxs) >= fzMaxHandles {
			fz.checkIntrospection()
			return
		}
		open := fz.rxOpen[ri] && fz.receivers > 0
		if open {
			fz.receivers++
		}
		fz.rxs = append(fz.rxs, rx.Clone())
		fz.rxOpen = append(fz.rxOpen, open)

	case 14: // Close a receiver; the last one drops what is buffered
		if fz.rxOpen[ri] {
			fz.rxOpen[ri] = false
			fz.receivers--
			if fz.receivers == 0 {
				fz.q = nil
			}
		}
		rx.Close()
		if arg%2 == 1 {
			rx.Close()
		}

	case 15: // Drain everything
		var want []int
		if fz.rxOpen[ri] {
			want, fz.q = fz.q, nil
		}
		got := slices.Collect(rx.Drain())
		if !slices.Equal(got, want) {
			fz.errorf("Drain = %v, want %v", got, want)
		}

	case 16: // Drain, stopping after arg values
		var want []int
		if fz.rxOpen[ri] {
			k := min(arg, len(fz.q))
			want, fz.q = fz.q[:k:k], fz.q[k:]
		}
		var got []int
		if arg > 0 {
			for v := range rx.Drain() {
				got = append(got, v)
				if len(got) == arg {
					break
				}
			}
		}
		if !slices.Equal(got, want) {
			fz.errorf("Drain (first %d) = %v, want %v", arg, got, want)
		}

	case 17: // All: to disconnection, or stopping early so it never waits
		k := min(arg, len(fz.q))
		if fz.rxOpen[ri] && fz.senders > 0 && k == 0 {
			fz.checkIntrospection()
			return
		}
		var want []int
		switch {
		case !fz.rxOpen[ri]:
		case fz.senders == 0:
			want, fz.q = fz.q, nil
		default:
			want, fz.q = fz.q[:k:k], fz.q[k:]
		}
		var got []int
		for v := range rx.All() {
			got = append(got, v)
			if fz.senders > 0 && len(got) == k {
				break
			}
		}
		if !slices.Equal(got, want) {
			fz.errorf("All = %v, want %v", got, want)
		}

	case 18: // a Selector with one receive case: Try, or WaitTimeout
		var v int
		var err error
		calls := 0
		sel := channel.NewSelect(channel.OnRecv(rx, func(x int, e error) { v, err = x, e; calls++ }))
		wantV, want := fz.recvOutcome(ri)
		var i int
		var ok bool
		if arg%2 == 0 {
			i, ok = sel.Try()
		} else {
			var werr error
			i, werr = sel.WaitTimeout(time.Microsecond)
			ok = werr == nil
			if !ok && werr != channel.ErrTimeout {
				fz.errorf("Selector.WaitTimeout error = %v, want ErrTimeout", werr)
			}
		}
		if want == channel.ErrEmpty {
			if ok || i != -1 || calls != 0 {
				fz.errorf("recv Selector on an empty channel = (%d, %v), %d callbacks", i, ok, calls)
			}
			return
		}
		if !ok || i != 0 || calls != 1 {
			fz.errorf("recv Selector = (%d, %v), %d callbacks; want (0, true), 1", i, ok, calls)
			return
		}
		fz.checkRecv("OnRecv", v, err, wantV, want)

	case 19: // a Selector with one send case, built by OnSend or OnSendFrom
		val := fz.value()
		calls := 0
		var err error
		cb := func(e error) { err = e; calls++ }
		var c channel.Case
		if arg%2 == 0 {
			c = channel.OnSend(tx, val, cb)
		} else {
			src := val
			c = channel.OnSendFrom(tx, &src, cb)
		}
		want := fz.sendOutcome(ti, val)
		i, ok := channel.NewSelect(c).Try()
		if want == channel.ErrFull {
			if ok || i != -1 || calls != 0 {
				fz.errorf("send Selector on a full channel = (%d, %v), %d callbacks", i, ok, calls)
			}
			return
		}
		if !ok || i != 0 || calls != 1 {
			fz.errorf("send Selector = (%d, %v), %d callbacks; want (0, true), 1", i, ok, calls)
			return
		}
		if !errors.Is(err, want) || (want == nil) != (err == nil) {
			fz.errorf("OnSend callback error = %v, want %v", err, want)
		}

	case 20: // a burst: TrySend arg+1 values, or TryRecv arg+1 times
		n := arg*5 + 1
		if arg%2 == 0 {
			for range n {
				v := fz.value()
				want := fz.sendOutcome(ti, v)
				fz.checkSend("TrySend (burst)", v, tx.TrySend(v), want)
			}
		} else {
			for range n {
				wantV, want := fz.recvOutcome(ri)
				v, err := rx.TryRecv()
				fz.checkRecv("TryRecv (burst)", v, err, wantV, want)
			}
		}

	default:
		panic(fmt.Sprintf("op %d", op))
	}
	if len(fz.q) == 0 {
		fz.q = nil // let a long run's queue start over
	}
	fz.checkIntrospection()
}
