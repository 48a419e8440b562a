package admin

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"newshub/internal/publish"
	"newshub/internal/server"
	"newshub/internal/testutil/browser"
	"newshub/internal/web"
)

// mount serves the admin area beside the public server, as serve does:
// /admin/ to the admin handler, everything else to the public server.
func mount(public, adm http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle(Prefix, adm)
	mux.Handle("/", public)
	return mux
}

// liveHub serves the fixture's hub with the admin area through a real
// HTTP server on loopback.
func liveHub(t *testing.T) (*fixture, string) {
	t.Helper()
	var handler http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	f := newFixture(t, func(c *Config) { c.BaseURL = srv.URL })
	handler = mount(publicHandler(t, f), f.admin)
	return f, srv.URL
}

// publicHandler is the public server of the fixture's hub: API, feeds and
// website.
func publicHandler(t *testing.T, f *fixture) http.Handler {
	t.Helper()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	views := publish.NewViews(publish.ViewsConfig{Store: f.st, Options: publish.Options{Now: f.clock.now},
		CheckEvery: time.Millisecond, Logger: quiet})
	w, err := web.New(web.Config{Views: views, Store: f.st, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	return server.New(server.Config{Store: f.st, Views: views, Web: w, Search: w.SearchDoc, Logger: quiet, Now: f.clock.now})
}

// get fetches a public path and returns its body.
func get(t *testing.T, u string) string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", u, resp.StatusCode)
	}
	return string(b)
}

// status fetches a public path and returns its status.
func status(t *testing.T, u string) int {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// eventually polls cond until it holds or the deadline passes; the
// website rebuilds its pages in the background after a write.
func eventually(t *testing.T, what string, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not after %s", what, within)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// TestBrowserAdminFlow walks the admin area in a real Chromium against a
// real server: sign in, see the sources, pause and resume one, open a
// story, hide its lead through the hub's editor (the decisions log and
// curation), see it gone from the public pages, feeds, search and the API,
// and sign out. It saves screenshots of every page.
func TestBrowserAdminFlow(t *testing.T) {
	b := browser.New(t)
	f, base := liveHub(t)
	const lead = "Senate passes border security bill after marathon debate"
	leadRec, err := f.st.ArticleByURL(context.Background(), "https://capitolwire.example/2026/11/20/senate-border-bill")
	if err != nil {
		t.Fatal(err)
	}
	key := publish.ArticleKey(leadRec.Path, leadRec.Article.PublishedDateTime)
	// Where the lead is published: lists, its own documents, feeds, search.
	lists := []string{"/api/news/", "/", "/feeds/rss.xml", "/api/search?q=marathon", "/search?q=marathon"}
	own := []string{"/api/news/" + key + "/", "/news/" + key + "/"}
	for _, p := range lists {
		if !strings.Contains(get(t, base+p), lead) {
			t.Fatalf("%s does not show %q before it is hidden", p, lead)
		}
	}
	for _, p := range own {
		if code := status(t, base+p); code != http.StatusOK {
			t.Fatalf("%s: %d before the lead is hidden", p, code)
		}
	}

	// The area sends a visitor without a session to the sign-in page.
	b.Do(t, "sign-in page", chromedp.Navigate(base+"/admin/sources/"), chromedp.WaitVisible(chromedp.CSS("#password")))
	b.Screenshot(t, "admin-sign-in", 1280)
	b.Check(t, "sign-in page")
	b.Do(t, "wrong password",
		chromedp.SendKeys(chromedp.CSS("#name"), adminName),
		chromedp.SendKeys(chromedp.CSS("#password"), "not the password"),
		chromedp.Submit(chromedp.CSS("#password")),
		chromedp.WaitVisible(chromedp.CSS(".signin .notice.error")))
	if msg := browser.Read(t, b, "wrong password", chromedp.Text(chromedp.CSS(".signin .notice"))); msg != msgWrong {
		t.Errorf("wrong password: the page says %q", msg)
	}
	b.Check(t, "wrong password", "status of 401") // the browser logs the answer's status
	b.Do(t, "sign in",
		chromedp.SetValue(chromedp.CSS("#name"), adminName),
		chromedp.SendKeys(chromedp.CSS("#password"), adminPassword),
		chromedp.Submit(chromedp.CSS("#password")),
		chromedp.WaitVisible(chromedp.CSS("table.data")))
	if loc := browser.Read(t, b, "sign in", chromedp.Location()); loc != base+"/admin/sources/" {
		t.Errorf("after sign-in at %s, want the page asked for", loc)
	}
	text := browser.Read(t, b, "sources", chromedp.Text(chromedp.CSS("main")))
	for _, want := range []string{f.feeds + "/feeds/wire.xml", "4 items, 3 new", "500 Internal Server Error", "no usable link: 1", "duplicate: 1"} {
		if !strings.Contains(text, want) {
			t.Errorf("sources page lacks %q", want)
		}
	}
	b.Screenshot(t, "admin-sources", 1280)
	b.Check(t, "sources")

	// Pause the wire feed, then resume it.
	wire := f.feeds + "/feeds/wire.xml"
	row := fmt.Sprintf(`tr:has(input[value=%q])`, wire)
	b.Do(t, "pause", chromedp.Click(chromedp.CSS(row+` form[action="/admin/sources/pause"] button`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	if s := browser.Read(t, b, "pause", chromedp.Text(chromedp.CSS(row+" .state"))); s != "paused" {
		t.Errorf("after pause the source is %q", s)
	}
	if !strings.Contains(readFile(t, filepath.Join(f.dir, "_data", "sources.yaml")), "enabled: false") {
		t.Error("the pause is not in the site folder's sources.yaml")
	}
	b.Screenshot(t, "admin-sources-paused", 1280)
	b.Do(t, "resume", chromedp.Click(chromedp.CSS(row+` form[action="/admin/sources/resume"] button`)),
		chromedp.WaitVisible(chromedp.CSS(row+` form[action="/admin/sources/pause"]`)))
	if s := browser.Read(t, b, "resume", chromedp.Text(chromedp.CSS(row+" .state"))); s != "fetching" {
		t.Errorf("after resume the source is %q", s)
	}
	b.Check(t, "pause and resume")

	b.Do(t, "rounds", chromedp.Click(chromedp.CSS(`nav a[href="/admin/rounds/"]`)), chromedp.WaitVisible(chromedp.CSS("table.data")))
	b.Screenshot(t, "admin-rounds", 1280)
	b.Check(t, "rounds")

	// The story of the bill, and its lead hidden.
	b.Do(t, "stories", chromedp.Click(chromedp.CSS(`nav a[href="/admin/stories/"]`)), chromedp.WaitVisible(chromedp.CSS("table.data")))
	b.Screenshot(t, "admin-stories", 1280)
	rec, err := f.st.ArticleByURL(context.Background(), "https://capitolwire.example/2026/11/20/senate-border-bill")
	if err != nil {
		t.Fatal(err)
	}
	b.Do(t, "story", chromedp.Click(chromedp.CSS(fmt.Sprintf(`a[href="/admin/stories/%s/"]`, rec.Article.Story))),
		chromedp.WaitVisible(chromedp.CSS(".members")))
	b.Screenshot(t, "admin-story", 1280)
	b.Check(t, "story")
	b.Do(t, "article", chromedp.Click(chromedp.CSS(".members li:first-child .item-title")), chromedp.WaitVisible(chromedp.CSS("pre.explain")))
	if h1 := browser.Read(t, b, "article", chromedp.Text(chromedp.CSS("h1"))); h1 != lead {
		t.Fatalf("article page of %q, want the lead %q", h1, lead)
	}
	text = browser.Read(t, b, "article", chromedp.Text(chromedp.CSS("pre.explain")))
	if !strings.Contains(text, "published (lead of its story)") || !strings.Contains(text, "quality:") {
		t.Errorf("article page's explanation: %q", text)
	}
	b.Screenshot(t, "admin-article", 1280)
	b.Do(t, "hide",
		chromedp.SendKeys(chromedp.CSS("#hide-note"), "a correction is coming"),
		chromedp.Click(chromedp.CSS(`form:has(input[name=action][value=hide]) button`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	if msg := browser.Read(t, b, "hide", chromedp.Text(chromedp.CSS(".flash"))); !strings.HasPrefix(msg, "Done: hide https://capitolwire.example/") {
		t.Errorf("after hide the page says %q", msg)
	}
	if k := browser.Read(t, b, "hide", chromedp.TextContent(chromedp.CSS(".page-head .kicker"))); !strings.Contains(k, "hidden by an editor") {
		t.Errorf("after hide the article page says %q", k)
	}
	b.Check(t, "hide")
	ds, err := f.editor.Decisions(context.Background())
	if err != nil || len(ds) != 1 || ds[0].Action != Hide || ds[0].By != adminName || ds[0].Note != "a correction is coming" {
		t.Fatalf("decisions kept: %+v %v", ds, err)
	}
	if rec, err := f.st.ArticleByURL(context.Background(), leadRec.Article.CanonicalURL); err != nil || rec.Article.Withheld != "hidden" {
		t.Fatalf("the hide did not reach the store: %v", err)
	}
	// Gone from the API, the feeds, search and the website once they
	// reloaded the hub, which they do in the background after a write;
	// its own documents answer 404.
	for _, p := range lists {
		eventually(t, "the hidden lead leaves "+p, time.Minute, func() bool {
			return !strings.Contains(get(t, base+p), lead)
		})
	}
	for _, p := range own {
		eventually(t, p+" answers 404", time.Minute, func() bool { return status(t, base+p) == http.StatusNotFound })
	}

	b.Do(t, "decisions", chromedp.Click(chromedp.CSS(`nav a[href="/admin/decisions/"]`)), chromedp.WaitVisible(chromedp.CSS("table.data")))
	b.Screenshot(t, "admin-decisions", 1280)
	b.Check(t, "decisions")

	// Sign out: the area is closed again.
	b.Do(t, "sign out", chromedp.Click(chromedp.CSS(".signout button")), chromedp.WaitVisible(chromedp.CSS("#password")))
	if msg := browser.Read(t, b, "sign out", chromedp.Text(chromedp.CSS(".signin .notice"))); msg != "You are signed out." {
		t.Errorf("after sign-out the page says %q", msg)
	}
	b.Do(t, "after sign out", chromedp.Navigate(base+"/admin/decisions/"), chromedp.WaitVisible(chromedp.CSS("#password")))
	if loc := browser.Read(t, b, "after sign out", chromedp.Location()); !strings.HasPrefix(loc, base+"/admin/sign-in?next=") {
		t.Errorf("after sign-out /admin/decisions/ is at %s", loc)
	}
	b.Check(t, "sign out")
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
