package pipeline_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"sort"
	"strings"

	"github.com/baton-go/baton/pipeline"
)

// naturals yields 1, 2, 3, … for ever: the sinks below stop it.
func naturals(yield func(int) bool) {
	for i := 1; yield(i); i++ {
	}
}

// First takes the first item and stops everything upstream, even an
// endless source.
func ExampleFirst() {
	squares := pipeline.Map(pipeline.From(naturals), func(_ context.Context, v int) (int, error) {
		return v * v, nil
	}, pipeline.Workers(4), pipeline.Ordered())
	big := pipeline.Filter(squares, func(_ context.Context, v int) (bool, error) { return v > 1000, nil })
	v, err := pipeline.First(context.Background(), big)
	fmt.Println(v, err)

	_, err = pipeline.First(context.Background(), pipeline.From(slices.Values([]int{})))
	fmt.Println(errors.Is(err, pipeline.ErrEmpty))
	// Output:
	// 1024 <nil>
	// true
}

// Any answers "is there an item such that …", stopping at the first yes.
func ExampleAny() {
	isPrime := func(_ context.Context, v int) (bool, error) {
		if v < 2 {
			return false, nil
		}
		for d := 2; d*d <= v; d++ {
			if v%d == 0 {
				return false, nil
			}
		}
		return true, nil
	}
	ok, err := pipeline.Any(context.Background(), pipeline.From(slices.Values([]int{4, 6, 8, 9, 11, 12})), isPrime, pipeline.Workers(3))
	fmt.Println(ok, err)
	ok, err = pipeline.Any(context.Background(), pipeline.From(slices.Values([]int{4, 6, 8})), isPrime)
	fmt.Println(ok, err)
	// Output:
	// true <nil>
	// false <nil>
}

// MapReduce counts words: each line maps to its words (here one word per
// item, after a FlatMap), each word to the key itself and a count of 1,
// and the counts of a key add up, four keys at a time.
func ExampleMapReduce() {
	text := "the quick brown fox jumps over the lazy dog the end"
	words := pipeline.FlatMap(pipeline.From(slices.Values([]string{text})), func(_ context.Context, line string) ([]string, error) {
		return strings.Fields(line), nil
	})
	counts, err := pipeline.MapReduce(context.Background(), words,
		func(_ context.Context, w string) (string, int, error) { return w, 1, nil },
		func(_ context.Context, a, b int) (int, error) { return a + b, nil },
		pipeline.Workers(4))
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if counts[k] > 1 {
			fmt.Println(k, counts[k])
		}
	}
	fmt.Println(len(counts), err)
	// Output:
	// the 3
	// 9 <nil>
}

// FromSeq2 reads a source that can fail, such as a bufio.Scanner, whose
// error ends the run as a StageError naming the source. With
// CollectErrors, what the source read before the error still reaches the
// sink.
func ExampleFromSeq2() {
	lines := func(sc *bufio.Scanner) iter.Seq2[string, error] {
		return func(yield func(string, error) bool) {
			for sc.Scan() {
				if !yield(sc.Text(), nil) {
					return
				}
			}
			if err := sc.Err(); err != nil {
				yield("", err)
			}
		}
	}
	sc := bufio.NewScanner(strings.NewReader("short\nthis line is far too long for the buffer\n"))
	sc.Buffer(make([]byte, 16), 16)
	out, err := pipeline.Collect(context.Background(), pipeline.FromSeq2(lines(sc), pipeline.Name("input")), pipeline.CollectErrors())
	fmt.Println(out)
	fmt.Println(err)
	// Output:
	// [short]
	// pipeline: stage input, item 1: bufio.Scanner: token too long
}
