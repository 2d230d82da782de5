package poolbench_test

import (
	"testing"

	"go.uber.org/goleak"
)

// ants starts a default pool, with its purge and clock goroutines, when the
// package is initialised; those are ignored, everything else must end.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m, goleak.IgnoreCurrent()) }
