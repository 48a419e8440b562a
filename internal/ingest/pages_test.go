package ingest

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"newshub/internal/explain"
	"newshub/internal/model"
)

// siteServer serves pages by path, with {{BASE}} replaced by its address,
// {{HOST}} by its host and {{OTHER}} by its address under another site's
// name (localhost's), under the Content-Type their paths say: ".xml"
// a feed, HTML otherwise; a page "redirect:" and an address is a redirect
// there. "/robots.txt" is not found.
func siteServer(t *testing.T, pages map[string]string) *httptest.Server {
	t.Helper()
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		other := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
		page = strings.NewReplacer("{{BASE}}", srv.URL, "{{HOST}}", r.Host, "{{OTHER}}", other).Replace(page)
		if to, ok := strings.CutPrefix(page, "redirect:"); ok {
			http.Redirect(w, r, to, http.StatusFound)
			return
		}
		if strings.HasSuffix(r.URL.Path, ".xml") {
			w.Header().Set("Content-Type", "application/rss+xml")
		} else {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
		}
		fmt.Fprint(w, page)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// canonicalPage is an article page whose rel=canonical is href.
func canonicalPage(title, href string) string {
	return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>` + title + `</title>
<link rel="canonical" href="` + href + `"></head><body><p>` + title + `.</p></body></html>`
}

// TestWrongCanonicalsDoNotMergeArticles checks the canonical addresses
// pages name wrongly, as templates write them: one address for every page
// of a site (Flarum's "/all", a Next.js layout's), in one feed or in two,
// its home page, the section an article is in. None makes two articles
// one, and the pages of a feed that name them are counted as such; a page
// naming another article's address still makes its item that article, as
// it does an article under two sections, in one feed or two, and copies
// on other sites naming one original.
func TestWrongCanonicalsDoNotMergeArticles(t *testing.T) {
	srv := siteServer(t, map[string]string{
		"/ledger.xml": `<rss version="2.0"><channel><title>Ledger</title><link>{{BASE}}/</link>
<item><title>Ferry fares rise</title><link>{{BASE}}/2024/11/05/ferry-fares</link></item>
<item><title>Bridge closes for repairs</title><link>{{BASE}}/2024/11/05/bridge-repairs</link></item>
<item><title>Council delays the vote</title><link>{{BASE}}/news/2024/11/05/council-vote</link></item>
<item><title>Library hours change</title><link>{{BASE}}/2024/11/05/library-hours</link></item>
<item><title>Harbor plan approved</title><link>{{BASE}}/2024/11/05/harbor-plan</link></item>
<item><title>Pier reopens</title><link>{{BASE}}/local/pier-reopens</link></item>
<item><title>Pier reopens</title><link>{{BASE}}/waterfront/pier-reopens</link></item>
</channel></rss>`,
		"/wire.xml": `<rss version="2.0"><channel><title>Wire</title><link>{{BASE}}/</link>
<item><title>Turnout tops 70 percent</title><link>{{BASE}}/news/2024/11/05/turnout</link></item>
<item><title>Harbor plan approved (wire copy)</title><link>{{BASE}}/wire/harbor-copy</link></item>
<item><title>Dam report released (wire copy)</title><link>{{OTHER}}/wire/dam-report</link></item>
</channel></rss>`,
		"/politics.xml": `<rss version="2.0"><channel><title>Politics</title><link>{{BASE}}/politics</link>
<item><title>Recount requested</title><link>{{BASE}}/2024/11/05/recount</link></item>
<item><title>Levy vote passes</title><link>{{BASE}}/politics/levy-vote</link></item>
</channel></rss>`,
		"/sports.xml": `<rss version="2.0"><channel><title>Sports</title><link>{{BASE}}/sports</link>
<item><title>Regatta postponed</title><link>{{BASE}}/2024/11/05/regatta</link></item>
<item><title>Levy vote passes</title><link>{{BASE}}/elections/levy-vote.html</link></item>
</channel></rss>`,
		"/agency.xml": `<rss version="2.0"><channel><title>Agency</title><link>{{OTHER}}/</link>
<item><title>Dam report released</title><link>{{OTHER}}/agency/dam-report</link></item>
</channel></rss>`,
		"/2024/11/05/recount":           canonicalPage("Recount requested", "/all"),
		"/politics/levy-vote":           canonicalPage("Levy vote passes", "/news/levy-vote"),
		"/elections/levy-vote.html":     canonicalPage("Levy vote passes", "/news/levy-vote"),
		"/local/pier-reopens":           canonicalPage("Pier reopens", "/news/pier-reopens/"),
		"/waterfront/pier-reopens":      canonicalPage("Pier reopens", "/news/pier-reopens/"),
		"/2024/11/05/regatta":           canonicalPage("Regatta postponed", "{{BASE}}/all"),
		"/agency/dam-report":            canonicalPage("Dam report released", "{{BASE}}/2024/11/04/dam-report"),
		"/wire/dam-report":              canonicalPage("Dam report released", "{{BASE}}/2024/11/04/dam-report"),
		"/2024/11/05/ferry-fares":       canonicalPage("Ferry fares rise", "/all"),
		"/2024/11/05/bridge-repairs":    canonicalPage("Bridge closes for repairs", "/all"),
		"/news/2024/11/05/council-vote": canonicalPage("Council delays the vote", "{{BASE}}/news/"),
		"/2024/11/05/library-hours":     canonicalPage("Library hours change", "{{BASE}}/"),
		"/news/2024/11/05/turnout":      canonicalPage("Turnout tops 70 percent", "//{{HOST}}/news"),
		"/2024/11/05/harbor-plan":       canonicalPage("Harbor plan approved", "{{BASE}}/2024/11/05/harbor-plan"),
		"/wire/harbor-copy":             canonicalPage("Harbor plan approved", "{{BASE}}/2024/11/05/harbor-plan?utm_source=wire"),
	})
	h := newHub(t, true, model.Source{URL: srv.URL + "/ledger.xml"}, model.Source{URL: srv.URL + "/wire.xml"},
		model.Source{URL: srv.URL + "/politics.xml"}, model.Source{URL: srv.URL + "/sports.xml"}, model.Source{URL: srv.URL + "/agency.xml"})
	in := h.ingester(testOptions())
	defer in.Close()
	sum, err := in.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	news := h.news(t)
	for _, path := range []string{"/2024/11/05/recount", "/2024/11/05/regatta", "/2024/11/05/ferry-fares", "/2024/11/05/bridge-repairs", "/news/2024/11/05/council-vote", "/2024/11/05/library-hours", "/news/2024/11/05/turnout"} {
		if news[srv.URL+path] == nil {
			t.Errorf("%s not stored; stored %v", path, slices.Sorted(maps.Keys(news)))
		}
	}
	// The wire's copy names the ledger's article: one of the two is
	// stored, whichever feed was read first.
	if (news[srv.URL+"/2024/11/05/harbor-plan"] == nil) == (news[srv.URL+"/wire/harbor-copy"] == nil) {
		t.Errorf("harbor plan stored as %v", slices.Sorted(maps.Keys(news)))
	}
	// An article under two sections is one, in one feed or two.
	for _, paths := range [][2]string{{"/politics/levy-vote", "/elections/levy-vote.html"}, {"/local/pier-reopens", "/waterfront/pier-reopens"}} {
		if (news[srv.URL+paths[0]] == nil) == (news[srv.URL+paths[1]] == nil) {
			t.Errorf("%s stored as %v", paths[0], slices.Sorted(maps.Keys(news)))
		}
	}
	// The agency's and the wire's copies of one report are one article.
	other := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	if (news[other+"/agency/dam-report"] == nil) == (news[other+"/wire/dam-report"] == nil) {
		t.Errorf("dam report stored as %v", slices.Sorted(maps.Keys(news)))
	}
	if sum.New != 11 || sum.Duplicates != 4 || sum.Pages[pageCanonicalIgnored] != 5 {
		t.Errorf("summary %+v", sum)
	}
}

// TestTemplateCanonicalWithAGenericNameDoesNotMergeArticles serves a
// site whose articles' addresses all end in "index.html" (as CNN's do)
// and whose template names its home page, written "/index.html", as every
// page's canonical address: the links all ending in that address's last
// segment make no article under two sections, in one feed or in two.
func TestTemplateCanonicalWithAGenericNameDoesNotMergeArticles(t *testing.T) {
	srv := siteServer(t, map[string]string{
		"/politics.xml": `<rss version="2.0"><channel><title>Politics</title><link>{{BASE}}/politics</link>
<item><title>Levy vote passes</title><link>{{BASE}}/2024/11/05/politics/levy-vote/index.html</link></item>
<item><title>Recount requested</title><link>{{BASE}}/2024/11/05/politics/recount/index.html</link></item>
</channel></rss>`,
		"/local.xml": `<rss version="2.0"><channel><title>Local</title><link>{{BASE}}/local</link>
<item><title>Pier reopens</title><link>{{BASE}}/2024/11/05/local/pier-reopens/index.html</link></item>
</channel></rss>`,
		"/2024/11/05/politics/levy-vote/index.html": canonicalPage("Levy vote passes", "{{BASE}}/index.html"),
		"/2024/11/05/politics/recount/index.html":   canonicalPage("Recount requested", "{{BASE}}/index.html"),
		"/2024/11/05/local/pier-reopens/index.html": canonicalPage("Pier reopens", "{{BASE}}/index.html"),
	})
	h := newHub(t, true, model.Source{URL: srv.URL + "/politics.xml"}, model.Source{URL: srv.URL + "/local.xml"})
	in := h.ingester(testOptions())
	defer in.Close()
	sum, err := in.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if news := h.news(t); len(news) != 3 || sum.Duplicates != 0 {
		t.Errorf("stored %v, summary %+v: want the three articles", slices.Sorted(maps.Keys(news)), sum)
	}
}

// TestPagesThatAreNotTheArticleKeepTheFeedsWords checks the pages a link
// leads to that are not the article: a consent wall (as Yahoo's
// collectConsent), a login page, the home page a removed article is
// redirected to, a page that returns to the link once it is done, an
// error page answered with 200 OK, a link shortener's page that sends the
// reader on. Their title, picture and site name are
// not the article's: each item keeps what its feed says. A paywall's
// teaser is the article's page, and read.
func TestPagesThatAreNotTheArticleKeepTheFeedsWords(t *testing.T) {
	const wall = `<html><head><title>Before you continue</title><meta property="og:title" content="Your privacy choices">
<meta property="og:site_name" content="Example Media Group"><meta property="og:image" content="{{BASE}}/brand.png">
<link rel="canonical" href="{{BASE}}/v2/collectConsent"></head><body><form method="post"></form></body></html>`
	srv := siteServer(t, map[string]string{
		"/ledger.xml": `<rss version="2.0"><channel><title>Ledger</title><link>{{BASE}}/</link>
<item><link>{{BASE}}/2024/11/05/ferry-fares</link><description>Ferry fares rise by a tenth in January.</description></item>
<item><title>Bridge closes for repairs</title><link>{{BASE}}/2024/11/05/bridge-repairs</link></item>
<item><title>Library hours change</title><link>{{BASE}}/2024/11/05/library-hours</link></item>
<item><title>Council delays the vote</title><link>{{BASE}}/2024/11/05/council-vote</link></item>
<item><title>Turnout tops 70 percent</title><link>{{BASE}}/2024/11/05/turnout</link></item>
<item><title>School board race tightens</title><link>{{BASE}}/2024/11/05/school-board</link></item>
<item><link>{{BASE}}/s/x7Qk2</link><description>Polls close at eight tonight.</description></item>
</channel></rss>`,
		"/2024/11/05/ferry-fares":    "redirect:{{BASE}}/v2/collectConsent?sessionId=3_cc-session_0a1b2c",
		"/v2/collectConsent":         wall,
		"/2024/11/05/bridge-repairs": "redirect:{{BASE}}/account/login?redirect_to=%2F2024%2F11%2F05%2Fbridge-repairs",
		"/account/login":             wall,
		"/2024/11/05/library-hours":  "redirect:{{BASE}}/",
		"/":                          wall,
		"/2024/11/05/council-vote": `<html><head><title>Page not found &#8211; Ledger</title>
<meta property="og:type" content="website"><meta property="og:image" content="{{BASE}}/default-share.png"></head><body>Nothing here.</body></html>`,
		"/2024/11/05/turnout": "redirect:{{BASE}}/gate?callbackUrl={{BASE}}%2F2024%2F11%2F05%2Fturnout",
		"/gate":               wall,
		// A link shortener's page, as t.co writes one.
		"/s/x7Qk2": `<head><meta name="referrer" content="always"><noscript><META http-equiv="refresh" content="0;URL={{BASE}}/2024/11/05/polls"></noscript><title>{{BASE}}/2024/11/05/polls</title></head><script>window.opener = null; location.replace("{{BASE}}/2024/11/05/polls")</script>`,
		"/2024/11/05/school-board": `<html><head><title>School board race tightens | Ledger</title>
<meta property="og:type" content="article"><meta property="og:image" content="{{BASE}}/img/school.jpg"></head>
<body><p>The first lines…</p><div class="paywall">Subscribe to read on.</div></body></html>`,
	})
	h := newHub(t, true, model.Source{URL: srv.URL + "/ledger.xml"})
	in := h.ingester(testOptions())
	defer in.Close()
	sum, err := in.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	news := h.news(t)
	for path, title := range map[string]string{
		"/2024/11/05/ferry-fares":    "Ferry fares rise by a tenth in January.",
		"/2024/11/05/bridge-repairs": "Bridge closes for repairs",
		"/2024/11/05/library-hours":  "Library hours change",
		"/2024/11/05/council-vote":   "Council delays the vote",
		"/2024/11/05/turnout":        "Turnout tops 70 percent",
		"/s/x7Qk2":                   "Polls close at eight tonight.",
	} {
		a := news[srv.URL+path]
		if a == nil || a.Title != title || len(a.Images) != 0 || a.Provider.Name == "Example Media Group" {
			t.Errorf("%s stored as %+v, want it titled %q with no picture", path, a, title)
		}
	}
	if a := news[srv.URL+"/2024/11/05/school-board"]; a == nil || len(a.Images) != 1 || a.Images[0].URL != srv.URL+"/img/school.jpg" {
		t.Errorf("paywalled article stored as %+v", a)
	}
	if sum.New != 7 || sum.Pages[pageNotArticle] != 6 || sum.Pages[pageRead] != 1 {
		t.Errorf("summary %+v", sum)
	}
}

func TestInterstitial(t *testing.T) {
	for _, tt := range []struct {
		link, final string
		want        bool
	}{
		{"https://www.engadget.example/2024/11/05/story.html", "https://consent.yahoo.example/v2/collectConsent?sessionId=3_cc-session_1", true},
		{"https://www.news.example/a/story", "https://guce.news.example/consent?brandType=nonEu", true},
		{"https://www.nu.example/politiek/123/story.html", "https://myprivacy.dpgmedia.example/consent?siteKey=x&callbackUrl=https%3A%2F%2Fwww.nu.example%2Fpolitiek%2F123%2Fstory.html", true},
		{"https://www.paper.example/news/story", "https://www.paper.example/account/login?return=%2Fnews%2Fstory", true},
		{"https://www.paper.example/news/story", "https://www.paper.example/", true},
		{"https://www.paper.example/news/story", "https://www.paper.example/gate?continue=https://www.paper.example/news/story", true},
		// Redirects to the article itself.
		{"https://www.paper.example/news/story", "https://www.paper.example/news/story", false},
		{"http://paper.example/news/story", "https://www.paper.example/news/story/", false},
		{"https://www.paper.example/?p=123", "https://www.paper.example/2024/11/05/story/", false},
		// WordPress's plain permalinks are on the home page's path.
		{"https://www.paper.example/2024/11/05/story/", "https://www.paper.example/?p=123", false},
		{"https://www.paper.example/news/123", "https://www.paper.example/news/123/consent-decree-signed", false},
		{"https://feedproxy.example/~r/Paper/~3/abc/story", "https://www.paper.example/news/story?utm_source=feedburner&utm_medium=feed", false},
		{"https://www.paper.example/", "https://www.paper.example/?lang=en", false},
	} {
		if got := interstitial(tt.link, tt.final) != ""; got != tt.want {
			t.Errorf("interstitial(%s, %s) = %v, want %v", tt.link, tt.final, got, tt.want)
		}
	}
}

// tokenServer serves a feed of one item without a GUID whose link carries
// a token that changes at every fetch ("?t=1733480001", "?t=1733480002"),
// as some CMSs and proxies write it, its title and fragment those the
// round's fetch gives; and the item's page, whose canonical address is
// canonical ({{BASE}} and {{OTHER}} as siteServer has them), written by
// page (canonicalPage when nil).
func tokenServer(t *testing.T, title func(n int) string, fragment, canonical string, page func(title, href string) string) *httptest.Server {
	t.Helper()
	var fetches atomic.Int64
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		base, other := srv.URL, strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
		switch r.URL.Path {
		case "/feed.xml":
			n := int(fetches.Add(1))
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Harbor Gazette</title><link>%[1]s/</link>
<item><title>%[2]s</title><link>%[1]s/2024/11/05/harbor-plan?t=%[3]d%[4]s</link><description>The council voted on the harbor plan.</description></item>
</channel></rss>`, base, title(n), 1733480000+n, fragment)
		case "/2024/11/05/harbor-plan":
			href := strings.NewReplacer("{{BASE}}", base, "{{OTHER}}", other).Replace(canonical)
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			if page == nil {
				page = canonicalPage
			}
			fmt.Fprint(w, page("Harbor plan approved", href))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestLinkWithATokenIsStoredOnce reads three times a feed whose item,
// without a GUID, links to its page with a token that changes at every
// fetch: its page's canonical address, on the link's site and the one
// the link ends in, is the article's, and the article is stored once,
// whatever the store, and by a new process as by the one that stored it.
// Later fetches are counted as known, with the stored article named for
// explain. A canonical address that cannot be the article's own (the
// site's home page, another site's, a template's that the link does not
// end in) or a link to a part of the page (a day's posts, each its own
// article) stores each fetch as before.
func TestLinkWithATokenIsStoredOnce(t *testing.T) {
	same := func(int) string { return "Harbor plan approved" }
	update := func(n int) string { return fmt.Sprintf("Harbor plan: update %d", n) }
	for _, tc := range []struct {
		name      string
		title     func(n int) string
		fragment  string
		canonical string
		stored    int    // articles after the three rounds
		reason    string // why the second and third fetches were not stored; "" when stored
	}{
		{name: "page's address", title: same, canonical: "{{BASE}}/2024/11/05/harbor-plan", stored: 1, reason: ReasonKnownPage},
		{name: "page's address, relative", title: same, canonical: "/2024/11/05/harbor-plan/", stored: 1, reason: ReasonKnownPage},
		{name: "home page", title: same, canonical: "{{BASE}}/", stored: 3},
		{name: "another site's", title: same, canonical: "{{OTHER}}/2024/11/05/harbor-plan", stored: 3},
		{name: "a part of the page", title: update, fragment: "#update", canonical: "{{BASE}}/2024/11/05/harbor-plan", stored: 3},
		{name: "a template's, for every page", title: update, canonical: "{{BASE}}/all", stored: 3},
	} {
		for _, db := range []string{"sqlite", "postgres"} {
			t.Run(tc.name+"/"+db, func(t *testing.T) {
				ctx := context.Background()
				srv := tokenServer(t, tc.title, tc.fragment, tc.canonical, nil)
				feed := srv.URL + "/feed.xml"
				h := newHubOn(t, db, true, model.Source{URL: feed})
				opts := testOptions()
				opts.All = true
				in := h.ingester(opts)
				for round := 1; round <= 3; round++ {
					if round == 3 {
						// A new process's: its index knows nothing the
						// store does not say.
						in.Close()
						in = h.ingester(opts)
					}
					sum, err := in.RunOnce(ctx)
					if err != nil {
						t.Fatal(err)
					}
					if round > 1 {
						checkTokenRound(t, h, feed, round, tc.reason, sum)
					}
				}
				in.Close()
				if news := h.news(t); len(news) != tc.stored {
					t.Errorf("stored %v; want %d articles", slices.Sorted(maps.Keys(news)), tc.stored)
				}
			})
		}
	}
}

// checkTokenRound checks a later round of TestLinkWithATokenIsStoredOnce:
// its item stored anew when reason is "", else counted as known for it,
// with the stored article named in the source's report.
func checkTokenRound(t *testing.T, h *hub, feed string, round int, reason string, sum Summary) {
	t.Helper()
	if reason == "" {
		if sum.New != 1 {
			t.Errorf("round %d: %+v; want the item stored", round, sum)
		}
		return
	}
	if sum.New != 0 || sum.NotStored[reason] != 1 || sum.Duplicates != 1 {
		t.Errorf("round %d: %+v; want the item counted as %q", round, sum, reason)
	}
	drops := h.state(t, feed).LastRead.Drops
	paths := slices.Collect(maps.Keys(h.newsPaths(t)))
	if len(drops) != 1 || drops[0].Reason != reason || len(paths) != 1 || !strings.HasSuffix(drops[0].Detail, paths[0]) {
		t.Errorf("round %d: drops %+v; want one %q naming %v", round, drops, reason, paths)
	}
	link := strings.TrimSuffix(feed, "/feed.xml") + fmt.Sprintf("/2024/11/05/harbor-plan?t=%d", 1733480000+round)
	var out strings.Builder
	if found, err := explain.Drops(context.Background(), &out, h.st, link); err != nil || !found || !strings.Contains(out.String(), reason) {
		t.Errorf("round %d: explain %s says %q (%v); want %q", round, link, out.String(), err, reason)
	}
}

// ogURLPage is an article page whose own address only its og:url names,
// as themes without a canonical link write it; canonical, when not "", is
// its canonical link too.
func ogURLPage(canonical string) func(title, href string) string {
	return func(title, href string) string {
		link := ""
		if canonical != "" {
			link = `<link rel="canonical" href="` + canonical + `">`
		}
		return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>` + title + `</title>
<meta property="og:type" content="article"><meta property="og:title" content="` + title + `">
<meta property="og:url" content="` + href + `">` + link + `</head><body><p>` + title + `.</p></body></html>`
	}
}

// TestOGURLIsThePagesAddress reads three times a feed whose item, without
// a GUID, links to its page with a token that changes at every fetch, its
// page naming its address by og:url alone: an og:url on the link's site
// that the link ends in is the page's own, and the article is stored
// once. An og:url is a sharing hint templates often write wrong, so one
// that is not the page's own (another site's, the home page, a relative
// "/", a template's for every page) stores each fetch as before, and a
// canonical link, where the page has one, is read instead.
func TestOGURLIsThePagesAddress(t *testing.T) {
	same := func(int) string { return "Harbor plan approved" }
	update := func(n int) string { return fmt.Sprintf("Harbor plan: update %d", n) }
	for _, tc := range []struct {
		name, ogURL, canonical string
		title                  func(n int) string
		stored                 int    // articles after the three rounds
		reason                 string // why the second and third fetches were not stored; "" when stored
	}{
		{name: "page's address", ogURL: "{{BASE}}/2024/11/05/harbor-plan", title: same, stored: 1, reason: ReasonKnownPage},
		{name: "page's address, relative", ogURL: "/2024/11/05/harbor-plan", title: same, stored: 1, reason: ReasonKnownPage},
		{name: "another site's", ogURL: "{{OTHER}}/2024/11/05/harbor-plan", title: same, stored: 3},
		{name: "home page", ogURL: "{{BASE}}/", title: same, stored: 3},
		{name: "relative home page", ogURL: "/", title: same, stored: 3},
		{name: "a template's, for every page", ogURL: "{{BASE}}/all", title: update, stored: 3},
		{name: "canonical link to the home page", ogURL: "{{BASE}}/2024/11/05/harbor-plan", canonical: "/", title: same, stored: 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			srv := tokenServer(t, tc.title, "", tc.ogURL, ogURLPage(tc.canonical))
			feed := srv.URL + "/feed.xml"
			h := newHub(t, true, model.Source{URL: feed})
			opts := testOptions()
			opts.All = true
			in := h.ingester(opts)
			defer func() { in.Close() }()
			for round := 1; round <= 3; round++ {
				sum, err := in.RunOnce(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if round > 1 {
					checkTokenRound(t, h, feed, round, tc.reason, sum)
				}
				if tc.reason == "" && sum.Pages[pageCanonicalIgnored] != 1 {
					t.Errorf("round %d: pages %v; want the page counted as %q", round, sum.Pages, pageCanonicalIgnored)
				}
			}
			if news := h.news(t); len(news) != tc.stored {
				t.Errorf("stored %v; want %d articles", slices.Sorted(maps.Keys(news)), tc.stored)
			}
		})
	}
}

// guidServer serves a feed whose items' GUIDs change at every fetch
// ("urn:uuid:…-1", "…-2"), as some CMSs write a fresh one each time the
// feed is built, while their links stay: items by path, "{{BASE}}" and
// "{{N}}" (the fetch's number) replaced.
func guidServer(t *testing.T, items string) *httptest.Server {
	t.Helper()
	var fetches atomic.Int64
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/feed.xml":
			n := fetches.Add(1)
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprint(w, strings.NewReplacer("{{BASE}}", srv.URL, "{{N}}", fmt.Sprint(n)).Replace(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Harbor Gazette</title><link>{{BASE}}/</link>
`+items+`
</channel></rss>`))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestGUIDThatChangesAtEveryFetchIsStoredOnce reads three times a feed
// whose items' GUIDs change at every fetch while their links stay: an
// item alone in its feed with its link, by path or by query (WordPress's
// "/?p=1204"), is known by it, as feed readers know an item of a feed by
// its link, and stored once, by a new process as by the one that stored
// it; its later fetches are counted as already stored. A link to the home
// page, by a query of words too ("/?lang=en"), or one that items share and their GUIDs alone told apart (a
// podcast's episodes linking to the show's page), names no one article:
// such items cannot be known across rounds when their GUIDs change, and
// are stored anew rather than merged.
func TestGUIDThatChangesAtEveryFetchIsStoredOnce(t *testing.T) {
	for _, tc := range []struct {
		name   string
		items  string
		stored int // articles after the three rounds
		known  int // items counted as already stored in each later round
	}{
		{name: "one item", items: `<item><title>Harbor plan approved</title><link>{{BASE}}/2024/11/05/harbor-plan</link><guid isPermaLink="false">urn:uuid:6c1f0e2a-{{N}}</guid></item>`,
			stored: 1, known: 1},
		{name: "two items", items: `<item><title>Harbor plan approved</title><link>{{BASE}}/2024/11/05/harbor-plan</link><guid isPermaLink="false">urn:uuid:6c1f0e2a-{{N}}</guid></item>
<item><title>Ferry fares rise</title><link>{{BASE}}/2024/11/05/ferry-fares</link><guid isPermaLink="false">urn:uuid:9b3d41c7-{{N}}</guid></item>`,
			stored: 2, known: 2},
		{name: "a link by query", items: `<item><title>Harbor plan approved</title><link>{{BASE}}/?p=1204</link><guid isPermaLink="false">urn:uuid:6c1f0e2a-{{N}}</guid></item>`,
			stored: 1, known: 1},
		{name: "a link to the home page", items: `<item><title>Harbor plan approved</title><link>{{BASE}}/</link><guid isPermaLink="false">urn:uuid:6c1f0e2a-{{N}}</guid></item>`,
			stored: 3, known: 0},
		{name: "a link to the home page by a query", items: `<item><title>Harbor plan: update {{N}}</title><link>{{BASE}}/?lang=en</link><guid isPermaLink="false">urn:uuid:6c1f0e2a-{{N}}</guid></item>`,
			stored: 3, known: 0},
		{name: "episodes on the show's page", items: `<item><title>Episode 1</title><link>{{BASE}}/show</link><guid isPermaLink="false">ep1-{{N}}</guid></item>
<item><title>Episode 2</title><link>{{BASE}}/show</link><guid isPermaLink="false">ep2-{{N}}</guid></item>`,
			stored: 6, known: 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			srv := guidServer(t, tc.items)
			feed := srv.URL + "/feed.xml"
			h := newHub(t, true, model.Source{URL: feed})
			opts := testOptions()
			opts.All = true
			opts.SkipPages = true
			in := h.ingester(opts)
			defer func() { in.Close() }()
			for round := 1; round <= 3; round++ {
				if round == 3 {
					in.Close()
					in = h.ingester(opts)
				}
				sum, err := in.RunOnce(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if round > 1 && sum.NotStored[ReasonKnown] != tc.known {
					t.Errorf("round %d: %+v; want %d counted as %q", round, sum, tc.known, ReasonKnown)
				}
			}
			if news := h.newsPaths(t); len(news) != tc.stored {
				t.Errorf("stored %v; want %d articles", slices.Sorted(maps.Keys(news)), tc.stored)
			}
		})
	}
}

// TestGUIDReusedForAnotherArticleDoesNotMergeIt reads a feed whose
// generator numbers its items by their place in it ("1" the newest), so
// that a GUID names another article each time one is published: the new
// article is stored, the others known by their links, by a new process as
// by the one that read the feed before, and after the articles that had
// its GUID left the feed. An article whose link changed under its GUID
// (its slug edited), with its title, is still the one article; with
// another title too, it is stored again rather than risk losing one.
func TestGUIDReusedForAnotherArticleDoesNotMergeIt(t *testing.T) {
	item := func(title, link, guid string) string {
		return `<item><title>` + title + `</title><link>{{BASE}}` + link + `</link><guid isPermaLink="false">` + guid + `</guid></item>`
	}
	for _, tc := range []struct {
		name       string
		rounds     []string
		newProcess bool
		new, known []int // by round
		duplicates []int
	}{
		{name: "numbered by place",
			rounds: []string{
				item("Harbor plan approved", "/2024/11/05/harbor-plan", "1") + item("Ferry fares rise", "/2024/11/04/ferry-fares", "2"),
				item("Bridge closes for repairs", "/2024/11/06/bridge-repairs", "1") + item("Harbor plan approved", "/2024/11/05/harbor-plan", "2") + item("Ferry fares rise", "/2024/11/04/ferry-fares", "3"),
				// The articles that had "1" and "2" have left the feed.
				item("Library hours change", "/2024/11/07/library-hours", "1") + item("Bridge closes for repairs", "/2024/11/06/bridge-repairs", "2"),
			},
			new: []int{2, 1, 1}, known: []int{0, 2, 1}, duplicates: []int{0, 0, 0}},
		{name: "numbered by place, a new process",
			rounds: []string{
				item("Harbor plan approved", "/2024/11/05/harbor-plan", "1") + item("Ferry fares rise", "/2024/11/04/ferry-fares", "2"),
				item("Bridge closes for repairs", "/2024/11/06/bridge-repairs", "1") + item("Harbor plan approved", "/2024/11/05/harbor-plan", "2") + item("Ferry fares rise", "/2024/11/04/ferry-fares", "3"),
				// The articles that had "1" and "2" have left the feed.
				item("Library hours change", "/2024/11/07/library-hours", "1") + item("Bridge closes for repairs", "/2024/11/06/bridge-repairs", "2"),
			},
			newProcess: true, new: []int{2, 1, 1}, known: []int{0, 2, 1}, duplicates: []int{0, 0, 0}},
		{name: "link changed under its GUID",
			rounds: []string{
				item("Harbor plan approved", "/2024/11/05/harbor-plan", "story-4471"),
				item("Harbor plan approved", "/2024/11/05/harbor-plan-approved", "story-4471"),
			},
			new: []int{1, 0}, known: []int{0, 0}, duplicates: []int{0, 1}},
		{name: "link and title changed under its GUID",
			rounds: []string{
				item("Harbor plan approved", "/2024/11/05/harbor-plan", "story-4471"),
				item("Council approves the harbor plan", "/2024/11/05/council-harbor-plan", "story-4471"),
			},
			new: []int{1, 1}, known: []int{0, 0}, duplicates: []int{0, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			var round atomic.Int64
			var srv *httptest.Server
			srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/rss+xml")
				fmt.Fprint(w, strings.ReplaceAll(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Harbor Gazette</title><link>{{BASE}}/</link>
`+tc.rounds[round.Load()]+`
</channel></rss>`, "{{BASE}}", srv.URL))
			}))
			defer srv.Close()
			h := newHub(t, true, model.Source{URL: srv.URL + "/feed.xml"})
			opts := testOptions()
			opts.All, opts.SkipPages = true, true
			in := h.ingester(opts)
			defer func() { in.Close() }()
			for n := range tc.rounds {
				round.Store(int64(n))
				if n > 0 && tc.newProcess {
					in.Close()
					in = h.ingester(opts)
				}
				sum, err := in.RunOnce(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if sum.New != tc.new[n] || sum.NotStored[ReasonKnown] != tc.known[n] || sum.NotStored[ReasonDuplicate] != tc.duplicates[n] {
					t.Errorf("round %d: new %d, not stored %v; want %d new, %d known, %d duplicates", n+1, sum.New, sum.NotStored, tc.new[n], tc.known[n], tc.duplicates[n])
				}
			}
		})
	}
}
