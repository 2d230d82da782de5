module github.com/baton-go/baton/bench

go 1.25.0

require (
	github.com/Workiva/go-datastructures v1.1.7
	github.com/baton-go/baton v0.0.0
	github.com/puzpuzpuz/xsync/v4 v4.5.0
	github.com/smallnest/chanx v1.2.0
	go.uber.org/goleak v1.3.0
)

replace github.com/baton-go/baton => ../
