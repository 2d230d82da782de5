package peers

import (
	"fmt"
	"testing"
)

func TestShareSplitsEvenly(t *testing.T) {
	for _, tc := range []struct{ n, workers int }{{10, 4}, {3, 4}, {0, 4}, {8, 4}, {1, 1}} {
		sum := 0
		for i := range tc.workers {
			s := Share(tc.n, tc.workers, i)
			if s < tc.n/tc.workers || s > tc.n/tc.workers+1 {
				t.Errorf("Share(%d, %d, %d) = %d", tc.n, tc.workers, i, s)
			}
			sum += s
		}
		if sum != tc.n {
			t.Errorf("shares of %d over %d add up to %d", tc.n, tc.workers, sum)
		}
	}
}

func TestSupports(t *testing.T) {
	for _, tc := range []struct {
		impl                 Impl
		capacity, prod, cons int
		want                 bool
	}{
		{Native(), 0, 4, 4, true},
		{Native(), Unbounded, 4, 4, true},
		{Chanx(), 1024, 1, 1, false},
		{Chanx(), Unbounded, 4, 4, true},
		{XsyncMPMC(), 0, 1, 1, false},
		{XsyncMPMC(), 1, 4, 4, true},
		{XsyncSPSC(), 1024, 4, 1, false},
		{XsyncSPSC(), 1024, 1, 1, true},
		{XsyncUMPSC(), Unbounded, 4, 1, true},
		{XsyncUMPSC(), Unbounded, 4, 4, false},
		{Workiva(), 1, 1, 1, false},
		{Workiva(), 2, 4, 4, true},
		{Workiva(), Unbounded, 1, 1, false},
		{Baton(), -2, 1, 1, false},
	} {
		if got := tc.impl.Supports(tc.capacity, tc.prod, tc.cons); got != tc.want {
			t.Errorf("%s.Supports(%d, %d, %d) = %v, want %v", tc.impl.Name, tc.capacity, tc.prod, tc.cons, got, tc.want)
		}
	}
}

func TestFind(t *testing.T) {
	for _, i := range All() {
		got, ok := Find(i.Name)
		if !ok || got.Name != i.Name {
			t.Errorf("Find(%q) = %q, %v", i.Name, got.Name, ok)
		}
	}
	if _, ok := Find("nope"); ok {
		t.Error("Find found an unknown implementation")
	}
	if All()[0].Name != "native" || All()[1].Name != "baton" {
		t.Error("All must list native, then baton")
	}
}

// TestFIFO sends through every queue from one goroutine and receives in
// order, for every capacity it supports (rendezvous with a helper).
func TestFIFO(t *testing.T) {
	const n = 300
	for _, impl := range All() {
		for _, capacity := range []int{0, 1, 7, 1024, Unbounded} {
			if !impl.Supports(capacity, 1, 1) {
				continue
			}
			t.Run(fmt.Sprintf("%s/cap=%d", impl.Name, capacity), func(t *testing.T) {
				q := impl.New(capacity, n)
				go func() {
					for i := range n {
						q.Send(i)
					}
				}()
				for i := range n {
					if v := q.Recv(); v != i {
						t.Fatalf("received %d, want %d", v, i)
					}
				}
				q.Close()
			})
		}
	}
}

// TestRunCompletes moves messages in every supported pattern; it fails by
// deadlocking if a message were lost.
func TestRunCompletes(t *testing.T) {
	for _, impl := range All() {
		for _, capacity := range []int{0, 1, 64, Unbounded} {
			for _, pc := range [][2]int{{1, 1}, {4, 1}, {4, 4}} {
				if !impl.Supports(capacity, pc[0], pc[1]) {
					continue
				}
				t.Run(fmt.Sprintf("%s/cap=%d/%dx%d", impl.Name, capacity, pc[0], pc[1]), func(t *testing.T) {
					Run(impl, capacity, pc[0], pc[1], 1001)
				})
			}
		}
	}
}
