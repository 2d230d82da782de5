package observe

import (
	"embed"
	"encoding/json"
	"io/fs"
	"net/http"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

//go:embed web
var web embed.FS

// Handler serves the default Observer: see Observer.Handler.
func Handler() http.Handler { return std.Handler() }

// Handler returns an http.Handler serving
//
//	/metrics     the Observer's metrics, in Prometheus' format
//	/api/state   Snapshot, in JSON
//	/            the live view: a page that polls /api/state every second
//
// Its links are relative, so it can be mounted under a prefix with
// http.StripPrefix (the prefix ending in a slash). It answers GET (and
// HEAD, GET without the body); any other method gets 405 Method Not
// Allowed.
func (o *Observer) Handler() http.Handler {
	assets, err := fs.Sub(web, "web")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	files := http.FileServerFS(assets)
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(o.reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("/api/state", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		if r.Method == http.MethodHead {
			return
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", " ")
		_ = enc.Encode(o.Snapshot()) // a failed write is the client's loss
	})
	mux.Handle("/{$}", files)
	mux.Handle("/app.js", files)
	mux.Handle("/style.css", files)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "405 method not allowed: the observe handler only reads", http.StatusMethodNotAllowed)
			return
		}
		mux.ServeHTTP(w, r)
	})
}
