package server

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"newshub/internal/gen"
	"newshub/internal/model"
	"newshub/internal/publish"
	"newshub/internal/site"
	"newshub/internal/store"
	"newshub/internal/store/sqlite"
)

var testNow = time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC)

func clock() time.Time { return testNow }

// genStore fills a real SQLite store with a synthetic hub.
func genStore(t testing.TB, n int) store.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var recs []*model.Record
	i := 0
	err = gen.Records(gen.Options{Articles: n, Seed: 3}, func(r *model.Record) error {
		if r.Article != nil {
			r.Article.Story = "s-" + strconv.Itoa(i/4)
			i++
		}
		recs = append(recs, r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Upsert(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
	return st
}

func itoa(n int) string { return strconv.Itoa(n) }

func newTestServer(t testing.TB, st store.Store, web http.Handler) (*Server, *httptest.Server) {
	t.Helper()
	s := New(Config{Store: st, Web: web, Now: clock, CheckEvery: 10 * time.Millisecond})
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts
}

func get(t testing.TB, url string, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	return do(t, http.MethodGet, url, hdr)
}

func do(t testing.TB, method, url string, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	tr := &http.Transport{DisableCompression: true}
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

func TestServedBytesEqualTheBuild(t *testing.T) {
	st := genStore(t, 200)
	ctx := context.Background()
	s, err := site.Load(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out")
	if _, err := publish.Build(ctx, st, s, out, publish.BuildOptions{Options: publish.Options{Now: clock}}); err != nil {
		t.Fatal(err)
	}
	_, ts := newTestServer(t, st, nil)
	n := 0
	err = filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(out, p)
		rel = filepath.ToSlash(rel)
		want, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		paths := []string{rel}
		if folder, ok := strings.CutSuffix(rel, "index.json"); ok {
			paths = append(paths, folder)
		}
		for _, path := range paths {
			resp, body := get(t, ts.URL+"/"+path, nil)
			if resp.StatusCode != http.StatusOK {
				t.Errorf("/%s: %s", path, resp.Status)
				continue
			}
			if !bytes.Equal(body, want) {
				t.Errorf("/%s: served bytes differ from the built file", path)
			}
			if ct := resp.Header.Get("Content-Type"); ct == "" {
				t.Errorf("/%s: no Content-Type", path)
			}
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 100 {
		t.Errorf("only %d documents compared", n)
	}
}

func TestHTTPCachingCompressionAndMethods(t *testing.T) {
	st := genStore(t, 100)
	_, ts := newTestServer(t, st, nil)
	url := ts.URL + "/api/news/"
	resp, body := get(t, url, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("GET: %s", resp.Status)
	}
	etag, lm := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	if etag == "" || lm == "" || resp.Header.Get("Cache-Control") == "" {
		t.Errorf("missing validators: %v", resp.Header)
	}
	if resp.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Error("no CORS header on GET")
	}
	// A cross-origin request may read the validators.
	if got := resp.Header.Get("Access-Control-Expose-Headers"); got != "" {
		t.Errorf("Access-Control-Expose-Headers %q on a same-origin request", got)
	}
	// Caches keep the two answers apart.
	if got := resp.Header.Get("Vary"); got != "Accept-Encoding, Origin" {
		t.Errorf("Vary %q, want Accept-Encoding, Origin", got)
	}
	cors, _ := get(t, url, map[string]string{"Origin": "https://app.example"})
	if cors.Header.Get("Access-Control-Allow-Origin") != "*" || cors.Header.Get("Access-Control-Expose-Headers") != "ETag, Last-Modified" {
		t.Errorf("cross-origin GET: headers %v", cors.Header)
	}
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Errorf("Content-Type %q", resp.Header.Get("Content-Type"))
	}

	cases := []struct {
		name   string
		method string
		hdr    map[string]string
		status int
	}{
		{"matching ETag", "GET", map[string]string{"If-None-Match": etag}, 304},
		{"ETag in a list", "GET", map[string]string{"If-None-Match": `"x", ` + etag}, 304},
		{"weak ETag", "GET", map[string]string{"If-None-Match": "W/" + etag}, 304},
		{"other ETag", "GET", map[string]string{"If-None-Match": `"nope"`}, 200},
		{"not modified since", "GET", map[string]string{"If-Modified-Since": lm}, 304},
		{"modified since", "GET", map[string]string{"If-Modified-Since": "Mon, 02 Jan 2006 15:04:05 GMT"}, 200},
		{"ETag wins over date", "GET", map[string]string{"If-None-Match": `"nope"`, "If-Modified-Since": lm}, 200},
		{"HEAD", "HEAD", nil, 200},
		{"POST", "POST", nil, 405},
		{"DELETE", "DELETE", nil, 405},
		{"OPTIONS", "OPTIONS", map[string]string{"Origin": "https://a.example", "Access-Control-Request-Method": "GET"}, 204},
	}
	for _, c := range cases {
		resp, b := do(t, c.method, url, c.hdr)
		if resp.StatusCode != c.status {
			t.Errorf("%s: %s, want %d", c.name, resp.Status, c.status)
		}
		switch c.status {
		case 304:
			if len(b) != 0 {
				t.Errorf("%s: 304 with a body", c.name)
			}
		case 405:
			if resp.Header.Get("Allow") == "" {
				t.Errorf("%s: 405 without Allow", c.name)
			}
			checkJSONError(t, c.name, b)
		}
		if c.method == "HEAD" {
			if len(b) != 0 || resp.Header.Get("Content-Length") != itoa(len(body)) {
				t.Errorf("HEAD: body %d bytes, Content-Length %q, want none and %d", len(b), resp.Header.Get("Content-Length"), len(body))
			}
		}
	}

	// gzip when asked, with its own ETag, decompressing to the same bytes.
	resp, gz := get(t, url, map[string]string{"Accept-Encoding": "br, gzip;q=0.8"})
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("no gzip: %v", resp.Header)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if !bytes.Equal(plain, body) {
		t.Error("gzip body does not decompress to the document")
	}
	if resp.Header.Get("ETag") == etag {
		t.Error("gzip answer shares the identity ETag")
	}
	if resp, _ := get(t, url, map[string]string{"Accept-Encoding": "gzip;q=0"}); resp.Header.Get("Content-Encoding") != "" {
		t.Error("gzip sent although q=0")
	}
	if resp, _ := get(t, url, map[string]string{"Accept-Encoding": "gzip", "If-None-Match": resp.Header.Get("ETag")}); resp.StatusCode != 304 {
		t.Errorf("gzip ETag revalidation: %s", resp.Status)
	}
}

func checkJSONError(t *testing.T, name string, body []byte) {
	t.Helper()
	var e struct {
		Error string `json:"error"`
	}
	if err := json.Unmarshal(body, &e); err != nil || e.Error == "" {
		t.Errorf("%s: error body %q is not {\"error\": ...}", name, body)
	}
}

func TestRoutesHealthAndWebHandler(t *testing.T) {
	st := genStore(t, 30)
	web := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Web", "1")
		io.WriteString(w, "web:"+r.URL.Path)
	})
	_, ts := newTestServer(t, st, web)
	cases := []struct {
		path   string
		status int
		web    bool
	}{
		{"/healthz", 200, false},
		{"/", 200, true},
		{"/news/some-page/", 200, true},
		{"/api/search", 404, false}, // no search configured: see TestSearchIsAnsweredAsTheAPI
		{"/api/search/?q=x", 404, false},
		{"/api/nothing/", 404, false},
		{"/api/news/page/0/", 404, false},
		{"/api/news/index.json", 200, false},
		{"/api/news", 200, false},
		{"/api/topics/", 200, false},
		{"/feeds/rss.xml", 200, false},
		{"/feeds/nope.xml", 404, false},
	}
	for _, c := range cases {
		resp, body := get(t, ts.URL+c.path, nil)
		if resp.StatusCode != c.status {
			t.Errorf("%s: %s, want %d", c.path, resp.Status, c.status)
		}
		if (resp.Header.Get("X-Web") == "1") != c.web {
			t.Errorf("%s: web handler used: %v, want %v", c.path, !c.web, c.web)
		}
		if c.status == 404 {
			checkJSONError(t, c.path, body)
		}
	}
	resp, body := get(t, ts.URL+"/healthz", nil)
	var h struct {
		Status     string `json:"status"`
		Generation int64  `json:"generation"`
	}
	if err := json.Unmarshal(body, &h); err != nil || h.Status != "ok" || resp.StatusCode != 200 {
		t.Errorf("healthz: %s %s", resp.Status, body)
	}
}

// rawRequest sends bytes as they are over a connection and returns the
// status code of the answer (0 when the server closed without one).
func rawRequest(t *testing.T, addr, req string) int {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, req); err != nil {
		return 0
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestOddRequestsNeverGiveServerErrors(t *testing.T) {
	st := genStore(t, 40)
	_, ts := newTestServer(t, st, nil)
	addr := strings.TrimPrefix(ts.URL, "http://")
	long := strings.Repeat("a", 100_000)
	paths := []string{
		"/api/news/page/0/", "/api/news/page/-1/", "/api/news/page/99999999999/",
		"/api/news/page/99999999999999999999999999/", "/api/news/page/1e3/", "/api/news/page/+1/",
		"/api/news/page/ 1/", "/api/news/page1/page1/", "/api/news/page/1/index.json/index.json",
		"/api/../../etc/passwd", "/api/news/../../../", "/api/%2e%2e/%2e%2e/", "/feeds/../api/news/",
		"/api/news/%00/", "/api/news/\xff\xfe/", "/api/people/\xc3\x28/", "/feeds/\xff/rss.xml",
		"//api//news//", "/api/news/?q=" + strings.Repeat("x", 20_000), "/api/news/?" + strings.Repeat("a=1&", 3000),
		"/api/stories/../../", "/api/events/future/page/2/", "/api/learning/a/b/c/d/", "/api/news/2026/13/45/x/",
		"/api/%ZZ/", "/api", "/feeds", "/feeds/", "/api/news/" + long[:5000] + "/",
	}
	for _, p := range paths {
		status := rawRequest(t, addr, "GET "+p+" HTTP/1.1\r\nHost: x\r\n\r\n")
		if status >= 500 {
			t.Errorf("GET %q: %d", p, status)
		}
	}
	requests := []string{
		"GET /api/news/?" + long + " HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET * HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET http://other.example/api/news/ HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /api/news/ HTTP/1.1\r\n\r\n",
		"BREW /api/news/ HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /api/news/ HTTP/1.1\r\nHost: x\r\nIf-None-Match: \xff\xfe\r\nAccept-Encoding: gzip;q=abc\r\nIf-Modified-Since: yesterday\r\n\r\n",
		"GET /api/news/ HTTP/1.1\r\nHost: x\r\nX-Big: " + long + "\r\n\r\n",
		"\xff\xfe\xfd\r\n\r\n",
		"POST /api/news/ HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
	}
	for _, r := range requests {
		if status := rawRequest(t, addr, r); status >= 500 {
			t.Errorf("%q…: %d", r[:min(len(r), 60)], status)
		}
	}
	// An unknown protocol version is refused by net/http itself with the
	// status made for it.
	if status := rawRequest(t, addr, "GET /api/news/ HTTP/9.9\r\nHost: x\r\n\r\n"); status != 505 {
		t.Errorf("HTTP/9.9: %d, want 505", status)
	}
}

func TestServerFollowsStoreChanges(t *testing.T) {
	st := genStore(t, 40)
	_, ts := newTestServer(t, st, nil)
	_, before := get(t, ts.URL+"/api/news/", nil)
	var first *model.Record
	err := st.Scan(context.Background(), []model.Kind{model.KindNews}, func(r *model.Record) error {
		if first == nil && r.Article.Published {
			first = r
		}
		return nil
	})
	if err != nil || first == nil {
		t.Fatalf("no published news: %v", err)
	}
	first.Article.PublishedDateTime = testNow.Add(time.Hour)
	first.Article.Title = "Breaking: newest of all"
	if err := st.Upsert(context.Background(), []*model.Record{first}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, after := get(t, ts.URL+"/api/news/", nil)
		if bytes.Contains(after, []byte("Breaking: newest of all")) {
			if bytes.Equal(after, before) {
				t.Fatal("same bytes")
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the server never showed the new article")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestListenAndServeRunsIngestAndStops(t *testing.T) {
	st := genStore(t, 10)
	var ingested atomic.Bool
	ingestDone := make(chan struct{})
	s := New(Config{Store: st, Now: clock, Ingest: func(ctx context.Context) error {
		ingested.Store(true)
		<-ctx.Done()
		close(ingestDone)
		return ctx.Err()
	}})
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	errc := make(chan error, 1)
	go func() { errc <- s.ListenAndServe(ctx, "127.0.0.1:0", func(a string) { ready <- a }) }()
	var addr string
	select {
	case addr = <-ready:
	case err := <-errc:
		t.Fatal(err)
	}
	resp, _ := get(t, "http://"+addr+"/healthz", nil)
	if resp.StatusCode != 200 {
		t.Errorf("healthz: %s", resp.Status)
	}
	cancel()
	select {
	case err := <-errc:
		if err != nil {
			t.Errorf("ListenAndServe: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("server did not stop")
	}
	select {
	case <-ingestDone:
	case <-time.After(5 * time.Second):
		t.Error("ingest was not stopped")
	}
	if !ingested.Load() {
		t.Error("ingest never ran")
	}
	if _, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		t.Error("still listening after shutdown")
	}
}
