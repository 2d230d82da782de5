// Package pipeline builds typed pipelines out of stages joined by bounded
// baton channels: the classic pipeline (each stage processes a value and
// forwards it) and its fan-out/fan-in (one sender, many workers, one
// aggregator), with back-pressure, errors that name their stage, and no
// goroutine left behind.
//
//	nums := pipeline.From(slices.Values(xs))
//	sq := pipeline.Map(nums, square, pipeline.Workers(4), pipeline.Ordered())
//	big := pipeline.Filter(sq, isBig)
//	out, err := pipeline.Collect(ctx, big)
//
// # Descriptions and runs
//
// A *Stream is a description. Sources (From, FromSeq2, FromReceiver,
// FromChan), stages (Map, Filter, FlatMap, Batch), fan-out (Split,
// Broadcast, Partition) and fan-in (Merge) only describe; a sink (Collect,
// ForEach, Reduce, All, the early-exit sinks First, Any and MapReduce, or
// Run with one Each per branch) builds the whole graph
// behind it, starts its goroutines, and returns only when every one of them
// has exited. Nothing runs at import or while describing, and nothing
// outlives the sink.
//
// A stream feeds exactly one consumer, and building a second consumer of the
// same stream panics, with a message pointing to Broadcast: two consumers
// reading one channel would each see an arbitrary part of the items, which
// is never what was meant.
//
// # Back-pressure
//
// Every stage writes to a bounded channel (Buffer, DefaultBuffer by
// default), and an Ordered stage holds at most its Window of items. A slow
// sink therefore stops the source after at most the sum of the buffers,
// workers and windows between them, whatever the input's size: memory is
// bounded by the graph, not by the data.
//
// # Errors
//
// Callbacks take a context and return an error. The first error or panic of
// any callback, or the end of the caller's ctx, cancels the context given to
// every callback and stops every stage; the sink returns that error as a
// *StageError that names the stage and the item's exact index, with the cause
// behind Unwrap. A panic arrives as a *task.PanicError with its stack inside
// the StageError, so one bad item does not kill the process. With the sink
// option CollectErrors, a failed item is dropped instead, the rest flows on,
// and the sink returns every StageError joined.
//
// # Order
//
// Stages with several workers emit results as they finish. Ordered keeps
// input order with a reorder window (Window, default 2 × workers): a result
// ready ahead of the head of the line waits, and when the window is full the
// workers wait too, so one slow item holds back at most the window, not
// unbounded memory. A window wider than the worker count lets the other
// workers keep busy while one item is slow.
//
// # Observing a pipeline
//
// A Monitor, passed to a sink with WithMonitor, counts each stage's items
// in and out, its errors, and the time its goroutines waited for input and
// for room in their output, readable while the run goes on: the stage
// before a long BlockedIn and after a long BlockedOut is the bottleneck.
// It also counts the time each stage's goroutines spent working rather
// than waiting (Busy: the callback plus the stage's own bookkeeping), the fill
// of each stage's input (Queued of Buffer) and the stages feeding it
// (Inputs), enough to draw the graph. Every stage goroutine carries the
// pprof label "pipeline.stage" with the stage's name, so CPU profiles split
// by stage too.
//
// WithStallReport watches a run for the other question, "what is this
// stuck pipeline waiting on?": when no item moved for a while, it names
// the stage holding everything back, the stages blocked behind it, the
// oldest item in its callback, and the stacks of its goroutines there.
//
// # Acknowledgements
//
// A source built from an AckReceiver (such as a JetStream receiver) settles
// each message exactly once: with nil once every item derived from it has
// reached a sink, with an error if its processing failed or the pipeline
// stopped first. Local sources pay nothing for this. See AckReceiver.
//
// # Bad input
//
// Programming errors panic when the stage or sink is built, with a message
// naming the argument: nil callbacks, sequences, receivers and channels;
// Workers, Window, Batch's size, and Split, Broadcast and Partition's n
// below 1; a negative Buffer or Batch maxWait; an option given where it has
// no meaning; a nil ctx passed to a sink; a stream used twice. A ctx already
// done is not a programming error: the sink returns its error at once and
// runs nothing.
package pipeline
