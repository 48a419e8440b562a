package publish

import (
	"bytes"
	"cmp"
	"encoding/json"
	"strings"
	"time"
	"unsafe"

	"newshub/internal/curate"
	"newshub/internal/model"
)

// Entry is one news article of a view: what lists, feeds and pages show
// of it, and its item encoded for a JSON list. Its strings and topic list
// are shared with the view's other entries: callers must not modify them.
type Entry struct {
	Path      string // the record's path
	Key       string // "YYYY/MM/DD/slug": where its documents and page live
	Title     string
	Provider  string // the publisher's name
	Domain    string // the publisher's domain
	Feed      string // the URL of the feed it was ingested from, "" when not known (read from a file)
	Story     string // the story id, "" for none
	Topics    []string
	Time      time.Time // publication time
	Heat      int
	Quality   int
	Published bool // the lead of its story
	// PinnedUntil is when an editor's pin of its story ends (zero when
	// not pinned): until then it ranks first.
	PinnedUntil time.Time

	version int64  // the record's version, which a patched view compares (see patch)
	rankKey string // curate's key of the lead, which breaks ties in ranking
	body    []byte // the item object, indented for a list
	marks   marks  // where in body Details finds its values
}

// Details are what an entry's item says beyond the entry's own fields,
// read back from the encoded item: the view keeps no second copy.
type Details struct {
	Excerpt   string
	WebURL    string
	AmpWebURL string
	Images    []model.Image
	// ProviderImages are the publisher's logos.
	ProviderImages []model.Image
	// FeaturedContent is the embed of a video, as the record gives it:
	// HTML to sanitize before showing it.
	FeaturedContent string
}

// Version is the version of the record the entry was made from: an
// entry is made from its record alone and the view's settings.
func (e *Entry) Version() int64 { return e.version }

// Details reads what the entry's item says beyond the entry's fields:
// the values at its marks, without decoding the rest of the item.
func (e *Entry) Details() Details {
	return Details{Excerpt: e.markedString(markExcerpt), WebURL: e.markedString(markWebURL),
		AmpWebURL: e.markedString(markAmpWebURL),
		Images:    e.markedImages(markImages), ProviderImages: e.markedImages(markProviderImages),
		FeaturedContent: e.markedString(markFeaturedContent)}
}

// WebURL is the article's web URL, as Details gives it, read without
// the rest of the details.
func (e *Entry) WebURL() string { return e.markedString(markWebURL) }

// marked returns the encoded value of mark i.
func (e *Entry) marked(i int) []byte { return e.body[e.marks[i][0]:e.marks[i][1]] }

// markedString decodes the string (or null) of mark i. The body's bytes
// never change, so a string without escapes is read in place.
func (e *Entry) markedString(i int) string {
	b := e.marked(i)
	if len(b) < 2 || b[0] != '"' {
		return "" // null
	}
	if inner := b[1 : len(b)-1]; bytes.IndexByte(inner, '\\') < 0 {
		return unsafe.String(unsafe.SliceData(inner), len(inner))
	}
	var s string
	json.Unmarshal(b, &s) // the view wrote it: a valid JSON string
	return s
}

// markedImages decodes the images (or null) of mark i.
func (e *Entry) markedImages(i int) []model.Image {
	b := e.marked(i)
	if len(b) < 2 || b[0] != '[' {
		return nil
	}
	var l []newsImage
	json.Unmarshal(b, &l) // the view wrote it: valid JSON of that shape
	return modelImages(l)
}

func modelImages(l []newsImage) []model.Image {
	if len(l) == 0 {
		return nil
	}
	out := make([]model.Image, len(l))
	for i, im := range l {
		out[i] = model.Image{URL: im.URL, Width: im.Width, Height: im.Height}
		if im.Title != nil {
			out[i].Title = *im.Title
		}
	}
	return out
}

// LearningKey gives "videos/<slug>" for "_learning/videos/<slug>.md", the
// name collections use for a resource.
func LearningKey(path string) string {
	p := strings.TrimPrefix(path, "_learning/")
	return strings.TrimSuffix(p, ".md")
}

// The website's pages of events, people and learning resources, as site
// paths: where the webUrl of their API documents leads, at the paths
// Smartable's web app had them.

// EventPath is the page of the event with the given slug.
func EventPath(slug string) string { return "event/" + slug + "/" }

// PersonPath is the page of a person (or of a people collection kept
// among the people) with the given slug.
func PersonPath(slug string) string { return "people/" + slug + "/" }

// PeopleListPath is the page of the people collection with the given slug.
func PeopleListPath(slug string) string { return "people/collections/" + slug + "/" }

// LearningPath is the page of the learning resource or collection with
// the given key ("videos/<slug>").
func LearningPath(key string) string { return "learning/" + key + "/" }

// ArticleKey gives the "YYYY/MM/DD/slug" of a news record, where its
// document and page live: from its file name "YYYY-MM-DD-slug.md", else
// from its publication date (UTC).
func ArticleKey(path string, published time.Time) string {
	name := Slug(path)
	if len(name) > 11 && name[4] == '-' && name[7] == '-' && name[10] == '-' &&
		allDigits(name[0:4]) && allDigits(name[5:7]) && allDigits(name[8:10]) {
		return name[0:4] + "/" + name[5:7] + "/" + name[8:10] + "/" + safeSegment(name[11:])
	}
	return published.UTC().Format("2006/01/02") + "/" + safeSegment(name)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// safeSegment keeps a path segment usable as a folder name and a URL part.
func safeSegment(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '.':
			b.WriteRune(c)
		default:
			b.WriteByte('-')
		}
	}
	out := strings.Trim(b.String(), ".")
	if out == "" {
		return "-"
	}
	return out
}

// newEntry makes the view's entry for a news record, and returns the item
// it encodes, with the related list when withRelated (the article's own
// document), so the item is built once for both.
func (v *View) newEntry(sl *slab, r *model.Record, withRelated bool) (*Entry, *newsJSON) {
	a := r.Article
	e := sl.entry()
	*e = Entry{
		Path: sl.string(r.Path), Key: sl.string(ArticleKey(r.Path, a.PublishedDateTime)),
		Story: sl.string(a.Story), Title: sl.string(a.Title),
		Provider: sl.string(a.Provider.Name), Domain: sl.string(a.Provider.Domain),
		Feed:      sl.string(a.Source),
		Published: a.Published, Time: a.PublishedDateTime, Heat: a.Heat, Quality: a.Quality,
		Topics: v.topics.intern(a.Topics), PinnedUntil: a.PinnedUntil, version: r.Version,
	}
	if a.Published {
		e.rankKey = sl.string(rankKey(a))
	}
	it := v.newsItem(r.Path, a, withRelated)
	related := it.Related
	it.Related = nil // lists show items without their related coverage
	w := newsWriter(it, "    ", &e.marks)
	e.body = sl.copy(w.b)
	w.release()
	it.Related = related
	return e, it
}

// rankKey is the key curate.Rank breaks ties of score and time with: the
// canonical URL (TestRankingIsCurateRank holds the two together).
func rankKey(a *model.Article) string {
	if a.CanonicalURL != "" {
		return a.CanonicalURL
	}
	return curate.CanonicalURL(cmp.Or(a.OriginalURL, a.WebURL))
}

// PinnedAt reports whether the entry is pinned to the top at time t.
func (e *Entry) PinnedAt(t time.Time) bool { return t.Before(e.PinnedUntil) }

func (v *View) insert(e *Entry) {
	if old, ok := v.articles[e.Key]; !ok || owns(e.Path, old) {
		v.articles[e.Key] = e.Path
	}
	v.news[e.Path] = e
}

// owns reports whether record path a rather than b owns the article
// document both map to (a live record and its archived copy share one): a
// live record wins, then the smaller path, whatever order they come in.
func owns(a, b string) bool {
	la, lb := strings.HasPrefix(a, "_news/"), strings.HasPrefix(b, "_news/")
	if la != lb {
		return la
	}
	return a < b
}
