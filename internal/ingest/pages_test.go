package ingest

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"newshub/internal/model"
)

// siteServer serves pages by path, with {{BASE}} replaced by its address
// and {{HOST}} by its host, under the Content-Type their paths say: ".xml"
// a feed, HTML otherwise. "/robots.txt" is not found.
func siteServer(t *testing.T, pages map[string]string) *httptest.Server {
	t.Helper()
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if strings.HasSuffix(r.URL.Path, ".xml") {
			w.Header().Set("Content-Type", "application/rss+xml")
		} else {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
		}
		fmt.Fprint(w, strings.NewReplacer("{{BASE}}", srv.URL, "{{HOST}}", r.Host).Replace(page))
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
// of a site (Flarum's "/all", a Next.js layout's), its home page, the
// section an article is in. None makes two articles one, and the pages
// are counted as such; a page naming another article's address still
// makes its item that article.
func TestWrongCanonicalsDoNotMergeArticles(t *testing.T) {
	srv := siteServer(t, map[string]string{
		"/ledger.xml": `<rss version="2.0"><channel><title>Ledger</title><link>{{BASE}}/</link>
<item><title>Ferry fares rise</title><link>{{BASE}}/2024/11/05/ferry-fares</link></item>
<item><title>Bridge closes for repairs</title><link>{{BASE}}/2024/11/05/bridge-repairs</link></item>
<item><title>Council delays the vote</title><link>{{BASE}}/news/2024/11/05/council-vote</link></item>
<item><title>Library hours change</title><link>{{BASE}}/2024/11/05/library-hours</link></item>
</channel></rss>`,
		"/wire.xml": `<rss version="2.0"><channel><title>Wire</title><link>{{BASE}}/</link>
<item><title>Turnout tops 70 percent</title><link>{{BASE}}/news/2024/11/05/turnout</link></item>
<item><title>Ferry fares rise (wire copy)</title><link>{{BASE}}/wire/ferry-copy</link></item>
</channel></rss>`,
		"/2024/11/05/ferry-fares":       canonicalPage("Ferry fares rise", "/all"),
		"/2024/11/05/bridge-repairs":    canonicalPage("Bridge closes for repairs", "/all"),
		"/news/2024/11/05/council-vote": canonicalPage("Council delays the vote", "{{BASE}}/news/"),
		"/2024/11/05/library-hours":     canonicalPage("Library hours change", "{{BASE}}/"),
		"/news/2024/11/05/turnout":      canonicalPage("Turnout tops 70 percent", "//{{HOST}}/news"),
		"/wire/ferry-copy":              canonicalPage("Ferry fares rise", "{{BASE}}/2024/11/05/ferry-fares?utm_source=wire"),
	})
	h := newHub(t, true, model.Source{URL: srv.URL + "/ledger.xml"}, model.Source{URL: srv.URL + "/wire.xml"})
	in := h.ingester(testOptions())
	defer in.Close()
	sum, err := in.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	news := h.news(t)
	for _, path := range []string{"/2024/11/05/bridge-repairs", "/news/2024/11/05/council-vote", "/2024/11/05/library-hours", "/news/2024/11/05/turnout"} {
		if news[srv.URL+path] == nil {
			t.Errorf("%s not stored; stored %v", path, slices.Sorted(maps.Keys(news)))
		}
	}
	// The wire's copy names the ledger's article: one of the two is
	// stored, whichever feed was read first.
	if (news[srv.URL+"/2024/11/05/ferry-fares"] == nil) == (news[srv.URL+"/wire/ferry-copy"] == nil) {
		t.Errorf("ferry fares stored as %v", slices.Sorted(maps.Keys(news)))
	}
	if sum.New != 5 || sum.Duplicates != 1 || sum.Pages[pageCanonicalIgnored] != 5 || sum.Pages[pageRead] != 1 {
		t.Errorf("summary %+v", sum)
	}
}
