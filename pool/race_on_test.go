//go:build race

package pool_test

// raceEnabled: the race detector slows stress loops about tenfold.
const raceEnabled = true
