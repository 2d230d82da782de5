package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

func init() {
	register(command{"version", "print baton's module version and the Go version that built it (also --version)", runVersion})
}

// runVersion is `baton version` and `baton --version`.
func runVersion(_ context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintf(stderr, "baton version: unexpected argument %q (it takes none)\n", args[0])
		return exitUsage
	}
	fmt.Fprintln(stdout, versionLine())
	return exitOK
}

// versionLine says which baton this is and which Go built it, from the
// build information the go command embeds: the module's version (a tag, a
// pseudo-version, or "(devel)" for a build from a checkout), the VCS
// revision when the build recorded one, and the Go version.
func versionLine() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return fmt.Sprintf("baton: no build information; %s %s/%s", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	}
	line := fmt.Sprintf("baton %s %s", bi.Main.Path, bi.Main.Version)
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = ", modified"
			}
		}
	}
	if rev != "" {
		line += fmt.Sprintf(" (revision %.12s%s)", rev, modified)
	}
	return line + fmt.Sprintf(", %s %s/%s", bi.GoVersion, runtime.GOOS, runtime.GOARCH)
}
