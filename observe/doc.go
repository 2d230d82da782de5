// Package observe shows what baton's pools and pipelines are doing, to a
// person and to Prometheus: which stage is the bottleneck, whether a queue
// is growing, and what a stuck task waits on.
//
//	reg := prometheus.NewRegistry()
//	if err := observe.Register(reg, "resize", p); err != nil { ... }   // a *pool.Pool
//	if err := observe.Register(reg, "ingest", mon); err != nil { ... } // a *pipeline.Monitor
//	http.Handle("/debug/baton/", http.StripPrefix("/debug/baton", observe.Handler()))
//
// # Metrics
//
// Register adds Prometheus collectors for a pool (a *pool.Pool or a
// *pool.Results) or a pipeline (its *pipeline.Monitor), labelled with the
// name it was registered under (pool="resize", pipeline="ingest"; stages
// also get stage="..."). Gauges and counters are read from Stats and
// Stages when Prometheus scrapes, so they cost nothing between scrapes.
// The histograms of a pool's queue wait and run time are fed by the pool's
// task hook with a sample of one task in pool.SampleEvery, a few atomic
// additions per sampled task; they hold the sample unscaled, so their
// _count is the sample's size and the exact counts are the counters. The names follow
// Prometheus' conventions: baton_pool_tasks_submitted_total,
// baton_pipeline_stage_busy_seconds_total, durations in seconds. The
// sub-package jsobserve does the same for JetStream senders and receivers,
// so that only programs that use JetStream link NATS.
//
// # The live view
//
// Handler serves /metrics, /api/state (a JSON State) and /, a page that
// polls /api/state every second and draws each pipeline as a graph of its
// stages (items/s, input buffer fill, busy and blocked time) with the
// bottleneck highlighted, and each pool with its workers, running and
// queued tasks, task rate and a sparkline of the last minute. Its script
// and style are embedded: the page works offline.
//
// Reading the state never takes a lock that a worker waits on for a task:
// it reads the counters of Stats and Stages, and the samples it keeps for
// rates and sparklines are guarded by the Observer's own lock. Stuck too:
// the pool's Running reads atomics each worker keeps.
//
// # Stuck tasks
//
// Stuck lists a pool's tasks that have been running longer than a given
// time, each with its age and the stack of the worker running it, found in
// the goroutine profile by the worker's pprof labels. For pipelines, see
// pipeline.WithStallReport.
package observe
