package openapi_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"newshub/internal/openapi"
)

// A probe is a request beyond the published paths, with what the server
// should answer and whether the document allows the request.
type probe struct {
	path         string // with its query
	status       int
	validRequest bool
}

// probes are the answers that are not documents: searches, errors, the
// health check and what is documented ahead of being served.
func probes(words string) []probe {
	q := url.QueryEscape
	return []probe{
		{"/api/search?q=" + q(words), 200, true},
		{"/api/search?q=" + q(words) + "&when=year&page=1", 200, true},
		{"/api/search?q=" + q(words) + "&page=2", 200, true},
		{"/api/search?q=zzqqxxnothing", 200, true},
		{"/api/search?q=" + q(`"unclosed`), 400, true},
		{"/api/search?q=" + q(words) + "&topic=no-such-topic", 400, true},
		{"/api/search?q=" + q(words) + "&when=decade", 400, false},
		{"/api/search?q=" + q(words) + "&page=0", 400, false},
		{"/api/search", 400, false},
		{"/api/news/page/9999/index.json", 404, true},
		{"/api/news/no-such-topic/index.json", 404, true},
		{"/api/news/2001/01/01/no-such-article/index.json", 404, true},
		{"/api/stories/no-such-story/index.json", 404, true},
		{"/api/events/no-such-event/index.json", 404, true},
		{"/feeds/no-such-topic/rss.xml", 404, true},
		{"/api/newsletters/no-such-issue/index.json", 404, true},
		{"/healthz", 200, true},
	}
}

// TestServedAnswersMatchTheDocument asks a real server for every path the
// publisher writes (in each spelling: index.json and the folder), and for
// searches, errors and the health check, and validates each answer
// against the document: status, headers, content type, body. Every
// documented path must be answered; a path documented ahead of the
// publisher (x-pending) must not be, yet.
func TestServedAnswersMatchTheDocument(t *testing.T) {
	for _, hc := range hubCases() {
		t.Run(hc.name, func(t *testing.T) {
			hub := hc.serve(t)
			c, err := newChecker(openapi.Document(hub.url))
			if err != nil {
				t.Fatal(err)
			}
			w := &walk{t: t, c: c, hub: hub, published: map[string]bool{},
				answered: map[string]int{}, cached: map[string]bool{}, failed: map[string]int{}}
			for _, p := range hub.paths {
				w.published[p] = true
			}
			paths := slices.Clone(hub.paths)
			sort.Strings(paths)
			for _, p := range paths {
				w.get(probe{"/" + p, 200, true})
				// The folders of the lists; the articles' would add time, not cover more.
				if folder, ok := strings.CutSuffix(p, "index.json"); ok && !articlePath.MatchString(p) {
					w.get(probe{"/" + folder, 200, true})
				}
			}
			for _, p := range probes(searchWords(t, hub)) {
				w.get(p)
			}
			w.report(hc.name)
		})
	}
}

var articlePath = regexp.MustCompile(`^api/news/[0-9]{4}/`)

// A walk asks a server for one path after another and keeps count.
type walk struct {
	t         *testing.T
	c         *checker
	hub       *servedHub
	published map[string]bool // site paths the publisher writes
	answered  map[string]int  // template → answers validated
	cached    map[string]bool // templates whose caching was checked
	failed    map[string]int  // template → failures
}

// fail reports a failure of an answer of a template: the first two of
// each, and how many more in report, so a broken schema does not bury
// the log.
func (w *walk) fail(key, format string, args ...any) {
	w.t.Helper()
	w.failed[key]++
	if w.failed[key] <= 2 {
		w.t.Errorf(format, args...)
	}
}

func (w *walk) get(p probe) {
	w.t.Helper()
	ex := w.hub.get(w.t, p.path, nil)
	v := w.c.check(ex)
	key := p.path
	if v.tpl != nil {
		key = v.tpl.path
	}
	if ex.resp.StatusCode != p.status {
		w.fail(key, "GET %s: %s, want %d", p.path, ex.resp.Status, p.status)
	}
	if (v.request == nil) != p.validRequest {
		w.fail(key, "GET %s: the document finds the request valid=%v (%v), want %v", p.path, v.request == nil, v.request, p.validRequest)
	}
	if v.response != nil {
		w.fail(key, "GET %s (%d): %v", p.path, ex.resp.StatusCode, v.response)
		return
	}
	for _, l := range links(w.hub.url, ex.body) {
		// A folder's address (a topic's services) is answered by its index.json.
		if !w.published[l] && !(strings.HasSuffix(l, "/") && w.published[l+"index.json"]) {
			w.fail(key, "GET %s links to %s, which the publisher does not write", p.path, l)
		}
	}
	if ex.resp.StatusCode != http.StatusOK {
		return
	}
	w.answered[key]++
	if why := v.tpl.pending(); why != "" {
		w.fail(key, "GET %s is answered now: check it and drop x-pending from %s (%s)", p.path, key, why)
	}
	if !w.cached[key] {
		w.cached[key] = true
		checkCaching(w.t, w.c, w.hub, p.path, ex)
	}
}

// report checks that every documented path was answered, or, documented
// ahead of the publisher, is not found yet.
func (w *walk) report(hub string) {
	w.t.Helper()
	for _, tp := range w.c.rt.templates {
		switch why := tp.pending(); {
		case why == "" && w.answered[tp.path] == 0:
			w.t.Errorf("%s: documented, but no answer of the %s hub was checked against it", tp.path, hub)
		case why != "" && w.answered[tp.path] == 0 && !strings.Contains(tp.path, "{"):
			if ex := w.hub.get(w.t, tp.path, nil); ex.resp.StatusCode != http.StatusNotFound {
				w.t.Errorf("GET %s: %s; it is documented as pending (%s): check it and drop x-pending", tp.path, ex.resp.Status, why)
			}
		}
	}
	for key, n := range w.failed {
		if n > 2 {
			w.t.Errorf("%s: %d more failures", key, n-2)
		}
	}
	w.t.Logf("%d answers of %d documented paths checked", sum(w.answered), len(w.answered))
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// searchWords is a word of the first lead's title, so that a search finds
// something.
func searchWords(t *testing.T, hub *servedHub) string {
	t.Helper()
	ex := hub.get(t, "/feeds/feed.json", nil)
	var feed struct {
		Items []struct {
			Title string `json:"title"`
		} `json:"items"`
	}
	if err := json.Unmarshal(ex.body, &feed); err != nil || len(feed.Items) == 0 {
		t.Fatalf("feed.json: %v, %d items", err, len(feed.Items))
	}
	longest := ""
	for _, w := range strings.Fields(feed.Items[0].Title) {
		w = strings.Trim(w, `.,:;!?'"’`)
		if len(w) > len(longest) {
			longest = w
		}
	}
	return longest
}

// checkCaching asks again for a document with its validators and with
// gzip: If-None-Match and If-Modified-Since give 304 without a body (which
// kin-openapi does not look at), and the gzip form validates as the plain
// one does, under its own ETag.
func checkCaching(t *testing.T, c *checker, hub *servedHub, path string, first exchange) {
	t.Helper()
	etag := first.resp.Header.Get("ETag")
	if etag == "" {
		return // not a document: the health check
	}
	conditions := []http.Header{{"If-None-Match": {etag}}}
	if lm := first.resp.Header.Get("Last-Modified"); lm != "" { // searches have none, as documented
		conditions = append(conditions, http.Header{"If-Modified-Since": {lm}})
	}
	for _, hdr := range conditions {
		for name := range hdr {
			if v := c.check(first); !documentsHeader(v.tpl.item.Get, name) {
				t.Errorf("%s: answered with a validator for %s, which is not documented as a parameter", v.tpl.path, name)
			}
		}
		ex := hub.get(t, path, hdr)
		if ex.resp.StatusCode != http.StatusNotModified || len(ex.body) != 0 || ex.resp.Header.Get("ETag") != etag {
			t.Errorf("GET %s with %v: %s, %d bytes, ETag %q; want 304, no body, ETag %s",
				path, hdr, ex.resp.Status, len(ex.body), ex.resp.Header.Get("ETag"), etag)
		}
		if v := c.check(ex); v.response != nil {
			t.Errorf("GET %s with %v: %v", path, hdr, v.response)
		}
	}
	ex := hub.get(t, path, http.Header{"Accept-Encoding": {"gzip"}, "Origin": {"https://client.example"}})
	if v := c.check(ex); v.response != nil {
		t.Errorf("GET %s, gzip: %v", path, v.response)
	}
	if len(first.body) > 512 && (ex.resp.Header.Get("Content-Encoding") != "gzip" || ex.resp.Header.Get("ETag") == etag) {
		t.Errorf("GET %s, gzip: Content-Encoding %q, ETag %s as the plain form's", path, ex.resp.Header.Get("Content-Encoding"), ex.resp.Header.Get("ETag"))
	}
	if ex.resp.Header.Get("Access-Control-Expose-Headers") == "" {
		t.Errorf("GET %s with an Origin: no Access-Control-Expose-Headers", path)
	}
}

// documentsHeader reports whether op lists the request header name among
// its parameters, so a client reading the document knows to send it.
func documentsHeader(op *openapi3.Operation, name string) bool {
	for _, p := range op.Parameters {
		if p.Value != nil && p.Value.In == openapi3.ParameterInHeader && strings.EqualFold(p.Value.Name, name) {
			return true
		}
	}
	return false
}
