package poolbench_test

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/baton-go/baton/bench/poolbench"
)

// Every implementation runs every task exactly once, from one submitter
// and from many, and has finished them all when Run returns.
func TestImplsRunEveryTask(t *testing.T) {
	for _, im := range poolbench.Impls {
		for _, subs := range []int{1, 7} {
			const n = 700
			var ran [n]atomic.Int32
			var next atomic.Int64
			im.Run(poolbench.Load{Tasks: n, Workers: 3, Submitters: subs, Task: func() {
				ran[next.Add(1)-1].Add(1)
			}})
			if got := next.Load(); got != n {
				t.Fatalf("%s, %d submitters: %d tasks ran, want %d", im.Name, subs, got, n)
			}
		}
	}
}

func TestOrderedImplsKeepOrder(t *testing.T) {
	for _, im := range poolbench.OrderedImpls {
		next := 0
		im.Run(5000, 3, poolbench.Square, func(v int) {
			if v != next*next {
				t.Fatalf("%s: result %d is %d", im.Name, next, v)
			}
			next++
		})
		if next != 5000 {
			t.Fatalf("%s: %d results", im.Name, next)
		}
	}
}

func TestRunAndSummarize(t *testing.T) {
	res, err := poolbench.Run(t.Context(), poolbench.Config{Rounds: 1, Only: "W3"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != 1 || res.Rows[0].Name != "W3" {
		t.Fatalf("rows %+v", res.Rows)
	}
	sum := res.Rows[0].Summarize()
	if len(sum) != len(poolbench.OrderedImpls) || sum[0].Name != "baton" || sum[0].Ratio != 1 || sum[0].Median <= 0 {
		t.Fatalf("summary %+v", sum)
	}
	if err := (poolbench.Config{Rounds: 1, Only: "W9"}).Validate(); err == nil {
		t.Fatal("an unknown workload was accepted")
	}
}

func TestGoals(t *testing.T) {
	res := &poolbench.Results{Rows: []poolbench.Row{
		{Name: "W2/1x", Tasks: 1, Impls: []poolbench.ImplRounds{
			{Name: "baton", NS: []int64{50}}, {Name: "baton/q=n", NS: []int64{300}},
			{Name: "pond", NS: []int64{100}}, {Name: "pond/q=baton", NS: []int64{40}}, {Name: "pond/q=n", NS: []int64{500}},
			{Name: "loop", NS: []int64{5}},
		}},
		{Name: "W3", Tasks: 1, Impls: []poolbench.ImplRounds{{Name: "baton", NS: []int64{10}}, {Name: "pond"}}},
		{Name: "G", Tasks: 1, Impls: []poolbench.ImplRounds{
			{Name: "baton", NS: []int64{60}}, {Name: "baton/WaitGroup", NS: []int64{20}},
			{Name: "pond", NS: []int64{70}}, {Name: "pond/q=baton", NS: []int64{50}}, {Name: "errgroup", NS: []int64{90}},
		}},
	}}
	var got []string
	for _, g := range res.Goals() {
		got = append(got, fmt.Sprintf("%s %s %s/%s %t %t", g.Row, g.What, g.Baton, g.Other, g.Measured(), g.Met()))
	}
	want := []string{
		"W2/1x defaults against defaults baton/pond true true",
		"W2/1x best configuration against the fastest peer baton/pond/q=baton true false",
		"W2/1x equal queue bounds, baton's default baton/pond/q=baton true false",
		"W2/1x equal queue bounds, n tasks baton/q=n/pond/q=n true true",
		"W3 defaults against defaults baton/pond false false",
		"G defaults against defaults baton/pond true true",
		"G equal queue bounds, baton's default baton/pond/q=baton true false",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("goals:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
