package ingest

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime/metrics"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"newshub/internal/content"
	"newshub/internal/ingest/fetcher"
	"newshub/internal/ingest/scheduler"
	"newshub/internal/ingest/sources"
	"newshub/internal/model"
	"newshub/internal/site"
	"newshub/internal/store"
	"newshub/internal/store/postgres"
	"newshub/internal/store/postgres/pgtest"
	"newshub/internal/store/sqlite"
	"newshub/internal/store/sqlite/sqlitetest"
)

// fixtureServer serves the testdata feeds and pages, with {{BASE}}
// replaced by its own address, plus hostile endpoints. It counts hits.
type fixtureServer struct {
	*httptest.Server
	mu   sync.Mutex
	hits map[string]int
}

func (s *fixtureServer) hit(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

func newFixtureServer(t *testing.T) *fixtureServer {
	t.Helper()
	fs := &fixtureServer{hits: map[string]int{}}
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return bytes.ReplaceAll(b, []byte("{{BASE}}"), []byte(fs.URL))
	}
	serve := func(name, ctype string, validators bool) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			body := read(name)
			if validators {
				sum := sha1.Sum(body)
				etag := `"` + hex.EncodeToString(sum[:8]) + `"`
				w.Header().Set("ETag", etag)
				if r.Header.Get("If-None-Match") == etag {
					w.WriteHeader(http.StatusNotModified)
					return
				}
			}
			w.Header().Set("Content-Type", ctype)
			w.Write(body)
		}
	}
	bomb := func() []byte {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(make([]byte, 4<<20))
		zw.Close()
		return buf.Bytes()
	}()
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", serve("robots.txt", "text/plain", false))
	mux.HandleFunc("/feeds/a.xml", serve("feed-a.xml", "application/rss+xml", true))
	mux.HandleFunc("/feeds/b.atom", serve("feed-b.atom", "application/atom+xml", false))
	mux.HandleFunc("/feeds/feed.json", serve("feed.json", "application/feed+json", true))
	mux.HandleFunc("/feeds/nolinks.xml", serve("nolinks.xml", "application/rss+xml", false))
	mux.HandleFunc("/feeds/invalid.xml", serve("invalid.xml", "application/rss+xml", false))
	mux.HandleFunc("/feeds/wrong-charset.xml", serve("wrong-charset.xml", "text/xml; charset=iso-8859-1", true))
	mux.HandleFunc("/feeds/untitled.xml", serve("untitled.xml", "application/rss+xml", false))
	mux.HandleFunc("/feeds/titled-copy.xml", serve("titled-copy.xml", "application/rss+xml", false))
	mux.HandleFunc("/corpus/{name}", func(w http.ResponseWriter, r *http.Request) {
		// Real-world shapes of feeds, and the ways real feeds are broken.
		b, err := os.ReadFile(filepath.Join("testdata", "corpus", r.PathValue("name")))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Write(b)
	})
	mux.HandleFunc("/formats/{name}", func(w http.ResponseWriter, r *http.Request) {
		// The parser's fixtures, every feed format and charset case.
		b, err := os.ReadFile(filepath.Join("parser", "testdata", r.PathValue("name")))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Write(b)
	})
	mux.HandleFunc("/articles/{name}", func(w http.ResponseWriter, r *http.Request) {
		serve("articles/"+r.PathValue("name")+".html", "text/html; charset=utf-8", false)(w, r)
	})
	mux.HandleFunc("/private/", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<html><head><title>private</title></head></html>"))
	})
	mux.HandleFunc("/hostile/trickle", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.WriteHeader(200)
		w.Write([]byte("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>"))
		for {
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(time.Second):
			}
			if _, err := w.Write([]byte(" ")); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/hostile/endless", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>"))
		chunk := bytes.Repeat([]byte("a"), 8192)
		for {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/hostile/bomb", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(bomb)
	})
	mux.HandleFunc("/hostile/loop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/hostile/loop2", http.StatusFound)
	})
	mux.HandleFunc("/hostile/loop2", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/hostile/loop", http.StatusFound)
	})
	mux.HandleFunc("/hostile/500", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusInternalServerError)
	})
	mux.HandleFunc("/hostile/429", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "7200")
		http.Error(w, "slow down", http.StatusTooManyRequests)
	})
	fs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fs.mu.Lock()
		fs.hits[r.URL.Path]++
		fs.mu.Unlock()
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(fs.Close)
	return fs
}

// hub is a test site with a real SQLite store.
type hub struct {
	st   store.Store
	site *site.Site
}

func newHub(t testing.TB, allowPrivate bool, srcs ...model.Source) *hub {
	t.Helper()
	st, err := sqlite.Open(context.Background(), sqlitetest.Path(t))
	if err != nil {
		t.Fatal(err)
	}
	return newHubIn(t, st, allowPrivate, srcs...)
}

// newHubOn is newHub over the store named, "sqlite" or "postgres" (a
// database of its own).
func newHubOn(t testing.TB, db string, allowPrivate bool, srcs ...model.Source) *hub {
	t.Helper()
	if db == "sqlite" {
		return newHub(t, allowPrivate, srcs...)
	}
	st, err := postgres.Open(context.Background(), pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	return newHubIn(t, st, allowPrivate, srcs...)
}

// newHubIn is newHub over the store given, which it closes at the end.
func newHubIn(t testing.TB, st store.Store, allowPrivate bool, srcs ...model.Source) *hub {
	t.Helper()
	ctx := context.Background()
	t.Cleanup(func() { st.Close() })
	cfg := &model.Config{Title: "Test hub", URL: "https://hub.example.org", BaseURL: "/election", Topic: "Election",
		AllowPrivateNetworks: allowPrivate}
	topics := []*model.Topic{{Taxonomy: "topic", ID: "election", Name: "Election", Order: 1}}
	orgs := map[string]*model.Organization{"example-news.com": {Taxonomy: "organization", ID: "example-news.com",
		Name: "Example News", Domain: "example-news.com", Images: []model.Image{
			{URL: "/assets/images/organizations/example-news.com-50x50.jpg", Width: 50, Height: 50},
			{URL: "/assets/images/organizations/example-news.com-400x400.jpg", Width: 400, Height: 400},
		}}}
	list, err := sources.Load(ctx, st, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range srcs {
		if err := list.Add(s); err != nil {
			t.Fatal(err)
		}
	}
	if err := list.Save(ctx, st, ""); err != nil {
		t.Fatal(err)
	}
	return &hub{st: st, site: site.New(cfg, topics, orgs)}
}

func testOptions() Options {
	return Options{
		Fetch: fetcher.Options{
			// Short enough to keep hostile servers brief, long enough for
			// a loaded machine running the race detector.
			ConnectTimeout: 2 * time.Second,
			HeaderTimeout:  2 * time.Second,
			Timeout:        3 * time.Second,
			MaxBodySize:    256 << 10,
			PerHostRate:    -1,
			Retries:        -1,
		},
		Version: "test",
	}
}

func (h *hub) ingester(opts Options) *Ingester {
	in := New(h.site, h.st, opts)
	return in
}

// records returns every record's bytes by path.
func (h *hub) records(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := h.st.Scan(context.Background(), nil, func(r *model.Record) error {
		out[r.Path] = string(r.Raw)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// newsPaths maps each stored news record's path to its original URL.
func (h *hub) newsPaths(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := h.st.Scan(context.Background(), []model.Kind{model.KindNews}, func(r *model.Record) error {
		out[r.Path] = r.Article.OriginalURL
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func (h *hub) news(t *testing.T) map[string]*model.Article {
	t.Helper()
	out := map[string]*model.Article{}
	err := h.st.Scan(context.Background(), []model.Kind{model.KindNews}, func(r *model.Record) error {
		out[r.Article.OriginalURL] = r.Article
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func (h *hub) state(t *testing.T, url string) store.SourceState {
	t.Helper()
	s, err := h.st.SourceState(context.Background(), url)
	if err != nil {
		t.Fatalf("state of %s: %v", url, err)
	}
	return s
}

func TestRunOnceIngestsFeedsAndPages(t *testing.T) {
	srv := newFixtureServer(t)
	h := newHub(t, true,
		model.Source{URL: srv.URL + "/feeds/a.xml", Provider: "example-news.com", Topics: []string{"Election"}},
		model.Source{URL: srv.URL + "/feeds/b.atom"},
		model.Source{URL: srv.URL + "/feeds/feed.json"},
	)
	in := h.ingester(testOptions())
	defer in.Close()
	sum, err := in.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if sum.Due != 3 || sum.Fetched != 3 || sum.Failed != 0 || sum.Items != 7 || sum.New != 6 || sum.Duplicates != 1 {
		t.Fatalf("summary %+v", sum)
	}
	news := h.news(t)
	if len(news) != 6 {
		t.Fatalf("%d news records", len(news))
	}
	// The same article in two feeds (tracking parameters aside) is stored
	// once, from whichever feed came first.
	debate := 0
	for u := range news {
		if strings.Contains(u, "/articles/debate-night") {
			debate++
		}
	}
	if debate != 1 {
		t.Fatalf("debate article stored %d times: %v", debate, keys(news))
	}

	senate := news[srv.URL+"/articles/senate-budget?utm_source=rss&utm_medium=feed"]
	if senate == nil {
		t.Fatalf("senate article missing; have %v", keys(news))
	}
	checks := []struct{ name, got, want string }{
		{"title", senate.Title, "Senate passes the budget after a long night"},
		{"excerpt", senate.Excerpt, "Lawmakers voted 51-49 shortly before dawn. The bill now goes to the House."},
		{"webUrl", senate.WebURL, senate.OriginalURL},
		{"ampWebUrl", senate.AmpWebURL, srv.URL + "/amp/articles/senate-budget"},
		{"provider", senate.Provider.Name + " " + senate.Provider.Domain, "Example News example-news.com"},
		{"published", senate.PublishedDateTime.Format(time.RFC3339), "2024-11-05T18:00:00Z"},
		{"type", senate.Type + " " + senate.Category, "article news"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if senate.CdnAmpWebURL == "" {
		t.Error("cdnAmpWebUrl missing")
	}
	if len(senate.Provider.Images) != 1 || senate.Provider.Images[0].URL != "https://hub.example.org/election/assets/images/organizations/example-news.com-50x50.jpg" {
		t.Errorf("provider logo %+v", senate.Provider.Images)
	}
	if len(senate.Images) < 2 || senate.Images[0].URL != srv.URL+"/img/senate-large.jpg" || senate.Images[0].Width != 1200 || senate.Images[0].Height != 630 ||
		senate.Images[1].URL != srv.URL+"/img/senate-thumb.jpg" {
		t.Errorf("images %+v", senate.Images)
	}
	if senate.GUID != srv.URL+"/feeds/a.xml#example-1001" {
		t.Errorf("guid %q", senate.GUID)
	}

	governor := news[srv.URL+"/articles/governor-bill"]
	if governor == nil || governor.Images[0].URL != "https://cdn.example.net/governor-large.jpg" || governor.Images[1].URL != srv.URL+"/img/governor.jpg" {
		t.Fatalf("governor (relative link, enclosure) %+v", governor)
	}
	// Not on the organization's domain and no provider given: named by
	// the page's JSON-LD publisher, dated by JSON-LD.
	polls := news[srv.URL+"/articles/polls-open"]
	if polls == nil || polls.Provider.Name != "Other Wire Service" || polls.PublishedDateTime.Format(time.RFC3339) != "2024-11-05T12:00:00Z" {
		t.Fatalf("polls %+v", polls)
	}
	if polls.Excerpt != "Voters lined up early." {
		t.Errorf("polls excerpt %q", polls.Excerpt)
	}
	if json := news[srv.URL+"/articles/json-item"]; json == nil || json.Excerpt != "Turnout reached 67%." {
		t.Fatalf("json item %+v", json)
	}
	// robots.txt keeps the page unread; the article still comes from the feed.
	if srv.hit("/private/robots-story") != 0 {
		t.Error("a page disallowed by robots.txt was fetched")
	}
	if news[srv.URL+"/private/robots-story"] == nil {
		t.Error("article behind robots.txt missing")
	}
	// Records are Smartable news files under _news/ with date and slug.
	recs := h.records(t)
	path := "_news/2024-11-05-senate-passes-the-budget-after-a-long-night.md"
	raw, ok := recs[path]
	if !ok || !strings.HasPrefix(raw, "---\ncategory: news\n") || !strings.Contains(raw, "originalUrl:") {
		t.Fatalf("record %s:\n%s\npaths %v", path, raw, keys(recs))
	}
	a := h.state(t, srv.URL+"/feeds/a.xml")
	if a.LastStatus != "200 OK" || a.Items != 3 || a.Errors != 0 || a.ETag == "" || a.NextFetch.IsZero() || a.Interval < scheduler.DefaultMin {
		t.Fatalf("state a %+v", a)
	}
	b, j := h.state(t, srv.URL+"/feeds/b.atom"), h.state(t, srv.URL+"/feeds/feed.json")
	if b.Items+j.Items != 3 || b.Items < 1 || j.Items < 1 {
		t.Fatalf("items b %d, json %d", b.Items, j.Items)
	}
}

// End to end: a second round over unchanged feeds adds nothing and
// rewrites nothing, whether the server answers 304 or the full feed again.
func TestSecondRoundAddsAndRewritesNothing(t *testing.T) {
	srv := newFixtureServer(t)
	h := newHub(t, true,
		model.Source{URL: srv.URL + "/feeds/a.xml", Provider: "example-news.com"},
		model.Source{URL: srv.URL + "/feeds/b.atom"}, // no validators: 200 every time
		model.Source{URL: srv.URL + "/feeds/feed.json"},
	)
	opts := testOptions()
	opts.All = true
	in := h.ingester(opts)
	defer in.Close()
	ctx := context.Background()
	first, err := in.RunOnce(ctx)
	if err != nil || first.New != 6 {
		t.Fatalf("first round %+v %v", first, err)
	}
	before := h.records(t)
	pages := srv.hit("/articles/senate-budget")

	second, err := in.RunOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if second.New != 0 || second.Written != 0 || second.NotModified != 2 || second.Fetched != 1 || second.Duplicates != 2 {
		t.Fatalf("second round %+v", second)
	}
	after := h.records(t)
	if len(after) != len(before) {
		t.Fatalf("records %d -> %d", len(before), len(after))
	}
	for p, raw := range before {
		if after[p] != raw {
			t.Errorf("%s rewritten", p)
		}
	}
	if srv.hit("/articles/senate-budget") != pages {
		t.Error("a known article's page was fetched again")
	}
	if s := h.state(t, srv.URL+"/feeds/a.xml"); s.LastStatus != "304 Not Modified" || s.Items != 3 {
		t.Fatalf("state after 304: %+v", s)
	}
}

func TestHostileSourcesAreRecordedNotFatal(t *testing.T) {
	srv := newFixtureServer(t)
	// The 429 comes from a host of its own: its Retry-After holds off
	// every fetch of its host, which would fail the others by their order.
	busy := newFixtureServer(t)
	urls := map[string]string{ // address: what its state's status must mention
		srv.URL + "/hostile/trickle":        "timed out",
		srv.URL + "/hostile/endless":        "size cap",
		srv.URL + "/hostile/bomb":           "size cap",
		srv.URL + "/hostile/loop":           "redirects",
		srv.URL + "/hostile/500":            "500",
		busy.URL + "/hostile/429":           "429",
		srv.URL + "/hostile/missing":        "404",
		srv.URL + "/articles/senate-budget": "not a feed",
	}
	var srcs []model.Source
	for u := range urls {
		srcs = append(srcs, model.Source{URL: u})
	}
	srcs = append(srcs, model.Source{URL: srv.URL + "/feeds/nolinks.xml"}, model.Source{URL: srv.URL + "/feeds/wrong-charset.xml"},
		model.Source{URL: srv.URL + "/feeds/invalid.xml"})
	h := newHub(t, true, srcs...)
	in := h.ingester(testOptions())
	defer in.Close()
	start := time.Now()
	sum, err := in.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("round took %s", time.Since(start).Round(time.Millisecond))
	if sum.Failed != len(urls) || sum.Fetched != 3 {
		t.Fatalf("summary %+v", sum)
	}
	for u, want := range urls {
		s := h.state(t, u)
		if s.Errors != 1 || !strings.Contains(s.LastStatus, want) || s.NextFetch.IsZero() {
			t.Errorf("%s: errors %d, status %q, want it to mention %q", u, s.Errors, s.LastStatus, want)
		}
	}
	if s := h.state(t, busy.URL+"/hostile/429"); time.Until(s.NextFetch) < 110*time.Minute {
		t.Errorf("429 with Retry-After 7200: next fetch in %s", time.Until(s.NextFetch))
	}
	// Items without links are not stored, and the state says why.
	if s := h.state(t, srv.URL+"/feeds/nolinks.xml"); s.Errors != 0 || s.LastRead.Items != 2 || s.LastRead.NotStored[ReasonNoLink] != 2 {
		t.Errorf("nolinks state %+v", s)
	}
	// A malformed feed gives the item it holds, and says where it is broken.
	if s := h.state(t, srv.URL+"/feeds/invalid.xml"); s.Errors != 0 || s.LastRead.New != 1 ||
		!strings.Contains(s.LastRead.Malformed, "line 4") || !strings.Contains(s.LastStatus, "malformed") {
		t.Errorf("invalid.xml state %+v", s)
	}
	// A feed declaring ISO-8859-1 but sent as UTF-8 reads right.
	news := h.news(t)
	if a := news[srv.URL+"/articles/geneve"]; a == nil || a.Title != "Élection à Genève" || a.Excerpt != "Les électeurs ont voté." {
		t.Errorf("wrong-charset article %+v", a)
	}
	if a := news["https://broken.example.com/1"]; a == nil || a.Title != "Unclosed tag" {
		t.Errorf("item of the malformed feed %+v", a)
	}
	if len(news) != 2 {
		t.Errorf("%d news records from hostile sources", len(news))
	}
}

func TestFailingSourceIsPausedAndSkipped(t *testing.T) {
	srv := newFixtureServer(t)
	h := newHub(t, true, model.Source{URL: srv.URL + "/hostile/500"})
	opts := testOptions()
	opts.All = true
	opts.Policy = scheduler.Policy{PauseAfter: 2}
	in := h.ingester(opts)
	defer in.Close()
	for i := 0; i < 2; i++ {
		if _, err := in.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	s := h.state(t, srv.URL+"/hostile/500")
	if !s.Paused || s.Errors != 2 {
		t.Fatalf("state %+v", s)
	}
	hits := srv.hit("/hostile/500")
	sum, err := in.RunOnce(context.Background())
	if err != nil || sum.Paused != 1 || sum.Due != 0 || srv.hit("/hostile/500") != hits {
		t.Fatalf("paused source fetched: %+v %v", sum, err)
	}
}

func TestSourcesNotDueAreLeftAlone(t *testing.T) {
	srv := newFixtureServer(t)
	h := newHub(t, true, model.Source{URL: srv.URL + "/feeds/feed.json"})
	in := h.ingester(testOptions())
	defer in.Close()
	if sum, err := in.RunOnce(context.Background()); err != nil || sum.Due != 1 {
		t.Fatalf("first %+v %v", sum, err)
	}
	if sum, err := in.RunOnce(context.Background()); err != nil || sum.Due != 0 || srv.hit("/feeds/feed.json") != 1 {
		t.Fatalf("second %+v %v", sum, err)
	}
}

// The one test with the address guard on: the loopback fixture server is
// refused, and the refusal is recorded on the source.
func TestGuardRefusesPrivateAddressesWhenNotAllowed(t *testing.T) {
	srv := newFixtureServer(t)
	h := newHub(t, false, model.Source{URL: srv.URL + "/feeds/a.xml"})
	in := h.ingester(testOptions())
	defer in.Close()
	sum, err := in.RunOnce(context.Background())
	if err != nil || sum.Failed != 1 {
		t.Fatalf("%+v %v", sum, err)
	}
	if s := h.state(t, srv.URL+"/feeds/a.xml"); !strings.Contains(s.LastStatus, "refused") {
		t.Fatalf("status %q", s.LastStatus)
	}
	if len(srv.hits) != 0 {
		t.Fatalf("server was reached: %v", srv.hits)
	}
}

func TestRunStopsWhenCancelled(t *testing.T) {
	srv := newFixtureServer(t)
	h := newHub(t, true, model.Source{URL: srv.URL + "/feeds/feed.json"})
	in := h.ingester(testOptions())
	defer in.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- in.Run(ctx) }()
	deadline := time.Now().Add(10 * time.Second)
	for srv.hit("/feeds/feed.json") == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not stop")
	}
	if srv.hit("/feeds/feed.json") == 0 {
		t.Fatal("Run fetched nothing")
	}
}

// TestRunCollectsARoundsGarbageBeforeSleeping checks that a round that
// fetched is followed by a collection, so that the heap between rounds
// holds what the hub keeps; a long-running serve is measured by that.
func TestRunCollectsARoundsGarbageBeforeSleeping(t *testing.T) {
	srv := newFixtureServer(t)
	h := newHub(t, true, model.Source{URL: srv.URL + "/feeds/feed.json"})
	in := h.ingester(testOptions())
	defer in.Close()
	forced := []metrics.Sample{{Name: "/gc/cycles/forced:gc-cycles"}}
	metrics.Read(forced)
	before := forced[0].Value.Uint64()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- in.Run(ctx) }()
	// The round is logged in the store before Run collects; wait for
	// the collection itself.
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		metrics.Read(forced)
		if forced[0].Value.Uint64() > before {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if srv.hit("/feeds/feed.json") == 0 {
		t.Fatal("Run fetched nothing")
	}
	if after := forced[0].Value.Uint64(); after <= before {
		t.Fatalf("no collection after the round: forced cycles %d before, %d after", before, after)
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// An article another writer stored between rounds (an import, say) is
// known to the next round: its page is not read and nothing is added.
func TestArticlesStoredByOthersAreKnown(t *testing.T) {
	srv := newFixtureServer(t)
	h := newHub(t, true, model.Source{URL: srv.URL + "/feeds/feed.json"})
	opts := testOptions()
	opts.All = true
	in := h.ingester(opts)
	defer in.Close()
	ctx := context.Background()
	if sum, err := in.RunOnce(ctx); err != nil || sum.New != 2 {
		t.Fatalf("first round %+v %v", sum, err)
	}
	rec := &model.Record{Path: "_news/2024-11-05-polls-open.md", Kind: model.KindNews, Article: &model.Article{
		Category: "news", Title: "Polls open", Excerpt: "Imported.", Type: "article", Topics: []string{"Election"},
		PublishedDateTime: time.Date(2024, 11, 5, 12, 0, 0, 0, time.UTC),
		OriginalURL:       srv.URL + "/articles/polls-open", WebURL: srv.URL + "/articles/polls-open",
		Provider: model.Provider{Name: "Other", Domain: "other.example"}}}
	if err := content.Render(rec); err != nil {
		t.Fatal(err)
	}
	if err := h.st.Upsert(ctx, []*model.Record{rec}); err != nil {
		t.Fatal(err)
	}
	list, _ := sources.Load(ctx, h.st, "")
	list.Add(model.Source{URL: srv.URL + "/feeds/b.atom"})
	if err := list.Save(ctx, h.st, ""); err != nil {
		t.Fatal(err)
	}
	sum, err := in.RunOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// b.atom holds polls-open (stored by the other writer) and the debate
	// article (stored from the JSON feed in the first round).
	if sum.New != 0 || sum.Duplicates != 2 || srv.hit("/articles/polls-open") != 0 {
		t.Fatalf("summary %+v, polls page read %d times", sum, srv.hit("/articles/polls-open"))
	}
}

func TestEveryFeedFormatIsIngested(t *testing.T) {
	srv := newFixtureServer(t)
	formats := map[string]int{ // fixture: items with a link
		"rss091.xml": 2, "rss10.rdf": 2, "rss20.xml": 3, "atom03.xml": 1, "atom10.xml": 1,
		"jsonfeed10.json": 1, "jsonfeed11.json": 1, "latin1-declared.xml": 1, "cp1252-undeclared.xml": 1,
	}
	var srcs []model.Source
	for name := range formats {
		srcs = append(srcs, model.Source{URL: srv.URL + "/formats/" + name})
	}
	h := newHub(t, true, srcs...)
	opts := testOptions()
	opts.SkipPages = true // their links point elsewhere
	in := h.ingester(opts)
	defer in.Close()
	sum, err := in.RunOnce(context.Background())
	if err != nil || sum.Failed != 0 {
		t.Fatalf("%+v %v; first status %q", sum, err, h.state(t, srcs[0].URL).LastStatus)
	}
	for name, want := range formats {
		if s := h.state(t, srv.URL+"/formats/"+name); s.Items != want || s.LastStatus != "200 OK" {
			t.Errorf("%s: %d items stored, status %q; want %d", name, s.Items, s.LastStatus, want)
		}
	}
	titles := map[string]bool{}
	for _, a := range h.news(t) {
		titles[a.Title] = true
	}
	for _, want := range []string{"Élection à Genève", "“Quoted” price: 5 €", "Debate <recap>", "JSON 1.1 item"} {
		if !titles[want] {
			t.Errorf("title %q missing", want)
		}
	}
}

// TestAtomEntriesWithOnlyRelatedLinksAreCounted ingests a link blog's
// Atom feed whose entries link only to the pages written about
// (rel="related") or where they were seen (rel="via"): those are stored
// under their own page or their id where it is one, as feedparser reads
// them, and the rest, with no page of their own, are counted as having no
// usable link, not dropped unsaid.
func TestAtomEntriesWithOnlyRelatedLinksAreCounted(t *testing.T) {
	srv := newFixtureServer(t)
	feed := srv.URL + "/formats/atom-related-links.xml"
	h := newHub(t, true, model.Source{URL: feed})
	opts := testOptions()
	opts.SkipPages = true // their links point elsewhere
	in := h.ingester(opts)
	defer in.Close()
	if _, err := in.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	rep := h.state(t, feed).LastRead
	if rep.Items != 6 || rep.New != 3 || rep.NotStored[ReasonNoLink] != 3 || len(rep.NotStored) != 1 {
		t.Errorf("read %+v; want 6 items, 3 new, 3 with no usable link", rep)
	}
	var links []string
	for _, a := range h.news(t) {
		links = append(links, a.OriginalURL)
	}
	slices.Sort(links)
	want := []string{"https://harbourwatch.example.org/links/104", "https://harbourwatch.example.org/links/105", "https://harbourwatch.example.org/links/106"}
	if !slices.Equal(links, want) {
		t.Errorf("stored under %q, want %q", links, want)
	}
}

// TestFeedLongerThanTheCapGivesTheItemsThatFit serves a feed three times
// the size cap, as it is and compressed: the source is read, not failed,
// its items up to the cap are stored, and its state says the feed was cut.
func TestFeedLongerThanTheCapGivesTheItemsThatFit(t *testing.T) {
	opts := testOptions()
	const items = 300
	var feed bytes.Buffer
	feed.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Long</title>` + "\n")
	for i := range items {
		fmt.Fprintf(&feed, "<item><title>Entry number %d of the long feed</title><link>/articles/%d</link><description>%s</description></item>\n",
			i, i, strings.Repeat("Words of the entry. ", int(3*opts.Fetch.MaxBodySize)/items/20))
	}
	feed.WriteString("</channel></rss>\n")
	if int64(feed.Len()) < 2*opts.Fetch.MaxBodySize {
		t.Fatalf("the feed is %d bytes, want well over the cap", feed.Len())
	}
	for _, gzipped := range []bool{false, true} {
		t.Run(fmt.Sprintf("gzip=%v", gzipped), func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if !strings.HasPrefix(r.URL.Path, "/feed") {
					fmt.Fprintf(w, "<html><head><title>%s</title></head><body>An article.</body></html>", r.URL.Path)
					return
				}
				w.Header().Set("Content-Type", "application/rss+xml")
				if !gzipped {
					w.Write(feed.Bytes())
					return
				}
				w.Header().Set("Content-Encoding", "gzip")
				zw := gzip.NewWriter(w)
				zw.Write(feed.Bytes())
				zw.Close()
			}))
			defer srv.Close()
			h := newHub(t, true, model.Source{URL: srv.URL + "/feed.xml"})
			in := h.ingester(opts)
			defer in.Close()
			sum, err := in.RunOnce(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if sum.Failed != 0 || sum.Fetched != 1 {
				t.Fatalf("summary %+v: want the source read", sum)
			}
			fit := int(opts.Fetch.MaxBodySize) * items / feed.Len() // items wholly under the cap, about
			if sum.New < fit-2 || sum.New >= items {
				t.Errorf("%d new articles, want the %d or so that fit under the cap", sum.New, fit)
			}
			if st := h.state(t, srv.URL+"/feed.xml"); !strings.Contains(st.LastRead.Malformed, "longer than the size cap") {
				t.Errorf("source state says %q, want the feed said cut", st.LastRead.Malformed)
			}
		})
	}
}

// TestFeedGivingMoreNewItemsThanARoundTakesIsReadOverRounds serves eight
// new items to a round that takes five of a feed: five are stored, three
// counted as left for later and stored by the next round, which reads the
// feed whole, and the round after it asks with the feed's validators.
func TestFeedGivingMoreNewItemsThanARoundTakesIsReadOverRounds(t *testing.T) {
	var feed bytes.Buffer
	feed.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Busy</title>` + "\n")
	for i := range 8 {
		fmt.Fprintf(&feed, "<item><title>Entry number %d of the busy feed</title><link>/articles/%d</link><guid>busy-%d</guid></item>\n", i, i, i)
	}
	feed.WriteString("</channel></rss>\n")
	// The feed says when it changed, as most do: a round that asked with
	// the validators of a read that left items behind would be answered
	// 304, and those items never read.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"busy-1"`)
		if r.Header.Get("If-None-Match") == `"busy-1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(feed.Bytes())
	}))
	defer srv.Close()
	h := newHub(t, true, model.Source{URL: srv.URL + "/feed.xml"})
	opts := testOptions()
	opts.SkipPages, opts.All, opts.MaxNewItems = true, true, 5
	in := h.ingester(opts)
	defer in.Close()
	for round, want := range []struct{ new, later, notModified int }{{5, 3, 0}, {3, 0, 0}, {0, 0, 1}} {
		sum, err := in.RunOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		later := h.state(t, srv.URL+"/feed.xml").LastRead.NotStored[ReasonLater]
		if sum.New != want.new || later != want.later || sum.NotModified != want.notModified {
			t.Errorf("round %d: %d new, %d left for later, %d not modified, want %d, %d and %d",
				round+1, sum.New, later, sum.NotModified, want.new, want.later, want.notModified)
		}
	}
	if got := len(h.news(t)); got != 8 {
		t.Errorf("%d articles stored, want the feed's 8", got)
	}
}
