package main

import (
	"context"
	"os"
	"regexp"
	"testing"

	"go.uber.org/goleak"
)

// testAsBatonEnv makes the test binary run as the baton command itself, so
// that a test can start it as a real process: to send it signals, or to
// SIGKILL it.
const testAsBatonEnv = "BATON_TEST_AS_BATON"

func TestMain(m *testing.M) {
	if os.Getenv(testAsBatonEnv) == "1" {
		main() // exits
	}
	goleak.VerifyTestMain(m)
}

// Bad input exits 2 with one line on stderr; `baton` alone prints the
// usage there; `baton version` and `--version` print one line.
func TestCommandLine(t *testing.T) {
	for _, c := range []struct {
		args     []string
		code     int
		out, err *regexp.Regexp
	}{
		{nil, exitUsage, regexp.MustCompile(`^$`), regexp.MustCompile(`(?s)^baton is baton's command-line companion.*Usage:.*bench.*demo.*tour.*version`)},
		{[]string{"--help"}, exitOK, regexp.MustCompile(`(?s)^baton is baton's command-line companion.*Commands:`), regexp.MustCompile(`^$`)},
		{[]string{"nocommand"}, exitUsage, regexp.MustCompile(`^$`), regexp.MustCompile(`^baton: unknown command "nocommand" \(see baton --help\)\n$`)},
		{[]string{"bench", "nolayer"}, exitUsage, regexp.MustCompile(`^$`),
			regexp.MustCompile(`^baton bench: no layer "nolayer"; the layers are jetstream, pipeline and pool \(see baton bench --help\)\n$`)},
		{[]string{"version"}, exitOK, regexp.MustCompile(`^baton github.com/baton-go/baton/cmd/baton \S+.*, go1\.\d+\S* \w+/\w+\n$`), regexp.MustCompile(`^$`)},
		{[]string{"--version"}, exitOK, regexp.MustCompile(`^baton github.com/baton-go/baton/cmd/baton \S+.*, go1\.\d+\S* \w+/\w+\n$`), regexp.MustCompile(`^$`)},
		{[]string{"version", "x"}, exitUsage, regexp.MustCompile(`^$`), regexp.MustCompile(`^baton version: unexpected argument "x" \(it takes none\)\n$`)},
	} {
		code, stdout, stderr := runArgs(context.Background(), c.args...)
		if code != c.code || !c.out.MatchString(stdout) || !c.err.MatchString(stderr) {
			t.Errorf("baton %v: exit %d, stdout %q, stderr %q; want exit %d, stdout %s, stderr %s",
				c.args, code, stdout, stderr, c.code, c.out, c.err)
		}
	}
}
