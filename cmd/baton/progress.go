package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/baton-go/baton/bench/suite"
)

// progress shows on stderr which measurement runs and how long is left. On
// a terminal it rewrites one line; elsewhere it prints a line when a round
// starts and at most every few seconds in between.
type progress struct {
	w     io.Writer
	tty   bool
	last  time.Time
	round int
	shown bool
}

// lineEvery is how often a non-terminal gets a progress line.
const lineEvery = 5 * time.Second

func newProgress(w io.Writer) *progress {
	p := &progress{w: w}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

func (p *progress) update(s suite.Progress) {
	line := fmt.Sprintf("[%d/%d] %s", s.Step, s.Steps, s.What)
	if s.Round > 0 {
		line = fmt.Sprintf("[%d/%d] round %d/%d  %s", s.Step, s.Steps, s.Round, s.Rounds, s.What)
	}
	if s.Left >= 0 {
		line += fmt.Sprintf("  elapsed %s, about %s left", roundDur(s.Elapsed), roundDur(s.Left))
	} else {
		line += fmt.Sprintf("  elapsed %s, time left not known yet", roundDur(s.Elapsed))
	}
	if p.tty {
		fmt.Fprintf(p.w, "\r\033[K%s", line)
		p.shown = true
		return
	}
	if s.Round != p.round || time.Since(p.last) >= lineEvery || s.Step == 1 {
		fmt.Fprintln(p.w, line)
		p.last, p.round = time.Now(), s.Round
	}
}

// done clears the terminal line.
func (p *progress) done() {
	if p.tty && p.shown {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

func roundDur(d time.Duration) time.Duration {
	if d < 10*time.Second {
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Second)
}
