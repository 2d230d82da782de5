package suite

import (
	"errors"
	"fmt"
	"time"
)

// Defaults of `baton bench` and of `baton bench --full`.
const (
	DefaultMessages = 500_000
	FullMessages    = 5_000_000
	DefaultRounds   = 5
	DefaultIdle     = 250 * time.Millisecond
	FullIdle        = time.Second
)

// Config says what to run.
type Config struct {
	// Suite is SuiteCrossbeam (baton against native channels) or SuitePeers.
	Suite string
	// Messages is N, the number of messages of every case.
	Messages int
	// Rounds is how many times each implementation runs each row.
	Rounds int
	// Cases filters the rows; see Filter.
	Cases string
	// Idle is the window of the idle-receiver check; 0 skips the check.
	Idle time.Duration
	// SelectOps is the number of selects per round of the 64-channel
	// select-cost check (crossbeam suite only); 0 skips the check.
	SelectOps int
	// SkipAllocs leaves the allocations-per-message section out of the
	// report. Allocations are counted during the rows' rounds anyway, so
	// this saves no time; it only keeps the report to what was asked for.
	SkipAllocs bool
	// Progress, when set, is called before each measurement.
	Progress func(Progress)
}

// DefaultSelectOps returns the select-cost operations per round for N
// messages: N/4, at most 1<<18, so that reflect.Select stays affordable.
func DefaultSelectOps(messages int) int {
	return max(min(messages/4, 1<<18), 1)
}

// Validate checks the configuration, including the case filter, and
// returns an error that fits on one line.
func (c Config) Validate() error {
	switch {
	case c.Suite != SuiteCrossbeam && c.Suite != SuitePeers:
		return fmt.Errorf("unknown suite %q", c.Suite)
	case c.Messages < 1:
		return fmt.Errorf("the number of messages must be at least 1, not %d", c.Messages)
	case c.Rounds < 1:
		return fmt.Errorf("the number of rounds must be at least 1, not %d", c.Rounds)
	case c.Idle < 0:
		return fmt.Errorf("the idle window must not be negative, not %v", c.Idle)
	case c.SelectOps < 0:
		return fmt.Errorf("the number of selects must not be negative, not %d", c.SelectOps)
	}
	_, err := c.Rows()
	return err
}

// Rows returns the rows the configuration selects.
func (c Config) Rows() ([]Row, error) {
	var rows []Row
	switch c.Suite {
	case SuiteCrossbeam:
		rows = CrossbeamRows(c.Messages)
	case SuitePeers:
		rows = PeerRows(peersAll())
	default:
		return nil, fmt.Errorf("unknown suite %q", c.Suite)
	}
	rows, err := Filter(rows, c.Cases)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, errors.New("no rows to run")
	}
	return rows, nil
}
