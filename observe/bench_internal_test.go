package observe

import (
	"testing"
	"time"
)

// BenchmarkTaskDone is what Register's hook adds to each task of a pool, on
// top of the pool's own cost of timing it: two histogram observations,
// from every worker at once.
func BenchmarkTaskDone(b *testing.B) {
	h := newTaskHistograms("bench")
	b.RunParallel(func(pb *testing.PB) {
		d := time.Duration(0)
		for pb.Next() {
			d += 37 // spread over the buckets as tasks' times would be
			h.TaskDone(d%time.Millisecond, d%(10*time.Microsecond))
		}
	})
}
