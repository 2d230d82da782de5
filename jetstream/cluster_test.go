package jetstream_test

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/baton-go/baton/jetstream"
	"github.com/baton-go/baton/jetstream/embedded"
)

// TestFaultClusterLeaderKill runs a three-server cluster on 127.0.0.1 in
// three processes, with the channel's stream replicated on all three, and
// SIGKILLs the server leading the stream when half the jobs are done. The
// other two keep a quorum: the producer and the workers fail over to them,
// and nothing is lost or stored twice.
func TestFaultClusterLeaderKill(t *testing.T) {
	if testing.Short() {
		t.Skip("a three-process cluster; skipped with -short")
	}
	n := faultMessages(t) / 4
	ctx, cancel := faultCtx(n)
	defer cancel()
	dir := t.TempDir()
	var ports, cports []int
	for range 6 {
		p, err := embedded.FreePort()
		if err != nil {
			t.Fatal(err)
		}
		if len(ports) < 3 {
			ports = append(ports, p)
		} else {
			cports = append(cports, p)
		}
	}
	var routes, urls []string
	for i := range 3 {
		routes = append(routes, "nats://127.0.0.1:"+strconv.Itoa(cports[i]))
		urls = append(urls, "nats://127.0.0.1:"+strconv.Itoa(ports[i]))
	}
	url := strings.Join(urls, ",")
	brokers := map[string]*proc{}
	for i := range 3 {
		name := fmt.Sprintf("n%d", i)
		brokers[name] = startProc(t, "broker",
			portEnv+"="+strconv.Itoa(ports[i]), storeEnv+"="+filepath.Join(dir, name), nameEnv+"="+name,
			clusterEnv+"="+strconv.Itoa(cports[i]), routesEnv+"="+strings.Join(routes, ","))
	}
	defer func() {
		for _, b := range brokers {
			b.stop(t)
		}
	}()

	conn, err := jetstream.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	tx, rx, err := jetstream.Bounded[job](ctx, conn, faultChannel, faultCapacity, faultOptions(3)...)
	if err != nil {
		t.Fatal(err)
	}
	rx.Close()

	var logs []string
	var workers []*proc
	for i := range 2 {
		log := filepath.Join(dir, fmt.Sprintf("worker%d.log", i))
		logs = append(logs, log)
		workers = append(workers, startProc(t, "worker", urlEnv+"="+url, logEnv+"="+log, replicasEnv+"=3", handlerEnv+"=1ms"))
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
	// An eighth: the producer, held back by the channel's capacity, still
	// has jobs to send, so the sends' pause shows too.
	waitProgress(t, "an eighth of the jobs", progress, n/8)

	s, err := conn.JetStream().Stream(ctx, faultChannel)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(ctx)
	if err != nil || info.Cluster == nil || brokers[info.Cluster.Leader] == nil {
		t.Fatalf("stream leader: %+v, %v", info, err)
	}
	leader := info.Cluster.Leader
	sends := watchPause(func() int { return int(tx.Stats().Sent) }, n)
	deliveries := watchPause(progress, n)
	brokers[leader].kill()
	delete(brokers, leader)
	t.Logf("killed the stream leader %s at %d jobs done", leader, progress())

	waitProgress(t, "every job", progress, n)
	t.Logf("losing the stream leader paused deliveries for %v and sends for %v (the longest stretch without progress after the kill)",
		deliveries.stop().Round(10*time.Millisecond), sends.stop().Round(10*time.Millisecond))
	res := <-sent
	if res.err != nil {
		t.Fatal(res.err)
	}
	for _, w := range workers {
		w.stop(t)
	}
	workers = nil
	counts, lines := tally(t, logs, n)
	for id, c := range counts {
		if c == 0 {
			t.Fatalf("job %d was lost", id)
		}
	}
	t.Logf("sent %d, handled %d times, %d send retries, %d duplicates dropped by the server",
		n, lines, res.st.Retries, res.st.Duplicates)
	if lines-n > faultPending {
		t.Fatalf("%d redeliveries: more than the %d one crash could hold", lines-n, faultPending)
	}
	checkStoredOnce(t, ctx, conn, n)
}

// pauseWatch measures the longest stretch, from its start, in which a
// counter did not move, until it reaches its target.
type pauseWatch struct {
	done    chan struct{}
	longest chan time.Duration
}

// watchPause starts sampling count every 10ms.
func watchPause(count func() int, target int) *pauseWatch {
	w := &pauseWatch{done: make(chan struct{}), longest: make(chan time.Duration, 1)}
	go func() {
		last, since, longest := count(), time.Now(), time.Duration(0)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-w.done:
				w.longest <- max(longest, time.Since(since))
				return
			case now := <-tick.C:
				if c := count(); c != last {
					longest = max(longest, now.Sub(since))
					last, since = c, now
					if c >= target {
						<-w.done
						w.longest <- longest
						return
					}
				}
			}
		}
	}()
	return w
}

// stop ends the watch and returns the longest pause; a counter that
// stopped short of its target counts as paused until now.
func (w *pauseWatch) stop() time.Duration {
	close(w.done)
	return <-w.longest
}
