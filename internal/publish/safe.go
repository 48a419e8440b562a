package publish

import (
	"net/url"
	"strings"

	"newshub/internal/ingest/parser"
	"newshub/internal/model"
)

// SafeURL returns u when it is an absolute http(s) URL with a host, else
// "". It is the rule for every link and picture the hub publishes to be
// followed or loaded (website pages and feeds): any other scheme
// (javascript:, vbscript:, data:, whatever its case or the white space
// around it) or none is not shown. A URL holding a control character does
// not parse, so "java\tscript:" is refused too.
func SafeURL(u string) string {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return ""
	}
	return p.String()
}

// PlainText returns the text of a record's excerpt or summary, which may
// hold HTML: tags removed, entities decoded, white space folded. Markup
// that was encoded twice ("&lt;img …&gt;", as some feeds send it) is
// markup, not text, and is removed as well, so the text holds no tag an
// HTML reader would find; outputs that expect HTML escape it all the same.
// A text longer than an excerpt may be (model.MaxExcerpt) is cut to that
// first, so a record over the limits costs no more than one at them.
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
	return s
}
