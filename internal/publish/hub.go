package publish

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"newshub/internal/model"
	"newshub/internal/site"
	"newshub/internal/store"
)

// Options tune how a Hub publishes.
type Options struct {
	// BaseURL is the absolute URL the API and feeds live under (the
	// sourceUrl prefix, e.g. "https://example.org/hub"). Empty means the
	// site's url + baseurl.
	BaseURL string
	// Now is the clock that splits events into future and past; nil means
	// time.Now.
	Now func() time.Time
	// CacheBytes caps the memory of rendered documents kept for serving;
	// 0 means 256 MiB, negative disables the cache.
	CacheBytes int64
}

// Hub is the published form of one store generation.
type Hub struct {
	st       store.Store
	site     *site.Site
	opt      Options
	gen      int64
	modTime  time.Time
	loc      *time.Location
	base     string // API and feed base URL, no trailing slash
	web      string // the web app URL (webUrl), no trailing slash
	locale   string
	pageSize int
	root     *model.Topic
	voices   []voice
	topics   *topicSets // the news entries' topic lists

	news       map[string]*newsEntry // record path → entry
	articles   map[string]string     // "YYYY/MM/DD/slug" → record path
	leads      []*newsEntry          // published, newest first
	topicLeads map[string][]*newsEntry

	events      []*model.Record // by start ascending
	eventBySlug map[string]*model.Record
	people      []*model.Record // profiles by heat
	personBy    map[string]*model.Record
	peopleLists []*model.Record
	peopleList  map[string]*model.Record
	learning    []*model.Record // resources and collections by heat
	learnLists  []*model.Record
	learnBy     map[string]*model.Record // "videos/<slug>" → record

	stories []*storyEntry // newest lead first
	storyBy map[string]*storyEntry

	mu         sync.Mutex
	cache      map[string]*Doc
	cacheBytes int64
}

// newsEntry is what the hub keeps of one news record: the fields lists and
// feeds need, and its item object encoded for a list (indented two levels).
type newsEntry struct {
	path      string
	key       string // "YYYY/MM/DD/slug"
	published bool
	time      time.Time
	heat      int
	quality   int
	story     string
	title     string
	provider  string
	topics    []string
	body      []byte // the item object, indented for a list
}

type storyEntry struct {
	id         string
	lead       *newsEntry
	members    []*newsEntry // lead first, then quality descending
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

// Load reads the store and builds the hub for its current generation.
func Load(ctx context.Context, st store.Store, s *site.Site, opt Options) (*Hub, error) {
	return load(ctx, st, s, opt, nil)
}

// load builds the hub; each, when set, is also given every news record
// with its item (related list included), from several goroutines, so a
// build writes the per-article documents in the same pass over the store.
func load(ctx context.Context, st store.Store, s *site.Site, opt Options, each func(*Hub, *model.Record, *newsJSON)) (*Hub, error) {
	gen, err := st.Generation(ctx)
	if err != nil {
		return nil, fmt.Errorf("publish: generation: %w", err)
	}
	h := newHub(st, s, opt, gen)
	// Encoding the news items runs beside the scan, which decodes records
	// on its own goroutine.
	news := make(chan *model.Record, 256)
	var wg sync.WaitGroup
	var mu sync.Mutex
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var sl slab
			for r := range news {
				e, it := h.newsEntry(&sl, r, each != nil)
				mu.Lock()
				h.insertNews(e)
				mu.Unlock()
				if each != nil {
					each(h, r, it)
				}
			}
		}()
	}
	err = h.scanNews(ctx, st, gen, news)
	close(news)
	wg.Wait()
	if err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	kinds := []model.Kind{model.KindEvent, model.KindPerson, model.KindPeopleList,
		model.KindLearning, model.KindLearningList}
	err = st.Scan(ctx, kinds, func(r *model.Record) error {
		h.add(r)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("publish: scan: %w", err)
	}
	if err := h.finish(); err != nil {
		return nil, err
	}
	return h, nil
}

func newHub(st store.Store, s *site.Site, opt Options, gen int64) *Hub {
	cfg := s.Config
	base := opt.BaseURL
	if base == "" {
		base = strings.TrimSuffix(cfg.URL, "/") + "/" + strings.Trim(cfg.BaseURL, "/")
	}
	locale := cfg.Locale
	if locale == "" {
		locale = "en-us"
	}
	if opt.CacheBytes == 0 {
		opt.CacheBytes = 256 << 20
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	h := &Hub{
		st: st, site: s, opt: opt, gen: gen,
		modTime:  time.Now().UTC().Truncate(time.Second),
		loc:      cfg.Location(),
		base:     strings.TrimSuffix(base, "/"),
		web:      strings.TrimSuffix(cfg.WebURL, "/"),
		locale:   locale,
		pageSize: cfg.PageSize(),
		root:     s.Root(),
		news:     map[string]*newsEntry{}, articles: map[string]string{},
		topicLeads:  map[string][]*newsEntry{},
		eventBySlug: map[string]*model.Record{}, personBy: map[string]*model.Record{},
		peopleList: map[string]*model.Record{}, learnBy: map[string]*model.Record{},
		storyBy: map[string]*storyEntry{}, cache: map[string]*Doc{},
	}
	var names []string
	for _, t := range s.Topics {
		names = append(names, t.Name)
	}
	h.topics = newTopicSets(names)
	for _, t := range s.Topics {
		hl := site.TopicHighlight(t)
		if hl == nil {
			continue
		}
		h.voices = append(h.voices, voice{name: t.Name,
			h: highlightJSON{Text: t.Name, TextColor: hl.TextColor, BackgroundColor: hl.BackgroundColor}})
	}
	return h
}

// Generation is the store generation the hub shows.
func (h *Hub) Generation() int64 { return h.gen }

// ModTime is when the hub was built, the Last-Modified of its documents.
func (h *Hub) ModTime() time.Time { return h.modTime }

// BaseURL is the absolute URL the API and feeds live under.
func (h *Hub) BaseURL() string { return h.base }

func (h *Hub) add(r *model.Record) {
	switch {
	case r.Kind == model.KindEvent && r.Event != nil:
		r.Raw = nil
		h.events = append(h.events, r)
		h.eventBySlug[slugOf(r.Path)] = r
	case r.Kind == model.KindPerson && r.Person != nil:
		r.Raw = nil
		h.people = append(h.people, r)
		h.personBy[slugOf(r.Path)] = r
	case r.Kind == model.KindPeopleList && r.Person != nil:
		r.Raw = nil
		h.peopleLists = append(h.peopleLists, r)
		h.peopleList[slugOf(r.Path)] = r
	case (r.Kind == model.KindLearning || r.Kind == model.KindLearningList) && r.Learning != nil:
		r.Raw = nil
		h.learning = append(h.learning, r)
		if r.Kind == model.KindLearningList {
			h.learnLists = append(h.learnLists, r)
		}
		h.learnBy[learningKey(r.Path)] = r
	}
}

// learningKey gives "videos/<slug>" for "_learning/videos/<slug>.md".
func learningKey(path string) string {
	p := strings.TrimPrefix(path, "_learning/")
	return strings.TrimSuffix(p, ".md")
}

// articleKey gives the "YYYY/MM/DD/slug" of a news record: from its file
// name "YYYY-MM-DD-slug.md", else from its publication date (UTC).
func articleKey(path string, published time.Time) string {
	name := slugOf(path)
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

// loadChunk is how many news records one query of a parallel load reads.
const loadChunk = 2000

// scanNews sends every news record to out. Decoding records is most of the
// cost of a load, so it reads chunks of the time-ordered listing in
// parallel, one query each; if the store changed meanwhile (the chunks may
// then overlap or miss records), it reads again with one Scan, which sees
// one snapshot.
func (h *Hub) scanNews(ctx context.Context, st store.Store, gen int64, out chan<- *model.Record) error {
	total, err := st.CountNews(ctx, store.NewsQuery{})
	if err != nil {
		return fmt.Errorf("count news: %w", err)
	}
	var seen sync.Map
	var next atomic.Int64
	g, gctx := errgroupWithContext(ctx)
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
	// Written meanwhile: fill in what the chunks missed from one snapshot.
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

// newsEntry makes the hub's entry for a news record, and returns the item
// it encodes, with the related list when withRelated (the article's own
// document), so the item is built once for both.
func (h *Hub) newsEntry(sl *slab, r *model.Record, withRelated bool) (*newsEntry, *newsJSON) {
	a := r.Article
	e := sl.entry()
	*e = newsEntry{
		path: sl.string(r.Path), key: sl.string(articleKey(r.Path, a.PublishedDateTime)),
		story: sl.string(a.Story), title: sl.string(a.Title), provider: sl.string(a.Provider.Name),
		published: a.Published, time: a.PublishedDateTime, heat: a.Heat, quality: a.Quality,
		topics: h.topics.intern(a.Topics),
	}
	it := h.newsItem(r.Path, a, withRelated)
	related := it.Related
	it.Related = nil // lists show items without their related coverage
	w := newsWriter(it, "    ")
	e.body = sl.copy(w.b)
	w.release()
	it.Related = related
	return e, it
}

func (h *Hub) insertNews(e *newsEntry) {
	if old, ok := h.articles[e.key]; !ok || owns(e.path, old) {
		h.articles[e.key] = e.path
	}
	h.news[e.path] = e
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
func (h *Hub) finish() error {
	byID := map[string]string{} // topic name → id, non-root topics
	for _, t := range h.site.Topics {
		if h.root != nil && t == h.root {
			continue
		}
		byID[t.Name] = t.ID
	}
	members := map[string][]*newsEntry{}
	for _, e := range h.news {
		if e.story != "" {
			members[e.story] = append(members[e.story], e)
		}
		if !e.published {
			continue
		}
		h.leads = append(h.leads, e)
		for _, name := range e.topics {
			if id, ok := byID[name]; ok {
				h.topicLeads[id] = append(h.topicLeads[id], e)
			}
		}
	}
	sortNews(h.leads)
	for _, l := range h.topicLeads {
		sortNews(l)
	}
	// Stories share a few large arrays rather than owning small ones, for
	// the collector's sake (see slab).
	var st storySlab
	n := 0
	for _, ms := range members {
		n += len(ms)
	}
	st.entries = make([]storyEntry, 0, len(members))
	st.members = make([]*newsEntry, 0, n)
	st.publishers = make([]string, 0, n)
	st.voices = make([]voiceCount, 0, len(members)*len(h.voices))
	for id, ms := range members {
		h.addStory(&st, id, ms)
	}
	sort.Slice(h.stories, func(i, j int) bool {
		a, b := h.stories[i].lead, h.stories[j].lead
		if !a.time.Equal(b.time) {
			return a.time.After(b.time)
		}
		return h.stories[i].id < h.stories[j].id
	})
	sort.SliceStable(h.events, func(i, j int) bool {
		a, b := h.events[i].Event, h.events[j].Event
		if !a.StartDateTime.Equal(b.StartDateTime) {
			return a.StartDateTime.Before(b.StartDateTime)
		}
		return h.events[i].Path < h.events[j].Path
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
	byHeat(h.people, personHeat)
	byHeat(h.peopleLists, personHeat)
	byHeat(h.learning, learnHeat)
	byHeat(h.learnLists, learnHeat)
	return nil
}

// sortNews orders news newest first, then by path (the store's ByTime).
func sortNews(l []*newsEntry) {
	sort.Slice(l, func(i, j int) bool {
		if !l[i].time.Equal(l[j].time) {
			return l[i].time.After(l[j].time)
		}
		return l[i].path < l[j].path
	})
}

// storySlab holds the arrays the stories of a hub share.
type storySlab struct {
	entries    []storyEntry
	members    []*newsEntry
	publishers []string
	voices     []voiceCount
}

// tail returns the part of l appended since it had n elements, with no
// room to grow into the next story's part.
func tail[T any](l []T, n int) []T { return l[n:len(l):len(l)] }

func (h *Hub) addStory(st *storySlab, id string, ms []*newsEntry) {
	if !validID(id) {
		return
	}
	// The lead is the published member; members follow by quality.
	sort.Slice(ms, func(i, j int) bool {
		a, b := ms[i], ms[j]
		if a.published != b.published {
			return a.published
		}
		if a.quality != b.quality {
			return a.quality > b.quality
		}
		if !a.time.Equal(b.time) {
			return a.time.Before(b.time)
		}
		return a.path < b.path
	})
	n := len(st.members)
	st.members = append(st.members, ms...)
	st.entries = append(st.entries, storyEntry{id: id, lead: ms[0], members: tail(st.members, n)})
	s := &st.entries[len(st.entries)-1]
	n = len(st.publishers)
	var seen map[string]bool // only for large stories: the list does for small ones
	if len(ms) > 32 {
		seen = map[string]bool{}
	}
	for _, m := range ms {
		if m.provider == "" || seen[m.provider] || seen == nil && slices.Contains(st.publishers[n:], m.provider) {
			continue
		}
		if seen != nil {
			seen[m.provider] = true
		}
		st.publishers = append(st.publishers, m.provider)
	}
	s.publishers = tail(st.publishers, n)
	n = len(st.voices)
	for _, v := range h.voices {
		c := 0
		for _, m := range ms {
			if contains(m.topics, v.name) {
				c++
			}
		}
		st.voices = append(st.voices, voiceCount{name: v.name, count: c})
	}
	s.voices = tail(st.voices, n)
	h.stories = append(h.stories, s)
	h.storyBy[id] = s
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

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// highlight returns the highlight of a record carrying the given topics: that
// of the first voice topic, in taxonomy order, it carries.
func (h *Hub) highlight(topics []string) *highlightJSON {
	for i := range h.voices {
		if contains(topics, h.voices[i].name) {
			hl := h.voices[i].h
			return &hl
		}
	}
	return nil
}

// apiURL is the absolute URL of the document at an API path ("news/…").
func (h *Hub) apiURL(p string) string {
	return h.base + "/api/" + p + "/index.json"
}

// newsItem converts an article to its API object. withRelated adds the
// related list of the per-article document.
func (h *Hub) newsItem(path string, a *model.Article, withRelated bool) *newsJSON {
	src := h.apiURL("news/" + articleKey(path, a.PublishedDateTime))
	it := &newsJSON{
		Path: path, Title: a.Title, Excerpt: a.Excerpt, SourceURL: &src,
		WebURL: a.WebURL, OriginalURL: a.OriginalURL,
		Highlight: h.highlight(a.Topics), Heat: a.Heat,
		Images: newsImages(a.Images, false), Content: "\r\n", Type: a.Type,
		AmpWebURL: strPtr(a.AmpWebURL), CdnAmpWebURL: strPtr(a.CdnAmpWebURL),
		PublishedDateTime: stamp(a.PublishedDateTime.In(h.loc)),
		Provider:          h.newsProvider(a.Provider),
		Locale:            h.locale, Categories: []string{"news"}, Topics: nonNil(a.Topics),
	}
	if withRelated {
		rel := make([]relatedJSON, 0, len(a.Related))
		for _, r := range a.Related {
			rel = append(rel, relatedJSON{
				Title: r.Title, Excerpt: r.Excerpt, WebURL: r.WebURL,
				AmpWebURL: strPtr(r.AmpWebURL), CdnAmpWebURL: strPtr(r.CdnAmpWebURL), Type: r.Type,
				PublishedDateTime: stamp(r.PublishedDateTime.In(h.loc)),
				Provider:          h.newsProvider(r.Provider), Quality: r.Quality,
				Images: newsImages(r.Images, false),
			})
		}
		it.Related = &rel
	}
	return it
}

func (h *Hub) newsProvider(p model.Provider) newsProvider {
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

func itoa(n int) string { return strconv.Itoa(n) }

// group runs goroutines and keeps the first error, cancelling the others.
type group struct {
	wg     sync.WaitGroup
	cancel context.CancelCauseFunc
	once   sync.Once
	err    error
}

func errgroupWithContext(ctx context.Context) (*group, context.Context) {
	ctx, cancel := context.WithCancelCause(ctx)
	return &group{cancel: cancel}, ctx
}

func (g *group) Go(fn func() error) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		if err := fn(); err != nil {
			g.once.Do(func() {
				g.err = err
				g.cancel(err)
			})
		}
	}()
}

func (g *group) Wait() error {
	g.wg.Wait()
	g.cancel(nil)
	return g.err
}
