package web

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/publish"
	"newshub/internal/site"
	"newshub/internal/store"
	"newshub/internal/testutil"
)

// TestUpdateRendersOnlyThePagesItChanges runs the rounds of a publisher
// that updates OUT from the served view with a manifest (serve
// --publish): after each change, the pages of articles and stories
// rendered again must be exactly those made from what changed, and OUT
// must equal a fresh build byte for byte.
func TestUpdateRendersOnlyThePagesItChanges(t *testing.T) {
	ctx := context.Background()
	img := "https://img.example.org/"
	base := newHubFrom(t, fixtureRecords(img))
	var clockMu sync.Mutex
	clock := fixtureNow
	now := func() time.Time {
		clockMu.Lock()
		defer clockMu.Unlock()
		return clock
	}
	h := newHubAt(t, base.st, now)
	var renderedMu sync.Mutex
	rendered := map[string]bool{}
	h.web.onPage = func(name string) {
		renderedMu.Lock()
		rendered[name] = true
		renderedMu.Unlock()
	}
	opts := publish.Options{BaseURL: "https://hub.example.org/news", Now: now}
	extra := []func(context.Context, *publish.View, *publish.Output) error{h.web.Build}
	out := filepath.Join(t.TempDir(), "out")
	var m publish.Manifest
	st := func() *site.Site {
		t.Helper()
		s, err := site.Load(ctx, h.st)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	build := func() {
		t.Helper()
		clear(rendered)
		if _, err := publish.Build(ctx, h.st, st(), out, publish.BuildOptions{Options: opts, Views: h.views, Manifest: &m, Extra: extra}); err != nil {
			t.Fatalf("Build: %v", err)
		}
	}
	// The first build makes OUT; the second notes every page's stamp.
	build()
	build()

	change := func(path string, fn func(r *model.Record)) func(t *testing.T) { return changeRecord(h.st, path, fn) }
	edit := func(path string, fn func(a *model.Article)) func(t *testing.T) {
		return change(path, func(r *model.Record) { fn(r.Article) })
	}
	article := func(slug string, age time.Duration) string {
		return "news/" + fixtureNow.Add(-age).Format("2006/01/02") + "/" + slug + "/index.html"
	}
	border := []string{"stories/s-border/index.html", article("senate-passes-border-bill", 2*time.Hour),
		article("border-bill-clears-senate", 3*time.Hour), article("what-the-border-bill-does", 4*time.Hour),
		article("senate-approves-border-measure", 90*time.Minute)}
	moved := article("senate-border-vote", 5*time.Hour)
	debate := []string{"stories/s-debate/index.html", article("debate-night-recap", 26*time.Hour),
		article("debate-takeaways", 27*time.Hour), moved}
	all := func() []string { return nil } // every page of an article or a story

	for _, tc := range []struct {
		name   string
		change func(t *testing.T)
		want   []string // nil: every page
		but    string   // a page left out of every page
	}{
		{"nothing changed", func(*testing.T) {}, []string{}, ""},
		{"an article moves to another story", edit("_news/2026-11-20-senate-border-vote.md", func(a *model.Article) { a.Story = "s-debate" }),
			append(slices.Clone(border), debate...), ""},
		{"a related-coverage link is added", edit("_news/2026-11-19-debate-takeaways.md", func(a *model.Article) {
			a.Related = append(a.Related, model.Related{Title: "A related report", WebURL: "https://apnews.com/related-report",
				Provider: model.Provider{Name: "AP", Domain: "apnews.com"}, PublishedDateTime: fixtureNow.Add(-20 * time.Hour)})
		}), debate, ""},
		{"a title changes", edit("_news/2026-11-18-biden-story-05.md", func(a *model.Article) { a.Title = "Biden story, retitled" }),
			[]string{"stories/s-biden-05/index.html", article("biden-story-05", 53*time.Hour)}, ""},
		{"an article's topic labels change", edit("_news/2026-11-17-loose-article.md", func(a *model.Article) {
			a.Topics = append(a.Topics, "Democratic Voice")
		}), []string{article("loose-article", 72*time.Hour)}, ""},
		{"the site's title changes", change("_config.yml", func(r *model.Record) { r.Config.Title = "Election Hub, retitled" }), all(), ""},
		{"a topic's label changes", change("_data/topics/02-democratic-voice.yaml", func(r *model.Record) { r.Topic.Shortname = "Dem" }), all(), ""},
		// Every page's menu links the newsletters once there is one.
		{"the first newsletter issue", func(t *testing.T) {
			if err := h.st.Upsert(ctx, []*model.Record{newsletterRec("2026-11-19", "<p>Issue</p>")}); err != nil {
				t.Fatal(err)
			}
		}, all(), ""},
		{"the last newsletter issue goes", func(t *testing.T) {
			if err := h.st.Delete(ctx, "_newsletters/hub-2026-11-19.html"); err != nil {
				t.Fatal(err)
			}
		}, all(), ""},
		// Every time shown says "… ago" but the archived article's, shown
		// as its date.
		{"a day passes", func(*testing.T) {
			clockMu.Lock()
			clock = clock.Add(24 * time.Hour)
			clockMu.Unlock()
		}, all(), "news/2026/08/29/archived-article/index.html"},
		{"an archived article changes", edit("_archive/news/2026-08-29-archived-article.md", func(a *model.Article) { a.Title = "An archived article, retitled" }),
			[]string{"news/2026/08/29/archived-article/index.html"}, ""},
		{"an article is archived", func(t *testing.T) {
			r, err := h.st.Get(ctx, "_news/2026-11-17-loose-article.md")
			if err != nil {
				t.Fatal(err)
			}
			if err := h.st.Move(ctx, []store.Move{{From: r.Path, To: "_archive/news/2026-11-17-loose-article.md", Version: r.Version}}); err != nil {
				t.Fatal(err)
			}
		}, []string{article("loose-article", 72*time.Hour)}, ""},
		// The pages of events, people and learning follow their records
		// (OUT equals a fresh build) and no page of news.
		{"a person's bio changes", change("_people/jane-senator.md", func(r *model.Record) { r.Person.Bio = "Senator, now for a second term." }),
			[]string{}, ""},
		{"an event goes", func(t *testing.T) {
			if err := h.st.Delete(ctx, "_events/2026-10-01-first-debate.md"); err != nil {
				t.Fatal(err)
			}
		}, []string{}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.change(t)
			build()
			got := pagesIn(rendered)
			fresh := filepath.Join(t.TempDir(), "fresh")
			if _, err := publish.Build(ctx, h.st, st(), fresh, publish.BuildOptions{Options: opts, Extra: extra}); err != nil {
				t.Fatalf("fresh Build: %v", err)
			}
			sameFiles(t, out, fresh)
			want := tc.want
			if want == nil {
				files := testutil.Files(t, fresh)
				delete(files, tc.but)
				want = pagesIn(files)
			}
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("rendered again:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

// changeRecord returns a step that changes the stored record at path.
func changeRecord(st store.Store, path string, fn func(r *model.Record)) func(t *testing.T) {
	return func(t *testing.T) {
		ctx := context.Background()
		r, err := st.Get(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		fn(r)
		if err := st.Upsert(ctx, []*model.Record{r}); err != nil {
			t.Fatal(err)
		}
	}
}

// pagesIn lists the pages of articles and stories among files.
func pagesIn[V any](files map[string]V) []string {
	var l []string
	for name := range files {
		if strings.HasPrefix(name, "news/") || strings.HasPrefix(name, "stories/") && name != "stories/index.html" {
			l = append(l, name)
		}
	}
	slices.Sort(l)
	return l
}

// sameFiles fails unless the trees a and b hold the same files with the
// same bytes.
func sameFiles(t *testing.T, a, b string) {
	t.Helper()
	fa, fb := testutil.Files(t, a), testutil.Files(t, b)
	bad := 0
	for name, da := range fa {
		db, ok := fb[name]
		switch {
		case !ok:
			t.Errorf("%s: only in the updated copy", name)
		case !bytes.Equal(da, db) && bad < 5:
			bad++
			i := firstDiff(string(da), string(db))
			t.Errorf("%s: the updated copy differs from a fresh build at byte %d:\nupdated %.160q\nfresh   %.160q", name, i, da[max(0, i-60):], db[max(0, i-60):])
		}
	}
	for name := range fb {
		if _, ok := fa[name]; !ok {
			t.Errorf("%s: missing from the updated copy", name)
		}
	}
}

// TestUpdateCopiesEditedPictures edits a site picture between the rounds
// of a publisher with a manifest, keeping its size and setting its
// modification time back: the update must still copy the new bytes.
func TestUpdateCopiesEditedPictures(t *testing.T) {
	ctx := context.Background()
	dir, svg := pictureSite(t)
	base := newHubFrom(t, fixtureRecords("https://img.example.org/"))
	h := newHubIn(t, base.st, func() time.Time { return fixtureNow }, dir)
	s, err := site.Load(ctx, h.st)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out")
	var m publish.Manifest
	opt := publish.BuildOptions{Options: publish.Options{BaseURL: "https://hub.example.org/news", Now: func() time.Time { return fixtureNow }},
		Views: h.views, Manifest: &m, Extra: []func(context.Context, *publish.View, *publish.Output) error{h.web.Build}}
	src := filepath.Join(dir, "assets", "images", "news", "a.svg")
	dst := filepath.Join(out, "assets", "images", "news", "a.svg")
	for round, edit := range []bool{false, false, true, false} {
		want, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if edit {
			fi, err := os.Stat(src)
			if err != nil {
				t.Fatal(err)
			}
			want = bytes.Replace(svg, []byte("<svg"), []byte("<SVG"), 1)
			if err := os.WriteFile(src, want, 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Chtimes(src, fi.ModTime(), fi.ModTime()); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := publish.Build(ctx, h.st, s, out, opt); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		if got, err := os.ReadFile(dst); err != nil || !bytes.Equal(got, want) {
			t.Errorf("round %d (edited: %v): OUT's picture is not the site's: %v", round, edit, err)
		}
	}
}

// TestBuildOfANewProcessRendersOnlyThePagesItChanges runs builds as
// `newshub build OUT` does, each with a hub of its own and no view,
// stamps or manifest kept in memory: the stamps saved beside OUT by the
// previous build must still spare the pages whose inputs did not change,
// and OUT must equal a fresh build byte for byte.
func TestBuildOfANewProcessRendersOnlyThePagesItChanges(t *testing.T) {
	ctx := context.Background()
	base := newHubFrom(t, fixtureRecords("https://img.example.org/"))
	now := func() time.Time { return fixtureNow }
	opts := publish.Options{BaseURL: "https://hub.example.org/news", Now: now}
	out := filepath.Join(t.TempDir(), "out")
	build := func(dst string) []string {
		t.Helper()
		h := newHubAt(t, base.st, now)
		var mu sync.Mutex
		rendered := map[string]bool{}
		h.web.onPage = func(name string) {
			mu.Lock()
			rendered[name] = true
			mu.Unlock()
		}
		s, err := site.Load(ctx, h.st)
		if err != nil {
			t.Fatal(err)
		}
		extra := []func(context.Context, *publish.View, *publish.Output) error{h.web.Build}
		if _, err := publish.Build(ctx, h.st, s, dst, publish.BuildOptions{Options: opts, Extra: extra}); err != nil {
			t.Fatalf("Build: %v", err)
		}
		return pagesIn(rendered)
	}
	build(out)
	if got := build(out); len(got) != 0 {
		t.Errorf("nothing changed, rendered again:\n%s", strings.Join(got, "\n"))
	}
	r, err := base.st.Get(ctx, "_news/2026-11-18-biden-story-05.md")
	if err != nil {
		t.Fatal(err)
	}
	r.Article.Title = "Biden story, retitled"
	if err := base.st.Upsert(ctx, []*model.Record{r}); err != nil {
		t.Fatal(err)
	}
	got := build(out)
	want := []string{"news/" + fixtureNow.Add(-53*time.Hour).Format("2006/01/02") + "/biden-story-05/index.html",
		"stories/s-biden-05/index.html"}
	if !slices.Equal(got, want) {
		t.Errorf("a title changed, rendered again:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	fresh := filepath.Join(t.TempDir(), "fresh")
	build(fresh)
	sameFiles(t, out, fresh)
}

// TestUpdateInANewProcessKnowsTheSettings builds OUT as `newshub build`
// does, each time with a new website, and with the manifest the last
// build saved beside OUT: once the settings are known not to
// have changed, a build reads the related coverage of the pages it makes
// again only, rather than all the news; after they change, it reads all
// of it once. OUT must equal a fresh build each time.
func TestUpdateInANewProcessKnowsTheSettings(t *testing.T) {
	ctx := context.Background()
	base := newHubFrom(t, fixtureRecords("https://img.example.org/"))
	now := func() time.Time { return fixtureNow }
	opts := publish.Options{BaseURL: "https://hub.example.org/news", Now: now}
	out := filepath.Join(t.TempDir(), "out")
	build := func(t *testing.T, into string) string {
		t.Helper()
		h := newHubAt(t, base.st, now) // nothing a previous build derived
		var log bytes.Buffer
		h.web.log = slog.New(slog.NewTextHandler(&log, nil))
		s, err := site.Load(ctx, base.st)
		if err != nil {
			t.Fatal(err)
		}
		// No Manifest: a one-shot build reads the one saved beside OUT.
		bo := publish.BuildOptions{Options: opts,
			Extra: []func(context.Context, *publish.View, *publish.Output) error{h.web.Build}}
		if _, err := publish.Build(ctx, base.st, s, into, bo); err != nil {
			t.Fatalf("Build: %v", err)
		}
		return log.String()
	}
	edit := func(path string, fn func(r *model.Record)) func(t *testing.T) { return changeRecord(base.st, path, fn) }
	const onePass, eachPage = `related="one pass over the news"`, `related="read with each page made"`
	for _, tc := range []struct {
		name   string
		change func(t *testing.T)
		want   string
	}{
		{"the first build", func(*testing.T) {}, onePass},
		{"nothing changed", func(*testing.T) {}, eachPage},
		{"a title changes", edit("_news/2026-11-18-biden-story-05.md", func(r *model.Record) { r.Article.Title = "Biden story, retitled" }), eachPage},
		{"the site's title changes", edit("_config.yml", func(r *model.Record) { r.Config.Title = "Election Hub, retitled" }), onePass},
		{"an article's topic labels change", edit("_news/2026-11-17-loose-article.md", func(r *model.Record) {
			r.Article.Topics = append(r.Article.Topics, "Democratic Voice")
		}), eachPage},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.change(t)
			if log := build(t, out); !strings.Contains(log, tc.want) {
				t.Errorf("the website's build logged:\n%s\nwant %s", log, tc.want)
			}
			fresh := filepath.Join(t.TempDir(), "fresh")
			build(t, fresh)
			sameFiles(t, out, fresh)
		})
	}
}
