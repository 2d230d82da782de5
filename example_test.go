// Package baton_test holds the README's first example, so that go test
// checks that it prints what the README says. The module root has no
// package of its own: baton is imported by its parts, channel, task, guard,
// pool and pipeline.
package baton_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/baton-go/baton/channel"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// Example is the README's "A taste": three producers on one bounded
// channel, the consumer's loop ending when the last of them closes its
// Sender, and a select whose second case is a timer.
func Example() {
	tx, rx := channel.Bounded[string](2) // capacity 0 would be a rendezvous
	for id := range 3 {
		go func(tx *channel.Sender[string]) {
			defer tx.Close() // the last Close disconnects the channel
			tx.Send(fmt.Sprint("hello from ", id))
		}(tx.Clone())
	}
	tx.Close() // ours too, or the loop below never ends

	var got []string
	for s := range rx.All() { // ends once every sender is closed and the buffer is empty
		got = append(got, s)
	}
	slices.Sort(got) // the producers finish in any order
	fmt.Println(got)
	_, err := rx.Recv()
	fmt.Println(err) // every sender is gone: an error, not a zero value

	jobs, queue := channel.Unbounded[int]()
	jobs.Send(42)
	sel := channel.NewSelect( // cases are built at run time, of any types
		channel.OnRecv(queue, func(n int, err error) { fmt.Println("job", n) }),
		channel.OnRecv(channel.After(100*time.Millisecond), func(time.Time, error) { fmt.Println("too slow") }),
	)
	sel.Wait() // the job is ready at once
	sel.Wait() // nothing else arrives: the timer fires
	jobs.Close()
	// Output:
	// [hello from 0 hello from 1 hello from 2]
	// channel: disconnected
	// job 42
	// too slow
}
