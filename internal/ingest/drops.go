package ingest

import (
	"log/slog"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"newshub/internal/curate"
	"newshub/internal/ingest/fetcher"
	"newshub/internal/ingest/parser"
	"newshub/internal/store"
)

// Reasons a feed item is not stored, as `sources list`, `ingest -v` and
// `explain` show them.
const (
	ReasonKnown     = "already stored"                          // the store has it, under its own link
	ReasonKnownPage = "already stored under its page's address" // the store has it from its feed's earlier link to its page (a link that changes at every fetch)
	ReasonDuplicate = "duplicate"                               // the same article as another record (the detail says which)
	ReasonNoLink    = "no usable link"                          // no http or https link
	ReasonNoTitle   = "no title or text"                        // nothing to call it by
	ReasonMalformed = "malformed"                               // the feed's text of it could not be read
	ReasonRejected  = "rejected"                                // curation could not make a record of it
	ReasonPurged    = "purged earlier"                          // an unpublished duplicate retention deleted, its keys kept
	ReasonLater     = "left for a later round"                  // past the new items a round takes of a feed (Options.MaxNewItems)
	// ReasonPastKeys drops an item dated before the keys of purged
	// articles are kept (retention.Policy.TombstoneCut): it may be one
	// retention purged, whose keys are gone.
	ReasonPastKeys = "dated before the purged articles' keys kept"
)

// reasons lists every reason, for the metrics to serve from the start.
var reasons = []string{ReasonKnown, ReasonKnownPage, ReasonDuplicate, ReasonNoLink, ReasonNoTitle, ReasonMalformed, ReasonRejected, ReasonPurged, ReasonLater, ReasonPastKeys}

// drop counts an item not stored under its reason, keeps it for the
// source's report (but for the items already stored under their own
// link: explain finds those by their link) and logs it.
func (res *result) drop(log *slog.Logger, d store.Drop) {
	rep := &res.report
	if rep.NotStored == nil {
		rep.NotStored = map[string]int{}
	}
	rep.NotStored[d.Reason]++
	if d.Reason != ReasonKnown && len(rep.Drops) < store.MaxDrops {
		rep.Drops = append(rep.Drops, d)
	}
	if d.Reason != ReasonKnown {
		log.Debug("item not stored", "feed", fetcher.Masked(res.src.URL), "url", d.URL, "title", d.Title, "reason", d.Reason, "detail", d.Detail)
	}
}

// itemText returns the plain text of an item's summary, else its content,
// without the footer a plugin adds to each post (see withoutFooter) or
// the link a theme adds to read on (see withoutMoreLink); "" for a text
// that only repeats the item's title (see echoesTitle).
func itemText(it parser.Item) string {
	t := parser.PlainText(withoutMoreLink(withoutFooter(strings.TrimSpace(it.Summary), it.Link), it.Link))
	if t == "" {
		t = parser.PlainText(withoutMoreLink(withoutFooter(it.Content, it.Link), it.Link))
	}
	if echoesTitle(t, it) {
		return ""
	}
	return t
}

// echoesTitle reports whether an item's text is its title again, alone
// or followed by its publisher's name, as aggregators describe an item
// (Google News: a link to the article under its headline, then the
// publisher): no excerpt, where the page's description is one.
func echoesTitle(text string, it parser.Item) bool {
	title := parser.NormalizeSpace(it.Title)
	if title == "" || len(text) < len(title) || !strings.EqualFold(text[:len(title)], title) {
		return false
	}
	rest := strings.TrimSpace(text[len(title):])
	return rest == "" || it.Publisher != "" && strings.EqualFold(rest, parser.NormalizeSpace(it.Publisher))
}

// tailLength is how much of the end of an item's HTML is looked at for
// the link that ends it.
const tailLength = 2048

var (
	// closingTags matches end tags alone, and white space.
	closingTags = regexp.MustCompile(`^(?:\s*</[a-zA-Z][a-zA-Z0-9]*\s*>)*\s*$`)
	// blockStart matches the start tag of a paragraph or a division at
	// the end of a fragment.
	blockStart = regexp.MustCompile(`(?i)<(?:p|div)\b[^>]*>$`)
)

// withoutMoreLink returns an item's HTML without the link to the post
// itself that ends it, as WordPress's themes end a post cut short
// ("Continue reading “Title”", "Read more »", in the site's language),
// when it stands in a paragraph of its own or after the mark of the cut
// ("…", "[…]"): in an excerpt it says nothing of the article. A link
// post's link at the end of its words (to the page the item links to)
// stays.
func withoutMoreLink(html, link string) string {
	// The link ends the post: only its tail is looked at, where a blog
	// gives each post whole.
	from := max(0, len(html)-tailLength)
	ms := anchor.FindAllStringSubmatchIndex(html[from:], -1)
	if len(ms) == 0 {
		return html
	}
	m := ms[len(ms)-1]
	for i := range m {
		m[i] += from
	}
	if !closingTags.MatchString(html[m[1]:]) || curate.CanonicalURL(html[m[2]:m[3]]) != curate.CanonicalURL(link) {
		return html
	}
	before := strings.TrimRightFunc(html[:m[0]], unicode.IsSpace)
	text := strings.TrimRight(parser.PlainText(before), " ]")
	if !blockStart.MatchString(before) && !strings.HasSuffix(text, "…") && !strings.HasSuffix(text, "...") {
		return html
	}
	return html[:m[0]] + html[m[1]:]
}

// anchor matches a link of HTML, its address the first group.
var anchor = regexp.MustCompile(`(?is)<a\b[^>]*?\bhref\s*=\s*["']([^"']*)["'][^>]*>.*?</a\s*>`)

// footerWords bounds the words of a footer besides its links' ("The post
// … appeared first on …", "Der Beitrag … erschien zuerst auf …").
const footerWords = 60

// withoutFooter returns an item's HTML without the last paragraph when that
// is a footer that names where the post appeared first, as WordPress's SEO
// plugins (Yoast's "The post … appeared first on …", in the site's
// language) add to every post of a feed: a few words around a link to the
// post itself and one to its site's home page. In an excerpt it says
// nothing of the article.
func withoutFooter(html, link string) string {
	body := strings.TrimRightFunc(html, unicode.IsSpace)
	if len(body) < len("</p>") || !strings.EqualFold(body[len(body)-len("</p>"):], "</p>") {
		return html
	}
	start := lastParagraph(body)
	if start < 0 {
		return html
	}
	para := body[start:]
	links := anchor.FindAllStringSubmatch(para, -1)
	if len(links) != 2 || utf8.RuneCountInString(parser.PlainText(anchor.ReplaceAllString(para, ""))) > footerWords {
		return html
	}
	own, home := links[0][1], links[1][1]
	if curate.CanonicalURL(own) != curate.CanonicalURL(link) || pathful(home) || !sameSite(home, link) {
		return html
	}
	return body[:start]
}

// lastParagraph returns where the last start tag of a paragraph in s
// begins, -1 when there is none. Its bytes are compared, not those of a
// lower-cased copy, whose letters may be longer (Turkish "İ").
func lastParagraph(s string) int {
	for i := len(s) - 3; i >= 0; i-- {
		if s[i] == '<' && s[i+1]|0x20 == 'p' && strings.IndexByte("> \t\r\n", s[i+2]) >= 0 {
			return i
		}
	}
	return -1
}
