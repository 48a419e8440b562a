package server

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

// TestHEADAnswersTheHeadersOfGET checks that HEAD answers every kind of
// answer (website pages, documents, feeds, searches, errors) with the
// headers GET answers it with, compressed or not, and no body. Only the
// length of a body compressed as it is written, known once written, may
// be left out.
func TestHEADAnswersTheHeadersOfGET(t *testing.T) {
	st := genStore(t, 60)
	_, ts := hubServer(t, st)
	lead := currentLead(t, st)
	cases := []struct {
		name, path string
		status     int
	}{
		{"home page", "/", 200},
		{"story page", "/stories/" + lead.Article.Story + "/", 200},
		{"page not found", "/no-such-page/", 404},
		{"document", "/api/news/", 200},
		{"small document", "/api/newsletters/", 200},
		{"feed", "/feeds/atom.xml", 200},
		{"search", "/api/search?q=the", 200},
		{"document not found", "/api/news/page/999/", 404},
	}
	for _, c := range cases {
		for _, ae := range []string{"", "gzip"} {
			hdr := map[string]string{"Accept-Encoding": ae}
			get, _ := do(t, http.MethodGet, ts.URL+c.path, hdr)
			head, body := do(t, http.MethodHead, ts.URL+c.path, hdr)
			if get.StatusCode != c.status || head.StatusCode != c.status || len(body) != 0 {
				t.Errorf("%s, Accept-Encoding %q: GET %s, HEAD %s with %d bytes; want %d and no body",
					c.name, ae, get.Status, head.Status, len(body), c.status)
				continue
			}
			for _, name := range headerNames(get.Header, head.Header) {
				if name == "Date" {
					continue // the clock may pass a second between the two
				}
				g, h := get.Header.Values(name), head.Header.Values(name)
				written := name == "Content-Length" && get.Header.Get("Content-Encoding") != ""
				if !slices.Equal(g, h) && !(written && h == nil) {
					t.Errorf("%s, Accept-Encoding %q: %s is %q after GET, %q after HEAD", c.name, ae, name, g, h)
				}
			}
		}
	}
}

// headerNames returns the names of the headers of a and b, sorted.
func headerNames(a, b http.Header) []string {
	var names []string
	for _, h := range []http.Header{a, b} {
		for name := range h {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// TestPreflightAllowsTheHeadersAsked checks that a browser's preflight of
// the API, the feeds and the search allows every header the script
// sends: a browser refuses the request itself for any header left out.
func TestPreflightAllowsTheHeadersAsked(t *testing.T) {
	st := genStore(t, 30)
	_, ts := hubServer(t, st)
	for _, c := range []struct{ path, asked string }{
		{"/api/news/", "if-none-match"},
		{"/api/topics/index.json", "content-type"},
		{"/feeds/feed.json", "cache-control,x-client-version"},
		{"/api/search?q=x", "if-none-match,if-modified-since,pragma"},
	} {
		resp, _ := do(t, http.MethodOptions, ts.URL+c.path, map[string]string{"Origin": "https://app.example",
			"Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": c.asked})
		allowed := map[string]bool{}
		for _, h := range strings.Split(resp.Header.Get("Access-Control-Allow-Headers"), ",") {
			allowed[strings.ToLower(strings.TrimSpace(h))] = true
		}
		for _, h := range strings.Split(c.asked, ",") {
			if resp.StatusCode != http.StatusNoContent || !allowed[h] {
				t.Errorf("preflight of %s asking for %s: %s, Access-Control-Allow-Headers %q",
					c.path, h, resp.Status, resp.Header.Get("Access-Control-Allow-Headers"))
			}
		}
	}
}
