module github.com/baton-go/baton

go 1.25.0

require go.uber.org/goleak v1.3.0

require github.com/anishathalye/porcupine v1.3.1
