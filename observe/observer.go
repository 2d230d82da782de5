package observe

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"time"

	"github.com/baton-go/baton/pipeline"
	"github.com/baton-go/baton/pool"
	"github.com/prometheus/client_golang/prometheus"
)

// ErrRegistered is returned (wrapped, with the name) by Register when the
// name is already taken.
var ErrRegistered = errors.New("already registered")

// Pool is what Register accepts as a pool: *pool.Pool and every
// *pool.Results[T] satisfy it.
type Pool interface {
	Stats() pool.Stats
}

// An Observer holds the pools and pipelines registered with it, the
// Prometheus registry that Handler's /metrics serves, and the samples the
// live view draws its rates and sparklines from. The package-level
// functions use a default Observer; New makes another, for a test or for
// a program that serves two views.
type Observer struct {
	reg *prometheus.Registry

	mu      sync.Mutex
	entries map[string]*entry
	order   []*entry // in registration order, for a stable page
}

// entry is one registered pool, pipeline or bare collector.
type entry struct {
	name string
	col  prometheus.Collector
	ext  prometheus.Registerer // the caller's registry, nil if none
	stop func()                // detaches hooks, on Unregister

	pool *poolView // one of these two is set, or neither (RegisterCollector)
	pipe *pipeView
}

// New returns an empty Observer.
func New() *Observer {
	return &Observer{reg: prometheus.NewRegistry(), entries: map[string]*entry{}}
}

var std = New()

// Register registers x under name with the default Observer: see
// Observer.Register.
func Register(reg prometheus.Registerer, name string, x any) error {
	return std.Register(reg, name, x)
}

// Unregister removes name from the default Observer: see
// Observer.Unregister.
func Unregister(name string) bool { return std.Unregister(name) }

// RegisterCollector registers a named collector with the default Observer:
// see Observer.RegisterCollector.
func RegisterCollector(reg prometheus.Registerer, name string, c prometheus.Collector) error {
	return std.RegisterCollector(reg, name, c)
}

// Snapshot returns the default Observer's state: see Observer.Snapshot.
func Snapshot() State { return std.Snapshot() }

// Register makes x visible under name: its metrics are registered with reg
// (when reg is not nil) and with the Observer's own registry, which
// Handler's /metrics serves, and it appears on Handler's page and in
// /api/state.
//
// x is a pool (*pool.Pool or *pool.Results[T]) or a *pipeline.Monitor.
// For a pool, Register attaches the pool's task hook to feed the
// histograms of queue wait and run time, and to make the pool's running
// tasks visible to Stuck; Unregister detaches it.
//
// A name already registered with this Observer returns an error wrapping
// ErrRegistered that names it, and so does a pool already registered
// (under any name, with any Observer: a pool has one task hook). A reg
// that refuses the collector (one that already holds the same series,
// say) makes Register return its refusal, with the name. An empty
// name, a nil x, and an x of another type are programming errors and
// panic, naming the argument.
func (o *Observer) Register(reg prometheus.Registerer, name string, x any) error {
	if name == "" {
		panic("observe: Register(reg, name, x): empty name")
	}
	if x == nil {
		panic("observe: Register(reg, name, x): x is nil")
	}
	if v := reflect.ValueOf(x); v.Kind() == reflect.Pointer && v.IsNil() {
		panic(fmt.Sprintf("observe: Register(reg, name, x): x is a nil %T", x))
	}
	e := &entry{name: name}
	switch v := x.(type) {
	case *pipeline.Monitor:
		e.pipe = newPipeView(v)
		e.col = newPipelineCollector(name, v)
	case Pool:
		if other, taken := claimed.LoadOrStore(v, name); taken {
			return fmt.Errorf("observe: name %q: the pool is already registered, as %q: %w", name, other, ErrRegistered)
		}
		e.pool = newPoolView(v)
		pc := newPoolCollector(name, v)
		e.col = pc
		e.stop = func() {
			pc.detach()
			claimed.Delete(v)
		}
		if err := o.add(reg, e); err != nil {
			claimed.Delete(v)
			return err
		}
		pc.attach()
		return nil
	default:
		panic(fmt.Sprintf("observe: Register(reg, name, x): x is a %T; want a *pool.Pool, a *pool.Results or a *pipeline.Monitor (JetStream: package jsobserve)", x))
	}
	return o.add(reg, e)
}

// claimed maps each registered pool to its name, across Observers: a pool
// has one task hook, and a second registration would silently take the
// first one's histograms and Stuck away.
var claimed sync.Map

// RegisterCollector registers c under name, with reg (when not nil) and
// with the Observer's registry, so that Handler's /metrics serves it and
// Unregister(name) removes it. It is how sub-packages such as jsobserve
// add their metrics; nothing of c shows on the page. A name already
// registered returns an error wrapping ErrRegistered; an empty name or a
// nil c panics.
func (o *Observer) RegisterCollector(reg prometheus.Registerer, name string, c prometheus.Collector) error {
	if name == "" {
		panic("observe: RegisterCollector(reg, name, c): empty name")
	}
	if c == nil {
		panic("observe: RegisterCollector(reg, name, c): c is nil")
	}
	return o.add(reg, &entry{name: name, col: c})
}

func (o *Observer) add(reg prometheus.Registerer, e *entry) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, dup := o.entries[e.name]; dup {
		return fmt.Errorf("observe: name %q: %w", e.name, ErrRegistered)
	}
	if err := o.reg.Register(e.col); err != nil {
		return fmt.Errorf("observe: name %q: %w", e.name, err)
	}
	if reg != nil {
		if err := reg.Register(e.col); err != nil {
			o.reg.Unregister(e.col)
			return fmt.Errorf("observe: name %q: %w", e.name, err)
		}
		e.ext = reg
	}
	o.entries[e.name] = e
	o.order = append(o.order, e)
	return nil
}

// Unregister removes what was registered under name: its metrics from both
// registries, its hooks, and its place on the page. It reports whether
// there was anything to remove.
func (o *Observer) Unregister(name string) bool {
	o.mu.Lock()
	e, ok := o.entries[name]
	if ok {
		delete(o.entries, name)
		o.order = slices.DeleteFunc(o.order, func(x *entry) bool { return x == e })
	}
	o.mu.Unlock()
	if !ok {
		return false
	}
	o.reg.Unregister(e.col)
	if e.ext != nil {
		e.ext.Unregister(e.col)
	}
	if e.stop != nil {
		e.stop()
	}
	return true
}

// Snapshot returns the state of everything registered, as /api/state
// serves it. Rates are over the time since the previous snapshot that was
// at least a second before; the first snapshot has none. The samples the
// sparklines draw are taken by these calls, at most one a second, so the
// page's polling is what fills them.
func (o *Observer) Snapshot() State {
	o.mu.Lock()
	defer o.mu.Unlock()
	now := time.Now()
	st := State{Time: now, Pools: []PoolState{}, Pipelines: []PipelineState{}}
	for _, e := range o.order {
		switch {
		case e.pool != nil:
			st.Pools = append(st.Pools, e.pool.state(e.name, now))
		case e.pipe != nil:
			st.Pipelines = append(st.Pipelines, e.pipe.state(e.name, now))
		}
	}
	return st
}
