package web

import (
	"context"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"newshub/internal/model"
)

// TestBuildPagesEqualServedPages builds the website and checks that every
// page written is byte for byte what the server answers for its path, on
// the fixture hub (with an archived article shadowed by a current one)
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
	// handOver builds as the API build does: every news record is handed
	// to the website build, which then reads none itself.
	handOver := func(t *testing.T, h *hub, dir string) error {
		ctx := context.Background()
		sb, err := h.web.NewBuild(ctx)
		if err != nil {
			return err
		}
		if err := h.st.Scan(ctx, []model.Kind{model.KindNews}, func(r *model.Record) error {
			sb.AddNews(r)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return sb.Build(ctx, dir)
	}
	for _, tc := range []struct {
		name  string
		recs  func() []*model.Record
		now   time.Time
		build func(t *testing.T, h *hub, dir string) error
	}{
		{"fixture", fixture, fixtureNow, nil},
		{"generated", generated, until, nil},
		{"fixture handed over", fixture, fixtureNow, handOver},
		{"generated handed over", generated, until, handOver},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHubFrom(t, tc.recs())
			h.web.now = func() time.Time { return tc.now }
			dir := t.TempDir()
			build := tc.build
			if build == nil {
				build = func(t *testing.T, h *hub, dir string) error { return h.web.Build(context.Background(), dir) }
			}
			if err := build(t, h, dir); err != nil {
				t.Fatalf("Build: %v", err)
			}
			// A separate Web serves, so nothing the build derived is reused.
			served, err := New(Config{Store: h.st, Now: func() time.Time { return tc.now }, BaseURL: "https://hub.example.org/news/",
				Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			if err != nil {
				t.Fatal(err)
			}
			sh := &hub{st: h.st, web: served}
			pages, bad := 0, 0
			err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() || d.Name() != "index.html" {
					return err
				}
				rel, _ := filepath.Rel(dir, filepath.Dir(p))
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
					t.Errorf("%s: built page differs from the served one at byte %d", urlPath, firstDiff(body, string(built)))
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if pages < 40 {
				t.Errorf("only %d pages compared", pages)
			}
			if strings.HasPrefix(tc.name, "fixture") {
				b, _ := os.ReadFile(filepath.Join(dir, "news/2026/11/17/loose-article/index.html"))
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

// TestBuildRereadsNewsChangedSinceHandOver checks that records handed to
// a build are not used when the store changed after the build began: the
// build reads the news again, so the new article has its page.
func TestBuildRereadsNewsChangedSinceHandOver(t *testing.T) {
	h := newHub(t, "https://img.example.org/")
	ctx := context.Background()
	sb, err := h.web.NewBuild(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.st.Scan(ctx, []model.Kind{model.KindNews}, func(r *model.Record) error {
		sb.AddNews(r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	late := newsRec("https://img.example.org/", "late-article", "A late article about recounts", "reuters.com", "Reuters", "s-border", time.Hour, false)
	if err := h.st.Upsert(ctx, []*model.Record{late}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := sb.Build(ctx, dir); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(newsPath(late.Path)), "index.html"))
	if err != nil {
		t.Fatalf("no page for the late article: %v", err)
	}
	contains(t, "late article", string(b), "A late article about recounts")
	story, _ := os.ReadFile(filepath.Join(dir, "stories/s-border/index.html"))
	contains(t, "story with the late article", string(story), "6 articles", "A late article about recounts")
}

// TestBuildUsesHandedOverNews checks that a build given every news record
// of an unchanged store renders from them rather than reading the store:
// a title changed only in the handed-over copy shows on the pages.
func TestBuildUsesHandedOverNews(t *testing.T) {
	h := newHub(t, "https://img.example.org/")
	ctx := context.Background()
	sb, err := h.web.NewBuild(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var changed string
	if err := h.st.Scan(ctx, []model.Kind{model.KindNews}, func(r *model.Record) error {
		if r.Article.Story == "s-debate" && !r.Article.Published {
			r.Article.Title = "Title only in the handed-over copy"
			changed = newsPath(r.Path)
		}
		sb.AddNews(r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := sb.Build(ctx, dir); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, filepath.FromSlash(changed), "index.html"))
	contains(t, "handed-over article", string(b), "<h1>Title only in the handed-over copy</h1>")
}
