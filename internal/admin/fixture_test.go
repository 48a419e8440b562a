package admin

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"newshub/internal/admin/users"
	"newshub/internal/curate"
	"newshub/internal/editorial"
	"newshub/internal/importer"
	"newshub/internal/ingest"
	"newshub/internal/ingest/fetcher"
	"newshub/internal/ingest/sources"
	"newshub/internal/model"
	"newshub/internal/site"
	"newshub/internal/store"
	"newshub/internal/store/sqlite"
)

// cheap keeps password checks fast in tests; the hash format and the
// checks are those of the default parameters (package users tests them).
var cheap = users.Params{Time: 1, Memory: 64, Threads: 1, SaltLen: 16, KeyLen: 32}

const (
	adminName     = "ada"
	adminPassword = "correct horse battery"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// fixture is a hub built from testdata/site in a temporary site folder,
// with a real SQLite store, sources read by a real ingest round from
// feeds served on loopback, an account, and an admin handler over it all.
type fixture struct {
	dir     string
	st      store.Store
	feeds   string // base URL of the feed server
	clock   *clock
	editor  *siteEditor
	admin   *Handler
	hubSite *site.Site
}

// newFixture builds the hub on SQLite; cfg adjusts the admin handler's
// config.
func newFixture(t testing.TB, adjust func(*Config)) *fixture {
	t.Helper()
	return newFixtureOn(t, openSQLite, adjust)
}

// openSQLite opens the SQLite store of the site folder dir, as serve does.
func openSQLite(ctx context.Context, dir string) (store.Store, error) {
	return sqlite.Open(ctx, filepath.Join(dir, ".newshub", "newshub.db"))
}

// newFixtureOn is newFixture on the store open opens for the site folder.
func newFixtureOn(t testing.TB, open func(ctx context.Context, dir string) (store.Store, error), adjust func(*Config)) *fixture {
	t.Helper()
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "site")
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("testdata", "site"))); err != nil {
		t.Fatal(err)
	}
	st, err := open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if res, err := importer.Import(ctx, st, dir, importer.Options{}); err != nil || len(res.Rejected) > 0 {
		t.Fatalf("import: %v %v", res.Rejected, err)
	}
	mux := http.NewServeMux()
	mux.Handle("/feeds/", http.StripPrefix("/feeds/", http.FileServer(http.Dir(filepath.Join("testdata", "feeds")))))
	mux.HandleFunc("/broken.xml", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "the feed is down", http.StatusInternalServerError)
	})
	feeds := httptest.NewServer(mux)
	t.Cleanup(feeds.Close)
	list, err := sources.Load(ctx, st, dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []model.Source{
		{URL: feeds.URL + "/feeds/wire.xml", Provider: "capitolwire.example", Topics: []string{"Election"}},
		{URL: feeds.URL + "/feeds/daily.xml", Provider: "statedaily.example"},
		{URL: feeds.URL + "/broken.xml", Provider: "broken.example", Interval: "30m"},
	} {
		if err := list.Add(s); err != nil {
			t.Fatal(err)
		}
	}
	if err := list.Save(ctx, st, dir); err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)}
	hub, err := site.Load(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	in := newIngester(hub, st, dir, clk.now, false)
	defer in.Close()
	if sum, err := in.RunOnce(ctx); err != nil || sum.New != 5 || sum.Failed != 1 {
		t.Fatalf("ingest round: %+v %v", sum, err)
	}
	acc := users.Open(dir, cheap)
	if err := acc.Add(adminName, adminPassword, false, clk.now()); err != nil {
		t.Fatal(err)
	}
	ed := newSiteEditor(st, dir, hub, clk.now)
	// The hub is reached over plain HTTP, as the test client reaches it.
	cfg := Config{Store: st, SiteDir: dir, Users: acc, Editor: ed, Now: clk.now, BaseURL: "http://hub.test",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if adjust != nil {
		adjust(&cfg)
	}
	h, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{dir: dir, st: st, feeds: feeds.URL, clock: clk, editor: ed, admin: h, hubSite: hub}
}

// newIngester is an ingest worker of the hub in st, site folder dir,
// fetching from loopback at once; all fetches every source at each round.
func newIngester(hub *site.Site, st store.Store, dir string, now func() time.Time, all bool) *ingest.Ingester {
	return ingest.New(hub, st, ingest.Options{
		Fetch:   fetcher.Options{ConnectTimeout: 5 * time.Second, HeaderTimeout: 5 * time.Second, Timeout: 10 * time.Second, PerHostRate: -1, Retries: -1},
		Version: "test", SkipPages: true, SiteDir: dir, Now: now, All: all,
	})
}

// siteEditor is the hub's editor (package editorial, applying through
// curate), which a test can make refuse every decision with fail.
type siteEditor struct {
	*editorial.Editor
	fail error
}

func newSiteEditor(st store.Store, dir string, hub *site.Site, now func() time.Time) *siteEditor {
	return &siteEditor{Editor: editorial.NewEditor(st, dir, func(ctx context.Context, ds []model.Decision) error {
		_, err := curate.New(hub, st, curate.Options{SiteDir: dir, Now: now}).Apply(ctx, ds)
		return err
	})}
}

func (e *siteEditor) Apply(ctx context.Context, d Decision) error {
	if e.fail != nil {
		return e.fail
	}
	return e.Editor.Apply(ctx, d)
}

// client is a cookie-keeping client of a handler, requests served in
// process by ServeHTTP.
type client struct {
	t      testing.TB
	h      http.Handler
	base   string // scheme and host of requests
	jar    map[string]*http.Cookie
	origin string      // the Origin header of POSTs; "" for none
	addr   string      // the client's address
	header http.Header // more headers of every request
}

func newClient(t testing.TB, h http.Handler) *client {
	return &client{t: t, h: h, base: "http://hub.test", jar: map[string]*http.Cookie{}, origin: "http://hub.test",
		addr: "192.0.2.10:40000", header: http.Header{}}
}

// do serves one request with the jar's cookies, keeping those it sets.
func (c *client) do(method, path string, form url.Values) *httptest.ResponseRecorder {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	r := httptest.NewRequest(method, c.base+path, body)
	r.RemoteAddr = c.addr
	if form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if method == http.MethodPost && c.origin != "" {
		r.Header.Set("Origin", c.origin)
	}
	for k, v := range c.header {
		r.Header[k] = v
	}
	for _, ck := range c.jar {
		r.AddCookie(ck)
	}
	w := httptest.NewRecorder()
	c.h.ServeHTTP(w, r)
	for _, ck := range w.Result().Cookies() {
		if ck.MaxAge < 0 {
			delete(c.jar, ck.Name)
		} else {
			c.jar[ck.Name] = ck
		}
	}
	return w
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// token returns the form token of the page at path.
func (c *client) token(path string) string {
	c.t.Helper()
	w := c.do(http.MethodGet, path, nil)
	m := csrfInput.FindStringSubmatch(w.Body.String())
	if m == nil {
		c.t.Fatalf("GET %s: %d, no form token in:\n%s", path, w.Code, w.Body)
	}
	return m[1]
}

// signIn signs in with the given password and returns the answer.
func (c *client) signIn(name, password string) *httptest.ResponseRecorder {
	c.t.Helper()
	tok := c.token(Prefix + "sign-in")
	return c.do(http.MethodPost, Prefix+"sign-in", url.Values{"csrf": {tok}, "name": {name}, "password": {password}, "next": {Prefix + "sources/"}})
}

// signedIn returns a client signed in as the fixture's account.
func (f *fixture) signedIn(t testing.TB) *client {
	t.Helper()
	c := newClient(t, f.admin)
	if w := c.signIn(adminName, adminPassword); w.Code != http.StatusSeeOther {
		t.Fatalf("sign-in: %d\n%s", w.Code, w.Body)
	}
	return c
}

// post posts a form of the area with the session's token.
func (c *client) post(path string, form url.Values) *httptest.ResponseRecorder {
	c.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", c.token(Prefix+"sources/"))
	return c.do(http.MethodPost, path, form)
}
