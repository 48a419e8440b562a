// Package pagemeta reads what an article page says about itself: Open
// Graph (og:title, og:description, og:url, og:image with its width and height),
// link rel=canonical and rel=amphtml, and the JSON-LD NewsArticle
// (datePublished, publisher). It reads, it never runs anything.
package pagemeta

import (
	"bytes"
	"cmp"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"

	"newshub/internal/ingest/parser"
	"newshub/internal/model"
)

// Meta is the metadata of one page. URLs are absolute.
type Meta struct {
	Title       string
	Description string
	SiteName    string
	Type        string // og:type
	Image       model.Image
	Canonical   string
	URL         string // og:url, which the page's sharing cards name it by
	AMP         string
	Published   time.Time // JSON-LD datePublished, else article:published_time
	Modified    time.Time
	Publisher   string // JSON-LD publisher name
	Headline    string // JSON-LD headline
	// NotFound says the page calls itself an error page ("Page not found
	// – Site"), as sites answer for a removed article with 200 OK: what
	// it says is not the article's.
	NotFound bool
	// Refresh is the address a <meta http-equiv="refresh"> sends the
	// reader on to within a few seconds, as link shorteners' and
	// redirecting pages do: what such a page says is its own.
	Refresh string
	// Cut names the texts of the page longer than the record's field
	// they become holds ("og:title", "description"...), each cut to it as
	// it is read (see fit).
	Cut []string
}

// maxJSONLD bounds one JSON-LD block; larger ones are skipped.
const maxJSONLD = 1 << 20

// maxPageJSONLD bounds the JSON-LD of all of a page's blocks, skipped
// ones too: the blocks past it are skipped. A page has a few blocks, of
// kilobytes; one of 16 MB made of 160,000 blocks took 180 MB to read,
// decoded all at once.
const maxPageJSONLD = 2 << 20

// Parse reads the metadata of an HTML page fetched from pageURL (its final
// URL) with the given Content-Type. Malformed HTML gives what could be read.
func Parse(body []byte, contentType, pageURL string) Meta {
	base, _ := url.Parse(pageURL)
	body = decodePage(body, contentType)
	var m Meta
	var og openGraph
	var ld []jsonLD
	ldLeft := maxPageJSONLD
	z := html.NewTokenizer(bytes.NewReader(body))
	inScript := false
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			m.finish(base, &og, ld)
			return m
		case html.StartTagToken, html.SelfClosingTagToken:
			switch tagAtom(z.Raw()) {
			case atom.Meta:
				a := attrs(z)
				key := a.property
				if key == "" {
					key = a.name
				}
				v := strings.TrimSpace(a.content)
				if strings.EqualFold(a.httpEquiv, "refresh") && og.refresh == "" {
					og.refresh = refreshTarget(v)
				}
				switch strings.ToLower(key) {
				case "og:title":
					m.Title = m.fit(key, v, model.MaxTitle)
				case "og:description":
					m.Description = m.fit(key, v, model.MaxExcerpt)
				case "twitter:title":
					if og.twitterTitle == "" {
						og.twitterTitle = m.fit(key, v, model.MaxTitle)
					}
				case "twitter:description":
					if og.twitterDescription == "" {
						og.twitterDescription = m.fit(key, v, model.MaxExcerpt)
					}
				case "description":
					if m.Description == "" {
						m.Description = m.fit(key, v, model.MaxExcerpt)
					}
				case "og:url":
					if og.url == "" {
						og.url = v
					}
				case "og:site_name":
					m.SiteName = m.fit(key, v, model.MaxTitle)
				case "og:type":
					m.Type = v
				case "og:image", "og:image:url":
					if og.image == "" {
						og.image = v
					}
				case "og:image:secure_url":
					if og.secureImage == "" {
						og.secureImage = v
					}
				case "og:image:width":
					if og.width == 0 {
						og.width = pixels(v)
					}
				case "og:image:height":
					if og.height == 0 {
						og.height = pixels(v)
					}
				case "twitter:image", "twitter:image:src":
					og.twitterImage = cmp.Or(og.twitterImage, v)
				case "article:published_time":
					og.published = v
				default:
					og.otherDate(key, a.itemprop, v)
				}
			case atom.Link:
				a := attrs(z)
				for _, rel := range strings.Fields(strings.ToLower(a.rel)) {
					switch rel {
					case "canonical":
						if m.Canonical == "" {
							m.Canonical = a.href
						}
					case "amphtml":
						if m.AMP == "" {
							m.AMP = a.href
						}
					}
				}
			case atom.Time, atom.Abbr:
				// Microdata's date on the element that shows it, as
				// <time datetime> or, in Blogger's templates, <abbr title>.
				if a := attrs(z); strings.EqualFold(a.itemprop, "datePublished") && og.microdata == "" {
					og.microdata = strings.TrimSpace(cmp.Or(a.datetime, a.title, a.content))
				}
			case atom.Base:
				// The first <base href> is what relative addresses are
				// relative to, as a browser reads them.
				if !og.based {
					if href := strings.TrimSpace(attrs(z).href); href != "" {
						og.based, base = true, parser.BaseHref(base, href)
					}
				}
			case atom.Noscript:
				// Read as a browser without scripts reads it: markup, not
				// text. Link shorteners put their refresh there (t.co).
				z.NextIsNotRawText()
			case atom.Svg:
				if tt == html.StartTagToken {
					og.svg++
				}
			case atom.Title:
				// The document's, not an SVG icon's ("Close", "Share").
				if og.docTitle == "" && og.svg == 0 && z.Next() == html.TextToken {
					og.docTitle = m.fit("title", strings.TrimSpace(string(z.Text())), model.MaxTitle)
				}
			case atom.Script:
				if tt == html.StartTagToken && isJSONLD(attrs(z).typ) {
					inScript = true
				}
			}
		case html.TextToken:
			if inScript {
				inScript = false
				raw := z.Raw()
				if ldLeft -= len(raw); len(raw) <= maxJSONLD && ldLeft >= 0 {
					ld = append(ld, decodeJSONLD(raw)...)
				}
			}
		case html.EndTagToken:
			inScript = false
			if og.svg > 0 && tagAtom(z.Raw()) == atom.Svg {
				og.svg--
			}
		}
	}
}

// tagAtom returns the element of a start or end tag as the tokenizer read
// it (raw), without the copy Tokenizer.TagName makes of every name: a news
// site's page is thousands of elements, of which Parse reads a few.
func tagAtom(raw []byte) atom.Atom {
	name := bytes.TrimPrefix(bytes.TrimPrefix(raw, []byte("<")), []byte("/"))
	if i := bytes.IndexAny(name, " \t\n\f\r/>"); i >= 0 {
		name = name[:i]
	}
	var lower [16]byte // longer than any element Parse reads
	if len(name) > len(lower) {
		return 0
	}
	for i, c := range name {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower[i] = c
	}
	return atom.Lookup(lower[:len(name)])
}

// openGraph is what Parse gathers for finish besides Meta's own fields:
// Open Graph's picture, the dates of the page's meta tags and microdata,
// the titles to fall back on, and the state of the reading.
type openGraph struct {
	image, secureImage string
	width, height      int
	published          string // article:published_time
	microdata          string // itemprop=datePublished
	named              string // the first of pubDateNames
	// Twitter's card, for pages that give no Open Graph, and the
	// document's <title>.
	twitterTitle, twitterDescription, twitterImage, docTitle string
	svg                                                      int    // depth in <svg> elements
	based                                                    bool   // a <base href> was read
	refresh                                                  string // a <meta http-equiv="refresh">'s address
	url                                                      string // og:url
}

// pubDateNames are the other meta tags that name a page's date of
// publication, as newspaper3k reads them: schema.org's rNews, Open Graph's
// variant, and those of news CMSs, Sailthru, Parse.ly and Dublin Core.
var pubDateNames = map[string]bool{
	"og:published_time": true, "rnews:datepublished": true, "originalpublicationdate": true,
	"article_date_original": true, "publication_date": true, "publishdate": true, "pubdate": true,
	"sailthru.date": true, "parsely-pub-date": true, "dc.date.issued": true, "dcterms.issued": true,
}

// otherDate keeps the date of a meta tag named by key or itemprop, when it
// is one of a page's dates of publication.
func (og *openGraph) otherDate(key, itemprop, v string) {
	switch {
	case v == "":
	case strings.EqualFold(itemprop, "datePublished"):
		if og.microdata == "" {
			og.microdata = v
		}
	case pubDateNames[strings.ToLower(key)]:
		if og.named == "" {
			og.named = v
		}
	}
}

// decodePage returns a page's body as UTF-8, decoded from the encoding its
// Content-Type or, without one, its <meta charset> names (see keepUTF8).
// A page that is UTF-8 but for a few stray bytes (a footer left from an
// older template) is UTF-8 whatever it is labelled, as the feed parser
// reads feeds. A page that is not UTF-8 though its server says so (more of
// its bytes beyond ASCII are not UTF-8 than are) is read in the encoding
// the page itself names, else as Windows-1252, as servers label every
// page UTF-8 (Apache's AddDefaultCharset, nginx's charset) whatever an old
// page's own <meta charset> says.
func decodePage(body []byte, contentType string) []byte {
	head := body[:min(len(body), 1024)]
	enc, name, _ := charset.DetermineEncoding(head, contentType)
	if !strings.HasPrefix(name, "utf-16") && !utf8.Valid(body) {
		if mended, ok := parser.MendUTF8(body); ok {
			return mended
		}
		if name == "utf-8" {
			enc, name, _ = charset.DetermineEncoding(head, "")
		}
	}
	if name == "utf-8" || enc == nil || keepUTF8(body, name) {
		return body
	}
	if decoded, err := enc.NewDecoder().Bytes(body); err == nil {
		return decoded
	}
	return body
}

// isJSONLD reports whether a script's type is JSON-LD's, parameters
// aside ("application/ld+json; charset=utf-8", as some CMSs write it).
func isJSONLD(typ string) bool {
	typ, _, _ = strings.Cut(typ, ";")
	return strings.EqualFold(strings.TrimSpace(typ), "application/ld+json")
}

// keepUTF8 reports whether a page declared in the named encoding is read
// as UTF-8 all the same, as the feed parser reads feeds (see
// parser.ToUTF8): it is valid UTF-8, which text in a legacy encoding with
// any letter beyond ASCII almost never is, and servers label pages
// ISO-8859-1 by default (Apache's AddDefaultCharset) whatever the page's
// own <meta charset> says. UTF-16 declared is UTF-16: ASCII in it is valid
// UTF-8.
func keepUTF8(body []byte, name string) bool {
	return !strings.HasPrefix(name, "utf-16") && utf8.Valid(body)
}

// tagAttrs are the attributes of a tag that Parse reads; the last of a
// repeated one wins.
type tagAttrs struct {
	property, name, content, rel, href, typ, itemprop, datetime, title, httpEquiv string
}

// attrs reads the current tag's attributes, copying only those Parse
// reads (the tokenizer gives names in lower case).
func attrs(z *html.Tokenizer) tagAttrs {
	var a tagAttrs
	for {
		k, v, more := z.TagAttr()
		switch string(k) {
		case "property":
			a.property = string(v)
		case "name":
			a.name = string(v)
		case "content":
			a.content = string(v)
		case "rel":
			a.rel = string(v)
		case "href":
			a.href = string(v)
		case "type":
			a.typ = string(v)
		case "itemprop":
			a.itemprop = string(v)
		case "http-equiv":
			a.httpEquiv = string(v)
		case "datetime":
			a.datetime = string(v)
		case "title":
			a.title = string(v)
		}
		if !more {
			return a
		}
	}
}

// finish resolves URLs and merges JSON-LD, which wins for dates and the
// publisher because it is the most precise.
func (m *Meta) finish(base *url.URL, og *openGraph, ld []jsonLD) {
	if image := cmp.Or(og.secureImage, og.image); image != "" {
		m.Image = model.Image{URL: resolve(base, image), Width: max(og.width, 0), Height: max(og.height, 0)}
	} else if og.twitterImage != "" {
		// Open Graph's size is not the card's picture's.
		m.Image = model.Image{URL: resolve(base, og.twitterImage)}
	}
	if parser.NotPicture(m.Image.URL, m.Image.Width, m.Image.Height) {
		// A page with no picture of its own gives a counter or a
		// spacer ("blank.gif", 1 by 1) or its icon in its place.
		m.Image = model.Image{}
	}
	m.Canonical = resolve(base, m.Canonical)
	m.URL = resolve(base, og.url)
	m.AMP = resolve(base, m.AMP)
	m.Refresh = resolve(base, og.refresh)
	if a := pickArticle(ld); a != nil {
		ids := byID(ld)
		m.Published = parseTime(string(a.DatePublished))
		m.Modified = parseTime(string(a.DateModified))
		var org *jsonLD
		m.Publisher, org = a.publisher(ids)
		m.Publisher = m.fit("publisher", m.Publisher, model.MaxTitle)
		m.Headline = m.fit("headline", text(string(a.Headline)), model.MaxTitle)
		var logoURLs []string // read once, on first need
		logo := func(u string) bool {
			if u == "" {
				return false
			}
			if logoURLs == nil {
				logoURLs = append(logos(ld, org, ids), "")
			}
			return slices.ContainsFunc(logoURLs, func(l string) bool { return l != "" && resolve(base, l) == u })
		}
		if logo(m.Image.URL) {
			m.Image = model.Image{}
		}
		if m.Image.URL == "" {
			if im := a.image(ids); im.URL != "" && !logo(resolve(base, im.URL)) {
				im.URL = resolve(base, im.URL)
				if !parser.NotPicture(im.URL, im.Width, im.Height) {
					m.Image = im
				}
			}
		}
	}
	// Titles carry the site's name as SEO plugins write them (Yoast's
	// og:title is its "%%title%% %%sep%% %%sitename%%"), the <title>
	// most of all.
	m.Title = siteless(cmp.Or(m.Title, og.twitterTitle, og.docTitle), m.Headline, m.SiteName, m.Publisher)
	if strings.EqualFold(m.Title, m.SiteName) || strings.EqualFold(m.Title, m.Publisher) {
		// The site's name alone, as themes title an untitled post's
		// page, names no article.
		m.Title = ""
	}
	m.Description = cmp.Or(m.Description, og.twitterDescription)
	m.NotFound = m.Type != "article" && m.Headline == "" && notFoundTitle(m.Title)
	for _, d := range []string{og.published, og.microdata, og.named} {
		if !m.Published.IsZero() {
			break
		}
		m.Published = parseTime(d)
	}
}

// fit returns v, a text of the page named name, cut to max characters
// (model.Clip), the limit of the record's field it becomes, and notes name
// in m.Cut when it was cut: a page's title of megabytes is not kept whole
// in its candidate, waiting for the record's limits to cut it.
func (m *Meta) fit(name, v string, max int) string {
	if !model.OverLimit(v, max) {
		return v
	}
	if name = strings.ToLower(name); !slices.Contains(m.Cut, name) {
		m.Cut = append(m.Cut, name)
	}
	return model.Clip(v, max)
}

// refreshTarget returns the address of a refresh's content ("0;
// URL='https://…'") when it sends the reader on within a few seconds; ""
// for a page that reloads itself ("300").
func refreshTarget(content string) string {
	delay, target, ok := strings.Cut(content, ";")
	if !ok {
		delay, target, ok = strings.Cut(content, ",")
	}
	if secs, err := strconv.ParseFloat(strings.TrimSpace(delay), 64); !ok || err != nil || secs > 5 {
		return ""
	}
	target = strings.TrimSpace(target)
	if len(target) > 4 && strings.EqualFold(target[:4], "url=") {
		target = strings.TrimSpace(target[4:])
	}
	return strings.Trim(target, `'"`)
}

// titleSeparators join a headline and its site's name in a <title>, as
// themes write them ("Headline | Site", "Site - Headline", "Headline » Site").
var titleSeparators = []string{" | ", " - ", " – ", " — ", " · ", " » ", " :: "}

// siteless is a title without its site's name: the headline it begins
// with, else the title with one of names cut from its end or its start.
func siteless(title, headline string, names ...string) string {
	for _, sep := range titleSeparators {
		if headline != "" && len(title) > len(headline)+len(sep) && foldPrefix(title, headline, sep) {
			return headline
		}
		for _, name := range names {
			if name == "" || len(title) <= len(sep)+len(name) {
				continue
			}
			if end := len(title) - len(sep) - len(name); foldPrefix(title[end:], sep, name) {
				return strings.TrimSpace(title[:end])
			}
			if foldPrefix(title, name, sep) {
				return strings.TrimSpace(title[len(name)+len(sep):])
			}
		}
	}
	return title
}

// foldPrefix reports whether s begins with a then b, case folded, without
// building a+b: siteless tries every separator with every name.
func foldPrefix(s, a, b string) bool {
	return len(s) >= len(a)+len(b) && strings.EqualFold(s[:len(a)], a) && strings.EqualFold(s[len(a):len(a)+len(b)], b)
}

// notFoundTitles begin the titles of error pages as CMS themes write them
// (WordPress's "Page not found – Site", Drupal's "Page not found | Site",
// a server's "404 Not Found"), and as translated themes write them,
// longest first where one begins another.
var notFoundTitles = []string{
	"404 page not found", "error 404", "page not found", "404 not found", "not found", "404",
	"seite nicht gefunden", "page non trouvée", "page introuvable", "página no encontrada", "página não encontrada",
	"pagina non trovata", "pagina niet gevonden", "страница не найдена", "nie znaleziono strony",
}

// notFoundTitle reports whether a title is an error page's: one of
// notFoundTitles alone or before a separator ("404 - Page not found"),
// not a headline that begins with one ("404 errors rise").
func notFoundTitle(title string) bool {
	t := strings.ToLower(title)
	for _, p := range notFoundTitles {
		if rest, ok := strings.CutPrefix(t, p); ok {
			rest = strings.TrimSpace(rest)
			return rest == "" || strings.ContainsRune("|-–—·»", []rune(rest)[0])
		}
	}
	return false
}

func resolve(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return ""
	}
	return u.String()
}

// parseTime reads a date as the feed parser does: pages' templates bend
// ISO 8601 as feeds' do ("2024-11-05 10:00:00", an offset without its
// colon, a date written out); zero when it does not read.
func parseTime(s string) time.Time {
	if strings.TrimSpace(s) == "" {
		return time.Time{}
	}
	t, err := parser.ParseDate(s)
	if err != nil {
		return time.Time{}
	}
	return t
}
