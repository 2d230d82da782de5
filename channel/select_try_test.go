package channel_test

import (
	"sync"
	"testing"
	"time"

	"github.com/baton-go/baton/channel"
)

// A non-blocking select must not miss a case that was ready at every instant
// of the call. The script, after crossbeam's linearizable_try: the first
// channel holds a value; while the selector tries both channels, a peer
// sends on the second and only then takes from the first. Some case is
// ready throughout, so each try must complete one. A select that looks at
// the cases one after another can look at the second before the peer's
// send and at the first after its take, and miss both.
//
// WaitTimeout(0) and ReadyTimeout(0) take the same path as WaitDeadline with
// a deadline past and TryReady, so they are left out to keep the test short.
func TestSelectTryLinearizable(t *testing.T) {
	forms := []struct {
		name string
		try  func(*channel.Selector) bool
	}{
		{"Try", func(s *channel.Selector) bool { _, ok := s.Try(); return ok }},
		{"WaitDeadline(past)", func(s *channel.Selector) bool {
			_, err := s.WaitDeadline(time.Now().Add(-time.Second))
			return err == nil
		}},
		{"TryReady", func(s *channel.Selector) bool { _, ok := s.TryReady(); return ok }},
	}
	rounds := stScale(20000)
	if raceEnabled {
		rounds /= 4
	}
	for _, capacity := range []int{1, -1} {
		for _, form := range forms {
			name := form.name + "/bounded1"
			if capacity < 0 {
				name = form.name + "/unbounded"
			}
			t.Run(name, func(t *testing.T) {
				tx1, rx1 := stChan[int](capacity)
				tx2, rx2 := stChan[int](capacity)
				defer tx1.Close()
				defer rx1.Close()
				defer tx2.Close()
				defer rx2.Close()
				sel := channel.NewSelect(channel.OnRecv(rx1, nil), channel.OnRecv(rx2, nil))
				// Empty channels between them widen the window between
				// looking at one and at the other, so a miss shows sooner.
				for range 16 {
					tx, rx := stChan[int](capacity)
					defer tx.Close()
					defer rx.Close()
					sel.Add(channel.OnRecv(rx, func(int, error) { t.Error("an empty case fired") }))
				}
				start, end := make(chan struct{}), make(chan struct{}, 1)
				var wg sync.WaitGroup
				wg.Add(1)
				go func() { // the peer
					defer wg.Done()
					for range start {
						tx2.Send(2)
						rx1.TryRecv()
						end <- struct{}{}
					}
				}()
				defer wg.Wait()
				defer close(start)
				for round := range rounds {
					tx1.Send(1)
					start <- struct{}{}
					if !form.try(sel) {
						t.Fatalf("round %d: %s found nothing ready, though a case was ready throughout", round, form.name)
					}
					<-end
					// Empty both for the next round; the peer or the select
					// may have taken either value.
					rx1.TryRecv()
					rx2.TryRecv()
				}
			})
		}
	}
}
