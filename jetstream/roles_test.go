package jetstream_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/baton-go/baton/jetstream"
	"github.com/baton-go/baton/jetstream/embedded"
	"github.com/baton-go/baton/pool"
)

// The fault tests re-execute the test binary as the processes of a small
// distributed system; the role and its settings travel in the environment.
const (
	roleEnv       = "BATON_JS_TEST_ROLE"     // broker or worker
	portEnv       = "BATON_JS_PORT"          // broker: client port
	storeEnv      = "BATON_JS_STORE"         // broker: store directory
	nameEnv       = "BATON_JS_NAME"          // broker: server name
	clusterEnv    = "BATON_JS_CLUSTER_PORT"  // broker: cluster port, or empty
	routesEnv     = "BATON_JS_ROUTES"        // broker: comma-separated route URLs
	urlEnv        = "BATON_JS_URL"           // worker: server URLs
	logEnv        = "BATON_JS_LOG"           // worker: file of handled job IDs
	replicasEnv   = "BATON_JS_REPLICAS"      // worker: stream replicas
	handlerEnv    = "BATON_JS_HANDLER_DELAY" // worker: how long a handler works
	faultChannel  = "fault"
	faultCapacity = 2000
	faultAckWait  = 2 * time.Second
	faultPending  = 256 // MaxAckPending: what a crash can force to be redelivered
)

// job is what the fault tests send.
type job struct {
	ID int `json:"id"`
}

func faultOptions(replicas int) []jetstream.Option {
	return []jetstream.Option{
		jetstream.WithAckWait(faultAckWait),
		jetstream.WithMaxAckPending(faultPending),
		jetstream.WithReplicas(replicas),
		jetstream.WithMaxDeliver(1000), // a crash is no reason to dead-letter
	}
}

func runRole(role string) int {
	var err error
	switch role {
	case "broker":
		err = runBrokerRole()
	case "worker":
		err = runWorkerRole()
	case "consumer":
		err = runConsumerRole()
	default:
		err = fmt.Errorf("unknown role %q", role)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", role, err)
		return 1
	}
	return 0
}

// runBrokerRole is an embedded server on a fixed port and store directory,
// until SIGTERM (or SIGKILL).
func runBrokerRole() error {
	port, _ := strconv.Atoi(os.Getenv(portEnv))
	cport, _ := strconv.Atoi(os.Getenv(clusterEnv))
	cfg := embedded.Config{Name: os.Getenv(nameEnv), Port: port, StoreDir: os.Getenv(storeEnv)}
	if cport != 0 {
		cfg.ClusterName, cfg.ClusterPort = "baton-test", cport
		cfg.Routes = strings.Split(os.Getenv(routesEnv), ",")
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM)
	srv, err := embedded.Start(cfg)
	if err != nil {
		return err
	}
	fmt.Println("ready", srv.Name())
	<-sig
	srv.Shutdown()
	return nil
}

// runWorkerRole serves the fault channel with a pool of 8 until SIGTERM; each
// handler works a little, then appends the job's ID to the log file, in one
// write, so the file holds exactly the work that was done.
func runWorkerRole() error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	log, err := os.OpenFile(os.Getenv(logEnv), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer log.Close()
	replicas, _ := strconv.Atoi(os.Getenv(replicasEnv))
	delay, _ := time.ParseDuration(os.Getenv(handlerEnv))
	cctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	conn, err := jetstream.Connect(cctx, os.Getenv(urlEnv))
	if err != nil {
		return err
	}
	defer conn.Close()
	_, rx, err := jetstream.Bounded[job](cctx, conn, faultChannel, faultCapacity, faultOptions(replicas)...)
	if err != nil {
		return err
	}
	defer rx.Close()
	err = pool.Serve(ctx, rx, 8, func(ctx context.Context, j job) error {
		time.Sleep(delay)
		_, err := log.WriteString(strconv.Itoa(j.ID) + "\n")
		return err
	})
	st := rx.Stats()
	fmt.Fprintf(os.Stderr, "worker: received %d (%d redelivered), %d acked, %d leftovers of a broker crash removed\n",
		st.Received, st.Redelivered, st.Acked, st.Leftovers)
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// proc is a re-executed child process.
type proc struct {
	cmd    *exec.Cmd
	stderr *bytes.Buffer
	name   string // a broker's server name, read from its "ready" line
	done   chan struct{}
}

var stderrMu sync.Mutex

type lockedBuffer struct{ b *bytes.Buffer }

func (w lockedBuffer) Write(p []byte) (int, error) {
	stderrMu.Lock()
	defer stderrMu.Unlock()
	return w.b.Write(p)
}

// startProc starts the test binary in a role; a broker is waited for until
// it says it is ready.
func startProc(t *testing.T, role string, env ...string) *proc {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), roleEnv+"="+role), env...)
	p := &proc{cmd: cmd, stderr: &bytes.Buffer{}, done: make(chan struct{})}
	cmd.Stderr = lockedBuffer{p.stderr}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ready := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(out).ReadString('\n')
		ready <- line
		cmd.Wait() // after the pipe is read, as exec requires
		close(p.done)
	}()
	if role != "broker" {
		return p
	}
	select {
	case line := <-ready:
		if name, ok := strings.CutPrefix(strings.TrimSpace(line), "ready "); ok {
			p.name = name
			return p
		}
		<-p.done
		t.Fatalf("broker did not start: %q %s", line, p.stderrText())
	case <-time.After(60 * time.Second):
		p.kill()
		t.Fatalf("broker not ready after 60s: %s", p.stderrText())
	}
	return nil
}

func (p *proc) stderrText() string {
	stderrMu.Lock()
	defer stderrMu.Unlock()
	return p.stderr.String()
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *proc) kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// stop sends SIGTERM and waits, up to a minute, then kills.
func (p *proc) stop(t *testing.T) {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(60 * time.Second):
		t.Errorf("process did not stop on SIGTERM: %s", p.stderrText())
		p.kill()
	}
}
