package poolbench

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/alitto/pond/v2"
	"github.com/baton-go/baton/pool"
	"golang.org/x/sync/errgroup"
)

// GroupLoad is the task-group workload, G: Submitters goroutines share one
// pool of Workers, and each submits group after group of PerGroup tiny
// tasks and waits for that group, as web handlers on a shared pool do;
// Groups groups in all. It measures what a group costs on top of its tasks.
type GroupLoad struct {
	Groups     int // groups in all, a multiple of Submitters
	PerGroup   int // tasks per group
	Submitters int // goroutines sharing the pool
	Workers    int // the pool's size
}

// GroupWorkload is G: 10k groups of 100 tiny tasks from 8 goroutines, on
// GOMAXPROCS workers, at either size (a run takes under a second).
func GroupWorkload(full bool) GroupLoad {
	return GroupLoad{Groups: 10_000, PerGroup: 100, Submitters: 8, Workers: runtime.GOMAXPROCS(0)}
}

// GroupImpl is a pool's groups under test. Run runs every task of l once,
// group by group, and returns the number of tasks run, once all have
// finished and the pool's goroutines are gone.
type GroupImpl struct {
	Name   string // as the report prints it
	Config string // how it is configured, for the report's legend
	Run    func(l GroupLoad) int64
}

// GroupImpls lists baton first, as a user writes it (pool.New(n) and a
// Group per batch); then, to show what a group itself costs, the same pool
// with a sync.WaitGroup per batch instead of a group; then pond's groups,
// on pond's default pool (an unbounded queue) and bounded as baton's
// default is; then errgroup, which has no shared pool, so each batch is an
// errgroup.Group with SetLimit(n).
var GroupImpls = []GroupImpl{
	{Name: "baton", Config: "pool.New(n), a p.Group(ctx) per batch",
		Run: func(l GroupLoad) int64 { return groupsBaton(l, pool.New(l.Workers)) }},
	{Name: "baton/WaitGroup", Config: "pool.New(n), p.Submit and a sync.WaitGroup per batch: what the group itself costs",
		Run: groupsBatonWaitGroup},
	{Name: "pond", Config: "pond.NewPool(n), a NewGroup() per batch: pond's default, an UNBOUNDED queue",
		Run: func(l GroupLoad) int64 { return groupsPond(l, pond.NewPool(l.Workers)) }},
	{Name: "pond/q=baton", Config: "pond.NewPool(n, pond.WithQueueSize(max(1024, 2n))), a NewGroup() per batch: bounded as baton's default is",
		Run: func(l GroupLoad) int64 {
			return groupsPond(l, pond.NewPool(l.Workers, pond.WithQueueSize(batonDefaultQueue(l.Workers))))
		}},
	{Name: "errgroup", Config: "an errgroup.Group with SetLimit(n) per batch: no shared pool, a goroutine per task",
		Run: groupsErrgroup},
}

// eachSubmitter runs groups(count) on l.Submitters goroutines and waits.
func eachSubmitter(l GroupLoad, groups func(count int)) {
	var wg sync.WaitGroup
	for range l.Submitters {
		wg.Go(func() { groups(l.Groups / l.Submitters) })
	}
	wg.Wait()
}

func groupsBaton(l GroupLoad, p *pool.Pool) int64 {
	var ran atomic.Int64
	ctx := context.Background()
	eachSubmitter(l, func(count int) {
		for range count {
			g := p.Group(ctx)
			for range l.PerGroup {
				if err := g.Submit(func(context.Context) error { Tiny(); return nil }); err != nil {
					panic(err)
				}
			}
			if err := g.Wait(); err != nil {
				panic(err)
			}
			ran.Add(int64(l.PerGroup))
		}
	})
	if err := p.Close(); err != nil {
		panic(err)
	}
	if st := p.Stats(); st.Succeeded != ran.Load() {
		panic(fmt.Sprintf("poolbench: baton groups: %d tasks succeeded, %d submitted", st.Succeeded, ran.Load()))
	}
	return ran.Load()
}

func groupsBatonWaitGroup(l GroupLoad) int64 {
	p := pool.New(l.Workers)
	var ran atomic.Int64
	ctx := context.Background()
	eachSubmitter(l, func(count int) {
		var wg sync.WaitGroup
		task := func(context.Context) error { Tiny(); wg.Done(); return nil }
		for range count {
			wg.Add(l.PerGroup)
			for range l.PerGroup {
				if err := p.Submit(ctx, task); err != nil {
					panic(err)
				}
			}
			wg.Wait()
			ran.Add(int64(l.PerGroup))
		}
	})
	if err := p.Close(); err != nil {
		panic(err)
	}
	return ran.Load()
}

func groupsPond(l GroupLoad, p pond.Pool) int64 {
	var ran atomic.Int64
	eachSubmitter(l, func(count int) {
		for range count {
			g := p.NewGroup()
			for range l.PerGroup {
				g.Submit(func() { Tiny(); ran.Add(1) })
			}
			if err := g.Wait(); err != nil {
				panic(err)
			}
		}
	})
	p.StopAndWait()
	return ran.Load()
}

func groupsErrgroup(l GroupLoad) int64 {
	var ran atomic.Int64
	eachSubmitter(l, func(count int) {
		for range count {
			var g errgroup.Group
			g.SetLimit(l.Workers)
			for range l.PerGroup {
				g.Go(func() error { Tiny(); return nil })
			}
			if err := g.Wait(); err != nil {
				panic(err)
			}
			ran.Add(int64(l.PerGroup))
		}
	})
	return ran.Load()
}

// groupEntry is G as one of Run's workloads.
func groupEntry(full bool) entry {
	l := GroupWorkload(full)
	tasks := l.Groups * l.PerGroup
	e := entry{name: "G", tasks: tasks,
		what: fmt.Sprintf("%d groups of %d tiny tasks, %d workers, %d submitters: each submits a group and waits for it, again and again",
			l.Groups, l.PerGroup, l.Workers, l.Submitters)}
	for _, im := range GroupImpls {
		e.impls = append(e.impls, im.Name)
		e.run = append(e.run, func() {
			if n := im.Run(l); n != int64(tasks) {
				panic(fmt.Sprintf("poolbench: G %s ran %d of %d tasks", im.Name, n, tasks))
			}
		})
	}
	return e
}
