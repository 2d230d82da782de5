package observe_test

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/baton-go/baton/observe"
	"github.com/baton-go/baton/observe/demo"
	"github.com/chromedp/chromedp"
)

// screenshotEnv names the variable that says where TestPageInBrowser saves
// its screenshot. Unset, the picture goes to the test's temporary directory,
// so a test run leaves the checkout as it was; the README's picture is made
// with BATON_SCREENSHOT=../docs/observe.png.
const screenshotEnv = "BATON_SCREENSHOT"

// TestPageInBrowser runs the demo pipeline behind the handler and looks at
// the page in headless Chromium: every stage box must come to show a
// non-zero rate, and the slow stage, and only it, must be the one
// highlighted. It saves a screenshot (see screenshotEnv). Without Chromium it
// fails: .ci/run installs it.
func TestPageInBrowser(t *testing.T) {
	chrome := findChromium(t)
	o := observe.New()
	d := demo.New(2 * time.Millisecond)
	for name, x := range map[string]any{demo.PipelineName: d.Monitor, demo.PoolName: d.Pool} {
		if err := o.Register(nil, name, x); err != nil {
			t.Fatal(err)
		}
		defer o.Unregister(name)
	}
	runCtx, stopDemo := context.WithCancel(context.Background())
	demoDone := make(chan error, 1)
	go func() { demoDone <- d.Run(runCtx) }()
	defer func() {
		stopDemo()
		if err := <-demoDone; err != nil {
			t.Errorf("demo: %v", err)
		}
	}()
	srv := httptest.NewServer(o.Handler())
	defer srv.Close()

	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chrome),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 760),
	)
	defer cancelAlloc()
	ctx, cancelTab := chromedp.NewContext(alloc)
	defer cancelTab()
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute) // a hang becomes a failure
	defer cancelTimeout()

	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatalf("open the page: %v", err)
	}
	every := chromedp.WithPollingInterval(100 * time.Millisecond)
	// Every stage box with a rate above zero, the way a person would wait
	// for the page to settle: polled in the page itself.
	allMoving := `[...document.querySelectorAll(".stage")].filter(b => parseFloat(b.dataset.rate) > 0).length === ` +
		strconv.Itoa(len(demo.Stages))
	if err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](allMoving, every)); err != nil {
		t.Fatalf("waiting for every stage box to show a rate: %v", err)
	}
	// The bottleneck takes a sample or two more to show: poll for the
	// first highlight, then check it is the slow stage and the only one.
	if err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](`document.querySelector(".stage.bottleneck")`, every)); err != nil {
		t.Fatalf("waiting for a highlighted stage: %v", err)
	}
	hot, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll(".stage.bottleneck")].map(b => b.dataset.stage)`))
	if err != nil || len(hot) != 1 || hot[0] != demo.SlowStage {
		t.Fatalf("highlighted: %q (%v), want only %q", hot, err, demo.SlowStage)
	}
	// The pool's card, once its sparkline has a few samples to draw.
	sparkline := `document.querySelector('.pool[data-pool="` + demo.PoolName + `"] polyline')?.getAttribute("points").split(" ").length >= 8`
	if err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](sparkline, every)); err != nil {
		t.Fatalf("waiting for the pool's sparkline: %v", err)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	screenshot := os.Getenv(screenshotEnv)
	if screenshot == "" {
		screenshot = filepath.Join(t.TempDir(), "observe.png")
	}
	if err := os.WriteFile(screenshot, png, 0o644); err != nil {
		t.Fatalf("save the screenshot: %v", err)
	}
}

// findChromium returns the browser to drive, failing (never skipping)
// when there is none: the page's test must run wherever the tests run.
func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "chrome"} {
		if p, err := execLookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("no Chromium on PATH: install it (apt-get install chromium); .ci/run does")
	return ""
}
