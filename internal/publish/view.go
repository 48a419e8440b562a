package publish

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sync/errgroup"

	"newshub/internal/curate"
	"newshub/internal/model"
	"newshub/internal/site"
	"newshub/internal/store"
)

// Options tune how a View publishes.
type Options struct {
	// BaseURL is the absolute URL the hub is published at (the sourceUrl
	// prefix, the feeds' links, the website's canonical links, e.g.
	// "https://example.org/hub"). Empty means the site's url + baseurl.
	BaseURL string
	// Now is the clock: it ranks the leads and splits events into future
	// and past. Nil means time.Now.
	Now func() time.Time
	// CacheBytes caps the memory of rendered documents kept for serving;
	// 0 means 256 MiB, negative disables the cache.
	CacheBytes int64
}

// View is the published form of one store generation, loaded once: every
// news entry with its item encoded for a list, the leads newest first and
// ranked for top stories, per topic too, the stories, events, people and
// learning. The JSON documents and the feeds (this package) and the
// website's pages (package web) are all rendered from it, so they show the
// same articles in the same order. A View is read-only and safe for
// concurrent use.
type View struct {
	st       store.Store
	site     *site.Site
	opt      Options
	gen      int64
	modTime  time.Time
	loc      *time.Location
	base     string // API, feed and site base URL, no trailing slash
	web      string // the web app URL (webUrl), no trailing slash
	locale   string
	pageSize int
	root     *model.Topic
	voices   []voice
	topics   *topicSets // the news entries' topic lists
	topicIDs map[string][]string

	news       map[string]*Entry // record path → entry
	articles   map[string]string // "YYYY/MM/DD/slug" → record path
	leads      []*Entry          // published, newest first
	topicLeads map[string][]*Entry

	events      []*model.Record // by start ascending
	eventBySlug map[string]*model.Record
	people      []*model.Record // profiles by heat
	personBy    map[string]*model.Record
	peopleLists []*model.Record
	peopleList  map[string]*model.Record
	learning    []*model.Record // resources and collections by heat
	learnLists  []*model.Record
	learnBy     map[string]*model.Record // "videos/<slug>" → record

	loose      []*Entry // entries in no story
	stories    []*Story // newest lead first
	apiStories []*Story // those with an id that is a safe path segment
	storyBy    map[string]*Story

	docs *docCache // shared by the rankings of one load
	rank *ranking
}

// Entry is one news article of a view: what lists, feeds and pages show
// of it, and its item encoded for a JSON list. Its strings and topic list
// are shared with the view's other entries: callers must not modify them.
type Entry struct {
	Path      string // the record's path
	Key       string // "YYYY/MM/DD/slug": where its documents and page live
	Title     string
	Provider  string // the publisher's name
	Domain    string // the publisher's domain
	Story     string // the story id, "" for none
	Topics    []string
	Time      time.Time // publication time
	Heat      int
	Quality   int
	Published bool // the lead of its story

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
}

// Details reads what the entry's item says beyond the entry's fields:
// the values at its marks, without decoding the rest of the item.
func (e *Entry) Details() Details {
	return Details{Excerpt: e.markedString(markExcerpt), WebURL: e.markedString(markWebURL),
		AmpWebURL: e.markedString(markAmpWebURL),
		Images:    e.markedImages(markImages), ProviderImages: e.markedImages(markProviderImages)}
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

// Story is a story of a view: its members, lead first, then by quality
// descending, earliest first (the store's order).
type Story struct {
	ID      string
	Lead    *Entry
	Members []*Entry

	publishers []string
	voices     []voiceCount
}

type voiceCount struct {
	name  string
	count int
}

// voice is a topic that carries a highlight.
type voice struct {
	name string
	h    highlightJSON
}

// ranking is the order of the leads for top stories at one time.
type ranking struct {
	at     time.Time
	leads  []*Entry
	topics map[string][]*Entry // topic id → its leads in rank order
}

// Load reads the store and builds the view of its current generation.
func Load(ctx context.Context, st store.Store, s *site.Site, opt Options) (*View, error) {
	return load(ctx, st, s, opt, nil)
}

// load builds the view; each, when set, is also given every news record
// the view shows with its item (related list included), from several
// goroutines, so a build writes the per-article documents in the same pass
// over the store.
func load(ctx context.Context, st store.Store, s *site.Site, opt Options, each func(*View, *model.Record, *newsJSON)) (*View, error) {
	gen, err := st.Generation(ctx)
	if err != nil {
		return nil, fmt.Errorf("publish: generation: %w", err)
	}
	v := newView(st, s, opt, gen)
	slabs := make([]slab, runtime.GOMAXPROCS(0))
	var mu sync.Mutex
	err = eachNews(ctx, st, gen, len(slabs), func(worker int, r *model.Record) {
		if !v.shows(r) {
			return
		}
		e, it := v.newEntry(&slabs[worker], r, each != nil)
		mu.Lock()
		v.insert(e)
		mu.Unlock()
		if each != nil {
			each(v, r, it)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	kinds := []model.Kind{model.KindEvent, model.KindPerson, model.KindPeopleList,
		model.KindLearning, model.KindLearningList}
	err = st.Scan(ctx, kinds, func(r *model.Record) error {
		v.add(r)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("publish: scan: %w", err)
	}
	v.finish()
	v.rank = v.rankAt(v.opt.Now())
	return v, nil
}

func newView(st store.Store, s *site.Site, opt Options, gen int64) *View {
	cfg := s.Config
	base := opt.BaseURL
	if base == "" {
		base = SiteURL(cfg)
	}
	locale := cmp.Or(cfg.Locale, "en-us")
	if opt.CacheBytes == 0 {
		opt.CacheBytes = 256 << 20
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	v := &View{
		st: st, site: s, opt: opt, gen: gen,
		modTime:  time.Now().UTC().Truncate(time.Second),
		loc:      cfg.Location(),
		base:     strings.TrimSuffix(base, "/"),
		web:      strings.TrimSuffix(cfg.WebURL, "/"),
		locale:   locale,
		pageSize: cfg.PageSize(),
		root:     s.Root(),
		topicIDs: map[string][]string{},
		news:     map[string]*Entry{}, articles: map[string]string{},
		topicLeads:  map[string][]*Entry{},
		eventBySlug: map[string]*model.Record{}, personBy: map[string]*model.Record{},
		peopleList: map[string]*model.Record{}, learnBy: map[string]*model.Record{},
		storyBy: map[string]*Story{}, docs: &docCache{docs: map[docKey]*Doc{}},
	}
	var names []string
	for _, t := range s.Topics {
		names = append(names, t.Name)
		v.topicIDs[t.Name] = append(v.topicIDs[t.Name], t.ID)
	}
	v.topics = newTopicSets(names)
	for _, t := range s.Topics {
		hl := site.TopicHighlight(t)
		if hl == nil {
			continue
		}
		v.voices = append(v.voices, voice{name: t.Name,
			h: highlightJSON{Text: t.Name, TextColor: hl.TextColor, BackgroundColor: hl.BackgroundColor}})
	}
	return v
}

// SiteURL is the URL a site's configuration says it lives at: its url and
// baseurl joined, without a trailing slash.
func SiteURL(cfg *model.Config) string {
	return strings.TrimSuffix(strings.TrimSuffix(cfg.URL, "/")+"/"+strings.Trim(cfg.BaseURL, "/"), "/")
}

// shows reports whether the view publishes a news record. Every output
// (documents, feeds, pages, search results) asks here, so a rule about
// what is published is made in this one place.
func (v *View) shows(r *model.Record) bool {
	return r.Kind == model.KindNews && r.Article != nil
}

// Shows reports whether the view would publish the news record r, for
// readers that get records from the store directly (search).
func (v *View) Shows(r *model.Record) bool { return v.shows(r) }

// Generation is the store generation the view shows.
func (v *View) Generation() int64 { return v.gen }

// ModTime is when the view was loaded, the Last-Modified of its documents.
func (v *View) ModTime() time.Time { return v.modTime }

// Now is the time the view's leads are ranked at.
func (v *View) Now() time.Time { return v.rank.at }

// Site is the configuration the view was loaded with.
func (v *View) Site() *site.Site { return v.site }

// Location is the site's time zone.
func (v *View) Location() *time.Location { return v.loc }

// BaseURL is the absolute URL the API, the feeds and the website live
// under, without a trailing slash.
func (v *View) BaseURL() string { return v.base }

// Ranked lists the leads for top stories, best first.
func (v *View) Ranked() []*Entry { return v.rank.leads }

// RankedIn lists the leads carrying a topic, best first.
func (v *View) RankedIn(topicID string) []*Entry { return v.rank.topics[topicID] }

// Story returns the story with the id, or nil.
func (v *View) Story(id string) *Story { return v.storyBy[id] }

// Stories lists every story, the newest lead first.
func (v *View) Stories() []*Story { return v.stories }

// Loose lists the entries in no story.
func (v *View) Loose() []*Entry { return v.loose }

// Entry returns the entry of a record path, or nil.
func (v *View) Entry(path string) *Entry { return v.news[path] }

// Article returns the entry whose page and document are at key
// ("YYYY/MM/DD/slug"), or nil.
func (v *View) Article(key string) *Entry {
	if p, ok := v.articles[key]; ok {
		return v.news[p]
	}
	return nil
}

// Events lists the events by start, earliest first.
func (v *View) Events() []*model.Record { return v.events }

// People lists the people records (profiles, and collections written as
// one) by heat, then path.
func (v *View) People() []*model.Record { return v.people }

// PeopleLists lists the people collections by heat, then path.
func (v *View) PeopleLists() []*model.Record { return v.peopleLists }

// Learning lists the learning resources and collections by heat, then
// path.
func (v *View) Learning() []*model.Record { return v.learning }

func (v *View) add(r *model.Record) {
	switch {
	case r.Kind == model.KindEvent && r.Event != nil:
		r.Raw = nil
		v.events = append(v.events, r)
		v.eventBySlug[Slug(r.Path)] = r
	case r.Kind == model.KindPerson && r.Person != nil:
		r.Raw = nil
		v.people = append(v.people, r)
		v.personBy[Slug(r.Path)] = r
	case r.Kind == model.KindPeopleList && r.Person != nil:
		r.Raw = nil
		v.peopleLists = append(v.peopleLists, r)
		v.peopleList[Slug(r.Path)] = r
	case (r.Kind == model.KindLearning || r.Kind == model.KindLearningList) && r.Learning != nil:
		r.Raw = nil
		v.learning = append(v.learning, r)
		if r.Kind == model.KindLearningList {
			v.learnLists = append(v.learnLists, r)
		}
		v.learnBy[LearningKey(r.Path)] = r
	}
}

// LearningKey gives "videos/<slug>" for "_learning/videos/<slug>.md", the
// name collections use for a resource.
func LearningKey(path string) string {
	p := strings.TrimPrefix(path, "_learning/")
	return strings.TrimSuffix(p, ".md")
}

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

// loadChunk is how many news records one query of a parallel read gets.
const loadChunk = 2000

// EachNews calls fn with every news record of the store, each once, from
// several goroutines at once (see eachNews).
func EachNews(ctx context.Context, st store.Store, fn func(r *model.Record)) error {
	gen, err := st.Generation(ctx)
	if err != nil {
		return fmt.Errorf("generation: %w", err)
	}
	return eachNews(ctx, st, gen, runtime.GOMAXPROCS(0), func(_ int, r *model.Record) { fn(r) })
}

// eachNews calls fn with every news record of the store from workers
// goroutines, telling each call which (0…workers-1) makes it, so fn may
// keep state per goroutine. Decoding records is most of the cost of
// reading them, and runs beside fn on its own goroutines.
func eachNews(ctx context.Context, st store.Store, gen int64, workers int, fn func(worker int, r *model.Record)) error {
	news := make(chan *model.Record, 256)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range news {
				fn(i, r)
			}
		}()
	}
	err := scanNews(ctx, st, gen, news)
	close(news)
	wg.Wait()
	return err
}

// scanNews sends every news record to out: it reads chunks of the
// time-ordered listing in parallel, one query each; if the store changed
// meanwhile (the chunks may then overlap or miss records), it reads again
// with one Scan, which reads one consistent state of the store.
func scanNews(ctx context.Context, st store.Store, gen int64, out chan<- *model.Record) error {
	total, err := st.CountNews(ctx, store.NewsQuery{})
	if err != nil {
		return fmt.Errorf("count news: %w", err)
	}
	var seen sync.Map
	var next atomic.Int64
	g, gctx := errgroup.WithContext(ctx)
	for range runtime.GOMAXPROCS(0) {
		g.Go(func() error {
			for {
				off := int(next.Add(1)-1) * loadChunk
				if off >= total {
					return nil
				}
				recs, err := st.News(gctx, store.NewsQuery{Order: store.ByTime, Offset: off, Limit: loadChunk, NoRaw: true})
				if err != nil {
					return fmt.Errorf("news: %w", err)
				}
				for _, r := range recs {
					if r.Article == nil {
						continue
					}
					if _, dup := seen.LoadOrStore(r.Path, true); dup {
						continue
					}
					select {
					case out <- r:
					case <-gctx.Done():
						return context.Cause(gctx)
					}
				}
			}
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	after, err := st.Generation(ctx)
	if err != nil {
		return fmt.Errorf("generation: %w", err)
	}
	if after == gen {
		return nil
	}
	// Written meanwhile: fill in what the chunks missed from one Scan.
	// Records sent twice are replaced by their later version.
	return st.Scan(ctx, []model.Kind{model.KindNews}, func(r *model.Record) error {
		if _, dup := seen.LoadOrStore(r.Path, true); dup || r.Article == nil {
			return nil
		}
		select {
		case out <- r:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
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
		Published: a.Published, Time: a.PublishedDateTime, Heat: a.Heat, Quality: a.Quality,
		Topics: v.topics.intern(a.Topics),
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

// finish sorts the lists and groups stories once every record is in.
func (v *View) finish() {
	members := map[string][]*Entry{}
	for _, e := range v.news {
		if e.Story != "" {
			members[e.Story] = append(members[e.Story], e)
		} else {
			v.loose = append(v.loose, e)
		}
		if e.Published {
			v.leads = append(v.leads, e)
		}
	}
	sortNews(v.leads)
	for _, e := range v.leads {
		v.eachTopic(e, func(id string) { v.topicLeads[id] = append(v.topicLeads[id], e) })
	}
	// Stories share a few large arrays rather than owning small ones, for
	// the collector's sake (see slab).
	var st storySlab
	n := 0
	for _, ms := range members {
		n += len(ms)
	}
	st.entries = make([]Story, 0, len(members))
	st.members = make([]*Entry, 0, n)
	st.publishers = make([]string, 0, n)
	st.voices = make([]voiceCount, 0, len(members)*len(v.voices))
	for id, ms := range members {
		v.addStory(&st, id, ms)
	}
	sort.Slice(v.stories, func(i, j int) bool {
		a, b := v.stories[i].Lead, v.stories[j].Lead
		if !a.Time.Equal(b.Time) {
			return a.Time.After(b.Time)
		}
		return v.stories[i].ID < v.stories[j].ID
	})
	for _, s := range v.stories {
		if validID(s.ID) {
			v.apiStories = append(v.apiStories, s)
		}
	}
	sort.SliceStable(v.events, func(i, j int) bool {
		a, b := v.events[i].Event, v.events[j].Event
		if !a.StartDateTime.Equal(b.StartDateTime) {
			return a.StartDateTime.Before(b.StartDateTime)
		}
		return v.events[i].Path < v.events[j].Path
	})
	byHeat := func(rs []*model.Record, heat func(*model.Record) int) {
		sort.SliceStable(rs, func(i, j int) bool {
			if a, b := heat(rs[i]), heat(rs[j]); a != b {
				return a > b
			}
			return rs[i].Path < rs[j].Path
		})
	}
	personHeat := func(r *model.Record) int { return r.Person.Heat }
	learnHeat := func(r *model.Record) int { return r.Learning.Heat }
	byHeat(v.people, personHeat)
	byHeat(v.peopleLists, personHeat)
	byHeat(v.learning, learnHeat)
	byHeat(v.learnLists, learnHeat)
}

// eachTopic calls fn with the id of every topic of the site e carries.
func (v *View) eachTopic(e *Entry, fn func(id string)) {
	for _, name := range e.Topics {
		for _, id := range v.topicIDs[name] {
			fn(id)
		}
	}
}

// sortNews orders news newest first, then by path (the store's ByTime).
func sortNews(l []*Entry) {
	sort.Slice(l, func(i, j int) bool {
		if !l[i].Time.Equal(l[j].Time) {
			return l[i].Time.After(l[j].Time)
		}
		return l[i].Path < l[j].Path
	})
}

// rankAt orders the leads for top stories at now, as curate.Rank does: by
// score, then newest first, then by rankKey. The leads come newest first,
// as curate.Rank's callers gave them, so equal keys keep that order.
func (v *View) rankAt(now time.Time) *ranking {
	type scored struct {
		e *Entry
		s float64
	}
	list := make([]scored, len(v.leads))
	for i, e := range v.leads {
		list[i] = scored{e, v.score(e, now)}
	}
	slices.SortStableFunc(list, func(x, y scored) int {
		if c := cmp.Compare(y.s, x.s); c != 0 {
			return c
		}
		if c := y.e.Time.Compare(x.e.Time); c != 0 {
			return c
		}
		return strings.Compare(x.e.rankKey, y.e.rankKey)
	})
	r := &ranking{at: now, leads: make([]*Entry, len(list)), topics: make(map[string][]*Entry, len(v.topicLeads))}
	for i, s := range list {
		r.leads[i] = s.e
	}
	for id, l := range v.topicLeads {
		r.topics[id] = make([]*Entry, 0, len(l))
	}
	for _, e := range r.leads {
		v.eachTopic(e, func(id string) { r.topics[id] = append(r.topics[id], e) })
	}
	return r
}

// score is a lead's ranking score at now: the one place a rule that moves
// a lead up or down the top stories belongs.
func (v *View) score(e *Entry, now time.Time) float64 {
	a := model.Article{Heat: e.Heat, PublishedDateTime: e.Time}
	return curate.RankScore(&a, now)
}

// rankedAt returns a view of the same load with its leads ranked at now;
// the loaded data and the rendered documents are shared.
func (v *View) rankedAt(now time.Time) *View {
	nv := *v
	nv.rank = v.rankAt(now)
	return &nv
}

// storySlab holds the arrays the stories of a view share.
type storySlab struct {
	entries    []Story
	members    []*Entry
	publishers []string
	voices     []voiceCount
}

// tail returns the part of l appended since it had n elements, with no
// room to grow into the next story's part.
func tail[T any](l []T, n int) []T { return l[n:len(l):len(l)] }

func (v *View) addStory(st *storySlab, id string, ms []*Entry) {
	// The lead is the published member; members follow by quality.
	sort.Slice(ms, func(i, j int) bool {
		a, b := ms[i], ms[j]
		if a.Published != b.Published {
			return a.Published
		}
		if a.Quality != b.Quality {
			return a.Quality > b.Quality
		}
		if !a.Time.Equal(b.Time) {
			return a.Time.Before(b.Time)
		}
		return a.Path < b.Path
	})
	n := len(st.members)
	st.members = append(st.members, ms...)
	st.entries = append(st.entries, Story{ID: id, Lead: ms[0], Members: tail(st.members, n)})
	s := &st.entries[len(st.entries)-1]
	n = len(st.publishers)
	var seen map[string]bool // only for large stories: the list does for small ones
	if len(ms) > 32 {
		seen = map[string]bool{}
	}
	for _, m := range ms {
		if m.Provider == "" || seen[m.Provider] || seen == nil && slices.Contains(st.publishers[n:], m.Provider) {
			continue
		}
		if seen != nil {
			seen[m.Provider] = true
		}
		st.publishers = append(st.publishers, m.Provider)
	}
	s.publishers = tail(st.publishers, n)
	n = len(st.voices)
	for _, vc := range v.voices {
		c := 0
		for _, m := range ms {
			if slices.Contains(m.Topics, vc.name) {
				c++
			}
		}
		st.voices = append(st.voices, voiceCount{name: vc.name, count: c})
	}
	s.voices = tail(st.voices, n)
	v.stories = append(v.stories, s)
	v.storyBy[id] = s
}

// validID accepts ids that are safe as one path segment.
func validID(id string) bool {
	if id == "" || id == "." || id == ".." || len(id) > 200 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// highlight returns the highlight of a record carrying the given topics: that
// of the first voice topic, in taxonomy order, it carries.
func (v *View) highlight(topics []string) *highlightJSON {
	for i := range v.voices {
		if slices.Contains(topics, v.voices[i].name) {
			hl := v.voices[i].h
			return &hl
		}
	}
	return nil
}

// apiURL is the absolute URL of the document at an API path ("news/…").
func (v *View) apiURL(p string) string {
	return v.base + "/api/" + p + "/index.json"
}

// newsItem converts an article to its API object. withRelated adds the
// related list of the per-article document.
func (v *View) newsItem(path string, a *model.Article, withRelated bool) *newsJSON {
	src := v.apiURL("news/" + ArticleKey(path, a.PublishedDateTime))
	it := &newsJSON{
		Path: path, Title: a.Title, Excerpt: a.Excerpt, SourceURL: &src,
		WebURL: a.WebURL, OriginalURL: a.OriginalURL,
		Highlight: v.highlight(a.Topics), Heat: a.Heat,
		Images: newsImages(a.Images, false), Content: "\r\n", Type: a.Type,
		AmpWebURL: strPtr(a.AmpWebURL), CdnAmpWebURL: strPtr(a.CdnAmpWebURL),
		PublishedDateTime: stamp(a.PublishedDateTime.In(v.loc)),
		Provider:          v.newsProvider(a.Provider),
		Locale:            v.locale, Categories: []string{"news"}, Topics: nonNil(a.Topics),
	}
	if withRelated {
		rel := make([]relatedJSON, 0, len(a.Related))
		for _, r := range a.Related {
			rel = append(rel, relatedJSON{
				Title: r.Title, Excerpt: r.Excerpt, WebURL: r.WebURL,
				AmpWebURL: strPtr(r.AmpWebURL), CdnAmpWebURL: strPtr(r.CdnAmpWebURL), Type: r.Type,
				PublishedDateTime: stamp(r.PublishedDateTime.In(v.loc)),
				Provider:          v.newsProvider(r.Provider), Quality: r.Quality,
				Images: newsImages(r.Images, false),
			})
		}
		it.Related = &rel
	}
	return it
}

func (v *View) newsProvider(p model.Provider) newsProvider {
	// Provider logos are never cached copies (isCached: false in every file).
	return newsProvider{Name: p.Name, Domain: p.Domain, Images: newsImages(p.Images, true)}
}

// pageCount is the number of pages of a list of n items (an empty list has
// one empty page).
func pageCount(n, size int) int {
	if n <= 0 {
		return 1
	}
	return (n + size - 1) / size
}
