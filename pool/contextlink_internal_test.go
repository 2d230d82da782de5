package pool

import (
	"context"
	"sync"
	"testing"
)

// TestContextLinkAfterUnlink: once an owner has unlinked (it finished), a
// late once registers no watch on the context, so the context's end
// neither calls back into the finished owner nor keeps it reachable.
func TestContextLinkAfterUnlink(t *testing.T) {
	var mu sync.Mutex
	var l contextLink
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	l.unlink(&mu)
	l.once(&mu, ctx, func(error) { calls++ })
	if l.stop != nil {
		t.Fatal("a once after unlink watches the context")
	}
	cancel()
	if calls != 0 {
		t.Fatalf("onEnd ran %d times after unlink", calls)
	}

	// Before unlink, the watch is made and fires.
	var l2 contextLink
	ctx2, cancel2 := context.WithCancel(context.Background())
	ended := make(chan error, 1)
	l2.once(&mu, ctx2, func(cause error) { ended <- cause })
	cancel2()
	if err := <-ended; err != context.Canceled {
		t.Fatalf("onEnd got %v, want context.Canceled", err)
	}
}
