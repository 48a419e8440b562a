package publish

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"newshub/internal/model"
	"newshub/internal/openapi"
	"newshub/internal/site"
	"newshub/internal/store"
)

// ErrNotFound is returned for a path that names no document.
var ErrNotFound = errors.New("not found")

// A BadRequest is a request for a document that its sender can fix, such
// as a search with an unknown topic; its message says what to change.
type BadRequest struct{ Reason string }

func (e *BadRequest) Error() string { return e.Reason }

// Content types of the documents.
const (
	TypeJSON     = "application/json; charset=utf-8"
	TypeRSS      = "application/rss+xml; charset=utf-8"
	TypeAtom     = "application/atom+xml; charset=utf-8"
	TypeJSONFeed = "application/feed+json; charset=utf-8"
)

// Doc is one rendered document with what an HTTP answer needs.
type Doc struct {
	Body        []byte
	ContentType string
	ETag        string // strong, quoted
	// Modified is when the document last changed as far as its view
	// knows, its Last-Modified: the commit of the first generation this
	// process showed it of, or later, the moment the clock changed it
	// since (an event ended, a pin ended). Zero is unknown.
	Modified time.Time
	// ModifiedShared is set when another form of the document, of a
	// generation committed before within the same second, may carry the
	// same Modified, on this server or another: If-Modified-Since cannot
	// tell the client's copy current, only its ETag can.
	ModifiedShared bool

	gzOnce sync.Once
	gz     []byte
}

// NewDoc makes the document of body, with its ETag.
func NewDoc(body []byte, ctype string) *Doc {
	sum := sha256.Sum256(body)
	return &Doc{Body: body, ContentType: ctype,
		ETag: `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`}
}

// Gzip returns the body gzip-compressed, computed once.
func (d *Doc) Gzip() []byte {
	d.gzOnce.Do(func() {
		var b bytes.Buffer
		w, _ := gzip.NewWriterLevel(&b, gzip.BestSpeed)
		w.Write(d.Body)
		w.Close()
		d.gz = b.Bytes()
	})
	return d.gz
}

type kind int

const (
	tNewsPage kind = iota + 1
	tArticle
	tEvents      // a: "", "future" or "past"
	tEventsTopic // a: topic id
	tEvent       // a: slug
	tPeople      // a: "" or topic id
	tPerson      // a: slug
	tPeopleLists
	tPeopleList // a: slug
	tLearning
	tLearnLists
	tLearnItem // a: "<type>/<slug>"
	tTopics
	tStories
	tStory // a: id
	tFeed  // a: topic id or "", b: "rss", "atom" or "json"
	tNewsletters
	tNewsletter     // a: slug
	tNewsletterFeed // b: "rss" or "atom"
	tOpenAPI        // the API's OpenAPI document
	tAPIIndex       // api/ itself: the entry points
)

// target is a parsed document address. Every alias of a document (the
// folder, index.json, page1, page/1) parses to the same target.
type target struct {
	kind kind
	a, b string
	page int
}

// Doc returns the document at a site path such as "api/news/page/2/",
// "api/news/page/2/index.json" or "feeds/rss.xml", or ErrNotFound.
func (v *View) Doc(ctx context.Context, path string) (*Doc, error) {
	t, ok := v.parse(path)
	if !ok {
		return nil, ErrNotFound
	}
	return v.doc(ctx, t)
}

func (v *View) doc(ctx context.Context, t target) (*Doc, error) {
	key := docKey{target: t, past: -1}
	// The clock changes some documents while a view lasts: their
	// Last-Modified is when it last did, if the view is older, so a client
	// revalidating by date alone gets the new document.
	mod := v.modTime
	switch t.kind {
	case tEvents, tEventsTopic:
		// The future/past split moves with the clock: cache per split.
		var ended time.Time
		key.past, ended = v.pastAt(v.opt.Now())
		mod = later(mod, ended)
	case tNewsPage:
		// Pinned leads come first while their pins last.
		key.pins = v.rank.pinned
		mod = later(mod, v.rank.pinEnded)
	}
	if d := v.docs.get(key); d != nil {
		return d, nil
	}
	body, ctype, err := v.render(ctx, t)
	if err != nil {
		return nil, err
	}
	d := NewDoc(body, ctype)
	d.Modified, d.ModifiedShared = mod, v.modShared && mod.Equal(v.modTime)
	if s, ok := v.docs.before[t]; ok && s.etag == d.ETag {
		// The same bytes as the views before answered last: their date
		// holds, so a client revalidating by date keeps its copy across
		// writes that did not change the document. A server started
		// later knows of no earlier answer: it dates the document by its
		// first view's commit, later than the other servers do, which
		// only has a client fetch it again.
		d.Modified, d.ModifiedShared = s.mod, s.shared
	}
	return v.docs.put(key, d, v.opt.CacheBytes), nil
}

// later returns the later of a and b.
func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// docCache keeps rendered documents up to a size, for every ranking of
// one load (documents do not depend on the ranking but for the pins the
// key counts).
type docCache struct {
	mu    sync.Mutex
	docs  map[docKey]*Doc
	bytes int64
	// marks holds, per target, the document the view answered last, kept
	// in docs or not (see mark).
	marks map[target]docStamp
	// full is set once a document was answered but not marked: the marks
	// no longer tell every document the view answered.
	full bool
	// before holds, per target, the document the views before answered
	// last (see carry); read only once the view is in use.
	before map[target]docStamp
}

// docStamp is what a view keeps of a document of the views before it: a
// document of the same bytes keeps its date.
type docStamp struct {
	etag   string
	mod    time.Time
	shared bool
}

// maxStamps bounds the documents whose dates views carry over, about a
// hundred bytes each. A date dropped only makes the document's next
// answer dated by its view's commit, later, which has a client fetch it
// again.
const maxStamps = 1 << 18

// mark notes d as the document of t the view answered last: a view
// answers a target's documents (as the clock changes them) in the order
// of their dates. Two documents of the latest date leave the target none
// to carry over. The caller holds mu.
func (c *docCache) mark(t target, d *Doc) {
	s, ok := c.marks[t]
	switch {
	case !ok && len(c.marks) >= maxStamps:
		c.full = true
	case !ok || d.Modified.After(s.mod):
		if c.marks == nil {
			c.marks = map[target]docStamp{}
		}
		c.marks[t] = docStamp{etag: d.ETag, mod: d.Modified, shared: d.ModifiedShared}
	case d.Modified.Equal(s.mod) && d.ETag != s.etag:
		s.etag = ""
		c.marks[t] = s
	}
}

// carry returns the stamps the next view takes over: those its view took
// over, with the documents it answered in their place. A document no one
// asked for while a view lasted keeps its stamp through it, so that over
// quiet rounds its date holds. (A document that changed and changed back
// between two answers of this process, in views of which no one asked for
// it, gets its old date again: that only happens in generations this
// process never showed of it, as a process that skips a generation
// between two loads never shows it; another process that did may have
// dated the copy in between later.)
func (c *docCache) carry() map[target]docStamp {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.marks) == 0 {
		return c.before // immutable once in use: shared, not copied
	}
	from := c.before
	if c.full || len(from)+len(c.marks) > maxStamps {
		// A stamp of the views before may be of bytes this view no longer
		// answered (see mark): they are dropped, all at once.
		from = nil
	}
	out := make(map[target]docStamp, len(from)+len(c.marks))
	for t, s := range from {
		out[t] = s
	}
	for t, s := range c.marks {
		out[t] = s
	}
	return out
}

// docKey names a rendered document: its target and, for events, how many
// have ended; for lists of news, how many leads are pinned.
type docKey struct {
	target
	past int
	pins int
}

func (c *docCache) get(key docKey) *Doc {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.docs[key]
}

// put keeps d unless the cache is full, and returns the document kept
// under key (another caller's, when it rendered first).
func (c *docCache) put(key docKey, d *Doc, limit int64) *Doc {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.docs[key]; old != nil {
		return old
	}
	c.mark(key.target, d)
	if limit > 0 && c.bytes+int64(len(d.Body)) <= limit {
		c.docs[key] = d
		c.bytes += int64(len(d.Body))
	}
	return d
}

// Folder reports whether a build of the view writes documents under the
// folder p (a site path of the API or the feeds, "api/news/page"), where
// it refuses a static file (see putStatic): serve then answers there as
// without it. The folders of the news of a date ("api/news/2024/05") are
// taken for the build's whatever it holds, as the archive's are not known
// without reading it.
func (v *View) Folder(ctx context.Context, p string) bool {
	p = strings.Trim(p, "/")
	switch {
	case p == "api" || p == "feeds":
		return true
	case strings.HasPrefix(p, "feeds/"):
		return v.isTopic(strings.TrimPrefix(p, "feeds/"))
	case !strings.HasPrefix(p, "api/"):
		return false
	}
	segs := strings.Split(p, "/")
	if segs[1] == "news" && len(segs) > 2 && len(segs) < 5 && dateFolder(segs[2:]) {
		return true
	}
	if segs[1] == "learning" && len(segs) == 3 {
		for key := range v.learnBy {
			if strings.HasPrefix(key, segs[2]+"/") {
				return true
			}
		}
	}
	// A list's pages: a build writes page/1/ of every list, one page
	// long or not.
	if _, err := v.Doc(ctx, p+"/1"); err == nil {
		return true
	}
	return false
}

// dateFolder reports whether segs are the leading segments of an article
// key's date ("2024", "2024/05", "2024/05/31").
func dateFolder(segs []string) bool {
	for i, s := range segs {
		if len(s) != []int{4, 2, 2}[i] || !allDigits(s) {
			return false
		}
	}
	return true
}

// parse maps a site path to a target; it accepts only the canonical
// spellings the static build writes.
func (v *View) parse(path string) (target, bool) {
	path = strings.TrimPrefix(path, "/")
	if rest, ok := strings.CutPrefix(path, "feeds/"); ok {
		return v.parseFeed(rest)
	}
	if path == openapi.Path {
		return target{kind: tOpenAPI}, true
	}
	if path == "index.json" || strings.HasSuffix(path, "/index.json") {
		path = strings.TrimSuffix(path, "index.json")
	}
	path = strings.TrimSuffix(path, "/")
	if path == "api" {
		return target{kind: tAPIIndex}, true
	}
	segs := strings.Split(path, "/")
	if len(segs) < 2 || segs[0] != "api" {
		return target{}, false
	}
	for _, s := range segs {
		if s == "" || s == "." || s == ".." {
			return target{}, false
		}
	}
	rest := segs[2:]
	switch segs[1] {
	case "news":
		return v.parseNews(rest)
	case "events":
		return v.parseEvents(rest)
	case "people":
		return v.parsePeople(rest)
	case "learning":
		return v.parseLearning(rest)
	case "topics":
		return target{kind: tTopics}, len(rest) == 0
	case "newsletters":
		if firstPage(rest) {
			return target{kind: tNewsletters}, true
		}
		if len(rest) == 1 && v.newsletterBy[rest[0]] != nil {
			return target{kind: tNewsletter, a: rest[0]}, true
		}
	case "stories":
		if p, ok := pageOf(rest); ok {
			return target{kind: tStories, page: p}, true
		}
		if len(rest) == 1 && validID(rest[0]) {
			// One not in the view may have been merged away (see storyMerged).
			return target{kind: tStory, a: rest[0]}, true
		}
	}
	return target{}, false
}

// pageOf reads the page suffix of a list path: nothing (page 1), "pageN" or
// "page/N", N a positive decimal without leading zeros.
func pageOf(segs []string) (int, bool) {
	var num string
	switch {
	case len(segs) == 0:
		return 1, true
	case len(segs) == 1 && strings.HasPrefix(segs[0], "page"):
		num = segs[0][4:]
	case len(segs) == 2 && segs[0] == "page":
		num = segs[1]
	default:
		return 0, false
	}
	if num == "" || len(num) > 9 || num[0] == '0' || !allDigits(num) {
		return 0, false
	}
	n, err := strconv.Atoi(num)
	return n, err == nil && n > 0
}

func firstPage(segs []string) bool {
	p, ok := pageOf(segs)
	return ok && p == 1
}

func (v *View) isTopic(id string) bool {
	t := v.site.TopicByID(id)
	return t != nil && t != v.root
}

func (v *View) parseNews(rest []string) (target, bool) {
	if p, ok := pageOf(rest); ok {
		return target{kind: tNewsPage, page: p}, true
	}
	if len(rest) == 4 {
		key := strings.Join(rest, "/")
		if _, ok := v.articles[key]; ok || maybeArticleKey(rest) {
			return target{kind: tArticle, a: key}, true // archived news is looked up when rendered
		}
	}
	if len(rest) >= 1 && v.isTopic(rest[0]) {
		if p, ok := pageOf(rest[1:]); ok {
			return target{kind: tNewsPage, a: rest[0], page: p}, true
		}
	}
	// The root topic lists everything: its pages are api/news/'s.
	if len(rest) >= 1 && v.root != nil && rest[0] == v.root.ID {
		if p, ok := pageOf(rest[1:]); ok {
			return target{kind: tNewsPage, page: p}, true
		}
	}
	return target{}, false
}

func (v *View) parseEvents(rest []string) (target, bool) {
	switch {
	case firstPage(rest):
		return target{kind: tEvents}, true
	case len(rest) >= 1 && (rest[0] == "future" || rest[0] == "past") && firstPage(rest[1:]):
		return target{kind: tEvents, a: rest[0]}, true
	case len(rest) == 1 && validID(rest[0]) && v.eventBySlug[rest[0]] != nil:
		return target{kind: tEvent, a: rest[0]}, true
	case len(rest) >= 1 && v.isTopic(rest[0]) && firstPage(rest[1:]):
		return target{kind: tEventsTopic, a: rest[0]}, true
	}
	return target{}, false
}

func (v *View) parsePeople(rest []string) (target, bool) {
	switch {
	case firstPage(rest):
		return target{kind: tPeople}, true
	case len(rest) >= 1 && rest[0] == "collections" && firstPage(rest[1:]):
		return target{kind: tPeopleLists}, true
	case len(rest) == 2 && rest[0] == "collections" && validID(rest[1]) && v.peopleList[rest[1]] != nil:
		return target{kind: tPeopleList, a: rest[1]}, true
	case len(rest) == 1 && validID(rest[0]) && v.personBy[rest[0]] != nil:
		// A profile wins over a topic of the same id (both are
		// "donald-trump" in the election hub); the topic list stays at
		// page1/ and page/1/.
		return target{kind: tPerson, a: rest[0]}, true
	case len(rest) >= 1 && v.isTopic(rest[0]) && firstPage(rest[1:]):
		return target{kind: tPeople, a: rest[0]}, true
	}
	return target{}, false
}

func (v *View) parseLearning(rest []string) (target, bool) {
	switch {
	case firstPage(rest):
		return target{kind: tLearning}, true
	case len(rest) >= 1 && rest[0] == "collections" && firstPage(rest[1:]):
		return target{kind: tLearnLists}, true
	case len(rest) == 2 && validID(rest[0]) && validID(rest[1]) && v.learnBy[rest[0]+"/"+rest[1]] != nil:
		return target{kind: tLearnItem, a: rest[0] + "/" + rest[1]}, true
	}
	return target{}, false
}

func (v *View) parseFeed(rest string) (target, bool) {
	for f, name := range newsletterFeedFile {
		if rest == name {
			return target{kind: tNewsletterFeed, b: f}, true
		}
	}
	topic := ""
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		topic, rest = rest[:i], rest[i+1:]
		if !v.isTopic(topic) {
			return target{}, false
		}
	}
	switch rest {
	case "rss.xml":
		return target{kind: tFeed, a: topic, b: "rss"}, true
	case "atom.xml":
		return target{kind: tFeed, a: topic, b: "atom"}, true
	case "feed.json":
		return target{kind: tFeed, a: topic, b: "json"}, true
	}
	return target{}, false
}

// render produces a document's bytes.
func (v *View) render(ctx context.Context, t target) ([]byte, string, error) {
	var b []byte
	var err error
	switch t.kind {
	case tNewsPage:
		b, err = v.newsPage(v.latestIn(t.a), t.page)
	case tArticle:
		b, err = v.articleDoc(ctx, t.a)
	case tEvents:
		b, err = v.eventsDoc(t.a)
	case tEventsTopic:
		b, err = v.eventsTopicDoc(t.a)
	case tEvent:
		b, err = encodeIndent(v.eventItem(v.eventBySlug[t.a]), "")
	case tPeople:
		b, err = v.peopleDoc(t.a)
	case tPerson:
		b, err = encodeIndent(v.personItem(v.personBy[t.a]), "")
	case tPeopleLists:
		b, err = v.peopleListsDoc()
	case tPeopleList:
		b, err = encodeIndent(v.personItem(v.peopleList[t.a]), "")
	case tLearning:
		b, err = v.learningDoc(v.learning, "Learning Resources", "_learning")
	case tLearnLists:
		b, err = v.learningDoc(v.learnLists, "Learning Collections", "_learning/collections")
	case tLearnItem:
		b, err = encodeCompact(v.learningV3(v.learnBy[t.a]))
	case tTopics:
		b, err = v.topicsDoc()
	case tStories:
		b, err = v.storiesPage(t.page)
	case tStory:
		if s := v.storyBy[t.a]; s != nil {
			b, err = v.storyDoc(s)
		} else {
			err = v.storyMerged(ctx, t.a)
		}
	case tFeed:
		return v.feed(t.a, t.b)
	case tNewsletters:
		b, err = v.newslettersDoc()
	case tNewsletter:
		b, err = v.newsletterDoc(ctx, t.a)
	case tNewsletterFeed:
		return v.newsletterFeed(t.b)
	case tOpenAPI:
		b = openapi.Document(v.base)
	case tAPIIndex:
		b, err = v.apiIndexDoc()
	default:
		err = ErrNotFound
	}
	return b, TypeJSON, err
}

// v1Envelope is the older list document: title and path, no nextPage.
type v1Envelope struct {
	Title string `json:"title"`
	Path  string `json:"path"`
	Page  int    `json:"page"`
	Value any    `json:"value"`
}

// v2Envelope is the news-style list document.
type v2Envelope struct {
	Page     int  `json:"page"`
	Value    any  `json:"value"`
	NextPage *int `json:"nextPage"`
}

// newsPage writes a V2 page from the pre-encoded items.
func (v *View) newsPage(list []*Entry, page int) ([]byte, error) {
	n := pageCount(len(list), v.pageSize)
	if page < 1 || page > n {
		return nil, ErrNotFound
	}
	lo := (page - 1) * v.pageSize
	hi := min(lo+v.pageSize, len(list))
	size := 64
	for _, e := range list[lo:hi] {
		size += len(e.body) + 6
	}
	b := make([]byte, 0, size)
	b = append(b, "{\n  \"page\": "...)
	b = strconv.AppendInt(b, int64(page), 10)
	b = append(b, ",\n  \"value\": "...)
	b = appendItems(b, list[lo:hi])
	b = append(b, ",\n  \"nextPage\": "...)
	if page < n {
		b = strconv.AppendInt(b, int64(page+1), 10)
	} else {
		b = append(b, "null"...)
	}
	return append(b, "\n}"...), nil
}

// appendItems writes a JSON array of pre-encoded items at depth 2.
func appendItems(b []byte, items []*Entry) []byte {
	if len(items) == 0 {
		return append(b, "[]"...)
	}
	b = append(b, "[\n"...)
	for i, e := range items {
		b = append(b, "    "...)
		b = append(b, e.body...)
		if i < len(items)-1 {
			b = append(b, ',')
		}
		b = append(b, '\n')
	}
	return append(b, "  ]"...)
}

// articleDoc renders one article with its related list, read from the
// store: a current article of the view, else an archived one (an article
// the view holds may have been archived since it was loaded).
func (v *View) articleDoc(ctx context.Context, key string) ([]byte, error) {
	var r *model.Record
	err := store.ErrNotFound
	if path, ok := v.articles[key]; ok {
		r, err = v.rd.Get(ctx, path)
	}
	if errors.Is(err, store.ErrNotFound) {
		r, err = v.archivedRecord(ctx, key)
	}
	switch {
	case errors.Is(err, ErrNotFound) || err == nil && !v.shows(r):
		return nil, ErrNotFound // gone, or withheld since the view was loaded
	case err != nil:
		return nil, fmt.Errorf("article %s: %w", key, err)
	}
	return v.articleBytes(r)
}

func (v *View) articleBytes(r *model.Record) ([]byte, error) {
	return encodeNews(v.newsItem(r.Path, r.Article, true), ""), nil
}

// pastAt returns the number of events that have ended at now, and when
// the last of them ended (zero for none).
func (v *View) pastAt(now time.Time) (n int, ended time.Time) {
	for _, r := range v.events {
		if EventPast(r.Event, now) {
			n++
			ended = later(ended, eventEnd(r.Event))
		}
	}
	return n, ended
}

// EventPast reports whether an event has ended (or, without an end, begun).
func EventPast(e *model.Event, now time.Time) bool {
	return !eventEnd(e).After(now)
}

// eventEnd is when an event ends, or without an end, begins.
func eventEnd(e *model.Event) time.Time {
	if e.EndDateTime.IsZero() {
		return e.StartDateTime
	}
	return e.EndDateTime
}

// splitEvents gives the future events by start ascending and the past ones
// by start descending.
func (v *View) splitEvents(list []*model.Record) (future, past []*model.Record) {
	now := v.opt.Now()
	for _, r := range list {
		if EventPast(r.Event, now) {
			past = append(past, r)
		} else {
			future = append(future, r)
		}
	}
	for i, j := 0, len(past)-1; i < j; i, j = i+1, j-1 {
		past[i], past[j] = past[j], past[i]
	}
	return future, past
}

func (v *View) eventsDoc(which string) ([]byte, error) {
	future, past := v.splitEvents(v.events)
	var list []*model.Record
	title := "Events"
	switch which {
	case "future":
		list, title = future, "Future Events"
	case "past":
		list, title = past, "Past Events"
	default:
		list = append(future, past...)
	}
	items := make([]*eventJSON, len(list))
	for i, r := range list {
		items[i] = v.eventItem(r)
	}
	return encodeIndent(v1Envelope{Title: title, Path: "_events", Page: 1, Value: items}, "")
}

func (v *View) eventsTopicDoc(id string) ([]byte, error) {
	name := v.site.TopicByID(id).Name
	var mine []*model.Record
	for _, r := range v.events {
		if slices.Contains(r.Event.Topics, name) {
			mine = append(mine, r)
		}
	}
	future, past := v.splitEvents(mine)
	items := []*eventV2JSON{}
	for _, r := range append(future, past...) {
		items = append(items, v.eventV2(r))
	}
	return encodeIndent(v2Envelope{Page: 1, Value: items}, "")
}

func (v *View) eventItem(r *model.Record) *eventJSON {
	e, slug := r.Event, Slug(r.Path)
	it := &eventJSON{
		Path: r.Path, Title: e.Name, Excerpt: e.Excerpt,
		SourceURL: v.apiURL("events/" + slug), WebURL: v.pagesURL() + "/" + EventPath(slug),
		OriginalURL: e.OriginalURL, Name: e.Name, FeaturedContent: e.FeaturedContent, Type: e.Type,
		StartDateTime: stampPtr(e.StartDateTime, v.loc), EndDateTime: stampPtr(e.EndDateTime, v.loc),
		Location: e.Location, Topics: nonNil(e.Topics), Highlight: v.highlight(e.Topics),
		Images: v1Images(v.base, e.Images),
	}
	if e.Provider != nil {
		it.Provider = &eventProvider{Name: e.Provider.Name, Domain: e.Provider.Domain, Images: v1Images(v.base, e.Provider.Images),
			Publishers: partiesV1(v.base, e.Provider.PublisherList()), Authors: partiesV1(v.base, e.Provider.AuthorList())}
	}
	return it
}

func (v *View) eventV2(r *model.Record) *eventV2JSON {
	e, slug := r.Event, Slug(r.Path)
	it := &eventV2JSON{
		Path: r.Path, Title: e.Name, Excerpt: e.Excerpt,
		SourceURL: v.apiURL("events/" + slug), WebURL: v.pagesURL() + "/" + EventPath(slug),
		OriginalURL: e.OriginalURL, Name: e.Name, FeaturedContent: strPtr(e.FeaturedContent), Type: e.Type,
		StartDateTime: stampPtr(e.StartDateTime, v.loc), EndDateTime: stampPtr(e.EndDateTime, v.loc),
		Location: strPtr(e.Location), Topics: nonNil(e.Topics), Highlight: v.highlight(e.Topics),
		Images: newsImages(v.base, e.Images, false),
	}
	if e.Provider != nil {
		p := v.newsProvider(*e.Provider)
		it.Provider = &p
	}
	return it
}

func (v *View) peopleDoc(topicID string) ([]byte, error) {
	items := []*personJSON{}
	name := ""
	if topicID != "" {
		name = v.site.TopicByID(topicID).Name
	}
	for _, r := range v.people {
		if name == "" || slices.Contains(r.Person.Topics, name) {
			items = append(items, v.personItem(r))
		}
	}
	return encodeIndent(v1Envelope{Title: "People", Path: "_people", Page: 1, Value: items}, "")
}

func (v *View) peopleListsDoc() ([]byte, error) {
	items := make([]*personJSON, len(v.peopleLists))
	for i, r := range v.peopleLists {
		items[i] = v.personItem(r)
	}
	return encodeIndent(v1Envelope{Title: "People Collections", Path: "_people/collections", Page: 1, Value: items}, "")
}

// topItemsLimit is how many members a collection shows inline.
const topItemsLimit = 4

func (v *View) personItem(r *model.Record) *personJSON {
	p, slug := r.Person, Slug(r.Path)
	it := &personJSON{
		Path: r.Path, Title: p.Name, Excerpt: p.Bio,
		SourceURL: v.apiURL("people/" + slug), WebURL: v.pagesURL() + "/" + PersonPath(slug),
		Type: p.Type, Name: p.Name, Bio: p.Bio, Location: p.Location, Website: p.Website,
		Topics: nonNil(p.Topics), Highlight: v.highlight(p.Topics), Heat: p.Heat, Images: personImages(v.base, p.Images),
	}
	if it.Type == "" {
		it.Type = "profile"
	}
	if p.Twitter != nil {
		it.Twitter = &twitterJSON{Username: p.Twitter.Username, URL: p.Twitter.URL, Followers: tally(p.Twitter.Followers)}
	}
	it.LinkedIn, it.YouTube, it.Facebook = channelOf(p.LinkedIn), channelOf(p.YouTube), channelOf(p.Facebook)
	if a := p.Affiliation; a != nil {
		it.Affiliation = &partyV1{Name: a.Name, Domain: a.Domain, Images: providerImagesV1(v.base, a.Images)}
	}
	if r.Kind == model.KindPeopleList {
		it.Type = "collection"
		it.SourceURL = v.apiURL("people/collections/" + slug)
		it.WebURL = v.pagesURL() + "/" + PeopleListPath(slug)
		it.TopItems = []personTopItem{}
		for _, s := range p.Items {
			m := v.personBy[s]
			if m == nil || len(it.TopItems) == topItemsLimit {
				continue
			}
			mp := m.Person
			it.TopItems = append(it.TopItems, personTopItem{Title: mp.Name, Excerpt: mp.Bio, Type: "profile",
				Name: mp.Name, Bio: mp.Bio, Topics: nonNil(mp.Topics), Heat: mp.Heat, Images: personImages(v.base, mp.Images)})
		}
		n := len(p.Items)
		it.Size = &n
		it.Content = "\r\n"
	}
	return it
}

func (v *View) learningDoc(list []*model.Record, title, path string) ([]byte, error) {
	items := make([]*learningJSON, len(list))
	for i, r := range list {
		items[i] = v.learningItem(r)
	}
	return encodeIndent(v1Envelope{Title: title, Path: path, Page: 1, Value: items}, "")
}

// pagesURL is where the website's pages of records are, for their
// documents' webUrl: the site's webUrl, else its base URL (where a hub
// that gives no webUrl has its website, as its feeds say), rather than
// a path with no host.
func (v *View) pagesURL() string { return cmp.Or(v.web, v.base) }

// learningWebURL is the item's webUrl as Smartable's API gave it: the
// record's own webUrl when it has one (books and courses give their
// address there, with no originalUrl), an article's original site, else
// the resource's page on the website.
func (v *View) learningWebURL(r *model.Record) string {
	if r.Learning.WebURL != "" {
		return r.Learning.WebURL
	}
	key := LearningKey(r.Path)
	if strings.HasPrefix(key, "articles/") && r.Learning.OriginalURL != "" {
		return r.Learning.OriginalURL
	}
	return v.pagesURL() + "/" + LearningPath(key)
}

func (v *View) learningTop(l *model.Learning) ([]learningTopItem, *int) {
	if len(l.Items) == 0 && l.Type != "collection" {
		return nil, nil
	}
	top := []learningTopItem{}
	for _, k := range l.Items {
		m := v.learnBy[k]
		if m == nil || len(top) == topItemsLimit {
			continue
		}
		ml := m.Learning
		top = append(top, learningTopItem{Title: ml.Title, Excerpt: ml.Excerpt, Heat: ml.Heat,
			Images: v1Images(v.base, ml.Images), Type: ml.Type, Topics: nonNil(ml.Topics)})
	}
	n := len(l.Items)
	return top, &n
}

func (v *View) learningItem(r *model.Record) *learningJSON {
	l := r.Learning
	it := &learningJSON{
		Path: r.Path, Title: l.Title, Excerpt: l.Excerpt,
		SourceURL: v.apiURL("learning/" + LearningKey(r.Path)), WebURL: v.learningWebURL(r),
		OriginalURL: l.OriginalURL, FeaturedContent: l.FeaturedContent, Length: l.Length, Ratings: ratingsOf(l.Ratings),
		PublishedDateTime: stampPtr(l.PublishedDateTime, v.loc), Levels: l.Levels, Heat: l.Heat,
		Images: v1Images(v.base, l.Images), Type: l.Type, Price: l.Price, Topics: nonNil(l.Topics),
	}
	if lp := l.Provider; lp != nil {
		it.Provider = &learningProvider{Name: lp.Name, Domain: lp.Domain, Images: providerImagesV1(v.base, lp.Images),
			Publishers: partiesV1(v.base, lp.PublisherList()), Authors: partiesV1(v.base, lp.AuthorList())}
	}
	it.TopItems, it.Size = v.learningTop(l)
	return it
}

func (v *View) learningV3(r *model.Record) *learningV3JSON {
	l := r.Learning
	it := &learningV3JSON{
		Path: r.Path, Title: l.Title, Excerpt: l.Excerpt,
		SourceURL: v.apiURL("learning/" + LearningKey(r.Path)), WebURL: v.learningWebURL(r),
		OriginalURL: strPtr(l.OriginalURL), FeaturedContent: strPtr(l.FeaturedContent), Length: strPtr(l.Length),
		Ratings: ratingsOf(l.Ratings), Levels: l.Levels,
		PublishedDateTime: stampPtr(l.PublishedDateTime, v.loc), Heat: l.Heat,
		Images: newsImages(v.base, l.Images, false), Content: "\r\n", Type: strPtr(l.Type), Price: strPtr(l.Price),
		Topics: nonNil(l.Topics),
	}
	if l.Provider != nil {
		p := v.newsProvider(*l.Provider)
		it.Provider = &p
	}
	it.TopItems, it.Size = v.learningTop(l)
	return it
}

func (v *View) topicsDoc() ([]byte, error) {
	items := []topicJSON{}
	for _, t := range v.site.Topics {
		it := topicJSON{Name: t.Name, Shortname: t.Shortname, ID: t.ID, Parent: t.Parent,
			Images: v.absolute(t.Images), Services: []serviceJSON{}, Highlight: v.highlight([]string{t.Name})}
		if it.Shortname == "" {
			it.Shortname = t.Name
		}
		for _, s := range t.Services {
			// An endpoint written as a path of the site is given absolute,
			// as the topic's pictures are.
			it.Services = append(it.Services, serviceJSON{Name: s.Name, Endpoint: site.Absolute(v.base, s.Endpoint)})
		}
		items = append(items, it)
	}
	return encodeIndent(struct {
		Value []topicJSON `json:"value"`
	}{items}, "")
}

// voicesJSON writes voice counts as an object in taxonomy order.
type voicesJSON []voiceCount

func (v voicesJSON) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	for i, c := range v {
		if i > 0 {
			b = append(b, ',')
		}
		name, _ := json.Marshal(c.name)
		b = append(b, name...)
		b = append(b, ':')
		b = strconv.AppendInt(b, int64(c.count), 10)
	}
	return append(b, '}'), nil
}

type storySummaryJSON struct {
	ID                string     `json:"id"`
	Title             string     `json:"title"`
	SourceURL         string     `json:"sourceUrl"`
	Lead              string     `json:"lead"`
	PublishedDateTime stamp      `json:"publishedDateTime"`
	Heat              int        `json:"heat"`
	Size              int        `json:"size"`
	Publishers        []string   `json:"publishers"`
	Voices            voicesJSON `json:"voices"`
}

func (v *View) storySummary(s *Story) storySummaryJSON {
	return storySummaryJSON{
		ID: s.ID, Title: s.Lead.Title, SourceURL: v.apiURL("stories/" + s.ID),
		Lead:              v.apiURL("news/" + s.Lead.Key),
		PublishedDateTime: stamp(s.Lead.Time.In(v.loc)), Heat: s.Lead.Heat, Size: len(s.Members),
		Publishers: nonNil(s.publishers), Voices: voicesJSON(s.voices),
	}
}

func (v *View) storiesPage(page int) ([]byte, error) {
	n := pageCount(len(v.apiStories), v.pageSize)
	if page < 1 || page > n {
		return nil, ErrNotFound
	}
	lo := (page - 1) * v.pageSize
	hi := min(lo+v.pageSize, len(v.apiStories))
	items := make([]storySummaryJSON, 0, hi-lo)
	for _, s := range v.apiStories[lo:hi] {
		items = append(items, v.storySummary(s))
	}
	env := v2Envelope{Page: page, Value: items}
	if page < n {
		next := page + 1
		env.NextPage = &next
	}
	return encodeIndent(env, "")
}

// storyDoc writes the story's summary followed by its members, splicing
// the pre-encoded items in rather than encoding them again.
func (v *View) storyDoc(s *Story) ([]byte, error) {
	head, err := encodeIndent(v.storySummary(s), "")
	if err != nil {
		return nil, err
	}
	b := append(head[:len(head)-2:len(head)-2], ",\n  \"members\": "...)
	b = appendItems(b, s.Members)
	return append(b, "\n}"...), nil
}
