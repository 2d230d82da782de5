//go:build race

package channel_test

// raceEnabled shortens the scripted races that need many rounds to show a
// miss: the race detector slows each round tenfold, and the plain run of
// the same test keeps the full count.
const raceEnabled = true
