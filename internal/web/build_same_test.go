package web

import (
	"context"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/publish"
)

// TestBuildPagesEqualServedPages builds the API and the website as the
// build command does, from one view, and checks that every page written
// is byte for byte what a server with its own views answers for its path,
// on the fixture hub (with an archived article shadowed by a current one)
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
		return append(recs, twin)
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
		})
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
	contains(t, "deleted article", string(b), "<h1>Border bill clears the Senate</h1>")
	story, _ := os.ReadFile(filepath.Join(dir, "stories/s-border/index.html"))
	contains(t, "story of the view", string(story), "5 articles", "Border bill clears the Senate")
	lacks(t, "story of the view", string(story), "A late article about recounts")
}
