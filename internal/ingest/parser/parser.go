// Package parser turns a fetched feed (RSS 0.9x/1.0/2.0, Atom 0.3/1.0,
// JSON Feed 1.0/1.1) into items ingest can use: text decoded to UTF-8
// whatever the feed declares, links made absolute, and the images the feed
// offers (media:thumbnail, media:content, enclosures, item images and the
// first image of the content).
package parser

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
	ext "github.com/mmcdole/gofeed/extensions"

	"newshub/internal/model"
)

// Feed is a parsed feed.
type Feed struct {
	Title   string
	SiteURL string // absolute
	Type    string // "rss", "atom" or "json"
	Version string
	Items   []Item
}

// Item is one entry of a feed.
type Item struct {
	GUID      string
	Title     string // plain text
	Link      string // absolute; empty when the item has none
	Summary   string // description or summary, HTML
	Content   string // full content, HTML
	Published time.Time
	Updated   time.Time
	Images    []model.Image
	Authors   []string
}

// ErrNotAFeed is wrapped when the document is no feed gofeed knows.
var ErrNotAFeed = errors.New("not a feed")

// Parse decodes body, served with the given Content-Type from feedURL.
func Parse(body []byte, contentType, feedURL string) (*Feed, error) {
	body, err := ToUTF8(body, contentType)
	if err != nil {
		return nil, err
	}
	p := gofeed.NewParser()
	p.RSSTranslator = &gofeed.DefaultRSSTranslator{DisableContentImageScan: true}
	gf, err := p.Parse(bytes.NewReader(body))
	if err != nil {
		if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
			return nil, fmt.Errorf("parse feed: %w", ErrNotAFeed)
		}
		return nil, fmt.Errorf("parse feed: %w", err)
	}
	base, _ := url.Parse(feedURL)
	f := &Feed{
		Title:   PlainText(gf.Title),
		Type:    gf.FeedType,
		Version: gf.FeedVersion,
		SiteURL: resolve(base, gf.Link),
	}
	// Item links are relative to the site when it names one, else to the
	// feed itself.
	itemBase := base
	if u, err := url.Parse(f.SiteURL); err == nil && u.IsAbs() {
		itemBase = u
	}
	f.Items = make([]Item, 0, len(gf.Items))
	for _, gi := range gf.Items {
		f.Items = append(f.Items, item(gi, itemBase))
	}
	return f, nil
}

func item(gi *gofeed.Item, base *url.URL) Item {
	it := Item{
		GUID:    strings.TrimSpace(gi.GUID),
		Title:   PlainText(gi.Title),
		Summary: gi.Description,
		Content: gi.Content,
		Link:    itemLink(gi, base),
	}
	if gi.PublishedParsed != nil {
		it.Published = gi.PublishedParsed.UTC()
	}
	if gi.UpdatedParsed != nil {
		it.Updated = gi.UpdatedParsed.UTC()
	}
	if it.Published.IsZero() && gi.DublinCoreExt != nil && len(gi.DublinCoreExt.Date) > 0 {
		if t, err := parseDate(gi.DublinCoreExt.Date[0]); err == nil {
			it.Published = t
		}
	}
	for _, a := range gi.Authors {
		if a != nil && strings.TrimSpace(a.Name) != "" {
			it.Authors = append(it.Authors, strings.TrimSpace(a.Name))
		}
	}
	imageBase := base
	if u, err := url.Parse(it.Link); err == nil && it.Link != "" {
		imageBase = u
	}
	it.Images = images(gi, imageBase)
	return it
}

// itemLink returns the item's absolute http(s) link: its link, else its
// first other link, else a GUID that is itself a URL.
func itemLink(gi *gofeed.Item, base *url.URL) string {
	for _, c := range append([]string{gi.Link}, gi.Links...) {
		if abs := resolve(base, c); isHTTP(abs) {
			return abs
		}
	}
	if g := strings.TrimSpace(gi.GUID); isHTTP(g) { // an opaque GUID is no link
		return resolve(nil, g)
	}
	return ""
}

func isHTTP(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// resolve makes ref absolute against base; it returns "" for a reference
// that cannot be parsed.
func resolve(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if base != nil && !u.IsAbs() {
		u = base.ResolveReference(u)
	}
	return u.String()
}

// images collects the item's pictures in the order a reader would pick
// them: media:content and media:thumbnail (also inside media:group),
// image enclosures, the item image, the first image of the content.
func images(gi *gofeed.Item, base *url.URL) []model.Image {
	var out []model.Image
	seen := map[string]bool{}
	add := func(raw string, w, h int) {
		u := resolve(base, raw)
		if !isHTTP(u) || seen[u] {
			return
		}
		seen[u] = true
		out = append(out, model.Image{URL: u, Width: w, Height: h})
	}
	if media, ok := gi.Extensions["media"]; ok {
		mediaImages(media, add)
		for _, g := range media["group"] {
			mediaImages(g.Children, add)
		}
	}
	for _, e := range gi.Enclosures {
		if e != nil && strings.HasPrefix(strings.ToLower(e.Type), "image/") {
			add(e.URL, 0, 0)
		}
	}
	if gi.Image != nil {
		add(gi.Image.URL, 0, 0)
	}
	for _, html := range []string{gi.Content, gi.Description} {
		if src, w, h := firstImg(html); src != "" {
			add(src, w, h)
			break
		}
	}
	return out
}

func mediaImages(m map[string][]ext.Extension, add func(string, int, int)) {
	for _, c := range m["content"] {
		medium, typ := c.Attrs["medium"], strings.ToLower(c.Attrs["type"])
		if medium == "image" || strings.HasPrefix(typ, "image/") || (medium == "" && typ == "" && looksLikeImage(c.Attrs["url"])) {
			add(c.Attrs["url"], atoi(c.Attrs["width"]), atoi(c.Attrs["height"]))
		}
	}
	for _, c := range m["thumbnail"] {
		add(c.Attrs["url"], atoi(c.Attrs["width"]), atoi(c.Attrs["height"]))
	}
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

// parseDate reads the date forms feeds use outside their standard fields.
func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339, time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02", time.RFC1123Z, time.RFC1123} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("unrecognised date %q", s)
}
