package pipeline

import (
	"context"
	"fmt"
	"hash/maphash"
)

// MapReduce runs s, maps every item to a key and a value with mapper, and
// folds the values of each key with reducer, returning one value per key.
// A key with a single value is not reduced at all.
//
// With Workers(n), n goroutines run mapper, and n more run reducer: the
// keys are divided among the reducers by a hash, so all the values of one
// key go to one reducer, which folds them one at a time, in the order the
// mappers emitted them, while other keys fold in parallel. reducer needs no
// lock, and an associative reducer gives the same result for every order
// (a non-commutative one depends on the mappers' order, which with several
// mappers varies). Like Partition, a reducer that falls behind holds back
// the others once its input is full.
//
// The first error or panic of mapper, reducer or any stage upstream stops
// every stage; MapReduce returns a nil map and the *StageError, naming the
// mapper as "<name>/map" and the reducers as "<name>/reduce0" … (name is
// the one given with Name, or "mapreduce#depth"), once every stage has
// exited. The calls already running finish with their context cancelled,
// and none starts after the error, so the work after it is bounded by the
// workers. The end of ctx stops it the same way, with ctx's error.
//
// Options: Workers, Name, WithMonitor, WithStallReport. A nil ctx, mapper
// or reducer panics; so does an s that already has a consumer.
func MapReduce[T any, K comparable, V any](ctx context.Context, s *Stream[T],
	mapper func(ctx context.Context, v T) (K, V, error),
	reducer func(ctx context.Context, acc, v V) (V, error),
	opts ...Option) (map[K]V, error) {
	checkContext(ctx, "MapReduce")
	if mapper == nil {
		panic("pipeline: MapReduce(ctx, s, mapper, reducer) needs a non-nil mapper")
	}
	if reducer == nil {
		panic("pipeline: MapReduce(ctx, s, mapper, reducer) needs a non-nil reducer")
	}
	c := options("MapReduce", opts, "Workers", "Name", "WithMonitor", "WithStallReport")
	if s == nil {
		panic("pipeline: nil Stream passed to MapReduce")
	}
	name := stageName(c, "mapreduce", s.depth+1)
	n := c.workers

	type kv struct {
		k K
		v V
	}
	pairs := Map(s, func(ctx context.Context, v T) (kv, error) {
		k, val, err := mapper(ctx, v)
		return kv{k, val}, err
	}, Workers(n), Name(name+"/map"))
	seed := maphash.MakeSeed()
	parts := Partition(pairs, n, func(p kv) uint64 { return maphash.Comparable(seed, p.k) }, Name(name+"/partition"))

	// Each reducer owns the keys of its partition, so its map needs no lock.
	folds := make([]map[K]V, n)
	run := make([]Sink, 0, n+2)
	for i, part := range parts {
		acc := map[K]V{}
		folds[i] = acc
		run = append(run, Each(part, func(ctx context.Context, p kv) error {
			old, ok := acc[p.k]
			if !ok {
				acc[p.k] = p.v
				return nil
			}
			v, err := reducer(ctx, old, p.v)
			if err != nil {
				return err
			}
			acc[p.k] = v
			return nil
		}, Name(fmt.Sprintf("%s/reduce%d", name, i))))
	}
	if c.monitor != nil {
		run = append(run, WithMonitor(c.monitor))
	}
	if c.stall != nil {
		run = append(run, Option{"WithStallReport", func(cc *config) { cc.stall = c.stall }})
	}
	if err := Run(ctx, run...); err != nil {
		return nil, err
	}
	out := make(map[K]V)
	for _, f := range folds {
		for k, v := range f {
			out[k] = v
		}
	}
	return out, nil
}
