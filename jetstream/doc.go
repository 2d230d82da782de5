// Package jetstream runs baton's channels, and the pools and pipelines
// built on them, across processes and machines, over NATS JetStream.
//
// A channel is a JetStream work-queue stream: its buffer survives crashes
// and is shared by every process that opens it by name. Connect reaches a
// server (or starts an embedded one); Bounded opens a channel and returns a
// Sender and a Receiver with the method names and errors of baton's local
// channels, so errors.Is(err, channel.ErrFull) and *channel.SendError work
// the same on both, and code written for a local channel runs over
// JetStream with only the constructor changed:
//
//	conn, err := jetstream.Connect(ctx, "nats://host:4222")          // or "" for an embedded server (package embedded)
//	tx, rx, err := jetstream.Bounded[Job](ctx, conn, "jobs", 10_000)
//	err = tx.SendContext(ctx, job)                                  // waits while the stream is full
//	err = pool.Serve(ctx, rx, 8, handle)                            // the local pool's code, unchanged
//
// The embedded nats-server lives in package embedded, so that a program
// that only connects by URL does not link it; importing embedded lets
// Connect start one for an empty URL, and embedded.WithServer runs it on a
// fixed port for other processes.
//
// A process that only consumes a channel another made opens it as it is
// with Open, which never changes its capacity or settings.
//
// Delivery is at-least-once, end to end: a message is acknowledged only
// when the work it feeds is done. pool.Serve and pipeline.FromReceiver
// detect Receiver.RecvAck and settle each message when its handler
// returned nil, or when the pipeline's sink took everything derived from
// it; a failure hands it back for a later delivery with back-off, and after
// a few deliveries moves it to a dead-letter stream. Acknowledgements are
// confirmed by the server, and a message whose work is still running is
// kept alive with in-progress signals. A crash of a worker, of a producer
// or of the server loses nothing. **Handlers must be idempotent**: a
// message whose work was done but whose acknowledgement died with its
// process is delivered again.
//
// Sends are confirmed by the server before they return and carry a message
// ID, so a send retried after a timeout or a server restart is stored once
// (within the stream's deduplication window, see WithDuplicates). A full
// stream refuses new messages; SendContext waits for room with one probe at
// a time and back-off, and TrySend fails with channel.ErrFull.
package jetstream
