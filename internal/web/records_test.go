package web

import (
	"context"
	"encoding/json"
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

// webURLs gathers the webUrl values of a JSON document, wherever they are.
func webURLs(v any, into map[string]bool) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && k == "webUrl" {
				into[s] = true
			} else {
				webURLs(x, into)
			}
		}
	case []any:
		for _, x := range v {
			webURLs(x, into)
		}
	}
}

// TestEveryRecordWebURLHasItsPage builds the API and the website as the
// build command does and follows the webUrl of every document of events,
// people and learning that leads into the hub (under the site's webUrl):
// each must name a page of the build, and the server must answer it with
// the same page, on the fixture hub and on a generated one.
func TestEveryRecordWebURLHasItsPage(t *testing.T) {
	until := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	generated := func() []*model.Record {
		var recs []*model.Record
		if err := genRecords(200, until, func(r *model.Record) error {
			recs = append(recs, r)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return recs
	}
	fixture := func() []*model.Record {
		recs := fixtureRecords("https://img.example.org/")
		recs[0].Config.URL, recs[0].Config.BaseURL, recs[0].Config.WebURL = "https://hub.example.org", "/news", "https://hub.example.org/news"
		return recs
	}
	for _, tc := range []struct {
		name string
		recs func() []*model.Record
		now  time.Time
		min  int // webUrls into the hub at least
	}{
		{"fixture", fixture, fixtureNow, 7},
		{"generated", generated, until, 20},
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
			web := strings.TrimSuffix(h.view(t).v.Site().Config.WebURL, "/") + "/"
			urls := map[string]bool{}
			for _, dir := range []string{"api/events", "api/people", "api/learning"} {
				err := filepath.WalkDir(filepath.Join(out, dir), func(p string, d fs.DirEntry, err error) error {
					if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
						return err
					}
					b, err := os.ReadFile(p)
					if err != nil {
						return err
					}
					var doc any
					if err := json.Unmarshal(b, &doc); err != nil {
						t.Errorf("%s: %v", p, err)
						return nil
					}
					webURLs(doc, urls)
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			sh := newHubAt(t, h.st, func() time.Time { return tc.now })
			n := 0
			for u := range urls {
				rel, ok := strings.CutPrefix(u, web)
				if !ok {
					continue // another site's address: an article's, a book's
				}
				n++
				built, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(rel), "index.html"))
				if err != nil {
					t.Errorf("webUrl %s: no page in the build: %v", u, err)
					continue
				}
				rec := sh.api(t, "/"+rel) // the whole server, as a reader's browser asks it
				code, body := rec.Code, rec.Body.String()
				if code != http.StatusOK || body != string(built) {
					t.Errorf("GET /%s: status %d, the same page as the build: %v", rel, code, body == string(built))
				}
				if !strings.Contains(body, "<h1>") {
					t.Errorf("GET /%s: no heading", rel)
				}
			}
			if n < tc.min {
				t.Errorf("only %d webUrls into the hub followed (of %d), want %d or more", n, len(urls), tc.min)
			}
		})
	}
}

// TestRecordPagesShowHostileTextSafely gives an event, a person, a
// learning resource and a collection markup, a right-to-left override
// and javascript: links: their pages must show the text as text, close
// the override, and link nowhere but http and https.
func TestRecordPagesShowHostileTextSafely(t *testing.T) {
	const (
		name  = "Rally <script>alert(1)</script> \u202eevil"
		about = `<script>alert(2)</script><b>Bold</b> words <a href="javascript:alert(3)">here</a> <img src=x onerror=alert(4)> \u202edone`
		js    = "javascript:alert(5)"
	)
	img := []model.Image{{URL: js, Width: 10, Height: 10}, {URL: "https://img.example.org/x.svg", Width: 10, Height: 10, Title: name}}
	recs := append(fixtureRecords("https://img.example.org/"),
		&model.Record{Path: "_events/2026-12-05-hostile-rally.md", Kind: model.KindEvent, Event: &model.Event{Name: name, Excerpt: about,
			OriginalURL: js, Type: "rally", StartDateTime: fixtureNow.Add(24 * time.Hour), Location: name, Topics: []string{"Election", "Joe Biden"}, Images: img}},
		&model.Record{Path: "_people/hostile-person.md", Kind: model.KindPerson, Person: &model.Person{Name: name, Bio: about, Website: js,
			Location: name, Type: "profile", Heat: 5, Topics: []string{"Election"}, Images: img,
			Twitter: &model.Twitter{Username: name, URL: js, Followers: 3}}},
		&model.Record{Path: "_learning/videos/hostile-video.md", Kind: model.KindLearning, Learning: &model.Learning{Title: name, Excerpt: about,
			OriginalURL: js, Type: "video", Heat: 5, Topics: []string{"Election"}, Images: img,
			FeaturedContent: `<iframe src="javascript:alert(6)"></iframe><script>alert(7)</script>`}},
		&model.Record{Path: "_people/collections/hostile-list.md", Kind: model.KindPeopleList, Person: &model.Person{Name: name, Bio: about,
			Type: "collection", Heat: 5, Items: []string{"hostile-person"}, Topics: []string{"Election"}}},
	)
	h := newHubFrom(t, recs)
	for _, tc := range []struct{ kind, path string }{
		{"event", "/event/2026-12-05-hostile-rally/"},
		{"person", "/people/hostile-person/"},
		{"learning", "/learning/videos/hostile-video/"},
		{"collection", "/people/collections/hostile-list/"},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			code, body := h.get(t, tc.path)
			if code != http.StatusOK {
				t.Fatalf("GET %s: status %d", tc.path, code)
			}
			contains(t, tc.kind, body, "<h1>Rally &lt;script&gt;alert(1)&lt;/script&gt; \u202eevil\u202c</h1>")
			lacks(t, tc.kind, body, "<script>alert", "javascript:", "<img src=x", "onerror", "alert(6)", "alert(7)")
			if open, closed := strings.Count(body, "\u202e"), strings.Count(body, "\u202c"); open != closed {
				t.Errorf("%s: %d right-to-left overrides, %d closed", tc.kind, open, closed)
			}
			if tc.kind != "collection" {
				contains(t, tc.kind, body, "<b>Bold</b> words")
			}
		})
	}
	// The lists link each record to its page.
	for list, page := range map[string]string{"/events/": "event/2026-12-05-hostile-rally/", "/people/": "people/hostile-person/",
		"/learning/": "learning/videos/hostile-video/"} {
		_, body := h.get(t, list)
		contains(t, list, body, `href="../`+page+`"`)
	}
	_, body := h.get(t, "/people/")
	contains(t, "people", body, `href="../people/collections/hostile-list/"`)
	// An event names the topics whose news it is part of.
	_, ev := h.get(t, "/event/2026-12-05-hostile-rally/")
	contains(t, "event", ev, `News about <a href="../../topics/joe-biden/">Joe Biden</a>`)
	if code, _ := h.get(t, "/event/no-such-event/"); code != http.StatusNotFound {
		t.Errorf("GET /event/no-such-event/: status %d, want 404", code)
	}
}
