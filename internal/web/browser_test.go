package web

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"newshub/internal/model"
	"newshub/internal/testutil/browser"
)

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

// TestBrowserJourney drives a real Chromium through the site served by the
// real server: home, a story's full coverage, an article, topic pages,
// search; no page may report an error and the hostile title must show as
// text.
func TestBrowserJourney(t *testing.T) {
	b := browser.New(t)
	_, base := browserHub(t)

	// Home.
	b.Do(t, "home", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS(".lead .card")))
	text := browser.Read(t, b, "home", chromedp.Evaluate[string](`document.body.innerText`))
	if !strings.Contains(text, xssTitle) {
		t.Errorf("home: the hostile title is not shown as text")
	}
	if n := browser.Read(t, b, "home", chromedp.Evaluate[int](`document.querySelectorAll('img[src="x"]').length`)); n != 0 {
		t.Errorf("home: the hostile title became %d image elements", n)
	}
	broken := browser.Read(t, b, "home", chromedp.Evaluate[int](`[...document.images].filter(i => i.complete && i.naturalWidth === 0 && i.loading !== "lazy").length`))
	if broken != 0 {
		t.Errorf("home: %d images failed to load", broken)
	}
	b.Screenshot(t, "home", 360, 1280)
	b.Check(t, "home")

	// Follow the top story to its full coverage.
	b.Do(t, "story", chromedp.Click(chromedp.CSS(".lead a.coverage")), chromedp.WaitVisible(chromedp.CSS(".voice-bar")))
	loc := browser.Read(t, b, "story", chromedp.Location())
	text = browser.Read(t, b, "story", chromedp.Text(chromedp.CSS(".balance")))
	if !strings.Contains(loc, "/stories/") || !strings.Contains(text, "Blindspot") {
		t.Errorf("story: at %s, balance says %q", loc, text)
	}
	b.Screenshot(t, "story", 360, 1280)
	b.Check(t, "story")

	// Open an article from the timeline.
	b.Do(t, "article", chromedp.Click(chromedp.CSS(".timeline li a")), chromedp.WaitVisible(chromedp.CSS(".article h1")))
	loc = browser.Read(t, b, "article", chromedp.Location())
	text = browser.Read(t, b, "article", chromedp.Text(chromedp.CSS(".actions")))
	if !strings.Contains(loc, "/news/") || !strings.Contains(text, "Read it on") || !strings.Contains(text, "AMP page") {
		t.Errorf("article: at %s, actions %q", loc, text)
	}
	b.Screenshot(t, "article", 360, 1280)
	b.Check(t, "article")

	// Page through a topic with the pager.
	b.Do(t, "topic",
		chromedp.Navigate(base+"/topics/joe-biden/"),
		chromedp.WaitVisible(chromedp.CSS(".pager")),
		chromedp.Click(chromedp.CSS(".pager a[rel=next]")),
		chromedp.WaitVisible(chromedp.CSS(".pager a[rel=prev]")),
		chromedp.Click(chromedp.CSS(".pager a[rel=next]")),
		chromedp.WaitNotPresent(chromedp.CSS(".pager a[rel=next]")),
	)
	loc = browser.Read(t, b, "topic", chromedp.Location())
	n := browser.Read(t, b, "topic", chromedp.Evaluate[int](`document.querySelectorAll('main .card').length`))
	if !strings.HasSuffix(loc, "/topics/joe-biden/page/3/") || n != 4 {
		t.Errorf("topic: at %s with %d cards, want page 3 with 4", loc, n)
	}
	b.Screenshot(t, "topic", 360, 1280)
	b.Check(t, "topic")

	// Search from the box in the header.
	b.Do(t, "search",
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS("#q")),
		chromedp.SendKeys(chromedp.CSS("#q"), "border\n"),
		// The status line is on the results page only (the home page has cards too).
		chromedp.WaitVisible(chromedp.CSS("main [role=status]")),
		chromedp.WaitVisible(chromedp.CSS("main .grid .card")),
	)
	loc = browser.Read(t, b, "search", chromedp.Location())
	text = browser.Read(t, b, "search", chromedp.Text(chromedp.CSS("main")))
	if !strings.Contains(loc, "q=border") || !strings.Contains(text, "5 articles match") {
		t.Errorf("search: at %s, page says %q", loc, text)
	}
	b.Screenshot(t, "search", 360, 1280)
	b.Check(t, "search")

	// The other pages load cleanly too; a bad search is answered 400 on
	// purpose, and the browser logs that status.
	for _, p := range []string{"/events/", "/people/", "/learning/", "/search?q=%22broken",
		"/event/2026-12-01-final-debate/", "/people/jane-senator/", "/people/collections/senators/", "/learning/videos/civics-how-votes-count/"} {
		b.Do(t, p, chromedp.Navigate(base+p), chromedp.WaitVisible(chromedp.CSS("main")))
		if name := strings.Trim(p, "/"); name == "events" || name == "people" {
			b.Screenshot(t, name, 360, 1280)
		}
		var allow []string
		switch {
		case strings.HasPrefix(p, "/search"):
			allow = []string{"400"}
		case p == "/learning/" || strings.HasPrefix(p, "/learning/videos/"):
			allow = []string{"youtube"} // the embed's host does not resolve here
		}
		b.Check(t, p, allow...)
	}

	// Dark mode: the same pages in the browser's dark scheme.
	dark := emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}}
	if _, err := chromedp.Call(b.Ctx, emulation.SetEmulatedMedia, dark); err != nil {
		t.Fatal(err)
	}
	b.Do(t, "dark home", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS(".lead .card")))
	bg := browser.Read(t, b, "dark home", chromedp.Evaluate[string](`getComputedStyle(document.body).backgroundColor`))
	if bg == "rgb(246, 247, 249)" {
		t.Errorf("dark home: the background stayed light (%s)", bg)
	}
	b.Screenshot(t, "home-dark", 360, 1280)
	b.Do(t, "dark story", chromedp.Click(chromedp.CSS(".lead a.coverage")), chromedp.WaitVisible(chromedp.CSS(".voice-bar")))
	b.Screenshot(t, "story-dark", 360, 1280)
	b.Check(t, "dark")
}

// TestBrowserStaticSearchDegrades opens the static build over a plain file
// server under a sub-path: its pages must load without errors, and with no
// search API there, the search page must say search is unavailable.
func TestBrowserStaticSearchDegrades(t *testing.T) {
	b := browser.New(t)
	h, _ := browserHub(t)
	dir := t.TempDir()
	if err := h.build(t, dir); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.StripPrefix("/hub", http.FileServer(http.Dir(dir))))
	defer srv.Close()
	b.Do(t, "static home", chromedp.Navigate(srv.URL+"/hub/"), chromedp.WaitVisible(chromedp.CSS(".lead .card")))
	b.Check(t, "static home")
	b.Do(t, "static story", chromedp.Click(chromedp.CSS(".lead a.coverage")), chromedp.WaitVisible(chromedp.CSS(".voice-bar")))
	b.Check(t, "static story")
	b.Do(t, "static search",
		chromedp.SendKeys(chromedp.CSS("#q"), "border\n"),
		chromedp.WaitVisible(chromedp.CSS("#search-status.notice")),
	)
	text := browser.Read(t, b, "static search", chromedp.Text(chromedp.CSS("#search-status")))
	if !strings.Contains(text, "not available in this static copy") {
		t.Errorf("static search says %q", text)
	}
	// The probe for a live search API fails by design.
	b.Check(t, "static search", "404")
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
	b := browser.New(t)
	base := demoHub(t, 400)

	b.Do(t, "demo home", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS(".lead .card")))
	title := browser.Read(t, b, "demo home", chromedp.Text(chromedp.CSS(".lead h3")))
	sections := browser.Read(t, b, "demo home", chromedp.Evaluate[int](`document.querySelectorAll('.topic-section').length`))
	if title == "" || sections < 2 {
		t.Errorf("demo home: lead %q, %d topic sections", title, sections)
	}
	b.Screenshot(t, "demo-home", 360, 1280)
	b.Check(t, "demo home")

	// The first card of the grid whose story has several sources.
	b.Do(t, "demo story", chromedp.Click(chromedp.CSS("main .card a.coverage")), chromedp.WaitVisible(chromedp.CSS(".balance")))
	groups := browser.Read(t, b, "demo story", chromedp.Evaluate[int](`document.querySelectorAll('.voice-group').length`))
	steps := browser.Read(t, b, "demo story", chromedp.Evaluate[int](`document.querySelectorAll('.timeline li').length`))
	if groups < 1 || steps < 2 {
		t.Errorf("demo story: %d voice groups, %d timeline entries", groups, steps)
	}
	b.Screenshot(t, "demo-story", 360, 1280)
	b.Check(t, "demo story")

	b.Do(t, "demo article", chromedp.Click(chromedp.CSS(".groups .item-title")), chromedp.WaitVisible(chromedp.CSS(".article .actions")))
	b.Screenshot(t, "demo-article", 360, 1280)
	b.Check(t, "demo article")

	b.Do(t, "demo topic", chromedp.Click(chromedp.CSS(".sections li:nth-child(2) a")), chromedp.WaitVisible(chromedp.CSS("main .grid")))
	if n := browser.Read(t, b, "demo topic", chromedp.Evaluate[int](`document.querySelectorAll('.pager a[rel=next]').length`)); n > 0 {
		b.Do(t, "demo topic page 2", chromedp.Click(chromedp.CSS(".pager a[rel=next]")), chromedp.WaitVisible(chromedp.CSS(".pager a[rel=prev]")))
	}
	b.Screenshot(t, "demo-topic", 360, 1280)
	b.Check(t, "demo topic")

	word := strings.Fields(title)[0]
	b.Do(t, "demo search", chromedp.SendKeys(chromedp.CSS("#q"), word+"\n"), chromedp.WaitVisible(chromedp.CSS("main [role=status]")))
	status := browser.Read(t, b, "demo search", chromedp.Text(chromedp.CSS("main [role=status]")))
	if !strings.Contains(status, "match") || strings.HasPrefix(status, "0 ") {
		t.Errorf("demo search for %q: %q", word, status)
	}
	b.Screenshot(t, "demo-search", 360, 1280)
	b.Check(t, "demo search")

	for _, p := range []string{"events", "people"} {
		b.Do(t, "demo "+p, chromedp.Navigate(base+"/"+p+"/"), chromedp.WaitVisible(chromedp.CSS("main h1")))
		b.Screenshot(t, "demo-"+p, 360, 1280)
		b.Check(t, "demo "+p)
	}
	// A person's page, from the list.
	b.Do(t, "demo person", chromedp.Click(chromedp.CSS(".people .person h3 a")), chromedp.WaitVisible(chromedp.CSS(".record h1")))
	if loc := browser.Read(t, b, "demo person", chromedp.Location()); !strings.Contains(loc, "/people/") || strings.HasSuffix(loc, "/people/") {
		t.Errorf("demo person: at %s, want a person's page", loc)
	}
	b.Screenshot(t, "demo-person", 360, 1280)
	b.Check(t, "demo person")
}

// TestBrowserLongWordsFitAPhone shows an article whose title, excerpt and
// publisher hold words longer than a phone is wide (an address, a name run
// together, a hashtag) on every page it is on, 360 px wide: no page may
// scroll sideways, the words breaking where they must.
func TestBrowserLongWordsFitAPhone(t *testing.T) {
	const (
		word = "Supercalifragilisticexpialidociousandantidisestablishmentarianism"
		name = "TheDailyMorningCourierAndEveningGazetteOfGreaterMetropolis"
	)
	mux := http.NewServeMux()
	var handler http.Handler
	mux.HandleFunc("/img/", imageServer)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	recs := fixtureRecords(srv.URL + "/img/")
	long := newsRec(srv.URL+"/img/", "long-words", "Senate "+word+" border #"+word, "courier.example.com", name,
		"s-long", 20*time.Minute, true, "Joe Biden")
	long.Article.Heat = 500
	long.Article.Excerpt = "See https://courier.example.com/2026/11/20/" + word + "-" + word + "/index.html?utm_source=" + word
	recs = append(recs, long,
		newsRec(srv.URL+"/img/", "long-words-2", "Senate border "+word, "reuters.com", "Reuters", "s-long", 40*time.Minute, false, "Joe Biden"))
	h := newHubFrom(t, recs)
	handler = h.srv
	b := browser.New(t)
	phone := emulation.SetDeviceMetricsOverrideParams{Width: 360, Height: 800, DeviceScaleFactor: 1, Mobile: true}
	if _, err := chromedp.Call(b.Ctx, emulation.SetDeviceMetricsOverride, phone); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/", "/stories/s-long/", "/" + pagePath(long), "/topics/joe-biden/", "/search/?q=" + word} {
		b.Do(t, p, chromedp.Navigate(srv.URL+p), chromedp.WaitVisible(chromedp.CSS("main")))
		if !strings.Contains(browser.Read(t, b, p, chromedp.Evaluate[string](`document.body.innerText`)), word) {
			t.Errorf("%s: the long word is not on the page", p)
		}
		if w := browser.Read(t, b, p, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 360 {
			t.Errorf("%s: the page is %d px wide on a 360 px phone", p, w)
		}
		b.Check(t, p)
	}
}

// TestBrowserStaticSearchPages opens the static build under a sub-path of
// a host that answers the search API beside it, as deploy.md tells: a
// search matching more than a page must lead to the next page and back,
// as the live site's does.
func TestBrowserStaticSearchPages(t *testing.T) {
	b := browser.New(t)
	h, _ := browserHub(t)
	dir := t.TempDir()
	if err := h.build(t, dir); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/hub/api/search", http.StripPrefix("/hub", h.srv))
	mux.Handle("/hub/", http.StripPrefix("/hub", http.FileServer(http.Dir(dir))))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	cards := `document.querySelectorAll('#search-results .card').length`
	b.Do(t, "static search", chromedp.Navigate(srv.URL+"/hub/search/?q=biden"),
		chromedp.WaitVisible(chromedp.CSS("#search-results .card")))
	status := browser.Read(t, b, "static search", chromedp.Text(chromedp.CSS("#search-status")))
	if n := browser.Read(t, b, "static search", chromedp.Evaluate[int](cards)); n != searchPageSize || !strings.Contains(status, "24 articles match") {
		t.Fatalf("static search: %d cards, status %q; want %d of 24", n, status, searchPageSize)
	}
	// The title says what the live page's says.
	title := func(step string) string { return browser.Read(t, b, step, chromedp.Evaluate[string](`document.title`)) }
	if s := title("static search"); s != "“biden” · Search · Election Hub" {
		t.Errorf("static search: the title is %q", s)
	}
	b.Do(t, "static search page 2", chromedp.Click(chromedp.CSS("#search-results .pager a[rel=next]")),
		chromedp.WaitVisible(chromedp.CSS("#search-results .pager a[rel=prev]")))
	loc := browser.Read(t, b, "static search page 2", chromedp.Location())
	if n := browser.Read(t, b, "static search page 2", chromedp.Evaluate[int](cards)); n != 24-searchPageSize || !strings.Contains(loc, "page=2") {
		t.Errorf("static search page 2: %d cards at %s; want %d", n, loc, 24-searchPageSize)
	}
	if s := title("static search page 2"); s != "“biden”, page 2 · Search · Election Hub" {
		t.Errorf("static search page 2: the title is %q", s)
	}
	if n := browser.Read(t, b, "static search page 2", chromedp.Evaluate[int](`document.querySelectorAll('#search-results .pager a[rel=next]').length`)); n != 0 {
		t.Errorf("static search page 2: the last page links to a next one")
	}
	b.Do(t, "static search back", chromedp.Click(chromedp.CSS("#search-results .pager a[rel=prev]")),
		chromedp.WaitVisible(chromedp.CSS("#search-results .pager a[rel=next]")))
	if n := browser.Read(t, b, "static search back", chromedp.Evaluate[int](cards)); n != searchPageSize {
		t.Errorf("static search back on page 1: %d cards", n)
	}
	b.Check(t, "static search")
	b.Do(t, "static bad search", chromedp.Navigate(srv.URL+"/hub/search/?q=%22broken"), chromedp.WaitVisible(chromedp.CSS("#search-status.error")))
	if s := title("static bad search"); s != "Error: “\"broken” · Search · Election Hub" {
		t.Errorf("static bad search: the title is %q", s)
	}
	b.Check(t, "static bad search", "400") // the API answers it so
}

// TestBrowserStaticSearchSaysWhatTheLiveOneSays opens the static build's
// search as TestBrowserStaticSearchPages does, where the live site's page
// says more than the count: where the results end for a page past them (a
// link kept from before articles left), that nothing matches, and that a
// broad search shows the matches added most recently.
func TestBrowserStaticSearchSaysWhatTheLiveOneSays(t *testing.T) {
	b := browser.New(t)
	h, _ := browserHub(t)
	dir := t.TempDir()
	if err := h.build(t, dir); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/hub/api/search", http.StripPrefix("/hub", h.srv))
	mux.Handle("/hub/", http.StripPrefix("/hub", http.FileServer(http.Dir(dir))))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	results := func(step, query string) string {
		b.Do(t, step, chromedp.Navigate(srv.URL+"/hub/search/?"+query),
			chromedp.WaitReady(chromedp.CSS("#search-results .grid")))
		return browser.Read(t, b, step, chromedp.Evaluate[string](`document.getElementById('search-results').innerText`))
	}

	text := results("past the end", "q=biden&page=5") // 24 match: two pages
	if !strings.Contains(text, "The results end on page 2: go to page 2.") {
		t.Errorf("static search past the end says %q; want where the results end", text)
	}
	last := browser.Read(t, b, "past the end", chromedp.Evaluate[string](
		`Array.from(document.querySelectorAll('#search-results a')).filter(a => a.textContent === 'go to page 2').map(a => a.href).join()`))
	if !strings.Contains(last, "/hub/search/?") || !strings.Contains(last, "page=2") || !strings.Contains(last, "q=biden") {
		t.Errorf("static search past the end: the last page's link is %q", last)
	}
	if prev := browser.Read(t, b, "past the end", chromedp.Evaluate[int](`document.querySelectorAll('#search-results .pager a[rel=prev]').length`)); prev != 0 {
		t.Errorf("static search past the end links to a previous page, itself past the end")
	}

	if text := results("nothing", "q=zzqqxxnothing"); !strings.Contains(text, "Nothing matches.") {
		t.Errorf("static search matching nothing says %q", text)
	}

	h.web.rankLimit = 10
	if text := results("bounded", "q=biden"); !strings.Contains(text, "Showing the best of the 10 added most recently.") {
		t.Errorf("bounded static search says %q; want that it shows the 10 added most recently", text)
	}
	b.Check(t, "static search")
}

// TestBrowserEveryPageFitsTheNarrowestPhone opens a page of every kind 320
// px wide (the narrowest phones in use), light and dark: none may scroll
// sideways, as a grid whose columns are wider than the screen made the
// learning page do.
func TestBrowserEveryPageFitsTheNarrowestPhone(t *testing.T) {
	_, base := browserHub(t)
	b := browser.New(t)
	phone := emulation.SetDeviceMetricsOverrideParams{Width: 320, Height: 700, DeviceScaleFactor: 1, Mobile: true}
	if _, err := chromedp.Call(b.Ctx, emulation.SetDeviceMetricsOverride, phone); err != nil {
		t.Fatal(err)
	}
	pages := []string{"/", "/topics/joe-biden/", "/topics/joe-biden/page/2/", "/stories/s-border/",
		"/news/" + fixtureNow.Add(-2*time.Hour).Format("2006/01/02") + "/senate-passes-border-bill/",
		"/search/?q=border", "/events/", "/people/", "/learning/", "/newsletters/"}
	for _, scheme := range []string{"light", "dark"} {
		media := emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}}
		if _, err := chromedp.Call(b.Ctx, emulation.SetEmulatedMedia, media); err != nil {
			t.Fatal(err)
		}
		for _, p := range pages {
			step := p + " " + scheme
			b.Do(t, step, chromedp.Navigate(base+p), chromedp.WaitVisible(chromedp.CSS("main h1")))
			if w := browser.Read(t, b, step, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 320 {
				wide := browser.Read(t, b, step, chromedp.Evaluate[string](`[...document.querySelectorAll('main *')].
					filter(e => e.getBoundingClientRect().right > 321).slice(0, 3).map(e => e.tagName + "." + e.className).join(", ")`))
				t.Errorf("%s: the page is %d px wide on a 320 px phone (%s)", step, w, wide)
			}
			b.Check(t, step, "youtube")
		}
	}
}

// TestBrowserRightToLeftTextReadsRightToLeft shows an Arabic article on
// every page it is on, live and in the static build's search: its title,
// excerpt and publisher must each take the direction of their own text,
// as the pages are English, or the punctuation at a title's end shows at
// its start and the title is aligned as English is.
func TestBrowserRightToLeftTextReadsRightToLeft(t *testing.T) {
	const (
		title   = "الانتخابات تقترب: من سيفوز في 2026؟!"
		excerpt = "قال المرشح يوم الأحد إن حملته ستزور 12 مدينة."
		name    = "صحيفة الغد"
	)
	mux := http.NewServeMux()
	var handler http.Handler
	mux.HandleFunc("/img/", imageServer)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	recs := fixtureRecords(srv.URL + "/img/")
	rtl := newsRec(srv.URL+"/img/", "rtl-title", title, "alghad.example.com", name, "s-rtl", 20*time.Minute, true, "Joe Biden")
	rtl.Article.Heat = 500
	rtl.Article.Excerpt = excerpt
	other := newsRec(srv.URL+"/img/", "rtl-title-2", "Election draws near: who wins in 2026?", "reuters.com", "Reuters", "s-rtl", 40*time.Minute, false, "Joe Biden")
	other.Article.Related = []model.Related{{Title: title, Excerpt: excerpt, WebURL: rtl.Article.WebURL,
		Provider: model.Provider{Name: name, Domain: "alghad.example.com"}, PublishedDateTime: rtl.Article.PublishedDateTime}}
	recs = append(recs, rtl, other)
	h := newHubFrom(t, recs)
	handler = h.srv
	dir := t.TempDir()
	if err := h.build(t, dir); err != nil {
		t.Fatal(err)
	}
	mux.Handle("/static/api/search", http.StripPrefix("/static", h.srv))
	mux.Handle("/static/", http.StripPrefix("/static", http.FileServer(http.Dir(dir))))

	// The direction of each innermost element holding exactly one of the
	// texts, by text.
	const directions = `(() => { const out = {}; const texts = %q;
		for (const e of document.querySelectorAll('main *')) {
			const s = e.textContent.trim();
			if (!texts.includes(s) || [...e.children].some(c => c.textContent.trim() === s)) continue;
			(out[s] = out[s] || []).push(getComputedStyle(e).direction);
		}
		return JSON.stringify(out); })()`
	texts := []string{title, excerpt, name}
	b := browser.New(t)
	for _, p := range []string{"/", "/topics/joe-biden/", "/stories/s-rtl/", "/" + pagePath(rtl), "/" + pagePath(other),
		"/search/?q=" + url.QueryEscape("الانتخابات"), "/static/search/?q=" + url.QueryEscape("الانتخابات")} {
		wait := chromedp.WaitVisible(chromedp.CSS("main h1"))
		if strings.HasPrefix(p, "/static/") {
			wait = chromedp.WaitVisible(chromedp.CSS("#search-results .card"))
		}
		b.Do(t, p, chromedp.Navigate(srv.URL+p), wait)
		js, _ := json.Marshal(texts)
		got := browser.Read(t, b, p, chromedp.Evaluate[string](fmt.Sprintf(directions, string(js))))
		var dirs map[string][]string
		if err := json.Unmarshal([]byte(got), &dirs); err != nil {
			t.Fatal(err)
		}
		if len(dirs[title]) == 0 {
			t.Errorf("%s: the title is not on the page", p)
		}
		for _, s := range texts {
			for _, d := range dirs[s] {
				if d != "rtl" {
					t.Errorf("%s: %q reads %s", p, s, d)
				}
			}
		}
		b.Check(t, p)
	}
}

// TestBrowserHeadingsGoDownOneLevelAtATime reads the headings of a page of
// every kind, live and the static build's search, as a screen reader
// lists them: one h1, and no heading more than one level below the one
// before it (a story card's h3 right under the page's h1 skipped a level).
func TestBrowserHeadingsGoDownOneLevelAtATime(t *testing.T) {
	h, base := browserHub(t)
	dir := t.TempDir()
	if err := h.build(t, dir); err != nil {
		t.Fatal(err)
	}
	static := http.NewServeMux()
	static.Handle("/hub/api/search", http.StripPrefix("/hub", h.srv))
	static.Handle("/hub/", http.StripPrefix("/hub", http.FileServer(http.Dir(dir))))
	ssrv := httptest.NewServer(static)
	defer ssrv.Close()
	b := browser.New(t)
	const skips = `(() => { const out = []; let last = 0, ones = 0;
		for (const e of document.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
			const l = +e.tagName[1];
			if (l === 1) ones++;
			if (l > last + 1) out.push("h" + last + " to h" + l + " at " + JSON.stringify(e.textContent.trim().slice(0, 40)));
			last = l;
		}
		if (ones !== 1) out.push(ones + " h1");
		return out.join("; "); })()`
	pages := []string{base + "/", base + "/topics/joe-biden/", base + "/topics/joe-biden/page/3/", base + "/stories/s-border/",
		base + "/news/" + fixtureNow.Add(-3*time.Hour).Format("2006/01/02") + "/border-bill-clears-senate/",
		base + "/search/?q=border", base + "/events/", base + "/people/", base + "/learning/", base + "/newsletters/",
		ssrv.URL + "/hub/search/?q=border"}
	for _, p := range pages {
		wait := chromedp.WaitVisible(chromedp.CSS("main h1"))
		if strings.HasPrefix(p, ssrv.URL) {
			wait = chromedp.WaitVisible(chromedp.CSS("#search-results .card"))
		}
		b.Do(t, p, chromedp.Navigate(p), wait)
		if s := browser.Read(t, b, p, chromedp.Evaluate[string](skips)); s != "" {
			t.Errorf("%s: %s", strings.TrimPrefix(strings.TrimPrefix(p, base), ssrv.URL), s)
		}
		b.Check(t, p, "youtube")
	}
}

// TestBrowserTextDoublesWithoutClipping sets the browser's text size to
// twice its default (a reader's setting, as WCAG's 1.4.4 has it) and opens
// the pages where text sits in boxes: the body text must grow with it,
// and no box may cut its text off, as the story's 28 px voice bar and the
// cards' one-line "Full coverage" link did. Excerpts cut short on purpose
// (line-clamp) and hidden headings are left aside.
func TestBrowserTextDoublesWithoutClipping(t *testing.T) {
	_, base := browserHub(t)
	b := browser.New(t)
	double := cdppage.SetFontSizesParams{FontSizes: &cdppage.FontSizes{Standard: 32, Fixed: 26}}
	if _, err := chromedp.Call(b.Ctx, cdppage.SetFontSizes, double); err != nil {
		t.Fatal(err)
	}
	const clipped = `(() => { const out = [];
		const size = getComputedStyle(document.body).fontSize;
		if (size !== "32px") out.push("the body's text is " + size);
		for (const e of document.querySelectorAll('main *')) {
			const s = getComputedStyle(e);
			if (e.closest('.vh') || !e.textContent.trim() || s.webkitLineClamp !== 'none') continue;
			if (s.overflowY === 'hidden' && e.scrollHeight > e.clientHeight + 1 || s.overflowX === 'hidden' && e.scrollWidth > e.clientWidth + 1)
				out.push(e.tagName + "." + e.className.replaceAll(" ", ".") + " cuts " + JSON.stringify(e.textContent.trim().slice(0, 30)));
		}
		return out.join("; "); })()`
	for _, p := range []string{"/", "/stories/s-border/"} {
		b.Do(t, p, chromedp.Navigate(base+p), chromedp.WaitVisible(chromedp.CSS("main h1")))
		if s := browser.Read(t, b, p, chromedp.Evaluate[string](clipped)); s != "" {
			t.Errorf("%s at twice the text size: %s", p, s)
		}
		b.Check(t, p)
	}
}

// TestBrowserFocusIsNotHiddenUnderTheHeader goes back through a page with
// Shift+Tab, and to its content by the skip link, on a wide screen whose
// header stays at the top: no control that takes focus, and not the start
// of the content, may be wholly under the header (WCAG 2.4.11), as the
// cards' headlines a row above the screen were.
func TestBrowserFocusIsNotHiddenUnderTheHeader(t *testing.T) {
	_, base := browserHub(t)
	b := browser.New(t)
	const hidden = `(() => { const e = document.activeElement, h = document.querySelector('.site-header');
		if (h.contains(e) || e === document.body) return "";
		const r = e.getBoundingClientRect();
		return r.bottom <= h.getBoundingClientRect().bottom ? e.tagName + " " + JSON.stringify(e.textContent.trim().slice(0, 40)) : ""; })()`
	b.Do(t, "home", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS("main h2")))
	browser.Read(t, b, "home", chromedp.Evaluate[bool](`window.scrollTo(0, document.body.scrollHeight); document.querySelector('.site-footer a').focus(); true`))
	for i := range 30 {
		b.Do(t, "home", chromedp.KeyEvent(kb.Tab, chromedp.KeyModifiers(chromedp.ModifierShift)))
		if s := browser.Read(t, b, "home", chromedp.Evaluate[string](hidden)); s != "" {
			t.Errorf("Shift+Tab %d: the focused %s is under the header", i+1, s)
		}
	}
	b.Do(t, "story", chromedp.Navigate(base+"/stories/s-border/"), chromedp.WaitVisible(chromedp.CSS("main h1")))
	browser.Read(t, b, "story", chromedp.Evaluate[bool](`window.scrollTo(0, 300); true`))
	b.Do(t, "story", chromedp.KeyEvent(kb.Tab), chromedp.KeyEvent(kb.Enter))
	const under = `document.querySelector('main h1').getBoundingClientRect().top < document.querySelector('.site-header').getBoundingClientRect().bottom`
	if browser.Read(t, b, "story", chromedp.Evaluate[bool](under)) {
		t.Errorf("the skip link leaves the page's heading under the header")
	}
	b.Check(t, "focus")
}
