package jetstream_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baton-go/baton/jetstream"
	"github.com/baton-go/baton/jetstream/embedded"
)

// faultMessages is how many jobs a fault test sends: 10k, or
// BATON_JS_MESSAGES (100000 for the long run).
func faultMessages(t *testing.T) int {
	if s := os.Getenv("BATON_JS_MESSAGES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("BATON_JS_MESSAGES=%q: want a positive number", s)
		}
		return n
	}
	if testing.Short() {
		return 2000
	}
	return 10_000
}

// tally reads the workers' logs: how often each job was handled.
func tally(t *testing.T, logs []string, n int) (counts []int, lines int) {
	counts = make([]int, n)
	for _, path := range logs {
		data, err := os.ReadFile(path)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		for _, f := range bytes.Split(data, []byte{'\n'}) {
			if len(f) == 0 {
				continue
			}
			id, err := strconv.Atoi(string(f))
			if err != nil || id < 0 || id >= n {
				// A SIGKILL can only cut the process between two
				// whole writes, so a torn line is a bug.
				t.Fatalf("bad line %q in %s", f, path)
			}
			counts[id]++
			lines++
		}
	}
	return counts, lines
}

// waitProgress waits until progress reaches target, failing only when it
// stops moving for a minute: a slow machine or a long run is no failure.
func waitProgress(t *testing.T, what string, progress func() int, target int) {
	t.Helper()
	last, since := -1, time.Now()
	for {
		p := progress()
		if p >= target {
			return
		}
		if p != last {
			last, since = p, time.Now()
		} else if time.Since(since) > time.Minute {
			t.Fatalf("no progress for a minute waiting for %s: %d of %d", what, p, target)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// faultCtx bounds a fault test: generous, growing with the jobs.
func faultCtx(n int) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 3*time.Minute+time.Duration(n)*5*time.Millisecond)
}

func distinct(counts []int) int {
	d := 0
	for _, c := range counts {
		if c > 0 {
			d++
		}
	}
	return d
}

// produce sends jobs 0..n-1 from 8 goroutines sharing one Sender, and
// returns the Sender's stats once all are stored.
func produceJobs(ctx context.Context, tx *jetstream.Sender[job], n int) (jetstream.SenderStats, error) {
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			for id := g; id < n; id += 8 {
				if err := tx.SendContext(ctx, job{ID: id}); err != nil {
					errs <- fmt.Errorf("send %d: %w", id, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	return tx.Stats(), <-errs
}

// TestFaultWorkerAndBrokerKill runs a broker process and three worker
// processes, SIGKILLs one worker once a fifth of the jobs are done and the
// broker three times (at 35%, 55% and 75%), restarting it each time on the
// same port and store, and checks that every job was handled, none was
// lost, none was stored twice, redeliveries stayed within what the crashes
// could have held, and the stream ends empty: a killed broker can come
// back with acknowledged messages still in the stream, which the running
// workers remove.
func TestFaultWorkerAndBrokerKill(t *testing.T) {
	n := faultMessages(t)
	ctx, cancel := faultCtx(n)
	defer cancel()
	dir := t.TempDir()
	port, err := embedded.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	brokerEnv := []string{portEnv + "=" + strconv.Itoa(port), storeEnv + "=" + filepath.Join(dir, "store")}
	broker := startProc(t, "broker", brokerEnv...)
	defer func() { broker.stop(t) }()
	url := "nats://127.0.0.1:" + strconv.Itoa(port)

	conn, err := jetstream.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	tx, rx, err := jetstream.Bounded[job](ctx, conn, faultChannel, faultCapacity, faultOptions(1)...)
	if err != nil {
		t.Fatal(err)
	}
	rx.Close() // this process only sends

	var logs []string
	var workers []*proc
	for i := range 3 {
		log := filepath.Join(dir, fmt.Sprintf("worker%d.log", i))
		logs = append(logs, log)
		workers = append(workers, startProc(t, "worker", urlEnv+"="+url, logEnv+"="+log, replicasEnv+"=1", handlerEnv+"=1ms"))
	}
	defer func() {
		for _, w := range workers {
			w.stop(t)
		}
	}()

	type result struct {
		st  jetstream.SenderStats
		err error
	}
	sent := make(chan result, 1)
	go func() {
		st, err := produceJobs(ctx, tx, n)
		sent <- result{st, err}
	}()

	progress := func() int { c, _ := tally(t, logs, n); return distinct(c) }
	waitProgress(t, "a fifth of the jobs", progress, n/5)
	workers[0].kill()
	t.Logf("killed worker 0 at %d jobs done", progress())
	const brokerKills = 3
	for k, at := range []int{35, 55, 75} {
		waitProgress(t, fmt.Sprintf("%d%% of the jobs", at), progress, n*at/100)
		broker.kill()
		t.Logf("killed the broker (%d of %d) at %d jobs done", k+1, brokerKills, progress())
		broker = startProc(t, "broker", brokerEnv...)
	}

	waitProgress(t, "every job", progress, n)
	res := <-sent
	if res.err != nil {
		t.Fatal(res.err)
	}
	counts, lines := tally(t, logs, n)
	for id, c := range counts {
		if c == 0 {
			t.Fatalf("job %d was lost", id)
		}
	}
	redelivered := lines - n
	t.Logf("sent %d, handled %d times (%d redelivered after the crashes), %d send retries, %d duplicates dropped by the server",
		n, lines, redelivered, res.st.Retries, res.st.Duplicates)
	// A crash can force a redelivery only of what was delivered and not
	// yet acknowledged, at most MaxAckPending, once per crash.
	if crashes := 1 + brokerKills; redelivered > crashes*faultPending {
		t.Fatalf("%d redeliveries: more than the %d that %d crashes could hold", redelivered, crashes*faultPending, crashes)
	}
	// While the workers still run: they remove what the broker left.
	checkStoredOnce(t, ctx, conn, n)
	for _, w := range workers[1:] {
		w.stop(t)
		t.Logf("%s", strings.TrimSpace(w.stderrText()))
	}
}

// checkStoredOnce checks that the stream stored exactly n messages (one
// per job: a retried send was kept once) and holds none now (every one was
// acknowledged).
func checkStoredOnce(t *testing.T, ctx context.Context, conn *jetstream.Conn, n int) {
	t.Helper()
	var last, msgs uint64
	waitFor(t, "every acknowledgement to reach the stream", func() bool {
		s, err := conn.JetStream().Stream(ctx, faultChannel)
		if err != nil {
			return false
		}
		info, err := s.Info(ctx)
		if err != nil {
			return false
		}
		last, msgs = info.State.LastSeq, info.State.Msgs
		return msgs == 0 || last != uint64(n)
	})
	if last != uint64(n) {
		t.Fatalf("the stream stored %d messages for %d jobs", last, n)
	}
	if msgs != 0 {
		t.Fatalf("%d messages left unacknowledged", msgs)
	}
}
