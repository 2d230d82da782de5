package poolbench_test

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"testing"

	"github.com/baton-go/baton/bench/poolbench"
)

// Every group implementation runs every task once, and RunGroups checks
// the count and gives a summary with baton first.
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

// TestGroupTable prints G's table, interleaved, when POOLBENCH_GROUPS is
// set to a number of rounds (POOLBENCH_FULL=1 for the 10k groups):
//
//	POOLBENCH_GROUPS=7 POOLBENCH_FULL=1 go test -run TestGroupTable -v ./poolbench/
//
// `baton bench pool` is the place for it once wired; this runs it now.
func TestGroupTable(t *testing.T) {
	rounds, _ := strconv.Atoi(os.Getenv("POOLBENCH_GROUPS"))
	if rounds < 1 {
		t.Skip("set POOLBENCH_GROUPS=<rounds> to measure")
	}
	row, err := poolbench.RunGroups(t.Context(), rounds, os.Getenv("POOLBENCH_FULL") == "1", nil)
	if err != nil {
		t.Fatal(err)
	}
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Printf("%s\n%d rounds, GOMAXPROCS=%d, loadavg %s\n", row.What, rounds, runtime.GOMAXPROCS(0), load)
	fmt.Printf("| impl | ns/task median | min–max | ×baton | B/task | allocs/task |\n|---|---|---|---|---|---|\n")
	for _, s := range row.Summarize() {
		fmt.Printf("| %s | %.0f | %.0f–%.0f | %.2f | %.1f | %.2f |\n", s.Name, s.Median, s.Min, s.Max, s.Ratio, s.BytesPerTask, s.AllocsPerTask)
	}
}
