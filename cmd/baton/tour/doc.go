// Package tour holds the steps of `baton tour`: one per section of the
// tutorial baton grew from (Rust's std::sync::mpsc and crossbeam-channel,
// from "concurrency vs parallelism" to "best practices"), each retold with
// baton and run live.
//
// Each step's code lives in a file of its own (s1_concurrency.go, ...), and
// the tour embeds that file's text with go:embed and prints it before running
// it. What the reader sees is therefore exactly what runs: there is no second
// copy of the code to drift away from it.
//
// Every step takes a context and stops early when it ends, and joins every
// goroutine it starts before it returns, so that an interrupted tour leaves
// nothing running.
package tour
