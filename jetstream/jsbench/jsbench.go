// Package jsbench measures baton's JetStream channels against the raw
// nats.go jetstream client doing the same work, end to end: send, store,
// receive, handle, acknowledge. `baton bench jetstream` and the module's
// testing.B benchmarks both run it.
package jsbench

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/baton-go/baton/jetstream"
	"github.com/baton-go/baton/jetstream/embedded"
	"github.com/baton-go/baton/pool"
	natsjs "github.com/nats-io/nats.go/jetstream"
)

// Config is one benchmark setup. The zero value of each field takes the
// default in brackets.
type Config struct {
	Messages  int           // per round [20000]
	Producers int           // sending processes, each with its own connection [2]
	Workers   int           // receiving processes, each with its own connection [3]
	Size      int           // payload bytes [64]
	Window    int           // sends in flight per producer: the raw client's async window, baton's concurrent sends [64]
	Replicas  int           // 1, or 3 for a three-server cluster [1]
	Rounds    int           // rounds; each runs raw and baton, alternating which goes first [5]
	Memory    bool          // memory storage instead of files
	Only      string        // "raw", "raw-id" or "baton" runs only that one; empty runs raw and baton
	WithIDs   bool          // also run "raw-id": the raw client with a message ID on each publish, as baton sends, to show what deduplication costs
	AckWait   time.Duration // baton's AckWait [jetstream.DefaultAckWait]
	Hold      time.Duration // how long each handler works (baton only): makes messages wait in the prefetch buffers [0]
}

func (c Config) withDefaults() Config {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&c.Messages, 20000)
	def(&c.Producers, 2)
	def(&c.Workers, 3)
	def(&c.Size, 64)
	def(&c.Window, 64)
	def(&c.Replicas, 1)
	def(&c.Rounds, 5)
	return c
}

// Validate reports a setup that cannot run.
func (c Config) Validate() error {
	c = c.withDefaults()
	switch {
	case c.Messages < 1, c.Producers < 1, c.Workers < 1, c.Size < 1, c.Window < 1, c.Rounds < 1:
		return fmt.Errorf("jsbench: messages, producers, workers, size, window and rounds must be positive")
	case c.Only != "" && c.Only != "raw" && c.Only != "raw-id" && c.Only != "baton":
		return fmt.Errorf("jsbench: Only must be raw, raw-id, baton or empty, not %q", c.Only)
	case c.Replicas != 1 && c.Replicas != 3:
		return fmt.Errorf("jsbench: replicas must be 1 or 3, not %d", c.Replicas)
	}
	return nil
}

// Cluster is the servers a benchmark runs against: one, or three joined
// in a cluster, all embedded in this process on 127.0.0.1.
type Cluster struct {
	servers []*embedded.Server
	URL     string
}

// StartCluster starts n (1 or 3) embedded servers with file storage in
// temporary directories.
func StartCluster(n int) (*Cluster, error) {
	if n == 1 {
		s, err := embedded.Start(embedded.Config{})
		if err != nil {
			return nil, err
		}
		return &Cluster{servers: []*embedded.Server{s}, URL: s.URL()}, nil
	}
	var ports, cports []int
	for range 2 * n {
		p, err := embedded.FreePort()
		if err != nil {
			return nil, err
		}
		if len(ports) < n {
			ports = append(ports, p)
		} else {
			cports = append(cports, p)
		}
	}
	var routes, urls []string
	for i := range n {
		routes = append(routes, "nats://127.0.0.1:"+strconv.Itoa(cports[i]))
		urls = append(urls, "nats://127.0.0.1:"+strconv.Itoa(ports[i]))
	}
	c := &Cluster{URL: strings.Join(urls, ",")}
	for i := range n {
		s, err := embedded.Start(embedded.Config{
			Name: "bench" + strconv.Itoa(i), Port: ports[i],
			ClusterName: "jsbench", ClusterPort: cports[i], Routes: routes,
		})
		if err != nil {
			c.Shutdown()
			return nil, err
		}
		c.servers = append(c.servers, s)
	}
	return c, nil
}

// Shutdown stops every server and removes their stores.
func (c *Cluster) Shutdown() {
	var wg sync.WaitGroup
	for _, s := range c.servers {
		wg.Go(s.Shutdown)
	}
	wg.Wait()
}

// Result is one measured run.
type Result struct {
	Impl    string // "raw", "raw-id" or "baton"
	Round   int
	Elapsed time.Duration
	Rate    float64 // messages per second
	// Redelivered counts deliveries after the first (baton only): with
	// no crash, each is a message whose in-progress signal came too late.
	Redelivered int64
	// InProgress counts the in-progress signals baton's Receivers sent.
	InProgress int64
}

// Run runs cfg.Rounds rounds against the cluster at url; each round runs
// the raw client and baton one after the other, swapping which goes first
// every round, on fresh streams. report, if not nil, sees each result as
// it comes.
func Run(ctx context.Context, url string, cfg Config, report func(Result)) ([]Result, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	var out []Result
	for round := range cfg.Rounds {
		impls := []string{"raw", "baton"}
		if cfg.WithIDs {
			impls = []string{"raw", "raw-id", "baton"}
		}
		if round%2 == 1 {
			slices.Reverse(impls)
		}
		if cfg.Only != "" {
			impls = []string{cfg.Only}
		}
		for _, impl := range impls {
			name := fmt.Sprintf("jsbench_%s_%d_%d", impl, round, time.Now().UnixNano()%1e6)
			var d time.Duration
			var st jetstream.ReceiverStats
			var err error
			if impl != "baton" {
				d, err = runRaw(ctx, url, cfg, name, impl == "raw-id")
			} else {
				d, st, err = runBaton(ctx, url, cfg, name)
			}
			if err != nil {
				return out, fmt.Errorf("%s round %d: %w", impl, round+1, err)
			}
			r := Result{Impl: impl, Round: round + 1, Elapsed: d, Rate: float64(cfg.Messages) / d.Seconds(),
				Redelivered: st.Redelivered, InProgress: st.InProgress}
			out = append(out, r)
			if report != nil {
				report(r)
			}
		}
	}
	return out, nil
}

// connect makes the connections of one run: producers, then workers, then
// one for setup and checks.
func connect(ctx context.Context, url string, n int) ([]*jetstream.Conn, error) {
	var conns []*jetstream.Conn
	for range n {
		c, err := jetstream.Connect(ctx, url)
		if err != nil {
			closeAll(conns)
			return nil, err
		}
		conns = append(conns, c)
	}
	return conns, nil
}

func closeAll(conns []*jetstream.Conn) {
	for _, c := range conns {
		c.Close()
	}
}

// waitEmpty polls until the stream holds no message: every acknowledgement
// has reached the server. Both implementations are timed up to here.
func waitEmpty(ctx context.Context, js natsjs.JetStream, name string) error {
	s, err := js.Stream(ctx, name)
	if err != nil {
		return err
	}
	for {
		info, err := s.Info(ctx)
		if err != nil {
			return err
		}
		if info.State.Msgs == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Millisecond):
		}
	}
}

func payload(size int) []byte {
	b := make([]byte, size)
	for i := range b {
		b[i] = byte('a' + i%26)
	}
	return b
}

// runBaton sends with Sender.SendContext from Window goroutines per
// producer, and receives with pool.Serve over each worker's Receiver:
// the code a user writes. Each message is acknowledged after its handler,
// with the acknowledgement confirmed.
func runBaton(ctx context.Context, url string, cfg Config, name string) (time.Duration, jetstream.ReceiverStats, error) {
	var st jetstream.ReceiverStats
	conns, err := connect(ctx, url, cfg.Producers+cfg.Workers+1)
	if err != nil {
		return 0, st, err
	}
	defer closeAll(conns)
	opts := []jetstream.Option{jetstream.WithCodec(jetstream.Raw), jetstream.WithReplicas(cfg.Replicas), jetstream.WithWindow(cfg.Window)}
	if cfg.AckWait > 0 {
		opts = append(opts, jetstream.WithAckWait(cfg.AckWait))
	}
	if cfg.Memory {
		opts = append(opts, jetstream.WithMemoryStorage())
	}
	admin := conns[len(conns)-1]
	if _, _, err := jetstream.Bounded[[]byte](ctx, admin, name, cfg.Messages, opts...); err != nil {
		return 0, st, err
	}
	defer admin.JetStream().DeleteStream(context.Background(), name)
	defer admin.JetStream().DeleteStream(context.Background(), jetstream.DeadLetterStream(name))
	var txs []*jetstream.Sender[[]byte]
	var rxs []*jetstream.Receiver[[]byte]
	for i, c := range conns[:len(conns)-1] {
		tx, rx, err := jetstream.Bounded[[]byte](ctx, c, name, cfg.Messages, opts...)
		if err != nil {
			return 0, st, err
		}
		if i < cfg.Producers {
			txs = append(txs, tx)
		} else {
			rxs = append(rxs, rx)
		}
	}
	body := payload(cfg.Size)
	var handled atomic.Int64
	wctx, stop := context.WithCancel(ctx)
	defer stop()
	var sum atomic.Int64
	start := time.Now()
	var wg sync.WaitGroup
	for _, rx := range rxs {
		wg.Go(func() {
			_ = pool.Serve(wctx, rx, 4, func(_ context.Context, b []byte) error {
				if cfg.Hold > 0 {
					time.Sleep(cfg.Hold)
				}
				sum.Add(int64(len(b)))
				if handled.Add(1) == int64(cfg.Messages) {
					stop()
				}
				return nil
			})
		})
	}
	// Closing the Receivers waits for their fetches to go quiet: shutdown,
	// like the raw consumers' Stop, so it is not timed. Every
	// acknowledgement has been applied when the timing ends anyway: the
	// stream is empty then.
	closed := false
	closeRxs := func() {
		if !closed {
			closed = true
			for _, rx := range rxs {
				rx.Close()
			}
		}
	}
	defer closeRxs()
	errs := make(chan error, cfg.Producers*cfg.Window)
	var pwg sync.WaitGroup
	per := splitEven(cfg.Messages, cfg.Producers*cfg.Window)
	for i, tx := range txs {
		for g := range cfg.Window {
			k := per[i*cfg.Window+g]
			pwg.Go(func() {
				for range k {
					if err := tx.SendContext(ctx, body); err != nil {
						errs <- err
						return
					}
				}
			})
		}
	}
	pwg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		stop()
		wg.Wait()
		return 0, st, err
	}
	wg.Wait()
	if handled.Load() < int64(cfg.Messages) {
		return 0, st, fmt.Errorf("handled %d of %d", handled.Load(), cfg.Messages)
	}
	if err := waitEmpty(ctx, admin.JetStream(), name); err != nil {
		return 0, st, err
	}
	elapsed := time.Since(start)
	closeRxs()
	for _, rx := range rxs {
		rst := rx.Stats()
		st.Redelivered += rst.Redelivered
		st.InProgress += rst.InProgress
	}
	return elapsed, st, nil
}

func splitEven(n, parts int) []int {
	out := make([]int, parts)
	for i := range out {
		out[i] = n / parts
		if i < n%parts {
			out[i]++
		}
	}
	return out
}

// runRaw does the same with nats.go alone, as its documentation shows:
// PublishAsync with a window of Window pending acks per producer, pull
// consumption with Consume, and a fire-and-forget Ack per message. With
// ids, each publish carries a message ID, as baton's sends do.
func runRaw(ctx context.Context, url string, cfg Config, name string, ids bool) (time.Duration, error) {
	conns, err := connect(ctx, url, cfg.Producers+cfg.Workers+1)
	if err != nil {
		return 0, err
	}
	defer closeAll(conns)
	admin := conns[len(conns)-1].JetStream()
	storage := natsjs.FileStorage
	if cfg.Memory {
		storage = natsjs.MemoryStorage
	}
	subject := "raw." + name
	// A new cluster answers only once it has elected its leaders: retry
	// the setup, as baton's Bounded does.
	for {
		actx, cancel := context.WithTimeout(ctx, 5*time.Second)
		s, err := admin.CreateStream(actx, natsjs.StreamConfig{
			Name: name, Subjects: []string{subject}, Retention: natsjs.WorkQueuePolicy,
			MaxMsgs: int64(cfg.Messages), Discard: natsjs.DiscardNew, Storage: storage, Replicas: cfg.Replicas,
		})
		if err == nil {
			_, err = s.CreateOrUpdateConsumer(actx, natsjs.ConsumerConfig{Durable: "raw", AckPolicy: natsjs.AckExplicitPolicy, MaxAckPending: 1000, Replicas: cfg.Replicas})
		}
		cancel()
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return 0, fmt.Errorf("%w (last error: %w)", ctx.Err(), err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	defer admin.DeleteStream(context.Background(), name)
	body := payload(cfg.Size)
	var handled atomic.Int64
	var sum atomic.Int64
	done := make(chan struct{})
	var once sync.Once
	start := time.Now()
	var ccs []natsjs.ConsumeContext
	for _, c := range conns[cfg.Producers : cfg.Producers+cfg.Workers] {
		js, err := natsjs.New(c.NATS())
		if err != nil {
			return 0, err
		}
		wc, err := js.Consumer(ctx, name, "raw")
		if err != nil {
			return 0, err
		}
		cc, err := wc.Consume(func(m natsjs.Msg) {
			sum.Add(int64(len(m.Data())))
			_ = m.Ack()
			if handled.Add(1) == int64(cfg.Messages) {
				once.Do(func() { close(done) })
			}
		}, natsjs.PullMaxMessages(64))
		if err != nil {
			return 0, err
		}
		ccs = append(ccs, cc)
	}
	defer func() {
		for _, cc := range ccs {
			cc.Stop()
			<-cc.Closed()
		}
	}()
	per := splitEven(cfg.Messages, cfg.Producers)
	var pwg sync.WaitGroup
	errs := make(chan error, cfg.Producers)
	for i, c := range conns[:cfg.Producers] {
		pwg.Go(func() {
			js, err := natsjs.New(c.NATS(), natsjs.WithPublishAsyncMaxPending(cfg.Window))
			if err != nil {
				errs <- err
				return
			}
			var futures []natsjs.PubAckFuture
			prefix := fmt.Sprintf("%s-%d-", name, i)
			for k := range per[i] {
				opts := []natsjs.PublishOpt{natsjs.WithStallWait(time.Minute)}
				if ids {
					opts = append(opts, natsjs.WithMsgID(prefix+strconv.Itoa(k)))
				}
				f, err := js.PublishAsync(subject, body, opts...)
				if err != nil {
					errs <- err
					return
				}
				futures = append(futures, f)
			}
			select {
			case <-js.PublishAsyncComplete():
			case <-ctx.Done():
				errs <- ctx.Err()
				return
			}
			for _, f := range futures {
				select {
				case err := <-f.Err():
					errs <- err
					return
				default:
				}
			}
		})
	}
	pwg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return 0, err
	}
	select {
	case <-done:
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	if err := waitEmpty(ctx, admin, name); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

// Refill measures back-pressure: a stream of capacity messages is full,
// one SendContext waits for room; after hold, a receiver takes one message
// and acknowledges it. It returns the time from that acknowledgement to
// the waiting send's return (one round trip for the acknowledgement, the
// rest the waiting send's back-off), and how many attempts the
// waiting send made while it waited (a waiting send that spins makes
// thousands).
func Refill(ctx context.Context, url string, capacity int, hold time.Duration) (latency time.Duration, attempts int64, err error) {
	conn, err := jetstream.Connect(ctx, url)
	if err != nil {
		return 0, 0, err
	}
	defer conn.Close()
	name := fmt.Sprintf("jsbench_refill_%d", time.Now().UnixNano()%1e9)
	tx, rx, err := jetstream.Bounded[int](ctx, conn, name, capacity)
	if err != nil {
		return 0, 0, err
	}
	defer conn.JetStream().DeleteStream(context.Background(), name)
	defer conn.JetStream().DeleteStream(context.Background(), jetstream.DeadLetterStream(name))
	defer rx.Close()
	for i := range capacity {
		if err := tx.SendContext(ctx, i); err != nil {
			return 0, 0, err
		}
	}
	sent := make(chan time.Time, 1)
	errc := make(chan error, 1)
	go func() {
		if err := tx.SendContext(ctx, capacity); err != nil {
			errc <- err
			return
		}
		sent <- time.Now()
	}()
	for tx.Stats().FullRetries == 0 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(hold)
	attempts = tx.Stats().FullRetries
	_, settle, err := rx.RecvAck(ctx)
	if err != nil {
		return 0, 0, err
	}
	roomAt := time.Now() // the acknowledgement that makes room leaves now
	settle(nil)
	select {
	case t := <-sent:
		return max(t.Sub(roomAt), 0), attempts, nil
	case err := <-errc:
		return 0, 0, err
	}
}
