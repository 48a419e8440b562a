package newsletter

import (
	"strings"
	"testing"
	"time"

	"newshub/internal/model"
)

// controls edits the leads of one day and their related coverage so that
// their texts hold control characters (a vertical tab as word processors
// write a line break, a terminal's escape, DEL, C1 controls, NEL) and
// noncharacters.
func controls(day Date, loc *time.Location) func(*model.Record) {
	return func(r *model.Record) {
		a := r.Article
		if a == nil || !a.Published || DateOf(a.PublishedDateTime.In(loc)) != day {
			return
		}
		a.Title = "Harbor\vplan approved\x01 at\u0085last\x7f\u009b\uFDD0"
		a.Excerpt = "<p>The council\x02 voted\u0090 seven to two.</p>\x1b[0m Work starts\uFFFE in spring."
		a.Provider.Name = "Harbor\x1b Gazette\u0080\U0001FFFF"
		for i := range a.Related {
			a.Related[i].Title = "Pier\x04 vote\u009c passes\uFDEF"
			a.Related[i].Provider.Name = "Quay\x06 Times\uFFFF"
		}
	}
}

// TestEmailHoldsNoCharacterHTMLForbids composes an issue whose stories'
// titles, excerpts and publishers hold control characters and
// noncharacters: neither part of the e-mail holds one (in HTML a
// checker's "control character", a box in a mail reader), and the text
// around them reads as written.
func TestEmailHoldsNoCharacterHTMLForbids(t *testing.T) {
	day := Date{2026, 10, 14}
	loc, _ := time.LoadLocation("America/Los_Angeles")
	is := composeDay(t, genHub(t, 2000, controls(day, loc)), day)
	doc := mustHTML(t, is)
	checkMailHTML(t, doc)
	text, err := is.Text()
	if err != nil {
		t.Fatal(err)
	}
	for part, s := range map[string]string{"HTML": doc, "text": text} {
		for i, r := range s {
			if forbiddenChar(r) {
				t.Errorf("the %s part holds %U: %q", part, r, s[max(0, i-40):min(len(s), i+40)])
				break
			}
		}
		for _, want := range []string{"Harbor plan approved at last", "The council voted seven to two.", "Harbor Gazette", "Pier vote passes", "Quay Times"} {
			if !strings.Contains(s, want) {
				t.Errorf("the %s part lacks %q", part, want)
			}
		}
	}
}

// forbiddenChar reports whether HTML forbids r in a document: a control
// (C0 but the ASCII white space, DEL, C1) or a noncharacter.
func forbiddenChar(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\f' || r == '\r':
		return false
	case r < 0x20 || 0x7F <= r && r <= 0x9F:
		return true
	}
	return 0xFDD0 <= r && r <= 0xFDEF || r&0xFFFE == 0xFFFE
}
