package jetstream

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The acknowledgement wire protocol. A message delivered by a pull request
// is a plain NATS message whose reply subject is its acknowledgement
// subject: the Receiver publishes these bodies to it itself, since it
// pulls on its own subscription rather than through nats.go's Fetch (see
// pull.go), whose messages carry these as methods.
var (
	nakBody        = []byte("-NAK")
	inProgressBody = []byte("+WPI")
)

// nakDelayBody hands a message back for delivery after d.
func nakDelayBody(d time.Duration) []byte {
	if d <= 0 {
		return nakBody
	}
	return fmt.Appendf(nil, `-NAK {"delay": %d}`, d.Nanoseconds())
}

// ackMetadata reads from a delivery's acknowledgement subject how many
// times the server has delivered the message, and its stream sequence.
// The subject is $JS.ACK.<stream>.<consumer>.<delivered>.<stream
// seq>.<consumer seq>.<time>.<pending>, or, from newer servers, the same
// with a domain and an account hash after $JS.ACK and possibly more
// tokens at the end. An unreadable subject gives zeros: the message is
// then treated as a first delivery.
func ackMetadata(reply string) (deliveries int, streamSeq uint64) {
	const prefix = "$JS.ACK."
	if !strings.HasPrefix(reply, prefix) {
		return 0, 0
	}
	tokens := strings.Count(reply, ".") + 1
	skip := 2 // v1: $JS.ACK.<stream>.<consumer>, then delivered
	switch {
	case tokens >= 11:
		skip = 4 // v2: after the domain and the account hash too
	case tokens != 9:
		return 0, 0
	}
	rest := reply[len(prefix):]
	for range skip {
		_, rest, _ = strings.Cut(rest, ".")
	}
	d, rest, _ := strings.Cut(rest, ".")
	seq, _, _ := strings.Cut(rest, ".")
	n, err1 := strconv.ParseUint(d, 10, 64)
	sseq, err2 := strconv.ParseUint(seq, 10, 64)
	if err1 != nil || err2 != nil {
		return 0, 0
	}
	return int(n), sseq
}
