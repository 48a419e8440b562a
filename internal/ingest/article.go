package ingest

import (
	"cmp"
	"net/url"
	"slices"
	"strings"
	"time"
	"unique"

	"newshub/internal/curate"
	"newshub/internal/ingest/parser"
	"newshub/internal/model"
)

// untitledLength bounds a title made of an untitled item's first words.
const untitledLength = 80

// textKept is how many runes of an item's text its article can take: an
// excerpt, or a title where it has none (see candidate.keepText).
func (in *Ingester) textKept() int {
	return max(in.opts.ExcerptLength, untitledLength)
}

// article builds the news value of a new item from its feed entry and its
// page's metadata; nil when it has no title at all. An untitled item (a
// micropost) takes its page's title, else the first words of its text.
func (in *Ingester) article(src model.Source, head feedHead, c *candidate, now time.Time) *model.Article {
	it, m, text := c.item, c.meta, c.text
	title := cmp.Or(it.Title, parser.PlainText(m.Title), parser.PlainText(m.Headline), parser.Truncate(text, untitledLength))
	if title == "" {
		return nil
	}
	excerpt := parser.Truncate(text, in.opts.ExcerptLength)
	if excerpt == "" {
		excerpt = parser.Truncate(parser.PlainText(m.Description), in.opts.ExcerptLength)
	}
	a := &model.Article{
		Category:          "news",
		Title:             title,
		Excerpt:           excerpt,
		PublishedDateTime: publishedTime(now, it.Published, it.Updated, m.Published),
		OriginalURL:       it.Link,
		WebURL:            it.Link,
		Type:              "article",
		Provider:          in.provider(src, head, c),
		Topics:            slices.Clone(src.Topics),
		Images:            images(m.Image, it.Images),
		CanonicalURL:      c.canon,
		GUID:              c.guid,
		FetchedAt:         now.UTC().Truncate(time.Second),
		Source:            src.URL,
	}
	if m.AMP != "" {
		if cdn := curate.CdnAmpURL(m.AMP); !model.OverLimit(cdn, model.MaxURL) {
			a.AmpWebURL, a.CdnAmpWebURL = m.AMP, cdn
		}
	}
	if a.Topics == nil {
		a.Topics = []string{}
	}
	// Texts longer than a record holds (a post's whole text as its
	// title, as feeds of microposts give it) are cut to fit, which
	// curation would otherwise refuse the article for. Addresses are
	// never cut: a link too long is none (see newItems), and so is a
	// picture's.
	// The page's texts were cut as they were read (pagemeta.Meta.Cut).
	if cut := model.FitArticle(a); len(cut) > 0 || len(m.Cut) > 0 {
		in.log.Debug("article cut to the limits of a record", "url", a.OriginalURL, "fields", cut, "page", m.Cut)
	}
	return a
}

// publishedTime is the first possible date among the feed's and the
// page's, in whole seconds, UTC. A date in the future (a clock or
// time-zone error, a year mistyped) or before there were feeds (Unix
// time's zero, which CMSs write for a date they do not have) is none: the
// next one is taken, and the time of fetching when none is left.
func publishedTime(now time.Time, ts ...time.Time) time.Time {
	for _, t := range ts {
		if !undated(t) && !t.After(now.Add(time.Hour)) {
			return t.UTC().Truncate(time.Second)
		}
	}
	return now.UTC().Truncate(time.Second)
}

// undated reports whether t says nothing of when an article appeared: it
// is zero, or before there were feeds (Unix time's zero).
func undated(t time.Time) bool { return t.IsZero() || t.Year() < 1995 }

// itemDate is the first of an item's dates that says when it appeared
// (see undated), for the interval adapted to how often its feed
// publishes; zero when none does.
func itemDate(it parser.Item) time.Time {
	for _, t := range []time.Time{it.Published, it.Updated} {
		if !undated(t) {
			return t
		}
	}
	return time.Time{}
}

// images puts the page's og:image (chosen by the publisher, with its size)
// first, then the feed's pictures, without repeats.
func images(og model.Image, feed []model.Image) []model.Image {
	var out []model.Image
	seen := map[string]int{}
	add := func(im model.Image) {
		if im.URL == "" || model.OverLimit(im.URL, model.MaxURL) {
			return
		}
		if i, ok := seen[im.URL]; ok {
			if out[i].Width == 0 && im.Width > 0 {
				out[i].Width, out[i].Height = im.Width, im.Height
			}
			return
		}
		if len(out) >= maxImages {
			return
		}
		seen[im.URL] = len(out)
		out = append(out, model.Image{URL: im.URL, Width: im.Width, Height: im.Height})
	}
	add(og)
	for _, im := range feed {
		add(im)
	}
	return out
}

// feedHead is what a feed says of itself that its articles keep.
type feedHead struct {
	title string
	site  string // its site's address; "" when it names none
}

// provider names the publisher: the organization the source names, else
// the one whose domain the page (after redirects) or the link is on; else
// the registrable domain with the best name the page gives, or the feed's
// title for an item of its own (see feedsOwn; the feed's site, or when it
// names none its host): a link post's, or an alert's, is another's. An aggregator's item (see
// parser.Item.Publisher) is its publisher's, by the site and name it
// gives: its page and its feed are the aggregator's.
func (in *Ingester) provider(src model.Source, head feedHead, c *candidate) model.Provider {
	hosts := []string{src.Provider, hostOf(c.page), hostOf(c.item.Link)}
	publisher := hostOf(c.item.PublisherURL)
	if publisher != "" {
		hosts = []string{src.Provider, publisher}
	}
	for _, h := range hosts {
		if h == "" {
			continue
		}
		if org := in.site.Organization(h); org != nil {
			return model.Provider{Name: org.Name, Domain: org.Domain, Images: in.logo(org)}
		}
	}
	domain := src.Provider
	if domain == "" {
		domain = curate.RegistrableDomain(cmp.Or(publisher, hostOf(c.page), hostOf(c.item.Link)))
	}
	name := cmp.Or(c.meta.Publisher, c.meta.SiteName)
	if name == "" && feedsOwn(cmp.Or(head.site, src.URL), c.item) {
		name = head.title
	}
	name = cmp.Or(name, domain)
	if publisher != "" && src.Provider == "" {
		name = cmp.Or(c.item.Publisher, domain)
	}
	// A publisher's articles share one copy of each: the domain would
	// otherwise be part of the page's address, and keep all of it, in
	// every record a round holds until its batch is stored.
	return model.Provider{Name: unique.Make(name).Value(), Domain: unique.Make(domain).Value()}
}

// feedsOwn reports whether an item is its feed's own: it links to a page
// of the feed's site, or to a file the feed carries (an episode known by
// its media file, which a podcast host serves).
func feedsOwn(site string, it parser.Item) bool {
	if curate.RegistrableDomain(hostOf(site)) == curate.RegistrableDomain(hostOf(it.Link)) {
		return true
	}
	return slices.Contains(it.Enclosures, it.Link) || slices.ContainsFunc(it.Images, func(im model.Image) bool { return im.URL == it.Link })
}

// logo returns an organization's 50x50 logo with an absolute URL, as
// Smartable's records carry it.
func (in *Ingester) logo(org *model.Organization) []model.Image {
	for _, im := range org.Images {
		if im.Width == 50 && im.Height == 50 || strings.Contains(im.URL, "-50x50.") {
			u := im.URL
			if strings.HasPrefix(u, "/") && in.site.Config.URL != "" {
				prefix := strings.TrimRight(in.site.Config.URL, "/")
				if bp := strings.Trim(in.site.Config.BaseURL, "/"); bp != "" {
					prefix += "/" + bp
				}
				u = prefix + u
			}
			return []model.Image{{URL: u, Width: 50, Height: 50}}
		}
	}
	return nil
}

// pathful reports whether a URL names more than a site's home page (a
// canonical link to the home page says nothing about the article).
func pathful(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && strings.Trim(u.Path, "/") != ""
}
