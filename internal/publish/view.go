package publish

import (
	"cmp"
	"context"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"newshub/internal/content"
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
// current news entry with its item encoded for a list (archived news is
// read from the store when asked for, see archive.go), the leads newest
// first and ranked for top stories, per topic too, the stories, events,
// people and learning. The JSON documents and the feeds (this package) and the
// website's pages (package web) are all rendered from it, so they show the
// same articles in the same order. A View is read-only and safe for
// concurrent use.
type View struct {
	st store.Store
	// rd is what the view reads of the store after loading it: st, or
	// for a build the snapshot the build holds (see buildSnapshot).
	rd       store.Reader
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

	news       map[string]*Entry // record path → entry, current news only
	articles   map[string]string // "YYYY/MM/DD/slug" → record path
	archive    archiveIndex      // the odd names of archived news (see archive.go)
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

	newsletters  []*model.Record // newest first, bodies left out
	newsletterBy map[string]*model.Record

	skipped []Skip // records no file could be written for

	loose      []*Entry // entries in no story
	stories    []*Story // newest lead first
	apiStories []*Story // those with an id that is a safe path segment
	storyBy    map[string]*Story

	// modShared is set when the view's generation was committed within
	// the second of the one before: their documents' Last-Modified is one
	// date.
	modShared bool

	// read counts the entries made from records read since the last view
	// loaded whole: a patched view shares the others with the views
	// before it (see patch).
	read int

	merges *mergeLog // stories merged away, read on a request for one; shared by the rankings of one load

	docs *docCache // shared by the rankings of one load
	rank *ranking
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

// Load reads the store and builds the view of its current generation.
func Load(ctx context.Context, st store.Store, s *site.Site, opt Options) (*View, error) {
	return loadView(ctx, st, s, opt, nil, nil)
}

// loadAfter is Load for a view that replaces prev, whose knowledge of the
// archive it takes over (see archive.go).
func loadAfter(ctx context.Context, st store.Store, s *site.Site, opt Options, prev *View) (*View, error) {
	return loadView(ctx, st, s, opt, prev, nil)
}

// load builds the view; each, when set, is also given every news record
// the view publishes, archived ones included, with its item (related list
// included), from several goroutines, so a build writes the per-article
// documents in the same pass over the store. Without each, only the
// current news records are read, and the archived ones' index.
func load(ctx context.Context, st store.Store, s *site.Site, opt Options, each func(*View, *model.Record, *newsJSON)) (*View, error) {
	return loadView(ctx, st, s, opt, nil, each)
}

// loadAttempts bounds how many times a view is read from a store that
// offers no snapshot while it is written meanwhile.
const loadAttempts = 3

// loadView builds the view. A view is read with several queries, from
// several connections at once. From a store.Snapshotter they all read one
// snapshot: the view is of its generation, whatever commits meanwhile. In
// another store a commit landing between them leaves a view that mixes two
// generations, under the older's number. From a store.SerialSnapshotter
// such a view is read again at its snapshot, slower but whole. From a
// store that offers no snapshot it is read again, up to loadAttempts
// times in all; the last is kept mixed, under the older number, which has
// the next check of the generation load it again. A load with each is
// read once: each has written what it was given. The view keeps st, the
// live store, for what it reads later.
func loadView(ctx context.Context, st store.Store, s *site.Site, opt Options, prev *View, each func(*View, *model.Record, *newsJSON)) (*View, error) {
	if sn, ok := st.(store.Snapshotter); ok {
		return loadViewAt(ctx, st, sn.Snapshot, s, opt, prev, each)
	}
	for attempt := 1; ; attempt++ {
		v, err := loadViewOnce(ctx, st, st, s, opt, prev, each)
		if err != nil || each != nil || attempt == loadAttempts {
			return v, err
		}
		after, err := st.Generation(ctx)
		if err != nil {
			return nil, fmt.Errorf("publish: generation: %w", err)
		}
		if after == v.gen {
			return v, nil
		}
		if sn, ok := st.(store.SerialSnapshotter); ok {
			return loadViewAt(ctx, st, sn.SerialSnapshot, s, opt, prev, each)
		}
	}
}

// loadViewAt builds the view of st from a snapshot of it.
func loadViewAt(ctx context.Context, st store.Store, snapshot func(context.Context) (store.HubReader, func(), error), s *site.Site, opt Options, prev *View, each func(*View, *model.Record, *newsJSON)) (*View, error) {
	rd, release, err := snapshot(ctx)
	if err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	defer release()
	return loadViewOnce(ctx, st, rd, s, opt, prev, each)
}

// loadViewOnce builds the view of st from what rd reads.
func loadViewOnce(ctx context.Context, st store.Store, rd store.Reader, s *site.Site, opt Options, prev *View, each func(*View, *model.Record, *newsJSON)) (*View, error) {
	c, err := rd.Committed(ctx)
	if err != nil {
		return nil, fmt.Errorf("publish: generation: %w", err)
	}
	gen := c.Generation
	v := newView(st, s, opt, c)
	slabs := make([]slab, runtime.GOMAXPROCS(0))
	var mu sync.Mutex
	var current *bool
	if each == nil {
		current = new(bool)
	}
	patched := false
	if each == nil && prev != nil {
		if patched, err = v.patch(ctx, rd, prev); err != nil {
			return nil, fmt.Errorf("publish: %w", err)
		}
	}
	if !patched {
		err = eachNews(ctx, rd, gen, current, len(slabs), func(worker int, r *model.Record) {
			if !v.shows(r) {
				return
			}
			if err := content.CheckPath(r.Path, r.Kind); err != nil {
				mu.Lock()
				v.skip(r.Path, err)
				mu.Unlock()
				return
			}
			if isArchived(r) {
				mu.Lock()
				v.noteArchived(r.Path, ArticleKey(r.Path, r.Article.PublishedDateTime))
				mu.Unlock()
				if each != nil {
					each(v, r, v.newsItem(r.Path, r.Article, true))
				}
				return
			}
			e, it := v.newEntry(&slabs[worker], r, each != nil)
			mu.Lock()
			v.insert(e)
			if each == nil {
				v.noteOddCurrent(e.Path, e.Key)
			}
			mu.Unlock()
			if each != nil {
				each(v, r, it)
			}
		})
	}
	if err == nil && each == nil {
		err = v.loadArchive(ctx, rd, prev)
	}
	if err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	kinds := []model.Kind{model.KindEvent, model.KindPerson, model.KindPeopleList,
		model.KindLearning, model.KindLearningList, model.KindNewsletter}
	err = rd.Scan(ctx, kinds, func(r *model.Record) error {
		if err := content.CheckPath(r.Path, r.Kind); err != nil {
			v.skip(r.Path, err)
			return nil
		}
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

func newView(st store.Store, s *site.Site, opt Options, c store.Commit) *View {
	s, skipped := placeableTopics(s)
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
		st: st, rd: st, site: s, opt: opt, gen: c.Generation,
		modTime:  c.At.UTC().Truncate(time.Second),
		loc:      cfg.Location(),
		base:     strings.TrimSuffix(base, "/"),
		web:      strings.TrimSuffix(cfg.WebURL, "/"),
		locale:   locale,
		pageSize: cfg.PageSize(),
		root:     s.Root(),
		topicIDs: map[string][]string{},
		news:     map[string]*Entry{}, articles: map[string]string{}, archive: archiveIndex{odd: map[string][]string{}},
		topicLeads:  map[string][]*Entry{},
		eventBySlug: map[string]*model.Record{}, personBy: map[string]*model.Record{},
		peopleList: map[string]*model.Record{}, learnBy: map[string]*model.Record{},
		storyBy: map[string]*Story{}, newsletterBy: map[string]*model.Record{}, docs: &docCache{docs: map[docKey]*Doc{}}, merges: &mergeLog{},
		skipped: skipped,
	}
	// A date has whole seconds: a generation committed within the second
	// of the one before shares its date with what that one changed, on
	// this server or another, which only their ETags tell apart.
	v.modShared = !c.Prior.IsZero() && c.Prior.Truncate(time.Second).Equal(v.modTime)
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
	return r.Kind == model.KindNews && r.Article != nil && r.Article.Publishable()
}

// Shows reports whether the view would publish the news record r, for
// readers that get records from the store directly (search).
func (v *View) Shows(r *model.Record) bool { return v.shows(r) }

// Generation is the store generation the view shows.
func (v *View) Generation() int64 { return v.gen }

// ModTime is when the view's generation was committed, the Last-Modified
// of the documents it changed (see View.doc).
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

// Reader returns what the view reads of the store after loading it: the
// store, or during a build the snapshot the build holds, so that what a
// build's other parts read (the website) is of the view's generation too.
func (v *View) Reader() store.Reader { return v.rd }

// reading returns v reading rd after its load: a build's copy of a
// server's view, reading the snapshot the build holds.
func (v *View) reading(rd store.Reader) *View {
	nv := *v
	nv.rd = rd
	return &nv
}

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
	case r.Kind == model.KindNewsletter && r.Newsletter != nil:
		v.addNewsletter(r)
	}
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
	sortNewsletters(v.newsletters)
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
		WebURL: a.Link(), OriginalURL: a.OriginalURL, FeaturedContent: strPtr(a.FeaturedContent),
		Highlight: v.highlight(a.Topics), Heat: a.Heat,
		Images: newsImages(v.base, a.Images, false), Content: "\r\n", Type: a.Type,
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
				PublishedDateTime: stampPtr(r.PublishedDateTime, v.loc),
				Provider:          v.newsProvider(r.Provider), Quality: r.Quality,
				Images: newsImages(v.base, r.Images, false),
			})
		}
		it.Related = &rel
	}
	return it
}

func (v *View) newsProvider(p model.Provider) newsProvider {
	// Provider logos are never cached copies (isCached: false in every file).
	return newsProvider{Name: p.Name, Domain: p.Domain, Images: newsImages(v.base, p.Images, true),
		Publishers: parties(v.base, p.PublisherList()), Authors: parties(v.base, p.AuthorList())}
}

// pageCount is the number of pages of a list of n items (an empty list has
// one empty page).
func pageCount(n, size int) int {
	if n <= 0 {
		return 1
	}
	return (n + size - 1) / size
}
