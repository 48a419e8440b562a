package web

import (
	"context"
	"fmt"
	"hash/fnv"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"newshub/internal/model"
	"newshub/internal/testutil"
)

// chromium returns the browser binary, or skips (fails under CI=true) when
// there is none.
func chromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is missing (required under CI=true): install Debian's chromium package")
	}
	t.Skip("chromium is not installed; skipping the browser tests")
	return ""
}

// imageServer draws the fixture's pictures as SVG, so pages load real
// images from loopback and never from the network.
func imageServer(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimSuffix(filepath.Base(r.URL.Path), ".svg")
	h := fnv.New32a()
	h.Write([]byte(name))
	hue := h.Sum32() % 360
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	switch {
	case strings.HasPrefix(name, "logo-"):
		fmt.Fprintf(w, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 50 50"><rect width="50" height="50" rx="8" fill="hsl(%d 60%% 45%%)"/><text x="25" y="33" font-size="24" font-family="sans-serif" font-weight="bold" text-anchor="middle" fill="#fff">%s</text></svg>`,
			hue, strings.ToUpper(name[5:6]))
	default:
		fmt.Fprintf(w, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1200 675"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl(%d 55%% 55%%)"/><stop offset="1" stop-color="hsl(%d 60%% 30%%)"/></linearGradient></defs><rect width="1200" height="675" fill="url(#g)"/><circle cx="900" cy="200" r="140" fill="rgb(255 255 255 / .15)"/><rect x="80" y="480" width="600" height="40" rx="20" fill="rgb(255 255 255 / .3)"/></svg>`,
			hue, (hue+40)%360)
	}
}

// browserHub serves the fixture hub through the real server (API, feeds,
// website) on loopback.
func browserHub(t *testing.T) (*hub, string) {
	t.Helper()
	mux := http.NewServeMux()
	var handler http.Handler
	mux.HandleFunc("/img/", imageServer)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	h := newHub(t, srv.URL+"/img/")
	handler = h.srv
	return h, srv.URL
}

// browserTimeout bounds one browser test: starting Chromium, loading and
// capturing its pages. A slow or shared runner (the race detector on, other
// builds beside it) can take minutes where a quiet machine takes seconds;
// go test's -timeout still bounds the whole run.
const browserTimeout = 5 * time.Minute

// browser starts a fresh headless Chromium and collects every error its
// pages report: exceptions, console errors, failed loads and dialogs.
type browser struct {
	ctx     context.Context
	mu      sync.Mutex
	errs    []string
	dialogs []string
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	bin := chromium(t)
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
	if err := chromedp.Do(ctx); err != nil { // starts the browser and the tab
		t.Fatalf("start chromium: %v", err)
	}
	dialogs := chromedp.Events(ctx, cdppage.JavascriptDialogOpening)
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			b.mu.Lock()
			b.dialogs = append(b.dialogs, ev.Message)
			b.mu.Unlock()
			chromedp.Call(ctx, cdppage.HandleJavaScriptDialog, cdppage.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	err := chromedp.Listen(ctx, func(ev any) {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			b.errs = append(b.errs, "exception: "+e.ExceptionDetails.Text)
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeAssert {
				var args []string
				for _, a := range e.Args {
					args = append(args, string(a.Value))
				}
				b.errs = append(b.errs, "console: "+strings.Join(args, " "))
			}
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

// problems returns and clears what the pages reported.
func (b *browser) problems() ([]string, []string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	e, d := b.errs, b.dialogs
	b.errs, b.dialogs = nil, nil
	return e, d
}

// screenshot saves full-page PNGs of the current page at phone and desktop
// widths into artifacts/screenshots/ at the repository root.
func (b *browser) screenshot(t *testing.T, name string) {
	t.Helper()
	dir := filepath.Join(testutil.Root(t), "artifacts", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// A full-page capture does not scroll, so lazy pictures below the
	// first screen would show as empty boxes: load them all first.
	const loadAll = `Promise.all([...document.images].map(i => { i.loading = "eager";
		return i.complete ? 0 : new Promise(r => { i.onload = i.onerror = r; setTimeout(r, 3000); }); })).then(() => 0)`
	for _, width := range []int64{360, 1280} {
		_, err := chromedp.Call(b.ctx, emulation.SetDeviceMetricsOverride,
			emulation.SetDeviceMetricsOverrideParams{Width: width, Height: 800, DeviceScaleFactor: 1, Mobile: width < 600})
		if err == nil {
			_, err = chromedp.Run(b.ctx, chromedp.Evaluate[int](loadAll, chromedp.EvalAwaitPromise))
		}
		if err == nil {
			err = chromedp.Do(b.ctx, chromedp.Sleep(150*time.Millisecond)) // let the layout settle
		}
		var png []byte
		if err == nil {
			png, err = chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
		}
		if err != nil {
			t.Fatalf("screenshot %s at %d: %v", name, width, err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%d.png", name, width)), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := chromedp.Call(b.ctx, emulation.ClearDeviceMetricsOverride, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
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

// check reports what the pages said since the last check.
func (b *browser) check(t *testing.T, step string, allow func(string) bool) {
	t.Helper()
	errs, dialogs := b.problems()
	for _, e := range errs {
		if allow == nil || !allow(e) {
			t.Errorf("%s: page reported %s", step, e)
		}
	}
	for _, d := range dialogs {
		t.Errorf("%s: a dialog opened: %q", step, d)
	}
}

// TestBrowserJourney drives a real Chromium through the site served by the
// real server: home, a story's full coverage, an article, topic pages,
// search; no page may report an error and the hostile title must show as
// text.
func TestBrowserJourney(t *testing.T) {
	b := newBrowser(t)
	_, base := browserHub(t)

	// Home.
	b.do(t, "home", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS(".lead .card")))
	text := read(t, b, "home", chromedp.Evaluate[string](`document.body.innerText`))
	if !strings.Contains(text, xssTitle) {
		t.Errorf("home: the hostile title is not shown as text")
	}
	if n := read(t, b, "home", chromedp.Evaluate[int](`document.querySelectorAll('img[src="x"]').length`)); n != 0 {
		t.Errorf("home: the hostile title became %d image elements", n)
	}
	broken := read(t, b, "home", chromedp.Evaluate[int](`[...document.images].filter(i => i.complete && i.naturalWidth === 0 && i.loading !== "lazy").length`))
	if broken != 0 {
		t.Errorf("home: %d images failed to load", broken)
	}
	b.screenshot(t, "home")
	b.check(t, "home", nil)

	// Follow the top story to its full coverage.
	b.do(t, "story", chromedp.Click(chromedp.CSS(".lead a.coverage")), chromedp.WaitVisible(chromedp.CSS(".voice-bar")))
	loc := read(t, b, "story", chromedp.Location())
	text = read(t, b, "story", chromedp.Text(chromedp.CSS(".balance")))
	if !strings.Contains(loc, "/stories/") || !strings.Contains(text, "Blindspot") {
		t.Errorf("story: at %s, balance says %q", loc, text)
	}
	b.screenshot(t, "story")
	b.check(t, "story", nil)

	// Open an article from the timeline.
	b.do(t, "article", chromedp.Click(chromedp.CSS(".timeline li a")), chromedp.WaitVisible(chromedp.CSS(".article h1")))
	loc = read(t, b, "article", chromedp.Location())
	text = read(t, b, "article", chromedp.Text(chromedp.CSS(".actions")))
	if !strings.Contains(loc, "/news/") || !strings.Contains(text, "Read it on") || !strings.Contains(text, "AMP page") {
		t.Errorf("article: at %s, actions %q", loc, text)
	}
	b.screenshot(t, "article")
	b.check(t, "article", nil)

	// Page through a topic with the pager.
	b.do(t, "topic",
		chromedp.Navigate(base+"/topics/joe-biden/"),
		chromedp.WaitVisible(chromedp.CSS(".pager")),
		chromedp.Click(chromedp.CSS(".pager a[rel=next]")),
		chromedp.WaitVisible(chromedp.CSS(".pager a[rel=prev]")),
		chromedp.Click(chromedp.CSS(".pager a[rel=next]")),
		chromedp.WaitNotPresent(chromedp.CSS(".pager a[rel=next]")),
	)
	loc = read(t, b, "topic", chromedp.Location())
	n := read(t, b, "topic", chromedp.Evaluate[int](`document.querySelectorAll('main .card').length`))
	if !strings.HasSuffix(loc, "/topics/joe-biden/page/3/") || n != 4 {
		t.Errorf("topic: at %s with %d cards, want page 3 with 4", loc, n)
	}
	b.screenshot(t, "topic")
	b.check(t, "topic", nil)

	// Search from the box in the header.
	b.do(t, "search",
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS("#q")),
		chromedp.SendKeys(chromedp.CSS("#q"), "border\n"),
		// The status line is on the results page only (the home page has cards too).
		chromedp.WaitVisible(chromedp.CSS("main [role=status]")),
		chromedp.WaitVisible(chromedp.CSS("main .grid .card")),
	)
	loc = read(t, b, "search", chromedp.Location())
	text = read(t, b, "search", chromedp.Text(chromedp.CSS("main")))
	if !strings.Contains(loc, "q=border") || !strings.Contains(text, "5 articles match") {
		t.Errorf("search: at %s, page says %q", loc, text)
	}
	b.screenshot(t, "search")
	b.check(t, "search", nil)

	// The other pages load cleanly too; a bad search is answered 400 on
	// purpose, and the browser logs that status.
	for _, p := range []string{"/events/", "/people/", "/learning/", "/search?q=%22broken"} {
		b.do(t, p, chromedp.Navigate(base+p), chromedp.WaitVisible(chromedp.CSS("main")))
		if name := strings.Trim(p, "/"); name == "events" || name == "people" {
			b.screenshot(t, name)
		}
		b.check(t, p, func(e string) bool {
			return strings.HasPrefix(p, "/search") && strings.Contains(e, "400") ||
				p == "/learning/" && strings.Contains(e, "youtube") // the embed's host does not resolve here
		})
	}

	// Dark mode: the same pages in the browser's dark scheme.
	dark := emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}}
	if _, err := chromedp.Call(b.ctx, emulation.SetEmulatedMedia, dark); err != nil {
		t.Fatal(err)
	}
	b.do(t, "dark home", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS(".lead .card")))
	bg := read(t, b, "dark home", chromedp.Evaluate[string](`getComputedStyle(document.body).backgroundColor`))
	if bg == "rgb(246, 247, 249)" {
		t.Errorf("dark home: the background stayed light (%s)", bg)
	}
	b.screenshot(t, "home-dark")
	b.do(t, "dark story", chromedp.Click(chromedp.CSS(".lead a.coverage")), chromedp.WaitVisible(chromedp.CSS(".voice-bar")))
	b.screenshot(t, "story-dark")
	b.check(t, "dark", nil)
}

// TestBrowserStaticSearchDegrades opens the static build over a plain file
// server under a sub-path: its pages must load without errors, and with no
// search API there, the search page must say search is unavailable.
func TestBrowserStaticSearchDegrades(t *testing.T) {
	b := newBrowser(t)
	h, _ := browserHub(t)
	dir := t.TempDir()
	if err := h.build(t, dir); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.StripPrefix("/hub", http.FileServer(http.Dir(dir))))
	defer srv.Close()
	b.do(t, "static home", chromedp.Navigate(srv.URL+"/hub/"), chromedp.WaitVisible(chromedp.CSS(".lead .card")))
	b.check(t, "static home", nil)
	b.do(t, "static story", chromedp.Click(chromedp.CSS(".lead a.coverage")), chromedp.WaitVisible(chromedp.CSS(".voice-bar")))
	b.check(t, "static story", nil)
	b.do(t, "static search",
		chromedp.SendKeys(chromedp.CSS("#q"), "border\n"),
		chromedp.WaitVisible(chromedp.CSS("#search-status.notice")),
	)
	text := read(t, b, "static search", chromedp.Text(chromedp.CSS("#search-status")))
	if !strings.Contains(text, "not available in this static copy") {
		t.Errorf("static search says %q", text)
	}
	// The probe for a live search API fails by design.
	b.check(t, "static search", func(e string) bool { return strings.Contains(e, "404") })
}

// demoHub serves gen's synthetic hub (a few hundred articles from dozens of
// publishers, people, events) through the real server, with every picture
// drawn on loopback.
func demoHub(t *testing.T, articles int) string {
	t.Helper()
	mux := http.NewServeMux()
	var handler http.Handler
	mux.HandleFunc("/img/", imageServer)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	img := srv.URL + "/img/"
	var recs []*model.Record
	n := 0
	local := func(ims []model.Image, name string) {
		for i := range ims {
			n++
			ims[i].URL = fmt.Sprintf("%s%s-%d.svg", img, name, n)
		}
	}
	now := time.Now().UTC().Truncate(time.Minute)
	err := genRecords(articles, now, func(r *model.Record) error {
		switch {
		case r.Article != nil:
			local(r.Article.Images, "photo")
			for i := range r.Article.Provider.Images {
				r.Article.Provider.Images[i].URL = img + "logo-" + r.Article.Provider.Domain + ".svg"
			}
			for i := range r.Article.Related {
				local(r.Article.Related[i].Images, "photo")
			}
		case r.Organization != nil:
			for i := range r.Organization.Images {
				r.Organization.Images[i].URL = img + "logo-" + r.Organization.Domain + ".svg"
			}
		case r.Person != nil:
			local(r.Person.Images, "person")
		case r.Event != nil:
			local(r.Event.Images, "event")
		case r.Learning != nil:
			local(r.Learning.Images, "learning")
		}
		recs = append(recs, r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	h := newHubAt(t, newHubFrom(t, recs).st, time.Now)
	handler = h.srv
	return srv.URL
}

// TestBrowserDemoHub walks gen's synthetic hub the way a reader would and
// saves its screenshots: the home page, a story's full coverage, an article,
// two topic pages, a search for words of the top story, events and people.
func TestBrowserDemoHub(t *testing.T) {
	b := newBrowser(t)
	base := demoHub(t, 400)

	b.do(t, "demo home", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS(".lead .card")))
	title := read(t, b, "demo home", chromedp.Text(chromedp.CSS(".lead h3")))
	sections := read(t, b, "demo home", chromedp.Evaluate[int](`document.querySelectorAll('.topic-section').length`))
	if title == "" || sections < 2 {
		t.Errorf("demo home: lead %q, %d topic sections", title, sections)
	}
	b.screenshot(t, "demo-home")
	b.check(t, "demo home", nil)

	// The first card of the grid whose story has several sources.
	b.do(t, "demo story", chromedp.Click(chromedp.CSS("main .card a.coverage")), chromedp.WaitVisible(chromedp.CSS(".balance")))
	groups := read(t, b, "demo story", chromedp.Evaluate[int](`document.querySelectorAll('.voice-group').length`))
	steps := read(t, b, "demo story", chromedp.Evaluate[int](`document.querySelectorAll('.timeline li').length`))
	if groups < 1 || steps < 2 {
		t.Errorf("demo story: %d voice groups, %d timeline entries", groups, steps)
	}
	b.screenshot(t, "demo-story")
	b.check(t, "demo story", nil)

	b.do(t, "demo article", chromedp.Click(chromedp.CSS(".groups .item-title")), chromedp.WaitVisible(chromedp.CSS(".article .actions")))
	b.screenshot(t, "demo-article")
	b.check(t, "demo article", nil)

	b.do(t, "demo topic", chromedp.Click(chromedp.CSS(".sections li:nth-child(2) a")), chromedp.WaitVisible(chromedp.CSS("main .grid")))
	if n := read(t, b, "demo topic", chromedp.Evaluate[int](`document.querySelectorAll('.pager a[rel=next]').length`)); n > 0 {
		b.do(t, "demo topic page 2", chromedp.Click(chromedp.CSS(".pager a[rel=next]")), chromedp.WaitVisible(chromedp.CSS(".pager a[rel=prev]")))
	}
	b.screenshot(t, "demo-topic")
	b.check(t, "demo topic", nil)

	word := strings.Fields(title)[0]
	b.do(t, "demo search", chromedp.SendKeys(chromedp.CSS("#q"), word+"\n"), chromedp.WaitVisible(chromedp.CSS("main [role=status]")))
	status := read(t, b, "demo search", chromedp.Text(chromedp.CSS("main [role=status]")))
	if !strings.Contains(status, "match") || strings.HasPrefix(status, "0 ") {
		t.Errorf("demo search for %q: %q", word, status)
	}
	b.screenshot(t, "demo-search")
	b.check(t, "demo search", nil)

	for _, p := range []string{"events", "people"} {
		b.do(t, "demo "+p, chromedp.Navigate(base+"/"+p+"/"), chromedp.WaitVisible(chromedp.CSS("main h1")))
		b.screenshot(t, "demo-"+p)
		b.check(t, "demo "+p, nil)
	}
}
