package pool

import (
	"bytes"
	"runtime"
	"strconv"
	"sync/atomic"
)

// Close, Shutdown, a Group's Wait and a Subpool's Close, called from inside
// one of the pool's tasks, must not wait for the worker they run on: that
// would be waiting for themselves. So they must learn whether the calling
// goroutine is one of the pool's workers, and which. Go offers no
// goroutine identity but the "goroutine N" that heads a stack trace, and
// a stack trace costs microseconds: taken by every worker as it starts,
// that was a tenth of the time of a 10k-worker pool running 10 ms tasks
// (W1), since such a pool starts its 10k workers anew each time it is made.
//
// Instead, a worker carries its identity in the outermost frame of its own
// goroutine: work's first argument, a workerTag, an array, which Go's
// calling convention passes on the stack, where a stack trace prints it
// exactly (arguments passed in registers print as "0x…?", maybe stale). So
// a worker pays nothing to be known, and a caller who needs to know reads
// its own stack trace once, when it is about to wait.

// workerTag is a worker goroutine's identity: tagMagic, the pool's id and
// the worker struct's number.
type workerTag [3]uintptr

// tagMagic marks a workerTag in a stack trace, so no other frame's
// argument is taken for one.
const tagMagic = 0xba7011ed

// coreIDs hands out the pools' ids, 1 up: 0 is no pool.
var coreIDs atomic.Uintptr

// tag is the tag of w's goroutine.
func (c *core[R]) tag(w *worker[R]) workerTag {
	return workerTag{tagMagic, c.id, uintptr(w.num)}
}

// tagPrefix is how a stack trace prints a workerTag, up to its pool's id.
var tagPrefix = []byte("{0x" + strconv.FormatUint(tagMagic, 16) + ", 0x")

// onWorker returns the tag of the worker goroutine the caller runs on, or
// ok false if it runs on none. It costs a stack trace of the caller: a few
// microseconds, for callers about to wait.
func onWorker() (t workerTag, ok bool) {
	buf := make([]byte, 2048)
	for {
		n := runtime.Stack(buf, false)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		if len(buf) >= 1<<20 {
			// A stack trace prints at most the innermost and the outermost
			// 50 frames, which never take this much: not a trace we know.
			return t, false
		}
		buf = make([]byte, 2*len(buf))
	}
	// work is a worker goroutine's first frame, so its tag is the last
	// printed: a tag passed on by a task, were there one, is above it.
	i := bytes.LastIndex(buf, tagPrefix)
	if i < 0 {
		return t, false
	}
	if line := bytes.LastIndexByte(buf[:i], '\n') + 1; !bytes.Contains(buf[line:i], []byte(").work(")) {
		return t, false
	}
	rest := buf[i+len(tagPrefix)-2:] // from the pool's "0x"
	end := bytes.IndexByte(rest, '}')
	if end < 0 {
		return t, false
	}
	words := bytes.Split(rest[:end], []byte(", "))
	if len(words) != 2 {
		return t, false
	}
	for k, s := range words {
		v, err := strconv.ParseUint(string(s), 0, 64)
		if err != nil {
			return t, false
		}
		t[k+1] = uintptr(v)
	}
	t[0] = tagMagic
	return t, true
}

// workerOf returns the struct of this pool's worker whose tag is t, or nil
// if t is no worker of this pool.
func (c *core[R]) workerOf(t workerTag) *worker[R] {
	if t[0] != tagMagic || t[1] != c.id {
		return nil
	}
	p := c.structs.Load()
	if p == nil || t[2] >= uintptr(len(*p)) {
		return nil
	}
	return (*p)[t[2]]
}
