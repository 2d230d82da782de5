package pipebench

import "fmt"

// Work is what each item costs: Spin iterations for most items, Slow for
// every SlowEvery-th item (0: none).
type Work struct {
	Spin      int // spin iterations of an ordinary item
	Slow      int // spin iterations of a slow item
	SlowEvery int // every SlowEvery-th item is slow; 0: none is
}

// Do is the map callback: it spins and returns v, so the sink's sum checks
// that every item arrived exactly once.
func (w Work) Do(v int) int {
	iters := w.Spin
	if w.SlowEvery > 0 && v%w.SlowEvery == 0 {
		iters = w.Slow
	}
	if iters > 0 {
		burn(iters)
	}
	return v
}

// Row is one measured configuration: a workload, its size and its shape.
type Row struct {
	Name    string // W4/noop/n=4/unordered
	Items   int    // how many items flow through
	Workers int    // the Map's workers
	Ordered bool   // the output keeps the input's order
	Work    Work   // what each item costs
}

// Config sizes the workloads.
type Config struct {
	// Items is N for W4. W5 always uses 10k items.
	Items int
}

// Default and full sizes: the default keeps `baton bench pipeline` under
// a minute on two quiet cores; --full uses N = one million.
const (
	DefaultItems = 100_000
	FullItems    = 1_000_000
	W5Items      = 10_000
)

// Rows returns the rows of W4 and W5, with the spin calibrated to this
// machine: about 1 µs per item, 50 µs for W5's slow items.
func Rows(c Config) []Row {
	us := ItersPerMicrosecond()
	var rows []Row
	for _, w := range []struct {
		name string
		work Work
	}{{"noop", Work{}}, {"spin1us", Work{Spin: us}}} {
		for _, ordered := range []bool{false, true} {
			for _, n := range []int{1, 4, 8} {
				order := "unordered"
				if ordered {
					order = "ordered"
				}
				rows = append(rows, Row{
					Name:  fmt.Sprintf("W4/%s/n=%d/%s", w.name, n, order),
					Items: c.Items, Workers: n, Ordered: ordered, Work: w.work,
				})
			}
		}
	}
	rows = append(rows, Row{
		Name:  "W5/headofline/n=8/ordered",
		Items: W5Items, Workers: 8, Ordered: true,
		Work: Work{Spin: us, Slow: 50 * us, SlowEvery: 100},
	})
	return rows
}

// Want is the sum every implementation's sink must reach for n items.
func Want(n int) int { return n * (n - 1) / 2 }
