package model

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Size limits of a record. Texts are counted in characters (Unicode code
// points), lists in entries. Real records stay far below them: in
// Smartable's records a title has at most 123 characters, an excerpt 363,
// an address 238, and real feeds carry headlines under 100 characters and
// summaries under 1,000. A related list mostly holds up to 20 entries, but
// some of Smartable's records gathered hundreds (files of 350 KB), so its
// limit leaves room for them. The limits exist so that a hostile or
// broken record or feed item cannot make the hub spend memory and time on
// it, nor on every page that shows it.
//
// The content package rejects a record over a limit when it reads one
// ("path:line: title longer than 1000 characters"), so import refuses it.
// Ingest fits what it reads to the limits instead (FitArticle), and
// renderers may clip a text again to what a page has room for (Clip).
const (
	MaxTitle   = 1000    // a headline or a name (title, name), a collection item
	MaxExcerpt = 5000    // an excerpt or a biography
	MaxURL     = 4096    // an address (originalUrl, webUrl, images' url, website...)
	MaxLabel   = 300     // any other text: category, type, a domain, a topic, keyword, id, location...
	MaxEmbed   = 20000   // embedded content kept as it is (featuredContent, secured)
	MaxBody    = 1 << 20 // a newsletter's HTML body
	MaxRelated = 1000    // entries of an article's related list
	MaxTopics  = 100     // topics of a record or a source
	MaxImages  = 50      // images of a record or a provider
	MaxParties = 100     // publishers, and authors, a provider names
	MaxItems   = 1000    // entries of a collection; a topic's keywords, hashtags, images and services
	MaxSources = 100000  // feeds of a hub's sources list
	// MaxDecisions bounds a hub's log of editorial decisions: a hundred
	// a day for twenty years.
	MaxDecisions = 1000000
)

// TextLimit returns the largest number of characters a text field may
// hold, by its name in the record format (a list's name for its entries).
func TextLimit(field string) int {
	switch field {
	case "title", "name", "items":
		return MaxTitle
	case "excerpt", "bio":
		return MaxExcerpt
	case "originalUrl", "webUrl", "ampWebUrl", "cdnAmpWebUrl", "url", "website", "baseurl", "images", "endpoint":
		return MaxURL
	case "featuredContent", "secured":
		return MaxEmbed
	case "body":
		return MaxBody
	}
	return MaxLabel
}

// ListLimit returns the largest number of entries a list field may hold,
// by its name in the record format; 0 for a field that is not a list.
func ListLimit(field string) int {
	switch field {
	case "related":
		return MaxRelated
	case "topics":
		return MaxTopics
	case "images":
		return MaxImages
	case "publishers", "authors":
		return MaxParties
	case "sources":
		return MaxSources
	case "decisions":
		return MaxDecisions
	case "items", "keywords", "hashtags", "services", "levels":
		return MaxItems
	}
	return 0
}

// OverLimit reports whether s holds more than max characters. Only a
// string of more than max bytes can, so the common case costs a
// comparison.
func OverLimit(s string, max int) bool {
	return len(s) > max && utf8.RuneCountInString(s) > max
}

// Clip returns s cut to at most max characters, at a character boundary,
// ending with "…" when it was cut (the ellipsis counts in max). Renderers
// use it to show a text in the room a page has:
//
//	model.Clip(a.Title, 200)
func Clip(s string, max int) string {
	if !OverLimit(s, max) {
		return s
	}
	if max <= 0 {
		return ""
	}
	n := 0
	for i := range s {
		if n == max-1 {
			return strings.TrimRight(s[:i], " \t\n") + "…"
		}
		n++
	}
	return s
}

// Quoted returns s in Go's quotes, cut to its first 40 characters (see
// Clip), for an error message: a value refused may be a megabyte long.
func Quoted(s string) string {
	return strconv.Quote(Clip(s, 40))
}

// QuotedURL returns an address for an error message: masked (MaskURL),
// cut to its first 200 characters, in Go's quotes.
func QuotedURL(raw string) string {
	return strconv.Quote(Clip(MaskURL(raw), 200))
}

// FitArticle cuts an article's texts to their limits (Clip) and drops the
// list entries past theirs, as ingest does with what a feed or a page
// gives, and returns the names of the fields it changed ("title",
// "related", "related[3].excerpt"...), for the caller to count: nothing is
// dropped unsaid.
func FitArticle(a *Article) []string {
	f := fitter{}
	f.article(a)
	return f.cut
}

// OverLimits returns the names of an article's fields over their limits,
// as FitArticle would, without changing it.
func OverLimits(a *Article) []string {
	f := fitter{dry: true}
	c := *a
	f.article(&c)
	return f.cut
}

func (f *fitter) article(a *Article) {
	for _, t := range []struct {
		name string
		s    *string
	}{
		{"category", &a.Category}, {"title", &a.Title}, {"excerpt", &a.Excerpt},
		{"originalUrl", &a.OriginalURL}, {"webUrl", &a.WebURL}, {"ampWebUrl", &a.AmpWebURL},
		{"cdnAmpWebUrl", &a.CdnAmpWebURL}, {"type", &a.Type}, {"featuredContent", &a.FeaturedContent}, {"secured", &a.Secured},
	} {
		f.text("", t.name, t.s)
	}
	f.provider("provider.", &a.Provider)
	a.Topics = fitList(f, "topics", a.Topics)
	for i := range a.Topics {
		f.text("", "topics["+strconv.Itoa(i)+"]", &a.Topics[i])
	}
	a.Images = f.images("images", a.Images)
	a.Related = fitList(f, "related", a.Related)
	for i := range a.Related {
		r, p := &a.Related[i], "related["+strconv.Itoa(i)+"]."
		for _, t := range []struct {
			name string
			s    *string
		}{
			{"title", &r.Title}, {"excerpt", &r.Excerpt}, {"webUrl", &r.WebURL},
			{"ampWebUrl", &r.AmpWebURL}, {"cdnAmpWebUrl", &r.CdnAmpWebURL}, {"type", &r.Type},
		} {
			f.text(p, t.name, t.s)
		}
		f.provider(p+"provider.", &r.Provider)
		r.Images = f.images(p+"images", r.Images)
	}
}

// fitter cuts fields to their limits (or, dry, only notes them) and
// remembers which.
type fitter struct {
	cut []string
	dry bool
}

// text clips the field named prefix+name (its limit by name, an index
// left out).
func (f *fitter) text(prefix, name string, s *string) {
	field, _, _ := strings.Cut(name, "[")
	if limit := TextLimit(field); OverLimit(*s, limit) {
		if !f.dry {
			*s = Clip(*s, limit)
		}
		f.cut = append(f.cut, prefix+name)
	}
}

func (f *fitter) provider(prefix string, p *Provider) {
	f.text(prefix, "name", &p.Name)
	f.text(prefix, "domain", &p.Domain)
	p.Images = f.images(prefix+"images", p.Images)
	p.SetPublishers(f.parties(prefix+"publishers", p.PublisherList()))
	p.SetAuthors(f.parties(prefix+"authors", p.AuthorList()))
}

func (f *fitter) parties(name string, ps []Party) []Party {
	ps = fitList(f, name, ps)
	for i := range ps {
		p := name + "[" + strconv.Itoa(i) + "]."
		f.text(p, "name", &ps[i].Name)
		f.text(p, "domain", &ps[i].Domain)
		ps[i].Images = f.images(p+"images", ps[i].Images)
	}
	return ps
}

func (f *fitter) images(name string, imgs []Image) []Image {
	imgs = fitList(f, name, imgs)
	for i := range imgs {
		p := name + "[" + strconv.Itoa(i) + "]."
		f.text(p, "url", &imgs[i].URL)
		f.text(p, "title", &imgs[i].Title)
	}
	return imgs
}

// fitList drops the entries of the list named name past its limit.
func fitList[T any](f *fitter, name string, list []T) []T {
	field := name[strings.LastIndexByte(name, '.')+1:]
	if limit := ListLimit(field); len(list) > limit {
		f.cut = append(f.cut, name)
		if !f.dry {
			return list[:limit]
		}
	}
	return list
}
