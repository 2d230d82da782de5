package channel

import "testing"

// Closing the last Receiver leaves the bounded flavor empty and
// disconnected, whatever stamps discard left behind, for values with and
// without pointers and for a ring that wrapped around.
func TestArrayDiscardLeavesItEmpty(t *testing.T) {
	check := func(t *testing.T, f flavor[*int], tx *Sender[*int]) {
		t.Helper()
		if n := tx.Len(); n != 0 {
			t.Fatalf("Len after the last Receiver closed = %d", n)
		}
		if tx.IsFull() {
			t.Fatal("IsFull after the last Receiver closed")
		}
		if _, st := f.tryRecv(); st != gone {
			t.Fatalf("tryRecv after discard = %v, want gone", st)
		}
	}
	for _, wrap := range []int{0, 3, 5} {
		tx, rx := Bounded[*int](4)
		for i := range wrap {
			tx.Send(&i)
			rx.Recv()
		}
		for range 4 {
			tx.Send(new(int))
		}
		rx.Close()
		check(t, tx.c.f, tx)
		buf := tx.c.f.(*arrayChan[*int]).buf
		for i := range buf {
			if buf[i].value != nil {
				t.Fatal("a dropped value is still referenced")
			}
		}
		tx.Close()

		txi, rxi := Bounded[int](4)
		for i := range wrap {
			txi.Send(i)
			rxi.Recv()
		}
		for i := range 4 {
			txi.Send(i)
		}
		rxi.Close()
		if _, st := txi.c.f.tryRecv(); st != gone || txi.Len() != 0 {
			t.Fatalf("pointer-free: tryRecv = %v, Len = %d", st, txi.Len())
		}
		txi.Close()
	}
}

func TestHoldsPointers(t *testing.T) {
	// Blank fields: only the types matter here.
	type flat struct {
		_ int
		_ [3]float64
	}
	type deep struct {
		_ int
		_ [2]struct{ s string }
	}
	for _, c := range []struct {
		got, want bool
	}{
		{holdsPointers[int](), false},
		{holdsPointers[flat](), false},
		{holdsPointers[[0]*int](), false},
		{holdsPointers[*int](), true},
		{holdsPointers[string](), true},
		{holdsPointers[deep](), true},
		{holdsPointers[any](), true},
		{holdsPointers[[]byte](), true},
	} {
		if c.got != c.want {
			t.Errorf("holdsPointers = %v, want %v", c.got, c.want)
		}
	}
}

// The unbounded flavor drops whole blocks at once; what is left after the
// last Receiver closed is an empty, disconnected channel.
func TestListDiscardLeavesItEmpty(t *testing.T) {
	for _, n := range []int{0, 5, listSlots, listSlots + 1, 4*listSlots + 7} {
		tx, rx := Unbounded[int]()
		for i := range n {
			tx.Send(i)
		}
		rx.Close()
		if _, st := tx.c.f.tryRecv(); st != gone || tx.Len() != 0 {
			t.Fatalf("n=%d: tryRecv = %v, Len = %d after discard", n, st, tx.Len())
		}
		tx.Close()
	}
}
