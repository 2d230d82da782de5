package jsobserve_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/baton-go/baton/jetstream"
	_ "github.com/baton-go/baton/jetstream/embedded" // lets Connect(ctx, "") start a broker
	"github.com/baton-go/baton/observe"
	"github.com/baton-go/baton/observe/jsobserve"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// A channel's two ends and its backlog on the server, as metrics.
func Example() {
	ctx := context.Background()
	conn, err := jetstream.Connect(ctx, "") // an embedded server, gone at Close
	if err != nil {
		panic(err)
	}
	defer conn.Close()
	tx, rx, err := jetstream.Bounded[string](ctx, conn, "mail", 100)
	if err != nil {
		panic(err)
	}
	defer rx.Close()
	reg := prometheus.NewRegistry()
	_ = jsobserve.Register(reg, "mail-out", tx)
	_ = jsobserve.RegisterPending(reg, "mail-backlog", conn, "mail")
	defer observe.Unregister("mail-out")
	defer observe.Unregister("mail-backlog")
	for _, to := range []string{"ann", "bob", "cy"} {
		if err := tx.Send(to); err != nil {
			panic(err)
		}
	}
	err = testutil.GatherAndCompare(reg, strings.NewReader(`
# HELP baton_jetstream_sender_sent_total Values the server stored.
# TYPE baton_jetstream_sender_sent_total counter
baton_jetstream_sender_sent_total{channel="mail",sender="mail-out"} 3
# HELP baton_jetstream_channel_pending_messages Messages the channel's stream holds on the server: sent and not yet acknowledged.
# TYPE baton_jetstream_channel_pending_messages gauge
baton_jetstream_channel_pending_messages{channel="mail"} 3
`), "baton_jetstream_sender_sent_total", "baton_jetstream_channel_pending_messages")
	fmt.Println("as expected:", err == nil, err)
	// Output: as expected: true <nil>
}
