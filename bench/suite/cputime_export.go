package suite

import "time"

// CPUTime returns the user plus system CPU time this process has used, and
// whether it could be read. Other benchmark packages (bench/poolbench) use
// it for their idle checks.
func CPUTime() (time.Duration, bool) { return cpuTime() }
