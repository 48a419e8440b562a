package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"testing"
	"time"
)

// fetch GETs path from srv with an optional ETag and returns the status,
// the ETag and the body.
func fetch(t *testing.T, srv *httptest.Server, path, etag string) (int, string, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("ETag"), string(body)
}

// serveGenerated serves a generator of feeds × items, its feeds and
// pages rendered first, as main does, until the test ends.
func serveGenerated(t *testing.T, feeds, items int) (*generator, *httptest.Server) {
	t.Helper()
	g, err := newGenerator(feeds, items, 1, time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	g.prerender([]string{base})
	srv.Config.Handler = g.handler(base)
	srv.Start()
	t.Cleanup(srv.Close)
	return g, srv
}

var (
	itemLink  = regexp.MustCompile(`<link>[^<]*/articles/\d+/(\d+)\?`)
	itemTitle = regexp.MustCompile(`<item><title>([^<]*)</title>`)
)

func matches(re *regexp.Regexp, s string) []string {
	var out []string
	for _, m := range re.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return out
}

// A rotating feed keeps its items and ETag within a round (304 to its
// ETag), and each round brings n new items, newest first, with new titles
// and pages, while the n oldest drop off.
func TestRotatingFeedChangesEachRoundAndAnswers304Within(t *testing.T) {
	const feeds, items, n = 3, 10, 4
	g, srv := serveGenerated(t, feeds, items)
	// Two rounds ago: a period of an hour leaves no chance of a third.
	g.rot = newRotation(g, time.Hour, n, 1, time.Now().Add(-2*time.Hour-time.Minute))

	code, etag, body := fetch(t, srv, "/feeds/1.xml", "")
	if code != http.StatusOK || etag != `"feed-1-v3"` {
		t.Fatalf("round 2: %d %s", code, etag)
	}
	// Round 2 lists the 8 new items of rounds 2 and 1, newest first, then
	// the 2 newest originals.
	wantNums := []string{"17", "16", "15", "14", "13", "12", "11", "10", "0", "1"}
	if got := matches(itemLink, body); !slices.Equal(got, wantNums) {
		t.Errorf("round 2 lists items %v, want %v", got, wantNums)
	}
	titles := matches(itemTitle, body)
	if len(titles) != items {
		t.Fatalf("round 2 has %d titles", len(titles))
	}
	g.rot = nil // round 0: the originals
	_, _, orig := fetch(t, srv, "/feeds/1.xml", "")
	origTitles := matches(itemTitle, orig)
	for _, title := range titles[:2*n] {
		if slices.Contains(origTitles, title) {
			t.Errorf("new item %q repeats an original title", title)
		}
	}
	if !slices.Equal(titles[2*n:], origTitles[:items-2*n]) {
		t.Errorf("round 2 keeps %q, want the newest originals %q", titles[2*n:], origTitles[:items-2*n])
	}
	g.rot = newRotation(g, time.Hour, n, 1, time.Now().Add(-2*time.Hour-time.Minute))

	if code, _, _ := fetch(t, srv, "/feeds/1.xml", etag); code != http.StatusNotModified {
		t.Errorf("same round with its ETag: %d, want 304", code)
	}
	if code, _, _ := fetch(t, srv, "/feeds/1.xml", `"feed-1-v2"`); code != http.StatusOK {
		t.Errorf("last round's ETag: %d, want 200", code)
	}
	for _, tc := range []struct {
		path string
		code int
	}{
		{"/articles/1/17", http.StatusOK}, // new in round 2
		{"/articles/1/9", http.StatusOK},  // an original, dropped but kept
		{"/articles/1/18", http.StatusNotFound},
		{"/articles/3/0", http.StatusNotFound},
	} {
		code, _, page := fetch(t, srv, tc.path, "")
		if code != tc.code {
			t.Errorf("GET %s: %d, want %d", tc.path, code, tc.code)
		}
		if tc.path == "/articles/1/17" && !regexp.MustCompile(`<h1>`+regexp.QuoteMeta(titles[0])+`</h1>`).MatchString(page) {
			t.Errorf("page of the newest item lacks its title %q", titles[0])
		}
	}
}
