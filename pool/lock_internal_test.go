package pool

import (
	"runtime"
	"testing"
)

// TestLockHotFollowsGOMAXPROCS: lockHot's policy comes from GOMAXPROCS when
// the pool is made, not from the machine's CPUs: with one P it never
// retries (the holder cannot run meanwhile), and it counts a crowd of
// workers per P.
func TestLockHotFollowsGOMAXPROCS(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	one := newCore[struct{}](4, newConfig(4, nil), nil)
	if one.spin || one.crowd != 16 {
		t.Fatalf("GOMAXPROCS=1: spin %v, crowd %d; want false, 16", one.spin, one.crowd)
	}
	runtime.GOMAXPROCS(3)
	three := newCore[struct{}](4, newConfig(4, nil), nil)
	if !three.spin || three.crowd != 48 {
		t.Fatalf("GOMAXPROCS=3: spin %v, crowd %d; want true, 48", three.spin, three.crowd)
	}
	// Neither started a goroutine: no tasks were submitted.
}
