package suite

import (
	"sync"

	"github.com/baton-go/baton/bench/peers"
	"github.com/baton-go/baton/channel"
)

// batonChan returns the two ends of a baton channel of the given capacity
// (peers.Unbounded: channel.Unbounded).
func batonChan(capacity int) (*channel.Sender[int], *channel.Receiver[int]) {
	if capacity == peers.Unbounded {
		return channel.Unbounded[int]()
	}
	return channel.Bounded[int](capacity)
}

// batonCase returns baton's implementation of case c on channels of the
// given capacity.
func batonCase(c string, capacity int) func(n int) {
	switch c {
	case Seq:
		return func(n int) { batonSeq(capacity, n) }
	case SPSC:
		return func(n int) { batonMPMC(capacity, n, 1, 1) }
	case MPSC:
		return func(n int) { batonMPMC(capacity, n, Threads, 1) }
	case MPMC:
		return func(n int) { batonMPMC(capacity, n, Threads, Threads) }
	case SelectRx:
		return func(n int) { batonSelectRx(capacity, n) }
	case SelectBoth:
		return func(n int) { batonSelectBoth(capacity, n) }
	}
	panic("suite: unknown case " + c)
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func batonSeq(capacity, n int) {
	tx, rx := batonChan(capacity)
	for i := range n {
		must(tx.Send(i))
	}
	for range n {
		_, err := rx.Recv()
		must(err)
	}
}

func batonSend(wg *sync.WaitGroup, tx *channel.Sender[int], count int) {
	defer wg.Done()
	for i := range count {
		must(tx.Send(i))
	}
}

func batonRecv(wg *sync.WaitGroup, rx *channel.Receiver[int], count int) {
	defer wg.Done()
	for range count {
		_, err := rx.Recv()
		must(err)
	}
}

// batonMPMC runs producers senders and consumers receivers; with one
// consumer the calling goroutine receives, as in crossbeam.
func batonMPMC(capacity, n, producers, consumers int) {
	tx, rx := batonChan(capacity)
	var wg sync.WaitGroup
	for p := range producers {
		wg.Add(1)
		go batonSend(&wg, tx, peers.Share(n, producers, p))
	}
	if consumers == 1 {
		wg.Add(1)
		batonRecv(&wg, rx, n)
	}
	for c := 0; consumers > 1 && c < consumers; c++ {
		wg.Add(1)
		go batonRecv(&wg, rx, peers.Share(n, consumers, c))
	}
	wg.Wait()
}

func batonChans(capacity int) ([Threads]*channel.Sender[int], [Threads]*channel.Receiver[int]) {
	var txs [Threads]*channel.Sender[int]
	var rxs [Threads]*channel.Receiver[int]
	for i := range Threads {
		txs[i], rxs[i] = batonChan(capacity)
	}
	return txs, rxs
}

// recvSelector returns a Selector receiving from every rx; a receive error
// panics.
func recvSelector(rxs [Threads]*channel.Receiver[int]) *channel.Selector {
	sel := channel.NewSelect()
	for _, rx := range rxs {
		sel.Add(channel.OnRecv(rx, func(_ int, err error) { must(err) }))
	}
	return sel
}

func batonSelectRx(capacity, n int) {
	txs, rxs := batonChans(capacity)
	var wg sync.WaitGroup
	for p, tx := range txs {
		wg.Add(1)
		go batonSend(&wg, tx, peers.Share(n, Threads, p))
	}
	sel := recvSelector(rxs)
	for range n {
		sel.Wait()
	}
	wg.Wait()
}

func batonSelectBoth(capacity, n int) {
	txs, rxs := batonChans(capacity)
	var wg sync.WaitGroup
	for p := range Threads {
		wg.Add(2)
		go func(count int) {
			defer wg.Done()
			var v int
			sel := channel.NewSelect()
			for _, tx := range txs {
				sel.Add(channel.OnSendFrom(tx, &v, must))
			}
			for i := range count {
				v = i
				sel.Wait()
			}
		}(peers.Share(n, Threads, p))
		go func(count int) {
			defer wg.Done()
			sel := recvSelector(rxs)
			for range count {
				sel.Wait()
			}
		}(peers.Share(n, Threads, p))
	}
	wg.Wait()
}
