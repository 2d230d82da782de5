package jetstream

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Conn is a connection to a NATS server with JetStream, and, when Connect
// was given no URL, the embedded server behind it. It is safe for use by
// many goroutines; channels made on it share it.
type Conn struct {
	nc  *nats.Conn
	js  jetstream.JetStream
	pub publisher // sends: each waits for its own answer, on one subscription for all
	out outbox    // sends and acknowledgements, handed to nats.go together
	srv Broker    // the broker Close stops, or nil
	url string

	// lost is cancelled when the connection drops and replaced by a fresh
	// one: a send waiting for the answer to an attempt gives the attempt
	// up at once and retries it (same message ID) first thing after the
	// reconnect, while the original, if the server stored it, is still
	// there to be recognised as a duplicate.
	lostMu     sync.Mutex
	lost       context.Context
	cancelLost context.CancelFunc

	// reconnects counts reconnects: a Receiver then checks the stream for
	// leftovers of a server crash (see sweepAcked).
	reconnects atomic.Uint64
}

// ConnectOption configures Connect.
type ConnectOption func(*connectConfig)

type connectConfig struct {
	storeDir string
	broker   StartBroker
	nats     []nats.Option
}

// Broker is a server that Connect starts for an empty URL and Close stops:
// the embedded nats-server of package embedded.
type Broker interface {
	URL() string
	Shutdown()
}

// StartBroker starts a Broker whose store is storeDir (WithStoreDir's, or
// empty for a temporary one).
type StartBroker func(storeDir string) (Broker, error)

// ErrNoBroker reports a Connect with an empty URL in a program that did
// not link a broker to start.
var ErrNoBroker = errors.New("jetstream: no URL and no embedded server to start: import github.com/baton-go/baton/jetstream/embedded, or pass a URL")

var registered struct {
	sync.Mutex
	start StartBroker
}

// RegisterBroker sets what Connect starts for an empty URL, unless a
// WithBroker option says otherwise. Package embedded registers its
// nats-server when it is imported; the broker lives there, not here, so
// that a program that only connects by URL does not link nats-server.
func RegisterBroker(start StartBroker) {
	registered.Lock()
	defer registered.Unlock()
	registered.start = start
}

// WithBroker makes Connect, given an empty URL, start a broker with start
// and stop it at Close (embedded.WithServer uses it). It is ignored when
// a URL is given.
func WithBroker(start StartBroker) ConnectOption {
	if start == nil {
		panic("jetstream: WithBroker: nil start")
	}
	return func(c *connectConfig) { c.broker = start }
}

// WithStoreDir sets the store directory of the broker that Connect starts
// for an empty URL. By default it is a temporary directory removed by
// Close, so nothing survives the process; a fixed directory keeps the
// streams for the next run. It is ignored when a URL is given.
func WithStoreDir(dir string) ConnectOption {
	return func(c *connectConfig) { c.storeDir = dir }
}

// WithNATSOptions passes options to nats.go's Connect unchanged: this is
// how credentials (nats.UserCredentials, nats.UserInfo, nats.Token), NKeys
// (nats.Nkey) and TLS (nats.Secure, nats.RootCAs, nats.ClientCert) reach
// the server. They apply after baton's defaults, so they can override them.
func WithNATSOptions(opts ...nats.Option) ConnectOption {
	return func(c *connectConfig) { c.nats = append(c.nats, opts...) }
}

// Connect connects to NATS JetStream.
//
// An empty url starts an embedded nats-server on 127.0.0.1 with JetStream
// and connects to it; Close stops it. The server is in package embedded,
// which the program must import (for its effect, or for
// embedded.WithServer); without it an empty url fails with ErrNoBroker.
// Any
// other url is a server URL or a comma-separated list of them
// ("nats://a:4222,nats://b:4222"): the client connects to one and fails
// over to the others.
//
// The connection reconnects forever after a server restart or a failover,
// so a send or receive that is waiting resumes when the server is back;
// pass nats.MaxReconnects through WithNATSOptions to change that.
//
// A server that cannot be reached yet is tried again, with back-off up to
// a second, until it answers or ctx ends: a worker started while its
// broker is still starting, or restarting, waits for it rather than
// failing. Give ctx a deadline to bound the wait; once ctx ends, Connect
// fails with an error naming the URL and wrapping ctx's error. Refused
// credentials fail at once, with an error saying so that wraps
// nats.ErrAuthorization, and so does a URL nats.go cannot parse. A nil ctx
// panics.
func Connect(ctx context.Context, url string, opts ...ConnectOption) (*Conn, error) {
	if ctx == nil {
		panic("jetstream: Connect: nil ctx")
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("jetstream: connect %s: %w", displayURL(url), err)
	}
	var cfg connectConfig
	for _, o := range opts {
		o(&cfg)
	}
	c := &Conn{}
	if url == "" {
		start := cfg.broker
		if start == nil {
			registered.Lock()
			start = registered.start
			registered.Unlock()
		}
		if start == nil {
			return nil, ErrNoBroker
		}
		srv, err := start(cfg.storeDir)
		if err != nil {
			return nil, err
		}
		c.srv = srv
		url = srv.URL()
	}
	c.url = url
	nc, err := dial(ctx, url, cfg.nats)
	if err != nil {
		c.stopServer()
		return nil, err
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		c.stopServer()
		return nil, fmt.Errorf("jetstream: connect %s: %w", url, err)
	}
	c.nc, c.js, c.pub.nc, c.out.nc = nc, js, nc, nc
	c.pub.out = &c.out
	c.lost, c.cancelLost = context.WithCancel(context.Background())
	userCB := nc.Opts.DisconnectedErrCB
	nc.SetDisconnectErrHandler(func(nc *nats.Conn, err error) {
		c.lostMu.Lock()
		c.cancelLost()
		c.lost, c.cancelLost = context.WithCancel(context.Background())
		c.lostMu.Unlock()
		if userCB != nil {
			userCB(nc, err)
		}
	})
	userRecCB := nc.Opts.ReconnectedCB
	nc.SetReconnectHandler(func(nc *nats.Conn) {
		c.reconnects.Add(1)
		if userRecCB != nil {
			userRecCB(nc)
		}
	})
	return c, nil
}

// URL is the URL Connect was given, or the embedded server's URL.
func (c *Conn) URL() string { return c.url }

// NATS returns the underlying nats.go connection, for what baton does not
// wrap.
func (c *Conn) NATS() *nats.Conn { return c.nc }

// JetStream returns the nats.go JetStream context the channels use.
func (c *Conn) JetStream() jetstream.JetStream { return c.js }

// Broker returns the broker Connect started, or nil when it was given a
// URL.
func (c *Conn) Broker() Broker { return c.srv }

// Close flushes what was published, closes the connection and stops the
// broker Connect started, if any. Close the channels' Senders and Receivers first:
// a Receiver's Close waits for its acknowledgements to be confirmed, which
// needs the connection. Close is idempotent.
func (c *Conn) Close() error {
	var err error
	if !c.nc.IsClosed() {
		if ferr := c.nc.FlushTimeout(5 * time.Second); ferr != nil && !errors.Is(ferr, nats.ErrConnectionClosed) {
			err = fmt.Errorf("jetstream: close %s: %w", c.url, ferr)
		}
		c.nc.Close()
	}
	c.stopServer()
	c.lostMu.Lock()
	c.cancelLost()
	c.lostMu.Unlock()
	return err
}

// connectionLost returns a context cancelled when the connection drops.
func (c *Conn) connectionLost() context.Context {
	c.lostMu.Lock()
	defer c.lostMu.Unlock()
	return c.lost
}

func (c *Conn) stopServer() {
	if c.srv != nil {
		c.srv.Shutdown()
	}
}

func displayURL(url string) string {
	if url == "" {
		return "(embedded server)"
	}
	return url
}

// dial connects to url, trying again while no server answers, until ctx
// ends. nats.go's RetryOnFailedConnect would return a connection that is
// not connected yet, so a wrong URL would surface only later, as a hang
// in the first Bounded; trying here keeps the failure in Connect, where it
// names the URL.
func dial(ctx context.Context, url string, user []nats.Option) (*nats.Conn, error) {
	delay := 50 * time.Millisecond
	for {
		// One attempt is bounded by what is left of ctx, and by 2s so that
		// a dial lost in the network does not eat the whole deadline.
		timeout := 2 * time.Second
		if d, ok := ctx.Deadline(); ok {
			timeout = min(timeout, time.Until(d))
		}
		if timeout <= 0 || ctx.Err() != nil {
			return nil, fmt.Errorf("jetstream: connect %s: %w", url, context.Cause(ctx))
		}
		nopts := []nats.Option{
			nats.Name("baton"),
			nats.Timeout(timeout),
			nats.MaxReconnects(-1),
			nats.ReconnectWait(100 * time.Millisecond),
			nats.ReconnectJitter(50*time.Millisecond, 50*time.Millisecond),
			// Publishes made while reconnecting wait in this buffer and go
			// out after the reconnect; a send that times out meanwhile is
			// retried with the same message ID, so the server keeps one
			// copy.
			nats.ReconnectBufSize(8 << 20),
			nats.NoCallbacksAfterClientClose(),
		}
		nc, err := nats.Connect(url, append(nopts, user...)...)
		if err == nil {
			return nc, nil
		}
		lower := strings.ToLower(err.Error())
		switch {
		case errors.Is(err, nats.ErrAuthorization) || strings.Contains(lower, "authorization") ||
			strings.Contains(lower, "authentication"):
			return nil, fmt.Errorf("jetstream: connect %s: the server refused the credentials: %w", url, err)
		case !unreachable(err):
			return nil, fmt.Errorf("jetstream: connect %s: %w", url, err)
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("jetstream: connect %s: %w (last error: %w)", url, context.Cause(ctx), err)
		case <-t.C:
		}
		delay = min(2*delay, time.Second)
	}
}

// unreachable reports a dial error that a later try may not meet: no
// server listening yet, a timeout, a connection cut during the handshake.
func unreachable(err error) bool {
	var netErr net.Error
	return errors.Is(err, nats.ErrNoServers) || errors.Is(err, nats.ErrTimeout) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &netErr) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET)
}
