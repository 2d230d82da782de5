package channel

import (
	"runtime"
	"testing"
	"time"
	"weak"
)

// An unclosed Tick or After whose every handle is unreachable stops its
// timer: the timer then lets go of the channel, which the collector frees.
// The weak pointer to the channel's buffer tells when that happened; a
// timer that kept firing would keep it alive forever. The loop only paces
// the collector and turns a failure into an error instead of a hang.
func TestUnreachableTimerStops(t *testing.T) {
	for name, make := range map[string]func() *Receiver[time.Time]{
		"Tick":  func() *Receiver[time.Time] { return Tick(time.Millisecond) },
		"After": func() *Receiver[time.Time] { return After(time.Hour) },
		"Tick with a clone": func() *Receiver[time.Time] {
			rx := Tick(time.Millisecond)
			rx.Clone() // dropped at once: both handles must go
			return rx
		},
	} {
		t.Run(name, func(t *testing.T) {
			wp := func() weak.Pointer[arrayChan[time.Time]] {
				rx := make()
				return weak.Make(rx.c.f.(*arrayChan[time.Time]))
			}()
			deadline := time.Now().Add(20 * time.Second)
			for wp.Value() != nil {
				if time.Now().After(deadline) {
					t.Fatal("the timer still holds its channel after every handle became unreachable")
				}
				runtime.GC()
				time.Sleep(time.Millisecond)
			}
		})
	}
}
