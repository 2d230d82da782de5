package jetstream

import (
	"github.com/baton-go/baton/pipeline"
	"github.com/baton-go/baton/pool"
)

// The acknowledgement protocol: pool.Serve and pipeline.FromReceiver look
// for RecvAck once, when they start, and settle every message they
// received through it. A local channel's Receiver has no RecvAck, so local
// work pays nothing for the protocol; a Receiver here has it, so the same
// pool and pipeline code acknowledges each message only when its work is
// done.
var (
	_ pool.AckReceiver[int]     = (*Receiver[int])(nil)
	_ pipeline.AckReceiver[int] = (*Receiver[int])(nil)
	_ pool.Receiver[int]        = (*Receiver[int])(nil)
)
