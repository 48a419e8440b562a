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
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"newshub/internal/server"
	"newshub/internal/testutil"
	"newshub/internal/web"
)

// browserTimeout bounds the browser test on a slow or shared machine.
const browserTimeout = 5 * time.Minute

// browser is a headless Chromium that collects what its pages report.
type browser struct {
	ctx  context.Context
	mu   sync.Mutex
	errs []string
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	bin := testutil.Chromium(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		// Loopback only: any other host fails to resolve.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelB := chromedp.NewContext(actx)
	ctx, cancelC := context.WithTimeout(ctx, browserTimeout)
	t.Cleanup(func() { cancelC(); cancelB(); cancelA() })
	b := &browser{ctx: ctx}
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	err := chromedp.Listen(ctx, func(ev any) {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			b.errs = append(b.errs, "exception: "+e.ExceptionDetails.Text)
		case *cdplog.EventEntryAdded:
			if e.Entry.Level == cdplog.EntryLevelError {
				b.errs = append(b.errs, "log: "+e.Entry.Text+" "+e.Entry.URL)
			}
		}
	})
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	if _, err := chromedp.Call(ctx, cdplog.Enable, cdp.Empty{}); err != nil {
		t.Fatalf("enable log: %v", err)
	}
	return b
}

// do runs actions and fails the test on error.
func (b *browser) do(t *testing.T, step string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		t.Fatalf("%s: %v", step, err)
	}
}

// read returns the value of one action, failing the test on error.
func read[T any](t *testing.T, b *browser, step string, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", step, err)
	}
	return v
}

// check fails the test for every error the pages reported since the last
// check: a failed load (the stylesheets included), a script error.
func (b *browser) check(t *testing.T, step string, allow ...string) {
	t.Helper()
	b.mu.Lock()
	errs := b.errs
	b.errs = nil
	b.mu.Unlock()
	for _, e := range errs {
		if !slices.ContainsFunc(allow, func(a string) bool { return strings.Contains(e, a) }) {
			t.Errorf("%s: page reported %s", step, e)
		}
	}
}

// screenshot saves a full-page PNG of the current page at desktop width
// as artifacts/screenshots/admin-NAME-1280.png.
func (b *browser) screenshot(t *testing.T, name string) {
	t.Helper()
	dir := filepath.Join(testutil.Root(t), "artifacts", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := chromedp.Call(b.ctx, emulation.SetDeviceMetricsOverride,
		emulation.SetDeviceMetricsOverrideParams{Width: 1280, Height: 800, DeviceScaleFactor: 1})
	if err == nil {
		err = chromedp.Do(b.ctx, chromedp.Sleep(100*time.Millisecond)) // let the layout settle
	}
	var png []byte
	if err == nil {
		png, err = chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	}
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "admin-"+name+"-1280.png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(b.ctx, emulation.ClearDeviceMetricsOverride, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
}

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
	w, err := web.New(web.Config{Store: f.st, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	return server.New(server.Config{Store: f.st, Web: w, Logger: quiet, Now: f.clock.now, CheckEvery: time.Millisecond})
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
// story, hide its lead through the Editor, see it gone from the public
// pages and the API, and sign out. It saves screenshots of every page.
func TestBrowserAdminFlow(t *testing.T) {
	b := newBrowser(t)
	f, base := liveHub(t)
	const lead = "Senate passes border security bill after marathon debate"
	if !strings.Contains(get(t, base+"/api/news/"), lead) {
		t.Fatalf("the API does not list %q before it is hidden", lead)
	}

	// The area sends a visitor without a session to the sign-in page.
	b.do(t, "sign-in page", chromedp.Navigate(base+"/admin/sources/"), chromedp.WaitVisible(chromedp.CSS("#password")))
	b.screenshot(t, "sign-in")
	b.check(t, "sign-in page")
	b.do(t, "wrong password",
		chromedp.SendKeys(chromedp.CSS("#name"), adminName),
		chromedp.SendKeys(chromedp.CSS("#password"), "not the password"),
		chromedp.Submit(chromedp.CSS("#password")),
		chromedp.WaitVisible(chromedp.CSS(".signin .notice.error")))
	if msg := read(t, b, "wrong password", chromedp.Text(chromedp.CSS(".signin .notice"))); msg != msgWrong {
		t.Errorf("wrong password: the page says %q", msg)
	}
	b.check(t, "wrong password", "status of 401") // the browser logs the answer's status
	b.do(t, "sign in",
		chromedp.SetValue(chromedp.CSS("#name"), adminName),
		chromedp.SendKeys(chromedp.CSS("#password"), adminPassword),
		chromedp.Submit(chromedp.CSS("#password")),
		chromedp.WaitVisible(chromedp.CSS("table.data")))
	if loc := read(t, b, "sign in", chromedp.Location()); loc != base+"/admin/sources/" {
		t.Errorf("after sign-in at %s, want the page asked for", loc)
	}
	text := read(t, b, "sources", chromedp.Text(chromedp.CSS("main")))
	for _, want := range []string{f.feeds + "/feeds/wire.xml", "4 items, 3 new", "500 Internal Server Error", "no usable link: 1", "duplicate: 1"} {
		if !strings.Contains(text, want) {
			t.Errorf("sources page lacks %q", want)
		}
	}
	b.screenshot(t, "sources")
	b.check(t, "sources")

	// Pause the wire feed, then resume it.
	wire := f.feeds + "/feeds/wire.xml"
	row := fmt.Sprintf(`tr:has(input[value=%q])`, wire)
	b.do(t, "pause", chromedp.Click(chromedp.CSS(row+` form[action="/admin/sources/pause"] button`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	if s := read(t, b, "pause", chromedp.Text(chromedp.CSS(row+" .state"))); s != "paused" {
		t.Errorf("after pause the source is %q", s)
	}
	if !strings.Contains(readFile(t, filepath.Join(f.dir, "_data", "sources.yaml")), "enabled: false") {
		t.Error("the pause is not in the site folder's sources.yaml")
	}
	b.screenshot(t, "sources-paused")
	b.do(t, "resume", chromedp.Click(chromedp.CSS(row+` form[action="/admin/sources/resume"] button`)),
		chromedp.WaitVisible(chromedp.CSS(row+` form[action="/admin/sources/pause"]`)))
	if s := read(t, b, "resume", chromedp.Text(chromedp.CSS(row+" .state"))); s != "fetching" {
		t.Errorf("after resume the source is %q", s)
	}
	b.check(t, "pause and resume")

	b.do(t, "rounds", chromedp.Click(chromedp.CSS(`nav a[href="/admin/rounds/"]`)), chromedp.WaitVisible(chromedp.CSS("table.data")))
	b.screenshot(t, "rounds")
	b.check(t, "rounds")

	// The story of the bill, and its lead hidden.
	b.do(t, "stories", chromedp.Click(chromedp.CSS(`nav a[href="/admin/stories/"]`)), chromedp.WaitVisible(chromedp.CSS("table.data")))
	b.screenshot(t, "stories")
	rec, err := f.st.ArticleByURL(context.Background(), "https://capitolwire.example/2026/11/20/senate-border-bill")
	if err != nil {
		t.Fatal(err)
	}
	b.do(t, "story", chromedp.Click(chromedp.CSS(fmt.Sprintf(`a[href="/admin/stories/%s/"]`, rec.Article.Story))),
		chromedp.WaitVisible(chromedp.CSS(".members")))
	b.screenshot(t, "story")
	b.check(t, "story")
	b.do(t, "article", chromedp.Click(chromedp.CSS(".members li:first-child .item-title")), chromedp.WaitVisible(chromedp.CSS("pre.explain")))
	if h1 := read(t, b, "article", chromedp.Text(chromedp.CSS("h1"))); h1 != lead {
		t.Fatalf("article page of %q, want the lead %q", h1, lead)
	}
	text = read(t, b, "article", chromedp.Text(chromedp.CSS("pre.explain")))
	if !strings.Contains(text, "published (lead of its story)") || !strings.Contains(text, "quality:") {
		t.Errorf("article page's explanation: %q", text)
	}
	b.screenshot(t, "article")
	b.do(t, "hide",
		chromedp.SendKeys(chromedp.CSS("#hide-note"), "a correction is coming"),
		chromedp.Click(chromedp.CSS(`form:has(input[name=action][value=hide]) button`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	if msg := read(t, b, "hide", chromedp.Text(chromedp.CSS(".flash"))); !strings.HasPrefix(msg, "Done: hide https://capitolwire.example/") {
		t.Errorf("after hide the page says %q", msg)
	}
	if k := read(t, b, "hide", chromedp.TextContent(chromedp.CSS(".page-head .kicker"))); !strings.Contains(k, "hidden by an editor") {
		t.Errorf("after hide the article page says %q", k)
	}
	b.check(t, "hide")
	ds, err := f.editor.Decisions(context.Background())
	if err != nil || len(ds) != 1 || ds[0].Action != Hide || ds[0].By != adminName || ds[0].Note != "a correction is coming" {
		t.Fatalf("decisions kept: %+v %v", ds, err)
	}
	// Gone from the API and the website once they reloaded the hub,
	// which they do in the background after a write.
	eventually(t, "the hidden lead leaves the API", time.Minute, func() bool {
		return !strings.Contains(get(t, base+"/api/news/"), lead)
	})
	eventually(t, "the hidden lead leaves the home page", time.Minute, func() bool {
		return !strings.Contains(get(t, base+"/"), lead)
	})

	b.do(t, "decisions", chromedp.Click(chromedp.CSS(`nav a[href="/admin/decisions/"]`)), chromedp.WaitVisible(chromedp.CSS("table.data")))
	b.screenshot(t, "decisions")
	b.check(t, "decisions")

	// Sign out: the area is closed again.
	b.do(t, "sign out", chromedp.Click(chromedp.CSS(".signout button")), chromedp.WaitVisible(chromedp.CSS("#password")))
	if msg := read(t, b, "sign out", chromedp.Text(chromedp.CSS(".signin .notice"))); msg != "You are signed out." {
		t.Errorf("after sign-out the page says %q", msg)
	}
	b.do(t, "after sign out", chromedp.Navigate(base+"/admin/decisions/"), chromedp.WaitVisible(chromedp.CSS("#password")))
	if loc := read(t, b, "after sign out", chromedp.Location()); !strings.HasPrefix(loc, base+"/admin/sign-in?next=") {
		t.Errorf("after sign-out /admin/decisions/ is at %s", loc)
	}
	b.check(t, "sign out")
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
