package parser

import (
	"net/url"
	"path"
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

// notPicture reports whether an <img> counts readers, or sells or shows
// something other than the item, rather than shows the item: a pixel of
// one by one (FeedBurner's "/~r/…/~4/…", Medium's "_/stat", WordPress's
// "b.gif"), one of the share buttons FeedBurner appends to every item
// ("/~ff/…", its FeedFlare), or, whatever size it says or does not say, a
// counter, an advertisement or an author's portrait (see notPictureURL).
func notPicture(src string, w, h int) bool {
	if w == 1 || h == 1 {
		return true
	}
	u, err := url.Parse(src)
	if err != nil {
		return false
	}
	return strings.HasPrefix(u.Path, "/~ff/") || strings.Contains(u.Path, "/~r/") && strings.Contains(u.Path, "/~4/") ||
		notPictureURL(u)
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
