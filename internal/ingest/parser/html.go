package parser

import (
	"net/url"
	"strings"

	"golang.org/x/net/html"
)

// firstImg returns the src, width and height of the first picture in an
// HTML fragment, or "": an <img> that is not a counter (see notPicture).
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
			var src string
			var w, h int
			for more := true; more; {
				var k, v []byte
				k, v, more = z.TagAttr()
				switch string(k) {
				case "src":
					src = string(v)
				case "width":
					w = atoi(string(v))
				case "height":
					h = atoi(string(v))
				}
			}
			if src != "" && !strings.HasPrefix(src, "data:") && !notPicture(src, w, h) {
				return src, w, h
			}
		}
	}
}

// notPicture reports whether an <img> counts readers rather than shows
// anything: a pixel of one by one (FeedBurner's "/~r/…/~4/…", Medium's
// "_/stat", WordPress's "b.gif"), or one of the share buttons FeedBurner
// appends to every item ("/~ff/…", its FeedFlare).
func notPicture(src string, w, h int) bool {
	if w == 1 || h == 1 {
		return true
	}
	u, err := url.Parse(src)
	return err == nil && (strings.HasPrefix(u.Path, "/~ff/") || strings.Contains(u.Path, "/~r/") && strings.Contains(u.Path, "/~4/"))
}
