package web

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"newshub/internal/model"
)

// htmlForbidden reports whether HTML forbids r in a document, as a
// checker reports it: a control (C0 but the ASCII white space, DEL, C1)
// or a noncharacter.
func htmlForbidden(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\f' || r == '\r':
		return false
	case r < 0x20 || 0x7F <= r && r <= 0x9F:
		return true
	case 0xFDD0 <= r && r <= 0xFDEF || r&0xFFFE == 0xFFFE:
		return true
	}
	return false
}

// forbiddenIn returns the first character of s that HTML forbids, and
// its byte offset, or -1.
func forbiddenIn(s string) (rune, int) {
	for i, r := range s {
		if htmlForbidden(r) {
			return r, i
		}
	}
	return 0, -1
}

// controlRecords are records whose texts hold control characters (a
// vertical tab as word processors write a line break, a terminal's
// escape, DEL, C1 controls, NEL) and a noncharacter: a story's lead and
// its related coverage, an event, a person, a learning item and a
// newsletter issue.
func controlRecords(img string) []*model.Record {
	lead := newsRec(img, "harbor-plan-approved", "Harbor\vplan approved\x01 at\u0085last\x7f\u009b", "harbor.example.com",
		"Harbor\x1b Gazette\u0080", "s-harbor", 40*time.Minute, true)
	lead.Article.Heat = 120
	lead.Article.Excerpt = "<p>The council\x02 voted\u0090 seven to two.</p>\x1b[0m Work starts\uFFFE in spring."
	lead.Article.Images[0].Title = "The pier\x03 at dusk"
	lead.Article.Related = []model.Related{{Title: "Pier\x04 vote\u009c passes", Excerpt: "Seven\x05 to two.",
		PublishedDateTime: fixtureNow.Add(-time.Hour), WebURL: "https://quay.example.net/pier-vote", Type: "article",
		Provider: model.Provider{Name: "Quay\x06 Times", Domain: "quay.example.net"}}}
	member := newsRec(img, "pier-vote-passes", "Pier\x04 vote\u009c passes", "quay.example.net", "Quay\x06 Times",
		"s-harbor", time.Hour, false)
	member.Article.Excerpt = "Seven\x05 to two."
	return []*model.Record{lead, member,
		{Path: "_events/2026-12-03-harbor-hearing.md", Kind: model.KindEvent, Event: &model.Event{Name: "Harbor\x07 hearing",
			Excerpt: "Public\x08 comment.", OriginalURL: "https://events.example.org/harbor", Type: "conference",
			StartDateTime: fixtureNow.Add(13 * 24 * time.Hour), EndDateTime: fixtureNow.Add(13*24*time.Hour + time.Hour),
			Location: "Pier\x0e 9", Topics: []string{"Election"}}},
		{Path: "_people/ann-harbormaster.md", Kind: model.KindPerson, Person: &model.Person{Name: "Ann\x0f Harbormaster",
			Bio: "Runs\x10 the port.", Type: "profile", Heat: 800, Topics: []string{"Election"}}},
		{Path: "_learning/articles/harbor-basics.md", Kind: model.KindLearning, Learning: &model.Learning{Title: "Harbor\x11 basics",
			Excerpt: "How\x12 a port works.", OriginalURL: "https://civics.example.org/harbor", Type: "article", Heat: 80,
			Topics: []string{"Election"}}},
		newsletterRec("2026-11-19", "<!DOCTYPE html><html><head><title>Hub\x13</title></head><body><p>Harbor\x14 plan\u0099 approved</p></body></html>"),
	}
}

// TestPagesHoldNoCharacterHTMLForbids builds the website of a hub whose
// records hold control characters in titles, excerpts, provider names
// and the rest: no page holds a character HTML forbids (a checker's
// "control character", a box in a browser), and the text around them
// shows, a vertical tab or NEL as the space it stands for.
func TestPagesHoldNoCharacterHTMLForbids(t *testing.T) {
	h := newHubFrom(t, append(fixtureRecords("https://img.example.org/"), controlRecords("https://img.example.org/")...))
	dir := t.TempDir()
	if err := h.build(t, dir); err != nil {
		t.Fatalf("Build: %v", err)
	}
	pages := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		pages++
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if !utf8.Valid(b) {
			t.Errorf("%s is not UTF-8", p)
		}
		if r, i := forbiddenIn(string(b)); i >= 0 {
			t.Errorf("%s holds %U: %q", p, r, string(b[max(0, i-40):min(len(b), i+40)]))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if pages < 10 {
		t.Fatalf("%d pages built", pages)
	}
	for _, tc := range []struct{ page, want string }{
		{"index.html", "Harbor plan approved at last"},
		{"news/2026/11/20/harbor-plan-approved/index.html", "The council voted seven to two."},
		{"news/2026/11/20/harbor-plan-approved/index.html", "Harbor Gazette"},
		{"news/2026/11/20/harbor-plan-approved/index.html", "Pier vote passes"},
		{"news/2026/11/20/harbor-plan-approved/index.html", "Quay Times"},
		{"events/index.html", "Harbor hearing"},
		{"people/index.html", "Ann Harbormaster"},
		{"learning/index.html", "Harbor basics"},
		{"newsletters/hub-2026-11-19/index.html", "Harbor plan approved"},
	} {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(tc.page)))
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if !strings.Contains(string(b), tc.want) {
			t.Errorf("%s does not show %q", tc.page, tc.want)
		}
	}
	// The page a server serves is the page a build writes.
	for _, path := range []string{"/", "/news/2026/11/20/harbor-plan-approved/", "/search/?q=harbor"} {
		code, body := h.get(t, path)
		if r, i := forbiddenIn(body); code != 200 || i >= 0 {
			t.Errorf("%s: %d, holds %U at %d", path, code, r, i)
		}
	}
}
