module github.com/baton-go/baton/bench

go 1.26.0

require (
	github.com/Workiva/go-datastructures v1.1.7
	github.com/baton-go/baton v0.0.0
	github.com/puzpuzpuz/xsync/v4 v4.5.0
	github.com/smallnest/chanx v1.2.0
	go.uber.org/goleak v1.3.0
)

require (
	github.com/alitto/pond/v2 v2.7.1 // indirect
	github.com/gammazero/deque v1.2.2 // indirect
	github.com/gammazero/workerpool v1.3.0 // indirect
	github.com/panjf2000/ants/v2 v2.12.1 // indirect
	github.com/sourcegraph/conc v0.3.0 // indirect
	golang.org/x/sync v0.25.0 // indirect
)

replace github.com/baton-go/baton => ../
