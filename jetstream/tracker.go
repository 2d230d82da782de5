package jetstream

import "sync"

// tracker is the set of deliveries a Receiver holds: delivered, not yet
// settled and confirmed. A map under a mutex rather than a sync.Map: every
// delivery is added once and removed once, by different goroutines, which
// is sync.Map's worst case (it allocated two nodes per delivery), and the
// keeper's walk over it is rare.
type tracker struct {
	mu sync.Mutex
	m  map[*delivery]struct{}
}

func (t *tracker) Store(d *delivery) {
	t.mu.Lock()
	if t.m == nil {
		t.m = map[*delivery]struct{}{}
	}
	t.m[d] = struct{}{}
	t.mu.Unlock()
}

func (t *tracker) Delete(d *delivery) {
	t.mu.Lock()
	delete(t.m, d)
	t.mu.Unlock()
}

// due returns the deliveries for which keep reports true, called under
// the lock, so that the caller signals them without holding it.
func (t *tracker) due(keep func(*delivery) bool) []*delivery {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []*delivery
	for d := range t.m {
		if keep(d) {
			out = append(out, d)
		}
	}
	return out
}
