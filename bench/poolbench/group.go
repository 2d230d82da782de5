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

// GroupWorkload is G at the size `baton bench pool` uses by default (2k
// groups), or at the full size: 10k groups of 100 tasks from 8
// goroutines, on GOMAXPROCS workers.
func GroupWorkload(full bool) GroupLoad {
	g := 2_000
	if full {
		g = 10_000
	}
	return GroupLoad{Groups: g, PerGroup: 100, Submitters: 8, Workers: runtime.GOMAXPROCS(0)}
}

// GroupImpl is a pool's groups under test. Run runs every task of l once,
// group by group, and returns the number of tasks run, once all have
// finished and the pool's goroutines are gone.
type GroupImpl struct {
	Name string
	Run  func(l GroupLoad) int64
}

// GroupImpls lists baton first: its default pool and a 1024-task queue;
// then, to show what a group itself costs, baton's default pool with a
// sync.WaitGroup per batch instead of a group; then pond's groups, on its default pool (unbounded queue) and on a
// 1024-task queue; then errgroup, which has no shared pool, so each group
// is an errgroup.Group with SetLimit(Workers).
var GroupImpls = []GroupImpl{
	{"baton", func(l GroupLoad) int64 { return groupsBaton(l, pool.New(l.Workers)) }},
	{"baton/q1024", func(l GroupLoad) int64 { return groupsBaton(l, pool.New(l.Workers, pool.WithQueue(1024))) }},
	{"baton/WaitGroup", groupsBatonWaitGroup},
	{"pond", func(l GroupLoad) int64 { return groupsPond(l, pond.NewPool(l.Workers)) }},
	{"pond/q1024", func(l GroupLoad) int64 { return groupsPond(l, pond.NewPool(l.Workers, pond.WithQueueSize(1024))) }},
	{"errgroup", groupsErrgroup},
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

// RunGroups measures G for every GroupImpl, rounds interleaved (who goes
// first rotates), and returns it as a Row, so that Summarize gives ns and
// bytes per task and ratios to baton. progress, if not nil, is called
// before each measurement. When ctx ends it returns what it has, with
// ErrInterrupted.
func RunGroups(ctx context.Context, rounds int, full bool, progress func(step, steps int, what string)) (Row, error) {
	l := GroupWorkload(full)
	tasks := l.Groups * l.PerGroup
	row := Row{
		Name: "G", Tasks: tasks,
		What: fmt.Sprintf("%d groups × %d tiny tasks, submitted and waited for by %d goroutines sharing one pool of %d workers",
			l.Groups, l.PerGroup, l.Submitters, l.Workers),
	}
	for _, im := range GroupImpls {
		row.Impls = append(row.Impls, ImplRounds{Name: im.Name})
	}
	k := len(GroupImpls)
	for round := range rounds {
		for j := range k {
			i := (j + round) % k
			if ctx.Err() != nil {
				return row, ErrInterrupted
			}
			if progress != nil {
				progress(round*k+j+1, rounds*k, fmt.Sprintf("round %d/%d G %s", round+1, rounds, GroupImpls[i].Name))
			}
			var n int64
			ns, bytes, mallocs := measure(func() { n = GroupImpls[i].Run(l) })
			if n != int64(tasks) {
				panic(fmt.Sprintf("poolbench: %s ran %d of %d group tasks", GroupImpls[i].Name, n, tasks))
			}
			ir := &row.Impls[i]
			ir.NS = append(ir.NS, ns)
			ir.Bytes = append(ir.Bytes, bytes)
			ir.Mallocs = append(ir.Mallocs, mallocs)
		}
	}
	return row, nil
}
