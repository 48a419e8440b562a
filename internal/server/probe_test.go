package server

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"newshub/internal/content"
	"newshub/internal/model"
	"newshub/internal/store"
	"newshub/internal/store/sqlite"
)

// probeHub is a real SQLite store holding the hostile site folder of
// testdata/probe/hub (script links, markup in excerpts, no configured url),
// served as the serve command serves it.
func probeHub(t testing.TB) (store.Store, *httptest.Server) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Upsert(context.Background(), readSite(t, filepath.Join("testdata", "probe", "hub"))); err != nil {
		t.Fatal(err)
	}
	_, ts := hubServer(t, st)
	return st, ts
}

// readSite parses every record of a site folder.
func readSite(t testing.TB, dir string) []*model.Record {
	t.Helper()
	var recs []*model.Record
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		r, err := content.Parse(filepath.ToSlash(rel), data)
		if err != nil {
			return err
		}
		recs = append(recs, r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// probe is one crafted request of testdata/probe/requests.json and what
// its answer must be.
type probe struct {
	Name    string   `json:"name"`
	Method  string   `json:"method"`
	Target  string   `json:"target"` // the request target, sent as it is
	Headers []string `json:"headers"`
	Status  []int    `json:"status"` // any of these; empty: any below 500
	// Header maps a header to a pattern its value must match ("^$": absent).
	Header   map[string]string `json:"header"`
	NoHeader []string          `json:"noHeader"`
	// SameOrigin: a redirect must stay on the site as a browser reads its
	// Location, and a Location holds no control character or backslash.
	SameOrigin bool     `json:"sameOrigin"`
	BodyLacks  []string `json:"bodyLacks"` // in the body, decompressed
}

// TestProbeRequests replays the crafted requests of the hostile probe
// (issue 11) against a served hub and checks every answer.
func TestProbeRequests(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "probe", "requests.json"))
	if err != nil {
		t.Fatal(err)
	}
	var probes []probe
	if err := json.Unmarshal(data, &probes); err != nil {
		t.Fatal(err)
	}
	_, ts := probeHub(t)
	addr := strings.TrimPrefix(ts.URL, "http://")
	for _, p := range probes {
		t.Run(p.Name, func(t *testing.T) {
			resp, body := sendRaw(t, addr, p)
			if len(p.Status) == 0 && resp.StatusCode >= 500 || len(p.Status) > 0 && !containsInt(p.Status, resp.StatusCode) {
				t.Errorf("status %d, want %v", resp.StatusCode, p.Status)
			}
			for name, pat := range p.Header {
				if got := resp.Header.Get(name); !regexp.MustCompile(pat).MatchString(got) {
					t.Errorf("%s: %q, want %s", name, got, pat)
				}
			}
			for _, name := range p.NoHeader {
				if got, ok := resp.Header[http.CanonicalHeaderKey(name)]; ok {
					t.Errorf("%s: %q, want none", name, got)
				}
			}
			if p.SameOrigin {
				checkSameOrigin(t, ts.URL+"/", resp)
			}
			for _, s := range p.BodyLacks {
				if bytes.Contains(body, []byte(s)) {
					t.Errorf("body holds %q", s)
				}
			}
		})
	}
}

// sendRaw sends a probe's request as it is written, over a connection of
// its own, and returns the answer with its body decompressed.
func sendRaw(t *testing.T, addr string, p probe) (*http.Response, []byte) {
	t.Helper()
	method := p.Method
	if method == "" {
		method = http.MethodGet
	}
	target := strings.ReplaceAll(p.Target, "LONGQUERY", strings.Repeat("w", 1200))
	var req strings.Builder
	req.WriteString(method + " " + target + " HTTP/1.1\r\n")
	host := false
	for _, h := range p.Headers {
		host = host || strings.HasPrefix(strings.ToLower(h), "host:")
		req.WriteString(h + "\r\n")
	}
	if !host {
		req.WriteString("Host: " + addr + "\r\n")
	}
	req.WriteString("Connection: close\r\n\r\n")
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.WriteString(c, req.String()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("%s %q: %v", method, target, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("gzip answer: %v", err)
		}
		if body, err = io.ReadAll(zr); err != nil {
			t.Fatalf("gzip answer: %v", err)
		}
	}
	return resp, body
}

// checkSameOrigin fails a redirect that a browser would follow to another
// host. Browsers strip tabs and line breaks from a URL and read a
// backslash as a slash before resolving it (the WHATWG URL standard), so
// the Location is read that way here.
func checkSameOrigin(t *testing.T, site string, resp *http.Response) {
	t.Helper()
	loc, ok := resp.Header["Location"]
	if !ok {
		return
	}
	if resp.StatusCode < 300 || resp.StatusCode > 399 {
		t.Errorf("Location %q on a %d answer", loc, resp.StatusCode)
	}
	for _, l := range loc {
		if strings.ContainsFunc(l, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }) {
			t.Errorf("Location %q holds a control character or a backslash", l)
		}
		asRead := strings.NewReplacer("\t", "", "\n", "", "\r", "", `\`, "/").Replace(strings.TrimSpace(l))
		base, _ := url.Parse(site)
		u, err := base.Parse(asRead)
		if err != nil {
			t.Errorf("Location %q: %v", l, err)
			continue
		}
		if u.Host != base.Host || u.Scheme != base.Scheme {
			t.Errorf("Location %q leads a browser to %s://%s", l, u.Scheme, u.Host)
		}
	}
}

func containsInt(l []int, n int) bool {
	for _, v := range l {
		if v == n {
			return true
		}
	}
	return false
}

// TestFeedsRepublishNoUnsafeContent reads the hub's feeds, in every
// format, as a feed reader does (gofeed) and checks that what a reader
// follows is an http(s) link and what it renders holds no markup: the
// hostile records have javascript:, vbscript: and data: links (in any
// case, with white space or a tab), a picture with a script link, and
// excerpts holding an <img onerror> tag, plain and encoded twice.
func TestFeedsRepublishNoUnsafeContent(t *testing.T) {
	_, ts := probeHub(t)
	site := readSite(t, filepath.Join("testdata", "probe", "hub"))
	hostile := 0
	for _, r := range site {
		if r.Article != nil {
			hostile++
		}
	}
	parser := gofeed.NewParser()
	shown := map[string]map[string]string{} // feed → title → the text a reader shows
	for _, path := range []string{"/feeds/rss.xml", "/feeds/atom.xml", "/feeds/feed.json", "/feeds/candidates/rss.xml",
		"/feeds/candidates/atom.xml", "/feeds/candidates/feed.json"} {
		t.Run(path, func(t *testing.T) {
			resp, body := get(t, ts.URL+path, nil)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
			f, err := parser.Parse(bytes.NewReader(body))
			if err != nil {
				t.Fatalf("gofeed: %v", err)
			}
			if len(f.Items) != hostile {
				t.Fatalf("%d items, want %d", len(f.Items), hostile)
			}
			for _, it := range f.Items {
				u, err := url.Parse(it.Link)
				if err != nil || u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https" || u.Scheme == "" && !strings.HasPrefix(it.Link, "/news/") {
					t.Errorf("%q: link %q", it.Title, it.Link)
				}
				if it.Image != nil && !strings.HasPrefix(it.Image.URL, "https://") {
					t.Errorf("%q: image %q", it.Title, it.Image.URL)
				}
				// RSS readers render a description as HTML, the others
				// give text: either way no element may come out of it.
				for _, text := range []string{it.Description, it.Content} {
					if els := htmlElements(t, text); len(els) > 0 {
						t.Errorf("%q: %q renders as elements %v", it.Title, text, els)
					}
					if strings.Contains(text, "onerror") {
						t.Errorf("%q: %q keeps the markup's attribute", it.Title, text)
					}
				}
				if !strings.Contains(it.Description, "Before") && !strings.Contains(it.Description, "plain summary") {
					t.Errorf("%q: description %q lost the text", it.Title, it.Description)
				}
				text := it.Description
				if strings.HasSuffix(path, "rss.xml") {
					text = htmlText(t, text)
				}
				if shown[path] == nil {
					shown[path] = map[string]string{}
				}
				shown[path][it.Title] = text
			}
		})
	}
	// Every format shows the same text: RSS's, once rendered as HTML,
	// holds what JSON Feed's plain text does, markup-like text included.
	for title, want := range shown["/feeds/feed.json"] {
		for _, path := range []string{"/feeds/rss.xml", "/feeds/atom.xml"} {
			if got := shown[path][title]; got != want {
				t.Errorf("%s %q shows %q, JSON Feed %q", path, title, got, want)
			}
		}
	}
}

// htmlText returns the text an HTML fragment shows.
func htmlText(t *testing.T, fragment string) string {
	t.Helper()
	nodes, err := html.ParseFragment(strings.NewReader(fragment), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return b.String()
}

// htmlElements returns the names of the elements text holds when it is
// read as an HTML fragment, as a feed reader that renders it reads it.
func htmlElements(t *testing.T, text string) []string {
	t.Helper()
	nodes, err := html.ParseFragment(strings.NewReader(text), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		t.Fatal(err)
	}
	var els []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			els = append(els, n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return els
}

// TestOverlongRecordIsClippedAtRender stores a record far over the text
// limits straight into the database (as an older version or another
// writer could have), bypassing import's checks, and checks that the
// pages and feeds showing it carry its title and excerpt cut to the
// limits, not whole.
func TestOverlongRecordIsClippedAtRender(t *testing.T) {
	st, ts := probeHub(t)
	title := strings.Repeat("Election overlong ", 20_000) // 360,000 characters
	excerpt := strings.Repeat("Excerpt overlong ", 60_000)
	at := time.Date(2026, 10, 19, 12, 0, 0, 0, time.UTC)
	rec := &model.Record{Path: "_news/2026-10-19-overlong.md", Kind: model.KindNews, Article: &model.Article{
		Category: "news", Title: title, Excerpt: excerpt, PublishedDateTime: at, Type: "article",
		OriginalURL: "https://example.com/overlong", WebURL: "https://example.com/overlong",
		Provider: model.Provider{Name: "Example News", Domain: "example.com"}, Topics: []string{"Election", "Candidates"},
		Quality: 100, Heat: 100, Published: true,
	}}
	if err := st.Upsert(context.Background(), []*model.Record{rec}); err != nil {
		t.Fatal(err)
	}
	clipped := model.Clip(title, model.MaxTitle)
	for _, p := range []string{"/", "/topics/candidates/", "/news/2026/10/19/overlong/", "/feeds/rss.xml", "/feeds/atom.xml", "/feeds/feed.json", "/search?q=overlong"} {
		var resp *http.Response
		var body []byte
		for range 100 { // until the view holds the new record
			resp, body = get(t, ts.URL+p, nil)
			if bytes.Contains(body, []byte("Election overlong")) {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: %s", p, resp.Status)
			continue
		}
		if !bytes.Contains(body, []byte(strings.TrimSpace(clipped[:len(clipped)-len("…")]))) {
			t.Errorf("%s: no title clipped to %d characters", p, model.MaxTitle)
		}
		if n := len(title) / 10; bytes.Contains(body, []byte(title[:n])) {
			t.Errorf("%s: holds %d bytes of the title, more than its limit", p, n)
		}
		if n := model.MaxExcerpt * 2; bytes.Contains(body, []byte(excerpt[:n])) {
			t.Errorf("%s: holds %d bytes of the excerpt, more than its limit", p, n)
		}
		if len(body) > 1<<20 {
			t.Errorf("%s: %d bytes", p, len(body))
		}
	}
}
