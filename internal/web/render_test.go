package web

import (
	"bytes"
	"html/template"
	"strings"
	"testing"
)

// TestEscapersMatchTemplate checks that the Go writers escape text,
// attributes and URLs exactly as html/template does in the same places.
func TestEscapersMatchTemplate(t *testing.T) {
	tmpl := template.Must(template.New("").Parse(
		`<p title="{{.S}}">{{.S}}</p>|<a href="{{.S}}">|<a href="{{.B}}{{.S}}">`))
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
		got.WriteString(`<p title="`)
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
