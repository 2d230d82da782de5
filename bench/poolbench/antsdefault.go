package poolbench

import (
	"time"

	"github.com/panjf2000/ants/v2"
)

// ants starts a default pool when it is initialised, with two goroutines
// (a purger and a clock) that live as long as the process. Every program
// that imports this package, the baton command included, would carry them,
// and goleak would count them. The benchmarks build pools of their own, so
// the default pool is released here, once, waiting for its goroutines to
// end. ants.Submit, on the default pool, fails afterwards.
func init() {
	if err := ants.ReleaseTimeout(5 * time.Second); err != nil {
		panic("poolbench: releasing ants' default pool: " + err.Error())
	}
}
