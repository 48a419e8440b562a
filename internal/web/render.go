package web

import (
	"bytes"
	"strconv"
	"strings"
	"time"
)

// The layout, the story and article pages and the cards and items are
// written by Go code rather than html/template: a static build renders
// one page per article, and executing templates (reflection for every
// field and escaper) was most of its time. Each value is escaped as
// html/template escapes it in the same place (TestEscapersMatchTemplate
// checks that), so the pages are what the templates made.

// escHTML writes s escaped for HTML text or a quoted attribute, as
// html/template's htmlEscaper, attrEscaper and rcdataEscaper do for
// strings.
func escHTML(b *bytes.Buffer, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var r string
		switch s[i] {
		case 0:
			r = "\uFFFD"
		case '"':
			r = "&#34;"
		case '&':
			r = "&amp;"
		case '\'':
			r = "&#39;"
		case '+':
			r = "&#43;"
		case '<':
			r = "&lt;"
		case '>':
			r = "&gt;"
		default:
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(r)
		last = i + 1
	}
	b.WriteString(s[last:])
}

// escURL writes s as a part of a URL attribute, as html/template's chain
// urlFilter, urlNormalizer, attrEscaper does.
func escURL(b *bytes.Buffer, s string) {
	if !isSafeURL(s) {
		b.WriteString("#ZgotmplZ")
		return
	}
	const hex = "0123456789abcdef"
	last := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
			continue
		case strings.IndexByte("!#$*,/:;=?@[]-._~", c) >= 0:
			continue
		case c == '&' || c == '+':
			b.WriteString(s[last:i])
			if c == '&' {
				b.WriteString("&amp;")
			} else {
				b.WriteString("&#43;")
			}
			last = i + 1
			continue
		case c == '%' && i+2 < len(s) && isHexDigit(s[i+1]) && isHexDigit(s[i+2]):
			continue
		}
		b.WriteString(s[last:i])
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
		last = i + 1
	}
	b.WriteString(s[last:])
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

func writeInt(b *bytes.Buffer, n int) {
	var a [20]byte
	b.Write(strconv.AppendInt(a[:0], int64(n), 10))
}

// writeLayout writes the page around its content, which content writes.
func (p *page) writeLayout(b *bytes.Buffer, content func(*bytes.Buffer) error) error {
	b.WriteString("<!doctype html>\n<html lang=\"")
	escHTML(b, p.Lang)
	b.WriteString("\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
	escHTML(b, p.Title)
	b.WriteString("</title>\n<meta name=\"description\" content=\"")
	escHTML(b, p.Description)
	b.WriteString("\">\n<meta name=\"color-scheme\" content=\"light dark\">")
	if p.NoIndex {
		b.WriteString("\n<meta name=\"robots\" content=\"noindex\">")
	}
	if p.Canonical != "" {
		b.WriteString("\n<link rel=\"canonical\" href=\"")
		escURL(b, p.Canonical)
		b.WriteString("\">")
	}
	for _, l := range [2][2]string{{"prev", p.Prev}, {"next", p.Next}} {
		if l[1] != "" {
			b.WriteString("\n<link rel=\"" + l[0] + "\" href=\"")
			escURL(b, p.Base)
			escURL(b, l[1])
			b.WriteString("\">")
		}
	}
	b.WriteString("\n")
	h, err := p.HeadLinks()
	if err != nil {
		return err
	}
	b.WriteString(string(h))
	heading := p.Heading
	if heading == "" {
		heading = p.SiteTitle
	}
	b.WriteString("\n<meta property=\"og:title\" content=\"")
	escHTML(b, heading)
	b.WriteString("\">\n<meta property=\"og:description\" content=\"")
	escHTML(b, p.Description)
	b.WriteString("\">\n<meta property=\"og:type\" content=\"")
	escHTML(b, p.OGType)
	b.WriteString("\">")
	if p.Canonical != "" {
		b.WriteString("\n<meta property=\"og:url\" content=\"")
		escHTML(b, p.Canonical)
		b.WriteString("\">")
	}
	if p.OGImage != "" {
		b.WriteString("\n<meta property=\"og:image\" content=\"")
		escHTML(b, p.OGImage)
		b.WriteString("\">\n<meta name=\"twitter:card\" content=\"summary_large_image\">")
	} else {
		b.WriteString("\n<meta name=\"twitter:card\" content=\"summary\">")
	}
	b.WriteString("\n<meta name=\"twitter:title\" content=\"")
	escHTML(b, heading)
	b.WriteString("\">\n<meta name=\"twitter:description\" content=\"")
	escHTML(b, p.Description)
	b.WriteString("\">")
	if p.OGImage != "" {
		b.WriteString("\n<meta name=\"twitter:image\" content=\"")
		escHTML(b, p.OGImage)
		b.WriteString("\">")
	}
	b.WriteString("\n</head>\n<body>\n<a class=\"skip\" href=\"#main\">Skip to content</a>\n")
	if h, err = p.Header(); err != nil {
		return err
	}
	b.WriteString(string(h))
	b.WriteString("\n<main id=\"main\" class=\"wrap\">\n")
	if err := content(b); err != nil {
		return err
	}
	b.WriteString("\n</main>\n")
	if h, err = p.Footer(); err != nil {
		return err
	}
	b.WriteString(string(h))
	b.WriteString("\n</body>\n</html>\n")
	return nil
}

// writeTime writes a time that the browser keeps saying "… ago" of.
func (p *page) writeTime(b *bytes.Buffer, t time.Time) {
	b.WriteString("<time datetime=\"")
	escHTML(b, t.UTC().Format(time.RFC3339))
	b.WriteString("\" title=\"")
	escHTML(b, exact(t, p.Loc))
	b.WriteString("\" data-ago>")
	escHTML(b, ago(p.Now, t))
	b.WriteString("</time>")
}

func writeProvider(b *bytes.Buffer, v *providerView) {
	b.WriteString("<span class=\"pub\">")
	if v.Logo != "" {
		b.WriteString("<img class=\"logo\" src=\"")
		escURL(b, v.Logo)
		b.WriteString("\" alt=\"\" width=\"20\" height=\"20\" loading=\"lazy\" decoding=\"async\">")
	} else {
		b.WriteString("<span class=\"mono\" aria-hidden=\"true\">")
		escHTML(b, v.Initial)
		b.WriteString("</span>")
	}
	b.WriteString("<span class=\"pub-name\">")
	escHTML(b, v.Name)
	b.WriteString("</span></span>")
}

func writeImageAttrs(b *bytes.Buffer, im *imageView) {
	b.WriteString(" src=\"")
	escURL(b, im.URL)
	b.WriteString("\" alt=\"")
	escHTML(b, im.Alt)
	b.WriteString("\" width=\"")
	writeInt(b, im.Width)
	b.WriteString("\" height=\"")
	writeInt(b, im.Height)
	b.WriteString("\" loading=\"lazy\" decoding=\"async\">")
}

// writeCard writes a story card (the template's "card").
func (p *page) writeCard(b *bytes.Buffer, c *card) {
	b.WriteString("\n<article class=\"card")
	if c.Image != nil {
		b.WriteString(" has-image\">\n  <a class=\"thumb\" href=\"")
		escURL(b, p.Base)
		escURL(b, c.Path)
		b.WriteString("\" tabindex=\"-1\" aria-hidden=\"true\"><img")
		writeImageAttrs(b, c.Image)
		b.WriteString("</a>")
	} else {
		b.WriteString("\">")
	}
	b.WriteString("\n  <div class=\"card-body\">\n    <p class=\"meta\">")
	writeProvider(b, &c.Provider)
	b.WriteString("<span class=\"when\"><span class=\"sep\" aria-hidden=\"true\">·</span>")
	p.writeTime(b, c.Time)
	b.WriteString("</span></p>\n    <h3><a href=\"")
	escURL(b, p.Base)
	escURL(b, c.Path)
	b.WriteString("\">")
	escHTML(b, c.Title)
	b.WriteString("</a></h3>")
	if c.Excerpt != "" {
		b.WriteString("\n    <p class=\"excerpt\">")
		escHTML(b, c.Excerpt)
		b.WriteString("</p>")
	}
	b.WriteString("\n    <p class=\"foot\">")
	for _, v := range c.Voices {
		b.WriteString("<span class=\"badge\" style=\"")
		escHTML(b, string(v.Style))
		b.WriteString("\" title=\"")
		escHTML(b, v.Full)
		b.WriteString("\">")
		escHTML(b, v.Name)
		b.WriteString("</span>")
	}
	if c.StoryPath != "" && c.Members > 1 {
		b.WriteString("<a class=\"coverage\" href=\"")
		escURL(b, p.Base)
		escURL(b, c.StoryPath)
		b.WriteString("\">Full coverage<span class=\"count\"> · ")
		escHTML(b, plural(c.Sources, "source", "sources"))
		b.WriteString("</span></a>")
	}
	b.WriteString("</p>\n  </div>\n</article>")
}

// writeItem writes an article as a line of a list (the template's "item").
func (p *page) writeItem(b *bytes.Buffer, c *card) {
	b.WriteString("\n<div class=\"item\">")
	if c.Image != nil {
		b.WriteString("<img class=\"mini\"")
		writeImageAttrs(b, c.Image)
	}
	b.WriteString("\n  <div>\n    <p class=\"meta\">")
	writeProvider(b, &c.Provider)
	b.WriteString("<span class=\"when\"><span class=\"sep\" aria-hidden=\"true\">·</span>")
	p.writeTime(b, c.Time)
	b.WriteString("</span></p>\n    <a class=\"item-title\" href=\"")
	escURL(b, p.Base)
	escURL(b, c.Path)
	b.WriteString("\">")
	escHTML(b, c.Title)
	b.WriteString("</a>\n  </div>\n</div>")
}

// writeBadge writes a voice label with its colours.
func writeBadge(b *bytes.Buffer, v *badge) {
	b.WriteString("<span class=\"badge\" style=\"")
	escHTML(b, string(v.Style))
	b.WriteString("\">")
	escHTML(b, v.Full)
	b.WriteString("</span>")
}

// writeStory writes the content of a story's page.
func (p *page) writeStory(b *bytes.Buffer) {
	d := p.Data.(*storyData)
	b.WriteString("\n<article class=\"story\">\n  <header class=\"page-head\">\n    <p class=\"kicker\">Full coverage</p>\n    <h1>")
	escHTML(b, d.Lead.Title)
	b.WriteString("</h1>\n    <p class=\"sub\">")
	escHTML(b, plural(d.Members, "article", "articles"))
	b.WriteString(" from ")
	escHTML(b, plural(d.Sources, "source", "sources"))
	b.WriteString("</p>\n  </header>\n  <div class=\"lead\">")
	p.writeCard(b, d.Lead)
	b.WriteString("</div>\n\n  <section class=\"balance\" aria-labelledby=\"balance-h\">\n    <h2 id=\"balance-h\">Balance of coverage</h2>")
	if len(d.Bar) > 0 {
		b.WriteString("\n    <div class=\"voice-bar\" role=\"img\" aria-label=\"Coverage by voice:")
		for _, s := range d.Bar {
			b.WriteByte(' ')
			escHTML(b, s.Badge.Full)
			b.WriteByte(' ')
			writeInt(b, s.Count)
			b.WriteString(" (")
			writeInt(b, s.Percent)
			b.WriteString("%);")
		}
		b.WriteString("\">")
		for _, s := range d.Bar {
			b.WriteString("<span style=\"")
			escHTML(b, string(s.Badge.Style))
			b.WriteString("; width: ")
			escHTML(b, string(s.Width))
			b.WriteString("\">")
			writeInt(b, s.Percent)
			b.WriteString("%</span>")
		}
		b.WriteString("\n    </div>\n    <ul class=\"legend\">")
		for _, s := range d.Bar {
			b.WriteString("\n      <li>")
			writeBadge(b, s.Badge)
			b.WriteByte(' ')
			escHTML(b, plural(s.Count, "article", "articles"))
			b.WriteString(" · ")
			writeInt(b, s.Percent)
			b.WriteString("%</li>")
		}
		b.WriteString("\n    </ul>")
	} else {
		b.WriteString("\n    <p>No article of this story carries a voice label.</p>")
	}
	if len(d.Bar) > 0 && d.Unvoiced != 0 {
		b.WriteString("\n    <p class=\"sub\">Percentages count the ")
		escHTML(b, plural(d.Voiced, "article", "articles"))
		b.WriteString(" with a voice label; ")
		writeInt(b, d.Unvoiced)
		if d.Unvoiced == 1 {
			b.WriteString(" more comes from outlets without one.</p>")
		} else {
			b.WriteString(" more come from outlets without one.</p>")
		}
	}
	if d.Blindspot != "" {
		b.WriteString("\n    <p class=\"blindspot\" role=\"note\"><strong>Blindspot.</strong> ")
		escHTML(b, d.Blindspot)
		b.WriteString("</p>")
	}
	b.WriteString("\n  </section>\n\n  <div class=\"story-cols\">\n    <section class=\"groups\" aria-labelledby=\"cov-h\">\n      <h2 id=\"cov-h\">Every article, by voice</h2>")
	for _, g := range d.Groups {
		b.WriteString("\n      <section class=\"voice-group\">\n        <h3>")
		if g.Badge != nil {
			writeBadge(b, g.Badge)
		} else {
			b.WriteString("Other outlets")
		}
		b.WriteString(" <span class=\"count\">")
		writeInt(b, len(g.Cards))
		b.WriteString("</span></h3>\n        <ul class=\"items\">")
		for _, c := range g.Cards {
			p.writeListItem(b, c)
		}
		b.WriteString("\n        </ul>\n      </section>")
	}
	b.WriteString("\n    </section>\n    <section class=\"timeline\" aria-labelledby=\"tl-h\">\n      <h2 id=\"tl-h\">Timeline</h2>\n      <ol>")
	for _, e := range d.Timeline {
		b.WriteString("\n        <li><p class=\"meta\"><time datetime=\"")
		escHTML(b, e.Card.Time.UTC().Format(time.RFC3339))
		b.WriteString("\" title=\"")
		escHTML(b, exact(e.Card.Time, p.Loc))
		b.WriteString("\">")
		escHTML(b, e.Card.Time.In(p.Loc).Format("2 Jan, 15:04"))
		b.WriteString("</time><span class=\"after\">")
		if e.First {
			b.WriteString("first report")
		} else {
			b.WriteByte('+')
			escHTML(b, e.After)
		}
		b.WriteString("</span></p>\n          <p>")
		writeProvider(b, &e.Card.Provider)
		b.WriteString("</p>\n          <a href=\"")
		escURL(b, p.Base)
		escURL(b, e.Card.Path)
		b.WriteString("\">")
		escHTML(b, e.Card.Title)
		b.WriteString("</a></li>")
	}
	b.WriteString("\n      </ol>\n    </section>\n  </div>\n</article>")
}

// writeListItem writes <li>item</li>; the static build renders each item
// once for all the pages of its story.
func (p *page) writeListItem(b *bytes.Buffer, c *card) {
	b.WriteString("<li>")
	if p.items != nil {
		parts, ok := p.items[c.rec]
		if !ok {
			parts = p.fragment("item", c)
			p.items[c.rec] = parts
		}
		writeJoined(b, parts, p.Base)
	} else {
		p.writeItem(b, c)
	}
	b.WriteString("</li>")
}

// writeJoined writes a fragment for a page whose base is base.
func writeJoined(b *bytes.Buffer, parts []string, base string) {
	for i, s := range parts {
		if i > 0 {
			b.WriteString(`href="`)
			b.WriteString(base)
		}
		b.WriteString(s)
	}
}

// writeTopic writes the content of a topic's page.
func (p *page) writeTopic(b *bytes.Buffer) {
	d := p.Data.(*topicData)
	b.WriteString("\n<header class=\"page-head\">\n  <h1>")
	escHTML(b, d.Name)
	if d.Badge != nil {
		b.WriteString(" <span class=\"badge\" style=\"")
		escHTML(b, string(d.Badge.Style))
		b.WriteString("\">voice</span>")
	}
	b.WriteString("</h1>\n  <p class=\"sub\">")
	escHTML(b, plural(d.Total, "story", "stories"))
	b.WriteString(", ranked by coverage and freshness")
	if d.Pages > 1 {
		b.WriteString(" · page ")
		writeInt(b, d.Page)
		b.WriteString(" of ")
		writeInt(b, d.Pages)
	}
	b.WriteString(" · <a href=\"")
	escURL(b, p.Base)
	escURL(b, p.Feeds[0].Href)
	b.WriteString("\">RSS</a></p>\n</header>")
	if len(d.Cards) > 0 {
		b.WriteString("\n<div class=\"grid\">")
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

// writePager writes the links to the other pages of a list (the
// template's "pager").
func (p *page) writePager(b *bytes.Buffer, links []pageLink) {
	if len(links) <= 1 {
		return
	}
	b.WriteString("\n<nav class=\"pager\" aria-label=\"Pages\">")
	if p.Prev != "" {
		b.WriteString("<a rel=\"prev\" href=\"")
		escURL(b, p.Base)
		escURL(b, p.Prev)
		b.WriteString("\">← Newer</a>")
	}
	b.WriteString("\n  <ol>")
	for _, l := range links {
		switch {
		case l.N == 0:
			b.WriteString("<li class=\"gap\" aria-hidden=\"true\">…</li>")
		case l.Current:
			b.WriteString("<li><span aria-current=\"page\">")
			writeInt(b, l.N)
			b.WriteString("</span></li>")
		default:
			b.WriteString("<li><a href=\"")
			escURL(b, p.Base)
			escURL(b, l.Path)
			b.WriteString("\">")
			writeInt(b, l.N)
			b.WriteString("</a></li>")
		}
	}
	b.WriteString("\n  </ol>")
	if p.Next != "" {
		b.WriteString("<a rel=\"next\" href=\"")
		escURL(b, p.Base)
		escURL(b, p.Next)
		b.WriteString("\">Older →</a>")
	}
	b.WriteString("\n</nav>")
}

// writeArticle writes the content of an article's page.
func (p *page) writeArticle(b *bytes.Buffer) {
	d := p.Data.(*articleData)
	c := d.Card
	b.WriteString("\n<article class=\"article\">\n  <header class=\"page-head\">\n    <p class=\"meta\">")
	writeProvider(b, &c.Provider)
	b.WriteString("<span class=\"when\"><span class=\"sep\" aria-hidden=\"true\">·</span>")
	p.writeTime(b, c.Time)
	b.WriteString("</span>")
	if c.Voice != nil {
		b.WriteByte(' ')
		writeBadge(b, c.Voice)
	}
	b.WriteString("</p>\n    <h1>")
	escHTML(b, c.Title)
	b.WriteString("</h1>\n  </header>")
	if c.Image != nil {
		b.WriteString("\n  <figure class=\"hero\"><img")
		writeImageAttrs(b, c.Image)
		b.WriteString("</figure>")
	}
	if d.Excerpt != "" {
		b.WriteString("\n  <div class=\"excerpt-full\"><p>")
		b.WriteString(string(d.Excerpt)) // sanitized HTML
		b.WriteString("</p></div>")
	}
	b.WriteString("\n  <p class=\"actions\">")
	if c.WebURL != "" {
		b.WriteString("<a class=\"button\" href=\"")
		escURL(b, c.WebURL)
		b.WriteString("\" rel=\"noopener\">Read it on ")
		escHTML(b, c.Provider.Name)
		b.WriteString("</a>")
	}
	if d.AmpURL != "" {
		b.WriteString(" <a class=\"button ghost\" href=\"")
		escURL(b, d.AmpURL)
		b.WriteString("\" rel=\"noopener\">AMP page</a>")
	}
	if c.StoryPath != "" && c.Members > 1 {
		b.WriteString(" <a class=\"button ghost\" href=\"")
		escURL(b, p.Base)
		escURL(b, c.StoryPath)
		b.WriteString("\">Full coverage · ")
		escHTML(b, plural(c.Sources, "source", "sources"))
		b.WriteString("</a>")
	}
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
			b.WriteString("\n      <li><p class=\"meta\"><span class=\"pub-name\">")
			escHTML(b, r.Provider)
			b.WriteString("</span>")
			if !r.Time.IsZero() {
				b.WriteString("<span class=\"sep\" aria-hidden=\"true\">·</span>")
				p.writeTime(b, r.Time)
			}
			b.WriteString("</p>\n        <a class=\"item-title\" href=\"")
			escURL(b, r.URL)
			b.WriteString("\" rel=\"noopener\">")
			escHTML(b, r.Title)
			b.WriteString("</a>")
			if r.Excerpt != "" {
				b.WriteString("<p class=\"excerpt\">")
				escHTML(b, r.Excerpt)
				b.WriteString("</p>")
			}
			b.WriteString("</li>")
		}
		b.WriteString("\n    </ul>\n  </section>")
	}
	b.WriteString("\n</article>")
}
