package channel_test

import (
	"fmt"
	"reflect"
	"sync"
	"testing"

	"github.com/baton-go/baton/channel"
)

// The benchmarks measure baton and native channels side by side in one run;
// compare the pairs with benchstat or by eye. Each op is one message. On a
// shared, loaded machine compare ratios within one run, not times across
// runs; for a load-free view of the blocking path, count instructions per
// message at GOMAXPROCS=1 with valgrind --tool=callgrind (the difference
// of two -benchtime counts, with GODEBUG=asyncpreemptoff=1, since
// preemption signals upset callgrind).

type benchKind struct {
	name   string
	native int // capacity of the native channel measured against it
	make   func() (*channel.Sender[int], *channel.Receiver[int])
}

var benchKinds = []benchKind{
	{"cap=0", 0, func() (*channel.Sender[int], *channel.Receiver[int]) { return channel.Bounded[int](0) }},
	{"cap=1", 1, func() (*channel.Sender[int], *channel.Receiver[int]) { return channel.Bounded[int](1) }},
	{"cap=1024", 1024, func() (*channel.Sender[int], *channel.Receiver[int]) { return channel.Bounded[int](1024) }},
	// Native has no unbounded kind; it is measured against capacity 1024.
	{"unbounded", 1024, func() (*channel.Sender[int], *channel.Receiver[int]) { return channel.Unbounded[int]() }},
}

// split divides n messages among k goroutines.
func split(n, k, i int) int {
	m := n / k
	if i < n%k {
		m++
	}
	return m
}

func BenchmarkChannel(b *testing.B) {
	for _, k := range benchKinds {
		for _, shape := range []struct {
			name      string
			senders   int
			receivers int
		}{{"spsc", 1, 1}, {"mpsc", 4, 1}, {"mpmc", 4, 4}} {
			b.Run(fmt.Sprintf("%s/%s/impl=native", k.name, shape.name), func(b *testing.B) {
				b.ReportAllocs()
				ch := make(chan int, k.native)
				runShape(b, shape.senders, shape.receivers,
					func(n int) {
						for i := 0; i < n; i++ {
							ch <- i
						}
					},
					func(n int) {
						for i := 0; i < n; i++ {
							<-ch
						}
					})
			})
			b.Run(fmt.Sprintf("%s/%s/impl=baton", k.name, shape.name), func(b *testing.B) {
				b.ReportAllocs()
				tx, rx := k.make()
				defer tx.Close()
				defer rx.Close()
				runShape(b, shape.senders, shape.receivers,
					func(n int) {
						for i := 0; i < n; i++ {
							if err := tx.Send(i); err != nil {
								panic(err)
							}
						}
					},
					func(n int) {
						for i := 0; i < n; i++ {
							if _, err := rx.Recv(); err != nil {
								panic(err)
							}
						}
					})
			})
		}
	}
}

func runShape(b *testing.B, senders, receivers int, send, recv func(n int)) {
	var wg sync.WaitGroup
	b.ResetTimer()
	for i := 0; i < senders; i++ {
		wg.Add(1)
		go func(n int) {
			defer wg.Done()
			send(n)
		}(split(b.N, senders, i))
	}
	for i := 0; i < receivers; i++ {
		wg.Add(1)
		go func(n int) {
			defer wg.Done()
			recv(n)
		}(split(b.N, receivers, i))
	}
	wg.Wait()
}

// BenchmarkSelect receives through a select over n channels that are all
// ready, and refills the channel it took from, so they stay ready.
func BenchmarkSelect(b *testing.B) {
	for _, n := range []int{2, 8, 64} {
		b.Run(fmt.Sprintf("n=%d/impl=baton", n), func(b *testing.B) {
			b.ReportAllocs()
			txs := make([]*channel.Sender[int], n)
			cases := make([]channel.Case, n)
			for i := range txs {
				tx, rx := channel.Bounded[int](4)
				defer tx.Close()
				defer rx.Close()
				txs[i] = tx
				tx.Send(i)
				cases[i] = channel.OnRecv(rx, func(v int, err error) {
					if err != nil {
						panic(err)
					}
				})
			}
			sel := channel.NewSelect(cases...)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				j := sel.Wait()
				txs[j].Send(j)
			}
		})
		b.Run(fmt.Sprintf("n=%d/impl=native", n), func(b *testing.B) {
			b.ReportAllocs()
			chs := make([]chan int, n)
			for i := range chs {
				chs[i] = make(chan int, 4)
				chs[i] <- i
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				j := staticSelect(chs)
				chs[j] <- j
			}
		})
		b.Run(fmt.Sprintf("n=%d/impl=reflect", n), func(b *testing.B) {
			b.ReportAllocs()
			cases := make([]reflect.SelectCase, n)
			chs := make([]chan int, n)
			for i := range chs {
				chs[i] = make(chan int, 4)
				chs[i] <- i
				cases[i] = reflect.SelectCase{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(chs[i])}
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				j, _, _ := reflect.Select(cases)
				chs[j] <- j
			}
		})
	}
}

// staticSelect receives from chs with a select statement written out for
// its length, which is what a program with a fixed set of channels does.
func staticSelect(chs []chan int) int {
	switch len(chs) {
	case 2:
		select {
		case <-chs[0]:
			return 0
		case <-chs[1]:
			return 1
		}
	case 8:
		return select8(chs)
	case 64:
		return select64(chs)
	}
	panic("no static select for this length")
}

// BenchmarkCreate makes a large bounded channel, against make: with
// relative stamps a zeroed buffer is already the initial state, so baton
// touches no more of it than make does.
func BenchmarkCreate(b *testing.B) {
	const n = 500_000
	b.Run("n=500000/impl=native", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			ch := make(chan int, n)
			_ = ch
		}
	})
	b.Run("n=500000/impl=baton", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			tx, rx := channel.Bounded[int](n)
			_, _ = tx, rx
		}
	})
}
