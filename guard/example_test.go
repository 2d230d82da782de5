package guard_test

import (
	"errors"
	"fmt"

	"github.com/baton-go/baton/guard"
	"github.com/baton-go/baton/task"
)

// The seed's shared-memory program: five goroutines increment one counter.
// Rust's Arc<Mutex<i32>> is a *guard.Mutex[int]: the pointer is shared, the
// int is reachable only through a guard.
func Example_counter() {
	counter := guard.NewMutex(0)

	var handles []*task.Handle[struct{}]
	for range 5 {
		handles = append(handles, task.Spawn(func() (struct{}, error) {
			num, _ := counter.Lock()
			defer num.Unlock()
			*num.Value()++
			// Printed under the lock, so the lines come out in order.
			fmt.Println("Incremented to", *num.Value())
			return struct{}{}, nil
		}))
	}
	for _, h := range handles {
		if _, err := h.Join(); err != nil {
			panic(err)
		}
	}

	final, _ := counter.Lock()
	fmt.Println("Final count:", *final.Value())
	final.Unlock()
	// Output:
	// Incremented to 1
	// Incremented to 2
	// Incremented to 3
	// Incremented to 4
	// Incremented to 5
	// Final count: 5
}

// The seed's poisoned mutex (section 7.3): a goroutine panics while holding
// the lock. In Rust the next lock() returns Err(PoisonError); here Lock
// returns the guard and ErrPoisoned, so the value can still be inspected,
// repaired and declared sound again.
func Example_poisoned() {
	balances := guard.NewMutex(map[string]int{"alice": 100, "bob": 0})

	h := task.Spawn(func() (struct{}, error) {
		b, _ := balances.Lock()
		defer b.Unlock() // deferred directly: sees the panic and poisons
		(*b.Value())["alice"] -= 30
		panic("network down before crediting bob")
	})
	_, err := h.Join()
	fmt.Println("transfer:", err)
	fmt.Println("poisoned:", balances.IsPoisoned())

	// With will not run on a value that may be half updated.
	err = balances.With(func(m *map[string]int) error { return nil })
	fmt.Println("with:", errors.Is(err, guard.ErrPoisoned))

	// Lock hands the value over anyway: repair it, then clear the poison.
	b, err := balances.Lock()
	if errors.Is(err, guard.ErrPoisoned) {
		m := *b.Value()
		fmt.Println("found:", m["alice"], m["bob"])
		m["alice"] += 30 // roll the half-done transfer back
		b.ClearPoison()
	}
	fmt.Println("repaired:", (*b.Value())["alice"], (*b.Value())["bob"])
	b.Unlock()
	fmt.Println("poisoned:", balances.IsPoisoned())
	// Output:
	// transfer: task: panic: network down before crediting bob
	// poisoned: true
	// with: true
	// found: 70 0
	// repaired: 100 0
	// poisoned: false
}

func ExampleMutex_With() {
	names := guard.NewMutex([]string{})
	_ = names.With(func(s *[]string) error {
		*s = append(*s, "ada", "grace")
		return nil
	})
	err := names.With(func(s *[]string) error {
		if len(*s) >= 2 {
			return errors.New("full")
		}
		return nil
	})
	fmt.Println(err)
	// Output:
	// full
}

// Readers share the lock; a writer has it alone. A read guard is a value:
// keep it in a variable and unlock that variable.
func ExampleRWMutex() {
	config := guard.NewRWMutex(map[string]string{"mode": "fast"})

	r, _ := config.RLock()
	fmt.Println((*r.Value())["mode"])
	r.RUnlock()

	_ = config.With(func(c *map[string]string) error {
		(*c)["mode"] = "safe"
		return nil
	})

	_ = config.RWith(func(c *map[string]string) error {
		fmt.Println((*c)["mode"])
		return nil
	})
	// Output:
	// fast
	// safe
}
