package server

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"newshub/internal/publish"
)

// TestRangesOfDocuments checks that a range of a document is answered
// from the form its request gets, identity or gzip, under that form's
// ETag: a part of one encoding never resumes the other.
func TestRangesOfDocuments(t *testing.T) {
	st := genStore(t, 60)
	_, ts := newTestServer(t, st, nil)
	url := ts.URL + "/api/news/"
	plainResp, plain := get(t, url, nil)
	gzResp, gz := get(t, url, map[string]string{"Accept-Encoding": "gzip"})
	etag, gzETag := plainResp.Header.Get("ETag"), gzResp.Header.Get("ETag")
	if gzResp.Header.Get("Content-Encoding") != "gzip" || etag == gzETag {
		t.Fatalf("forms: identity ETag %s, gzip %s %v", etag, gzETag, gzResp.Header)
	}
	cases := []struct {
		name     string
		method   string
		hdr      map[string]string
		status   int
		body     []byte
		encoding string
		rng      string // Content-Range
	}{
		{"identity", "GET", map[string]string{"Range": "bytes=0-9"}, 206, plain[:10], "", "bytes 0-9/" + strconv.Itoa(len(plain))},
		{"gzip", "GET", map[string]string{"Range": "bytes=0-9", "Accept-Encoding": "gzip"}, 206, gz[:10], "gzip", "bytes 0-9/" + strconv.Itoa(len(gz))},
		{"gzip to its own ETag", "GET", map[string]string{"Range": "bytes=10-", "Accept-Encoding": "gzip", "If-Range": gzETag}, 206, gz[10:], "gzip", "bytes 10-" + strconv.Itoa(len(gz)-1) + "/" + strconv.Itoa(len(gz))},
		{"gzip to the identity ETag", "GET", map[string]string{"Range": "bytes=10-", "Accept-Encoding": "gzip", "If-Range": etag}, 200, gz, "gzip", ""},
		{"identity to the gzip ETag", "GET", map[string]string{"Range": "bytes=10-", "If-Range": gzETag}, 200, plain, "", ""},
		{"past the end", "GET", map[string]string{"Range": "bytes=999999999-"}, 416, nil, "", "bytes */" + strconv.Itoa(len(plain))},
		{"HEAD", "HEAD", map[string]string{"Range": "bytes=0-9"}, 200, nil, "", ""},
	}
	for _, c := range cases {
		resp, body := do(t, c.method, url, c.hdr)
		if resp.StatusCode != c.status {
			t.Errorf("%s: %s, want %d", c.name, resp.Status, c.status)
			continue
		}
		if c.body != nil && !bytes.Equal(body, c.body) {
			t.Errorf("%s: %d bytes, not the %d of the form asked", c.name, len(body), len(c.body))
		}
		if got := resp.Header.Get("Content-Encoding"); got != c.encoding {
			t.Errorf("%s: Content-Encoding %q, want %q", c.name, got, c.encoding)
		}
		if got := resp.Header.Get("Content-Range"); got != c.rng {
			t.Errorf("%s: Content-Range %q, want %q", c.name, got, c.rng)
		}
		if c.status == 206 && resp.Header.Get("Content-Length") != strconv.Itoa(len(c.body)) {
			t.Errorf("%s: Content-Length %q, want %d", c.name, resp.Header.Get("Content-Length"), len(c.body))
		}
	}
}

// TestCacheControlPerKind checks what each kind of answer lets caches
// do: documents, feeds and pages are kept a minute by any cache, a
// search by the asker's browser only, an error by none. A 304 keeps the
// headers its 200 guides caches with.
func TestCacheControlPerKind(t *testing.T) {
	st := genStore(t, 60)
	_, ts := hubServer(t, st)
	const public, private, none = "public, max-age=60", "private, max-age=60", "no-store"
	cases := []struct {
		name, method, path string
		status             int
		cc                 string
	}{
		{"document", "GET", "/api/news/", 200, public},
		{"feed", "GET", "/feeds/atom.xml", 200, public},
		{"page", "GET", "/", 200, public},
		{"search", "GET", "/api/search?q=the", 200, private},
		{"search page", "GET", "/search?q=the", 200, private},
		{"search to fix", "GET", "/api/search?q=%22unbalanced", 400, none},
		{"search page to fix", "GET", "/search?q=%22unbalanced", 400, none},
		{"document not found", "GET", "/api/news/page/999/", 404, none},
		{"page not found", "GET", "/no-such-page/", 404, none},
		{"method of the API", "POST", "/api/news/", 405, none},
		{"method of the website", "POST", "/", 405, none},
	}
	for _, c := range cases {
		resp, _ := do(t, c.method, ts.URL+c.path, nil)
		if resp.StatusCode != c.status {
			t.Errorf("%s: %s, want %d", c.name, resp.Status, c.status)
			continue
		}
		if got := resp.Header.Get("Cache-Control"); got != c.cc {
			t.Errorf("%s: Cache-Control %q, want %q", c.name, got, c.cc)
		}
		switch c.status {
		case 405:
			if resp.Header.Get("Allow") == "" {
				t.Errorf("%s: 405 without Allow", c.name)
			}
		case 200:
			for _, ae := range []string{"", "gzip"} {
				hdr := map[string]string{"Accept-Encoding": ae}
				full, _ := do(t, c.method, ts.URL+c.path, hdr)
				hdr["If-None-Match"] = full.Header.Get("ETag")
				nm, body := do(t, c.method, ts.URL+c.path, hdr)
				if nm.StatusCode != 304 || len(body) != 0 {
					t.Errorf("%s, Accept-Encoding %q: revalidated: %s with %d bytes", c.name, ae, nm.Status, len(body))
				}
				for _, k := range []string{"ETag", "Cache-Control", "Vary"} {
					if got, want := nm.Header.Get(k), full.Header.Get(k); got != want {
						t.Errorf("%s, Accept-Encoding %q: %s %q on the 304, %q on the 200", c.name, ae, k, got, want)
					}
				}
			}
		}
	}
}

// TestUnchangedDocumentKeepsItsDate checks that a write which changes
// some documents leaves the others their Last-Modified: a poller
// revalidating by date alone gets 304 for a document the write left as
// it was, and the new document where the write changed it.
func TestUnchangedDocumentKeepsItsDate(t *testing.T) {
	st := genStore(t, 40)
	views := publish.NewViews(publish.ViewsConfig{Store: st, CheckEvery: time.Hour, Options: publish.Options{Now: clock}})
	ts := httptest.NewServer(New(Config{Store: st, Views: views}))
	defer ts.Close()
	lead := currentLead(t, st)
	dates := map[string]string{}
	for _, p := range []string{"/api/topics/", "/api/news/"} {
		resp, _ := get(t, ts.URL+p, nil)
		dates[p] = resp.Header.Get("Last-Modified")
	}
	lead.Article.Title = "A title changed"
	upsertAndLoad(t, views, st, lead)
	for _, c := range []struct {
		path   string
		status int
	}{
		{"/api/topics/", http.StatusNotModified},
		{"/api/news/", http.StatusOK},
	} {
		resp, _ := get(t, ts.URL+c.path, map[string]string{"If-Modified-Since": dates[c.path]})
		if resp.StatusCode != c.status {
			t.Errorf("%s, If-Modified-Since its date before the write: %s, want %d", c.path, resp.Status, c.status)
		}
	}
	if resp, _ := get(t, ts.URL+"/api/topics/", nil); resp.Header.Get("Last-Modified") != dates["/api/topics/"] {
		t.Errorf("/api/topics/: Last-Modified %q after a write that left it, want %q", resp.Header.Get("Last-Modified"), dates["/api/topics/"])
	}
}
