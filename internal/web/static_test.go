package web

import (
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"newshub/internal/publish"
	"newshub/internal/testutil"
)

// TestStaticFilesAreServedAsBuilt checks that the server answers the
// files of the site folder's static/ at the paths a build puts them in
// OUT, with the bytes OUT holds, a favicon.ico in place of the website's
// icon, and nothing else: not a link leading out, not newshub's own
// paths, not the folder by its name.
func TestStaticFilesAreServedAsBuilt(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"CNAME":                          "news.example.org\n",
		".well-known/acme-challenge/tok": "tok.Zk3-abc_DEF\n",
		"favicon.ico":                    "\x00\x00\x01\x00\x01\x00\x10\x10",
		"robots.txt":                     "User-agent: *\nDisallow: /search/\n",
	}
	for rel, body := range files {
		testutil.WriteFile(t, dir, "static/"+rel, body)
	}
	testutil.WriteFile(t, dir, "secret.txt", "not for the web\n")
	if err := os.Symlink(filepath.Join("..", "secret.txt"), filepath.Join(dir, "static", "link.txt")); err != nil {
		t.Fatal(err)
	}
	h := staticHub(t, dir)
	srv := httptest.NewServer(h.srv)
	defer srv.Close()

	built, err := buildWithStatic(t, h, dir)
	if err != nil {
		t.Fatal(err)
	}
	for rel := range files {
		code, ctype, body := fetch(t, srv.URL+"/"+rel)
		if code != http.StatusOK || body != string(built[rel]) || body != files[rel] {
			t.Errorf("/%s: %d %q, want 200 and the bytes OUT holds, %q", rel, code, body, built[rel])
		}
		if rel == "robots.txt" && !strings.HasPrefix(ctype, "text/plain") {
			t.Errorf("/robots.txt is served as %q, want text/plain", ctype)
		}
	}
	for _, tc := range []struct{ path, notBody string }{
		{"/link.txt", "not for the web"},
		{"/static/CNAME", files["CNAME"]},
		{"/.well-known/", files[".well-known/acme-challenge/tok"]},
	} {
		if code, _, body := fetch(t, srv.URL+tc.path); code != http.StatusNotFound || strings.Contains(body, tc.notBody) {
			t.Errorf("%s: %d %q, want 404", tc.path, code, body)
		}
	}
	if _, ctype, _ := fetch(t, srv.URL+"/favicon.svg"); ctype != "image/svg+xml" {
		t.Errorf("/favicon.svg is served as %q, want the website's icon", ctype)
	}
}

// buildWithStatic builds h's hub, website included, into a new OUT with
// the static folder of the site folder dir, and returns OUT's files.
func buildWithStatic(t *testing.T, h *hub, dir string) (map[string][]byte, error) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "out")
	_, err := publish.Build(context.Background(), h.st, nil, out, publish.BuildOptions{Views: h.views,
		Static: filepath.Join(dir, publish.StaticDir), Extra: []func(context.Context, *publish.View, *publish.Output) error{h.web.Build}})
	if err != nil {
		return nil, err
	}
	return testutil.Files(t, out), nil
}

// staticHub is the fixture hub served over the site folder dir.
func staticHub(t *testing.T, dir string) *hub {
	t.Helper()
	h := newHubFrom(t, fixtureRecords("https://img.example.org/"))
	return newHubIn(t, h.st, func() time.Time { return fixtureNow }, dir)
}

// fetch gets url and returns the status, the content type and the body.
func fetch(t *testing.T, url string) (int, string, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
}

// TestStaticIndexPagesAreServedAsBuilt checks that a folder of the static
// folder holding an index.html is answered at the folder's address, and
// at its name without the slash by a redirect there, as a static host
// answers the build's copy, while newshub's own pages keep their paths.
func TestStaticIndexPagesAreServedAsBuilt(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"docs/index.html":       "<!doctype html><title>Docs</title>\n",
		"docs/guide/index.html": "<!doctype html><title>Guide</title>\n",
		"v1.2/index.html":       "<!doctype html><title>Release 1.2</title>\n",
		"topics/old/index.html": "<!doctype html><title>A topic no more</title>\n",
	}
	for rel, body := range files {
		testutil.WriteFile(t, dir, "static/"+rel, body)
	}
	h := staticHub(t, dir)
	srv := httptest.NewServer(h.srv)
	defer srv.Close()
	built, err := buildWithStatic(t, h, dir)
	if err != nil {
		t.Fatal(err)
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, tc := range []struct{ path, file, redirect string }{
		{"/docs/", "docs/index.html", ""},
		{"/docs/index.html", "docs/index.html", ""},
		{"/docs", "", "/docs/"},
		{"/docs/guide/", "docs/guide/index.html", ""},
		{"/docs/guide", "", "/docs/guide/"},
		{"/v1.2/", "v1.2/index.html", ""},
		{"/v1.2", "", "/v1.2/"},
		{"/topics/old/", "topics/old/index.html", ""},
	} {
		resp, err := noFollow.Get(srv.URL + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if tc.redirect != "" {
			if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusMovedPermanently || loc != tc.redirect {
				t.Errorf("%s: %d to %q, want 301 to %s", tc.path, resp.StatusCode, loc, tc.redirect)
			}
			continue
		}
		want, ok := built[tc.file]
		if !ok {
			t.Fatalf("the build put no %s in OUT", tc.file)
		}
		ctype := resp.Header.Get("Content-Type")
		if resp.StatusCode != http.StatusOK || string(b) != string(want) || !strings.HasPrefix(ctype, "text/html") {
			t.Errorf("%s: %d %s %.80q, want 200 text/html and the bytes OUT holds, %q", tc.path, resp.StatusCode, ctype, b, want)
		}
	}
}

// TestStaticIndexPagesLeaveNewshubsPages checks that an index.html of
// the static folder at the path of one of newshub's pages, which a build
// refuses, does not take that page's place in what serve answers.
func TestStaticIndexPagesLeaveNewshubsPages(t *testing.T) {
	dir := t.TempDir()
	for _, rel := range []string{"events/index.html", "search/index.html", "topics/election/index.html"} {
		testutil.WriteFile(t, dir, "static/"+rel, "<!doctype html><title>static</title>\n")
	}
	h := staticHub(t, dir)
	srv := httptest.NewServer(h.srv)
	defer srv.Close()
	for _, p := range []string{"/events/", "/search/", "/search", "/topics/election/", "/topics/election/index.html"} {
		code, _, body := fetch(t, srv.URL+p)
		if code != http.StatusOK || strings.Contains(body, "<title>static</title>") {
			t.Errorf("%s: %d %.80q, want 200 and newshub's page", p, code, body)
		}
	}
}

// TestStaticFilesAtNewshubsRoutesAreServedAsBuilt checks that a static
// file under the prefixes newshub answers itself (the API, the feeds, the
// website's assets and pictures) is answered as a build writes it in OUT,
// with the content type of its extension, and that one at the path of a
// page or folder newshub makes, which a build refuses, leaves newshub's
// answer there as it is without it.
func TestStaticFilesAtNewshubsRoutesAreServedAsBuilt(t *testing.T) {
	served := []string{
		"api/extra.json", "api/v2/data", "feeds/custom.xml", "feeds/custom",
		"assets/extra.css", "assets/LICENSE", "assets/images/notes", "assets/images/extra/x.png",
	}
	// Refused by a build, in three folders: a file cannot lie where a
	// folder of another does. The second's are refused as plainly (every
	// build makes api/ and feeds/, and the topic's page): they are not
	// built again.
	refused := [][]string{
		{"search", "events", "topics/election/page/2", "404.html", "news/2026/11", "feeds/joe-biden", "api/news/page", "api/news/2026", "api/events/page", "api/people/page", "api/news/democratic-voice/page"},
		{"api", "feeds", "topics/election"},
		// Folders of pages with no page of their own.
		{"topics", "stories", "news", "event", "assets", "learning/articles", "learning/collections", "people/collections"},
	}
	static, bare := t.TempDir(), t.TempDir()
	for _, rel := range served {
		testutil.WriteFile(t, static, "static/"+rel, "static "+rel+"\n")
	}
	hub := staticHub(t, static)
	built, err := buildWithStatic(t, hub, static)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(hub.srv)
	defer srv.Close()
	for _, rel := range served {
		code, ctype, body := fetch(t, srv.URL+"/"+rel)
		want, ok := built[rel]
		if !ok {
			t.Fatalf("the build put no %s in OUT", rel)
		}
		if code != http.StatusOK || body != string(want) {
			t.Errorf("/%s: %d %.80q, want 200 and the bytes OUT holds, %q", rel, code, body, want)
		}
		if ext := path.Ext(rel); ext != "" && ctype != mime.TypeByExtension(ext) {
			t.Errorf("/%s is served as %q, want %q as for its extension", rel, ctype, mime.TypeByExtension(ext))
		}
	}

	// The refused ones, in site folders beside a bare one.
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	answer := func(base, p string) string {
		resp, err := noFollow.Get(base + p)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "static ") {
			return fmt.Sprintf("%d the static file", resp.StatusCode)
		}
		return fmt.Sprintf("%d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Location"))
	}
	without := httptest.NewServer(newHubIn(t, hub.st, func() time.Time { return fixtureNow }, bare).srv)
	defer without.Close()
	for i, files := range refused {
		dir := t.TempDir()
		for _, rel := range files {
			testutil.WriteFile(t, dir, "static/"+rel, "static "+rel+"\n")
		}
		if i != 1 {
			_, err := buildWithStatic(t, hub, dir)
			for _, rel := range files {
				if err == nil || !strings.Contains(err.Error(), "static/"+rel+" ") {
					t.Errorf("static/%s: the build gives %v, want it refused", rel, err)
				}
			}
		}
		with := httptest.NewServer(newHubIn(t, hub.st, func() time.Time { return fixtureNow }, dir).srv)
		for _, rel := range files {
			if got, want := answer(with.URL, "/"+rel), answer(without.URL, "/"+rel); got != want {
				t.Errorf("/%s: %s, want %s as without the static file the build refuses", rel, got, want)
			}
		}
		with.Close()
	}
}

// TestStaticHTMLRevalidatesWithItsVary checks that a static HTML file,
// which the server compresses as it writes it, answers a conditional
// request with a 304 that carries the Vary of its 200: a cache keeps the
// compressed and the plain copies apart after revalidating either.
func TestStaticHTMLRevalidatesWithItsVary(t *testing.T) {
	dir := t.TempDir()
	testutil.WriteFile(t, dir, "static/docs/index.html", "<!doctype html><title>Docs</title>\n"+strings.Repeat("<p>A paragraph of the docs.</p>\n", 40))
	h := staticHub(t, dir)
	srv := httptest.NewServer(h.srv)
	defer srv.Close()
	for _, ae := range []string{"", "gzip"} {
		var full *http.Response
		for _, ims := range []string{"", "last"} {
			req, err := http.NewRequest(http.MethodGet, srv.URL+"/docs/", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Accept-Encoding", ae)
			if ims != "" {
				req.Header.Set("If-Modified-Since", full.Header.Get("Last-Modified"))
			}
			resp, err := (&http.Client{Transport: &http.Transport{DisableCompression: true}}).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if want := map[string]int{"": 200, "last": 304}[ims]; resp.StatusCode != want {
				t.Fatalf("Accept-Encoding %q, If-Modified-Since %q: %s, want %d", ae, ims, resp.Status, want)
			}
			if got := resp.Header.Values("Vary"); len(got) != 1 || got[0] != "Accept-Encoding" {
				t.Errorf("Accept-Encoding %q, %d: Vary %q, want Accept-Encoding once", ae, resp.StatusCode, got)
			}
			full = resp
		}
	}
}
