package server

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"newshub/internal/metrics"
	"newshub/internal/publish"
	"newshub/internal/site"
	"newshub/internal/web"
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

// serveParallel runs b.N answers of req from every CPU.
func serveParallel(b *testing.B, srv http.Handler, req *http.Request) {
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		w := &discardWriter{h: http.Header{}}
		for pb.Next() {
			clear(w.h)
			srv.ServeHTTP(w, req)
		}
	})
}

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
			serveParallel(b, srv, req)
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

// BenchmarkHomePageUnderSearchLoad measures the home page (a real HTTP
// request to the composed server) while 64 clients send an expensive
// search (32 one-letter prefixes) without pause, with the places for
// searches bounded as by default and, for comparison, unbounded.
// Searches refused with 503 come back at once, as a client honouring no
// Retry-After would.
func BenchmarkHomePageUnderSearchLoad(b *testing.B) {
	st := genStore(b, 5000)
	const expensive = "/api/search?q=a*+b*+c*+d*+e*+f*+g*+h*+i*+j*+k*+l*+m*+n*+o*+p*+q*+r*+s*+t*+u*+v*+w*+x*+y*+z*+aa*+bb*+cc*+dd*+ee*+ff*"
	for _, c := range []struct {
		name     string
		searches int
	}{{"default", 0}, {"unbounded", 1 << 20}} {
		b.Run("searches="+c.name, func(b *testing.B) {
			views := publish.NewViews(publish.ViewsConfig{Store: st, CheckEvery: time.Hour, Options: publish.Options{Now: clock}})
			w, err := web.New(web.Config{Views: views, Store: st, Logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				b.Fatal(err)
			}
			ts := httptest.NewServer(New(Config{Store: st, Views: views, Web: w, Search: w.SearchDoc, Searches: c.searches}))
			defer ts.Close()
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 128}}
			ctx, stop := context.WithCancel(context.Background())
			var wg sync.WaitGroup
			var refused, answered atomic.Int64
			for range 64 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for ctx.Err() == nil {
						req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+expensive, nil)
						resp, err := client.Do(req)
						if err != nil {
							continue
						}
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						if resp.StatusCode == http.StatusServiceUnavailable {
							refused.Add(1)
							time.Sleep(10 * time.Millisecond)
						} else {
							answered.Add(1)
						}
					}
				}()
			}
			time.Sleep(500 * time.Millisecond) // searches under way
			b.ResetTimer()
			for range b.N {
				resp, err := client.Get(ts.URL + "/")
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					b.Fatalf("home page: %s", resp.Status)
				}
			}
			b.StopTimer()
			stop()
			wg.Wait()
			b.ReportMetric(float64(answered.Load()), "searches")
			b.ReportMetric(float64(refused.Load()), "refused")
		})
	}
}

// BenchmarkServeHomePage measures the website's home page through the
// server, plain and compressed as it is written.
func BenchmarkServeHomePage(b *testing.B) {
	st := genStore(b, 300)
	views := publish.NewViews(publish.ViewsConfig{Store: st, CheckEvery: time.Hour, Options: publish.Options{Now: clock}})
	w, err := web.New(web.Config{Views: views, Store: st, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	srv := New(Config{Store: st, Views: views, Web: w})
	for _, enc := range []string{"", "gzip"} {
		b.Run("encoding="+enc, func(b *testing.B) {
			req := httptest.NewRequest("GET", "/", nil)
			if enc != "" {
				req.Header.Set("Accept-Encoding", enc)
			}
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			if rec.Code != 200 || rec.Header().Get("Content-Encoding") != enc {
				b.Fatalf("status %d, Content-Encoding %q", rec.Code, rec.Header().Get("Content-Encoding"))
			}
			serveParallel(b, srv, req)
			b.ReportMetric(float64(rec.Body.Len()), "bytes")
		})
	}
}
