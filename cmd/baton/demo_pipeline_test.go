package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/baton-go/baton/observe"
	obsdemo "github.com/baton-go/baton/observe/demo"
)

// syncBuffer is a bytes.Buffer safe to read while a command writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestDemoPipeline runs `baton demo pipeline` on a free port, reads its
// /api/state until the items reach the pool, and stops it as Ctrl-C
// would.
func TestDemoPipeline(t *testing.T) {
	ctx, interrupt := context.WithCancel(context.Background())
	defer interrupt()
	var out, errOut syncBuffer
	code := make(chan int, 1)
	go func() { code <- run(ctx, []string{"demo", "pipeline", "--web", "127.0.0.1:0"}, &out, &errOut) }()

	addr := regexp.MustCompile(`http://(127\.0\.0\.1:\d+)/`)
	deadline := time.Now().Add(time.Minute) // a hang becomes a failure
	var url string
	for url == "" {
		if m := addr.FindStringSubmatch(out.String()); m != nil {
			url = "http://" + m[1]
		} else if time.Now().After(deadline) {
			t.Fatalf("no address printed: %q %q", out.String(), errOut.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	for {
		st := getState(t, url)
		if len(st.Pipelines) == 1 && len(st.Pools) == 1 && st.Pools[0].Stats.Succeeded > 0 {
			if got := len(st.Pipelines[0].Stages); got != len(obsdemo.Stages) {
				t.Fatalf("%d stages, want %d", got, len(obsdemo.Stages))
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no task reached the pool: %+v", st)
		}
		time.Sleep(10 * time.Millisecond)
	}
	interrupt()
	if c := <-code; c != exitOK {
		t.Fatalf("exit %d after the interrupt, want 0: %s", c, errOut.String())
	}
	if !regexp.MustCompile(`stopped after \d+ items stored`).MatchString(out.String()) {
		t.Errorf("no closing line: %q", out.String())
	}
}

func getState(t *testing.T, url string) observe.State {
	t.Helper()
	resp, err := http.Get(url + "/api/state")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st observe.State
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		t.Fatal(err)
	}
	return st
}

func TestDemoPipelineBadInput(t *testing.T) {
	for _, args := range [][]string{
		{"demo", "pipeline", "-slow", "0"},
		{"demo", "pipeline", "-for", "-1s"},
		{"demo", "pipeline", "extra"},
		{"demo", "pipeline", "-nope"},
	} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), args, &out, &errOut); code != exitUsage {
			t.Errorf("%v: exit %d, want %d (%s)", args, code, exitUsage, errOut.String())
		}
	}
	var out bytes.Buffer
	if code := run(context.Background(), []string{"demo", "pipeline", "--help"}, &out, &out); code != exitOK || !regexp.MustCompile(`-web`).MatchString(out.String()) {
		t.Errorf("demo pipeline --help: exit %d, %s", code, out.String())
	}
}
