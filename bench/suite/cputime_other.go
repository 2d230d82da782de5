//go:build !unix

package suite

import "time"

// cpuTime cannot read the process's CPU time on this system.
func cpuTime() (time.Duration, bool) { return 0, false }
