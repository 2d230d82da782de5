package suite

import (
	"sync"

	"github.com/baton-go/baton/bench/peers"
)

// nativeCase returns the native implementation of case c on channels of
// capacity capacity (peers.Unbounded: a channel of capacity n stands in).
func nativeCase(c string, capacity int) func(n int) {
	mk := func(n int) chan int {
		if capacity == peers.Unbounded {
			return make(chan int, n)
		}
		return make(chan int, capacity)
	}
	switch c {
	case Seq:
		return func(n int) { nativeSeq(mk(n), n) }
	case SPSC:
		return func(n int) { nativeMPMC(mk(n), n, 1, 1) }
	case MPSC:
		return func(n int) { nativeMPMC(mk(n), n, Threads, 1) }
	case MPMC:
		return func(n int) { nativeMPMC(mk(n), n, Threads, Threads) }
	case SelectRx:
		return func(n int) { nativeSelectRx([Threads]chan int{mk(n), mk(n), mk(n), mk(n)}, n) }
	case SelectBoth:
		return func(n int) { nativeSelectBoth([Threads]chan int{mk(n), mk(n), mk(n), mk(n)}, n) }
	}
	panic("suite: unknown case " + c)
}

func nativeSeq(ch chan int, n int) {
	for i := range n {
		ch <- i
	}
	for range n {
		<-ch
	}
}

// nativeMPMC runs producers senders and consumers receivers; with one
// consumer the calling goroutine receives, as in crossbeam.
func nativeMPMC(ch chan int, n, producers, consumers int) {
	var wg sync.WaitGroup
	for p := range producers {
		wg.Add(1)
		go func(count int) {
			defer wg.Done()
			for i := range count {
				ch <- i
			}
		}(peers.Share(n, producers, p))
	}
	if consumers == 1 {
		for range n {
			<-ch
		}
	}
	for c := 0; consumers > 1 && c < consumers; c++ {
		wg.Add(1)
		go func(count int) {
			defer wg.Done()
			for range count {
				<-ch
			}
		}(peers.Share(n, consumers, c))
	}
	wg.Wait()
}

func nativeSelectRx(chs [Threads]chan int, n int) {
	var wg sync.WaitGroup
	for p, ch := range chs {
		wg.Add(1)
		go func(count int) {
			defer wg.Done()
			for i := range count {
				ch <- i
			}
		}(peers.Share(n, Threads, p))
	}
	for range n {
		select {
		case <-chs[0]:
		case <-chs[1]:
		case <-chs[2]:
		case <-chs[3]:
		}
	}
	wg.Wait()
}

func nativeSelectBoth(chs [Threads]chan int, n int) {
	var wg sync.WaitGroup
	for p := range Threads {
		wg.Add(2)
		go func(count int) {
			defer wg.Done()
			for i := range count {
				select {
				case chs[0] <- i:
				case chs[1] <- i:
				case chs[2] <- i:
				case chs[3] <- i:
				}
			}
		}(peers.Share(n, Threads, p))
		go func(count int) {
			defer wg.Done()
			for range count {
				select {
				case <-chs[0]:
				case <-chs[1]:
				case <-chs[2]:
				case <-chs[3]:
				}
			}
		}(peers.Share(n, Threads, p))
	}
	wg.Wait()
}
