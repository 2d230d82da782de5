module github.com/baton-go/baton/observe/overhead

go 1.26.0

replace (
	github.com/baton-go/baton => ../..
	github.com/baton-go/baton/bench => ../../bench
	github.com/baton-go/baton/jetstream => ../../jetstream
	github.com/baton-go/baton/observe => ..
)

require (
	github.com/baton-go/baton v0.0.0
	github.com/baton-go/baton/bench v0.0.0
	github.com/baton-go/baton/observe v0.0.0
	github.com/prometheus/client_golang v1.25.0
	go.uber.org/goleak v1.3.0
)

require (
	github.com/Workiva/go-datastructures v1.1.7 // indirect
	github.com/alitto/pond/v2 v2.7.1 // indirect
	github.com/beorn7/perks v1.0.1 // indirect
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/destel/rill v0.9.0 // indirect
	github.com/gammazero/deque v1.2.2 // indirect
	github.com/gammazero/workerpool v1.3.0 // indirect
	github.com/munnerz/goautoneg v0.0.0-20191010083416-a7dc8b61c822 // indirect
	github.com/pandatix/go-abnf v0.5.5 // indirect
	github.com/panjf2000/ants/v2 v2.12.1 // indirect
	github.com/prometheus/client_model v0.6.3 // indirect
	github.com/prometheus/common v0.74.0 // indirect
	github.com/prometheus/procfs v0.22.0 // indirect
	github.com/puzpuzpuz/xsync/v4 v4.5.0 // indirect
	github.com/smallnest/chanx v1.2.0 // indirect
	github.com/sourcegraph/conc v0.3.0 // indirect
	go.uber.org/atomic v1.7.0 // indirect
	go.uber.org/multierr v1.9.0 // indirect
	golang.org/x/sync v0.25.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
	google.golang.org/protobuf v1.36.12 // indirect
)
