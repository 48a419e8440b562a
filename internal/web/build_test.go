package web

import (
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"newshub/internal/content/contenttest"
	"newshub/internal/model"
	"newshub/internal/testutil"
)

// TestBuildWritesSiteWithWorkingRelativeLinks builds the site and follows
// every link and asset of every page: each must be relative and must name a
// file of the build (feeds and the API are written by the publish step).
func TestBuildWritesSiteWithWorkingRelativeLinks(t *testing.T) {
	h := newHub(t, "https://img.example.org/")
	dir := t.TempDir()
	if err := h.build(t, dir); err != nil {
		t.Fatalf("Build: %v", err)
	}
	for _, p := range []string{"index.html", "404.html", "favicon.svg", "assets/style.css", "assets/app.js",
		"topics/joe-biden/index.html", "topics/joe-biden/page/3/index.html", "stories/s-border/index.html",
		"news/2026/11/20/border-bill-clears-senate/index.html", "news/2026/11/17/loose-article/index.html",
		"events/index.html", "people/index.html", "learning/index.html", "search/index.html"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("missing %s: %v", p, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "topics/joe-biden/page/4/index.html")); err == nil {
		t.Error("a fourth Biden page was written for three pages of stories")
	}

	attr := regexp.MustCompile(`(?:href|src)="([^"]*)"`)
	pages, links := 0, 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") || strings.HasSuffix(p, "404.html") {
			return err
		}
		pages++
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, filepath.Dir(p))
		for _, m := range attr.FindAllStringSubmatch(string(b), -1) {
			ref := strings.ReplaceAll(m[1], "&amp;", "&")
			if strings.HasPrefix(ref, "https://") || strings.HasPrefix(ref, "#") {
				continue
			}
			if strings.HasPrefix(ref, "/") || strings.HasPrefix(ref, "http:") {
				t.Errorf("%s: link %q is not relative", p, ref)
				continue
			}
			u, err := url.Parse(ref)
			if err != nil {
				t.Errorf("%s: bad link %q", p, ref)
				continue
			}
			target := path.Join(filepath.ToSlash(rel), u.Path)
			if strings.HasPrefix(target, "feeds/") || strings.HasPrefix(target, "api/") {
				continue
			}
			if strings.HasPrefix(target, "..") {
				t.Errorf("%s: link %q leaves the site", p, ref)
				continue
			}
			if strings.HasSuffix(u.Path, "/") || u.Path == "" || target == "." {
				target = path.Join(target, "index.html")
			}
			links++
			if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(target))); err != nil {
				t.Errorf("%s: link %q leads to missing %s", p, ref, target)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if pages < 40 || links < 1000 {
		t.Errorf("only %d pages and %d links checked", pages, links)
	}

	search, _ := os.ReadFile(filepath.Join(dir, "search/index.html"))
	// The status the script writes the count in is read out when it changes.
	contains(t, "static search", string(search), `data-search-api="../api/search"`, "static copy of the site", `id="search-status" role="status"`)
	story, _ := os.ReadFile(filepath.Join(dir, "stories/s-border/index.html"))
	contains(t, "static story", string(story), `<link rel="canonical" href="https://hub.example.org/news/stories/s-border/">`, "Blindspot")
	nf, _ := os.ReadFile(filepath.Join(dir, "404.html"))
	contains(t, "404", string(nf), `href="https://hub.example.org/news/assets/style.css?v=`, "<title>Page not found · Election Hub</title>",
		`<a href="https://hub.example.org/news/topics/joe-biden/">`)
}

// TestSampleHubRenders loads the Smartable sample into a store and renders
// every kind of page from it.
func TestSampleHubRenders(t *testing.T) {
	dir := testutil.Shared(t, "smartable-sample")
	h := newHubFrom(t, loadSample(t, dir))
	paths := []string{"/", "/events/", "/people/", "/learning/", "/search?q=pence", "/topics/donald-trump/", "/topics/kamala-harris/",
		// Where the records' webUrl leads, at Smartable's paths.
		"/event/2020-11-03-election-day-2020/", "/people/joe-biden/", "/learning/videos/usagov-how-to-become-president-of-the-united-states/",
		"/learning/collections/usagov-how-to-become-president-of-the-us/", "/people/collections/democratic-senators/"}
	ranked := h.view(t).v.Ranked()
	if len(ranked) == 0 {
		t.Fatal("sample: no published stories")
	}
	for _, e := range ranked {
		paths = append(paths, "/news/"+e.Key+"/")
	}
	for _, p := range paths {
		code, body := h.get(t, p)
		if code != http.StatusOK {
			t.Errorf("GET %s: status %d", p, code)
			continue
		}
		if !strings.Contains(body, "Election Smartable") {
			t.Errorf("GET %s: no site title", p)
		}
	}
	_, home := h.get(t, "/")
	contains(t, "sample home", home, "Mike Pence backs out of fundraiser hosted by QAnon supporters", `title="Republican Voice">Republican</span>`,
		`src="https://smartableai.github.io/election/assets/images/organizations/`)
	_, ev := h.get(t, "/events/")
	contains(t, "sample events", ev, "Election Day 2020", "Democratic National Convention")
	_, pp := h.get(t, "/people/")
	contains(t, "sample people", pp, "Joe Biden", "Democratic Senators")
	_, le := h.get(t, "/learning/")
	contains(t, "sample learning", le, `src="https://www.youtube.com/embed/2eXCG-hlaqI"`, "What is the electoral college?")
	code, body := h.get(t, "/search?q=qanon")
	if code != 200 || !strings.Contains(body, "QAnon") {
		t.Errorf("sample search: status %d", code)
	}
}

// loadSample parses every record file under dir.
func loadSample(t *testing.T, dir string) []*model.Record { return contenttest.ReadSite(t, dir) }

// TestBuildWritesEveryArticle checks both ways the build finds articles:
// through the stories' leads alone, and with articles in no story.
func TestBuildWritesEveryArticle(t *testing.T) {
	all := fixtureRecords("https://img.example.org/")
	var storied []*model.Record
	for _, r := range all {
		if r.Article == nil || r.Article.Story != "" {
			storied = append(storied, r)
		}
	}
	for name, recs := range map[string][]*model.Record{"all in stories": storied, "some in none": all} {
		t.Run(name, func(t *testing.T) {
			h := newHubFrom(t, recs)
			dir := t.TempDir()
			if err := h.build(t, dir); err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, r := range recs {
				if r.Article == nil {
					continue
				}
				n++
				p := filepath.Join(dir, filepath.FromSlash(pagePath(r)), "index.html")
				if b, err := os.ReadFile(p); err != nil || !strings.Contains(string(b), "<h1 ") {
					t.Errorf("%s: no page for %s (%v)", name, r.Path, err)
				}
			}
			if n == 0 {
				t.Fatal("no articles")
			}
		})
	}
}
