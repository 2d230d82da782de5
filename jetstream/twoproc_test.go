package jetstream_test

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"github.com/baton-go/baton/jetstream"
	"github.com/baton-go/baton/jetstream/embedded"
	"github.com/baton-go/baton/pool"
)

// The two-process shape, as the README shows it: one process runs the
// broker and produces, others connect by URL and consume. The producer is
// this test; the workers are two processes re-executed from it.
func TestTwoProcesses(t *testing.T) {
	const n = 1000
	ctx := testCtx(t)
	dir := t.TempDir()
	port, err := embedded.FreePort() // a real deployment picks its port, 4222 say
	if err != nil {
		t.Fatal(err)
	}

	// The producer: an embedded broker on a fixed port, for the others.
	conn, err := jetstream.Connect(ctx, "", embedded.WithServer(embedded.Config{Port: port, StoreDir: filepath.Join(dir, "store")}))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	tx, rx, err := jetstream.Bounded[job](ctx, conn, "jobs", 100)
	if err != nil {
		t.Fatal(err)
	}
	rx.Close() // this process only produces

	var logs []string
	var workers []*proc
	for i := range 2 {
		log := filepath.Join(dir, fmt.Sprintf("consumer%d.log", i))
		logs = append(logs, log)
		workers = append(workers, startProc(t, "consumer", urlEnv+"="+conn.URL(), logEnv+"="+log))
	}
	defer func() {
		for _, w := range workers {
			w.stop(t)
		}
	}()
	for id := range n {
		if err := tx.SendContext(ctx, job{ID: id}); err != nil {
			t.Fatal(err)
		}
	}
	waitProgress(t, "every job", func() int { c, _ := tally(t, logs, n); return distinct(c) }, n)
	for _, w := range workers {
		w.stop(t)
	}
	counts, _ := tally(t, logs, n)
	for id, c := range counts {
		if c != 1 {
			t.Errorf("job %d handled %d times", id, c)
		}
	}
}

// runConsumerRole is a consumer process of the two-process shape: it
// connects by URL, opens the producer's channel as it is, and serves it.
func runConsumerRole() error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	log, err := os.OpenFile(os.Getenv(logEnv), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer log.Close()

	conn, err := jetstream.Connect(ctx, os.Getenv(urlEnv)) // waits for the broker if it is not up yet
	if err != nil {
		return err
	}
	defer conn.Close()
	_, rx, err := jetstream.Open[job](ctx, conn, "jobs") // as the producer made it; waits for it to exist
	if err != nil {
		return err
	}
	defer rx.Close()
	err = pool.Serve(ctx, rx, 4, func(ctx context.Context, j job) error {
		_, err := log.WriteString(strconv.Itoa(j.ID) + "\n")
		return err
	})
	if ctx.Err() != nil {
		return nil
	}
	return err
}
