// Package parser turns a fetched feed (RSS 0.9x/1.0/2.0, Atom 0.3/1.0,
// JSON Feed 1.0/1.1) into items ingest can use: text decoded to UTF-8
// whatever the feed declares, links made absolute, and the images the feed
// offers (media:thumbnail, media:content, enclosures, item images and the
// first image of the content).
package parser

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"html"
	"net"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"
	ext "github.com/mmcdole/gofeed/extensions"
	"github.com/mmcdole/gofeed/rss"
	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"

	"newshub/internal/model"
)

// Feed is a parsed feed.
type Feed struct {
	Title   string
	SiteURL string // absolute
	Type    string // "rss", "atom" or "json"
	Version string
	Items   []Item
	// Malformed says, when the document was not well formed and was read
	// leniently, what was wrong and where ("line 212: document ends
	// inside <item>"); "" for a well-formed feed.
	Malformed string
	// Unreadable lists the items the document holds that could not be
	// read at all.
	Unreadable []Unreadable
	// zones are the names of time zones the items' dates end in that the
	// tz database does not have, one for each such date (see namedZone).
	zones []string
	// unsettled are the abbreviations of more than one zone the items'
	// dates end in that the feed's language does not settle, read as
	// UTC, one for each such date (see unsettledZone).
	unsettled []string
	// badDates are the items' dates that no layout reads ("Sun, 31 Feb
	// 2024"), one for each such item.
	badDates []string
	// over is how many items the feed holds past MaxItems, not read.
	over int
}

// Unreadable is an item of a malformed feed that could not be read.
type Unreadable struct {
	Item   int // its position among the feed's items, from 1
	Line   int // the line it starts on; 0 when unknown (JSON)
	Reason string
}

// Item is one entry of a feed.
type Item struct {
	GUID       string
	Title      string // plain text
	Link       string // absolute; its first enclosure when it has no other; empty when it has none
	Summary    string // description or summary, HTML
	Content    string // full content, HTML
	Published  time.Time
	Updated    time.Time
	Images     []model.Image
	Enclosures []string // absolute URLs of the media it carries other than images (a podcast's episode)
	Authors    []string
	// Publisher and PublisherURL name the publisher of an aggregator's
	// item, as RSS's <source> gives it (Google News): its name and its
	// site. Empty for an item its feed's own site published.
	Publisher    string
	PublisherURL string // absolute
}

// ErrNotAFeed is wrapped when the document is no feed: neither an RSS,
// RDF or Atom root element anywhere in it, nor a JSON Feed.
var ErrNotAFeed = errors.New("not a feed")

// Parse decodes body, served with the given Content-Type from feedURL.
//
// A well-formed feed is read by gofeed. A malformed one is read the way
// lenient readers do: every item that is there is read on its own (a
// truncated document, an unterminated CDATA section, a stray "<", an
// element left open around the items), and Feed.Malformed says what was
// wrong and where.
//
// A document the parser itself fails on (a fault of its own, which its
// fuzz test looks for) is that feed's error, not the end of the process
// reading every other feed.
func Parse(body []byte, contentType, feedURL string) (*Feed, error) {
	return guarded(body, contentType, feedURL, false)
}

// ParseCut is Parse for a body known to end before its document does: cut
// at a size cap, or ended early by the server. The item the body ends in
// is left out: it holds only what came before the cut (a link without
// the date and text after it), and an item stored so would be known from
// then on, never read whole.
func ParseCut(body []byte, contentType, feedURL string) (*Feed, error) {
	return guarded(body, contentType, feedURL, true)
}

// guarded is parse, with a fault of its own the document's error.
func guarded(body []byte, contentType, feedURL string, cut bool) (f *Feed, err error) {
	defer func() {
		if p := recover(); p != nil {
			f, err = nil, fmt.Errorf("parse feed: the parser failed on this document: %v", p)
		}
	}()
	return parse(body, contentType, feedURL, cut)
}

// parse is Parse without its guard; cut says the body ends before its
// document does (see ParseCut).
func parse(body []byte, contentType, feedURL string, cut bool) (*Feed, error) {
	feedURL = withoutUserInfo(feedURL)
	body, mended, err := decode(body, contentType)
	if err != nil {
		return nil, err
	}
	f, err := parseDecoded(body, feedURL, cut)
	if err == nil {
		rebaseLoopback(f, feedURL)
	}
	if err == nil && len(mended) > 0 {
		addNote(f, "malformed bytes ("+strings.Join(mended, "; ")+")")
	}
	if err == nil && len(f.zones) > 0 {
		addNote(f, zonesNote(f.zones))
	}
	if err == nil && len(f.unsettled) > 0 {
		addNote(f, unsettledNote(f.unsettled))
	}
	if err == nil && len(f.badDates) > 0 {
		addNote(f, badDatesNote(f.badDates))
	}
	if err == nil && f.over > 0 {
		addNote(f, fmt.Sprintf("more than %d items: the %d after them not read", MaxItems, f.over))
	}
	return f, err
}

// zonesNote says how many items' dates name a time zone the tz database
// does not have, and which: those items are undated (see namedZone),
// their articles dated when they were read.
func zonesNote(zones []string) string {
	what := "1 item's date names"
	if len(zones) > 1 {
		what = fmt.Sprintf("%d items' dates name", len(zones))
	}
	return what + " a time zone the time zone database does not have (" + quotedSet(zones) + "): read as undated"
}

// unsettledNote says how many items' dates end in an abbreviation of
// more than one zone that the feed's language does not settle, and
// which: those dates are read as UTC, maybe hours off, and a feed's owner
// settles them by declaring its language with its region ("en-IN").
func unsettledNote(abbrs []string) string {
	what := "1 item's date ends"
	if len(abbrs) > 1 {
		what = fmt.Sprintf("%d items' dates end", len(abbrs))
	}
	return what + " in an abbreviation of more than one time zone (" + quotedSet(abbrs) + ") that the feed's language does not settle: read as UTC"
}

// quotedSet is the distinct strings of names, sorted and quoted, joined
// by commas.
func quotedSet(names []string) string {
	set := slices.Compact(slices.Sorted(slices.Values(names)))
	for i, n := range set {
		set[i] = strconv.Quote(n)
	}
	return strings.Join(set, ", ")
}

// badDatesNote says how many items' dates could not be read, with up to
// three of them: those items are dated by another date they give, or
// when they were read, and a feed's owner can mend them only if told.
func badDatesNote(dates []string) string {
	shown := slices.Compact(slices.Sorted(slices.Values(dates)))
	more := ""
	if len(shown) > 3 {
		shown, more = shown[:3], ", ..."
	}
	quoted := make([]string, len(shown))
	for i, d := range shown {
		if r := []rune(d); len(r) > 40 {
			d = string(r[:40]) + "..."
		}
		quoted[i] = strconv.Quote(d)
	}
	what := "1 item's date"
	if len(dates) > 1 {
		what = fmt.Sprintf("%d items' dates", len(dates))
	}
	return what + " could not be read (" + strings.Join(quoted, ", ") + more + "): dated by another date given, or when read"
}

// addNote puts note, something mended before the feed was read, before
// what f.Malformed says.
func addNote(f *Feed, note string) {
	if f.Malformed == "" {
		f.Malformed = fmt.Sprintf("%s: all %d items read", note, len(f.Items))
	} else {
		f.Malformed = note + "; " + f.Malformed
	}
}

func parseDecoded(body []byte, feedURL string, cut bool) (*Feed, error) {
	base, _ := url.Parse(feedURL)
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, fmt.Errorf("parse feed: %w: the body is empty", ErrNotAFeed)
	}
	if c := firstByte(body); c == '{' || c == '[' {
		return parseJSON(body, feedURL)
	}
	sc := scanXML(body)
	if sc.tooDeep > 0 {
		return nil, fmt.Errorf("parse feed: elements nested more than %d deep (line %d)", maxDepth, sc.tooDeep)
	}
	over := 0
	if sc.stop > 0 {
		// Read the first MaxItems, the document ended after them.
		over = countTags(body[sc.stop:], tagName(body[sc.stop+1:]))
		body = append(body[:sc.stop:sc.stop], sc.closing...)
		sc, cut = scanXML(body), false
	}
	if n := len(sc.records); cut && n > 0 && sc.records[n-1].truncated {
		// Read up to the item the body ends in.
		body = body[:sc.records[n-1].start]
		sc = scanXML(body)
	}
	if sc.root == "" {
		if feed, ok := entryDocument(body); ok {
			return parseDecoded(feed, feedURL, cut)
		}
		if k := jsonAfterText(body); k > 0 {
			// A JSON Feed after a PHP warning or HTTP headers the
			// server wrote into the body.
			if f, err := parseJSON(body[k:], feedURL); err == nil {
				addNote(f, fmt.Sprintf("%d bytes of text before the JSON document", k))
				return f, nil
			}
		}
		if page := pageNotFeed(body, base); page != "" {
			return nil, fmt.Errorf("parse feed: %w: %s", ErrNotAFeed, page)
		}
		return nil, fmt.Errorf("parse feed: %w: no RSS, RDF or Atom root element", ErrNotAFeed)
	}
	// The document as a whole, mended where the scan found it broken: a
	// document whose faults are all mended there reads in one go.
	doc := body[sc.rootStart:sc.rootEnd]
	if len(sc.repairs) > 0 || len(sc.slashes) > 0 {
		doc = sc.text(body, sc.rootStart, sc.rootEnd)
	}
	gf, strictErr := parseGofeed(doc)
	if strictErr == nil && len(gf.Items) >= len(sc.records) {
		f := convert(gf, base, gf.Items, declaredLanguage(gf, body))
		if len(sc.notes) > 0 {
			f.Malformed = fmt.Sprintf("malformed XML (%s): all %d items read", strings.Join(sc.notes, "; "), len(f.Items))
		}
		f.over = over
		return f, nil
	}
	f, err := recoverFeed(body, sc, base, gf, strictErr)
	if err == nil {
		f.over = over
	}
	return f, err
}

// countTags counts the start tags named qname in doc, empty ones too.
func countTags(doc []byte, qname string) int {
	n := 0
	open := []byte("<" + qname)
	for i := bytes.Index(doc, open); i >= 0; i = bytes.Index(doc, open) {
		doc = doc[i+len(open):]
		if len(doc) == 0 || strings.IndexByte(" \t\r\n/>", doc[0]) >= 0 {
			n++
		}
	}
	return n
}

// entryDocument returns an Atom Entry Document (RFC 4287's document of one
// entry, as Blogger's API serves a post) as a feed of its entry, as
// feedparser reads it; ok is false for any other document.
func entryDocument(body []byte) (feed []byte, ok bool) {
	for i := 0; i < len(body); {
		j := bytes.IndexByte(body[i:], '<')
		if j < 0 {
			return nil, false
		}
		i += j
		switch rest := body[i+1:]; {
		case bytes.HasPrefix(rest, []byte("!--")):
			end := bytes.Index(rest, []byte("-->"))
			if end < 0 {
				return nil, false
			}
			i += 1 + end + len("-->")
		case bytes.HasPrefix(rest, []byte("?")), bytes.HasPrefix(rest, []byte("!")):
			i += 1 + tagEnd(body, i+1, true)
		case localName(tagName(rest)) != "entry":
			return nil, false
		default:
			tag := bytes.ToLower(body[i : i+1+tagEnd(body, i+1, false)])
			if !bytes.Contains(tag, []byte("//www.w3.org/2005/atom")) {
				return nil, false
			}
			feed = append([]byte(`<feed xmlns="http://www.w3.org/2005/Atom">`), body[i:]...)
			return append(feed, "</feed>"...), true
		}
	}
	return nil, false
}

// parseGofeed parses one XML document with gofeed, what is relative to
// an xml:base resolved as RFC 3986 resolves it (see markBases), Atom
// 0.3's base64 texts decoded (see decodeBase64Texts), addresses in
// attributes without the spaces around them (see trimURIAttrs).
func parseGofeed(doc []byte) (*gofeed.Feed, error) {
	p := gofeed.NewParser()
	doc, marks := markBases(trimURIAttrs(decodeBase64Texts(mendAtomNamespace(doc))))
	p.RSSTranslator = rssTranslator{gofeed.DefaultRSSTranslator{DisableContentImageScan: true}, nonPageLinks(doc)}
	p.AtomTranslator = atomTranslator{
		textTitles:    textConstructs(doc, "title", htmlMarkup.MatchString),
		textSummaries: textConstructs(doc, "summary", holdsLT),
		textContents:  textConstructs(doc, "content", holdsLT),
	}
	gf, err := p.Parse(bytes.NewReader(doc))
	if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
		return nil, fmt.Errorf("%w: %w", ErrNotAFeed, err)
	}
	restoreFeed(gf, marks)
	return gf, err
}

// atomNamespace matches a declaration of Atom's namespace, written as it
// is or as generators misspell it: under https (as hexo-generator-feed's
// template and ExpressionEngine's sample one have written it), in lower
// case, with a slash after it. Its first group is the namespace's name.
var atomNamespace = regexp.MustCompile(`(?i)\bxmlns(?::[\w.-]+)?\s*=\s*["'](https?://www\.w3\.org/2005/atom/?)["']`)

// mendAtomNamespace returns doc with the misspellings of Atom's namespace
// its root declares (see atomNamespace) written as RFC 4287 spells it:
// feedparser reads such a feed as Atom, where gofeed reads every entry in
// it as an element of another vocabulary, and none as an entry. Only the
// document's head is looked at, where its root's start tag declares it.
func mendAtomNamespace(doc []byte) []byte {
	const atom = "http://www.w3.org/2005/Atom"
	var out []byte
	last := 0
	for _, m := range atomNamespace.FindAllSubmatchIndex(doc[:min(len(doc), 4096)], -1) {
		if string(doc[m[2]:m[3]]) == atom {
			continue
		}
		out = append(append(out, doc[last:m[2]]...), atom...)
		last = m[3]
	}
	if out == nil {
		return doc
	}
	return append(out, doc[last:]...)
}

// rssTranslator is gofeed's, except that an item whose only address is a
// permalink GUID relative to the site ("/2024/11/post") gets it as a link
// to resolve: gofeed takes a GUID for an opaque identifier. And a <link>
// written as Atom writes one, with a rel that says it is no page (see
// nonPageLinks), is not the channel's or an item's link: gofeed keeps an
// element's last <link>, which Arc XP's feeds write as the feed's own
// address after each item's page. An item whose only description is its
// iTunes summary, plain text by iTunes's definition, has it as text unless
// it holds markup (see textOrMarkup): gofeed gives it as the description,
// which is read as HTML, and "when k<n the count holds" lost its end.
type rssTranslator struct {
	gofeed.DefaultRSSTranslator
	notPages map[string]bool
}

func (t rssTranslator) Translate(feed any) (*gofeed.Feed, error) {
	f, err := t.DefaultRSSTranslator.Translate(feed)
	rf, ok := feed.(*rss.Feed)
	if err != nil || !ok || len(rf.Items) != len(f.Items) {
		return f, err
	}
	if len(t.notPages) > 0 {
		f.Link, f.Links = pageLinks(f.Link, f.Links, t.notPages)
		for _, it := range f.Items {
			it.Link, it.Links = pageLinks(it.Link, it.Links, t.notPages)
		}
	}
	for i, ri := range rf.Items {
		if ri.Source != nil {
			setSource(f.Items[i], ri.Source)
		}
		for _, e := range f.Items[i].Enclosures {
			if e != nil {
				e.URL = originalEnclosure(ri, e.URL)
			}
		}
		if name, ok := markupAuthor(rawAuthor(ri)); ok {
			f.Items[i].Authors = []*gofeed.Person{{Name: name}}
		}
		if ri.Description == "" && ri.ITunesExt != nil && f.Items[i].Description == ri.ITunesExt.Summary {
			f.Items[i].Description = textOrMarkup(f.Items[i].Description)
		}
		if ri.GUID == nil || strings.EqualFold(strings.TrimSpace(ri.GUID.IsPermalink), "false") {
			continue
		}
		if g := strings.TrimSpace(ri.GUID.Value); strings.HasPrefix(g, "/") {
			f.Items[i].Links = append(f.Items[i].Links, g)
		}
	}
	return f, nil
}

// originalEnclosure returns the address a FeedBurner feed gives as the
// original (feedburner:origEnclosureLink) of an enclosure at u, which it
// serves through its own redirect under the same file's name, as lenient
// readers take it: the redirect outlives neither the feed nor FeedBurner.
// u itself when the item gives none for that file.
func originalEnclosure(ri *rss.Item, u string) string {
	for _, e := range ri.Extensions["feedburner"]["origEnclosureLink"] {
		if o := strings.TrimSpace(e.Value); o != "" && strings.HasSuffix(strings.TrimSpace(u), "/"+path.Base(o)) {
			return o
		}
	}
	return u
}

// rawAuthor returns the text gofeed takes an RSS item's author from: its
// <author>, else its Dublin Core author or creator, else its iTunes
// author; "" when it has none.
func rawAuthor(ri *rss.Item) string {
	if ri.Author != "" {
		return ri.Author
	}
	if dc := ri.DublinCoreExt; dc != nil && (len(dc.Author) > 0 || len(dc.Creator) > 0) {
		return slices.Concat(dc.Author, dc.Creator)[0]
	}
	if ri.ITunesExt != nil {
		return ri.ITunesExt.Author
	}
	return ""
}

// nameElement matches an element called name, of any prefix, and its text.
var nameElement = regexp.MustCompile(`(?is)<(?:[\w.-]+:)?name\b[^<>]*>(.*?)</(?:[\w.-]+:)?name\s*>`)

// markupAuthor returns the name an author written as markup gives: the
// text of its <name> (an Atom person's elements without Atom's namespace,
// as feeds give a card of the author's name, job and company), or of its
// HTML (a byline linking to the author's page, "by <a href=…>Ann Lee</a>",
// or Dublin Core creators escaped as links, as bioRxiv writes them).
// gofeed reads such an author as a name and an email, which keeps the
// markup, or loses the name. ok is false for an author that is no markup.
func markupAuthor(raw string) (name string, ok bool) {
	if m := nameElement.FindStringSubmatch(raw); m != nil {
		return PlainText(m[1]), true
	}
	if htmlMarkup.MatchString(raw) {
		return PlainText(raw), true
	}
	return "", false
}

// Keys of gofeed's Custom map under which the translator leaves an RSS
// item's <source>, which gofeed's items have no field for.
const (
	sourceTitleKey = "source.title"
	sourceURLKey   = "source.url"
)

func setSource(gi *gofeed.Item, src *rss.Source) {
	if gi.Custom == nil {
		gi.Custom = map[string]string{}
	}
	gi.Custom[sourceTitleKey] = src.Title
	gi.Custom[sourceURLKey] = src.URL
}

// nonPageLinks returns the addresses of the <link> elements (not
// atom:link) that doc writes with an href and a rel other than
// "alternate": rel="self" names the feed, rel="hub" its WebSub hub, and
// neither is the page of the channel or item they are in, as lenient
// readers read them. nil when there are none.
func nonPageLinks(doc []byte) map[string]bool {
	var out map[string]bool
	done := 0 // doc[:done] holds the tags read: a tag of 100,000 rel attributes is read once, not at each
	for a := range tagAttrs(doc, "rel") {
		if a.name < done {
			continue
		}
		if rel := strings.ToLower(strings.TrimSpace(string(doc[a.start:a.end]))); rel == "" || rel == "alternate" {
			continue
		}
		open := bytes.LastIndexByte(doc[:a.name], '<')
		end := bytes.IndexByte(doc[a.end:], '>')
		if end < 0 {
			return out // no tag ends after this one
		}
		done = a.end + end
		if open < 0 || !bytes.HasPrefix(doc[open:], []byte("<link")) || !isSpace(doc[open+len("<link")]) {
			continue
		}
		tag := doc[open : a.end+end]
		for h := range tagAttrs(tag, "href") {
			if out == nil {
				out = map[string]bool{}
			}
			out[strings.TrimSpace(html.UnescapeString(string(tag[h.start:h.end])))] = true
		}
	}
	return out
}

// pageLinks returns links without those in notPages, and link, or the
// first of them left when link is one of notPages. When none is left, the
// links are returned as they are: an element's only link is its link.
func pageLinks(link string, links []string, notPages map[string]bool) (string, []string) {
	var kept []string
	for _, l := range links {
		if !notPages[strings.TrimSpace(l)] {
			kept = append(kept, l)
		}
	}
	if len(kept) == 0 {
		return link, links
	}
	if notPages[strings.TrimSpace(link)] {
		link = kept[0]
	}
	return link, kept
}

// atomTranslator is gofeed's, except that an entry's links leave out its
// rel="self" link: the entry's address in the feed's own API (Blogger's
// /feeds/…/posts/default/ID), not a page to read, which an entry without
// an alternate link would otherwise be stored under. And a title that is
// text (see textConstructs) is given escaped, as the HTML titles are read
// as: gofeed gives both as they read, and a text title naming an element
// ("Why <br> breaks") would lose it. So is a summary or a content that is
// text, which is read as HTML too: an abstract's "for $k<n$ the bound
// holds" would lose what follows "<" as a tag.
type atomTranslator struct {
	gofeed.DefaultAtomTranslator
	textTitles, textSummaries, textContents map[string]bool
}

// holdsLT reports whether s holds a "<", which HTML may read as a tag.
func holdsLT(s string) bool { return strings.Contains(s, "<") }

func (t atomTranslator) Translate(feed any) (*gofeed.Feed, error) {
	f, err := t.DefaultAtomTranslator.Translate(feed)
	af, ok := feed.(*atom.Feed)
	if err != nil || !ok || len(af.Entries) != len(f.Items) {
		return f, err
	}
	if t.textTitles[f.Title] {
		f.Title = html.EscapeString(f.Title)
	}
	for _, l := range af.Links {
		if f.Link != "" {
			break
		}
		if l != nil && isRel(l.Rel, "alternate") {
			f.Link = l.Href
		}
	}
	for i, e := range af.Entries {
		if len(e.Authors) == 0 {
			f.Items[i].Authors = inheritedAuthors(af, e)
		}
		if t.textTitles[f.Items[i].Title] {
			f.Items[i].Title = html.EscapeString(f.Items[i].Title)
		}
		if t.textSummaries[f.Items[i].Description] {
			f.Items[i].Description = html.EscapeString(f.Items[i].Description)
		}
		if t.textContents[f.Items[i].Content] {
			f.Items[i].Content = html.EscapeString(f.Items[i].Content)
		}
		f.Items[i].Links = nil
		var others []string
		for _, l := range e.Links {
			switch {
			case !isRel(l.Rel, "alternate"): // the parser's reading of no rel, too
			case isPageType(l.Type):
				f.Items[i].Links = append(f.Items[i].Links, l.Href)
			default:
				others = append(others, l.Href)
			}
		}
		// An entry's web page before its other versions (a PDF, a feed
		// of its own), whichever comes first.
		f.Items[i].Links = append(f.Items[i].Links, others...)
		if len(f.Items[i].Links) == 0 {
			f.Items[i].Links = repliesPage(e.Links)
		}
		if f.Items[i].Link != "" && len(f.Items[i].Links) > 0 {
			f.Items[i].Link = f.Items[i].Links[0]
		}
	}
	return f, nil
}

// inheritedAuthors returns the authors of an entry that names none of
// its own: its source's, else its feed's, which RFC 4287 (4.2.1) says are
// its authors then, and which gofeed leaves to the feed.
func inheritedAuthors(af *atom.Feed, e *atom.Entry) []*gofeed.Person {
	authors := af.Authors
	if e.Source != nil && len(e.Source.Authors) > 0 {
		authors = e.Source.Authors
	}
	var out []*gofeed.Person
	for _, p := range authors {
		if p != nil {
			out = append(out, &gofeed.Person{Name: p.Name, Email: p.Email})
		}
	}
	return out
}

// repliesPage returns, as an entry's only link, the page of its comments
// (rel="replies" of a web page's type, RFC 4685) without the anchor of
// its comments: the entry's own page, as Blogger and WordPress write it
// ("…/post.html#comment-form"). Blogger writes it before the entry's
// alternate link, which a feed cut between the two has lost. A page of
// comments with no anchor is a page of its own, no entry's (Blogger's
// comment form, "blogger.com/comment.g?blogID=…&postID=…"). nil when
// there is none.
func repliesPage(links []*atom.Link) []string {
	for _, l := range links {
		if l != nil && isRel(l.Rel, "replies") && l.Type != "" && isPageType(l.Type) {
			if page, anchor, ok := strings.Cut(l.Href, "#"); ok && page != "" && anchor != "" {
				return []string{page}
			}
		}
	}
	return nil
}

// textConstructs returns the text of each element called name in doc
// that is an Atom text construct (of type "text", or of none, which RFC
// 4287 reads as text) and holds what HTML would read otherwise (a title's
// "&lt;br&gt;", written to be read as "<br>"); nil when there is none. An
// Atom 0.3 text escaped or in base64 (mode="escaped", "base64") is text
// when its type says so ("text/plain"); of no type, it is read as HTML.
func textConstructs(doc []byte, name string, holds func(string) bool) map[string]bool {
	if !bytes.Contains(doc, []byte("&lt;")) && !bytes.Contains(doc, []byte("<![CDATA[")) {
		return nil
	}
	open, closing := []byte("<"+name), []byte("</"+name+">")
	var out map[string]bool
	for i := 0; ; {
		k := bytes.Index(doc[i:], open)
		if k < 0 {
			return out
		}
		start := i + k
		end := start + 1 + tagEnd(doc, start+1, false)
		i = end
		if end >= len(doc) || (doc[start+len(open)] != '>' && !isSpace(doc[start+len(open)])) || doc[end-1] != '>' || doc[end-2] == '/' {
			continue
		}
		typ, typed, mode := "text", false, ""
		for a := range tagAttrs(doc[start:end], "type") {
			typ, typed = string(doc[start+a.start:start+a.end]), true
		}
		for a := range tagAttrs(doc[start:end], "mode") {
			mode = strings.TrimSpace(string(doc[start+a.start : start+a.end]))
		}
		n := bytes.Index(doc[end:], closing)
		if !isTextType(typ) || mode != "" && !typed || n < 0 {
			continue
		}
		text := string(doc[end : end+n])
		if strings.Contains(text, "<![CDATA[") {
			text = strings.NewReplacer("<![CDATA[", "", "]]>", "").Replace(text)
		} else {
			text = html.UnescapeString(text)
		}
		if text = strings.TrimSpace(text); holds(text) {
			if out == nil {
				out = map[string]bool{}
			}
			out[text] = true
		}
	}
}

// isTextType reports whether an Atom text construct's or content's type
// says it is plain text: "text", Atom 0.3's "text/plain", or none.
func isTextType(t string) bool {
	t = strings.ToLower(strings.TrimSpace(t))
	return t == "" || t == "text" || t == "text/plain"
}

// isRel reports whether a link's rel names the relation name, which is
// compared without regard to case (RFC 8288) or the spaces around it, as
// feedparser compares it: rel="Alternate" is an entry's page.
func isRel(rel, name string) bool {
	return strings.EqualFold(strings.TrimSpace(rel), name)
}

// isPageType reports whether an Atom link's type is a web page's (or
// unsaid, which means one).
func isPageType(t string) bool {
	t, _, _ = strings.Cut(strings.ToLower(strings.TrimSpace(t)), ";")
	return t == "" || t == "text/html" || t == "application/xhtml+xml"
}

// convert makes a Feed of gofeed's feed header and items, the items'
// dates read in the language lang the feed declares (see
// declaredLanguage).
func convert(gf *gofeed.Feed, base *url.URL, items []*gofeed.Item, lang string) *Feed {
	f := &Feed{Type: "rss"}
	if gf != nil {
		f.Title, f.Type, f.Version = titleText(unwrapCDATA(gf.Title)), gf.FeedType, gf.FeedVersion
		f.SiteURL = resolve(base, gf.Link)
	}
	// Item links are relative to the site when it names one, else to the
	// feed itself.
	itemBase := base
	if u, err := url.Parse(f.SiteURL); err == nil && u.IsAbs() {
		itemBase = u
	}
	f.Items = make([]Item, 0, len(items))
	for _, gi := range items {
		f.Items = append(f.Items, item(gi, itemBase, lang))
		if !f.Items[len(f.Items)-1].Published.IsZero() {
			if z := unsettledZone(gi.Published, lang); z != "" {
				f.unsettled = append(f.unsettled, z)
			}
			continue
		}
		if z := unknownZone(gi.Published); z != "" {
			f.zones = append(f.zones, z)
		} else if raw := strings.TrimSpace(gi.Published); raw != "" {
			f.badDates = append(f.badDates, raw)
		}
	}
	return f
}

// declaredLanguage is the language a feed declares: as gofeed reads it
// (RSS's <language> or <dc:language>, an Atom feed's xml:lang), else the
// first xml:lang near the document's start (see feedLanguage), which
// gofeed reads neither on an RSS document's root or channel nor on an
// Atom entry; "" when it declares none.
func declaredLanguage(gf *gofeed.Feed, body []byte) string {
	if gf != nil && strings.TrimSpace(gf.Language) != "" {
		return gf.Language
	}
	if m := feedLanguage.FindSubmatch(body[:min(len(body), 4096)]); m != nil {
		return string(m[1]) + string(m[2])
	}
	return ""
}

// recoverFeed reads a malformed document item by item: all the items in
// one envelope (the root's and channel's start tags, which declare the
// namespaces, and their end tags) when that parses, else each on its own.
func recoverFeed(body []byte, sc *scan, base *url.URL, strict *gofeed.Feed, strictErr error) (*Feed, error) {
	closing := "</" + sc.rootQName + ">"
	open := sc.rootTag
	if sc.root == "rss" {
		// Items outside any channel are read as the channel's too.
		open += cmp.Or(sc.chanTag, "<channel>")
		closing = "</channel>" + closing
	}
	headEnd := sc.rootEnd
	if len(sc.records) > 0 {
		headEnd = sc.records[0].start
	}
	head := strict
	if h, err := parseGofeed(append(sc.text(body, sc.rootStart, headEnd), closing...)); err == nil {
		head = h
	} else if len(sc.records) == 0 {
		return nil, fmt.Errorf("parse feed: %w", cmpErr(strictErr, err))
	}
	var unreadable []Unreadable
	texts := make([][]byte, 0, len(sc.records))
	for n, r := range sc.records {
		t := sc.recordText(body, r)
		if t == nil {
			unreadable = append(unreadable, Unreadable{Item: n + 1, Line: r.line, Reason: "the document ends inside it"})
		}
		texts = append(texts, t)
	}
	items := parseRecords(open, closing, texts, sc.records, &unreadable)
	f := convert(head, base, items, declaredLanguage(head, body))
	if head == nil {
		f.Type = map[string]string{"feed": "atom"}[sc.root]
		if f.Type == "" {
			f.Type = "rss"
		}
	}
	f.Unreadable = unreadable
	notes := sc.notes
	if len(notes) == 0 {
		if strictErr != nil {
			notes = []string{strictErr.Error()}
		} else {
			notes = []string{fmt.Sprintf("only %d of the items are where a feed has them", len(strict.Items))}
		}
	}
	f.Malformed = fmt.Sprintf("malformed XML (%s): %d of %d items read", strings.Join(notes, "; "), len(f.Items), len(sc.records))
	return f, nil
}

// parseRecords parses the records' texts (nil for one that cannot be
// read), all at once when they parse together, else one by one; the ones
// that fail are added to unreadable.
func parseRecords(open, closing string, texts [][]byte, recs []record, unreadable *[]Unreadable) []*gofeed.Item {
	doc := func(parts ...[]byte) []byte {
		var b bytes.Buffer
		b.WriteString(open)
		for _, p := range parts {
			b.Write(p)
		}
		b.WriteString(closing)
		return b.Bytes()
	}
	want := 0
	for _, t := range texts {
		if t != nil {
			want++
		}
	}
	if gf, err := parseGofeed(doc(texts...)); err == nil && len(gf.Items) == want {
		return gf.Items
	}
	var items []*gofeed.Item
	for n, t := range texts {
		if t == nil {
			continue
		}
		gf, err := parseGofeed(doc(t))
		switch {
		case err != nil:
			*unreadable = append(*unreadable, Unreadable{Item: n + 1, Line: recs[n].line, Reason: err.Error()})
		case len(gf.Items) != 1:
			*unreadable = append(*unreadable, Unreadable{Item: n + 1, Line: recs[n].line, Reason: "not an item"})
		default:
			items = append(items, gf.Items[0])
		}
	}
	return items
}

// recordText returns the text of one record, repaired and closed; nil
// when the document ends before any of its parts is complete.
func (s *scan) recordText(doc []byte, r record) []byte {
	end := "</" + r.qname + ">"
	switch {
	case r.closed:
		return s.text(doc, r.start, r.end)
	case r.truncated:
		if r.lastChild == 0 {
			return nil
		}
		return append(s.text(doc, r.start, r.lastChild), end...)
	}
	return append(s.text(doc, r.start, r.end), end...)
}

func cmpErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// jsonAfterText returns where the first line starting with "{" starts,
// near the start of body; 0 when there is none.
func jsonAfterText(body []byte) int {
	return bytes.Index(body[:min(len(body), declHead)], []byte("\n{")) + 1
}

// firstByte returns the first byte of body that is not white space.
func firstByte(body []byte) byte {
	for _, c := range body {
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return c
	}
	return 0
}

func item(gi *gofeed.Item, base *url.URL, lang string) Item {
	it := Item{
		GUID:    strings.TrimSpace(gi.GUID),
		Title:   titleText(unwrapCDATA(gi.Title)),
		Summary: joinSurrogates(unwrapCDATA(gi.Description)),
		Content: joinSurrogates(unwrapCDATA(gi.Content)),
		Link:    itemLink(gi, base),
	}
	if strings.TrimSpace(it.Summary) == "" && strings.TrimSpace(it.Content) == "" {
		// Atom's <summary> or <content> in an RSS item without its
		// namespace, as hand-written generators mix the two (gofeed
		// keeps their text in Custom; feedparser reads them).
		it.Summary = joinSurrogates(unwrapCDATA(cmp.Or(gi.Custom["summary"], gi.Custom["content"])))
	}
	if strings.TrimSpace(it.Summary) == "" && strings.TrimSpace(it.Content) == "" {
		it.Summary = mediaDescription(gi)
	}
	if strings.TrimSpace(it.Summary) == "" && strings.TrimSpace(it.Content) == "" && gi.ITunesExt != nil {
		// An episode described only by its iTunes subtitle, plain
		// text by iTunes's definition (see textOrMarkup).
		it.Summary = textOrMarkup(strings.TrimSpace(gi.ITunesExt.Subtitle))
	}
	if it.Title == "" {
		it.Title = mediaTitle(gi)
	}
	if name, site := publisher(gi, base); site != "" {
		it.Publisher, it.PublisherURL = name, site
		// Google News ends every title with its publisher's name,
		// which the hub gives beside it.
		if t, ok := strings.CutSuffix(it.Title, " - "+name); ok && name != "" && strings.TrimSpace(t) != "" {
			it.Title = strings.TrimSpace(t)
		}
	}
	it.Published = itemDate(gi.PublishedParsed, gi.Published, lang)
	it.Updated = itemDate(gi.UpdatedParsed, gi.Updated, lang)
	if it.Published.IsZero() {
		it.Published = extDate(gi, publishedExts, lang)
	} else if issued := extDate(gi, issuedExts, lang); !issued.IsZero() && datedByDC(gi) {
		// gofeed takes an RSS item's dc:date for its publication, where
		// feeds naming the issue apart (advisories, journals) give in
		// dc:date the last revision, and feedparser takes it so.
		it.Published = issued
	}
	if it.Published.IsZero() {
		it.Published = customDate(gi, "published", lang)
	}
	if it.Updated.IsZero() {
		it.Updated = extDate(gi, updatedExts, lang)
	}
	if it.Updated.IsZero() {
		it.Updated = customDate(gi, "updated", lang)
	}
	for _, a := range gi.Authors {
		if a != nil && strings.TrimSpace(a.Name) != "" {
			it.Authors = append(it.Authors, strings.TrimSpace(a.Name))
		}
	}
	// The item's HTML is its page's: what it links to is relative to the
	// page, as Miniflux reads it. Its media files, like its link, are
	// the feed's, relative to the site (Miniflux), or to the feed's
	// xml:base, which gofeed has resolved them against (feedparser). An
	// item linking to a page of another site (a link blog's post about
	// a project on GitHub) was written on its own site, and its HTML is
	// relative to that, as feedparser reads it.
	pageBase := base
	if u, err := url.Parse(it.Link); err == nil && it.Link != "" && sameSite(u, base) {
		pageBase = u
	}
	it.Images = images(gi, base, pageBase)
	for _, e := range gi.Enclosures {
		if e == nil || isPictureEnclosure(e) {
			continue
		}
		if u := resolve(base, e.URL); isHTTP(u) {
			it.Enclosures = append(it.Enclosures, u)
		}
	}
	if it.Link == "" {
		it.Link = enclosureLink(it.Enclosures, gi.Enclosures, base)
	}
	return it
}

// publisher returns the name and site of the publisher an item names in
// RSS's <source> where the item is an aggregator's: its own link is on the
// feed's site (base), and the source names another (Google News, whose
// links lead through news.google.com). Elsewhere the item's link names its
// site, and "" is returned: a <source> may as well name the feed an item
// was copied from.
func publisher(gi *gofeed.Item, base *url.URL) (name, site string) {
	site = resolve(nil, gi.Custom[sourceURLKey])
	if !isHTTP(site) || base == nil || base.Host == "" {
		return "", ""
	}
	link, err := url.Parse(resolve(base, gi.Link))
	src, serr := url.Parse(site)
	if err != nil || serr != nil || link.Host == "" || !sameSite(link, base) || sameSite(src, base) {
		return "", ""
	}
	return titleText(gi.Custom[sourceTitleKey]), site
}

// publishedExts and updatedExts are the elements of other vocabularies
// that give an item's publication and its update, by prefix and name, in
// the order feedparser prefers them: Dublin Core's date (which gofeed
// reads in an RSS item, where its date may not read, but not in an Atom
// entry) and terms, and Atom 0.3's dates, which feeds put in RSS items
// and gofeed leaves as extensions there.
var (
	publishedExts = [][2]string{{"dc", "date"}, {"dcterms", "issued"}, {"atom03", "issued"}, {"dcterms", "created"}, {"atom03", "created"}}
	updatedExts   = [][2]string{{"dcterms", "modified"}, {"atom03", "modified"}, {"atom", "updated"}}
)

// issuedExts names the element giving an item's issue apart from its
// Dublin Core date.
var issuedExts = [][2]string{{"dcterms", "issued"}}

// datedByDC reports whether gofeed took the item's publication from its
// dc:date, the item having no date of its own (an RSS 1.0 item).
func datedByDC(gi *gofeed.Item) bool {
	if gi.DublinCoreExt == nil || len(gi.DublinCoreExt.Date) == 0 {
		return false
	}
	return strings.TrimSpace(gi.Published) == strings.TrimSpace(gi.DublinCoreExt.Date[0])
}

// extDate returns the first date of the item's extension elements named
// in names that reads (see ParseDate) in the feed's language lang; zero
// when none does.
func extDate(gi *gofeed.Item, names [][2]string, lang string) time.Time {
	for _, n := range names {
		for _, e := range gi.Extensions[n[0]][n[1]] {
			if t, err := parseDate(e.Value, lang); err == nil {
				return t
			}
		}
	}
	return time.Time{}
}

// customDate returns the date of the element of no namespace named name
// in an RSS item, which gofeed keeps as text in Custom: hand-written
// generators give RSS items Atom's <published> and <updated> without
// its namespace (as templates for @astrojs/rss's customData do), which
// feedparser reads, read in the feed's language lang. Zero when there
// is none, or it does not read.
func customDate(gi *gofeed.Item, name, lang string) time.Time {
	if t, err := parseDate(gi.Custom[name], lang); err == nil {
		return t
	}
	return time.Time{}
}

// withoutUserInfo returns a feed's address without its user name and
// password: they are the hub's to read a private feed with, and the
// feed's relative links (its items', pictures' and site's), resolved
// against an address that held them, carried them into every record,
// page, feed and API document the hub publishes.
func withoutUserInfo(feedURL string) string {
	u, err := url.Parse(feedURL)
	if err != nil || u.User == nil {
		return feedURL
	}
	u.User = nil
	return u.String()
}

// rebaseLoopback moves onto the published site the addresses of a feed
// built with its generator's preview address ("http://localhost:4000/",
// as Jekyll and Hugo write it when a site is built with its development
// URL): they name the site's pages on a host no reader reaches. So are
// its GUIDs, which would otherwise be those of every other site built so
// ("http://localhost:4000/2024/11/05/welcome"). The site is the feed's
// link where that is public, else the host that serves the feed; a feed
// served from a loopback host is left as it is.
func rebaseLoopback(f *Feed, feedURL string) {
	served, err := url.Parse(feedURL)
	if err != nil || served.Host == "" || isLoopback(served.Hostname()) {
		return
	}
	site, err := url.Parse(f.SiteURL)
	if err != nil || site.Host == "" || isLoopback(site.Hostname()) {
		site = served
	}
	rebase := func(s *string) {
		if !isLoopback(linkHost(*s)) {
			return // most links: not parsed, as this runs on every item
		}
		u, err := url.Parse(*s)
		if err != nil || u.Host == "" || !isLoopback(u.Hostname()) {
			return
		}
		u.Scheme, u.Host = site.Scheme, site.Host
		*s = u.String()
	}
	rebase(&f.SiteURL)
	for i := range f.Items {
		it := &f.Items[i]
		rebase(&it.Link)
		rebase(&it.GUID)
		for j := range it.Enclosures {
			rebase(&it.Enclosures[j])
		}
		for j := range it.Images {
			rebase(&it.Images[j].URL)
		}
	}
}

// linkHost returns the host an absolute address names, without parsing
// it: "" when it has none.
func linkHost(s string) string {
	_, rest, ok := strings.Cut(s, "://")
	if !ok {
		return ""
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	if i := strings.LastIndexByte(rest, '@'); i >= 0 {
		rest = rest[i+1:]
	}
	if strings.HasPrefix(rest, "[") {
		if i := strings.IndexByte(rest, ']'); i >= 0 {
			return rest[1:i]
		}
		return rest
	}
	if i := strings.LastIndexByte(rest, ':'); i >= 0 {
		rest = rest[:i]
	}
	return rest
}

// isLoopback reports whether host names this machine: "localhost" or a
// loopback or unspecified address.
func isLoopback(host string) bool {
	host = strings.ToLower(host)
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && (ip.IsLoopback() || ip.IsUnspecified())
}

// sameSite reports whether page is on the site of base (a host of the
// same registrable domain: "www.", "news." and the bare domain are one
// site), or base is unknown.
func sameSite(page, base *url.URL) bool {
	if base == nil || base.Host == "" {
		return true
	}
	site := func(u *url.URL) string {
		h := strings.ToLower(u.Hostname())
		if d, err := publicsuffix.EffectiveTLDPlusOne(h); err == nil {
			return d
		}
		return h
	}
	return site(page) == site(base)
}

// mediaDescription returns, as HTML, the Media RSS description of an item
// that has no other text (see mediaTexts): a YouTube video's, inside its
// media:group, one of the item's own, or its video's.
func mediaDescription(gi *gofeed.Item) string {
	v, isHTML := mediaText(gi, "description")
	if isHTML {
		return v
	}
	return html.EscapeString(v)
}

// mediaTitle returns the Media RSS title of an item that has no other
// (see mediaTexts), as feedparser takes it: a video site's item may give
// its title only as its video's.
func mediaTitle(gi *gofeed.Item) string {
	v, isHTML := mediaText(gi, "title")
	if !isHTML {
		return NormalizeSpace(v)
	}
	return titleText(v)
}

// mediaText returns the first of the item's Media RSS elements called
// name that holds text (see mediaTexts), and whether it is HTML.
func mediaText(gi *gofeed.Item, name string) (text string, isHTML bool) {
	for _, e := range mediaTexts(gi, name) {
		if v := strings.TrimSpace(e.Value); v != "" {
			return v, strings.EqualFold(e.Attrs["type"], "html")
		}
	}
	return "", false
}

// mediaTexts returns the item's Media RSS elements called name that speak
// for it: its own, its media:group's, and those of its media:content, in
// a group or not, but a picture's. A picture's description is its
// alternative text (as Mastodon gives it), and its title may name the
// author it portrays (WordPress.com's Gravatar beside each post): they
// say what the picture shows, not what the item says, where a video's
// say what the item is.
func mediaTexts(gi *gofeed.Item, name string) []ext.Extension {
	media := gi.Extensions["media"]
	out, contents := media[name], media["content"]
	for _, g := range media["group"] {
		out = append(out, g.Children[name]...)
		contents = append(contents, g.Children["content"]...)
	}
	for _, c := range contents {
		if !isPicture(c) {
			out = append(out, c.Children[name]...)
		}
	}
	return out
}

// enclosureLink returns the link of an item that has no other: its first
// media file (an episode with no page of its own is known by it, as
// podcast apps and lenient readers know it), else its first image
// enclosure (a photo posted on its own); "" when it has neither.
func enclosureLink(media []string, encs []*gofeed.Enclosure, base *url.URL) string {
	if len(media) > 0 {
		return media[0]
	}
	for _, e := range encs {
		if e == nil {
			continue
		}
		if u := resolve(base, e.URL); isHTTP(u) {
			return u
		}
	}
	return ""
}

// itemLink returns the item's absolute http(s) link: the original
// address a FeedBurner feed gives beside its redirect (as lenient readers
// take it), else its link, else its first other link, else a GUID that is
// itself a URL. A link through an aggregator's redirect is the article's
// it names (see unwrapRedirect).
func itemLink(gi *gofeed.Item, base *url.URL) string {
	var orig []string
	for _, e := range gi.Extensions["feedburner"]["origLink"] {
		orig = append(orig, e.Value)
	}
	for _, c := range append(append(orig, gi.Link), gi.Links...) {
		if abs := resolve(base, c); isHTTP(abs) {
			return unwrapRedirect(abs)
		}
	}
	// An Atom link inside an RSS item (atom:link rel="alternate").
	for _, l := range gi.Extensions["atom"]["link"] {
		if rel := l.Attrs["rel"]; rel == "" || isRel(rel, "alternate") {
			if abs := resolve(base, l.Attrs["href"]); isHTTP(abs) {
				return abs
			}
		}
	}
	// An opaque GUID is no link, nor one that names no host ("http://").
	if g := strings.TrimSpace(gi.GUID); isHTTP(g) {
		if abs := resolve(nil, g); isHTTP(abs) {
			return abs
		}
	}
	return ""
}

// joinLines drops tabs and the runs of white space that hold a line break.
func joinLines(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r' || s[j] == '\n') {
			j++
		}
		if j > i {
			if run := s[i:j]; !strings.ContainsAny(run, "\r\n") {
				b.WriteString(strings.ReplaceAll(run, "\t", ""))
			}
			i = j
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

func isHTTP(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// resolve makes ref absolute against base; it returns "" for a reference
// that cannot be parsed. A link broken over lines is joined again: tabs,
// and white space around a line break, are dropped.
func resolve(base *url.URL, ref string) string {
	ref = strings.TrimFunc(ref, isBlank)
	if strings.ContainsAny(ref, "\t\r\n") {
		ref = joinLines(ref)
	}
	if strings.HasPrefix(ref, "<") {
		// The link written as HTML (see markupLink).
		ref = markupLink(ref)
	}
	if i := strings.IndexByte(ref, '<'); i >= 0 {
		// Markup in a link ("?ref=<b>rss</b>"): a URL never holds a
		// "<", so the link ends before it, as lenient readers read it.
		ref = strings.TrimSpace(ref[:i])
	}
	if ref == "" || placeholderLinks[strings.ToLower(ref)] || placeholderStart(ref) {
		return ""
	}
	if strings.Contains(ref, "&amp;") {
		// Escaped twice by the feed's generator ("&amp;amp;"): no link
		// means "&amp;" in its query.
		ref = strings.ReplaceAll(ref, "&amp;", "&")
	}
	ref = mendAddress(base, ref)
	u, err := url.Parse(ref)
	if err != nil && strings.Contains(ref, "%") {
		// "/50%-off-sale": a "%" that starts no escape is itself, as
		// browsers and lenient readers read it.
		u, err = url.Parse(escapeStrayPercent(ref))
	}
	if err != nil {
		return ""
	}
	if base != nil && !u.IsAbs() {
		u = base.ResolveReference(u)
	}
	if !isASCII(u.Host) {
		// An internationalized domain name, which String would
		// percent-encode into a host no resolver knows.
		h, err := idna.Lookup.ToASCII(u.Hostname())
		if err != nil {
			return ""
		}
		if port := u.Port(); port != "" {
			h += ":" + port
		}
		u.Host = h
	}
	return u.String()
}

// isBlank reports whether r is white space or an invisible formatting
// character (a right-to-left or left-to-right mark, a zero-width space, a
// byte-order mark), which editors of right-to-left text and text pasted
// from word processors leave around a link: no address starts or ends
// with one.
func isBlank(r rune) bool {
	return unicode.IsSpace(r) || unicode.Is(unicode.Cf, r)
}

// isLetter reports whether r is a letter, for the files of the package
// that import the encodings' unicode package.
func isLetter(r rune) bool { return unicode.IsLetter(r) }

// isQuote reports whether r is an opening or closing quotation mark.
func isQuote(r rune) bool { return unicode.In(r, unicode.Pi, unicode.Pf) }

// escapeStrayPercent escapes each "%" of s that is not followed by two
// hexadecimal digits.
func escapeStrayPercent(s string) string {
	isHex := func(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && (i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2])) {
			b.WriteString("%25")
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// placeholderLinks are what generators write where they have no link: a
// template's empty value ("undefined" from jpmonette/feed, Python's "None",
// "N/A") or an anchor to nothing. As a relative reference each would
// resolve to a page of the feed's site that is not the item's.
var placeholderLinks = map[string]bool{
	"undefined": true, "null": true, "none": true, "nil": true, "n/a": true, "false": true, "#": true,
}

// placeholderStart reports whether ref starts where its template left
// the site's address out, with the placeholder of an empty value
// ("undefined/blog/a-post", as jpmonette/feed writes `${siteUrl}/blog/…`
// when the site's address is not set) or with a template's tag not filled
// in at all ("{{ site.url }}/blog/a-post"). Resolved as a relative
// reference, it names a page of the feed's site that does not exist.
func placeholderStart(ref string) bool {
	first, _, ok := strings.Cut(ref, "/")
	if ok && first != "#" && placeholderLinks[strings.ToLower(first)] {
		return true
	}
	for _, tag := range []string{"{{", "{%", "${", "<%"} {
		if strings.HasPrefix(ref, tag) {
			return true
		}
	}
	return false
}

// mendAddress writes out in full a web address whose writer mistyped or
// left out its start: "http:/site.example/a" (one slash; Go reads a
// path, and no host), "https://https://site.example/a" (a generator's
// prefix before an address that has its own) and "www.site.example/a"
// (no scheme; RFC 3986 reads a path on the feed's own site), as feed
// generators fed a bare host or a whole address write them, and
// "http://site.example:443/a" (HTTPS's port with the http scheme). The
// scheme of "www." is the feed's.
func mendAddress(base *url.URL, ref string) string {
	if scheme, rest, ok := webScheme(ref); ok {
		if end := strings.IndexAny(ref+"?", "?#"); strings.Contains(ref[:end], `\`) {
			// "http:\\site.example\news\1.html", as templates written
			// on Windows give it: the URL Standard reads a backslash
			// before the query as a slash, as browsers do.
			return mendAddress(base, strings.ReplaceAll(ref[:end], `\`, "/")+ref[end:])
		}
		if _, _, inner := webScheme(rest); inner {
			return mendAddress(base, rest)
		}
		host := rest[:strings.IndexAny(rest+"/", "/?#")]
		if h, ok := strings.CutSuffix(host, ":443"); ok && scheme == "http" {
			// HTTPS's port under the http scheme, as a generator
			// that adds the port it was served on writes it
			// ("http://www.blog.google:443/"): no server answers
			// plain HTTP there, and its pages are at https.
			return "https://" + h + rest[len(host):]
		}
		if rest != "" && len(ref)-len(rest) != len(scheme)+3 {
			return scheme + "://" + rest
		}
		return ref
	}
	if len(ref) < 5 || !strings.EqualFold(ref[:4], "www.") {
		return ref
	}
	host := ref[:strings.IndexAny(ref+"/", "/?#")]
	if !strings.Contains(host[4:], ".") {
		return ref
	}
	scheme := "https"
	if base != nil && base.Scheme == "http" {
		scheme = "http"
	}
	return scheme + "://" + ref
}

// webScheme splits an address written with the http or https scheme into
// the scheme, lower-cased, and what follows its colon and slashes.
func webScheme(ref string) (scheme, rest string, ok bool) {
	i := strings.IndexByte(ref, ':')
	if i != 4 && i != 5 {
		return "", "", false
	}
	scheme = strings.ToLower(ref[:i])
	if scheme != "http" && scheme != "https" {
		return "", "", false
	}
	return scheme, strings.TrimLeft(ref[i+1:], "/"), true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// images collects the item's pictures in the order a reader would pick
// them: media:content and media:thumbnail (also inside media:group),
// image enclosures, the item image, the first image of the content. The
// content's is relative to pageBase, the others to base. None is a
// counter, an advertisement or an author's portrait (see NotPicture),
// wherever the feed gives it.
func images(gi *gofeed.Item, base, pageBase *url.URL) []model.Image {
	var out []model.Image
	seen := map[string]bool{}
	addFrom := func(base *url.URL, raw string, w, h int) {
		u := resolve(base, raw)
		if !isHTTP(u) || seen[u] || NotPicture(u, w, h) {
			return
		}
		seen[u] = true
		out = append(out, model.Image{URL: u, Width: w, Height: h})
	}
	add := func(raw string, w, h int) { addFrom(base, raw, w, h) }
	if media, ok := gi.Extensions["media"]; ok {
		mediaImages(media, add)
		for _, g := range media["group"] {
			mediaImages(g.Children, add)
		}
	}
	for _, e := range gi.Enclosures {
		if e != nil && isPictureEnclosure(e) {
			add(e.URL, 0, 0)
		}
	}
	// RSS 1.0's enclosures (its enc module, which gofeed leaves as an
	// extension): the photo Craigslist gives each listing.
	for _, e := range gi.Extensions["enc"]["enclosure"] {
		if strings.HasPrefix(strings.ToLower(e.Attrs["type"]), "image/") {
			add(cmp.Or(e.Attrs["resource"], e.Attrs["url"]), 0, 0)
		}
	}
	if gi.Image != nil {
		add(gi.Image.URL, 0, 0)
	}
	for _, html := range []string{gi.Content, gi.Description} {
		if src, w, h := firstImg(html); src != "" {
			addFrom(pageBase, src, w, h)
			break
		}
	}
	return out
}

func mediaImages(m map[string][]ext.Extension, add func(string, int, int)) {
	for _, c := range m["content"] {
		if isPicture(c) {
			add(c.Attrs["url"], atoi(c.Attrs["width"]), atoi(c.Attrs["height"]))
		}
	}
	for _, c := range m["thumbnail"] {
		add(c.Attrs["url"], atoi(c.Attrs["width"]), atoi(c.Attrs["height"]))
	}
}

// isPictureEnclosure reports whether an enclosure is a picture: by its
// type, or, when it states none (which RSS requires, and gallery plugins
// leave out), its address, as a media:content is told (see isPicture).
func isPictureEnclosure(e *gofeed.Enclosure) bool {
	typ := strings.ToLower(strings.TrimSpace(e.Type))
	return strings.HasPrefix(typ, "image/") || typ == "" && looksLikeImage(e.URL)
}

// isPicture reports whether a media:content is a picture: by its medium,
// its type, or, when it states neither, its address.
func isPicture(c ext.Extension) bool {
	medium, typ := c.Attrs["medium"], strings.ToLower(c.Attrs["type"])
	return medium == "image" || strings.HasPrefix(typ, "image/") || (medium == "" && typ == "" && looksLikeImage(c.Attrs["url"]))
}

func looksLikeImage(u string) bool {
	u = strings.ToLower(u)
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	for _, ext := range []string{".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif"} {
		if strings.HasSuffix(u, ext) {
			return true
		}
	}
	return false
}

func atoi(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 {
		return 0
	}
	return n
}
