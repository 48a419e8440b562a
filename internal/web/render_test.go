package web

import (
	"bytes"
	"html/template"
	"slices"
	"strings"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/publish"
)

// TestEscapersMatchTemplate checks that the Go writers escape text, the
// title, attributes and URLs exactly as html/template does in the same
// places.
func TestEscapersMatchTemplate(t *testing.T) {
	tmpl := template.Must(template.New("").Parse(
		`<title>{{.S}}</title><p title="{{.S}}">{{.S}}</p>|<a href="{{.S}}">|<a href="{{.B}}{{.S}}">`))
	inputs := []string{
		"", "plain words", `<img src=x onerror=alert(1)>`, `"quoted" & 'single' + plus`, "nul\x00byte",
		"héllo wörld ✓", "bad utf8 \xff\xfe", "news/2026/11/20/a-b_c~d/", "stories/s%2Fx/", "100% sure %zz %4",
		"https://example.org/a b?q=1&r=2#frag", "javascript:alert(1)", "JavaScript:x", "mailto:a@b.org", "data:text/html,x",
		"//host/path", "a:b/c", "/x:y", "../../", "./", "\x01", "tab\there\nnew line", "(paren)' \"q\" `tick` {brace} |pipe| \\back",
		"a%", "%41", "%4g", "%%41", "a/%4", "%E2%9C%93/%e2%9c%93",
	}
	// Every byte alone, and after "%4", where it may complete an escape.
	for c := range 256 {
		inputs = append(inputs, string([]byte{byte(c)}), "a/%4"+string([]byte{byte(c)})+"/"+string([]byte{byte(c)}))
	}
	for _, s := range inputs {
		var want bytes.Buffer
		if err := tmpl.Execute(&want, struct{ S, B string }{s, "../../"}); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		got.WriteString(`<title>`)
		escHTML(&got, s)
		got.WriteString(`</title><p title="`)
		escHTML(&got, s)
		got.WriteString(`">`)
		escHTML(&got, s)
		got.WriteString(`</p>|<a href="`)
		escURL(&got, s)
		got.WriteString(`">|<a href="`)
		escURL(&got, "../../")
		escURL(&got, s)
		got.WriteString(`">`)
		if got.String() != want.String() {
			t.Errorf("%q:\n got %s\nwant %s", s, got.String(), want.String())
		}
	}
}

// TestFragmentsJoinToDirectRendering checks that a card or item rendered
// once with the base left out, then joined for a page, equals the one
// rendered for that page directly.
func TestFragmentsJoinToDirectRendering(t *testing.T) {
	h := newHub(t, "https://img.example.org/")
	vc := h.view(t)
	cards := vc.withCoverage(vc.cardsOf(vc.v.Ranked()))
	if len(cards) == 0 {
		t.Fatal("no cards")
	}
	for _, base := range []string{"./", "../../", "../../../../../"} {
		for _, c := range cards {
			pg := h.web.newPage(vc, "topic", "", "")
			pg.Base = base
			for _, kind := range []string{"card", "item"} {
				var direct, joined bytes.Buffer
				if kind == "card" {
					pg.writeCard(&direct, c)
				} else {
					pg.writeItem(&direct, c)
				}
				parts := pg.fragment(kind, c)
				if len(parts) < 2 {
					t.Fatalf("%s %s: the base was not found in the fragment", kind, c.Path)
				}
				writeJoined(&joined, parts, base)
				if direct.String() != joined.String() {
					t.Errorf("%s %s at %q: joined fragment differs", kind, c.Path, base)
				}
				if strings.Contains(joined.String(), "%01") {
					t.Errorf("%s %s: the base mark is left in the page", kind, c.Path)
				}
			}
		}
	}
}

// storyTemplate parses testdata/story.html, the story page's content
// written as an html/template, with the website's template functions.
func storyTemplate(t testing.TB, w *Web) *template.Template {
	t.Helper()
	tmpl, err := template.New("story").Funcs(w.tmpl.funcs()).ParseFiles("testdata/story.html")
	if err != nil {
		t.Fatal(err)
	}
	return tmpl
}

// storyPages returns the story pages of a hub's view, largest story first.
func storyPages(t testing.TB, h *hub) []*page {
	t.Helper()
	vc := h.view(t)
	stories := slices.Clone(vc.v.Stories())
	slices.SortStableFunc(stories, func(a, b *publish.Story) int { return len(b.Members) - len(a.Members) })
	var pages []*page
	for _, s := range stories {
		pg, err := h.web.storyView(vc, vc.storyCards(s))
		if err != nil {
			t.Fatal(err)
		}
		pg.Base = "../../"
		pages = append(pages, pg)
	}
	return pages
}

// TestStoryTemplateMatchesGo checks that the Go writers give the story
// page's content byte for byte as its html/template does, on the fixture
// (hostile text, voices, a blindspot) and a generated hub.
func TestStoryTemplateMatchesGo(t *testing.T) {
	until := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	var generated []*model.Record
	if err := genRecords(300, until, func(r *model.Record) error {
		generated = append(generated, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for name, h := range map[string]*hub{"fixture": newHub(t, "https://img.example.org/"), "generated": newHubFrom(t, generated)} {
		tmpl := storyTemplate(t, h.web)
		pages := storyPages(t, h)
		if len(pages) < 4 {
			t.Fatalf("%s: %d stories", name, len(pages))
		}
		for _, pg := range pages {
			var want, got bytes.Buffer
			if err := tmpl.ExecuteTemplate(&want, "story", pg); err != nil {
				t.Fatal(err)
			}
			pg.writeStory(&got)
			if got.String() != want.String() {
				t.Fatalf("%s %s: Go differs from the template at byte %d:\n go  %.200s\n tmpl %.200s", name, pg.Path,
					firstDiff(got.String(), want.String()), got.String()[firstDiff(got.String(), want.String()):], want.String()[firstDiff(got.String(), want.String()):])
			}
		}
	}
}

// BenchmarkStoryContent renders the content of the story pages of a
// generated hub (a page per story, the largest first) with the Go writers
// and with the same page's html/template: the static build renders one
// such page per story and one like it per article, which is why those
// pages are written in Go.
func BenchmarkStoryContent(b *testing.B) {
	until := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	var recs []*model.Record
	if err := genRecords(3000, until, func(r *model.Record) error {
		recs = append(recs, r)
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	h := newHubFrom(b, recs)
	tmpl := storyTemplate(b, h.web)
	pages := storyPages(b, h)
	var buf bytes.Buffer
	b.Run("go", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			buf.Reset()
			pages[i%len(pages)].writeStory(&buf)
			i++
		}
	})
	b.Run("template", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			buf.Reset()
			if err := tmpl.ExecuteTemplate(&buf, "story", pages[i%len(pages)]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}
