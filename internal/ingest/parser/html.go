package parser

import (
	"bytes"
	"cmp"
	"fmt"
	"net/url"
	"path"
	"strings"

	"golang.org/x/net/html"
)

// firstImg returns the address (see imgSource), width and height of the
// first picture in an HTML fragment, or "": an <img> that is not a
// counter (see NotPicture).
func firstImg(fragment string) (string, int, int) {
	if !strings.Contains(fragment, "<img") && !strings.Contains(fragment, "<IMG") {
		return "", 0, 0
	}
	z := html.NewTokenizer(strings.NewReader(fragment))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return "", 0, 0
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			if string(name) != "img" || !hasAttr {
				continue
			}
			attrs := htmlAttrs(z)
			src, w, h := imgSource(attrs), atoi(attrs["width"]), atoi(attrs["height"])
			if src != "" && !NotPicture(src, w, h) {
				return src, w, h
			}
		}
	}
}

// lazyAttrs are where the lazy-loading scripts of blog software keep an
// image's address while src holds a placeholder (or nothing): lazysizes'
// and most WordPress plugins' data-src, WP Rocket's data-lazy-src,
// jQuery Lazy Load's data-original.
var lazyAttrs = []string{"data-src", "data-lazy-src", "data-original"}

// imgSource returns the address of the picture an <img> shows, given its
// attributes: its src, else, when src is a placeholder written inline
// ("data:…") or missing, the address a lazy-loading script would put
// there (lazyAttrs), else the largest candidate of its srcset; "" when
// it names none.
func imgSource(attrs map[string]string) string {
	if src := attrs["src"]; src != "" && !isDataURL(src) {
		return src
	}
	for _, a := range lazyAttrs {
		if v := attrs[a]; v != "" && !isDataURL(v) {
			return v
		}
	}
	return largestCandidate(cmp.Or(attrs["srcset"], attrs["data-srcset"]))
}

func isDataURL(s string) bool {
	return len(s) >= 5 && strings.EqualFold(s[:5], "data:")
}

// largestCandidate returns the address of the widest candidate of a
// srcset ("a-300.jpg 300w, a-1024.jpg 1024w"), or its first when none
// states a width ("a.jpg, a@2x.jpg 2x"): a density says nothing of which
// file is the picture at its full size. A candidate's address ends at
// white space, as HTML reads it, so one holding commas (an image CDN's
// "w_300,h_200") is read whole.
func largestCandidate(srcset string) string {
	var best string
	bestW := -1
	for rest := srcset; ; {
		rest = strings.TrimLeft(rest, " \t\r\n,")
		if rest == "" {
			return best
		}
		end := strings.IndexAny(rest, " \t\r\n")
		if end < 0 {
			end = len(rest)
		}
		u, desc := rest[:end], ""
		rest = rest[end:]
		if strings.HasSuffix(u, ",") { // no descriptor
			u = strings.TrimRight(u, ",")
		} else {
			desc, rest, _ = strings.Cut(rest, ",")
		}
		w := 0
		if d := strings.Fields(desc); len(d) > 0 && strings.HasSuffix(d[0], "w") {
			w = atoi(strings.TrimSuffix(d[0], "w"))
		}
		if w > bestW && !isDataURL(u) {
			best, bestW = u, w
		}
	}
}

// NotPicture reports whether an image (an <img>, a feed's picture, a
// page's og:image) counts readers, or sells or shows something other
// than the item, rather than shows the item: a pixel of
// one by one (FeedBurner's "/~r/…/~4/…", Medium's "_/stat", WordPress's
// "b.gif"), one of the share buttons FeedBurner appends to every item
// ("/~ff/…", its FeedFlare), an icon stated smaller than any picture (see
// tooSmall), or, whatever size it says or does not say, a counter, an advertisement or an author's portrait (see notPictureURL).
func NotPicture(src string, w, h int) bool {
	if w == 1 || h == 1 || tooSmall(w, h) {
		return true
	}
	u, err := url.Parse(src)
	if err != nil {
		return false
	}
	return strings.HasPrefix(u.Path, "/~ff/") || strings.Contains(u.Path, "/~r/") && strings.Contains(u.Path, "/~4/") ||
		notPictureURL(u)
}

// minPictureSide is the side under which an image that states its size
// is an icon, not a picture of the item: the author's portrait beside a
// byline (WordPress shows 24 to 48 pixels), an emoji. The smallest
// thumbnails feeds give as pictures are larger: WordPress's are 150
// pixels, YouTube's smallest 120 by 90.
const minPictureSide = 50

// tooSmall reports whether an image states a size, and every side it
// states is under minPictureSide: a banner 40 pixels high but 600 wide is
// a picture, and an image that states no size is not judged by it.
func tooSmall(w, h int) bool {
	return (w > 0 || h > 0) && w < minPictureSide && h < minPictureSide
}

// counterNames are the file names that, by convention, name an image of
// one transparent pixel: a counter, or a spacer of a page's layout.
var counterNames = map[string]bool{"pixel.gif": true, "1x1.gif": true, "spacer.gif": true, "blank.gif": true,
	"transparent.gif": true, "clear.gif": true}

// notPictureURL reports whether an image's address alone says it is no
// picture of the item, for counters that state no size. Each rule names a
// service or a convention that serves nothing else, so no real picture
// is dropped: WordPress.com's and Jetpack's statistics (pixel.wp.com),
// Matomo's (Piwik's) tracker ("matomo.php", "piwik.php", or any script
// given its "idsite" and "rec" parameters, as its proxies are), an image
// named as a pixel is ("pixel.gif"), FeedBurner's advertisements
// (feedads.g.doubleclick.net), and a Gravatar, the portrait WordPress.com
// gives every item of its author.
func notPictureURL(u *url.URL) bool {
	host := strings.ToLower(u.Hostname())
	file := strings.ToLower(path.Base(u.Path))
	switch {
	case host == "pixel.wp.com", host == "feedads.g.doubleclick.net":
		return true
	case host == "gravatar.com" || strings.HasSuffix(host, ".gravatar.com"):
		return strings.HasPrefix(u.Path, "/avatar/")
	case file == "matomo.php", file == "piwik.php":
		return true
	case strings.HasSuffix(file, ".php"):
		q := u.Query()
		return q.Has("idsite") && q.Has("rec")
	}
	return counterNames[file]
}

// feedTypes are the media types a page's <link rel="alternate"> names a
// feed by, RSS 1.0's RDF and JSON Feed's included. Not plain JSON:
// WordPress names every page's record in its REST API so.
var feedTypes = map[string]bool{"application/rss+xml": true, "application/atom+xml": true, "application/rdf+xml": true,
	"application/feed+json": true}

// pageNotFeed describes an HTML page served where a feed was asked for
// (a site's home page, the feed moved and its old address sent to the
// home page), by its title and the feeds it names, the first of which
// is most often the one to list; "" for a document that is no HTML page.
func pageNotFeed(body []byte, base *url.URL) string {
	title, feeds, isPage := pageHead(body, base)
	if !isPage {
		return ""
	}
	what := "an HTML page"
	if title != "" {
		what += fmt.Sprintf(" (%q)", title)
	}
	switch len(feeds) {
	case 0:
		return what + " that names no feed"
	case 1:
		return fmt.Sprintf("%s, whose feed is %s: list the source under that address", what, feeds[0])
	}
	return fmt.Sprintf("%s, whose feed is %s (of %d it names): list the source under that address", what, feeds[0], len(feeds))
}

// pageHead reads an HTML page: its title and the absolute addresses of
// the feeds it names (but for the page's own), in its head or, as some
// CMSs write them, its body, resolved against its first <base href> as a
// browser resolves them. isPage is false when the document has none of an
// HTML page's elements.
func pageHead(body []byte, base *url.URL) (title string, feeds []string, isPage bool) {
	z := html.NewTokenizer(bytes.NewReader(body))
	if base == nil {
		base = &url.URL{}
	}
	self := base.String()
	var hrefs []string
	inBody, based := false, false
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			// The first <base href> counts for every link, those before it
			// too. A set, not a search of feeds, keeps a page of 100,000
			// links linear.
			seen := map[string]bool{self: true, "": true}
			for _, h := range hrefs {
				if u := resolve(base, h); !seen[u] {
					seen[u] = true
					feeds = append(feeds, u)
				}
			}
			return title, feeds, isPage
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			switch string(name) {
			case "html", "head", "meta":
				isPage = true
			case "body":
				isPage, inBody = true, true
			case "title":
				// The document's, not an SVG icon's in the body.
				isPage = true
				if !inBody && z.Next() == html.TextToken && title == "" {
					title = NormalizeSpace(string(z.Text()))
				}
			case "base":
				if !hasAttr || based {
					continue
				}
				if href := htmlAttrs(z)["href"]; href != "" {
					based, base = true, BaseHref(base, href)
				}
			case "link":
				if !hasAttr {
					continue
				}
				attrs := htmlAttrs(z)
				rel := " " + strings.ToLower(attrs["rel"]) + " "
				mt, _, _ := strings.Cut(strings.ToLower(attrs["type"]), ";")
				if strings.Contains(rel, " alternate ") && feedTypes[strings.TrimSpace(mt)] {
					hrefs = append(hrefs, attrs["href"])
				}
			}
		case html.EndTagToken:
			if name, _ := z.TagName(); string(name) == "head" {
				isPage = true
			}
		}
	}
}

// BaseHref returns the address a page's <base href> makes its relative
// links relative to: href resolved against base, the page's own address;
// base when href does not read as an address, or base is nil.
func BaseHref(base *url.URL, href string) *url.URL {
	b, err := url.Parse(strings.TrimSpace(href))
	if err != nil || base == nil {
		return base
	}
	return base.ResolveReference(b)
}

// htmlAttrs returns the current tag's attributes by name (the tokenizer
// gives names in lower case), their values trimmed; the last of a name
// repeated wins.
func htmlAttrs(z *html.Tokenizer) map[string]string {
	attrs := map[string]string{}
	for more := true; more; {
		var k, v []byte
		k, v, more = z.TagAttr()
		attrs[string(k)] = strings.TrimSpace(string(v))
	}
	return attrs
}

// markupLink returns the address of a link written as HTML, as PHP
// templates that print the item's link as an anchor write it ("<a
// href=…>…</a>", DreamVids' RSS view), or with a comment before it: the
// anchor's href, else the text left once the tags and comments are
// dropped. "" when it has neither.
func markupLink(fragment string) string {
	z := html.NewTokenizer(strings.NewReader(fragment))
	var text strings.Builder
	for {
		switch z.Next() {
		case html.ErrorToken:
			return strings.TrimSpace(text.String())
		case html.StartTagToken, html.SelfClosingTagToken:
			if name, hasAttr := z.TagName(); string(name) == "a" && hasAttr {
				if href := htmlAttrs(z)["href"]; href != "" {
					return href
				}
			}
		case html.TextToken:
			text.Write(z.Text())
		}
	}
}
