package bench_test

import (
	"fmt"
	"testing"

	"github.com/baton-go/baton/bench/peers"
)

// threads is the number of producers (and consumers) of the multi-goroutine
// patterns, as in crossbeam-channel's suite.
const threads = 4

// capacities are the capacities compared: rendezvous, 1, 1024, unbounded.
var capacities = []int{0, 1, 1024, peers.Unbounded}

func capName(c int) string {
	if c == peers.Unbounded {
		return "unbounded"
	}
	return fmt.Sprint(c)
}

// benchQueues runs every implementation that supports the pattern, at every
// capacity: b.N messages per run, so ns/op is ns per message.
func benchQueues(b *testing.B, producers, consumers int) {
	for _, c := range capacities {
		for _, impl := range peers.All() {
			if !impl.Supports(c, producers, consumers) {
				continue
			}
			b.Run(fmt.Sprintf("cap=%s/impl=%s", capName(c), impl.Name), func(b *testing.B) {
				b.ReportAllocs()
				peers.Run(impl, c, producers, consumers, b.N)
			})
		}
	}
}

// BenchmarkSPSC: one sender, one receiver.
func BenchmarkSPSC(b *testing.B) { benchQueues(b, 1, 1) }

// BenchmarkMPSC: 4 senders, one receiver.
func BenchmarkMPSC(b *testing.B) { benchQueues(b, threads, 1) }

// BenchmarkMPMC: 4 senders, 4 receivers.
func BenchmarkMPMC(b *testing.B) { benchQueues(b, threads, threads) }
