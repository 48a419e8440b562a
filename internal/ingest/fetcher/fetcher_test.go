package fetcher

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"newshub/internal/ingest/guard"
	"newshub/internal/store"
)

// testOptions are small limits so hostile servers are cut off quickly.
func testOptions() Options {
	return Options{
		UserAgent:            "newshub/test (+http://example.org/)",
		ConnectTimeout:       time.Second,
		HeaderTimeout:        time.Second,
		Timeout:              1500 * time.Millisecond,
		MaxBodySize:          64 << 10,
		PerHostRate:          -1,
		Retries:              2,
		BaseBackoff:          5 * time.Millisecond,
		MaxRetryWait:         50 * time.Millisecond,
		AllowPrivateNetworks: true,
	}
}

func TestFetchSendsUserAgentAndReadsBody(t *testing.T) {
	var ua string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ua = r.Header.Get("User-Agent")
		w.Header().Set("ETag", `"v1"`)
		w.Write([]byte("hello"))
	}))
	defer srv.Close()
	f := New(testOptions())
	resp, err := f.Fetch(context.Background(), Request{URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if string(resp.Body) != "hello" || resp.ETag != `"v1"` || resp.StatusCode != 200 {
		t.Fatalf("got %+v", resp)
	}
	if ua != "newshub/test (+http://example.org/)" {
		t.Fatalf("User-Agent = %q", ua)
	}
}

// TestFetchReadsOnlyTheTypesAskedFor checks Request.Types: a body of
// another declared type is not read (the server below sends its headers
// and then waits for the client to leave: reading it would end in the
// fetch's timeout), and one of a type asked for, or of no declared type,
// is.
func TestFetchReadsOnlyTheTypesAskedFor(t *testing.T) {
	page := []string{"text/html", "application/xhtml+xml", "text/plain"}
	cases := []struct {
		types []string
		ct    string
		read  bool
	}{
		{page, "text/html; charset=utf-8", true},
		{page, "TEXT/HTML", true},
		{page, "application/xhtml+xml", true},
		{page, "", true},
		{page, "not a media type;;", true},
		{page, "audio/mpeg", false},
		{page, "video/mp4", false},
		{page, "application/pdf", false},
		{page, "image/jpeg", false},
		{[]string{"text/"}, "text/csv", true},
		{[]string{"text/"}, "textual/x", false},
		{nil, "audio/mpeg", true},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%v %s", c.types, c.ct), func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if c.ct != "" {
					w.Header().Set("Content-Type", c.ct)
				} else {
					w.Header()["Content-Type"] = nil // no type sniffed either
				}
				w.Write([]byte("hello"))
				if c.read {
					return
				}
				w.(http.Flusher).Flush()
				<-r.Context().Done() // a large file the client must not wait for
			}))
			defer srv.Close()
			resp, err := New(testOptions()).Fetch(context.Background(), Request{URL: srv.URL, Types: c.types})
			if c.read {
				if err != nil || string(resp.Body) != "hello" {
					t.Fatalf("got %+v, %v; want the body read", resp, err)
				}
				return
			}
			if !errors.Is(err, ErrUnwantedType) {
				t.Fatalf("got %+v, %v; want ErrUnwantedType", resp, err)
			}
		})
	}
}

func TestFetchConditionalGetReturnsNotModified(t *testing.T) {
	const etag, lm = `"abc"`, "Mon, 02 Jan 2006 15:04:05 GMT"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == etag || r.Header.Get("If-Modified-Since") == lm {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", lm)
		w.Write([]byte("feed"))
	}))
	defer srv.Close()
	f := New(testOptions())
	first, err := f.Fetch(context.Background(), Request{URL: srv.URL})
	if err != nil || first.NotModified {
		t.Fatalf("first fetch: %+v, %v", first, err)
	}
	tests := []Request{
		{URL: srv.URL, ETag: first.ETag},
		{URL: srv.URL, LastModified: first.LastModified},
	}
	for _, req := range tests {
		resp, err := f.Fetch(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		if !resp.NotModified || len(resp.Body) != 0 {
			t.Fatalf("conditional %+v: got %+v", req, resp)
		}
		if resp.ETag != req.ETag || resp.LastModified != req.LastModified {
			t.Fatalf("304 lost validators: %+v", resp)
		}
	}
}

func TestFetchDecompresses(t *testing.T) {
	want := strings.Repeat("<item>news</item>", 100)
	encoders := map[string]func([]byte) []byte{
		"gzip": func(b []byte) []byte {
			var buf bytes.Buffer
			zw := gzip.NewWriter(&buf)
			zw.Write(b)
			zw.Close()
			return buf.Bytes()
		},
		"deflate": func(b []byte) []byte { // zlib-wrapped, as the RFC says
			var buf bytes.Buffer
			zw := zlib.NewWriter(&buf)
			zw.Write(b)
			zw.Close()
			return buf.Bytes()
		},
		"raw-deflate": func(b []byte) []byte { // what some servers send instead
			var buf bytes.Buffer
			zw, _ := flate.NewWriter(&buf, 5)
			zw.Write(b)
			zw.Close()
			return buf.Bytes()
		},
	}
	for name, enc := range encoders {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
					t.Errorf("Accept-Encoding = %q", r.Header.Get("Accept-Encoding"))
				}
				w.Header().Set("Content-Encoding", strings.TrimPrefix(name, "raw-"))
				w.Write(enc([]byte(want)))
			}))
			defer srv.Close()
			resp, err := New(testOptions()).Fetch(context.Background(), Request{URL: srv.URL})
			if err != nil {
				t.Fatal(err)
			}
			if string(resp.Body) != want {
				t.Fatalf("body %d bytes, want %d", len(resp.Body), len(want))
			}
		})
	}
}

// TestFetchDecompressesGzipLeftInTheBody checks bodies that are gzip data
// still once read as their Content-Encoding says: a cached copy served
// compressed with no Content-Encoding, and a body compressed twice.
func TestFetchDecompressesGzipLeftInTheBody(t *testing.T) {
	feed := `<?xml version="1.0"?><rss version="2.0"><channel><title>Cached</title></channel></rss>`
	gz := func(b string) string {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write([]byte(b))
		zw.Close()
		return buf.String()
	}
	for _, tt := range []struct {
		name, encoding, body, want string
	}{
		{"unlabelled", "", gz(feed), feed},
		{"compressed twice", "gzip", gz(gz(feed)), feed},
		{"not gzip after its magic bytes", "", "\x1f\x8bnot gzip", "\x1f\x8bnot gzip"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.encoding != "" {
					w.Header().Set("Content-Encoding", tt.encoding)
				}
				w.Write([]byte(tt.body))
			}))
			defer srv.Close()
			resp, err := New(testOptions()).Fetch(context.Background(), Request{URL: srv.URL})
			if err != nil {
				t.Fatal(err)
			}
			if string(resp.Body) != tt.want {
				t.Fatalf("body %q, want %q", resp.Body, tt.want)
			}
		})
	}
}

// hostile servers: each must end in an error, quickly, without hanging.
func TestFetchSurvivesHostileServers(t *testing.T) {
	bomb := func() []byte { // 10 MiB of zeros in about 10 KiB
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(make([]byte, 10<<20))
		zw.Close()
		return buf.Bytes()
	}()
	incompressible := func(encode func(io.Writer) io.WriteCloser) []byte { // 256 KiB of noise, compressed
		var buf bytes.Buffer
		zw := encode(&buf)
		noise := rand.NewChaCha8([32]byte{1})
		io.CopyN(zw, noise, 256<<10)
		zw.Close()
		return buf.Bytes()
	}
	bigZlib := incompressible(func(w io.Writer) io.WriteCloser { return zlib.NewWriter(w) })
	bigGzip := incompressible(func(w io.Writer) io.WriteCloser { return gzip.NewWriter(w) })
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    func(error) bool
	}{
		{"trickle one byte a second", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(200)
			for i := 0; i < 30; i++ {
				if _, err := w.Write([]byte("x")); err != nil {
					return
				}
				w.(http.Flusher).Flush()
				select {
				case <-r.Context().Done():
					return
				case <-time.After(time.Second):
				}
			}
		}, func(err error) bool {
			return errors.Is(err, context.DeadlineExceeded) && strings.Contains(err.Error(), "timed out")
		}},
		{"headers never sent", func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
		}, func(err error) bool {
			return err != nil && strings.Contains(err.Error(), "timeout") || errors.Is(err, context.DeadlineExceeded)
		}},
		{"endless body", func(w http.ResponseWriter, r *http.Request) {
			chunk := bytes.Repeat([]byte("a"), 4096)
			for {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}, func(err error) bool { return errors.Is(err, ErrTooLarge) }},
		{"length over the cap, sent slowly", func(w http.ResponseWriter, r *http.Request) {
			// Its length says it is over the cap: it is not waited for.
			w.Header().Set("Content-Length", strconv.Itoa(4*int(testOptions().MaxBodySize)))
			w.Write([]byte("<html><head><title>A long page</title>"))
			http.NewResponseController(w).Flush()
			<-r.Context().Done()
		}, func(err error) bool { return errors.Is(err, ErrTooLarge) }},
		{"gzip bomb", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(bomb)
		}, func(err error) bool {
			return errors.Is(err, ErrTooLarge) && strings.Contains(err.Error(), "decompressed")
		}},
		{"compressed body over the cap", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(bigGzip)
		}, func(err error) bool {
			return errors.Is(err, ErrTooLarge) && !strings.Contains(err.Error(), "decompressed")
		}},
		{"zlib body over the cap", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "deflate")
			w.Write(bigZlib)
		}, func(err error) bool {
			return errors.Is(err, ErrTooLarge) && !strings.Contains(err.Error(), "decompressed")
		}},
		{"broken gzip", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			w.Write([]byte("\x1f\x8bthis is not gzip"))
		}, func(err error) bool { return err != nil && strings.Contains(err.Error(), "gzip") }},
		{"redirect loop", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, r.URL.Path+"x", http.StatusFound)
		}, func(err error) bool { return errors.Is(err, ErrTooManyRedirects) }},
		{"redirect to another scheme", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
		}, func(err error) bool { return errors.Is(err, ErrUnsupportedScheme) }},
		{"one header of 10 MiB", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Padding", strings.Repeat("v", 10<<20-200))
		}, headersTooLong},
		{"100,000 headers", func(w http.ResponseWriter, r *http.Request) {
			for i := range 100000 {
				w.Header().Set(fmt.Sprintf("X-Padding-%d", i), "v")
			}
		}, headersTooLong},
		{"server error", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "boom", http.StatusInternalServerError)
		}, func(err error) bool {
			var se *StatusError
			return errors.As(err, &se) && se.StatusCode == 500
		}},
	}
	// The server's own writing of these headers may take a second on a
	// loaded machine, which is no timeout their cases check.
	slow := map[string]bool{"one header of 10 MiB": true, "100,000 headers": true}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			opts := testOptions()
			if slow[tt.name] {
				opts.HeaderTimeout, opts.Timeout = 10*time.Second, 15*time.Second
			}
			f := New(opts)
			defer f.Close()
			start := time.Now()
			resp, err := f.Fetch(context.Background(), Request{URL: srv.URL + "/a"})
			if err == nil {
				t.Fatalf("no error; got %d bytes", len(resp.Body))
			}
			if !tt.want(err) {
				t.Fatalf("unexpected error: %v", err)
			}
			t.Logf("%v after %s", err, time.Since(start).Round(time.Millisecond))
		})
	}
}

// TestFetchKeepsToARequestsSmallerCap asks for a body of 1,000 bytes with
// a cap of 100 of the request's own, under the fetcher's of 64 KiB: it is
// refused, or cut at 100 bytes when the request takes a cut body; a cap
// above the fetcher's is the fetcher's.
func TestFetchKeepsToARequestsSmallerCap(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(bytes.Repeat([]byte("a"), 1000))
	}))
	defer srv.Close()
	f := New(testOptions())
	defer f.Close()
	tests := []struct {
		max      int64
		cut      bool
		body     int
		tooLarge bool
	}{
		{max: 100, tooLarge: true},
		{max: 100, cut: true, body: 100},
		{max: 1 << 30, body: 1000},
	}
	for _, tt := range tests {
		resp, err := f.Fetch(context.Background(), Request{URL: srv.URL, MaxBodySize: tt.max, Cut: tt.cut})
		switch {
		case tt.tooLarge && !errors.Is(err, ErrTooLarge):
			t.Errorf("cap %d: %v, want the body refused as too large", tt.max, err)
		case !tt.tooLarge && (err != nil || len(resp.Body) != tt.body || resp.Cut != tt.cut):
			t.Errorf("cap %d, cut %v: %v, want %d bytes", tt.max, tt.cut, err, tt.body)
		}
	}
}

// headersTooLong reports whether err says the answer's headers were over
// the bound (see maxHeaderBytes).
func headersTooLong(err error) bool {
	return err != nil && strings.Contains(err.Error(), fmt.Sprintf("headers exceeded %d bytes", maxHeaderBytes))
}

// TestFetchReadsAPlainBodyLabelledOtherwise checks servers' mistakes seen
// on real feeds: a Content-Encoding on a body sent as it is, gzip or
// deflate, or a label that is no encoding (a charset, "none").
func TestFetchReadsAPlainBodyLabelledOtherwise(t *testing.T) {
	want := `<?xml version="1.0"?><rss version="2.0"><channel><title>Plain</title></channel></rss>`
	for _, label := range []string{"gzip", "deflate", "UTF-8", "none", "binary"} {
		t.Run(label, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Encoding", label)
				w.Write([]byte(want))
			}))
			defer srv.Close()
			resp, err := New(testOptions()).Fetch(context.Background(), Request{URL: srv.URL})
			if err != nil {
				t.Fatal(err)
			}
			if string(resp.Body) != want {
				t.Fatalf("body %q", resp.Body)
			}
		})
	}
}

func TestFetchRedirectsUpToTheLimit(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscanf(r.URL.Path, "/%d", &n)
		if n > 0 {
			http.Redirect(w, r, fmt.Sprintf("/%d", n-1), http.StatusMovedPermanently)
			return
		}
		w.Write([]byte("landed"))
	}))
	defer srv.Close()
	f := New(testOptions())
	resp, err := f.Fetch(context.Background(), Request{URL: srv.URL + "/5"})
	if err != nil || string(resp.Body) != "landed" || resp.URL != srv.URL+"/0" {
		t.Fatalf("5 redirects: %+v %v", resp, err)
	}
	if _, err := f.Fetch(context.Background(), Request{URL: srv.URL + "/6"}); !errors.Is(err, ErrTooManyRedirects) {
		t.Fatalf("6 redirects: %v", err)
	}
}

func TestFetchRetriesServerErrorsWithBackoff(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) < 3 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	resp, err := New(testOptions()).Fetch(context.Background(), Request{URL: srv.URL})
	if err != nil || string(resp.Body) != "ok" || calls.Load() != 3 {
		t.Fatalf("got %v %v after %d calls", resp, err, calls.Load())
	}
}

// The backoff doubles up to a bound rather than overflow: doubled past
// it, a wait turned negative or zero and the server was asked again at
// once for every retry left. A first answer asks for a second's wait;
// the next gives none, and its backoff is far past MaxRetryWait.
func TestFetchBackoffDoesNotOverflow(t *testing.T) {
	for _, base := range []time.Duration{1 << 62, 3 << 61, 5 << 60} {
		t.Run(fmt.Sprintf("%#x", int64(base)), func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if calls.Add(1) == 1 {
					w.Header().Set("Retry-After", "1")
				}
				http.Error(w, "busy", http.StatusServiceUnavailable)
			}))
			defer srv.Close()
			opts := testOptions()
			opts.Retries, opts.BaseBackoff, opts.MaxRetryWait = 20, base, 2*time.Second
			_, err := New(opts).Fetch(context.Background(), Request{URL: srv.URL})
			var se *StatusError
			if !errors.As(err, &se) || se.StatusCode != http.StatusServiceUnavailable {
				t.Fatalf("err = %v", err)
			}
			if calls.Load() != 2 {
				t.Fatalf("%d calls, want 2: the second backoff is past MaxRetryWait", calls.Load())
			}
		})
	}
}

func TestBackoffDoublesUpToItsCap(t *testing.T) {
	for _, c := range []struct {
		base    time.Duration
		attempt int
		want    time.Duration
	}{
		{time.Second, 0, time.Second},
		{time.Second, 3, 8 * time.Second},
		{time.Second, 20, store.MaxRetryAfter}, // 2^20 s is twelve days
		{time.Second, 1 << 40, store.MaxRetryAfter},
		{5 * 24 * time.Hour, 1, store.MaxRetryAfter},
		{10 * 24 * time.Hour, 2, 10 * 24 * time.Hour}, // a base past the cap is kept
		{1 << 62, 5, 1 << 62},
	} {
		if got := backoff(c.base, c.attempt); got != c.want {
			t.Errorf("backoff(%v, %d) = %v, want %v", c.base, c.attempt, got, c.want)
		}
	}
}

func TestFetchReturnsLongRetryAfterWithoutSleepingAndHoldsOff(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Retry-After", "120")
		http.Error(w, "slow down", http.StatusTooManyRequests)
	}))
	defer srv.Close()
	f := New(testOptions())
	_, err := f.Fetch(context.Background(), Request{URL: srv.URL})
	var se *StatusError
	if !errors.As(err, &se) || se.StatusCode != 429 || se.RetryAfter != 120*time.Second {
		t.Fatalf("err = %v", err)
	}
	if RetryAfter(err) != 120*time.Second {
		t.Fatalf("RetryAfter = %s", RetryAfter(err))
	}
	if calls.Load() != 1 {
		t.Fatalf("retried a 120 s Retry-After in place: %d calls", calls.Load())
	}
	// The host is left alone as it asked: another fetch is not sent.
	_, err = f.Fetch(context.Background(), Request{URL: srv.URL + "/other"})
	var he *HeldOffError
	if !errors.As(err, &he) || RetryAfter(err) < 110*time.Second || calls.Load() != 1 {
		t.Fatalf("err = %v after %d calls, want the second request held off", err, calls.Load())
	}
}

// A host held off is not asked through a redirect either: a feed listed
// at the bare host ("http://example.com/feed") that redirects to the
// host that answered 429 ("https://www.example.com/feed").
func TestFetchHoldsOffAHostReachedThroughARedirect(t *testing.T) {
	var calls atomic.Int32
	www := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Retry-After", "120")
		http.Error(w, "slow down", http.StatusTooManyRequests)
	}))
	defer www.Close()
	bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, www.URL+r.URL.Path, http.StatusMovedPermanently)
	}))
	defer bare.Close()
	f := New(testOptions())
	if _, err := f.Fetch(context.Background(), Request{URL: www.URL + "/feed"}); RetryAfter(err) != 120*time.Second {
		t.Fatalf("err = %v", err)
	}
	_, err := f.Fetch(context.Background(), Request{URL: bare.URL + "/feed"})
	var he *HeldOffError
	if !errors.As(err, &he) || RetryAfter(err) < 110*time.Second || calls.Load() != 1 {
		t.Fatalf("err = %v after %d calls, want the redirect to the held-off host not followed", err, calls.Load())
	}
}

// A 503's Retry-After delays what was asked, not the host's other
// addresses: one route of a server of many feeds may be down alone.
func TestFetchDoesNotHoldOffAHostAfterA503(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.URL.Path == "/down" {
			w.Header().Set("Retry-After", "120")
			http.Error(w, "route down", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("feed"))
	}))
	defer srv.Close()
	f := New(testOptions())
	if _, err := f.Fetch(context.Background(), Request{URL: srv.URL + "/down"}); RetryAfter(err) != 120*time.Second {
		t.Fatalf("err = %v", err)
	}
	if resp, err := f.Fetch(context.Background(), Request{URL: srv.URL + "/up"}); err != nil || string(resp.Body) != "feed" || calls.Load() != 2 {
		t.Fatalf("got %v after %d calls, want the other route read", err, calls.Load())
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"30", 30 * time.Second},
		{"-5", 0},
		{"soon", 0},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0},
		{"86400000", 7 * 24 * time.Hour},
		// Too many seconds for an int: the longest wait, not none.
		{"99999999999999999999", 7 * 24 * time.Hour},
		{"-99999999999999999999", 0},
		{now.AddDate(10, 0, 0).Format(http.TimeFormat), 7 * 24 * time.Hour},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// peakCounter records how many holders it had at once at the most.
type peakCounter struct{ cur, peak atomic.Int32 }

// hold counts one more holder for 20 ms, long enough for the others
// allowed at once to come in meanwhile.
func (c *peakCounter) hold() {
	n := c.cur.Add(1)
	for {
		p := c.peak.Load()
		if n <= p || c.peak.CompareAndSwap(p, n) {
			break
		}
	}
	time.Sleep(20 * time.Millisecond)
	c.cur.Add(-1)
}

// check fails the test unless there were between 1 and max holders at once.
func (c *peakCounter) check(t *testing.T, max int32, what string) {
	t.Helper()
	if p := c.peak.Load(); p > max || p < 1 {
		t.Fatalf("%d %s at once, want at most %d", p, what, max)
	}
}

// fetchAll calls fetch(0) to fetch(n-1) at once and reports their errors.
func fetchAll(t *testing.T, n int, fetch func(i int) error) {
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if err := fetch(i); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}

// servers starts n test servers of handler and returns their URLs.
func servers(t *testing.T, n int, handler http.HandlerFunc) []string {
	var urls []string
	for range n {
		srv := httptest.NewServer(handler)
		t.Cleanup(srv.Close)
		urls = append(urls, srv.URL)
	}
	return urls
}

// No more requests are in flight at once than the fetcher's limits
// allow: PerHostConcurrency to one host, MaxInFlight over all hosts.
func TestFetchLimitsRequestsInFlight(t *testing.T) {
	tests := []struct {
		name                        string
		hosts, perHost, maxInFlight int
		fetches                     int
		want                        int32
	}{
		{"per host concurrency", 1, 2, 0, 10, 2},
		{"max in flight over all hosts", 4, 4, 2, 16, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var requests peakCounter
			urls := servers(t, tt.hosts, func(w http.ResponseWriter, r *http.Request) {
				requests.hold()
				w.Write([]byte("ok"))
			})
			opts := testOptions()
			opts.PerHostConcurrency = tt.perHost
			opts.MaxInFlight = tt.maxInFlight
			f := New(opts)
			fetchAll(t, tt.fetches, func(i int) error {
				_, err := f.Fetch(context.Background(), Request{URL: urls[i%len(urls)]})
				return err
			})
			requests.check(t, tt.want, "requests in flight")
		})
	}
}

func TestFetchRateLimitsPerHost(t *testing.T) {
	var calls atomic.Int32
	urls := servers(t, 1, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
	})
	opts := testOptions()
	opts.PerHostRate = 1
	opts.PerHostBurst = 2
	f := New(opts)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	fetchAll(t, 6, func(int) error {
		f.Fetch(ctx, Request{URL: urls[0]}) // those past the burst time out
		return nil
	})
	// A burst of 2 and one token a second: within 300 ms only the burst passes.
	if got := calls.Load(); got != 2 {
		t.Fatalf("%d requests reached the server, want the burst of 2", got)
	}
}

// FetchAndUse uses no more bodies at once than requests may be in flight
// (what it does with a body counts against MaxInFlight), nor than
// BodiesInUse, however many requests may be: the others wait, and are all
// served in turn.
func TestFetchAndUseBoundsTheBodiesUsedAtOnce(t *testing.T) {
	tests := []struct {
		name                         string
		perHost, maxInFlight, bodies int
		fetches                      int
		want                         int32
	}{
		{"max in flight", 4, 2, 0, 16, 2},
		{"bodies in use", 8, 0, 3, 24, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			urls := servers(t, 4, func(w http.ResponseWriter, r *http.Request) {
				w.Write([]byte("page"))
			})
			opts := testOptions()
			opts.PerHostConcurrency = tt.perHost
			opts.MaxInFlight = tt.maxInFlight
			opts.BodiesInUse = tt.bodies
			f := New(opts)
			var bodies peakCounter
			var used atomic.Int32
			fetchAll(t, tt.fetches, func(i int) error {
				_, err := f.FetchAndUse(context.Background(), Request{URL: urls[i%len(urls)]}, func(resp *Response) {
					if string(resp.Body) != "page" {
						t.Errorf("body %q", resp.Body)
					}
					bodies.hold()
					used.Add(1)
				})
				return err
			})
			bodies.check(t, tt.want, "bodies used")
			if n := used.Load(); n != int32(tt.fetches) {
				t.Fatalf("%d bodies used, want %d", n, tt.fetches)
			}
		})
	}
}

// slowHead and slowTail are the parts of the page slowPage sends.
const slowHead, slowTail = "<html><head><title>Slow page</title>", "</head><body>its text</body></html>"

// slowPage serves a page arriving at a slow server's pace: its head at
// once, then, after a send on started (when not nil), its tail once
// arrive is closed; nothing more if the request is given up first.
func slowPage(arrive <-chan struct{}, started chan<- struct{}) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, slowHead)
		http.NewResponseController(w).Flush()
		if started != nil {
			started <- struct{}{}
		}
		select {
		case <-arrive:
		case <-r.Context().Done():
			return
		}
		io.WriteString(w, slowTail)
	}
}

// A body slow to arrive gives its slot up meanwhile: two pages trickling
// from a slow server, holding the only two slots, keep no other page
// waiting, and each is used whole, under a slot, once it has arrived.
func TestFetchAndUseLetsPagesPassSlowBodies(t *testing.T) {
	started := make(chan struct{}, 2)
	arrive := make(chan struct{}) // closed when the slow pages may end
	slowly := slowPage(arrive, started)
	urls := servers(t, 2, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/fast" {
			io.WriteString(w, "fast page")
			return
		}
		slowly(w, r)
	})
	opts := testOptions()
	opts.Timeout = time.Minute // no request gives up on its own here
	opts.PerHostConcurrency = 8
	opts.BodiesInUse = 2
	opts.SlowBody = 50 * time.Millisecond
	f := New(opts)
	var used peakCounter
	fetch := func(url, want string) error {
		_, err := f.FetchAndUse(context.Background(), Request{URL: url}, func(resp *Response) {
			if string(resp.Body) != want {
				t.Errorf("%s: body %q, want %q", url, resp.Body, want)
			}
			used.hold()
		})
		return err
	}
	var slow sync.WaitGroup
	for _, u := range urls {
		slow.Go(func() {
			if err := fetch(u+"/slow", slowHead+slowTail); err != nil {
				t.Error(err)
			}
		})
	}
	<-started
	<-started
	fast := make(chan struct{})
	go func() {
		defer close(fast)
		fetchAll(t, 6, func(i int) error { return fetch(urls[i%2]+"/fast", "fast page") })
	}()
	select {
	case <-fast:
	case <-time.After(10 * time.Second):
		t.Error("the pages of a fast server waited for two slow ones to arrive")
	}
	close(arrive)
	slow.Wait()
	<-fast
	used.check(t, 2, "bodies used")
}

// Slow bodies go on arriving without a slot of BodiesInUse, but no more
// of them than SlowBodies: ten pages trickling from a slow server, with
// two slots and two for slow bodies, have no more than four bodies held
// at once (read from their first byte until closed), the others waiting
// unread; each is used whole once it has arrived.
func TestFetchAndUseBoundsTheSlowBodiesHeld(t *testing.T) {
	const pages, bound = 10, 4
	arrive := make(chan struct{}) // closed when the pages may end
	urls := servers(t, 1, slowPage(arrive, nil))
	opts := testOptions()
	opts.Timeout = time.Minute // no request gives up on its own here
	opts.PerHostConcurrency = pages
	opts.BodiesInUse = 2
	opts.SlowBodies = 2
	opts.SlowBody = time.Millisecond
	f := New(opts)
	lt := f.client.Transport.(*limitedTransport)
	bodies := &bodyCounter{next: lt.next}
	lt.next = bodies
	var used atomic.Int32
	done := make(chan struct{})
	go func() {
		defer close(done)
		fetchAll(t, pages, func(int) error {
			_, err := f.FetchAndUse(context.Background(), Request{URL: urls[0]}, func(resp *Response) {
				if string(resp.Body) != slowHead+slowTail {
					t.Errorf("body %q, want %q", resp.Body, slowHead+slowTail)
				}
				used.Add(1)
			})
			return err
		})
	}()
	// Once every slot of both kinds is held by a body still arriving, no
	// other body is read until one of them has arrived.
	for len(f.bodies) < cap(f.bodies) || len(f.slow) < cap(f.slow) || bodies.cur.Load() < bound {
		if bodies.cur.Load() > bound {
			break
		}
		time.Sleep(time.Millisecond)
	}
	held := bodies.cur.Load()
	close(arrive)
	<-done
	if held > bound || bodies.peak.Load() > bound {
		t.Errorf("%d bodies held while arriving, %d at most; want at most %d", held, bodies.peak.Load(), bound)
	}
	if n := used.Load(); n != pages {
		t.Errorf("%d bodies used, want %d", n, pages)
	}
}

// bodyCounter counts the response bodies held at once, each from its
// first read until it is closed, and the most held at once.
type bodyCounter struct {
	next      http.RoundTripper
	cur, peak atomic.Int32
}

func (c *bodyCounter) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(req)
	if err == nil {
		resp.Body = &countedBody{ReadCloser: resp.Body, c: c}
	}
	return resp, err
}

type countedBody struct {
	io.ReadCloser
	c      *bodyCounter
	mu     sync.Mutex
	read   bool // counted
	closed bool
}

func (b *countedBody) Read(p []byte) (int, error) {
	b.mu.Lock()
	if !b.read && !b.closed {
		b.read = true
		n := b.c.cur.Add(1)
		for p := b.c.peak.Load(); n > p && !b.c.peak.CompareAndSwap(p, n); p = b.c.peak.Load() {
		}
	}
	b.mu.Unlock()
	return b.ReadCloser.Read(p)
}

func (b *countedBody) Close() error {
	b.mu.Lock()
	if b.read && !b.closed {
		b.c.cur.Add(-1)
	}
	b.closed = true
	b.mu.Unlock()
	return b.ReadCloser.Close()
}

// The bodies FetchAndUse hands on are read into buffers used again: each
// is its page's whole and alone (a short page after a long one, plain or
// gzipped), none is left in the response returned, and reading a large
// page again and again allocates about one page, not one a read.
func TestFetchAndUseReusesBodyBuffers(t *testing.T) {
	long := strings.Repeat("<li><a href=/story>Another story</a></li>\n", 25_000) // about 1 MB
	pages := map[string]string{"/long": long, "/short": "<title>Short page</title>", "/gzipped": "<title>Gzipped</title>"}
	urls := servers(t, 1, func(w http.ResponseWriter, r *http.Request) {
		page := pages[r.URL.Path]
		if r.URL.Path == "/gzipped" {
			w.Header().Set("Content-Encoding", "gzip")
			zw := gzip.NewWriter(w)
			zw.Write([]byte(page))
			zw.Close()
			return
		}
		io.WriteString(w, page) // no copy of its own: the test counts the client's
	})
	opts := testOptions()
	opts.MaxBodySize = 2 << 20
	f := New(opts)
	fetch := func(path string) {
		t.Helper()
		resp, err := f.FetchAndUse(context.Background(), Request{URL: urls[0] + path}, func(resp *Response) {
			if string(resp.Body) != pages[path] {
				t.Errorf("%s: body of %d bytes, want its %d", path, len(resp.Body), len(pages[path]))
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		if resp.Body != nil {
			t.Errorf("%s: the response returned holds its body's buffer", path)
		}
	}
	for _, path := range []string{"/long", "/short", "/long", "/gzipped", "/short"} {
		fetch(path)
	}
	if raceEnabled {
		return
	}
	// A collection empties the pool; this counts reuse, not collections.
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	const reads = 20
	for range reads {
		fetch("/long")
	}
	runtime.ReadMemStats(&after)
	if got, oneEach := after.TotalAlloc-before.TotalAlloc, uint64(reads*len(long)); got > oneEach/2 {
		t.Errorf("%d reads of a page of %d bytes allocated %d bytes: a buffer for each", reads, len(long), got)
	}
}

// A request waiting for its host's rate token holds no global slot: with
// room for one request in flight, another host is served meanwhile.
func TestFetchWaitingOnHostRateHoldsNoGlobalSlot(t *testing.T) {
	var mu sync.Mutex
	var order []string
	serve := func(name string) *httptest.Server {
		return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			order = append(order, name)
			mu.Unlock()
		}))
	}
	slow, other := serve("slow"), serve("other")
	defer slow.Close()
	defer other.Close()
	opts := testOptions()
	opts.PerHostRate = 1 // the second request to a host waits about a second
	opts.PerHostBurst = 1
	opts.MaxInFlight = 1
	opts.Timeout = 10 * time.Second
	f := New(opts)
	ctx := context.Background()
	if _, err := f.Fetch(ctx, Request{URL: slow.URL}); err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 1)
	go func() {
		_, err := f.Fetch(ctx, Request{URL: slow.URL})
		waited <- err
	}()
	time.Sleep(50 * time.Millisecond) // let it start waiting for its token
	if _, err := f.Fetch(ctx, Request{URL: other.URL}); err != nil {
		t.Fatal(err)
	}
	if err := <-waited; err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if want := []string{"slow", "other", "slow"}; !slices.Equal(order, want) {
		t.Fatalf("served %v, want %v", order, want)
	}
}

func TestGuardRefusesLoopbackWhenPrivateNetworksAreNotAllowed(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("internal"))
	}))
	defer srv.Close()
	opts := testOptions()
	opts.AllowPrivateNetworks = false
	_, err := New(opts).Fetch(context.Background(), Request{URL: srv.URL})
	if !errors.Is(err, guard.ErrRefused) {
		t.Fatalf("err = %v, want guard.ErrRefused", err)
	}
}

// A redirect from an admitted server to a private address is refused: the
// guard runs on every connection, not only the first URL.
func TestGuardRefusesRedirectToPrivateAddress(t *testing.T) {
	var reached atomic.Bool
	private := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached.Store(true)
		w.Write([]byte("internal"))
	}))
	defer private.Close()
	public := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, private.URL+"/admin", http.StatusFound)
	}))
	defer public.Close()

	// Stand in for a public address: admit exactly the first server's
	// address, judge everything else by the real guard.
	admitted := strings.TrimPrefix(public.URL, "http://")
	control := func(network, address string, c syscall.RawConn) error {
		if address == admitted {
			return nil
		}
		return guard.Control(network, address, c)
	}
	opts := testOptions()
	opts.AllowPrivateNetworks = false
	_, err := newFetcher(opts, control).Fetch(context.Background(), Request{URL: public.URL})
	if !errors.Is(err, guard.ErrRefused) {
		t.Fatalf("err = %v, want guard.ErrRefused", err)
	}
	// The address refused is named, not only its IP: the feed's own
	// is public, and its operator looks for why it led there.
	if want := "(redirected to " + private.URL + "/admin"; !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v, want it to say %q", err, want)
	}
	if reached.Load() {
		t.Fatal("the private server was reached")
	}
}

// answer is a round tripper that answers every request as it is told,
// sending nothing: what a host named by the URL would answer.
type answer func(*http.Request) *http.Response

func (a answer) RoundTrip(r *http.Request) (*http.Response, error) { return a(r), nil }

// The forms of one host's name (its case, its default port, a trailing
// dot, its Unicode and punycode spellings) hold it as one: a feed listed
// as "https://Example.com./feed" is not asked after "https://example.com"
// asked to wait, while another port or host is.
func TestFetchHoldsOffAHostUnderEveryFormOfItsName(t *testing.T) {
	f := New(testOptions())
	var asked []string
	f.client.Transport.(*limitedTransport).next = answer(func(r *http.Request) *http.Response {
		asked = append(asked, r.URL.String())
		return &http.Response{StatusCode: http.StatusTooManyRequests, Status: "429 Too Many Requests",
			Header: http.Header{"Retry-After": {"120"}}, Body: io.NopCloser(strings.NewReader("")), Request: r}
	})
	for _, c := range []struct {
		first string
		same  []string
		other []string
	}{
		{"https://example.com/feed", []string{"https://EXAMPLE.com/a", "https://example.com:443/b", "https://example.com./c", "https://Example.COM.:443/d"}, []string{"https://example.com:8443/e", "https://www.example.com/f"}},
		{"http://news.example.org:80/feed", []string{"http://news.example.org/a", "http://NEWS.example.org./b"}, []string{"http://news.example.org:8080/c"}},
		{"https://bücher.example/feed", []string{"https://xn--bcher-kva.example/a", "https://BÜCHER.example./b", "https://XN--BCHER-KVA.example:443/c"}, nil},
	} {
		asked = nil
		if _, err := f.Fetch(context.Background(), Request{URL: c.first}); RetryAfter(err) != 120*time.Second {
			t.Fatalf("%s: err = %v", c.first, err)
		}
		for _, u := range c.same {
			var he *HeldOffError
			if _, err := f.Fetch(context.Background(), Request{URL: u}); !errors.As(err, &he) {
				t.Errorf("%s after %s: err = %v, want it held off", u, c.first, err)
			}
		}
		for _, u := range c.other {
			var he *HeldOffError
			if _, err := f.Fetch(context.Background(), Request{URL: u}); errors.As(err, &he) {
				t.Errorf("%s after %s: held off as the same host", u, c.first)
			}
		}
		if len(asked) != 1+len(c.other) {
			t.Errorf("after %s asked %q", c.first, asked)
		}
	}
}

// A 429's Retry-After short enough to be waited out in place is the
// host's too: the host's other addresses are not asked before it is over
// (a host of many feeds, one for each of its sections, that rate-limits
// its readers), and the request that met it is asked again once it is.
func TestFetchKeepsAShortRetryAfterForTheWholeHost(t *testing.T) {
	for _, retries := range []int{-1, 1} {
		t.Run(fmt.Sprintf("retries %d", retries), func(t *testing.T) {
			var mu sync.Mutex
			var limited time.Time // when the server answered 429
			var early []string    // what was asked before the wait was over
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				defer mu.Unlock()
				if !limited.IsZero() && time.Since(limited) < 2*time.Second {
					early = append(early, r.URL.Path)
				}
				if r.URL.Path == "/world" && limited.IsZero() {
					limited = time.Now()
					w.Header().Set("Retry-After", "2")
					http.Error(w, "slow down", http.StatusTooManyRequests)
					return
				}
				w.Write([]byte("feed of " + r.URL.Path))
			}))
			defer srv.Close()
			opts := testOptions()
			opts.Retries, opts.Timeout, opts.MaxRetryWait = retries, 10*time.Second, 5*time.Second
			f := New(opts)
			resp, err := f.Fetch(context.Background(), Request{URL: srv.URL + "/world"})
			switch {
			case retries < 0 && RetryAfter(err) != 2*time.Second:
				t.Fatalf("err = %v, want the 429 with its Retry-After", err)
			case retries > 0 && (err != nil || string(resp.Body) != "feed of /world"):
				t.Fatalf("got %v, %v, want the feed asked again after the wait", resp, err)
			}
			// Asked at once, the others wait for the host as it asked.
			var wg sync.WaitGroup
			for _, path := range []string{"/sport", "/arts"} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					resp, err := f.Fetch(context.Background(), Request{URL: srv.URL + path})
					if err != nil || string(resp.Body) != "feed of "+path {
						t.Errorf("%s: got %v, %v", path, resp, err)
					}
				}()
			}
			wg.Wait()
			if len(early) > 0 {
				t.Errorf("asked %q before the 2 s its Retry-After asked for were over", early)
			}
		})
	}
}

// A request's timeout counts from its turn at its host, not from when it
// was asked for: many feeds and pages of one host, asked at once, wait
// for the host's few slots (PerHostConcurrency), and those at the back
// timed out in the queue, never sent, each failed as the host's.
func TestFetchTimeoutCountsFromTheHostsTurn(t *testing.T) {
	urls := servers(t, 1, func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(300 * time.Millisecond) // a busy server, well within the timeout
		w.Write([]byte("feed"))
	})
	opts := testOptions()
	opts.PerHostConcurrency, opts.Timeout = 1, 2*time.Second
	f := New(opts)
	fetchAll(t, 12, func(i int) error {
		req := Request{URL: fmt.Sprintf("%s/section/%d/feed", urls[0], i)}
		if i%2 == 1 {
			// FetchAndUse waits for its body's turn too.
			_, err := f.FetchAndUse(context.Background(), req, func(*Response) {})
			return err
		}
		_, err := f.Fetch(context.Background(), req)
		return err
	})
}

// A host that does not answer times out the request that has its turn;
// the requests that waited for theirs meanwhile are not sent, each of
// which would wait the timeout in turn, and say why. A request asked
// after is sent: the host may answer again.
func TestFetchQueuedForAHostThatTimedOutIsNotSent(t *testing.T) {
	var asked atomic.Int32
	stall := make(chan struct{})
	urls := servers(t, 1, func(w http.ResponseWriter, r *http.Request) {
		if asked.Add(1) == 1 {
			close(stall)
		}
		if r.URL.Path != "/after" {
			w.WriteHeader(http.StatusOK)
			w.Write([]byte("<rss><channel>"))
			http.NewResponseController(w).Flush()
			<-r.Context().Done() // stalls mid-body
			return
		}
		w.Write([]byte("feed"))
	})
	opts := testOptions()
	opts.PerHostConcurrency, opts.Timeout = 1, 2*time.Second
	f := New(opts)
	errs := make([]error, 6)
	var wg sync.WaitGroup
	for i := range errs {
		if i == 1 {
			<-stall // the others wait behind the first
		}
		wg.Go(func() {
			_, errs[i] = f.Fetch(context.Background(), Request{URL: fmt.Sprintf("%s/section/%d/feed", urls[0], i)})
		})
	}
	wg.Wait()
	if !errors.Is(errs[0], context.DeadlineExceeded) || !strings.Contains(errs[0].Error(), "timed out after 2s") {
		t.Errorf("first request: %v, want it timed out", errs[0])
	}
	for _, err := range errs[1:] {
		if !errors.Is(err, ErrHostTimedOut) {
			t.Errorf("queued request: %v, want %v", err, ErrHostTimedOut)
		}
	}
	if asked.Load() != 1 {
		t.Errorf("%d requests sent, want the first alone", asked.Load())
	}
	if resp, err := f.Fetch(context.Background(), Request{URL: urls[0] + "/after"}); err != nil || string(resp.Body) != "feed" {
		t.Errorf("a request asked after: %v, %v", resp, err)
	}
}

// A request with a MaxWait waits no longer for its turn at a busy host:
// the requests whose turn does not come in time are not sent, and say
// why; those sent are read whole, within their own timeout.
func TestFetchWaitsForItsTurnNoLongerThanMaxWait(t *testing.T) {
	var asked atomic.Int32
	urls := servers(t, 1, func(w http.ResponseWriter, r *http.Request) {
		asked.Add(1)
		time.Sleep(400 * time.Millisecond)
		w.Write([]byte("page"))
	})
	opts := testOptions()
	opts.PerHostConcurrency, opts.Timeout = 1, 5*time.Second
	f := New(opts)
	var read, notSent atomic.Int32
	fetchAll(t, 8, func(i int) error {
		resp, err := f.Fetch(context.Background(), Request{URL: fmt.Sprintf("%s/article/%d", urls[0], i), MaxWait: time.Second})
		switch {
		case errors.Is(err, ErrNoTurn):
			notSent.Add(1)
			return nil
		case err != nil:
			return err
		case string(resp.Body) != "page":
			return fmt.Errorf("read %q", resp.Body)
		}
		read.Add(1)
		return nil
	})
	// Eight requests one after the other take 3.2 s at the server: the
	// last ones wait more than a second.
	if notSent.Load() == 0 || read.Load() != asked.Load() || read.Load()+notSent.Load() != 8 {
		t.Errorf("%d read, %d not sent, %d sent: want some not sent, and the others read", read.Load(), notSent.Load(), asked.Load())
	}
}

// TestRetryAfterDateReadByTheServersClock checks that a Retry-After date
// is read against the answer's own Date, as HTTP asks: a server whose
// clock is off by an hour still gets the two minutes it asked for, where
// the hub's clock read its date as long past (no wait) or an hour away.
func TestRetryAfterDateReadByTheServersClock(t *testing.T) {
	for _, skew := range []time.Duration{-time.Hour, time.Hour} {
		t.Run(skew.String(), func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				its := time.Now().Add(skew)
				w.Header().Set("Date", its.UTC().Format(http.TimeFormat))
				w.Header().Set("Retry-After", its.Add(120*time.Second).UTC().Format(http.TimeFormat))
				http.Error(w, "slow down", http.StatusTooManyRequests)
			}))
			defer srv.Close()
			_, err := New(testOptions()).Fetch(context.Background(), Request{URL: srv.URL})
			if got := RetryAfter(err); got < 118*time.Second || got > 121*time.Second {
				t.Errorf("RetryAfter = %s (err %v), want the 2m0s asked", got, err)
			}
		})
	}
}

// A fetch that reached no server says so (ErrUnreached): ingest tells the
// hub's own network being out from its publishers' failures by it. Any
// answer of a server, a body that stalls after the headers, a redirect to
// a host that is down, an address the guard refuses and a fetch the
// caller stopped are no such failure.
func TestFetchSaysWhenItReachedNoServer(t *testing.T) {
	closed := func(t *testing.T) string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		return "http://" + addr + "/feed.xml"
	}
	// accepting accepts connections and does with each what it is told.
	accepting := func(t *testing.T, with func(net.Conn)) string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ln.Close() })
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				go with(c)
			}
		}()
		return "http://" + ln.Addr().String() + "/feed.xml"
	}
	answering := func(t *testing.T, h http.HandlerFunc) string {
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		return srv.URL + "/feed.xml"
	}
	for _, c := range []struct {
		name    string
		url     func(t *testing.T) string
		private bool // the guard refuses loopback
		stop    bool // the caller stops the fetch at once
		want    bool
	}{
		{name: "connection refused", url: closed, want: true},
		{name: "accepted, never answered", url: func(t *testing.T) string {
			return accepting(t, func(c net.Conn) { time.Sleep(time.Second); c.Close() })
		}, want: true},
		{name: "connection reset", url: func(t *testing.T) string {
			return accepting(t, func(c net.Conn) {
				c.Read(make([]byte, 1024))
				c.(*net.TCPConn).SetLinger(0)
				c.Close()
			})
		}, want: true},
		{name: "500", url: func(t *testing.T) string {
			return answering(t, func(w http.ResponseWriter, r *http.Request) { http.Error(w, "down", http.StatusInternalServerError) })
		}},
		{name: "404", url: func(t *testing.T) string { return answering(t, http.NotFound) }},
		{name: "body stalls after the headers", url: func(t *testing.T) string {
			return answering(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Length", "1000")
				w.Write([]byte("<rss>"))
				http.NewResponseController(w).Flush()
				<-r.Context().Done()
			})
		}},
		{name: "redirected to a host that is down", url: func(t *testing.T) string {
			to := closed(t)
			return answering(t, func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, to, http.StatusFound) })
		}},
		{name: "refused by the guard", url: closed, private: true},
		{name: "stopped by the caller", url: func(t *testing.T) string {
			return accepting(t, func(c net.Conn) { time.Sleep(time.Second); c.Close() })
		}, stop: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			opts := testOptions()
			opts.ConnectTimeout, opts.HeaderTimeout, opts.Timeout = 200*time.Millisecond, 200*time.Millisecond, 300*time.Millisecond
			opts.Retries, opts.AllowPrivateNetworks = -1, !c.private
			ctx, cancel := context.WithCancel(context.Background())
			if c.stop {
				time.AfterFunc(20*time.Millisecond, cancel)
			}
			defer cancel()
			_, err := New(opts).Fetch(ctx, Request{URL: c.url(t)})
			if err == nil {
				t.Fatal("fetched")
			}
			if got := errors.Is(err, ErrUnreached); got != c.want {
				t.Errorf("reached no server: %v, want %v (%v)", got, c.want, err)
			}
		})
	}
}
