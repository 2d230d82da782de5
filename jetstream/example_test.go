package jetstream_test

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/baton-go/baton/channel"
	"github.com/baton-go/baton/jetstream"
	_ "github.com/baton-go/baton/jetstream/embedded" // lets Connect(ctx, "") start an embedded server
	"github.com/baton-go/baton/pool"
)

// sumJobs is the worker side: it runs four workers over rx, whatever
// channel rx reads, until n jobs are done, and returns their sum.
func sumJobs(ctx context.Context, rx pool.Receiver[int], n int64) int64 {
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	var sum, done atomic.Int64
	_ = pool.Serve(ctx, rx, 4, func(ctx context.Context, job int) error {
		sum.Add(int64(job)) // idempotent enough for an example: nothing crashes here
		if done.Add(1) == n {
			stop()
		}
		return nil
	})
	return sum.Load()
}

// sendJobs is the producer side: it sends 1..n, whatever channel tx writes.
func sendJobs(tx interface{ Send(int) error }, n int) {
	for i := 1; i <= n; i++ {
		if err := tx.Send(i); err != nil {
			panic(err)
		}
	}
}

// The same producer and worker code over a local channel and over
// JetStream: only the constructor changes. Over JetStream each job is
// acknowledged when its handler returns nil, so a crashed worker's job is
// done by another.
func Example_localAndDistributed() {
	ctx := context.Background()

	tx, rx := channel.Bounded[int](8)
	go sendJobs(tx, 100)
	fmt.Println("local:", sumJobs(ctx, rx, 100))

	conn, err := jetstream.Connect(ctx, "") // an embedded server, gone at Close
	if err != nil {
		panic(err)
	}
	defer conn.Close()
	jtx, jrx, err := jetstream.Bounded[int](ctx, conn, "jobs", 8)
	if err != nil {
		panic(err)
	}
	defer jrx.Close()
	go sendJobs(jtx, 100)
	fmt.Println("jetstream:", sumJobs(ctx, jrx, 100))
	// Output:
	// local: 5050
	// jetstream: 5050
}
