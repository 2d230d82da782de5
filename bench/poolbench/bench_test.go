package poolbench_test

import (
	"runtime"
	"testing"

	"github.com/baton-go/baton/bench/poolbench"
)

// Each benchmark op is one task; b.N tasks per run, so ns/op, B/op and
// allocs/op are per task.
func benchLoad(b *testing.B, l poolbench.Load) {
	for _, im := range poolbench.Impls {
		b.Run(im.Name, func(b *testing.B) {
			l := l
			l.Tasks = max(b.N/l.Submitters, 1) * l.Submitters
			b.ReportAllocs()
			b.ResetTimer()
			im.Run(l)
		})
	}
}

func BenchmarkW1(b *testing.B) {
	benchLoad(b, poolbench.Load{Workers: 10_000, Submitters: 1, Task: poolbench.Sleep})
}

func BenchmarkW2Single(b *testing.B) {
	benchLoad(b, poolbench.Load{Workers: runtime.GOMAXPROCS(0), Submitters: 1, Task: poolbench.Tiny})
}

func BenchmarkW2Many(b *testing.B) {
	benchLoad(b, poolbench.Load{Workers: runtime.GOMAXPROCS(0), Submitters: 100, Task: poolbench.Tiny})
}

func BenchmarkW3(b *testing.B) {
	for _, im := range poolbench.OrderedImpls {
		b.Run(im.Name, func(b *testing.B) {
			b.ReportAllocs()
			im.Run(b.N, runtime.GOMAXPROCS(0), poolbench.Square, func(int) {})
		})
	}
}
