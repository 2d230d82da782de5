package channel

import (
	"runtime"
	"testing"
	"weak"
)

// Consumed blocks of the unbounded flavor must become garbage, so memory
// shrinks back after a burst.
func TestListFreesConsumedBlocks(t *testing.T) {
	c := newList[[16]byte]()
	first := weak.Make(c.head.block.Load())
	const n = 10 * listSlots
	for range n {
		if c.trySend([16]byte{1}) != success {
			t.Fatal("send failed")
		}
	}
	if got := c.len(); got != n {
		t.Fatalf("len = %d, want %d", got, n)
	}
	for range n {
		if _, st := c.tryRecv(); st != success {
			t.Fatal("receive failed")
		}
	}
	if c.len() != 0 {
		t.Fatalf("len = %d after draining", c.len())
	}
	runtime.GC()
	if first.Value() != nil {
		t.Fatal("the first block is still reachable after it was consumed")
	}
	runtime.KeepAlive(c)
}

// len must count correctly at every offset within and across blocks.
func TestListLen(t *testing.T) {
	c := newList[int]()
	for i := range 3 * listLap {
		if got := c.len(); got != i {
			t.Fatalf("len = %d after %d sends", got, i)
		}
		c.trySend(i)
	}
	for i := 3 * listLap; i > 0; i-- {
		if got := c.len(); got != i {
			t.Fatalf("len = %d with %d buffered", got, i)
		}
		if v, _ := c.tryRecv(); v != 3*listLap-i {
			t.Fatalf("received %d, want %d", v, 3*listLap-i)
		}
	}
}

func TestArrayLen(t *testing.T) {
	for _, n := range []int{1, 2, 3, 7, 8} {
		c := newArray[int](n)
		for lap := range 3 { // wrap around a few times
			for i := range n {
				if got := c.len(); got != i {
					t.Fatalf("cap %d lap %d: len = %d after %d sends", n, lap, got, i)
				}
				c.trySend(i)
			}
			if !c.full() || c.len() != n {
				t.Fatalf("cap %d: not full after %d sends", n, n)
			}
			for i := range n {
				if v, _ := c.tryRecv(); v != i {
					t.Fatalf("cap %d: received %d, want %d", n, v, i)
				}
			}
		}
	}
}
