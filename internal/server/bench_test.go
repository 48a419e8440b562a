package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"newshub/internal/site"
)

// discardWriter is a ResponseWriter that keeps headers and drops the body,
// so the benchmark measures the server, not a recorder.
type discardWriter struct {
	h      http.Header
	status int
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) WriteHeader(code int)        { w.status = code }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }

// BenchmarkServeTopicPage measures answering a cached topic page, the
// request the serve target (20,000 req/s on two cores) is stated for.
func BenchmarkServeTopicPage(b *testing.B) {
	for _, enc := range []string{"", "gzip"} {
		b.Run("encoding="+enc, func(b *testing.B) {
			st := genStore(b, 300)
			s, err := site.Load(context.Background(), st)
			if err != nil {
				b.Fatal(err)
			}
			srv := New(Config{Store: st})
			path := "/api/news/" + s.Topics[1].ID + "/"
			req := httptest.NewRequest("GET", path, nil)
			if enc != "" {
				req.Header.Set("Accept-Encoding", enc)
			}
			w := &discardWriter{h: http.Header{}}
			srv.ServeHTTP(w, req)
			if w.status != 200 {
				b.Fatalf("status %d", w.status)
			}
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				w := &discardWriter{h: http.Header{}}
				for pb.Next() {
					clear(w.h)
					srv.ServeHTTP(w, req)
				}
			})
		})
	}
}
