package tour

import (
	"bytes"
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"

	"go.uber.org/goleak"
)

// syncBuffer is a bytes.Buffer safe for the goroutines of a step. When
// cancel is set, the first write calls it, so a step can be interrupted in
// the middle of its work.
type syncBuffer struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	cancel func()
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cancel != nil {
		b.cancel()
	}
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// want lists, per step title, patterns every run's output must match, line
// by line, in any order: what is nondeterministic (times, the order in which
// goroutines report, goroutine ids) is matched loosely, what is not is
// matched exactly.
var want = map[string][]string{
	"Concurrency vs parallelism": {
		`^this machine: \d+ CPUs, GOMAXPROCS=\d+$`,
		`^concurrent, 1 processor: +4 jobs took \S+$`,
		`^  the first chunks ran in the order \[([0-3] ){7}[0-3]\]: the jobs took turns$`,
		`^parallel, \d+ processors: +4 jobs took \S+$`,
		`^speed-up \d+\.\d× \(at most \d: the jobs only compute\)$`,
	},
	"Spawning and joining": {
		`^joined: "hello from a spawned goroutine", err=<nil>$`,
		`^joined a panic as an error: errors.Is\(err, task.ErrPanicked\)=true$`,
		`^  panic value: runtime error: invalid memory address or nil pointer dereference$`,
		`^  its stack is kept too: \d+ bytes, starting "goroutine \d+ \[running\]:"$`,
		`^JoinContext: 7, err=<nil>$`,
		`^back in the main goroutine, which never crashed$`,
	},
	"Message passing: many producers, one consumer": {
		`^every sender closed: the loop ended after 6 values$`,
	},
	"Bounded vs unbounded, and select": {
		`^unbounded: 1000 sends, nobody receiving: 1000 buffered, Cap\(\)=-1$`,
		`^bounded\(2\): TrySend 1 -> <nil>, 2 -> <nil>, 3 -> send failed: channel: full$`,
		`^bounded\(0\): TrySend with no receiver waiting -> send failed: channel: full$`,
		`^both channels disconnected: no cases left$`,
	},
	"Back-pressure, and select with a timeout": {
		`^sent msg1 after \S+$`, `^sent msg2 after \S+$`, `^sent msg3 after \S+$`,
		`^received msg1 after \S+$`, `^received msg2 after \S+$`, `^received msg3 after \S+$`,
		`^nothing within 50ms: channel: timed out$`,
		`^rx2: hello <nil>$`,
		`^case 1 fired$`,
	},
	"Shared memory: a Mutex against a channel": {
		`^Final count: 5 \(guard.Mutex\)$`,
		`^Final count: 5 \(a goroutine that owns it, fed by a channel\)$`,
	},
	"Errors and edge cases": {
		`^tx.Send\(42\) with no receiver left: send failed: channel: disconnected; the value 42 came back$`,
		`^  errors.Is\(err, channel.ErrDisconnected\) = true$`,
		`^receive, sender still open: channel: timed out$`,
		`^receive, sender closed, one value buffered: 1, <nil>$`,
		`^receive, sender closed, buffer empty: channel: disconnected$`,
		`^receive with a cancelled context: context canceled \(errors.Is context.Canceled: true\)$`,
		`^the task's panic, as an error: task: panic: transfer failed$`,
		`^Lock: guard: poisoned: .*; balance is -50$`,
		`^after recovery: balance 100$`,
		`^With after recovery: err=<nil>$`,
	},
	"Worker pool, pipeline, fan-out/fan-in": {
		`^pool: 12 submitted, 10 succeeded, 1 failed, 1 panicked$`,
		`^  Close: job 5: disk full$`,
		`^  Close: task: panic: runtime error: invalid memory address or nil pointer dereference$`,
		`^pool.Serve: 4 workers summed 1..20 = 210, err=<nil>$`,
		`^pool.NewResults: \[25 16 9 4 1\], in submission order$`,
		`^group: GET /prices\?items=apple,pear,plum -> 200 apple=3 pear=5 plum=7$`,
		`^group: GET /prices\?items=apple,kiwi,plum -> 502 kiwi: no price$`,
		`^pipeline: \[message passing keeps state private\] -> \[MESSAGE PASSING PRIVATE\]$`,
		`^fan-out/fan-in: 6 replies: 1²=1 2²=4 3²=9 4²=16 5²=25 6²=36$`,
	},
	"Best practices, shown": {
		`^   unbounded   the producer ran up to \d+ jobs ahead$`,
		`^   bounded\(4\)  the producer ran up to [0-4] jobs ahead$`,
		`^   send failed: channel: timed out: "second" kept for a retry or a fallback$`,
		`^   bounded\(0\) +\d+ ns/msg, each producer's order kept: true$`,
		`^   bounded\(1\) +\d+ ns/msg, each producer's order kept: true$`,
		`^   bounded\(1024\) +\d+ ns/msg, each producer's order kept: true$`,
		`^   unbounded +\d+ ns/msg, each producer's order kept: true$`,
	},
}

// TestSteps runs every step and checks its output.
func TestSteps(t *testing.T) {
	steps := Steps()
	if len(steps) != 9 {
		t.Fatalf("%d steps, want one per section of the tutorial: 9", len(steps))
	}
	for _, s := range steps {
		t.Run(s.File, func(t *testing.T) {
			var out syncBuffer
			if err := s.Run(context.Background(), &out); err != nil {
				t.Fatalf("step %q: %v", s.Title, err)
			}
			lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
			pats, ok := want[s.Title]
			if !ok {
				t.Fatalf("no expectations for step %q", s.Title)
			}
			for _, p := range pats {
				re := regexp.MustCompile(p)
				if !containsMatch(lines, re) {
					t.Errorf("step %q: no line matches %s\noutput:\n%s", s.Title, p, out.String())
				}
			}
		})
	}
}

func containsMatch(lines []string, re *regexp.Regexp) bool {
	for _, l := range lines {
		if re.MatchString(l) {
			return true
		}
	}
	return false
}

// TestStepDetails checks what the pattern list cannot say line by line:
// orders and counts.
func TestStepDetails(t *testing.T) {
	out := runStep(t, "s3_mpsc.go")
	var got []string
	for _, l := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(l, "received "); ok {
			got = append(got, v)
		}
	}
	if len(got) != 6 {
		t.Fatalf("mpsc received %v, want 6 values", got)
	}
	for _, p := range []string{"A", "B"} { // each producer's values arrive in its order
		var mine []string
		for _, v := range got {
			if strings.HasPrefix(v, p) {
				mine = append(mine, v)
			}
		}
		if strings.Join(mine, ",") != p+"1,"+p+"2,"+p+"3" {
			t.Errorf("producer %s: received %v", p, mine)
		}
	}

	out = runStep(t, "s9_practices.go")
	if !strings.Contains(out, "   job: resize photo\n   job: send mail\n   quit: shutting down\n") {
		t.Errorf("the select loop did not serve both jobs, then quit:\n%s", out)
	}

	out = runStep(t, "s6_mutex.go")
	if !strings.Contains(out, "incremented to 1\nincremented to 2\nincremented to 3\nincremented to 4\nincremented to 5\n") {
		t.Errorf("the Mutex counter did not print 1 to 5 in order:\n%s", out)
	}

	out = runStep(t, "s4_select.go")
	for _, l := range []string{`select: int 0`, `select: int 1`, `select: int 2`, `select: string "w0"`, `select: string "w1"`, `select: string "w2"`} {
		if strings.Count(out, l+"\n") != 1 {
			t.Errorf("select: %q not received exactly once:\n%s", l, out)
		}
	}
}

func runStep(t *testing.T, file string) string {
	t.Helper()
	for _, s := range Steps() {
		if s.File == file {
			var out syncBuffer
			if err := s.Run(context.Background(), &out); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			return out.String()
		}
	}
	t.Fatalf("no step in %s", file)
	return ""
}

// TestStepsStopOnCancel interrupts every step at its first line of output:
// each must return, and leave no goroutine running.
func TestStepsStopOnCancel(t *testing.T) {
	for _, s := range Steps() {
		t.Run(s.File, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			out := &syncBuffer{cancel: cancel}
			err := s.Run(ctx, out)
			if err != nil && ctx.Err() == nil {
				t.Fatalf("step %q failed: %v", s.Title, err)
			}
			goleak.VerifyNone(t)
		})
	}
}

// TestCodeIsTheSource checks that what the tour shows is the step's own
// file, minus its package clause and imports, and that it holds the step's
// function.
func TestCodeIsTheSource(t *testing.T) {
	for _, s := range Steps() {
		f, err := parser.ParseFile(token.NewFileSet(), s.File, s.Source, parser.ParseComments)
		if err != nil {
			t.Fatalf("%s does not parse: %v", s.File, err)
		}
		code := s.Code()
		if strings.Contains(code, "package tour") || strings.Contains(code, "import") {
			t.Errorf("%s: the shown code keeps its header:\n%s", s.File, code)
		}
		if !strings.HasSuffix(s.Source, code) {
			t.Errorf("%s: the shown code is not the end of the file", s.File)
		}
		name := runtime.FuncForPC(reflect.ValueOf(s.Run).Pointer()).Name()
		name = name[strings.LastIndex(name, ".")+1:]
		found := false
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == name {
				found = true
			}
		}
		if !found || !strings.Contains(code, "func "+name+"(ctx context.Context, out io.Writer) error {") {
			t.Errorf("%s: the step runs %s, which the shown code does not define", s.File, name)
		}
	}
}
