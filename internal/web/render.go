package web

import (
	"bytes"
	"html/template"
	"strconv"
	"strings"
	"time"
)

// The layout, the topic, story and article pages, and the cards, items,
// pager, publisher and badge fragments are written by Go code rather than
// html/template: a static build renders one page per article and per
// story, and executing templates (reflection for every field, an escaper
// chain for every value) was most of its time. BenchmarkStoryContent
// renders the story page both ways (about thirty times faster in Go, with
// a fiftieth of the allocations); TestStoryTemplateMatchesGo checks that
// both give the same bytes. The templates (events, people, learning,
// search, messages) call the same writers for the fragments they share.
//
// Each value is escaped as html/template escapes it in the same place,
// and only these places are proven (TestEscapersMatchTemplate, on hostile
// strings and every byte):
//
//   - HTML text, and the text of title: escHTML, as html/template's
//     htmlEscaper and rcdataEscaper (one replacement table).
//   - A double-quoted attribute value that is neither a URL, nor
//     JavaScript (on* handlers), nor CSS: escHTML, as its attrEscaper.
//     The one style attribute written holds a template.CSS the code
//     built from validated colours (isColor) and numbers, escaped as an
//     attribute.
//   - A double-quoted URL attribute (href, src), whole or as a site path
//     after the page's relative base: escURL, as the chain urlFilter,
//     urlNormalizer, attrEscaper.
//
// Not proven, so never written from Go: unquoted or single-quoted
// attributes, attribute names, event handlers, srcset, and the content of
// script and style elements. The sanitized excerpt (bluemonday) is the one
// value written as HTML.

// escaper escapes strings for one place in a page, as html/template's
// replacement tables do: each byte is written as its replacement, or as
// it is where it has none.
type escaper struct {
	repl [256]string
	// keepEscapes leaves a '%' followed by two hex digits as it is: a URL
	// may come escaped already.
	keepEscapes bool
}

// htmlEscaper is for HTML text and quoted attribute values: the
// htmlReplacementTable of html/template's htmlEscaper, attrEscaper and
// rcdataEscaper. Those read runes, but only ASCII is replaced, so bytes
// do.
var htmlEscaper = escaper{repl: [256]string{
	0:    "\uFFFD",
	'"':  "&#34;",
	'&':  "&amp;",
	'\'': "&#39;",
	'+':  "&#43;",
	'<':  "&lt;",
	'>':  "&gt;",
}}

// urlEscaper is for a part of a URL attribute, as html/template's chain
// urlNormalizer, attrEscaper: a byte that may not stand in a URL is
// percent-encoded, and of those that may, the attribute escapes '&' and
// '+'.
var urlEscaper = newURLEscaper()

func newURLEscaper() *escaper {
	const hex = "0123456789abcdef"
	e := &escaper{keepEscapes: true}
	for c := range len(e.repl) {
		if !isURLByte(byte(c)) {
			e.repl[c] = string([]byte{'%', hex[c>>4], hex[c&15]})
		}
	}
	e.repl['&'] = htmlEscaper.repl['&']
	e.repl['+'] = htmlEscaper.repl['+']
	return e
}

// isURLByte reports whether urlNormalizer leaves c as it is: RFC 3986's
// unreserved characters and the reserved ones but for quote and parens.
func isURLByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		strings.IndexByte("!#$&*+,/:;=?@[]-._~", c) >= 0
}

// write writes s escaped.
func (e *escaper) write(b *bytes.Buffer, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		r := e.repl[s[i]]
		if r == "" || e.keepEscapes && s[i] == '%' && i+2 < len(s) && isHexDigit(s[i+1]) && isHexDigit(s[i+2]) {
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(r)
		last = i + 1
	}
	b.WriteString(s[last:])
}

// escHTML writes s escaped for HTML text or a quoted attribute.
func escHTML(b *bytes.Buffer, s string) { htmlEscaper.write(b, s) }

// escURL writes s as a part of a URL attribute, as html/template's chain
// urlFilter, urlNormalizer, attrEscaper does.
func escURL(b *bytes.Buffer, s string) {
	if !isSafeURL(s) {
		b.WriteString("#ZgotmplZ")
		return
	}
	urlEscaper.write(b, s)
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// isSafeURL is html/template's: a URL with a scheme must be http(s) or
// mailto.
func isSafeURL(s string) bool {
	if protocol, _, ok := strings.Cut(s, ":"); ok && !strings.Contains(protocol, "/") {
		if !strings.EqualFold(protocol, "http") && !strings.EqualFold(protocol, "https") && !strings.EqualFold(protocol, "mailto") {
			return false
		}
	}
	return true
}

// The writers below write markup, a value escaped for its place, then
// markup again.

// writeText writes s as text or an attribute value between before and
// after.
func writeText(b *bytes.Buffer, before, s, after string) {
	b.WriteString(before)
	escHTML(b, s)
	b.WriteString(after)
}

// writeURL writes the URL u in an attribute between before and after.
func writeURL(b *bytes.Buffer, before, u, after string) {
	b.WriteString(before)
	escURL(b, u)
	b.WriteString(after)
}

// writeHref writes the URL of a path of the site, from the page's
// relative base, between before and after.
func (p *page) writeHref(b *bytes.Buffer, before, path, after string) {
	b.WriteString(before)
	escURL(b, p.Base)
	escURL(b, path)
	b.WriteString(after)
}

// writeInt writes n between before and after.
func writeInt(b *bytes.Buffer, before string, n int, after string) {
	var a [20]byte
	b.WriteString(before)
	b.Write(strconv.AppendInt(a[:0], int64(n), 10))
	b.WriteString(after)
}

// writeLayout writes the page around its content, which content writes.
func (p *page) writeLayout(b *bytes.Buffer, content func(*bytes.Buffer) error) error {
	writeText(b, "<!doctype html>\n<html lang=\"", p.Lang, "\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
	writeText(b, "", p.Title, "</title>\n<meta name=\"description\" content=\"")
	writeText(b, "", p.Description, "\">\n<meta name=\"color-scheme\" content=\"light dark\">")
	if p.NoIndex {
		b.WriteString("\n<meta name=\"robots\" content=\"noindex\">")
	}
	if p.Canonical != "" {
		writeURL(b, "\n<link rel=\"canonical\" href=\"", p.Canonical, "\">")
	}
	for _, l := range [2][2]string{{"prev", p.Prev}, {"next", p.Next}} {
		if l[1] != "" {
			p.writeHref(b, "\n<link rel=\""+l[0]+"\" href=\"", l[1], "\">")
		}
	}
	if err := writePart(b, "\n", p.HeadLinks); err != nil {
		return err
	}
	p.writeSocialMeta(b)
	if err := writePart(b, "\n</head>\n<body>\n<a class=\"skip\" href=\"#main\">Skip to content</a>\n", p.Header); err != nil {
		return err
	}
	b.WriteString("\n<main id=\"main\" class=\"wrap\">\n")
	if err := content(b); err != nil {
		return err
	}
	if err := writePart(b, "\n</main>\n", p.Footer); err != nil {
		return err
	}
	b.WriteString("\n</body>\n</html>\n")
	return nil
}

// writePart writes before, then the part of the layout that part renders.
func writePart(b *bytes.Buffer, before string, part func() (template.HTML, error)) error {
	b.WriteString(before)
	h, err := part()
	if err != nil {
		return err
	}
	b.WriteString(string(h))
	return nil
}

// writeSocialMeta writes the Open Graph and Twitter card tags; those
// marked optional only when they have content.
func (p *page) writeSocialMeta(b *bytes.Buffer) {
	heading := p.Heading
	if heading == "" {
		heading = p.SiteTitle
	}
	card := "summary"
	if p.OGImage != "" {
		card = "summary_large_image"
	}
	for _, m := range [...]struct {
		attr, content string
		optional      bool
	}{
		{`property="og:title"`, heading, false},
		{`property="og:description"`, p.Description, false},
		{`property="og:type"`, p.OGType, false},
		{`property="og:url"`, p.Canonical, true},
		{`property="og:image"`, p.OGImage, true},
		{`name="twitter:card"`, card, false},
		{`name="twitter:title"`, heading, false},
		{`name="twitter:description"`, p.Description, false},
		{`name="twitter:image"`, p.OGImage, true},
	} {
		if !m.optional || m.content != "" {
			b.WriteString("\n<meta ")
			b.WriteString(m.attr)
			writeText(b, " content=\"", m.content, "\">")
		}
	}
}

// writeTime writes a time that the browser keeps saying "… ago" of.
func (p *page) writeTime(b *bytes.Buffer, t time.Time) {
	p.writeTimeAs(b, t, "\" data-ago>", ago(p.Now, t))
}

// writeTimeAs writes t as a <time> element showing text; endTag ends its
// start tag.
func (p *page) writeTimeAs(b *bytes.Buffer, t time.Time, endTag, text string) {
	writeText(b, "<time datetime=\"", t.UTC().Format(time.RFC3339), "\" title=\"")
	writeText(b, "", exact(t, p.Loc), endTag)
	writeText(b, "", text, "</time>")
}

func (p *page) writeProvider(b *bytes.Buffer, v *providerView) {
	b.WriteString("<span class=\"pub\">")
	if v.Logo != "" {
		p.writeSrc(b, "<img class=\"logo\" src=\"", v.Logo, v.LogoLocal, "\" alt=\"\" width=\"20\" height=\"20\"")
		writePlaceholder(b, placeholder{Initial: v.Initial, Tint: v.Tint})
		b.WriteString(" loading=\"lazy\" decoding=\"async\">")
	} else {
		writeText(b, "<span class=\"mono\" aria-hidden=\"true\">", v.Initial, "</span>")
	}
	writeText(b, "<span class=\"pub-name\" dir=\"auto\">", v.Name, "</span></span>")
}

// writeByline writes who published c and when.
func (p *page) writeByline(b *bytes.Buffer, c *card) {
	p.writeProvider(b, &c.Provider)
	b.WriteString("<span class=\"when\"><span class=\"sep\" aria-hidden=\"true\">·</span>")
	p.writeTime(b, c.Time)
	b.WriteString("</span>")
}

// writeSrc writes a picture's URL between before and after: a site path
// from the page's relative base, else as it is.
func (p *page) writeSrc(b *bytes.Buffer, before, u string, local bool, after string) {
	if local {
		p.writeHref(b, before, u, after)
	} else {
		writeURL(b, before, u, after)
	}
}

// writeImageAttrs writes the attributes of an img element after its name,
// and ends it.
func (p *page) writeImageAttrs(b *bytes.Buffer, im *imageView) {
	p.writeSrc(b, " src=\"", im.URL, im.Local, "\" alt=\"")
	writeText(b, "", im.Alt, "\" width=\"")
	writeInt(b, "", im.Width, "\" height=\"")
	writeInt(b, "", im.Height, "\"")
	writePlaceholder(b, im.placeholder)
	b.WriteString(" loading=\"lazy\" decoding=\"async\">")
}

// writeImage writes an img element of the class ("" for none).
func (p *page) writeImage(b *bytes.Buffer, im *imageView, class string) {
	b.WriteString("<img")
	if class != "" {
		writeText(b, " class=\"", class, "\"")
	}
	p.writeImageAttrs(b, im)
}

// writePlaceholder writes what the stylesheet draws in place of a picture
// that fails to load: the initial (data-initial) on its colour, a
// template.CSS built from a fixed list (tints).
func writePlaceholder(b *bytes.Buffer, ph placeholder) {
	if ph.Initial != "" {
		writeText(b, " data-initial=\"", ph.Initial, "\"")
	}
	if ph.Tint != "" {
		writeText(b, " style=\"", string(ph.Tint), "\"")
	}
}

// writeCard writes a story card.
func (p *page) writeCard(b *bytes.Buffer, c *card) {
	b.WriteString("\n<article class=\"card")
	if c.Image != nil {
		p.writeHref(b, " has-image\">\n  <a class=\"thumb\" href=\"", c.Path, "\" tabindex=\"-1\" aria-hidden=\"true\"><img")
		p.writeImageAttrs(b, c.Image)
		b.WriteString("</a>")
	} else {
		b.WriteString("\">")
	}
	b.WriteString("\n  <div class=\"card-body\">\n    <p class=\"meta\">")
	p.writeByline(b, c)
	p.writeHref(b, "</p>\n    <h3 dir=\"auto\"><a href=\"", c.Path, "\">")
	writeText(b, "", c.Title, "</a></h3>")
	if c.Excerpt != "" {
		writeText(b, "\n    <p class=\"excerpt\" dir=\"auto\">", c.Excerpt, "</p>")
	}
	b.WriteString("\n    <p class=\"foot\">")
	for _, v := range c.Voices {
		writeBadge(b, v, v.Name, v.Full)
	}
	p.writeCoverageLink(b, c, "<a class=\"coverage\" href=\"", "\">Full coverage<span class=\"count\"> · ", "</span></a>")
	b.WriteString("</p>\n  </div>\n</article>")
}

// writeCoverageLink writes a link to the story of c, where it has one
// with other articles, saying how many sources the story has: the link
// starts with start, the count comes after mid and before end.
func (p *page) writeCoverageLink(b *bytes.Buffer, c *card, start, mid, end string) {
	if c.StoryPath == "" || c.Members <= 1 {
		return
	}
	p.writeHref(b, start, c.StoryPath, mid)
	writeText(b, "", plural(c.Sources, "source", "sources"), end)
}

// writeItem writes an article as a line of a list.
func (p *page) writeItem(b *bytes.Buffer, c *card) {
	b.WriteString("\n<div class=\"item\">")
	if c.Image != nil {
		b.WriteString("<img class=\"mini\"")
		p.writeImageAttrs(b, c.Image)
	}
	b.WriteString("\n  <div>\n    <p class=\"meta\">")
	p.writeByline(b, c)
	p.writeHref(b, "</p>\n    <a class=\"item-title\" dir=\"auto\" href=\"", c.Path, "\">")
	writeText(b, "", c.Title, "</a>\n  </div>\n</div>")
}

// writeBadge writes a voice label with its colours saying text, with a
// title when title is not "".
func writeBadge(b *bytes.Buffer, v *badge, text, title string) {
	writeText(b, "<span class=\"badge\" style=\"", string(v.Style), "\"")
	if title != "" {
		writeText(b, " title=\"", title, "\"")
	}
	writeText(b, ">", text, "</span>")
}

// writeStory writes the content of a story's page. A card's heading is
// an h3, under an h2 for its list, hidden where the page shows what the
// list is.
func (p *page) writeStory(b *bytes.Buffer) {
	d := p.Data.(*storyData)
	writeText(b, "\n<article class=\"story\">\n  <header class=\"page-head\">\n    <p class=\"kicker\">Full coverage</p>\n    <h1 dir=\"auto\">", d.Lead.Title, "</h1>\n    <p class=\"sub\">")
	writeText(b, "", plural(d.Members, "article", "articles"), " from ")
	writeText(b, "", plural(d.Sources, "source", "sources"), "</p>\n  </header>\n  <h2 class=\"vh\">Lead article</h2>\n  <div class=\"lead\">")
	p.writeCard(b, d.Lead)
	b.WriteString("</div>\n\n  <section class=\"balance\" aria-labelledby=\"balance-h\">\n    <h2 id=\"balance-h\">Balance of coverage</h2>")
	if len(d.Bar) > 0 {
		writeBar(b, d.Bar)
	} else {
		b.WriteString("\n    <p>No article of this story carries a voice label.</p>")
	}
	if len(d.Bar) > 0 && d.Unvoiced != 0 {
		writeText(b, "\n    <p class=\"sub\">Percentages count the ", plural(d.Voiced, "article", "articles"), " with a voice label; ")
		rest := " more come from outlets without one.</p>"
		if d.Unvoiced == 1 {
			rest = " more comes from outlets without one.</p>"
		}
		writeInt(b, "", d.Unvoiced, rest)
	}
	if d.Blindspot != "" {
		writeText(b, "\n    <p class=\"blindspot\" role=\"note\"><strong>Blindspot.</strong> ", d.Blindspot, "</p>")
	}
	b.WriteString("\n  </section>\n\n  <div class=\"story-cols\">\n    <section class=\"groups\" aria-labelledby=\"cov-h\">\n      <h2 id=\"cov-h\">Every article, by voice</h2>")
	for _, g := range d.Groups {
		b.WriteString("\n      <section class=\"voice-group\">\n        <h3>")
		if g.Badge != nil {
			writeBadge(b, g.Badge, g.Badge.Full, "")
		} else {
			b.WriteString("Other outlets")
		}
		writeInt(b, " <span class=\"count\">", len(g.Cards), "</span></h3>\n        <ul class=\"items\">")
		for _, c := range g.Cards {
			p.writeListItem(b, c)
		}
		b.WriteString("\n        </ul>\n      </section>")
	}
	b.WriteString("\n    </section>\n    <section class=\"timeline\" aria-labelledby=\"tl-h\">\n      <h2 id=\"tl-h\">Timeline</h2>\n      <ol>")
	for _, e := range d.Timeline {
		b.WriteString("\n        <li><p class=\"meta\">")
		p.writeTimeAs(b, e.Card.Time, "\">", e.Card.Time.In(p.Loc).Format("2 Jan, 15:04"))
		b.WriteString("<span class=\"after\">")
		if e.First {
			b.WriteString("first report")
		} else {
			writeText(b, "+", e.After, "")
		}
		b.WriteString("</span></p>\n          <p>")
		p.writeProvider(b, &e.Card.Provider)
		p.writeHref(b, "</p>\n          <a dir=\"auto\" href=\"", e.Card.Path, "\">")
		writeText(b, "", e.Card.Title, "</a></li>")
	}
	b.WriteString("\n      </ol>\n    </section>\n  </div>\n</article>")
}

// writeBar writes the share of each voice in a story: a bar and its
// legend.
func writeBar(b *bytes.Buffer, bar []barSegment) {
	b.WriteString("\n    <div class=\"voice-bar\" role=\"img\" aria-label=\"Coverage by voice:")
	for _, s := range bar {
		writeText(b, " ", s.Badge.Full, "")
		writeInt(b, " ", s.Count, "")
		writeInt(b, " (", s.Percent, "%);")
	}
	b.WriteString("\">")
	for _, s := range bar {
		writeText(b, "<span style=\"", string(s.Badge.Style), "; width: ")
		writeText(b, "", string(s.Width), "\">")
		writeInt(b, "", s.Percent, "%</span>")
	}
	b.WriteString("\n    </div>\n    <ul class=\"legend\">")
	for _, s := range bar {
		b.WriteString("\n      <li>")
		writeBadge(b, s.Badge, s.Badge.Full, "")
		writeText(b, " ", plural(s.Count, "article", "articles"), "")
		writeInt(b, " · ", s.Percent, "%</li>")
	}
	b.WriteString("\n    </ul>")
}

// writeListItem writes <li>item</li>; the static build renders each item
// once for all the pages that list it.
func (p *page) writeListItem(b *bytes.Buffer, c *card) {
	b.WriteString("<li>")
	if p.items != nil {
		v, ok := p.items.Load(c.rec)
		if !ok {
			v, _ = p.items.LoadOrStore(c.rec, p.fragment("item", c))
		}
		writeJoined(b, v.([]string), p.Base)
	} else {
		p.writeItem(b, c)
	}
	b.WriteString("</li>")
}

// writeJoined writes a fragment for a page whose base is base.
func writeJoined(b *bytes.Buffer, parts []string, base string) {
	for i, s := range parts {
		if i > 0 {
			b.WriteString(`="`)
			b.WriteString(base)
		}
		b.WriteString(s)
	}
}

// writeTopic writes the content of a topic's page; its cards' h3 are
// under a hidden h2, as the story page's.
func (p *page) writeTopic(b *bytes.Buffer) {
	d := p.Data.(*topicData)
	writeText(b, "\n<header class=\"page-head\">\n  <h1>", d.Name, "")
	if d.Badge != nil {
		b.WriteByte(' ')
		writeBadge(b, d.Badge, "voice", "")
	}
	writeText(b, "</h1>\n  <p class=\"sub\">", plural(d.Total, "story", "stories"), ", ranked by coverage and freshness")
	if d.Pages > 1 {
		writeInt(b, " · page ", d.Page, "")
		writeInt(b, " of ", d.Pages, "")
	}
	p.writeHref(b, " · <a href=\"", p.Feeds[0].Href, "\">RSS</a></p>\n</header>")
	if len(d.Cards) > 0 {
		b.WriteString("\n<h2 class=\"vh\">Stories</h2>\n<div class=\"grid\">")
		for _, c := range d.Cards {
			p.writeCardCached(b, c)
		}
		b.WriteString("\n</div>")
	} else {
		b.WriteString("\n<p class=\"empty\">No stories on this topic yet.</p>")
	}
	b.WriteString("\n")
	p.writePager(b, d.PageURL)
}

// writeCardCached writes a card as Card renders it.
func (p *page) writeCardCached(b *bytes.Buffer, c *card) {
	if p.cards != nil {
		v, ok := p.cards.Load(c.rec)
		if !ok {
			v, _ = p.cards.LoadOrStore(c.rec, p.fragment("card", c))
		}
		writeJoined(b, v.([]string), p.Base)
		return
	}
	h, _ := p.Card(c) // never fails
	b.WriteString(string(h))
}

// writePager writes the links to the other pages of a list.
func (p *page) writePager(b *bytes.Buffer, links []pageLink) {
	if len(links) <= 1 {
		return
	}
	// Lists go from the newest to the oldest; search results from the
	// best match to the least.
	prev, next := "\">← Newer</a>", "\">Older →</a>"
	if p.Template == "search" {
		prev, next = "\">← Previous</a>", "\">Next →</a>"
	}
	b.WriteString("\n<nav class=\"pager\" aria-label=\"Pages\">")
	if p.Prev != "" {
		p.writeHref(b, "<a rel=\"prev\" href=\"", p.Prev, prev)
	}
	b.WriteString("\n  <ol>")
	for _, l := range links {
		switch {
		case l.N == 0:
			b.WriteString("<li class=\"gap\" aria-hidden=\"true\">…</li>")
		case l.Current:
			writeInt(b, "<li><span aria-current=\"page\">", l.N, "</span></li>")
		default:
			p.writeHref(b, "<li><a href=\"", l.Path, "\">")
			writeInt(b, "", l.N, "</a></li>")
		}
	}
	b.WriteString("\n  </ol>")
	if p.Next != "" {
		p.writeHref(b, "<a rel=\"next\" href=\"", p.Next, next)
	}
	b.WriteString("\n</nav>")
}

// writeArticle writes the content of an article's page.
func (p *page) writeArticle(b *bytes.Buffer) {
	d := p.Data.(*articleData)
	c := d.Card
	b.WriteString("\n<article class=\"article\">\n  <header class=\"page-head\">\n    <p class=\"meta\">")
	p.writeByline(b, c)
	if c.Voice != nil {
		b.WriteByte(' ')
		writeBadge(b, c.Voice, c.Voice.Full, "")
	}
	writeText(b, "</p>\n    <h1 dir=\"auto\">", c.Title, "</h1>\n  </header>")
	switch {
	case d.Embed != "":
		b.WriteString("\n  <div class=\"hero embed\">")
		b.WriteString(string(d.Embed)) // sanitized HTML
		b.WriteString("</div>")
	case c.Image != nil:
		b.WriteString("\n  <figure class=\"hero\"><img")
		p.writeImageAttrs(b, c.Image)
		b.WriteString("</figure>")
	}
	if d.Excerpt != "" {
		// The excerpt may hold paragraphs, which no <p> may hold.
		b.WriteString("\n  <div class=\"excerpt-full\" dir=\"auto\">")
		b.WriteString(string(d.Excerpt)) // sanitized HTML, its elements closed
		b.WriteString("</div>")
	}
	b.WriteString("\n  <p class=\"actions\">")
	if c.WebURL != "" {
		writeURL(b, "<a class=\"button\" href=\"", c.WebURL, "\" rel=\"noopener\">Read it on ")
		writeText(b, "", c.Provider.Name, "</a>")
	}
	if d.AmpURL != "" {
		writeURL(b, " <a class=\"button ghost\" href=\"", d.AmpURL, "\" rel=\"noopener\">AMP page</a>")
	}
	p.writeCoverageLink(b, c, " <a class=\"button ghost\" href=\"", "\">Full coverage · ", "</a>")
	b.WriteString("\n  </p>")
	if len(d.Others) > 0 {
		b.WriteString("\n  <section aria-labelledby=\"others-h\">\n    <h2 id=\"others-h\">More coverage of this story</h2>\n    <ul class=\"items\">")
		for _, o := range d.Others {
			p.writeListItem(b, o)
		}
		b.WriteString("</ul>\n  </section>")
	}
	if len(d.Related) > 0 {
		b.WriteString("\n  <section aria-labelledby=\"related-h\">\n    <h2 id=\"related-h\">Related coverage</h2>\n    <ul class=\"items related\">")
		for _, r := range d.Related {
			writeText(b, "\n      <li><p class=\"meta\"><span class=\"pub-name\" dir=\"auto\">", r.Provider, "</span>")
			if !r.Time.IsZero() {
				b.WriteString("<span class=\"sep\" aria-hidden=\"true\">·</span>")
				p.writeTime(b, r.Time)
			}
			writeURL(b, "</p>\n        <a class=\"item-title\" dir=\"auto\" href=\"", r.URL, "\" rel=\"noopener\">")
			writeText(b, "", r.Title, "</a>")
			if r.Excerpt != "" {
				writeText(b, "<p class=\"excerpt\" dir=\"auto\">", r.Excerpt, "</p>")
			}
			b.WriteString("</li>")
		}
		b.WriteString("\n    </ul>\n  </section>")
	}
	b.WriteString("\n</article>")
}
