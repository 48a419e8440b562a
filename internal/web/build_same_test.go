package web

import (
	"context"
	"errors"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/publish"
	"newshub/internal/store"
)

// TestBuildPagesEqualServedPages builds the API and the website as the
// build command does, from one view, and checks that every page written
// is byte for byte what a server with its own views answers for its path,
// and so is every archived article's API document (the server reads those
// from the store when asked), on the fixture hub (with an archived article
// shadowed by a current one, and one whose file name is not its address)
// and on a generated hub of many stories.
func TestBuildPagesEqualServedPages(t *testing.T) {
	until := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	generated := func() []*model.Record {
		var recs []*model.Record
		if err := genRecords(600, until, func(r *model.Record) error {
			recs = append(recs, r)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return recs
	}
	fixture := func() []*model.Record {
		recs := fixtureRecords("https://img.example.org/")
		// An archived copy of a current article: the page is the current one's.
		twin := newsRec("https://img.example.org/", "loose-article", "An older copy of the loose article", "reuters.com", "Reuters", "", 72*time.Hour, false)
		twin.Path = "_archive/news/" + strings.TrimPrefix(twin.Path, "_news/")
		twin.Article.Archived = true
		return append(recs, twin, archivedAt("polling memo", "A memo on polling without a date in its name", 60*24*time.Hour))
	}
	for _, tc := range []struct {
		name string
		recs func() []*model.Record
		now  time.Time
	}{
		{"fixture", fixture, fixtureNow},
		{"generated", generated, until},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHubFrom(t, tc.recs())
			h = newHubAt(t, h.st, func() time.Time { return tc.now })
			ctx := context.Background()
			out := filepath.Join(t.TempDir(), "out")
			opt := publish.BuildOptions{Options: publish.Options{BaseURL: "https://hub.example.org/news", Now: func() time.Time { return tc.now }},
				Extra: []func(context.Context, *publish.View, *publish.Output) error{h.web.Build}}
			if _, err := publish.Build(ctx, h.st, h.view(t).v.Site(), out, opt); err != nil {
				t.Fatalf("Build: %v", err)
			}
			// A server of its own, so nothing the build derived is reused.
			sh := newHubAt(t, h.st, func() time.Time { return tc.now })
			pages := 0
			bad := 0
			err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() || d.Name() != "index.html" {
					return err
				}
				rel, _ := filepath.Rel(out, filepath.Dir(p))
				urlPath := "/"
				if rel != "." {
					urlPath = "/" + filepath.ToSlash(rel) + "/"
				}
				if urlPath == "/search/" {
					return nil // the static copy searches in the browser
				}
				pages++
				built, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				code, body := sh.get(t, urlPath)
				if code != http.StatusOK {
					t.Errorf("GET %s: status %d", urlPath, code)
				} else if body != string(built) && bad < 5 {
					bad++
					i := firstDiff(body, string(built))
					t.Errorf("%s: built page differs from the served one at byte %d:\nserved %.200q\nbuilt  %.200q", urlPath, i, body[max(0, i-80):], string(built)[max(0, i-80):])
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if pages < 40 {
				t.Errorf("only %d pages compared", pages)
			}
			if tc.name == "fixture" {
				b, _ := os.ReadFile(filepath.Join(out, "news/2026/11/17/loose-article/index.html"))
				contains(t, "shadowed archive", string(b), "A loose article about turnout")
			}
			archived := 0
			yes := true
			err = h.st.ScanNews(ctx, store.NewsQuery{Archived: &yes, Public: true}, func(e store.NewsEntry) error {
				rel := "api/news/" + publish.ArticleKey(e.Path, e.PublishedAt) + "/index.json"
				built, err := os.ReadFile(filepath.Join(out, rel))
				if err != nil {
					t.Errorf("%s: %v", e.Path, err)
					return nil
				}
				rec := sh.api(t, "/"+rel)
				if rec.Code != http.StatusOK || rec.Body.String() != string(built) {
					t.Errorf("GET /%s: status %d, the body differs from the built one: %v", rel, rec.Code, rec.Body.String() != string(built))
				}
				archived++
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if archived < 2 {
				t.Errorf("only %d archived articles compared", archived)
			}
		})
	}
}

// archivedAt makes an archived article of the fixture whose file name is
// stem.
func archivedAt(stem, title string, age time.Duration) *model.Record {
	r := newsRec("https://img.example.org/", "x", title, "apnews.com", "AP", "", age, false)
	r.Path = "_archive/news/" + stem + ".md"
	r.Article.OriginalURL = "https://apnews.com/" + url.PathEscape(stem)
	r.Article.WebURL = r.Article.OriginalURL
	r.Article.Archived = true
	return r
}

// TestArchivedArticlesAreServedFromTheStore checks which archived article
// owns an address two archived records map to, and that the page and the
// document of each archived article are served and built alike, while
// the view holds none of them.
func TestArchivedArticlesAreServedFromTheStore(t *testing.T) {
	day := fixtureNow.Add(-90 * 24 * time.Hour)
	stem := day.Format("2006-01-02") + "-"
	key := day.Format("2006/01/02") + "/"
	recs := append(fixtureRecords("https://img.example.org/"),
		// "a b" and "a-b" both live at .../a-b/: the smaller path, "a b", owns it.
		archivedAt(stem+"a b", "The odd-named owner", 90*24*time.Hour),
		archivedAt(stem+"a-b", "The named loser", 90*24*time.Hour),
		// "c-d" and "c~d" both live at .../c-d/: "c-d" owns it.
		archivedAt(stem+"c-d", "The named owner", 90*24*time.Hour),
		archivedAt(stem+"c~d", "The odd-named loser", 90*24*time.Hour),
		// No date in the name: the address goes by the publication date.
		archivedAt("undated", "The undated one", 90*24*time.Hour),
	)
	h := newHubFrom(t, recs)
	ctx := context.Background()
	dir := t.TempDir()
	if err := h.build(t, dir); err != nil {
		t.Fatal(err)
	}
	v := h.view(t).v
	for _, tc := range []struct{ key, title, lost string }{
		{key + "a-b", "The odd-named owner", "The named loser"},
		{key + "c-d", "The named owner", "The odd-named loser"},
		{key + "undated", "The undated one", ""},
		{key + "a-c", "", ""}, // no record
	} {
		code, served := h.get(t, "/news/"+tc.key+"/")
		built, err := os.ReadFile(filepath.Join(dir, "news", filepath.FromSlash(tc.key), "index.html"))
		if tc.title == "" {
			if code != http.StatusNotFound || err == nil {
				t.Errorf("%s: served %d, built %v: want neither", tc.key, code, err)
			}
			continue
		}
		switch {
		case code != http.StatusOK || err != nil:
			t.Errorf("%s: served %d, built %v", tc.key, code, err)
		case served != string(built):
			t.Errorf("%s: the built page differs from the served one", tc.key)
		}
		contains(t, tc.key, served, tc.title)
		if tc.lost != "" && strings.Contains(served, tc.lost) {
			t.Errorf("%s: the page shows %q, whose record does not own the address", tc.key, tc.lost)
		}
		rec := h.api(t, "/api/news/"+tc.key+"/index.json")
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), tc.title) {
			t.Errorf("api/news/%s: status %d, want the document of %q", tc.key, rec.Code, tc.title)
		}
	}
	for _, e := range v.Stories() {
		for _, m := range e.Members {
			if strings.HasPrefix(m.Path, "_archive/") {
				t.Errorf("the view holds archived %s", m.Path)
			}
		}
	}
	for _, e := range v.Loose() {
		if strings.HasPrefix(e.Path, "_archive/") {
			t.Errorf("the view holds archived %s", e.Path)
		}
	}
	if _, err := v.Archived(ctx, "2026/01/01/nothing-here"); !errors.Is(err, publish.ErrNotFound) {
		t.Errorf("an address no record has: %v, want not found", err)
	}
}

func firstDiff(a, b string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// TestBuildShowsItsViewAfterTheStoreMoves checks that a build writes the
// view it was given, whole, when the store changed after the view was
// loaded: an article added since has no page, and an article deleted
// since keeps its page (without the related coverage only its record
// had), so every link of the built site still leads somewhere.
func TestBuildShowsItsViewAfterTheStoreMoves(t *testing.T) {
	h := newHub(t, "https://img.example.org/")
	ctx := context.Background()
	v, err := h.views.Fresh(ctx)
	if err != nil {
		t.Fatal(err)
	}
	late := newsRec("https://img.example.org/", "late-article", "A late article about recounts", "reuters.com", "Reuters", "s-border", time.Hour, false)
	if err := h.st.Upsert(ctx, []*model.Record{late}); err != nil {
		t.Fatal(err)
	}
	gone, err := h.st.Get(ctx, "_news/2026-11-20-border-bill-clears-senate.md")
	if err != nil {
		t.Fatal(err)
	}
	if err := h.st.Delete(ctx, gone.Path); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := h.web.Build(ctx, v, publish.Folder(dir)); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(pagePath(late)), "index.html")); err == nil {
		t.Error("the article added after the view was loaded has a page")
	}
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(pagePath(gone)), "index.html"))
	if err != nil {
		t.Fatalf("no page for the article deleted after the view was loaded: %v", err)
	}
	contains(t, "deleted article", string(b), `<h1 dir="auto">Border bill clears the Senate</h1>`)
	story, _ := os.ReadFile(filepath.Join(dir, "stories/s-border/index.html"))
	contains(t, "story of the view", string(story), "5 articles", "Border bill clears the Senate")
	lacks(t, "story of the view", string(story), "A late article about recounts")
}
