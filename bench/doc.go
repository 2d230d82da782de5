// Package bench holds side-by-side benchmarks of baton against native Go
// channels and the best Go peers. It is a nested module, so the peers under
// comparison never become dependencies of the core.
//
// Layout:
//
//   - peers/: adapters that give every implementation one interface.
//     peers.Queue is for channel-like queues (native channels, baton,
//     smallnest/chanx, puzpuzpuz/xsync, Workiva/go-datastructures).
//     Worker pools and pipelines (ants, pond, conc, errgroup) get their own
//     adapter interface there, in peers/pool.go, when baton's pool and
//     pipeline packages exist.
//   - suite/: the measuring code behind `baton bench`: crossbeam-channel's
//     cases, the alternating runner, statistics, reports and baselines.
//   - queue_test.go: testing.B benchmarks of the channel-like peers, named
//     for benchstat (BenchmarkSPSC/cap=1024/impl=baton). Pool and pipeline
//     benchmarks go beside it, in pool_test.go and pipeline_test.go.
//
// Run them with:
//
//	cd bench && go test -run XXX -bench . -benchtime=100000x
//
// Each benchmark op is one message, so ns/op reads as ns/msg.
package bench
