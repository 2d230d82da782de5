package channel_test

import (
	"fmt"
	"slices"
	"strings"

	"github.com/baton-go/baton/channel"
)

// Seed section 8, the worker pool: several workers pull jobs from one
// bounded queue (a slow pool pushes back on the producer instead of
// buffering without limit), and send their replies to one aggregator. Each
// worker owns a clone of the results sender, so the results channel
// disconnects exactly when the last worker is done.
func Example_workerPool() {
	jobs, queue := channel.Bounded[int](4)
	results, replies := channel.Unbounded[string]()
	for w := range 3 {
		go func(queue *channel.Receiver[int], results *channel.Sender[string]) {
			defer results.Close()
			for n := range queue.All() { // ends when the producer closes jobs
				results.Send(fmt.Sprintf("%d²=%d (worker %d)", n, n*n, w))
			}
		}(queue.Clone(), results.Clone())
	}
	queue.Close()
	results.Close()

	for n := 1; n <= 5; n++ {
		jobs.Send(n) // blocks while the queue is full: back-pressure
	}
	jobs.Close()

	var lines []string
	for r := range replies.All() { // ends when every worker is done
		lines = append(lines, r[:strings.Index(r, " ")])
	}
	slices.Sort(lines) // workers finish in any order
	fmt.Println(strings.Join(lines, " "))
	// Output: 1²=1 2²=4 3²=9 4²=16 5²=25
}

// Seed section 8, the pipeline: stages joined by channels, each one
// processing and forwarding, and each closing its output when its input
// ends, so the end of the stream flows down the pipeline.
func Example_pipeline() {
	stage := func(in *channel.Receiver[int], f func(int) int) *channel.Receiver[int] {
		tx, rx := channel.Bounded[int](1)
		go func() {
			defer tx.Close()
			for v := range in.All() {
				tx.Send(f(v))
			}
		}()
		return rx
	}
	src, in := channel.Bounded[int](0)
	go func() {
		defer src.Close()
		for i := 1; i <= 4; i++ {
			src.Send(i)
		}
	}()
	doubled := stage(in, func(v int) int { return v * 2 })
	plusOne := stage(doubled, func(v int) int { return v + 1 })
	for v := range plusOne.All() {
		fmt.Print(v, " ")
	}
	fmt.Println()
	// Output: 3 5 7 9
}
