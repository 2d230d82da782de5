package jetstream_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/baton-go/baton/jetstream"
	"github.com/baton-go/baton/jetstream/embedded"
)

// A program that only connects by URL does not link nats-server: the
// embedded server is in its own package. The test builds such a program,
// reads the modules it was linked with, and runs it against a server and
// with no URL.
func TestURLOnlyClientLinksNoServer(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program; skipped with -short")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	const serverModule = "github.com/nats-io/nats-server/v2"
	// The control: the embedded package does link it, so the check below
	// can fail.
	deps, err := exec.Command(goTool, "list", "-deps", "github.com/baton-go/baton/jetstream/embedded").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, deps)
	}
	if !strings.Contains(string(deps), serverModule+"/server") {
		t.Fatalf("the embedded package does not depend on %s: the check is void", serverModule)
	}

	bin := filepath.Join(t.TempDir(), "urlonly")
	if out, err := exec.Command(goTool, "build", "-o", bin, "./testdata/urlonly").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	mods, err := exec.Command(goTool, "version", "-m", bin).CombinedOutput()
	if err != nil {
		t.Fatalf("go version -m: %v\n%s", err, mods)
	}
	if strings.Contains(string(mods), serverModule) {
		t.Fatalf("a client that only connects by URL links nats-server:\n%s", mods)
	}
	if !strings.Contains(string(mods), "github.com/nats-io/nats.go") {
		t.Fatalf("go version -m does not list the client's modules:\n%s", mods)
	}

	srv, err := embedded.Start(embedded.Config{StoreDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()
	if out, err := exec.Command(bin, srv.URL()).CombinedOutput(); err != nil || strings.TrimSpace(string(out)) != "round trip" {
		t.Fatalf("urlonly %s: %v, %q", srv.URL(), err, out)
	}
	// With no URL and no embedded package, Connect says what is missing.
	out, err := exec.Command(bin, "").CombinedOutput()
	if err == nil || !strings.Contains(string(out), strings.TrimPrefix(jetstream.ErrNoBroker.Error(), "jetstream: ")) {
		t.Fatalf("urlonly with no URL: %v, %q; want ErrNoBroker", err, out)
	}
}
