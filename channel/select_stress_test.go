package channel_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/baton-go/baton/channel"
)

// ssEvent is what a select callback saw.
type ssEvent struct {
	ch  int // which channel (or case group) fired
	v   int
	err error
}

// TestSelectStressHub: NA channels of mixed flavors, one producer each
// (closing its clone at the end), and K hub goroutines that each loop on one
// reused Selector holding a receive case for every input channel and a send
// case (OnSendFrom) for every output channel, so a hub both consumes and
// produces. Disconnected input cases are removed as they report
// ErrDisconnected. Two sink goroutines select over the outputs. Every value,
// input and output, must be received exactly once, in order per producer and
// channel.
func TestSelectStressHub(t *testing.T) {
	for _, NA := range []int{16, 48} {
		t.Run(fmt.Sprint(NA), func(t *testing.T) { ssHub(t, NA) })
	}
}

func ssHub(t *testing.T, NA int) {
	const K, NB, sinks = 4, 4, 2
	MA := stScale(800)
	MH := stScale(3000)

	aTx := make([]*channel.Sender[int], NA)
	aRx := make([]*channel.Receiver[int], NA)
	for i := range NA {
		aTx[i], aRx[i] = stChan[int](stFlavors[i%len(stFlavors)].capacity)
	}
	bTx := make([]*channel.Sender[int], NB)
	bRx := make([]*channel.Receiver[int], NB)
	for j := range NB {
		bTx[j], bRx[j] = stChan[int](stFlavors[(j+2)%len(stFlavors)].capacity)
	}

	var wg sync.WaitGroup
	// Producers on the inputs: producer i is channel i.
	for i := range NA {
		wg.Add(1)
		go func(tx *channel.Sender[int]) {
			defer wg.Done()
			defer tx.Close()
			for s := range MA {
				if err := tx.Send(stValue(i, s)); err != nil {
					t.Errorf("producer %d: %v", i, err)
					return
				}
			}
		}(aTx[i].Clone())
	}

	// Hubs.
	hubLogs := make([][]int, K)
	for k := range K {
		outs := make([]*channel.Sender[int], NB)
		for j := range outs {
			outs[j] = bTx[j].Clone()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				for _, tx := range outs {
					tx.Close()
				}
			}()
			var ev ssEvent
			sel := channel.NewSelect()
			recvCase := make(map[int]int) // case index -> input channel
			for i, rx := range aRx {
				recvCase[sel.Add(channel.OnRecv(rx, func(v int, err error) { ev = ssEvent{i, v, err} }))] = i
			}
			seq := 0
			next := stValue(k, seq)
			var sendCases []int
			for j, tx := range outs {
				sendCases = append(sendCases, sel.Add(channel.OnSendFrom(tx, &next, func(err error) { ev = ssEvent{-1 - j, next, err} })))
			}
			var log []int
			for sel.Len() > 0 {
				ev = ssEvent{ch: -1000}
				idx := sel.Wait()
				if i, ok := recvCase[idx]; ok {
					if ev.ch != i {
						t.Errorf("hub %d: Wait returned %d (input %d), but the callback of input %d ran", k, idx, i, ev.ch)
						return
					}
					switch {
					case errors.Is(ev.err, channel.ErrDisconnected):
						sel.Remove(idx)
						delete(recvCase, idx)
					case ev.err != nil:
						t.Errorf("hub %d: receive from %d: %v", k, i, ev.err)
						return
					default:
						if p, _ := stSplit(ev.v); p != i {
							t.Errorf("hub %d: received %#x on input %d", k, ev.v, i)
						}
						log = append(log, ev.v)
					}
					continue
				}
				if ev.ch >= 0 || ev.err != nil {
					t.Errorf("hub %d: send case %d fired with %+v", k, idx, ev)
					return
				}
				seq++
				next = stValue(k, seq)
				if seq == MH {
					for _, c := range sendCases {
						sel.Remove(c)
					}
					for _, tx := range outs {
						tx.Close()
					}
				}
			}
			hubLogs[k] = log
		}()
	}
	for _, tx := range aTx {
		tx.Close()
	}
	for _, tx := range bTx {
		tx.Close()
	}

	// Sinks: each logs, per output channel, what it got.
	sinkLogs := make([][][]int, sinks)
	for c := range sinks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			logs := make([][]int, NB)
			var ev ssEvent
			var cases []channel.Case
			for j, rx := range bRx {
				cases = append(cases, channel.OnRecv(rx, func(v int, err error) { ev = ssEvent{j, v, err} }))
			}
			sel := channel.NewSelect(cases...)
			for sel.Len() > 0 {
				idx := sel.Wait()
				switch {
				case ev.ch != idx:
					t.Errorf("sink %d: Wait returned %d, callback of %d ran", c, idx, ev.ch)
					return
				case errors.Is(ev.err, channel.ErrDisconnected):
					sel.Remove(idx)
				case ev.err != nil:
					t.Errorf("sink %d: %v", c, ev.err)
					return
				default:
					logs[idx] = append(logs[idx], ev.v)
				}
			}
			sinkLogs[c] = logs
		}()
	}
	stWait(t, &wg, "hub")
	for _, rx := range aRx {
		rx.Close()
	}
	for _, rx := range bRx {
		rx.Close()
	}

	la := newStLedger(NA, MA)
	for k, log := range hubLogs {
		la.add(t, k, log)
	}
	lb := newStLedger(K, MH)
	for c, logs := range sinkLogs {
		for _, log := range logs {
			lb.add(t, c, log) // in order per (sink, output channel, hub)
		}
	}
	bad := 0
	la.expectAll(t, "input", &bad)
	lb.expectAll(t, "hub output", &bad)
}

// TestSelectStressBoth is crossbeam's select_both: G goroutines each select
// over a send and a receive on every one of N shared channels. On rendezvous
// channels a goroutine must never receive its own value (a select never
// pairs its own send with its own receive), and what one goroutine receives
// from another comes in the order it was sent. On buffered channels a
// goroutine may get its own value back; every value is still received
// exactly once.
func TestSelectStressBoth(t *testing.T) {
	M := stScale(5000)
	for _, tc := range []struct {
		name  string
		G     int
		flavs []int
	}{
		{"rendezvous/2", 2, []int{0, 0, 0, 0}},
		{"rendezvous/4", 4, []int{0, 0, 0, 0, 0, 0}},
		{"rendezvous/1chan", 2, []int{0}},
		{"mixed/3", 3, []int{0, 1, 3, -1, 0, 1024}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rendezvous := true
			for _, c := range tc.flavs {
				rendezvous = rendezvous && c == 0
			}
			N := len(tc.flavs)
			txs := make([]*channel.Sender[int], N)
			rxs := make([]*channel.Receiver[int], N)
			for i, c := range tc.flavs {
				txs[i], rxs[i] = stChan[int](c)
			}
			logs := make([][]int, tc.G)
			var wg sync.WaitGroup
			for g := range tc.G {
				mine := make([]*channel.Sender[int], N)
				for i := range mine {
					mine[i] = txs[i].Clone()
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					defer func() {
						for _, tx := range mine {
							tx.Close()
						}
					}()
					var ev ssEvent
					seq := 0
					next := stValue(g, seq)
					sel := channel.NewSelect()
					isRecv := map[int]bool{}
					var sends []int
					for i := range N {
						isRecv[sel.Add(channel.OnRecv(rxs[i], func(v int, err error) { ev = ssEvent{i, v, err} }))] = true
						sends = append(sends, sel.Add(channel.OnSendFrom(mine[i], &next, func(err error) { ev = ssEvent{i, next, err} })))
					}
					var log []int
					for sel.Len() > 0 {
						idx := sel.Wait()
						if ev.err != nil && !(isRecv[idx] && errors.Is(ev.err, channel.ErrDisconnected)) {
							t.Errorf("goroutine %d: case %d: %v", g, idx, ev.err)
							return
						}
						switch {
						case !isRecv[idx]:
							seq++
							next = stValue(g, seq)
							if seq == M {
								for _, c := range sends {
									sel.Remove(c)
								}
								for _, tx := range mine {
									tx.Close()
								}
							}
						case ev.err != nil:
							sel.Remove(idx)
						default:
							if p, _ := stSplit(ev.v); p == g && rendezvous {
								t.Errorf("goroutine %d received its own value %#x on a rendezvous channel", g, ev.v)
							}
							log = append(log, ev.v)
						}
					}
					logs[g] = log
				}()
			}
			for _, tx := range txs {
				tx.Close()
			}
			stWait(t, &wg, "select both")
			for _, rx := range rxs {
				rx.Close()
			}
			l := newStLedger(tc.G, M)
			for g, log := range logs {
				if rendezvous {
					l.add(t, g, log) // a hand-off keeps each sender's order
				} else {
					l.addUnordered(t, log)
				}
			}
			bad := 0
			l.expectAll(t, "sent once", &bad)
		})
	}
}

// addUnordered counts a log without checking its order.
func (l *stLedger) addUnordered(t *testing.T, log []int) {
	t.Helper()
	for _, v := range log {
		p, s := stSplit(v)
		if p < 0 || p >= l.P || s >= l.M {
			t.Errorf("received %#x, which nobody sent", v)
			continue
		}
		if l.received[p][s] < 255 {
			l.received[p][s]++
		}
	}
}

// TestSelectStressDynamic: relays move values from N inputs to a few
// outputs, one value at a time, changing their Selector between waits: while
// a relay holds no value its Selector has a receive case per live input;
// once it holds one, the receive cases are removed and send cases to every
// output are added, and back again. The same Case values are added again
// and again. Indexes returned by Add must be fresh, Len must track the set,
// and every value must reach the sink exactly once.
func TestSelectStressDynamic(t *testing.T) {
	const N, R, NO, sinks = 24, 3, 3, 2
	M := stScale(800)
	inTx := make([]*channel.Sender[int], N)
	inRx := make([]*channel.Receiver[int], N)
	for i := range N {
		inTx[i], inRx[i] = stChan[int](stFlavors[i%len(stFlavors)].capacity)
	}
	outTx := make([]*channel.Sender[int], NO)
	outRx := make([]*channel.Receiver[int], NO)
	for j := range NO {
		outTx[j], outRx[j] = stChan[int](stFlavors[(2*j)%len(stFlavors)].capacity)
	}

	var wg sync.WaitGroup
	for i := range N {
		wg.Add(1)
		go func(tx *channel.Sender[int]) {
			defer wg.Done()
			defer tx.Close()
			for s := range M {
				var err error
				if s%2 == 0 {
					err = tx.Send(stValue(i, s))
				} else {
					// a one-case select as a send
					channel.Select(channel.OnSend(tx, stValue(i, s), func(e error) { err = e }))
				}
				if err != nil {
					t.Errorf("producer %d: %v", i, err)
					return
				}
			}
		}(inTx[i].Clone())
	}

	relayLogs := make([][]int, R)
	for r := range R {
		outs := make([]*channel.Sender[int], NO)
		for j := range outs {
			outs[j] = outTx[j].Clone()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				for _, tx := range outs {
					tx.Close()
				}
			}()
			var ev ssEvent
			var pending int
			recvCases := make([]channel.Case, N)
			for i := range N {
				recvCases[i] = channel.OnRecv(inRx[i], func(v int, err error) { ev = ssEvent{i, v, err} })
			}
			sendCases := make([]channel.Case, NO)
			for j := range NO {
				sendCases[j] = channel.OnSendFrom(outs[j], &pending, func(err error) { ev = ssEvent{j, pending, err} })
			}
			live := make([]bool, N)
			for i := range live {
				live[i] = true
			}
			nLive := N
			sel := channel.NewSelect()
			present := map[int]int{} // case index -> channel
			lastIdx := -1
			add := func(c channel.Case, ch int) {
				idx := sel.Add(c)
				if idx <= lastIdx {
					t.Errorf("relay %d: Add returned %d after %d: indexes must not be reused", r, idx, lastIdx)
				}
				lastIdx = idx
				present[idx] = ch
			}
			removeAll := func() {
				for idx := range present {
					sel.Remove(idx)
					delete(present, idx)
				}
				if sel.Len() != 0 {
					t.Errorf("relay %d: Len = %d after removing every case", r, sel.Len())
				}
			}
			for i := range N {
				add(recvCases[i], i)
			}
			var log []int
			for nLive > 0 {
				// Receiving.
				idx := sel.Wait()
				if ch, ok := present[idx]; !ok || ch != ev.ch {
					t.Errorf("relay %d: Wait returned %d, not a receive case (callback of %d ran)", r, idx, ev.ch)
					return
				}
				if errors.Is(ev.err, channel.ErrDisconnected) {
					sel.Remove(idx)
					delete(present, idx)
					live[ev.ch] = false
					nLive--
					if sel.Len() != nLive {
						t.Errorf("relay %d: Len = %d, want %d", r, sel.Len(), nLive)
					}
					continue
				}
				if ev.err != nil {
					t.Errorf("relay %d: receive: %v", r, ev.err)
					return
				}
				log = append(log, ev.v)
				pending = ev.v

				// Sending what was received.
				removeAll()
				for j := range NO {
					add(sendCases[j], -1-j)
				}
				idx = sel.Wait()
				if ch, ok := present[idx]; !ok || ch != -1-ev.ch || ev.err != nil {
					t.Errorf("relay %d: send: Wait returned %d, callback saw %+v", r, idx, ev)
					return
				}
				removeAll()
				for i := range N {
					if live[i] {
						add(recvCases[i], i)
					}
				}
			}
			relayLogs[r] = log
		}()
	}
	for _, tx := range inTx {
		tx.Close()
	}
	for _, tx := range outTx {
		tx.Close()
	}

	sinkLogs := make([][]int, sinks)
	for c := range sinks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var log []int
			var cases []channel.Case
			for _, rx := range outRx {
				cases = append(cases, channel.OnRecv(rx, func(v int, err error) {
					if err == nil {
						log = append(log, v)
					} else if !errors.Is(err, channel.ErrDisconnected) {
						t.Errorf("sink %d: %v", c, err)
					}
				}))
			}
			// A fresh Selector per value, rebuilt from the live cases.
			live := len(cases)
			for live > 0 {
				before := len(log)
				i := channel.Select(cases...)
				if len(log) == before { // disconnected: drop that case
					cases = append(cases[:i], cases[i+1:]...)
					live--
				}
			}
			sinkLogs[c] = log
		}()
	}
	stWait(t, &wg, "dynamic select")
	for _, rx := range inRx {
		rx.Close()
	}
	for _, rx := range outRx {
		rx.Close()
	}

	relayed := newStLedger(N, M)
	for r, log := range relayLogs {
		relayed.add(t, r, log)
	}
	sunk := newStLedger(N, M)
	for _, log := range sinkLogs {
		sunk.addUnordered(t, log)
	}
	bad := 0
	relayed.expectAll(t, "relayed", &bad)
	sunk.expectAll(t, "reached the sink", &bad)
}
