// Command urlonly is a client that only connects by URL: jetstream's
// tests build it to check that such a program does not link nats-server.
// It sends one message through a channel and receives it back.
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/baton-go/baton/jetstream"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := jetstream.Connect(ctx, os.Args[1])
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	defer conn.Close()
	tx, rx, err := jetstream.Bounded[string](ctx, conn, "urlonly", 1)
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	defer rx.Close()
	if err := tx.SendContext(ctx, "round trip"); err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	v, err := rx.RecvContext(ctx)
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	fmt.Println(v)
}
