package observe_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/baton-go/baton/observe"
	"github.com/baton-go/baton/pipeline"
	"github.com/baton-go/baton/pool"
)

func TestHandlerServesOnlyGET(t *testing.T) {
	h := observe.New().Handler()
	for _, path := range []string{"/", "/metrics", "/api/state", "/app.js", "/style.css", "/nothing"} {
		for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch, http.MethodOptions} {
			code, hdr, _ := get(h, method, path)
			if code != http.StatusMethodNotAllowed || hdr.Get("Allow") != "GET, HEAD" {
				t.Errorf("%s %s: %d, Allow %q; want 405, Allow GET, HEAD", method, path, code, hdr.Get("Allow"))
			}
		}
	}
}

func TestHandlerRoutes(t *testing.T) {
	h := observe.New().Handler()
	for _, c := range []struct {
		path, ctype, has string
	}{
		{"/", "text/html", `<script src="app.js">`},
		{"/app.js", "javascript", "api/state"},
		{"/style.css", "text/css", ".bottleneck"},
		{"/api/state", "application/json", `"pools": []`},
		{"/metrics", "text/plain", ""},
	} {
		code, hdr, body := get(h, http.MethodGet, c.path)
		if code != http.StatusOK || !strings.Contains(hdr.Get("Content-Type"), c.ctype) || !strings.Contains(body, c.has) {
			t.Errorf("GET %s: %d %q, body has %q: %v", c.path, code, hdr.Get("Content-Type"), c.has, strings.Contains(body, c.has))
		}
	}
	if code, _, _ := get(h, http.MethodGet, "/nothing"); code != http.StatusNotFound {
		t.Errorf("GET of an unknown path: %d, want 404", code)
	}
	if code, _, body := get(h, http.MethodHead, "/api/state"); code != http.StatusOK || body != "" {
		t.Errorf("HEAD /api/state: %d with %d bytes, want 200 and no body", code, len(body))
	}
	// No reference to anything off this handler: the page works offline.
	for _, path := range []string{"/", "/app.js", "/style.css"} {
		if _, _, body := get(h, http.MethodGet, path); strings.Contains(body, "http://") && !strings.Contains(body, "http://www.w3.org/2000/svg") || strings.Contains(body, "https://") {
			t.Errorf("%s refers to another host", path)
		}
	}
}

// TestStateJSON checks /api/state against the pools and pipelines behind
// it.
func TestStateJSON(t *testing.T) {
	o := observe.New()
	p := pool.New(3)
	mon := pipeline.NewMonitor()
	for name, x := range map[string]any{"p": p, "m": mon} {
		if err := o.Register(nil, name, x); err != nil {
			t.Fatal(err)
		}
		defer o.Unregister(name)
	}
	for range 5 {
		if err := p.Submit(context.Background(), func(context.Context) error { return nil }); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	src := pipeline.From(func(yield func(int) bool) {
		for i := range 10 {
			yield(i)
		}
	}, pipeline.Name("src"))
	sq := pipeline.Map(src, func(_ context.Context, v int) (int, error) { return v * v, nil }, pipeline.Name("square"), pipeline.Workers(2))
	if _, err := pipeline.Collect(context.Background(), sq, pipeline.WithMonitor(mon)); err != nil {
		t.Fatal(err)
	}
	_, _, body := get(o.Handler(), http.MethodGet, "/api/state")
	var st observe.State
	if err := json.Unmarshal([]byte(body), &st); err != nil {
		t.Fatalf("/api/state is not a State: %v\n%s", err, body)
	}
	if len(st.Pools) != 1 || st.Pools[0].Name != "p" || st.Pools[0].Stats.Succeeded != 5 {
		t.Fatalf("pools: %+v, want p with 5 succeeded", st.Pools)
	}
	if len(st.Pipelines) != 1 || len(st.Pipelines[0].Stages) != 3 {
		t.Fatalf("pipelines: %+v, want m with 3 stages", st.Pipelines)
	}
	sqs := st.Pipelines[0].Stages[1]
	if sqs.Name != "square" || sqs.Workers != 2 || sqs.In != 10 || sqs.Out != 10 || len(sqs.Inputs) != 1 || sqs.Inputs[0] != "src" {
		t.Fatalf("stage square: %+v", sqs)
	}
}
