package ingest

import (
	"net/url"
	"strings"

	"newshub/internal/curate"
	"newshub/internal/ingest/parser"
)

// itemKeys returns the key each item of a feed is known by: its link's
// canonical URL, refined by a "#" part when the link alone does not tell
// the item from the feed's others. Items sharing one link stay distinct
// when they differ by fragment (a day's posts on one page), GUID or
// enclosure (a podcast's episodes all linking to the show's page) or
// title; items that share the link and agree on all of these are one
// article given twice. A link to the feed's home page never names one
// item, so an item linking there is always refined, from one round to the
// next alike. Items without a link get "".
func itemKeys(feed *parser.Feed) []string {
	keys := make([]string, len(feed.Items))
	groups := map[string][]int{}
	for i, it := range feed.Items {
		if it.Link == "" {
			continue
		}
		keys[i] = curate.CanonicalURL(it.Link)
		groups[keys[i]] = append(groups[keys[i]], i)
	}
	home := ""
	if feed.SiteURL != "" {
		home = curate.CanonicalURL(feed.SiteURL)
	}
	for base, idx := range groups {
		if len(idx) == 1 && base != home && namesPage(base) {
			continue
		}
		by := distinction(feed.Items, idx)
		if by == nil {
			continue // one article given more than once
		}
		for _, i := range idx {
			if part := by(feed.Items[i]); part != "" {
				keys[i] = base + "#" + part
			}
		}
	}
	return keys
}

// namesPage reports whether a link names a page of its site rather than
// its home page: by its path, or by a number in its query, as
// WordPress's plain permalinks do ("/?p=1204"); a query of words
// ("/?lang=en") is the home page's. An item linking to it alone in its
// feed is known by it, whatever its GUID: some generators give an item a
// new GUID at every fetch, and feed readers know an item of a feed by its
// link too.
func namesPage(link string) bool {
	u, err := url.Parse(link)
	return err == nil && (strings.Trim(u.Path, "/") != "" || strings.ContainsAny(u.RawQuery, "0123456789"))
}

// distinction returns what tells apart the items at idx, which share a
// link: the first of itemParts that every one of them has and that
// differs among them (for a lone item, the first it has); nil when none
// does. Items that agree on it keep one key, and are one article.
func distinction(items []parser.Item, idx []int) func(parser.Item) string {
	for _, part := range itemParts {
		seen := map[string]bool{}
		for _, i := range idx {
			seen[part(items[i])] = true
		}
		if !seen[""] && (len(idx) == 1 || len(seen) > 1) {
			return part
		}
	}
	return nil
}

// itemParts are what may tell apart items sharing a link, in the order
// they are tried: fragment, GUID, enclosure and title; each gives "" for
// an item that has none.
var itemParts = []func(parser.Item) string{
	func(it parser.Item) string { return fragment(it.Link) },
	func(it parser.Item) string {
		if it.GUID == "" {
			return ""
		}
		return "guid:" + republishedGUID(it)
	},
	func(it parser.Item) string {
		if len(it.Enclosures) == 0 {
			return ""
		}
		return "enclosure:" + curate.CanonicalURL(it.Enclosures[0])
	},
	func(it parser.Item) string {
		if it.Title == "" {
			return ""
		}
		return "title:" + strings.ToLower(it.Title)
	},
}

// aloneKeys returns the keys an item keyed by its page alone (key) had
// when other items of its feed shared the page: key refined by each of
// its parts (see itemParts). As a feed's window moves on, the other posts
// of a page leave it, and the one left is the article stored under one of
// these. nil for a key refined already.
func aloneKeys(key string, it parser.Item) []string {
	if key == "" || strings.Contains(key, "#") {
		return nil
	}
	var out []string
	for _, part := range itemParts {
		if p := part(it); p != "" {
			out = append(out, key+"#"+p)
		}
	}
	return out
}

// sharedPage splits the key of an item refined because others of its
// feed share its page (see itemKeys) into the page's key and the part
// that tells the item apart; page is "" for any other key, and for a part
// its link names, which the article stored under the page alone is known
// by already (see curate.ArticleKeys).
func sharedPage(key string, it parser.Item) (page, part string) {
	base := curate.CanonicalURL(it.Link)
	part, ok := strings.CutPrefix(key, base+"#")
	if !ok || part == "" || part == fragment(it.Link) {
		return "", ""
	}
	return base, part
}

// republishedGUID returns the item's GUID, or its link when the GUID is
// the link's page with a number after a "#", as the BBC's feeds count the
// times they republished an article ("…/articles/c0w4k9e2r1yo#3"): each
// copy's GUID differs, and each is the one article.
func republishedGUID(it parser.Item) string {
	page, n, ok := strings.Cut(it.GUID, "#")
	if !ok || n == "" || strings.Trim(n, "0123456789") != "" || curate.CanonicalURL(page) != curate.CanonicalURL(it.Link) {
		return it.GUID
	}
	return it.Link
}

// fragment returns the "#" part of a link, "" when it has none.
func fragment(link string) string {
	u, err := url.Parse(link)
	if err != nil {
		return ""
	}
	return u.Fragment
}

// guidKeys returns the key of each item's GUID (see guidKey), "" for a
// GUID that items of the feed with different links share: a generator
// that gives every item one GUID ("0", the site's address) identifies
// none of them by it, and their links tell them apart.
func guidKeys(feedURL string, feed *parser.Feed, keys []string) []string {
	out := make([]string, len(feed.Items))
	first := map[string]string{} // GUID key → the key of its first item
	shared := map[string]bool{}
	for i, it := range feed.Items {
		out[i] = guidKey(feedURL, it.GUID)
		if out[i] == "" || keys[i] == "" {
			continue
		}
		if k, ok := first[out[i]]; !ok {
			first[out[i]] = keys[i]
		} else if k != keys[i] {
			shared[out[i]] = true
		}
	}
	for i := range out {
		if shared[out[i]] {
			out[i] = ""
		}
	}
	return out
}

// guidKey scopes a feed GUID to its feed, unless it is itself a URL: two
// feeds may both number their items "1", "2", ... A URL GUID keeps its
// fragment, which may be all that tells two posts apart.
func guidKey(feedURL, guid string) string {
	guid = strings.TrimSpace(guid)
	switch {
	case guid == "":
		return ""
	case strings.HasPrefix(guid, "http://"), strings.HasPrefix(guid, "https://"):
		if f := fragment(guid); f != "" {
			return curate.CanonicalURL(guid) + "#" + f
		}
		return curate.CanonicalURL(guid)
	}
	return feedURL + "#" + guid
}
