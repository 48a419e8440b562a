package parser

import (
	"strings"

	"golang.org/x/net/html"
)

// firstImg returns the src, width and height of the first <img> in an HTML
// fragment, or "".
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
			if src != "" && !strings.HasPrefix(src, "data:") {
				return src, w, h
			}
		}
	}
}
