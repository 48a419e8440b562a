package server

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"newshub/internal/gen"
	"newshub/internal/metrics"
	"newshub/internal/metrics/metricstest"
	"newshub/internal/model"
	"newshub/internal/publish"
	"newshub/internal/site"
	"newshub/internal/store"
	"newshub/internal/store/sqlite"
	"newshub/internal/store/sqlite/sqlitetest"
	"newshub/internal/web"
)

var testNow = time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC)

func clock() time.Time { return testNow }

// genStore fills a real SQLite store with a synthetic hub.
func genStore(t testing.TB, n int) store.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), sqlitetest.Path(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Upsert(context.Background(), genRecords(t, n)); err != nil {
		t.Fatal(err)
	}
	return st
}

// genRecords returns the records of a synthetic hub of n articles, four
// to a story.
func genRecords(t testing.TB, n int) []*model.Record {
	t.Helper()
	var recs []*model.Record
	i := 0
	err := gen.Records(gen.Options{Articles: n, Seed: 3}, func(r *model.Record) error {
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
	return recs
}

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
			if len(b) != 0 || resp.Header.Get("Content-Length") != strconv.Itoa(len(body)) {
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

// The root of the feeds' folder holds no document: it is answered 404 at
// once, where "/feeds" was redirected to "/feeds/" only to be answered 404
// there. The API's root is its index, answered without a redirect too.
func TestFolderRootsAnswerWithoutRedirect(t *testing.T) {
	st := genStore(t, 20)
	_, ts := newTestServer(t, st, nil)
	addr := strings.TrimPrefix(ts.URL, "http://")
	for _, c := range []struct {
		path   string
		status int
	}{
		{"/api", http.StatusOK},
		{"/api/", http.StatusOK},
		{"/feeds", http.StatusNotFound},
		{"/feeds/", http.StatusNotFound},
	} {
		if status := rawRequest(t, addr, "GET "+c.path+" HTTP/1.1\r\nHost: x\r\n\r\n"); status != c.status {
			t.Errorf("GET %s: %d, want %d", c.path, status, c.status)
		}
	}
}

// GET /api/ lists the API's entry points, each with a URL the server
// answers, where it was a 404.
func TestAPIRootListsTheEntryPoints(t *testing.T) {
	st := genStore(t, 20)
	_, ts := newTestServer(t, st, nil)
	resp, body := get(t, ts.URL+"/api/", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/: %s %s", resp.Status, body)
	}
	var index struct {
		Value []struct{ Name, URL, Description string }
	}
	if err := json.Unmarshal(body, &index); err != nil {
		t.Fatalf("GET /api/: %v in %s", err, body)
	}
	var names []string
	for _, e := range index.Value {
		names = append(names, e.Name)
		i := strings.Index(e.URL, "/api/")
		if i < 0 || e.Description == "" {
			t.Errorf("%s: URL %q, description %q", e.Name, e.URL, e.Description)
			continue
		}
		if resp, _ := get(t, ts.URL+e.URL[i:], nil); resp.StatusCode != http.StatusOK {
			t.Errorf("%s: GET %s: %s", e.Name, e.URL[i:], resp.Status)
		}
	}
	want := []string{"news", "topics", "stories", "events", "people", "learning", "newsletters", "openapi"}
	if !slices.Equal(names, want) {
		t.Errorf("entry points %q, want %q", names, want)
	}
}

func TestServerFollowsStoreChanges(t *testing.T) {
	st := genStore(t, 40)
	_, ts := newTestServer(t, st, nil)
	_, before := get(t, ts.URL+"/api/news/", nil)
	var first *model.Record
	err := st.Scan(context.Background(), []model.Kind{model.KindNews}, func(r *model.Record) error {
		if first == nil && r.Article.Published && !r.Article.Archived { // archived news is in no list
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

// ListenAndServe binds its address before it loads the hub's view: a
// taken address is the error, though the store cannot be read either,
// where the load (seconds on a large hub) came first.
func TestListenAndServeNamesATakenAddressBeforeLoading(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	st := genStore(t, 1)
	st.Close()
	err = New(Config{Store: st, Now: clock}).ListenAndServe(context.Background(), ln.Addr().String(), nil)
	if !errors.Is(err, syscall.EADDRINUSE) {
		t.Errorf("ListenAndServe on a taken address over a closed store: %v, want EADDRINUSE", err)
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

// hubServer is a server composed as the serve command composes it: one
// set of views for the API, the feeds, the website and search.
func hubServer(t testing.TB, st store.Store) (*publish.Views, *httptest.Server) {
	t.Helper()
	views := publish.NewViews(publish.ViewsConfig{Store: st, CheckEvery: 10 * time.Millisecond, Options: publish.Options{Now: clock}})
	w, err := web.New(web.Config{Views: views, Store: st, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(New(Config{Store: st, Views: views, Web: w, Search: w.SearchDoc}))
	t.Cleanup(ts.Close)
	return views, ts
}

// TestSearchIsAnsweredAsTheAPI checks that the search API, which the
// website's search builds, gets what every other API answer gets: CORS,
// validators and conditional requests, caching, methods, and JSON errors.
func TestSearchIsAnsweredAsTheAPI(t *testing.T) {
	st := genStore(t, 80)
	_, ts := hubServer(t, st)
	var title string
	st.Scan(context.Background(), []model.Kind{model.KindNews}, func(r *model.Record) error {
		title = r.Article.Title
		return nil
	})
	word := strings.Fields(title)[0]
	url := ts.URL + "/api/search?q=" + word
	resp, body := get(t, url, map[string]string{"Origin": "https://app.example"})
	if resp.StatusCode != 200 {
		t.Fatalf("search %q: %s %s", word, resp.Status, body)
	}
	var res struct {
		Total int
		Value []struct{ Title string }
	}
	if err := json.Unmarshal(body, &res); err != nil || res.Total == 0 || len(res.Value) == 0 {
		t.Fatalf("search %q: %s (%v)", word, body, err)
	}
	for k, want := range map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "ETag, Last-Modified",
		"Vary": "Accept-Encoding, Origin", "Cache-Control": "private, max-age=60", "X-Content-Type-Options": "nosniff"} {
		if got := resp.Header.Get(k); got != want {
			t.Errorf("search: %s %q, want %q", k, got, want)
		}
	}
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") || resp.Header.Get("ETag") == "" {
		t.Errorf("search: headers %v", resp.Header)
	}
	// Its answers come from the store, newer than the view: no date to
	// revalidate by, only the ETag.
	if lm := resp.Header.Get("Last-Modified"); lm != "" {
		t.Errorf("search: Last-Modified %q", lm)
	}
	if again, _ := get(t, url, map[string]string{"If-None-Match": resp.Header.Get("ETag")}); again.StatusCode != 304 {
		t.Errorf("search revalidated: %s, want 304", again.Status)
	}
	if gz, _ := get(t, url, map[string]string{"Accept-Encoding": "gzip"}); len(body) > 512 && gz.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("search with gzip: %v", gz.Header)
	}
	for _, c := range []struct {
		method, query string
		status        int
		errPart       string
	}{
		{"GET", "q=", 400, "q is required"},
		{"GET", "q=%22unbalanced", 400, "could not be understood"},
		{"GET", "q=x&topic=nope", 400, "there is no topic"},
		{"GET", "q=x&page=0", 400, "page must be"},
		{"POST", "q=x", 405, "method not allowed"},
	} {
		resp, body := do(t, c.method, ts.URL+"/api/search?"+c.query, nil)
		if resp.StatusCode != c.status {
			t.Errorf("%s %s: %s, want %d", c.method, c.query, resp.Status, c.status)
		}
		checkJSONError(t, c.query, body)
		if !strings.Contains(string(body), c.errPart) {
			t.Errorf("%s %s: error %s, want it to mention %q", c.method, c.query, body, c.errPart)
		}
		if resp.Header.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("%s %s: no CORS header on the error", c.method, c.query)
		}
	}
	if resp, _ := do(t, "OPTIONS", url, map[string]string{"Origin": "https://a.example", "Access-Control-Request-Method": "GET"}); resp.StatusCode != 204 ||
		resp.Header.Get("Access-Control-Allow-Methods") == "" {
		t.Errorf("search preflight: %s %v", resp.Status, resp.Header)
	}
}

// TestSearchFindsWordsInsideCJKText serves a hub whose articles are
// written in Japanese, Chinese and Korean, and searches its API and its
// search page for words inside runs written without spaces.
func TestSearchFindsWordsInsideCJKText(t *testing.T) {
	ctx := context.Background()
	st := genStore(t, 20)
	titles := []string{"東京オリンピック延期が決定", "北京市发布暴雨预警", "서울에서 대규모 집회"}
	var recs []*model.Record
	st.Scan(ctx, []model.Kind{model.KindNews}, func(r *model.Record) error {
		if len(recs) < len(titles) {
			r.Article.Title, r.Article.Excerpt = titles[len(recs)], "大会組織委員会が発表した。"
			recs = append(recs, r)
		}
		return nil
	})
	if err := st.Upsert(ctx, recs); err != nil {
		t.Fatal(err)
	}
	_, ts := hubServer(t, st)
	tests := []struct {
		q    string
		want []string // titles, any order
	}{
		{"東京", titles[:1]},
		{"オリンピック", titles[:1]},
		{"オリンピック延期", titles[:1]},
		{"東大", nil},
		{"暴雨", titles[1:2]},
		{"서울", titles[2:]},
		{"組織", titles},
	}
	for _, tt := range tests {
		resp, body := get(t, ts.URL+"/api/search?q="+url.QueryEscape(tt.q), nil)
		if resp.StatusCode != 200 {
			t.Errorf("search %q: %s %s", tt.q, resp.Status, body)
			continue
		}
		var res struct {
			Total int
			Value []struct{ Title string }
		}
		if err := json.Unmarshal(body, &res); err != nil {
			t.Fatalf("search %q: %v", tt.q, err)
		}
		var got []string
		for _, v := range res.Value {
			got = append(got, v.Title)
		}
		slices.Sort(got)
		want := slices.Sorted(slices.Values(tt.want))
		if res.Total != len(tt.want) || !slices.Equal(got, want) {
			t.Errorf("search %q: total %d, titles %q; want %q", tt.q, res.Total, got, want)
		}
	}
	resp, body := get(t, ts.URL+"/search?q="+url.QueryEscape("オリンピック"), nil)
	if resp.StatusCode != 200 || !strings.Contains(string(body), titles[0]) {
		t.Errorf("search page for オリンピック: %s, without %q", resp.Status, titles[0])
	}
}

// cardLink finds the article links of a page's story cards, in order.
var cardLink = regexp.MustCompile(`<h3 dir="auto"><a href="(?:\./|(?:\.\./)+)(news/[^"]+/)">`)

// TestAPIFeedsAndPagesShowOneView checks that the API, the feeds and the
// website render one view: the feed carries the first items of the API's
// list, the home page the view's ranked leads, a topic's pages the same
// stories as its API list, and once the API shows a new article, the
// website shows it too.
func TestAPIFeedsAndPagesShowOneView(t *testing.T) {
	st := genStore(t, 240)
	ctx := context.Background()
	views, ts := hubServer(t, st)
	v, err := views.Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// apiList reads every page of an API list: the items' documents, in order.
	apiList := func(prefix string) []string {
		var out []string
		for page := 1; ; page++ {
			_, body := get(t, ts.URL+prefix+"page/"+strconv.Itoa(page)+"/", nil)
			var doc struct {
				Value []struct {
					SourceURL string `json:"sourceUrl"`
				}
				NextPage *int
			}
			if err := json.Unmarshal(body, &doc); err != nil {
				t.Fatalf("%s page %d: %v", prefix, page, err)
			}
			for _, it := range doc.Value {
				out = append(out, strings.TrimSuffix(strings.TrimPrefix(it.SourceURL, v.BaseURL()+"/api/"), "index.json"))
			}
			if doc.NextPage == nil {
				return out
			}
		}
	}
	// pages reads the article links of the cards of a website page and its
	// next pages, as API paths.
	pages := func(path string) []string {
		var out []string
		for path != "" {
			_, body := get(t, ts.URL+path, nil)
			for _, m := range cardLink.FindAllStringSubmatch(string(body), -1) {
				out = append(out, m[1])
			}
			next := regexp.MustCompile(`<link rel="next" href="((?:\./|(?:\.\./)+)[^"]+)">`).FindStringSubmatch(string(body))
			path = ""
			if next != nil {
				path = "/" + strings.TrimLeft(next[1], "./")
			}
		}
		return out
	}
	all := apiList("/api/news/")
	if len(all) < 40 {
		t.Fatalf("only %d leads", len(all))
	}
	_, body := get(t, ts.URL+"/feeds/feed.json", nil)
	var feed struct{ Items []struct{ ID string } }
	if err := json.Unmarshal(body, &feed); err != nil {
		t.Fatal(err)
	}
	for i, it := range feed.Items {
		if got := strings.TrimSuffix(strings.TrimPrefix(it.ID, v.BaseURL()+"/api/"), "index.json"); got != all[i] {
			t.Fatalf("feed item %d is %s, the API list's is %s", i, got, all[i])
		}
	}
	home := pages("/")
	ranked := v.Ranked()
	for i := range min(13, len(ranked)) {
		if want := "news/" + ranked[i].Key + "/"; i >= len(home) || home[i] != want {
			t.Fatalf("home card %d is %v, the view's ranked lead is %s", i, home[min(i, len(home)-1)], want)
		}
	}
	topic := v.Site().Topics[1]
	onPages, inAPI := pages("/topics/"+topic.ID+"/"), apiList("/api/news/"+topic.ID+"/")
	slices.Sort(onPages)
	slices.Sort(inAPI)
	if !slices.Equal(onPages, inAPI) {
		t.Errorf("topic %s: %d stories on its pages, %d in its API list, or not the same", topic.ID, len(onPages), len(inAPI))
	}

	// A new lead: once the API lists it, the home page and its story's page
	// show it, from the same view or a newer one.
	var lead *model.Record
	st.Scan(ctx, []model.Kind{model.KindNews}, func(r *model.Record) error {
		if lead == nil && r.Article.Published && !r.Article.Archived { // archived news is in no list
			lead = r
		}
		return nil
	})
	lead.Article.Title = "Breaking: one view for everything"
	lead.Article.PublishedDateTime = testNow.Add(-time.Minute)
	lead.Article.Heat = 100000
	if err := st.Upsert(ctx, []*model.Record{lead}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		if _, body := get(t, ts.URL+"/api/news/", nil); bytes.Contains(body, []byte(lead.Article.Title)) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the API never listed the new lead")
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, p := range []string{"/", "/stories/" + lead.Article.Story + "/", "/api/stories/" + lead.Article.Story + "/", "/feeds/rss.xml"} {
		if _, body := get(t, ts.URL+p, nil); !bytes.Contains(body, []byte(lead.Article.Title)) {
			t.Errorf("%s does not show the lead the API lists", p)
		}
	}
}

// TestRequestsAreCountedByRoute asks for many paths, most of them unknown,
// and scrapes the metrics with Prometheus' parser: each request is
// counted under the pattern that routed it, with its status code, so the
// route label takes the few values of the routes whatever paths come; the
// load of the view is timed.
func TestRequestsAreCountedByRoute(t *testing.T) {
	st := genStore(t, 40)
	m := metrics.New(metrics.Options{NoRuntime: true})
	s := New(Config{Store: st, Now: clock, Metrics: m,
		Web: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })})
	if s.Loaded() {
		t.Fatal("loaded before any request")
	}
	ts := httptest.NewServer(s)
	defer ts.Close()
	scrape := httptest.NewServer(m.Handler())
	defer scrape.Close()

	requests := []struct {
		path  string
		route string
		code  int
	}{
		{"/healthz", RouteHealth, 200},
		{"/api/news/", RouteAPI, 200},
		{"/api/news/index.json", RouteAPI, 200},
		{"/api/no/such/doc.json", RouteAPI, 404},
		{"/feeds/rss.xml", RouteFeeds, 200},
		{"/api/search?q=x", RouteSearch, 404}, // no search configured
		{"/some/page/", RouteWeb, 404},
	}
	want := map[[2]string]float64{}
	for _, r := range requests {
		resp, _ := get(t, ts.URL+r.path, nil)
		if resp.StatusCode != r.code {
			t.Fatalf("%s: %s, want %d", r.path, resp.Status, r.code)
		}
		want[[2]string{r.route, strconv.Itoa(r.code)}]++
	}
	for i := range 50 { // paths nobody declared: no label of their own
		get(t, ts.URL+"/page-"+strconv.Itoa(i), nil)
		want[[2]string{RouteWeb, "404"}]++
	}
	if !s.Loaded() {
		t.Error("not loaded after answering")
	}

	f := metricstest.Scrape(t, scrape.URL)
	got := map[[2]string]float64{}
	for _, mt := range f["newshub_http_requests_total"].GetMetric() {
		var key [2]string
		for _, l := range mt.GetLabel() {
			switch l.GetName() {
			case "route":
				key[0] = l.GetValue()
			case "code":
				key[1] = l.GetValue()
			}
		}
		got[key] += mt.GetCounter().GetValue()
	}
	if !maps.Equal(got, want) {
		t.Errorf("requests by route and code:\n got %v\nwant %v", got, want)
	}
	latency := f["newshub_http_request_duration_seconds"].GetMetric()
	if len(latency) != 5 {
		t.Errorf("latency has %d routes, want 5 (one per route)", len(latency))
	}
	if n, _ := f.Value("newshub_publish_duration_seconds", "what", metrics.PublishLoad); n < 1 {
		t.Errorf("view loads timed: %v, want at least 1", n)
	}
}

// TestWebsitePagesAnswerByTheirFileName checks that a page of the website
// asked for by its file's name (".../index.html", as links to a static
// build may name it) answers what its folder's address does, as a static
// host serving the build answers it; an API document keeps its own names.
func TestWebsitePagesAnswerByTheirFileName(t *testing.T) {
	st := genStore(t, 40)
	_, ts := hubServer(t, st)
	lead := currentLead(t, st)
	for _, p := range []string{"/", "/stories/" + lead.Article.Story + "/"} {
		resp, want := get(t, ts.URL+p, nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %s", p, resp.Status)
		}
		resp, got := get(t, ts.URL+p+"index.html", nil)
		if resp.StatusCode != http.StatusOK || !bytes.Equal(got, want) {
			t.Errorf("%sindex.html: %s, %d bytes; want 200 and the %d bytes of %s", p, resp.Status, len(got), len(want), p)
		}
	}
	if resp, _ := get(t, ts.URL+"/api/news/index.html", nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("/api/news/index.html: %s, want 404 (the API's documents are index.json)", resp.Status)
	}
}
