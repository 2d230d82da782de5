package poolbench_test

import (
	"testing"

	"github.com/baton-go/baton/bench/poolbench"
)

// Every group implementation runs every task once.
func TestGroupImpls(t *testing.T) {
	l := poolbench.GroupLoad{Groups: 16, PerGroup: 10, Submitters: 8, Workers: 3}
	for _, im := range poolbench.GroupImpls {
		if n := im.Run(l); n != 160 {
			t.Fatalf("%s ran %d of 160 tasks", im.Name, n)
		}
	}
}

// BenchmarkGroups: one op is one group of 100 tiny tasks, submitted and
// waited for by one of 8 goroutines sharing the pool.
func BenchmarkGroups(b *testing.B) {
	for _, im := range poolbench.GroupImpls {
		b.Run(im.Name, func(b *testing.B) {
			l := poolbench.GroupWorkload(false)
			l.Groups = max(b.N/l.Submitters, 1) * l.Submitters
			b.ReportAllocs()
			b.ResetTimer()
			im.Run(l)
		})
	}
}
