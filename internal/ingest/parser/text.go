package parser

import (
	"html"
	"regexp"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
)

// strict strips every tag; a bluemonday policy is safe for concurrent use
// once built, so one is built on first use and shared.
var strict = sync.OnceValue(bluemonday.StrictPolicy)

// PlainText returns the text of an HTML fragment: tags removed by
// bluemonday's strict policy, entities decoded, runs of white space folded
// into single spaces.
func PlainText(fragment string) string {
	if strings.ContainsAny(fragment, "<&") {
		fragment = html.UnescapeString(strict().Sanitize(fragment))
	}
	return NormalizeSpace(fragment)
}

// titleText returns the text of a feed's or item's title, which a feed
// may give as HTML or as plain text: one that holds a "<" but no markup
// ("Vec<String> without copies", "When A<B, the count stops", "Fixing
// </Suspense> boundaries") is plain text, as lenient readers take it,
// where HTML would drop what looks like a tag; any other is read as HTML.
func titleText(s string) string {
	if strings.Contains(s, "<") && !htmlMarkup.MatchString(s) {
		return NormalizeSpace(html.UnescapeString(s))
	}
	return PlainText(s)
}

// unescapeText returns the text of a field that is plain text by its
// format's definition (a JSON Feed title) as generators write it: with
// the character references they escape it with ("Q&amp;A", "&#8217;")
// decoded, as lenient readers decode them, and what looks like a tag
// kept as text. Only a complete reference, ended by ";", is one: "R&D",
// "&copy 2024" are text as they stand.
func unescapeText(s string) string {
	if strings.Contains(s, "&") {
		s = charRef.ReplaceAllStringFunc(s, html.UnescapeString)
	}
	return NormalizeSpace(s)
}

// charRef matches a character reference ended by ";": decimal, hex or by
// name (one HTML does not know stays as written).
var charRef = regexp.MustCompile(`&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});`)

// htmlMarkup matches what only markup holds: a start or end tag of an
// element titles are marked up with (<b>, <br/>, <img …>, </em>) or
// wrapped in (</p>, </h2>), or a comment. A tag of any other name
// ("</example>", "</Suspense>", "<Outlet />") is a word about markup, as
// lenient readers take it: only HTML's own elements make a title HTML.
var htmlMarkup = regexp.MustCompile(`(?i)</(?:a|abbr|b|big|cite|code|del|dfn|div|em|font|h[1-6]|i|ins|kbd|mark|p|q|s|samp|small|span|strike|strong|sub|sup|time|tt|u|var)\s*>|<(?:a|b|i|u|em|strong|span|code|small|sub|sup|font|br|img|hr|wbr)\b[^<>]*>|<!--`)

// NormalizeSpace folds runs of white space (including no-break spaces)
// into one space and trims the ends.
func NormalizeSpace(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) || r == '\u00a0' || r == '\u200b' {
			space = true
			continue
		}
		if r == utf8.RuneError || (unicode.IsControl(r)) {
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// Excerpt returns at most maxRunes runes of plain text from an HTML
// fragment, cut at a word boundary and marked with " ..." when cut.
func Excerpt(fragment string, maxRunes int) string {
	return Truncate(PlainText(fragment), maxRunes)
}

// Truncate cuts s to at most maxRunes runes, at a word boundary when one
// is near, adding " ..." when it cuts.
func Truncate(s string, maxRunes int) string {
	if maxRunes <= 0 || utf8.RuneCountInString(s) <= maxRunes {
		return s
	}
	runes := []rune(s)[:maxRunes]
	cut := len(runes)
	for i := len(runes) - 1; i > maxRunes*2/3; i-- {
		if runes[i] == ' ' {
			cut = i
			break
		}
	}
	out := strings.TrimRight(string(runes[:cut]), " ,;:-–—")
	return out + " ..."
}
