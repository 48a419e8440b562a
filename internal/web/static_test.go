package web

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
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
	h := newHubFrom(t, fixtureRecords("https://img.example.org/"))
	h = newHubIn(t, h.st, func() time.Time { return fixtureNow }, dir)
	srv := httptest.NewServer(h.srv)
	defer srv.Close()

	out := filepath.Join(t.TempDir(), "out")
	_, err := publish.Build(context.Background(), h.st, nil, out, publish.BuildOptions{Views: h.views,
		Static: filepath.Join(dir, publish.StaticDir), Extra: []func(context.Context, *publish.View, *publish.Output) error{h.web.Build}})
	if err != nil {
		t.Fatal(err)
	}
	built := testutil.Files(t, out)
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
