package pipeline_test

import (
	"bufio"
	"context"
	"errors"
	"iter"
	"slices"
	"strings"
	"testing"

	"github.com/baton-go/baton/pipeline"
)

// lines yields the lines of a scanner and then its error, if any: the
// shape FromSeq2 is for.
func lines(sc *bufio.Scanner) iter.Seq2[string, error] {
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

// failingReader gives its text, then err.
type failingReader struct {
	r   *strings.Reader
	err error
}

func (f *failingReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err != nil {
		return n, f.err
	}
	return n, nil
}

func TestFromSeq2(t *testing.T) {
	t.Run("no error", func(t *testing.T) {
		out, err := pipeline.Collect(bg, pipeline.FromSeq2(lines(bufio.NewScanner(strings.NewReader("a\nb\nc\n")))))
		if err != nil || !slices.Equal(out, []string{"a", "b", "c"}) {
			t.Fatal(out, err)
		}
	})
	t.Run("source error", func(t *testing.T) {
		broken := errors.New("disk on fire")
		sc := bufio.NewScanner(&failingReader{r: strings.NewReader("a\nb\nc\n"), err: broken})
		s := pipeline.Map(pipeline.FromSeq2(lines(sc), pipeline.Name("file")), func(_ context.Context, v string) (string, error) {
			return strings.ToUpper(v), nil
		}, pipeline.Workers(2), pipeline.Ordered())
		out, err := pipeline.Collect(bg, s)
		var se *pipeline.StageError
		if !errors.As(err, &se) || se.Stage != "file" || se.Index != 3 || !errors.Is(err, broken) {
			t.Fatalf("err = %v, want the StageError of file at 3 wrapping the read error", err)
		}
		if len(out) > 3 {
			t.Fatalf("out %v", out)
		}
	})
	t.Run("error stops an endless source", func(t *testing.T) {
		stop := errors.New("stop")
		endless2 := func(yield func(int, error) bool) {
			for i := 0; ; i++ {
				var err error
				if i == 1000 {
					err = stop
				}
				if !yield(i, err) {
					return
				}
			}
		}
		n := 0
		err := pipeline.ForEach(bg, pipeline.FromSeq2(endless2), func(context.Context, int) error { n++; return nil },
			pipeline.CollectErrors())
		var se *pipeline.StageError
		if !errors.As(err, &se) || se.Stage != "from#0" || se.Index != 1000 || n != 1000 {
			t.Fatalf("err = %v after %d items", err, n)
		}
	})
	t.Run("pipeline stops the source", func(t *testing.T) {
		endless2 := func(yield func(int, error) bool) {
			for i := 0; yield(i, nil); i++ {
			}
		}
		v, err := pipeline.First(bg, pipeline.FromSeq2(endless2))
		if v != 0 || err != nil {
			t.Fatal(v, err)
		}
	})
	t.Run("bad input", func(t *testing.T) {
		mustPanic(t, func() { pipeline.FromSeq2[int](nil) }, "FromSeq2", "seq")
		mustPanic(t, func() { pipeline.FromSeq2(lines(nil), pipeline.Workers(2)) }, "Workers", "FromSeq2")
	})
}
