package server

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"newshub/internal/metrics"
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
// request the serve target (20,000 req/s on two cores) is stated for,
// with and without the metrics serve counts requests with.
func BenchmarkServeTopicPage(b *testing.B) {
	for _, c := range []struct {
		name    string
		enc     string
		metrics bool
	}{{"encoding=", "", false}, {"encoding=gzip", "gzip", false}, {"encoding=,metrics", "", true}} {
		enc := c.enc
		b.Run(c.name, func(b *testing.B) {
			st := genStore(b, 300)
			s, err := site.Load(context.Background(), st)
			if err != nil {
				b.Fatal(err)
			}
			cfg := Config{Store: st}
			if c.metrics {
				cfg.Metrics = metrics.New(metrics.Options{NoRuntime: true})
			}
			srv := New(cfg)
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

// BenchmarkServeTopicPageHTTP answers the topic page over a real loopback
// connection, one keep-alive request after another, so allocations and
// time include net/http's own work. The client reads with a fixed buffer
// and allocates nothing per request.
func BenchmarkServeTopicPageHTTP(b *testing.B) {
	st := genStore(b, 300)
	s, err := site.Load(context.Background(), st)
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(New(Config{Store: st}))
	defer ts.Close()
	conn, err := net.Dial("tcp", ts.Listener.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	req := []byte("GET /api/news/" + s.Topics[1].ID + "/ HTTP/1.1\r\nHost: hub\r\nUser-Agent: bench\r\n\r\n")
	r := bufio.NewReaderSize(conn, 64<<10)
	body := make([]byte, 0, 1<<20)
	roundTrip := func() {
		if _, err := conn.Write(req); err != nil {
			b.Fatal(err)
		}
		n := -1
		for {
			line, err := r.ReadSlice('\n')
			if err != nil {
				b.Fatal(err)
			}
			if len(line) <= 2 {
				break
			}
			if v, ok := bytes.CutPrefix(line, []byte("Content-Length: ")); ok {
				n, _ = strconv.Atoi(string(bytes.TrimSpace(v)))
			}
		}
		if n < 0 {
			b.Fatal("no Content-Length")
		}
		if _, err := io.ReadFull(r, body[:n]); err != nil {
			b.Fatal(err)
		}
	}
	roundTrip()
	b.ReportAllocs()
	for b.Loop() {
		roundTrip()
	}
}
