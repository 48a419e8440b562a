package cli

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"newshub/internal/metrics/metricstest"
	"newshub/internal/testutil"
)

// startServe runs `serve` in-process with the given environment until the
// test ends, and returns its standard output once it has printed want.
func startServe(t *testing.T, env map[string]string, want *regexp.Regexp, args ...string) *testutil.LogBuffer {
	t.Helper()
	out, _ := startCommand(t, env, want, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	return out
}

// startCommand runs a command that runs until interrupted (serve, ingest
// on schedule) in-process with the given environment until the test
// ends, and returns its standard output and error once either has printed
// want.
func startCommand(t *testing.T, env map[string]string, want *regexp.Regexp, args ...string) (out, errs *testutil.LogBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, errs = &testutil.LogBuffer{}, &testutil.LogBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, args, out, errs, func(k string) string { return env[k] })
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("%s exit %d after interrupt:\n%s", args[0], code, errs.String())
			}
		case <-time.After(30 * time.Second):
			t.Errorf("%s did not stop when its context ended", args[0])
		}
	})
	for deadline := time.Now().Add(time.Minute); !want.MatchString(out.String()) && !want.MatchString(errs.String()); {
		select {
		case code := <-done:
			t.Fatalf("%s ended with %d:\n%s\n%s", args[0], code, out.String(), errs.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s printed no %q:\n%s\n%s", args[0], want, out.String(), errs.String())
		}
	}
	return out, errs
}

// servedSite makes a site with one source, a feed served by a test server
// that answers 304 to a fetch with its ETag, and returns the site folder
// and the count of the feed's fetches.
func servedSite(t *testing.T) (string, *atomic.Int64) {
	t.Helper()
	var fetches atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetches.Add(1)
		w.Header().Set("ETag", `"v1"`)
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		io.WriteString(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><link>https://wire.example/</link></channel></rss>`)
	}))
	t.Cleanup(srv.Close)
	dir := localSite(t)
	if code, _, errs := run(t, "--site", dir, "import"); code != 0 {
		t.Fatal(errs)
	}
	if code, _, errs := run(t, "--site", dir, "sources", "add", srv.URL+"/feed.xml"); code != 0 {
		t.Fatal(errs)
	}
	return dir, &fetches
}

// The schedule's floor is minutes; --fetch-interval puts every source on
// a fixed interval of seconds, as a soak test needs.
func TestServeFetchIntervalRefetchesEverySource(t *testing.T) {
	t.Parallel() // most of it waits for the fetches
	dir, fetches := servedSite(t)
	startServe(t, nil, regexp.MustCompile(`serving http://`), "--site", dir, "--quiet", "--fetch-interval", "1s")
	deadline := time.Now().Add(30 * time.Second)
	for fetches.Load() < 3 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if n := fetches.Load(); n < 3 {
		t.Fatalf("the feed was fetched %d times in 30 s at --fetch-interval 1s, want at least 3", n)
	}
}

func TestServeDebugAddrServesRuntimeMetricsAndProfiles(t *testing.T) {
	dir, _ := servedSite(t)
	out := startServe(t, map[string]string{"NEWSHUB_DEBUG_ADDR": "127.0.0.1:0"},
		regexp.MustCompile(`(?s)debug http://.*serving http://`), "--site", dir, "--no-ingest")
	base := regexp.MustCompile(`debug (http://127\.0\.0\.1:\d+)/debug/`).FindStringSubmatch(out.String())
	if base == nil {
		t.Fatalf("no debug address in:\n%s", out.String())
	}
	resp, err := http.Get(base[1] + "/debug/runtime")
	if err != nil {
		t.Fatal(err)
	}
	var vals map[string]float64
	err = json.NewDecoder(resp.Body).Decode(&vals)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("/debug/runtime: %v", err)
	}
	for _, name := range []string{"/sched/goroutines:goroutines", "/gc/heap/live:bytes", "/memory/classes/total:bytes"} {
		if vals[name] <= 0 {
			t.Errorf("/debug/runtime: %s = %v, want a positive value", name, vals[name])
		}
	}
	resp, err = http.Get(base[1] + "/debug/pprof/goroutine?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(string(body), "goroutine profile: total ") {
		t.Errorf("goroutine profile: %s\n%.200s", resp.Status, body)
	}
}

func TestServeRefusesBadDebugAddrAndFetchInterval(t *testing.T) {
	tests := []struct {
		name      string
		debugAddr string
		args      []string
		code      int
		want      string
	}{
		{"debug address not loopback", "0.0.0.0:0", nil, ExitFailure, `NEWSHUB_DEBUG_ADDR "0.0.0.0:0": want a loopback address`},
		{"debug address without port", "127.0.0.1", nil, ExitFailure, `NEWSHUB_DEBUG_ADDR "127.0.0.1": address 127.0.0.1: missing port`},
		{"fetch interval under a second", "", []string{"--fetch-interval", "500ms"}, ExitUsage, "--fetch-interval 500ms: at least 1s"},
	}
	dir := filepath.Join(t.TempDir(), "site")
	if code, _, errs := run(t, "init", dir); code != 0 {
		t.Fatal(errs)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errs strings.Builder
			args := append([]string{"--site", dir, "serve", "--addr", "127.0.0.1:0"}, tt.args...)
			code := Run(context.Background(), args, &out, &errs, func(k string) string {
				if k == "NEWSHUB_DEBUG_ADDR" {
					return tt.debugAddr
				}
				return ""
			})
			if code != tt.code || !strings.Contains(errs.String(), tt.want) {
				t.Errorf("exit %d, want %d, with %q in:\n%s", code, tt.code, tt.want, errs.String())
			}
		})
	}
}

// TestServeCountsPublicRequestsByRoute asks a served hub for pages, API
// documents, feeds and paths nobody declared, then scrapes the admin
// address's /metrics with Prometheus' parser: the requests are counted
// and timed under the route patterns (never the paths asked for), the
// view's load is timed, and /readyz and /healthz answer 200.
func TestServeCountsPublicRequestsByRoute(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "site")
	if code, _, errs := run(t, "gen", "--articles", "30", "--seed", "2", dir); code != 0 {
		t.Fatal(errs)
	}
	if code, _, errs := run(t, "--site", dir, "import"); code != 0 {
		t.Fatal(errs)
	}
	out := startServe(t, nil, regexp.MustCompile(`(?s)admin http://.*serving http://`), "--site", dir, "--quiet", "--no-ingest", "--admin-addr", "127.0.0.1:0")
	m := regexp.MustCompile(`admin (http://\S+)/\n(?:.*\n)*serving (http://\S+)/`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no addresses in:\n%s", out.String())
	}
	admin, public := m[1], m[2]
	// Redirects are answers of their own: not followed.
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	want := map[string]float64{}
	for _, r := range []struct{ path, route string }{
		{"/", "/"},
		{"/api/news/", "/api/"},
		{"/api/topics/", "/api/"},
		{"/feeds/rss.xml", "/feeds/"},
		{"/api/search?q=election", "/api/search"},
		{"/healthz", "/healthz"},
		{"/no/such/page-1", "/"},
		{"/no/such/page-2", "/"},
		{"/api/no/such/doc-1.json", "/api/"},
	} {
		resp, err := client.Get(public + r.path)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		want[r.route]++
	}
	f := metricstest.Scrape(t, admin+"/metrics")
	got := f.ByLabel("newshub_http_requests_total", "route")
	delete(got, "metrics") // the admin address's own routes
	for route, n := range want {
		if got[route] != n {
			t.Errorf("requests of route %q: %v, want %v", route, got[route], n)
		}
	}
	for route := range got {
		if _, ok := want[route]; !ok && route != "healthz" && route != "readyz" {
			t.Errorf("a route label nobody declared: %q", route)
		}
	}
	if n, _ := f.Value("newshub_http_request_duration_seconds", "route", "/api/"); n != want["/api/"] {
		t.Errorf("latencies of /api/: %v, want %v", n, want["/api/"])
	}
	if n, _ := f.Value("newshub_publish_duration_seconds", "what", "load"); n < 1 {
		t.Errorf("view loads timed: %v", n)
	}
	for _, path := range []string{"/healthz", "/readyz"} {
		resp, err := http.Get(admin + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: %s %s", path, resp.Status, body)
		}
	}
}

// TestServeNamesAnAddressInUse checks the message of a serve or a demo
// whose address is taken: the address, the reason and what to do, under
// the command's name once. The address is bound first, so it is named
// before anything slower: the settings of a hub that serve loads, the
// site that demo makes and imports.
func TestServeNamesAnAddressInUse(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	dir := filepath.Join(t.TempDir(), "site")
	if code, _, errs := run(t, "init", dir); code != 0 {
		t.Fatal(errs)
	}
	bad := filepath.Join(t.TempDir(), "bad")
	if code, _, errs := run(t, "init", bad); code != 0 {
		t.Fatal(errs)
	}
	f, err := os.OpenFile(filepath.Join(bad, "_config.yml"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("archive_after: soon\n"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	demo := filepath.Join(t.TempDir(), "demo")
	for _, c := range []struct {
		name string
		args []string
	}{
		{"serve", []string{"--site", dir, "serve"}},
		{"serve", []string{"--site", bad, "serve"}},
		{"demo", []string{"demo", "--dir", demo, "--articles", "5"}},
	} {
		code, out, errs := run(t, append(c.args, "--addr", ln.Addr().String())...)
		want := "newshub " + c.name + ": listen tcp " + ln.Addr().String() + ": bind: address already in use (another process listens there: give --addr another port)\n"
		if code != ExitFailure || !strings.HasSuffix(errs, want) {
			t.Errorf("%q: exit %d, stderr:\n%s\nwant exit %d, ending in %q", c.args, code, errs, ExitFailure, want)
		}
		if out != "" {
			t.Errorf("%q: wrote %q before it named the address", c.args, out)
		}
	}
	if _, err := os.Stat(demo); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("demo made %s before it named the address (%v)", demo, err)
	}
}
