package jetstream_test

import (
	"context"
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/baton-go/baton/jetstream"
	"github.com/baton-go/baton/jetstream/embedded"
)

// A server that restarts (same port, same store) while a send waits for
// room: the send resumes after the reconnect and the message is stored once.
func TestSendSurvivesServerRestart(t *testing.T) {
	ctx := testCtx(t)
	srv := startRestartable(t)
	conn := srv.connect(t, ctx)
	tx, rx, err := jetstream.Bounded[int](ctx, conn, "restart", 2)
	if err != nil {
		t.Fatal(err)
	}
	defer rx.Close()
	for i := range 2 {
		if err := tx.SendContext(ctx, i); err != nil {
			t.Fatal(err)
		}
	}
	sent := make(chan error, 1)
	go func() { sent <- tx.SendContext(ctx, 2) }()
	waitFor(t, "the send to wait for room", func() bool { return tx.Stats().FullRetries > 0 })

	srv.restart(t)
	for want := range 3 {
		v, settle, err := rx.RecvAck(ctx)
		if err != nil || v != want {
			t.Fatalf("RecvAck = %v, %v; want %d", v, err, want)
		}
		settle(nil)
	}
	if err := <-sent; err != nil {
		t.Fatalf("the waiting send: %v", err)
	}
	s, err := conn.JetStream().Stream(ctx, "restart")
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.State.LastSeq != 3 {
		t.Fatalf("the stream stored %d messages for 3 sends", info.State.LastSeq)
	}
}

// A worker started before its broker waits for it: Connect keeps trying
// until the broker is up, 2s later, and then the work flows.
func TestWorkerStartsBeforeBroker(t *testing.T) {
	const n = 200
	ctx, cancel := faultCtx(n)
	defer cancel()
	dir := t.TempDir()
	port, err := embedded.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	url := "nats://127.0.0.1:" + strconv.Itoa(port)
	log := filepath.Join(dir, "worker.log")
	worker := startProc(t, "worker", urlEnv+"="+url, logEnv+"="+log, replicasEnv+"=1", handlerEnv+"=0s")
	defer func() { worker.stop(t) }()
	time.Sleep(2 * time.Second) // the scenario, not a timing assertion: the worker's first dials find no server
	select {
	case <-worker.done:
		t.Fatalf("the worker gave up before the broker started: %s", worker.stderrText())
	default:
	}
	broker := startProc(t, "broker", portEnv+"="+strconv.Itoa(port), storeEnv+"="+filepath.Join(dir, "store"))
	defer func() { broker.stop(t) }()

	conn, err := jetstream.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	tx, rx, err := jetstream.Bounded[job](ctx, conn, faultChannel, faultCapacity, faultOptions(1)...)
	if err != nil {
		t.Fatal(err)
	}
	rx.Close()
	if _, err := produceJobs(ctx, tx, n); err != nil {
		t.Fatal(err)
	}
	waitProgress(t, "every job", func() int { c, _ := tally(t, []string{log}, n); return distinct(c) }, n)
	worker.stop(t) // before the broker, so that it need not wait for a lost server to settle
}

// Connect to a URL with no server behind it keeps trying until ctx ends,
// then fails with an error that names the URL and wraps ctx's error.
func TestConnectWaitsUntilCtxEnds(t *testing.T) {
	port, err := embedded.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	url := "nats://127.0.0.1:" + strconv.Itoa(port)
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	_, err = jetstream.Connect(ctx, url)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), url) {
		t.Fatalf("Connect to a closed port: %v; want an error naming %s and wrapping DeadlineExceeded", err, url)
	}
	cctx, ccancel := context.WithCancel(context.Background())
	go func() { time.Sleep(300 * time.Millisecond); ccancel() }()
	if _, err := jetstream.Connect(cctx, url); !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), url) {
		t.Fatalf("Connect cancelled: %v; want an error naming %s and wrapping Canceled", err, url)
	}
}

// restartable is an embedded broker on a fixed port and store, which a
// test can stop and start again as the same server (a restart, as after a
// crash or an upgrade). The running one is shut down when the test ends.
type restartable struct {
	cfg embedded.Config
	srv *embedded.Server
}

func startRestartable(t *testing.T) *restartable {
	t.Helper()
	port, err := embedded.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	r := &restartable{cfg: embedded.Config{Port: port, StoreDir: t.TempDir()}}
	if r.srv, err = embedded.Start(r.cfg); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.srv.Shutdown() })
	return r
}

func (r *restartable) url() string { return r.srv.URL() }

// connect connects to the broker, wherever it restarts; the test closes
// the connection before it shuts the broker down.
func (r *restartable) connect(t *testing.T, ctx context.Context) *jetstream.Conn {
	t.Helper()
	conn, err := jetstream.Connect(ctx, r.url())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// restart stops the broker and starts it again on the same port and store.
func (r *restartable) restart(t *testing.T) {
	t.Helper()
	r.srv.Shutdown()
	var err error
	if r.srv, err = embedded.Start(r.cfg); err != nil {
		t.Fatal(err)
	}
}
