package demo_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/baton-go/baton/observe/demo"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// The stuck demo's report names the stage that hangs and the item it
// hangs on, and the chain of stages waiting on it.
func TestStuckNamesTheStageAndItem(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // a hang becomes a failure
	defer cancel()
	s, err := demo.Stuck(ctx, 50*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if s.Stage != demo.StuckStage || s.Item != demo.StuckItem {
		t.Fatalf("report names stage %q item %d, want %q item %d:\n%s", s.Stage, s.Item, demo.StuckStage, demo.StuckItem, s)
	}
	txt := s.String()
	for _, want := range []string{"`" + demo.StuckStage + "`", "item " + strconv.Itoa(demo.StuckItem), "sending to `" + demo.StuckStage + "`", "demo.Stuck"} {
		if !strings.Contains(txt, want) {
			t.Errorf("report lacks %q:\n%s", want, txt)
		}
	}
}

// The demo pipeline is slow but moving: it runs, and stops cleanly.
func TestRunStopsWithItsContext(t *testing.T) {
	d := demo.New(time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	deadline := time.Now().Add(time.Minute)
	for d.Pool.Stats().Succeeded < 10 {
		if time.Now().After(deadline) {
			t.Fatal("no task reached the pool")
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run after its ctx ended: %v, want nil", err)
	}
	st := d.Monitor.Stages()
	if len(st) != len(demo.Stages) {
		t.Fatalf("%d stages, want %d", len(st), len(demo.Stages))
	}
	for i, s := range st {
		if s.Name != demo.Stages[i] {
			t.Errorf("stage %d is %q, want %q", i, s.Name, demo.Stages[i])
		}
	}
}
