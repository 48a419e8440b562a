package publish

import (
	"strings"

	"newshub/internal/ingest/parser"
	"newshub/internal/model"
	"newshub/internal/site"
)

// PlainText returns the text of a record's excerpt or summary, which may
// hold HTML: tags removed, entities decoded, white space folded. Markup
// that was encoded twice ("&lt;img …&gt;", as some feeds send it) is
// markup, not text, and is removed as well, so the text holds no tag an
// HTML reader would find; outputs that expect HTML escape it all the same.
// A text longer than an excerpt may be (model.MaxExcerpt) is cut to that
// first, so a record over the limits costs no more than one at them.
// The text holds no character site.SafeText leaves out.
func PlainText(s string) string {
	s = parser.PlainText(model.Clip(s, model.MaxExcerpt))
	for range 3 { // each round removes one level of encoding
		if !strings.ContainsRune(s, '<') {
			break
		}
		t := parser.PlainText(s)
		if t == s {
			break
		}
		s = t
	}
	return site.SafeText(s)
}
