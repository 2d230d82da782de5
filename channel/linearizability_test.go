package channel_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
	"github.com/baton-go/baton/channel"
)

// The linearizability test records concurrent histories of TrySend, Send,
// TryRecv, Recv and Len on bounded and unbounded channels and checks them
// with porcupine against a sequential FIFO queue with a capacity:
//   - TrySend succeeds iff there is room; otherwise ErrFull.
//   - Send completes only when there is room.
//   - TryRecv takes the oldest value; on an empty queue, ErrEmpty.
//   - Recv completes only when there is a value, and takes the oldest.
//   - Len is the number of values queued.
//   - SelTry (Selector.Try over a receive and a send on the channel)
//     completes one of them when either can proceed, and reports nothing
//     ready only when the queue is empty and full at once, which no
//     capacity allows: a Try that misses a ready case is caught.
//
// Blocking operations must not hang the round, so while some worker is
// blocked a helper goroutine performs TryRecv (for a blocked Send) or
// TrySend (for a blocked Recv), and records those too. Nothing is modelled
// loosely: no timeouts, no "may have happened".

type linKind uint8

const (
	linTrySend linKind = iota
	linSend
	linTryRecv
	linRecv
	linLen
	linSelTry // Selector.Try over a receive and a send case on the channel
)

func (k linKind) String() string {
	return [...]string{"TrySend", "Send", "TryRecv", "Recv", "Len", "SelTry"}[k]
}

type linIn struct {
	kind linKind
	v    int // the value to send
}

type linOut struct {
	v   int   // the value received, or Len
	err error // nil, ErrFull or ErrEmpty
	sel int   // for SelTry: the case that fired (linSelRecv, linSelSend) or -1
}

// The cases of a SelTry selector.
const (
	linSelRecv = 0
	linSelSend = 1
)

// linState is the model's queue; Step never mutates one.
type linState []int

func linModel(capacity int) porcupine.Model {
	return porcupine.Model{
		Init: func() any { return linState(nil) },
		Step: func(state, input, output any) (bool, any) {
			q := state.(linState)
			in, out := input.(linIn), output.(linOut)
			room := capacity < 0 || len(q) < capacity
			push := func() linState { return append(slices.Clip(q), in.v) }
			switch in.kind {
			case linTrySend:
				switch {
				case out.err == nil && room:
					return true, push()
				case errors.Is(out.err, channel.ErrFull) && !room:
					return true, q
				}
			case linSend:
				if out.err == nil && room {
					return true, push()
				}
			case linTryRecv, linRecv:
				switch {
				case out.err == nil && len(q) > 0 && q[0] == out.v:
					return true, q[1:]
				case in.kind == linTryRecv && errors.Is(out.err, channel.ErrEmpty) && len(q) == 0:
					return true, q
				}
			case linLen:
				return out.v == len(q), q
			case linSelTry:
				// Either ready case may fire; nothing may fire only when
				// neither was ready at the call's linearization point.
				switch {
				case out.sel == linSelRecv && out.err == nil && len(q) > 0 && q[0] == out.v:
					return true, q[1:]
				case out.sel == linSelSend && out.err == nil && room:
					return true, push()
				case out.sel == -1 && len(q) == 0 && !room:
					return true, q
				}
			}
			return false, q
		},
		Equal: func(a, b any) bool { return slices.Equal(a.(linState), b.(linState)) },
		Hash: func(state any) uint64 {
			h := uint64(len(state.(linState)))
			for _, v := range state.(linState) {
				h = h*1099511628211 + uint64(v)
			}
			return h
		},
		DescribeOperation: func(input, output any) string {
			in, out := input.(linIn), output.(linOut)
			switch in.kind {
			case linTrySend, linSend:
				return fmt.Sprintf("%v(%d) -> %v", in.kind, in.v, out.err)
			case linLen:
				return fmt.Sprintf("Len -> %d", out.v)
			case linSelTry:
				return fmt.Sprintf("SelTry(send %d) -> case %d (%d, %v)", in.v, out.sel, out.v, out.err)
			}
			return fmt.Sprintf("%v -> (%d, %v)", in.kind, out.v, out.err)
		},
		DescribeState: func(state any) string { return fmt.Sprint(state.(linState)) },
	}
}

// linRecorder collects one round's history. The clock is one atomic
// counter, read before each call and after each return, so an operation
// that returned before another was called has a smaller return stamp than
// the other's call stamp.
type linRecorder struct {
	clock atomic.Int64
	mu    sync.Mutex
	ops   []porcupine.Operation
	vals  atomic.Int64 // unique values to send
	sels  []*linSel    // one per client that runs SelTry
}

// linSel is one client's Selector: a receive and a send on the channel, the
// send reading a fresh value from next each time.
type linSel struct {
	s    *channel.Selector
	next int
	got  int
	err  error
}

func newLinSel(tx *channel.Sender[int], rx *channel.Receiver[int]) *linSel {
	ls := &linSel{}
	ls.s = channel.NewSelect(
		channel.OnRecv(rx, func(v int, err error) { ls.got, ls.err = v, err }),
		channel.OnSendFrom(tx, &ls.next, func(err error) { ls.err = err }),
	)
	return ls
}

func (r *linRecorder) do(client int, in linIn, f func() linOut) {
	call := r.clock.Add(1)
	out := f()
	ret := r.clock.Add(1)
	r.mu.Lock()
	r.ops = append(r.ops, porcupine.Operation{ClientId: client, Input: in, Call: call, Output: out, Return: ret})
	r.mu.Unlock()
}

func (r *linRecorder) run(client int, kind linKind, tx *channel.Sender[int], rx *channel.Receiver[int]) {
	in := linIn{kind: kind}
	if kind == linTrySend || kind == linSend || kind == linSelTry {
		in.v = int(r.vals.Add(1))
	}
	r.do(client, in, func() linOut {
		switch kind {
		case linTrySend:
			err := tx.TrySend(in.v)
			var se *channel.SendError[int]
			if errors.As(err, &se) {
				if se.Value != in.v {
					return linOut{v: -1, err: fmt.Errorf("SendError.Value %d", se.Value)}
				}
				return linOut{err: se.Err}
			}
			return linOut{err: err}
		case linSend:
			return linOut{err: tx.Send(in.v)}
		case linTryRecv:
			v, err := rx.TryRecv()
			return linOut{v: v, err: err}
		case linRecv:
			v, err := rx.Recv()
			return linOut{v: v, err: err}
		case linSelTry:
			ls := r.sels[client]
			ls.next, ls.got, ls.err = in.v, 0, nil
			i, ok := ls.s.Try()
			if !ok {
				i = -1
			}
			return linOut{v: ls.got, err: ls.err, sel: i}
		}
		return linOut{v: rx.Len()}
	})
}

// TestLinearizable checks many small random histories per flavor.
func TestLinearizable(t *testing.T) {
	rounds := stScale(600)
	for _, capacity := range []int{1, 2, 4, -1} {
		name := fmt.Sprintf("bounded%d", capacity)
		if capacity < 0 {
			name = "unbounded"
		}
		t.Run(name, func(t *testing.T) {
			model := linModel(capacity)
			for round := range rounds {
				history := linRound(t, capacity, 3+round%2, 8+rand.IntN(12))
				res, info := porcupine.CheckOperationsVerbose(model, history, 20*time.Second)
				switch res {
				case porcupine.Illegal:
					t.Fatalf("round %d: history is not linearizable:\n%s%s", round, linDescribe(model, history), linPartial(model, info))
				case porcupine.Unknown:
					t.Logf("round %d: checker timed out on %d operations", round, len(history))
				}
			}
		})
	}
}

// linRound runs workers goroutines, each doing ops random operations, and
// returns the history.
func linRound(t *testing.T, capacity, workers, ops int) []porcupine.Operation {
	tx, rx := stChan[int](capacity)
	defer tx.Close()
	defer rx.Close()
	rec := &linRecorder{}
	for range workers {
		rec.sels = append(rec.sels, newLinSel(tx, rx))
	}

	// Start with a random fill, so rounds begin from varied states.
	fill := rand.IntN(3)
	if capacity > 0 {
		fill = min(fill, capacity)
	}
	for range fill {
		rec.run(workers, linSend, tx, rx)
	}

	var blockedSends, blockedRecvs atomic.Int32
	var wg sync.WaitGroup
	var done atomic.Int32
	start := make(chan struct{})
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer done.Add(1)
			<-start // all together, so the operations overlap
			for range ops {
				kind := linKind(rand.IntN(6))
				switch kind {
				case linSend:
					blockedSends.Add(1)
					rec.run(w, kind, tx, rx)
					blockedSends.Add(-1)
				case linRecv:
					blockedRecvs.Add(1)
					rec.run(w, kind, tx, rx)
					blockedRecvs.Add(-1)
				default:
					rec.run(w, kind, tx, rx)
				}
			}
		}()
	}
	close(start)
	// The helper unblocks blocked workers, recording what it does.
	deadline := time.Now().Add(stHangAfter)
	for spins := 0; done.Load() < int32(workers); spins++ {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("linearizability round hung:\n%s", buf[:runtime.Stack(buf, true)])
		}
		if spins%8 != 7 { // give blocked operations a chance first
			runtime.Gosched()
			continue
		}
		if blockedSends.Load() > 0 {
			rec.run(workers, linTryRecv, tx, rx)
		}
		if blockedRecvs.Load() > 0 {
			rec.run(workers, linTrySend, tx, rx)
		}
	}
	wg.Wait()
	for _, op := range rec.ops {
		if out := op.Output.(linOut); out.v < 0 {
			t.Fatalf("%v: %v", op.Input.(linIn).kind, out.err)
		}
	}
	return rec.ops
}

func linDescribe(model porcupine.Model, history []porcupine.Operation) string {
	h := slices.Clone(history)
	slices.SortFunc(h, func(a, b porcupine.Operation) int { return int(a.Call - b.Call) })
	var b strings.Builder
	for _, op := range h {
		fmt.Fprintf(&b, "  client %d [%3d, %3d] %s\n", op.ClientId, op.Call, op.Return, model.DescribeOperation(op.Input, op.Output))
	}
	return b.String()
}

// linPartial describes the longest prefix the checker could linearize.
func linPartial(model porcupine.Model, info porcupine.LinearizationInfo) string {
	var b strings.Builder
	for _, part := range info.PartialLinearizationsOperations() {
		longest := []porcupine.Operation{}
		for _, l := range part {
			if len(l) > len(longest) {
				longest = l
			}
		}
		fmt.Fprintf(&b, "longest linearizable prefix (%d ops):\n", len(longest))
		for _, op := range longest {
			fmt.Fprintf(&b, "  client %d: %s\n", op.ClientId, model.DescribeOperation(op.Input, op.Output))
		}
	}
	return b.String()
}

// TestLinearizableModelRejects makes sure the model and checker can fail:
// a hand-written history that breaks FIFO order must be found illegal.
func TestLinearizableModelRejects(t *testing.T) {
	model := linModel(2)
	op := func(client int, call, ret int64, in linIn, out linOut) porcupine.Operation {
		return porcupine.Operation{ClientId: client, Input: in, Call: call, Output: out, Return: ret}
	}
	bad := []porcupine.Operation{
		op(0, 1, 2, linIn{linSend, 1}, linOut{}),
		op(0, 3, 4, linIn{linSend, 2}, linOut{}),
		op(1, 5, 6, linIn{kind: linTryRecv}, linOut{v: 2}), // 1 was first
	}
	if porcupine.CheckOperations(model, bad) {
		t.Errorf("a FIFO violation was accepted")
	}
	full := []porcupine.Operation{
		op(0, 1, 2, linIn{linSend, 1}, linOut{}),
		op(0, 3, 4, linIn{linTrySend, 2}, linOut{err: channel.ErrFull}), // only one of two slots used
	}
	if porcupine.CheckOperations(model, full) {
		t.Errorf("ErrFull with room left was accepted")
	}
	missed := []porcupine.Operation{
		op(0, 1, 2, linIn{linSend, 1}, linOut{}),
		op(0, 3, 4, linIn{linSelTry, 2}, linOut{sel: -1}), // the receive was ready
	}
	if porcupine.CheckOperations(model, missed) {
		t.Errorf("a SelTry that missed a ready case was accepted")
	}
	good := []porcupine.Operation{
		op(0, 1, 4, linIn{linSend, 1}, linOut{}),
		op(1, 2, 3, linIn{kind: linRecv}, linOut{v: 1}), // overlapping: fine
	}
	if !porcupine.CheckOperations(model, good) {
		t.Errorf("a legal history was rejected")
	}
}
