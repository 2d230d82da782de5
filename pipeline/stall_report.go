package pipeline

import (
	"bufio"
	"bytes"
	"fmt"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"
)

// Stall is WithStallReport's diagnosis of a run in which nothing moved.
//
// The stage holding everything back is the one whose goroutines are inside
// its callback (or, for a source, inside its own input: its iterator,
// receiver or channel) while the others only wait: upstream of it, stages
// blocked sending into its full input; downstream, stages waiting for its
// output. When several stages have goroutines in their callback, it is
// the one with the oldest call.
type Stall struct {
	// Stage names the stage holding everything back, as in
	// StageError.Stage; empty when every goroutine of the run only waits
	// for another (a cycle through channels the pipeline does not own).
	Stage string
	// Idle is how long no item has moved anywhere in the run.
	Idle time.Duration
	// Chain lists the stages blocked sending into Stage's input, and those
	// blocked sending into theirs, upstream first: each waits on the next,
	// and the last waits on Stage.
	Chain []Wait
	// Workers is how many goroutines Stage has, and InCallback how many of
	// them are in its callback (for a source: in its input).
	Workers, InCallback int
	// Source says that Stage is a source waiting in its own input.
	Source bool
	// Item is the oldest item in Stage's callback, numbered as
	// StageError.Index numbers it (its position in Stage's input), and Age
	// how long it has been there, to within the watch's period (d/4): the
	// watch notes which item each goroutine is on at each look, so Age
	// counts from the look before it first saw the item: it may be over
	// by up to d/4, never under. Item is -1 when no item is in a callback.
	Item int64
	Age  time.Duration
	// Stacks holds the stack of each goroutine stuck in Stage's callback
	// (or input), from the runtime's goroutine profile, found by the pprof
	// labels every stage goroutine carries. Goroutines with the same stack
	// share an entry, which says how many they are. The body of All's loop
	// runs on the caller's goroutine, which carries no label: a stalled All
	// has no stack here.
	Stacks []string
}

// Wait is one stage blocked on another: Stage has waited For to send into
// the input of On, which is full.
type Wait struct {
	Stage, On string
	For       time.Duration
}

// String reads like "pipeline stalled: no item moved for 30s; `load`
// blocked 30s sending to `enrich`; all 4 workers of `enrich` in their
// callback for 30s, oldest on item 1812; goroutine stack: …".
func (s Stall) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "pipeline stalled: no item moved for %v", round(s.Idle))
	for _, w := range s.Chain {
		fmt.Fprintf(&b, "; `%s` blocked %v sending to `%s`", w.Stage, round(w.For), w.On)
	}
	switch {
	case s.Stage == "":
		b.WriteString("; every goroutine of the run waits for another stage")
	case s.Source:
		fmt.Fprintf(&b, "; source `%s` waiting in its input for %v, before item %d", s.Stage, round(s.Age), s.Item)
	default:
		who, their := fmt.Sprintf("%d of %d workers", s.InCallback, s.Workers), "their"
		switch {
		case s.Workers == 1:
			who, their = "the worker", "its"
		case s.InCallback == s.Workers:
			who = fmt.Sprintf("all %d workers", s.Workers)
		case s.InCallback == 1:
			their = "its"
		}
		fmt.Fprintf(&b, "; %s of `%s` in %s callback for %v, oldest on item %d", who, s.Stage, their, round(s.Age), s.Item)
	}
	if len(s.Stacks) > 0 {
		b.WriteString("; goroutine stack:\n")
		b.WriteString(strings.Join(s.Stacks, "\n"))
	}
	return b.String()
}

func round(d time.Duration) time.Duration {
	if d >= time.Millisecond {
		return d.Round(time.Millisecond)
	}
	return d
}

// diagnose builds the Stall of a run in which nothing moved for idle, as
// of now (run clock), from the watch's last look.
func (r *run) diagnose(idle time.Duration, now int64) Stall {
	byName := map[string]*stageStats{}
	for _, s := range r.all {
		if _, dup := byName[s.name]; !dup {
			byName[s.name] = s
		}
	}
	rep := Stall{Idle: idle, Item: -1}

	// The culprit: the stage with the oldest goroutine in its callback;
	// failing that, a source in its own input.
	var culprit *stageStats
	oldest := int64(-1)
	for _, s := range r.all {
		for i := range s.ws {
			w := &s.ws[i]
			if w.seenItem != 0 && (culprit == nil || w.seenSince < oldest) {
				culprit, oldest = s, w.seenSince
			}
		}
	}
	if culprit == nil {
		for _, s := range r.all {
			for i := range s.ws {
				if s.ws[i].state.Load() == stateReading && culprit == nil {
					culprit = s
					rep.Source = true
				}
			}
		}
	}
	if culprit == nil {
		return rep
	}
	rep.Stage, rep.Workers = culprit.name, culprit.workers
	if rep.Source {
		rep.InCallback, rep.Age = 1, idle
		rep.Item = 0
		for i := range culprit.ws {
			rep.Item += culprit.ws[i].out.Load()
		}
	} else {
		for i := range culprit.ws {
			w := &culprit.ws[i]
			if w.seenItem == 0 {
				continue
			}
			rep.InCallback++
			// Calls first seen at the same look are told apart by their
			// items' positions: the stage received the lower one first.
			age, item := time.Duration(now-w.seenSince), w.seenItem-1
			if rep.Item < 0 || age > rep.Age || age == rep.Age && item < rep.Item {
				rep.Item, rep.Age = item, age
			}
		}
	}

	// The chain: who is blocked sending into the culprit's input, and into
	// theirs, upstream first.
	seen := map[*stageStats]bool{culprit: true}
	var chain func(s *stageStats)
	chain = func(s *stageStats) {
		for _, in := range s.inputs {
			up := byName[in]
			if up == nil || seen[up] {
				continue
			}
			since := int64(-1)
			for i := range up.ws {
				w := &up.ws[i]
				if w.state.Load() == stateSending {
					if t := w.since.Load(); since < 0 || t < since {
						since = t
					}
				}
			}
			if since < 0 {
				continue
			}
			seen[up] = true
			chain(up)
			rep.Chain = append(rep.Chain, Wait{Stage: up.name, On: s.name, For: time.Duration(now - since)})
		}
	}
	chain(culprit)
	rep.Stacks = r.stacks(culprit.name, rep.Source)
	return rep
}

// stacks returns the stacks of the run's goroutines of stage that are in
// its callback (for a source: not sending), read from the goroutine
// profile, which groups goroutines by stack and shows their labels.
func (r *run) stacks(stage string, source bool) []string {
	var buf bytes.Buffer
	if err := pprof.Lookup("goroutine").WriteTo(&buf, 1); err != nil {
		return nil
	}
	wantStage := strconv.Quote("pipeline.stage") + ":" + strconv.Quote(stage)
	wantRun := strconv.Quote("pipeline.run") + ":" + strconv.Quote(r.id)
	var out []string
	for _, rec := range strings.Split(buf.String(), "\n\n") {
		if !strings.Contains(rec, wantStage) || !strings.Contains(rec, wantRun) {
			continue
		}
		inCall := strings.Contains(rec, "baton/pipeline.call[")
		if source {
			inCall = !strings.Contains(rec, "baton/pipeline.sendItem[")
		}
		if inCall {
			out = append(out, formatRecord(rec))
		}
	}
	return out
}

// formatRecord turns one record of the goroutine profile ("3 @ 0x…", the
// labels, then "#\taddr\tfunc+off\tfile:line" frames) into a readable
// stack: "3 goroutines:" then each function and, indented, its file and
// line.
func formatRecord(rec string) string {
	var b strings.Builder
	sc := bufio.NewScanner(strings.NewReader(rec))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.Contains(line, " @ "):
			n, _, _ := strings.Cut(line, " @ ")
			if n == "1" {
				b.WriteString("1 goroutine:\n")
			} else {
				fmt.Fprintf(&b, "%s goroutines:\n", n)
			}
		case strings.HasPrefix(line, "#\t"):
			f := strings.Fields(strings.TrimPrefix(line, "#"))
			if len(f) < 3 {
				continue
			}
			fn := f[1]
			if i := strings.LastIndex(fn, "+0x"); i > 0 {
				fn = fn[:i]
			}
			fmt.Fprintf(&b, "%s\n\t%s\n", fn, f[len(f)-1])
		}
	}
	return strings.TrimRight(b.String(), "\n")
}
