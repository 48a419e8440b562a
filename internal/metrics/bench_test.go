package metrics

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// discard is a ResponseWriter that keeps nothing, so the benchmarks
// measure the handlers and not a recorder.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}

// BenchmarkMiddleware measures what the instruments add to a request on
// the serving path: the same trivial handler bare, behind InstrumentRoute
// and behind a classifying Middleware; run with -benchmem and compare.
func BenchmarkMiddleware(b *testing.B) {
	body := []byte(`{"ok":true}`)
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		w.Write(body)
	})
	m := New(Options{NoRuntime: true})
	classify := func(r *http.Request) string {
		if strings.HasPrefix(r.URL.Path, "/api/") {
			return "api"
		}
		return "page"
	}
	handlers := []struct {
		name string
		h    http.Handler
	}{
		{"bare", next},
		{"route", m.InstrumentRoute("api", next)},
		{"classified", m.Middleware([]string{"api", "feeds", "page", "search"}, classify, next)},
	}
	// A server that times its requests already (for its access log)
	// only adds Observe.
	route := m.Route("api")
	handlers = append(handlers, struct {
		name string
		h    http.Handler
	}{"observe-only", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r)
		route.Observe(http.StatusOK, 1500)
	})})
	req := httptest.NewRequest("GET", "/api/news/index.json", nil)
	for _, h := range handlers {
		b.Run(h.name, func(b *testing.B) {
			w := &discard{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				h.h.ServeHTTP(w, req)
			}
		})
		b.Run(h.name+"-parallel", func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				w := &discard{h: http.Header{}}
				for pb.Next() {
					h.h.ServeHTTP(w, req)
				}
			})
		})
	}
}
