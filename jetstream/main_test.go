package jetstream_test

import (
	"os"
	"testing"

	"go.uber.org/goleak"
)

// TestMain runs the tests with a goroutine-leak check, unless the binary
// was re-executed by a fault test as a broker, producer or worker process.
func TestMain(m *testing.M) {
	if role := os.Getenv(roleEnv); role != "" {
		os.Exit(runRole(role))
	}
	goleak.VerifyTestMain(m)
}
