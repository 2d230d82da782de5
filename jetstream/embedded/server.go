// Package embedded runs nats-server inside the process, for the jetstream
// package: a broker for one machine, for tests, demos, and the two-process
// shape where one process runs the broker and the others connect to it by
// URL. It is a package of its own so that a program that only connects by
// URL does not link nats-server (some 25 MB); importing it, even as
//
//	import _ "github.com/baton-go/baton/jetstream/embedded"
//
// lets jetstream.Connect start a broker for an empty URL.
package embedded

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"time"

	"github.com/baton-go/baton/jetstream"
	"github.com/nats-io/nats-server/v2/server"
)

func init() {
	jetstream.RegisterBroker(func(storeDir string) (jetstream.Broker, error) {
		return start(Config{StoreDir: storeDir})
	})
}

// start is Start for jetstream: a failed start must return a nil
// interface, not a nil *Server in one.
func start(cfg Config) (jetstream.Broker, error) {
	s, err := Start(cfg)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// WithServer makes jetstream.Connect, given an empty URL, start an
// embedded server with cfg (a fixed port for other processes to connect
// to, a payload limit, users) and stop it at Close. An empty StoreDir in
// cfg takes jetstream.WithStoreDir's, in whichever order they come.
func WithServer(cfg Config) jetstream.ConnectOption {
	return jetstream.WithBroker(func(storeDir string) (jetstream.Broker, error) {
		if cfg.StoreDir == "" {
			cfg.StoreDir = storeDir
		}
		return start(cfg)
	})
}

// Config describes an embedded nats-server with JetStream. Every
// listener binds 127.0.0.1 only: an embedded broker is for one machine, or
// for tests and demos of many processes on one machine; a real deployment
// runs nats-server itself and passes its URLs to Connect.
type Config struct {
	// Name identifies the server in a cluster. Empty picks a unique name.
	Name string
	// Port is the client port. 0 picks a free port when the server
	// starts, so a restarted server would listen somewhere else and its
	// clients could not find it again: a broker that is to be restarted
	// needs a fixed Port (FreePort finds one).
	Port int
	// StoreDir is where JetStream keeps streams and consumers. Empty uses a
	// new temporary directory that Shutdown removes. A restarted server
	// finds its streams only in the same StoreDir.
	StoreDir string
	// MaxMemory caps, in bytes, what memory-stored streams may hold; 0
	// keeps nats-server's default (a share of the machine's memory).
	MaxMemory int64
	// MaxPayload is the largest message the server accepts, in bytes;
	// 0 keeps nats-server's default of 1 MiB.
	MaxPayload int32
	// Cluster, when ClusterPort is not 0, joins the server to a cluster
	// of servers that list each other's route URLs in Routes
	// ("nats://127.0.0.1:port"). ClusterName must be the same on each.
	ClusterName string
	ClusterPort int
	Routes      []string
	// Users, when not empty, requires clients to log in with one of these
	// user names and passwords.
	Users map[string]string
	// Logs sends the server's log to stderr, for debugging.
	Logs bool
}

// Server is an embedded nats-server with JetStream, started by Start, or
// by jetstream.Connect with an empty URL.
type Server struct {
	srv     *server.Server
	tempDir string
}

// Start starts an embedded nats-server with JetStream and waits until
// it accepts connections. In a cluster it does not wait for the JetStream
// leader election, which needs the other servers: jetstream.Bounded retries until the
// cluster can answer, within its ctx.
func Start(cfg Config) (*Server, error) {
	opts := &server.Options{
		ServerName: cfg.Name,
		Host:       "127.0.0.1",
		Port:       cfg.Port,
		JetStream:  true,
		StoreDir:   cfg.StoreDir,
		NoLog:      !cfg.Logs,
		NoSigs:     true,
		MaxPayload: cfg.MaxPayload,
	}
	if cfg.Port == 0 {
		opts.Port = server.RANDOM_PORT
	}
	if cfg.Port < 0 {
		return nil, fmt.Errorf("embedded: server port %d: must be 0 (any free port) or a port number", cfg.Port)
	}
	if cfg.MaxMemory > 0 {
		opts.JetStreamMaxMemory = cfg.MaxMemory
	}
	s := &Server{}
	if opts.StoreDir == "" {
		dir, err := os.MkdirTemp("", "baton-jetstream-")
		if err != nil {
			return nil, fmt.Errorf("embedded: store directory: %w", err)
		}
		opts.StoreDir, s.tempDir = dir, dir
	}
	if cfg.ClusterPort != 0 {
		opts.Cluster = server.ClusterOpts{Name: cfg.ClusterName, Host: "127.0.0.1", Port: cfg.ClusterPort}
		for _, r := range cfg.Routes {
			u, err := url.Parse(r)
			if err != nil {
				s.removeTemp()
				return nil, fmt.Errorf("embedded: route %q: %w", r, err)
			}
			opts.Routes = append(opts.Routes, u)
		}
		if opts.ServerName == "" {
			opts.ServerName = "baton-" + strconv.Itoa(cfg.ClusterPort)
		}
	}
	for user, pass := range cfg.Users {
		opts.Users = append(opts.Users, &server.User{Username: user, Password: pass})
	}
	srv, err := server.NewServer(opts)
	if err != nil {
		s.removeTemp()
		return nil, fmt.Errorf("embedded: embedded server: %w", err)
	}
	if cfg.Logs {
		srv.ConfigureLogger()
	}
	s.srv = srv
	srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		srv.Shutdown()
		srv.WaitForShutdown()
		s.removeTemp()
		return nil, errors.New("embedded: embedded server did not become ready within 10s")
	}
	return s, nil
}

// URL is the client URL of the server, nats://127.0.0.1:port.
func (s *Server) URL() string { return s.srv.ClientURL() }

// Name is the server's name, as stream info reports a stream's leader.
func (s *Server) Name() string { return s.srv.Name() }

// Shutdown stops the server, waits until it has stopped, and removes its
// store directory if Start made a temporary one. It is idempotent.
func (s *Server) Shutdown() {
	s.srv.Shutdown()
	s.srv.WaitForShutdown()
	s.removeTemp()
}

func (s *Server) removeTemp() {
	if s.tempDir != "" {
		_ = os.RemoveAll(s.tempDir)
		s.tempDir = ""
	}
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago: the
// fixed port a broker keeps across restarts. Another process may take it
// in between, as with any such probe; Start then fails and says so.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
