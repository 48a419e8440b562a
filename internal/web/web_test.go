package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"newshub/internal/model"
	"newshub/internal/testutil"
)

// contains fails the test for each want missing from body.
func contains(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s: missing %q", what, w)
		}
	}
}

func lacks(t *testing.T, what, body string, bad ...string) {
	t.Helper()
	for _, b := range bad {
		if strings.Contains(body, b) {
			t.Errorf("%s: unexpected %q", what, b)
		}
	}
}

func TestHomeShowsRankedStoryCards(t *testing.T) {
	h := newHub(t, "https://img.example.org/")
	code, body := h.get(t, "/")
	if code != http.StatusOK {
		t.Fatalf("GET /: status %d", code)
	}
	contains(t, "home", body,
		"<title>Election Hub</title>",
		"Senate passes border bill after all-night session",
		`href="./stories/s-border/"`, // full coverage link
		`<span class="badge" style="--vfg:#FFFFFF;--vbg:#E81B23" title="Republican Voice">Republican</span>`,
		`<time datetime="2026-11-20T10:00:00Z" title="Friday 20 November 2026, 10:00 UTC" data-ago>2 h ago</time>`,
		`loading="lazy"`, `width="1200" height="675"`,
		`src="https://img.example.org/logo-foxnews.com.svg"`,
		`<link rel="canonical" href="https://hub.example.org/news/">`,
		`<meta property="og:title" content="Election Hub">`,
		`<meta property="og:image" content="https://img.example.org/photo-`,
		`<meta name="twitter:card" content="summary_large_image">`,
		`<link rel="alternate" type="application/rss&#43;xml" title="Election Hub (RSS)" href="./feeds/rss.xml">`,
		`<link rel="alternate" type="application/atom&#43;xml"`, `href="./feeds/feed.json"`,
		`<form class="search-box" role="search" action="./search/"`,
		`<main id="main"`, `<nav class="wrap sections" aria-label="Sections">`, `<html lang="en">`,
		`<a href="./topics/joe-biden/">All 24 stories on Joe Biden →</a>`,
		`<link rel="icon" type="image/svg+xml" href="./assets/favicon.svg?v=`,
		`<a href="./" aria-current="page">Top stories</a>`,
	)
	// Only leads are listed: a non-lead title must not be a card on the home page.
	lacks(t, "home", body, "Border bill clears the Senate")
	// The border story leads (heat 200, 2 h old) ahead of the older Biden stories.
	if i, j := strings.Index(body, "Senate passes border bill"), strings.Index(body, "Biden story number 00"); i < 0 || j < 0 || i > j {
		t.Errorf("home: the border story should rank above the Biden stories (at %d and %d)", i, j)
	}
}

func TestStoryCountsSourcesAndVoices(t *testing.T) {
	h := newHub(t, "https://img.example.org/")
	_, body := h.get(t, "/")
	// The border story has five publishers; its card lists both voices that covered it.
	contains(t, "home", body, "Full coverage<span class=\"count\"> · 5 sources</span>", `title="Democratic Voice">Democratic</span>`)
	// A story of one article has no full coverage link.
	lacks(t, "home", body, `href="./stories/s-biden-00/"`)
}

func TestRecordTextIsEscapedAndExcerptsSanitized(t *testing.T) {
	h := newHub(t, "https://img.example.org/")
	for _, path := range []string{"/", "/stories/s-xss/", "/news/2026/11/20/hostile-title/", "/search?q=onerror"} {
		code, body := h.get(t, path)
		if code != http.StatusOK {
			t.Fatalf("GET %s: status %d", path, code)
		}
		contains(t, path, body, "&lt;img src=x onerror=alert(1)&gt;")
		lacks(t, path, body, "<img src=x", "<script>alert", "javascript:alert", "onerror=alert(1)>")
	}
	_, body := h.get(t, "/news/2026/11/20/hostile-title/")
	contains(t, "article", body, "<b>Bold</b> text &amp; more")
}

func TestTopicPagesArePagedWithRelLinks(t *testing.T) {
	h := newHub(t, "https://img.example.org/")
	tests := []struct {
		path       string
		code       int
		wants      []string
		firstTitle string
	}{
		{"/topics/joe-biden/", 200, []string{`<link rel="next" href="../../topics/joe-biden/page/2/">`, "page 1 of 3",
			`<link rel="alternate" type="application/rss&#43;xml" title="Joe Biden (RSS)" href="../../feeds/joe-biden/rss.xml">`,
			`<link rel="canonical" href="https://hub.example.org/news/topics/joe-biden/">`, `aria-current="page">Joe Biden</a>`}, "Biden story number 00"},
		{"/topics/joe-biden/page/2/", 200, []string{`<link rel="prev" href="../../../../topics/joe-biden/">`,
			`<link rel="next" href="../../../../topics/joe-biden/page/3/">`, "page 2 of 3"}, "Biden story number 10"},
		{"/topics/joe-biden/page/3/", 200, []string{`<link rel="prev" href="../../../../topics/joe-biden/page/2/">`, "page 3 of 3"}, "Biden story number 20"},
		{"/topics/joe-biden/page/4/", 404, nil, ""},
		{"/topics/joe-biden/page/1/", 404, nil, ""},
		{"/topics/joe-biden/page/02/", 404, nil, ""},
		{"/topics/no-such-topic/", 404, nil, ""},
		{"/topics/republican-voice/", 200, []string{"Senate passes border bill", `<span class="badge" style="--vfg:#FFFFFF;--vbg:#E81B23">voice</span>`}, ""},
	}
	for _, tt := range tests {
		code, body := h.get(t, tt.path)
		if code != tt.code {
			t.Errorf("GET %s: status %d, want %d", tt.path, code, tt.code)
			continue
		}
		contains(t, tt.path, body, tt.wants...)
		if tt.firstTitle != "" {
			m := regexp.MustCompile(`<h3 dir="auto"><a href="[^"]*">([^<]*)</a></h3>`).FindStringSubmatch(body)
			if m == nil || m[1] != tt.firstTitle {
				t.Errorf("GET %s: first story %v, want %q", tt.path, m, tt.firstTitle)
			}
		}
	}
	_, last := h.get(t, "/topics/joe-biden/page/3/")
	lacks(t, "last page", last, `rel="next"`)
	if n := strings.Count(last, `<article class="card`); n != 4 {
		t.Errorf("last page: %d cards, want 4", n)
	}
}

func TestStoryPageGroupsByVoiceAndFlagsBlindspot(t *testing.T) {
	h := newHub(t, "https://img.example.org/")
	code, body := h.get(t, "/stories/s-border/")
	if code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	contains(t, "story", body,
		`<h1 dir="auto">Senate passes border bill after all-night session</h1>`,
		"5 articles from 5 sources",
		`aria-label="Coverage by voice: Republican Voice 3 (75%); Democratic Voice 1 (25%);"`,
		`width: 75.00%`, `width: 25.00%`,
		"<strong>Blindspot.</strong> 3 of the 4 articles with a voice label come from Republican Voice outlets",
		"Other outlets",
		"Percentages count the 4 articles with a voice label; 1 more comes from outlets without one.",
		`<span class="after">first report</span>`, `<span class="after">+3 h</span>`,
		`href="../../news/2026/11/20/border-bill-clears-senate/"`,
	)
	// The timeline runs oldest first: MSNBC (5 h ago) before Reuters (90 min ago).
	tl := body[strings.Index(body, `class="timeline"`):]
	if i, j := strings.Index(tl, "Senate border vote, explained"), strings.Index(tl, "Senate approves border measure"); i < 0 || j < 0 || i > j {
		t.Errorf("timeline order wrong: %d, %d", i, j)
	}

	_, balanced := h.get(t, "/stories/s-debate/")
	contains(t, "balanced story", balanced, "Democratic Voice 1 (50%)", "Republican Voice 1 (50%)")
	lacks(t, "balanced story", balanced, "Blindspot")

	lacks(t, "story", body, `aria-current="page"`) // no section is current
	if code, _ := h.get(t, "/stories/no-such-story/"); code != http.StatusNotFound {
		t.Errorf("unknown story: status %d, want 404", code)
	}
}

func TestArticlePageLinksOutAndToCoverage(t *testing.T) {
	h := newHub(t, "https://img.example.org/")
	code, body := h.get(t, "/news/2026/11/20/border-bill-clears-senate/")
	if code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	contains(t, "article", body,
		`<h1 dir="auto">Border bill clears the Senate</h1>`,
		`<a class="button" href="https://nypost.com/border-bill-clears-senate" rel="noopener">Read it on New York Post</a>`,
		`href="https://nypost.com/amp/border-bill-clears-senate" rel="noopener">AMP page</a>`,
		`href="../../../../../stories/s-border/">Full coverage · 5 sources</a>`,
		"More coverage of this story", "Senate passes border bill after all-night session",
		`<meta property="og:type" content="article">`,
		`<link rel="canonical" href="https://hub.example.org/news/news/2026/11/20/border-bill-clears-senate/">`,
	)
	// An archived record is found under the same kind of address.
	var archived string
	for _, r := range fixtureRecords("") {
		if strings.HasPrefix(r.Path, "_archive/news/") {
			archived = "/" + pagePath(r)
		}
	}
	if code, body := h.get(t, archived); code != http.StatusOK || !strings.Contains(body, "An archived article about polling") {
		t.Errorf("archived article: status %d", code)
	}
}

func TestUnknownPathsAnswer404Page(t *testing.T) {
	h := newHub(t, "https://img.example.org/")
	for _, p := range []string{"/nope/", "/news/2020/01/01/missing/", "/news/20/1/1/x/", "/stories/", "/assets/nope.css", "/topics/a/b/c/d/e/"} {
		code, body := h.get(t, p)
		if code != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", p, code)
			continue
		}
		contains(t, p, body, "Page not found", `<meta name="robots" content="noindex">`, `action="`)
	}
}

func TestFolderPagesRedirectToTrailingSlash(t *testing.T) {
	h := newHub(t, "https://img.example.org/")
	rec := httptest.NewRecorder()
	h.web.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/topics/joe-biden?x=1", nil))
	if rec.Code != http.StatusMovedPermanently || rec.Header().Get("Location") != "/topics/joe-biden/?x=1" {
		t.Errorf("redirect: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	// Never a redirect to another host.
	for _, p := range []string{"//evil.example", `/\evil.example`, "/\t/evil.example/x", "/\r\n/evil.example", "/\x7f/evil.example"} {
		rec = httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.URL.Path = p
		h.web.ServeHTTP(rec, req)
		if rec.Code != http.StatusNotFound || rec.Header().Get("Location") != "" {
			t.Errorf("GET %q: %d, Location %q", p, rec.Code, rec.Header().Get("Location"))
		}
	}
	rec = httptest.NewRecorder()
	h.web.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST /: status %d, want 405", rec.Code)
	}
}

func TestEventsPeopleAndLearningPages(t *testing.T) {
	h := newHub(t, "https://img.example.org/")
	_, ev := h.get(t, "/events/")
	up, past := strings.Index(ev, "Final debate"), strings.Index(ev, "First debate")
	if up < 0 || past < 0 || up > past || up < strings.Index(ev, "Upcoming") || past < strings.Index(ev, ">Past<") {
		t.Errorf("events: upcoming and past not split right (%d, %d)", up, past)
	}
	contains(t, "events", ev, "Nashville, TN", `<time datetime="2026-12-01T12:00:00Z"`)

	_, pp := h.get(t, "/people/")
	contains(t, "people", pp, "Jane Senator", "12,345 followers", "Senators", "1 more person not on this hub yet", `alt="Portrait of Jane Senator"`)
	if strings.Index(pp, "Jane Senator") > strings.Index(pp, "John Governor") {
		t.Error("people: not ordered by heat")
	}

	_, le := h.get(t, "/learning/")
	contains(t, "learning", le, `<iframe loading="lazy"`, `src="https://www.youtube.com/embed/abc"`, "2:22", "Civics basics", "What is the electoral college?",
		`<a href="../learning/books/civics-press-ballots/">Ballots, a history</a>`)
	lacks(t, "learning", le, "onload", "alert(4)", "alert(5)")
	_, book := h.get(t, "/learning/books/civics-press-ballots/")
	contains(t, "book", book, "<h1>Ballots, a history</h1>", `<a class="button" href="https://books.example.org/ballots/" rel="noopener">`)
}

func TestSearchPagesAndAPI(t *testing.T) {
	h := newHub(t, "https://img.example.org/")
	code, body := h.get(t, "/search?q=border")
	if code != http.StatusOK {
		t.Fatalf("search: status %d", code)
	}
	contains(t, "search", body, "5 articles match", "Senate passes border bill", `<meta name="robots" content="noindex">`, `value="border"`)

	tests := []struct {
		query   string
		code    int
		total   int
		errPart string
	}{
		{"q=border", 200, 5, ""},
		{"q=border&topic=democratic-voice", 200, 1, ""},
		{"q=biden&page=2", 200, 24, ""},
		{"q=border&when=day", 200, 5, ""},
		{"q=debate&when=day", 200, 0, ""},
		{"q=%22unbalanced", 400, 0, "unbalanced quote"},
		{"q=border&topic=nope", 400, 0, "there is no topic"},
		{"q=border&page=zero", 400, 0, "page must be"},
		{"q=border&when=decade", 400, 0, "when must be"},
		{"q=", 400, 0, "q is required"},
	}
	for _, tt := range tests {
		rec := h.api(t, "/api/search?"+tt.query)
		if rec.Code != tt.code {
			t.Errorf("api %s: status %d, want %d: %s", tt.query, rec.Code, tt.code, rec.Body)
			continue
		}
		if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("api %s: content type %q", tt.query, ct)
		}
		if tt.code != 200 {
			var e struct{ Error string }
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || !strings.Contains(e.Error, tt.errPart) {
				t.Errorf("api %s: error %q (%v), want it to mention %q", tt.query, e.Error, err, tt.errPart)
			}
			continue
		}
		var res struct {
			Query    string
			Page     int
			Total    int
			NextPage *int
			Value    []struct {
				Title, SitePath, WebURL string
				Provider                struct{ Name string }
			}
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
			t.Fatalf("api %s: %v", tt.query, err)
		}
		if res.Total != tt.total {
			t.Errorf("api %s: total %d, want %d", tt.query, res.Total, tt.total)
		}
		wantLen := min(max(tt.total-(res.Page-1)*searchPageSize, 0), searchPageSize)
		if len(res.Value) != wantLen {
			t.Errorf("api %s: %d items, want %d", tt.query, len(res.Value), wantLen)
		}
		if (res.NextPage != nil) != (res.Page*searchPageSize < res.Total) {
			t.Errorf("api %s: nextPage %v with page %d of total %d", tt.query, res.NextPage, res.Page, res.Total)
		}
		for _, v := range res.Value {
			if !strings.HasPrefix(v.SitePath, "news/") || v.Title == "" || v.Provider.Name == "" {
				t.Errorf("api %s: bad item %+v", tt.query, v)
			}
		}
	}

	// The HTML search reports bad queries as 400 with the reason, never 500.
	for _, q := range []string{"/search?q=%22oops", "/search/?q=x&topic=nope", "/search?q=x&page=-1"} {
		code, body := h.get(t, q)
		if code != http.StatusBadRequest || !strings.Contains(body, `class="notice error" role="alert"`) {
			t.Errorf("GET %s: status %d, want 400 with a message", q, code)
		}
	}
	// A broad search ranks a bounded set: the total counts every match,
	// the pages reach the ranked ones, and the page says so.
	h.web.rankLimit = 10
	_, broad := h.get(t, "/search?q=biden")
	contains(t, "bounded search", broad, "24 articles match", "Showing the best of the 10 added most recently.")
	lacks(t, "bounded search", broad, `rel="next"`)
	rec := h.api(t, "/api/search?q=biden")
	var bounded struct {
		Total, Ranked int
		NextPage      *int
		Value         []json.RawMessage
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &bounded); err != nil || bounded.Total != 24 || bounded.Ranked != 10 || bounded.NextPage != nil || len(bounded.Value) != 10 {
		t.Errorf("bounded api search: %+v (%v); want total 24, ranked 10, 10 items, no next page", bounded, err)
	}
	_, narrow := h.get(t, "/search?q=border")
	lacks(t, "search within the bound", narrow, "Showing the best of")
	// Within a time range the count stops at the bound, and says so.
	h.web.rankLimit = 2
	_, recent := h.get(t, "/search?q=border&when=year")
	contains(t, "bounded search in a time range", recent, "More than 2 articles match", "Showing the best of the 2 added most recently.")
	rec = h.api(t, "/api/search?q=border&when=year")
	var capped struct {
		Total, Ranked int
		Capped        bool
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &capped); err != nil || !capped.Capped || capped.Total != 2 || capped.Ranked != 2 {
		t.Errorf("bounded api search in a time range: %+v (%v); want total 2, ranked 2, capped", capped, err)
	}
	h.web.rankLimit = 0

	// Paging links keep the query and filters.
	_, many := h.get(t, "/search?q=biden&topic=joe-biden")
	contains(t, "search paging", many, `<link rel="next" href="./search/?page=2&amp;q=biden&amp;topic=joe-biden">`)
}

// TestSearchRefusesHugeValuesBriefly: a search parameter of 100 KB is
// refused with a 400 that quotes its start, on the page and in the API,
// and a q that long is refused before the store is asked.
func TestSearchRefusesHugeValuesBriefly(t *testing.T) {
	h := newHub(t, "https://img.example.org/")
	huge := strings.Repeat("w", 100<<10)
	for _, tt := range []struct {
		param   string
		errPart string
		echoed  int // the longest run of the value a page may show
	}{
		{"q", "q is longer than 1000 bytes", 1000},
		{"topic", "there is no topic", 40},
		{"when", "when must be", 40},
		{"page", "page must be", 40},
	} {
		query := "?" + tt.param + "=" + huge
		if tt.param != "q" {
			query += "&q=border"
		}
		rec := h.api(t, "/api/search"+query)
		var e struct{ Error string }
		if err := json.Unmarshal(rec.Body.Bytes(), &e); rec.Code != http.StatusBadRequest || err != nil {
			t.Errorf("api %s: status %d (%v), want 400 with a message", tt.param, rec.Code, err)
		}
		if !strings.Contains(e.Error, tt.errPart) || len(e.Error) > 300 {
			t.Errorf("api %s: error of %d bytes %.100q, want under 300 saying %q", tt.param, len(e.Error), e.Error, tt.errPart)
		}
		code, body := h.get(t, "/search/"+query)
		if code != http.StatusBadRequest || !strings.Contains(body, tt.errPart) {
			t.Errorf("page %s: status %d, want 400 saying %q", tt.param, code, tt.errPart)
		}
		if strings.Contains(body, huge[:tt.echoed+1]) {
			t.Errorf("page %s: shows more than %d characters of the value (%d bytes)", tt.param, tt.echoed, len(body))
		}
	}
}

func TestPagesFollowStoreGeneration(t *testing.T) {
	h := newHub(t, "https://img.example.org/")
	_, before := h.get(t, "/")
	lacks(t, "before", before, "Breaking: a brand new story")
	r := newsRec("https://img.example.org/", "brand-new", "Breaking: a brand new story", "reuters.com", "Reuters", "s-new", time.Minute, true)
	r.Article.Heat = 1000
	if err := h.st.Upsert(context.Background(), []*model.Record{r}); err != nil {
		t.Fatal(err)
	}
	// The page in hand is served at once while the new view is loaded in
	// the background; the new story shows up as soon as it is ready, on
	// the home page, its story page and its article page at once.
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, after := h.get(t, "/")
		if strings.Contains(after, "Breaking: a brand new story") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the home page never showed the new story")
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, p := range []string{"/stories/s-new/", "/" + pagePath(r)} {
		if code, body := h.get(t, p); code != 200 || !strings.Contains(body, "Breaking: a brand new story") {
			t.Errorf("%s in the view that shows the story on the home page: status %d", p, code)
		}
	}
}

func TestEveryImageHasAltAndSize(t *testing.T) {
	h := newHub(t, "https://img.example.org/")
	img := regexp.MustCompile(`<img [^>]*>`)
	for _, p := range []string{"/", "/topics/joe-biden/", "/stories/s-border/", "/news/2026/11/20/border-bill-clears-senate/", "/events/", "/people/", "/learning/", "/search?q=border"} {
		_, body := h.get(t, p)
		tags := img.FindAllString(body, -1)
		if len(tags) == 0 {
			t.Errorf("%s: no images at all", p)
		}
		for _, tag := range tags {
			for _, attr := range []string{` alt="`, ` width="`, ` height="`} {
				if !strings.Contains(tag, attr) {
					t.Errorf("%s: %s lacks%s", p, tag, attr)
				}
			}
		}
	}
}

func TestAssetsAreServedWithCaching(t *testing.T) {
	h := newHub(t, "https://img.example.org/")
	for name, ctype := range map[string]string{"style.css": "text/css", "favicon.svg": "image/svg+xml", "app.js": "text/javascript"} {
		rec := httptest.NewRecorder()
		h.web.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/assets/"+name+"?v="+h.web.tmpl.version[name], nil))
		if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), ctype) || rec.Body.Len() == 0 {
			t.Errorf("%s: %d %q", name, rec.Code, rec.Header().Get("Content-Type"))
		}
		if !strings.Contains(rec.Header().Get("Cache-Control"), "immutable") {
			t.Errorf("%s: cache control %q", name, rec.Header().Get("Cache-Control"))
		}
		req := httptest.NewRequest(http.MethodGet, "/assets/"+name, nil)
		req.Header.Set("If-None-Match", `"x", `+rec.Header().Get("ETag"))
		again := httptest.NewRecorder()
		h.web.ServeHTTP(again, req)
		if again.Code != http.StatusNotModified || again.Body.Len() != 0 {
			t.Errorf("%s revalidated: %d with %d bytes, want 304", name, again.Code, again.Body.Len())
		}
	}
}

func TestAgoWording(t *testing.T) {
	now := fixtureNow
	tests := []struct {
		d    time.Duration
		want string
	}{
		{30 * time.Second, "just now"},
		{5 * time.Minute, "5 min ago"},
		{3*time.Hour + 10*time.Minute, "3 h ago"},
		{50 * time.Hour, "2 d ago"},
		{40 * 24 * time.Hour, "11 Oct"},
		{400 * 24 * time.Hour, "16 Oct 2025"},
		{-2 * time.Hour, "20 Nov 2026"},
	}
	for _, tt := range tests {
		if got := ago(now, now.Add(-tt.d)); got != tt.want {
			t.Errorf("ago(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestPagesSendSecurityHeaders(t *testing.T) {
	h := newHub(t, "https://img.example.org/")
	for _, p := range []string{"/", "/nope/", "/search?q=%22"} {
		rec := httptest.NewRecorder()
		h.web.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p, nil))
		if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "frame-ancestors 'self'") {
			t.Errorf("%s: Content-Security-Policy %q", p, csp)
		}
		if xfo := rec.Header().Get("X-Frame-Options"); xfo != "SAMEORIGIN" {
			t.Errorf("%s: X-Frame-Options %q", p, xfo)
		}
		if rec.Header().Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
			t.Errorf("%s: headers %v", p, rec.Header())
		}
	}
}

func TestLanguageComesFromLocale(t *testing.T) {
	tests := []struct{ locale, lang string }{
		{"en-us", "en-US"},
		{"en_US", "en-US"}, // as og:locale and many Jekyll sites write it
		{"pt_br", "pt-BR"},
		{"fr", "fr"},
		{"", "en"},
	}
	for _, tt := range tests {
		recs := fixtureRecords("https://img.example.org/")
		recs[0].Config.Locale = tt.locale
		h := newHubFrom(t, recs)
		_, body := h.get(t, "/")
		contains(t, "home of "+tt.locale, body, `<html lang="`+tt.lang+`">`)
	}
}

// TestSearchWithinRootTopicSearchesTheHub checks that the root topic, like
// the API's list of it, is the whole hub: a record that lacks it is found.
func TestSearchWithinRootTopicSearchesTheHub(t *testing.T) {
	h := newHub(t, "https://img.example.org/")
	stray := newsRec("https://img.example.org/", "zeppelin-a", "Zeppelin lands", "a.example", "A News", "", time.Hour, true)
	stray.Article.Topics = []string{"Joe Biden"} // no root topic
	both := newsRec("https://img.example.org/", "zeppelin-b", "Zeppelin departs", "b.example", "B News", "", time.Hour, true)
	if err := h.st.Upsert(context.Background(), []*model.Record{stray, both}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		query string
		total int
	}{
		{"q=zeppelin", 2},
		{"q=zeppelin&topic=election", 2},
		{"q=zeppelin&topic=joe-biden", 1},
	} {
		rec := h.api(t, "/api/search?"+tt.query)
		var res struct{ Total int }
		if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil || res.Total != tt.total {
			t.Errorf("api %s: total %d (%v), want %d", tt.query, res.Total, err, tt.total)
		}
	}
}

// TestDeepPathsAnswerA404OfTheirOwnSize asks for paths far deeper than
// any page, under each route that answers 404: the answer is no larger
// than the 404 page of a shallow path, where each of its relative links
// climbed the whole path (a 60 KB path made a 2 MB page).
func TestDeepPathsAnswerA404OfTheirOwnSize(t *testing.T) {
	h := newHub(t, "https://img.example.org/")
	_, shallow := h.get(t, "/nope/")
	deep := strings.Repeat("a/", 20000)
	for _, p := range []string{"/" + deep, "/topics/" + deep, "/pictures/" + deep + "x.png", "/assets/" + deep + "x.css"} {
		code, body := h.get(t, p)
		if code != http.StatusNotFound || len(body) > len(shallow) {
			t.Errorf("GET %s…: status %d, %d bytes (the 404 page of /nope/ has %d)", p[:20], code, len(body), len(shallow))
		}
	}
	// A path as deep as a page's is answered with the page of the site.
	if code, body := h.get(t, "/news/2020/01/01/missing/a/b/"); code != http.StatusNotFound || !strings.Contains(body, "Page not found") {
		t.Errorf("a 404 at a page's depth: %d", code)
	}
}

// TestExcerptMarkupStaysInTheExcerpt renders articles whose excerpts hold
// markup left open, closed twice or in paragraphs of their own, and parses
// each page as a browser does: what follows the excerpt (the buttons, the
// other coverage) must not take the excerpt's bold or italics, and no
// paragraph may be made of a stray tag.
func TestExcerptMarkupStaysInTheExcerpt(t *testing.T) {
	tests := []struct{ name, excerpt, text string }{
		{"left open", "<i>Analysis: the senate vote", "Analysis: the senate vote"},
		{"bold left open", "The <b>senate vote tonight", "The senate vote tonight"},
		{"closed twice", "The vote</p> is tonight.", "The vote is tonight."},
		{"paragraphs", "<p>The vote.</p><p>The count.</p>", "The vote.The count."},
		{"cut in a tag", "The <em>senate</em> vote <strong", "The senate vote"},
	}
	recs := fixtureRecords("https://img.example.org/")
	for i, tt := range tests {
		r := newsRec("https://img.example.org/", fmt.Sprintf("markup-%d", i), "Markup "+tt.name, "reuters.com", "Reuters",
			"s-border", time.Duration(10+i)*time.Minute, false)
		r.Article.Excerpt = tt.excerpt
		recs = append(recs, r)
	}
	h := newHubFrom(t, recs)
	for i, tt := range tests {
		path := fmt.Sprintf("/news/2026/11/20/markup-%d/", i)
		code, body := h.get(t, path)
		if code != http.StatusOK {
			t.Fatalf("%s: GET %s: status %d", tt.name, path, code)
		}
		doc, err := html.Parse(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		var excerpt *html.Node
		for n := range doc.Descendants() {
			if n.Type != html.ElementNode {
				continue
			}
			if hasClass(n, "excerpt-full") {
				excerpt = n
			}
			if n.DataAtom == atom.P && n.FirstChild == nil {
				t.Errorf("%s: the page holds an empty paragraph", tt.name)
			}
			if hasClass(n, "button") || hasClass(n, "item-title") {
				for p := n.Parent; p != nil; p = p.Parent {
					if p.DataAtom == atom.I || p.DataAtom == atom.B || p.DataAtom == atom.Em || p.DataAtom == atom.Strong {
						t.Errorf("%s: %q is set in the excerpt's <%s>", tt.name, text(n), p.Data)
						break
					}
				}
			}
		}
		if excerpt == nil || strings.TrimSpace(text(excerpt)) != tt.text {
			t.Errorf("%s: the excerpt reads %q, want %q", tt.name, text(excerpt), tt.text)
		}
	}
}

// hasClass reports whether the element n has the class c.
func hasClass(n *html.Node, c string) bool {
	for _, a := range n.Attr {
		if a.Key == "class" && slices.Contains(strings.Fields(a.Val), c) {
			return true
		}
	}
	return false
}

// text is the text of n and its descendants.
func text(n *html.Node) string {
	if n == nil {
		return ""
	}
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return b.String()
}

// TestSearchPagePastTheEndSaysWhereTheResultsEnd asks a page of results
// past the last (a link kept from before articles left the hub): the page
// must not say that nothing matches, nor count a page 3 of 2, and it must
// lead to the last page.
func TestSearchPagePastTheEndSaysWhereTheResultsEnd(t *testing.T) {
	h := newHub(t, "https://img.example.org/")
	tests := []struct{ query, wants, last string }{
		{"q=biden&page=3", "24 articles match", `href="../search/?page=2&amp;q=biden"`},
		{"q=biden&page=500", "24 articles match", `href="../search/?page=2&amp;q=biden"`},
		{"q=border&page=2", "5 articles match", `href="../search/?q=border"`},
	}
	for _, tt := range tests {
		code, body := h.get(t, "/search/?"+tt.query)
		if code != http.StatusOK {
			t.Fatalf("search %s: status %d", tt.query, code)
		}
		contains(t, tt.query, body, tt.wants, "The results end on page", tt.last)
		lacks(t, tt.query, body, "Nothing matches", "Try fewer", " of 2</p>", " of 1</p>")
	}
	// Within the pages, the page says which it is.
	_, body := h.get(t, "/search/?q=biden&page=2")
	contains(t, "page 2", body, "24 articles match · page 2 of 2")
	lacks(t, "page 2", body, "The results end on page")
}

// TestSearchPagerSaysNextNotOlder: search results go from the best match
// to the least, not from the newest article to the oldest, so their pager
// says next and previous where a topic's says older and newer.
func TestSearchPagerSaysNextNotOlder(t *testing.T) {
	h := newHub(t, "https://img.example.org/")
	tests := []struct {
		path         string
		wants, lacks []string
	}{
		{"/search/?q=biden", []string{`rel="next" href="../search/?page=2&amp;q=biden">Next →</a>`}, []string{"Older →", "Newer"}},
		{"/search/?q=biden&page=2", []string{`rel="prev" href="../search/?q=biden">← Previous</a>`}, []string{"Older →", "Newer"}},
		{"/topics/joe-biden/", []string{"Older →</a>"}, []string{"Next →"}},
	}
	for _, tt := range tests {
		_, body := h.get(t, tt.path)
		contains(t, tt.path, body, tt.wants...)
		lacks(t, tt.path, body, tt.lacks...)
	}
}

// TestPagesWhileTheStoreIsDownSayToComeBack closes the store under a
// hub whose pages were read, as a database restart or fail-over leaves
// serve for a while: the pages that read the store (search, an article's
// related coverage) answer 503 with Retry-After and say to try again, as
// the API does, where they answered 500, which tells crawlers and
// monitors the page is broken.
func TestPagesWhileTheStoreIsDownSayToComeBack(t *testing.T) {
	h := newHub(t, "https://img.example.org/")
	if code, _ := h.get(t, "/search?q=border"); code != http.StatusOK {
		t.Fatalf("search: status %d", code)
	}
	h.st.Close()
	for _, path := range []string{"/search?q=border", "/search?q=senate&when=year", "/news/2026/11/20/hostile-title/"} {
		rec := httptest.NewRecorder()
		h.srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
			t.Errorf("%s with the store down: %d, Retry-After %q; want 503 with Retry-After", path, rec.Code, rec.Header().Get("Retry-After"))
		}
		contains(t, path, rec.Body.String(), "try again")
	}
}

// TestTopicPagesLinkFeedsThatAnswer follows every feed link of each
// topic's page and of the home page to the server: the root topic's page
// linked feeds/<root>/rss.xml and its Atom and JSON siblings, which
// neither the server nor a build has (the root topic's feeds are the
// hub's), so its RSS link and the feed a reader found on it answered 404.
func TestTopicPagesLinkFeedsThatAnswer(t *testing.T) {
	h := newHub(t, "https://img.example.org/")
	feedLink := regexp.MustCompile(`href="(?:\.\.?/)*(feeds/[^"]*)"`)
	for _, p := range []string{"/", "/topics/election/", "/topics/joe-biden/", "/topics/republican-voice/"} {
		code, body := h.get(t, p)
		if code != http.StatusOK {
			t.Fatalf("GET %s: %d", p, code)
		}
		found := feedLink.FindAllStringSubmatch(body, -1)
		if len(found) == 0 {
			t.Errorf("GET %s: no feed link", p)
		}
		for _, m := range found {
			if rec := h.api(t, "/"+m[1]); rec.Code != http.StatusOK {
				t.Errorf("%s links %s, which answers %d", p, m[1], rec.Code)
			}
		}
	}
}

// TestPagesRevalidate asks the server for pages as a browser revisiting
// them does: each answer carries an ETag (plain and compressed alike), the
// same page asked again with it answers 304 with no body, and a page
// whose content changed answers it anew.
func TestPagesRevalidate(t *testing.T) {
	h := newHub(t, "https://img.example.org/")
	ask := func(method, p, etag string, gzip bool) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, p, nil)
		if etag != "" {
			req.Header.Set("If-None-Match", `"other", `+etag)
		}
		if gzip {
			req.Header.Set("Accept-Encoding", "gzip")
		}
		rec := httptest.NewRecorder()
		h.srv.ServeHTTP(rec, req)
		return rec
	}
	pages := []string{"/", "/topics/joe-biden/", "/topics/joe-biden/page/2/", "/stories/s-border/", "/news/2026/11/20/border-bill-clears-senate/",
		"/events/", "/people/", "/learning/", "/search/?q=border"}
	for _, p := range pages {
		for _, gz := range []bool{false, true} {
			first := ask(http.MethodGet, p, "", gz)
			etag := first.Header().Get("ETag")
			if first.Code != 200 || etag == "" {
				t.Errorf("%s (gzip %v): status %d, ETag %q", p, gz, first.Code, etag)
				continue
			}
			if head := ask(http.MethodHead, p, "", gz); head.Header().Get("ETag") == "" {
				t.Errorf("%s: HEAD gives no ETag", p)
			}
			for _, m := range []string{http.MethodGet, http.MethodHead} {
				again := ask(m, p, etag, gz)
				if again.Code != http.StatusNotModified || again.Body.Len() != 0 || again.Header().Get("ETag") != etag {
					t.Errorf("%s %s (gzip %v) with its ETag: status %d, %d bytes, ETag %q; want 304 with none",
						m, p, gz, again.Code, again.Body.Len(), again.Header().Get("ETag"))
				}
			}
		}
	}
	// Another page's ETag is no match.
	home := ask(http.MethodGet, "/", "", false).Header().Get("ETag")
	if rec := ask(http.MethodGet, "/events/", home, false); rec.Code != 200 || rec.Body.Len() == 0 {
		t.Errorf("events with the home page's ETag: status %d", rec.Code)
	}
	// A page that changed answers anew.
	r := newsRec("https://img.example.org/", "brand-new", "Breaking: a brand new story", "reuters.com", "Reuters", "s-new", time.Minute, true)
	r.Article.Heat = 1000
	if err := h.st.Upsert(context.Background(), []*model.Record{r}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		rec := ask(http.MethodGet, "/", home, false)
		if rec.Code == 200 && strings.Contains(rec.Body.String(), "Breaking: a brand new story") {
			if rec.Header().Get("ETag") == home {
				t.Errorf("the changed home page kept its ETag %s", home)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the changed home page answers %d to its old ETag", rec.Code)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// byID is the element of doc whose id is id, or nil.
func byID(doc *html.Node, id string) *html.Node {
	for n := range doc.Descendants() {
		if n.Type == html.ElementNode && testutil.Attr(n, "id") == id {
			return n
		}
	}
	return nil
}

// TestSearchPageSaysWhatFailedAndWhere asks searches a field of the form
// is wrong for, and pages of results: the title must say which page of
// which words it is, and that the search failed where it did, and the
// field given the wrong value must be marked invalid and described by the
// message, as a screen reader reads it on reaching the field.
func TestSearchPageSaysWhatFailedAndWhere(t *testing.T) {
	h := newHub(t, "https://img.example.org/")
	tests := []struct {
		query, title, invalid string
	}{
		{"q=border", "“border” · Search · Election Hub", ""},
		{"q=biden&page=2", "“biden”, page 2 · Search · Election Hub", ""},
		{"q=%22broken", "Error: “\"broken” · Search · Election Hub", "sq"},
		{"q=border&topic=nowhere", "Error: “border” · Search · Election Hub", "st"},
		{"q=border&when=decade", "Error: “border” · Search · Election Hub", "sw"},
		{"q=border&page=x", "Error: “border” · Search · Election Hub", ""},
	}
	for _, tt := range tests {
		_, body := h.get(t, "/search/?"+tt.query)
		doc := testutil.ParseHTML(t, body)
		for n := range doc.Descendants() {
			if n.DataAtom == atom.Title && text(n) != tt.title {
				t.Errorf("%s: the title is %q, want %q", tt.query, text(n), tt.title)
			}
		}
		msg := byID(doc, "search-error")
		if strings.HasPrefix(tt.title, "Error") && (msg == nil || testutil.Attr(msg, "role") != "alert") {
			t.Errorf("%s: no alert with id search-error", tt.query)
		}
		for _, id := range []string{"sq", "st", "sw"} {
			f := byID(doc, id)
			if f == nil {
				t.Fatalf("%s: no field %s", tt.query, id)
			}
			want := [2]string{}
			if id == tt.invalid {
				want = [2]string{"true", "search-error"}
			}
			if got := [2]string{testutil.Attr(f, "aria-invalid"), testutil.Attr(f, "aria-describedby")}; got != want {
				t.Errorf("%s: field %s has aria-invalid %q, aria-describedby %q; want %q", tt.query, id, got[0], got[1], want)
			}
		}
	}
}
