package parser

import (
	"fmt"
	"html"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
)

// strict strips every tag; a bluemonday policy is safe for concurrent use
// once built, so one is built on first use and shared.
var strict = sync.OnceValue(bluemonday.StrictPolicy)

// PlainText returns the text of an HTML fragment: tags removed by
// bluemonday's strict policy, entities decoded, runs of white space folded
// into single spaces. A line break or the edge of a block (a paragraph, a
// list item, a cell) ends a word as a browser shows it, where the tag is
// all that separates two words ("<p>One.</p><p>Two.</p>", a link then
// "<br>" in a micropost): it is read as a space, which the strict policy
// alone drops, running the words together. A character reference the
// text still holds was escaped twice (see decodeRefs).
func PlainText(fragment string) string {
	if strings.ContainsAny(fragment, "<&") {
		if strings.Contains(fragment, "<") {
			fragment = blockTag.ReplaceAllString(fragment, " $0 ")
		}
		fragment = decodeRefs(html.UnescapeString(strict().Sanitize(joinSurrogates(dropCutRef(fragment)))))
	}
	return NormalizeSpace(fragment)
}

// decodeRefs decodes the character references of s, text already read
// from its markup: references a generator escaped before wrapping them in
// a CDATA section ("<![CDATA[It&amp;#8217;s]]>", as WordPress plugins
// write titles and excerpts), which a reader would show as "&#8217;".
// Only a complete reference, ended by ";", is one: "R&D", "&copy 2024"
// are text as they stand. One cut at the end is dropped (see dropCutRef).
func decodeRefs(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	return charRef.ReplaceAllStringFunc(joinSurrogates(dropCutRef(s)), html.UnescapeString)
}

// cutRef matches a character reference that a text ends in without its
// ";" ("&#823", "&amp", "&#"), with the end tags and white space after
// it: the first is its number or name.
var cutRef = regexp.MustCompile(`&(#[0-9]{0,7}|#[xX][0-9a-fA-F]{0,6}|[A-Za-z][A-Za-z0-9]{0,31})((?:\s|</[A-Za-z][A-Za-z0-9]*\s*>)*)$`)

// dropCutRef drops the character reference s ends in when its writer cut
// the text in the middle of it (an excerpt cut at so many bytes, "it was
// the best&#823" of "&#8230;"): HTML reads a reference without its ";",
// and the number cut short is another character (U+0337, a combining
// stroke over the last letter), the name cut short another's or the
// character "&". A name of a capital that HTML does not read so ("R&D",
// "AT&T") is text, and stays.
func dropCutRef(s string) string {
	m := cutRef.FindStringSubmatchIndex(s)
	if m == nil {
		return s
	}
	ref := s[m[0]:m[3]]
	if c := ref[1]; c >= 'A' && c <= 'Z' && html.UnescapeString(ref) == ref {
		return s
	}
	return s[:m[0]] + s[m[4]:m[5]]
}

// blockTag matches a start or end tag of an element that breaks the line
// it is on: <br>, <hr> and HTML's block elements.
var blockTag = regexp.MustCompile(`(?i)</?(?:address|article|aside|blockquote|br|caption|dd|details|dialog|div|dl|dt|fieldset|figcaption|figure|footer|form|h[1-6]|header|hgroup|hr|legend|li|main|nav|ol|p|pre|section|summary|table|tbody|td|tfoot|th|thead|tr|ul)\b[^<>]*>`)

// titleText returns the text of a feed's or item's title, which a feed
// may give as HTML or as plain text: one that holds a "<" but no markup
// ("Vec<String> without copies", "When A<B, the count stops", "Fixing
// </Suspense> boundaries") is plain text, as lenient readers take it,
// where HTML would drop what looks like a tag; any other is read as HTML.
func titleText(s string) string {
	if strings.Contains(s, "<") && !htmlMarkup.MatchString(s) {
		return NormalizeSpace(decodeRefs(html.UnescapeString(joinSurrogates(dropCutRef(s)))))
	}
	return PlainText(s)
}

// textOrMarkup returns s, a field plain text by its format's definition
// that feeds write HTML into all the same (iTunes's summary), as HTML:
// escaped when it holds a "<" but no markup ("when k<n the count holds"),
// as feedparser reads such a field as text unless it looks like HTML.
func textOrMarkup(s string) string {
	if strings.Contains(s, "<") && !htmlMarkup.MatchString(s) && !blockTag.MatchString(s) {
		return html.EscapeString(s)
	}
	return s
}

// unwrapCDATA returns the text of a CDATA section that s is, wholly, once
// its XML is read: a section the feed's generator escaped along with what
// it wraps ("&lt;![CDATA[<p>Text</p>]]&gt;"), which is that text to the
// writer, and to HTML a section it drops. Any other s is returned as it is.
func unwrapCDATA(s string) string {
	t := strings.TrimSpace(s)
	if !strings.HasPrefix(t, "<![CDATA[") || !strings.HasSuffix(t, "]]>") {
		return s
	}
	return t[len("<![CDATA[") : len(t)-len("]]>")]
}

// unescapeText returns the text of a field that is plain text by its
// format's definition (a JSON Feed title) as generators write it: with
// the character references they escape it with ("Q&amp;A", "&#8217;")
// decoded, as lenient readers decode them, and what looks like a tag
// kept as text. Only a complete reference, ended by ";", is one: "R&D",
// "&copy 2024" are text as they stand. A reference escaped twice
// ("&amp;#39;", as RSS-Bridge writes titles) is decoded too, as it is in
// an RSS or Atom title, where the XML's own escaping is the first.
func unescapeText(s string) string {
	if strings.Contains(s, "&") {
		s = decodeRefs(escapedCharRef.ReplaceAllString(s, "&$1"))
	}
	return NormalizeSpace(s)
}

// charRefBody is what follows the "&" of a character reference ended by
// ";": decimal, hex or by name (one HTML does not know stays as written).
const charRefBody = `(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});`

// charRef matches a character reference; escapedCharRef one whose "&"
// is itself escaped, with the reference after it.
var (
	charRef        = regexp.MustCompile(`&` + charRefBody)
	escapedCharRef = regexp.MustCompile(`&amp;(` + charRefBody + `)`)
)

// joinSurrogates rewrites each pair of character references to the two
// halves of a UTF-16 surrogate pair ("&#55357;&#56832;", as generators
// that escape text one UTF-16 unit at a time write an emoji) as one
// reference to the character they make ("&#x1F600;"): read one by one,
// each half is no character and is dropped. A lone half is left as it
// is.
func joinSurrogates(s string) string {
	var b strings.Builder
	done := 0 // s[:done] is in b; nothing is copied until a pair is found
	for i := 0; ; {
		k := strings.Index(s[i:], "&#")
		if k < 0 {
			break
		}
		i += k
		r, n := surrogatePair(s[i:])
		if n == 0 {
			i += 2
			continue
		}
		b.WriteString(s[done:i])
		fmt.Fprintf(&b, "&#x%X;", r)
		i += n
		done = i
	}
	if done == 0 {
		return s // no pair: most text with references (&#8217;) is left as it is
	}
	b.WriteString(s[done:])
	return b.String()
}

// surrogatePair reads, at the start of s, two character references to
// the halves of a surrogate pair, high then low: it returns the character
// they make and their length; n is 0 when s starts with no such pair.
func surrogatePair(s string) (r rune, n int) {
	hi, n1 := charRefAt(s)
	if !utf16.IsSurrogate(hi) {
		return 0, 0
	}
	lo, n2 := charRefAt(s[n1:])
	if r = utf16.DecodeRune(hi, lo); r == unicode.ReplacementChar {
		return 0, 0
	}
	return r, n1 + n2
}

// charRefAt reads a numeric character reference ("&#55357;", "&#xD83D;")
// at the start of s: it returns the number it gives and its length; n is
// 0 when s starts with none.
func charRefAt(s string) (r rune, n int) {
	if !strings.HasPrefix(s, "&#") {
		return 0, 0
	}
	digits, base := s[2:], 10
	if strings.HasPrefix(digits, "x") || strings.HasPrefix(digits, "X") {
		digits, base = digits[1:], 16
	}
	// The ";" is looked for among the 8 digits a reference may have, not
	// in the rest of s: a text of 100,000 "&#1" without one was searched
	// to its end at each.
	end := strings.IndexByte(digits[:min(len(digits), 9)], ';')
	if end < 1 {
		return 0, 0
	}
	v, err := strconv.ParseUint(digits[:end], base, 32)
	if err != nil || v > unicode.MaxRune {
		return 0, 0
	}
	return rune(v), len(s) - len(digits) + end + 1
}

// htmlMarkup matches what only markup holds: a start or end tag of an
// element titles are marked up with (<b>, <br/>, <img …>, </em>) or
// wrapped in (</p>, </h2>), or a comment. A tag of any other name
// ("</example>", "</Suspense>", "<Outlet />") is a word about markup, as
// lenient readers take it: only HTML's own elements make a title HTML.
var htmlMarkup = regexp.MustCompile(`(?i)</(?:a|abbr|b|big|cite|code|del|dfn|div|em|font|h[1-6]|i|ins|kbd|mark|p|q|s|samp|small|span|strike|strong|sub|sup|time|tt|u|var)\s*>|<(?:a|b|i|u|em|strong|span|code|small|sub|sup|font|br|img|hr|wbr)\b[^<>]*>|<!--`)

// NormalizeSpace folds runs of white space (including no-break spaces)
// into one space and trims the ends. Soft hyphens (&shy;, which German
// newsrooms put into long words of their titles) and byte-order marks
// left inside a text are dropped: a browser shows neither inside a line,
// and a word holding one would match no search for it.
func NormalizeSpace(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) || r == '\u00a0' || r == '\u200b' {
			space = true
			continue
		}
		if r == utf8.RuneError || unicode.IsControl(r) || r == '\u00ad' || r == '\ufeff' {
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
