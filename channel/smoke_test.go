package channel_test

import (
	"sync"
	"testing"

	"github.com/baton-go/baton/channel"
)

func TestSmoke(t *testing.T) {
	for _, n := range []int{-1, 0, 1, 3, 1024} {
		var tx *channel.Sender[int]
		var rx *channel.Receiver[int]
		if n < 0 {
			tx, rx = channel.Unbounded[int]()
		} else {
			tx, rx = channel.Bounded[int](n)
		}
		const P, M = 4, 20000
		var wg sync.WaitGroup
		for p := 0; p < P; p++ {
			wg.Add(1)
			go func(tx *channel.Sender[int]) {
				defer wg.Done()
				defer tx.Close()
				for i := 0; i < M; i++ {
					if err := tx.Send(i); err != nil {
						t.Error(err)
						return
					}
				}
			}(tx.Clone())
		}
		tx.Close()
		got := make(chan int, 4)
		for c := 0; c < 4; c++ {
			go func(rx *channel.Receiver[int]) {
				sum := 0
				for v := range rx.All() {
					sum += v
				}
				got <- sum
			}(rx.Clone())
		}
		total := 0
		for c := 0; c < 4; c++ {
			total += <-got
		}
		wg.Wait()
		rx.Close()
		if want := P * M * (M - 1) / 2; total != want {
			t.Fatalf("cap %d: sum %d, want %d", n, total, want)
		}
	}
}
