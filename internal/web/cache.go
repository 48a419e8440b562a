package web

import (
	"html/template"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"newshub/internal/model"
	"newshub/internal/publish"
	"newshub/internal/site"
)

// viewCache is what the website derives from one view of the hub, made as
// pages first ask for it and kept while the view is current: the cards of
// its articles, the coverage of its stories, rendered cards and page
// parts, and the events, people and learning as the pages show them.
// Within one view a card, its coverage and its "ago" text never change.
type viewCache struct {
	v          *publish.View
	site       *site.Site
	now        time.Time
	loc        *time.Location
	voice      []*model.Topic              // topics with a highlight, in display order
	highlights map[string]*model.Highlight // voice topic name → its colours

	commonOnce sync.Once
	common     *pageCommon

	badges    sync.Map // *model.Topic → *badge
	cards     sync.Map // record path → *card, without its story's coverage
	leadsOnly bool     // keep the cards of leads only (a static build, see card)
	rendered  sync.Map // cardKey → rendered card (template.HTML)
	renderedN atomic.Int64
	parts     sync.Map // header and footer keys → rendered HTML
	partsN    atomic.Int64

	mu      sync.Mutex            // guards stories
	stories map[string]*storyInfo // coverage of the stories shown so far

	othersOnce     sync.Once
	upcoming, past []*eventView
	people         []*personView
	peopleLists    []*collectionView
	learning       []*learningView
	learningLists  []*collectionView
	records        map[string]*recordData // by path in a build, see addRecord
	recordKeys     []string               // in the order of the lists
}

func newViewCache(v *publish.View) *viewCache {
	c := &viewCache{v: v, site: v.Site(), now: v.Now(), loc: v.Location(), stories: map[string]*storyInfo{},
		highlights: map[string]*model.Highlight{}}
	for _, t := range c.site.Topics {
		if hl := site.TopicHighlight(t); hl != nil {
			c.voice = append(c.voice, t)
			c.highlights[t.Name] = hl
		}
	}
	return c
}

// cacheOf returns the cache of v, making it when v is new.
func (w *Web) cacheOf(v *publish.View) *viewCache {
	for {
		old := w.cache.Load()
		if old != nil && old.v == v {
			return old
		}
		c := newViewCache(v)
		if w.cache.CompareAndSwap(old, c) {
			return c
		}
	}
}

// storyInfo sums up one story's coverage.
type storyInfo struct {
	Members   int
	Providers int
	Voices    []voiceCount // in display order, only voices present
}

type voiceCount struct {
	Topic *model.Topic
	Count int
}

// card returns the card of an entry of the view, without its story's
// coverage; callers copy it before changing it. A static build keeps the
// cards of leads only, which topic pages show again: each other article
// shows on its story's pages, written together.
func (c *viewCache) card(e *publish.Entry) *card {
	if v, ok := c.cards.Load(e.Path); ok {
		return v.(*card)
	}
	cd := c.newCard(entrySource(e))
	if c.leadsOnly && !e.Published || c.v.Entry(e.Path) != e {
		return cd // not kept, or not the view's (an archived article's)
	}
	v, _ := c.cards.LoadOrStore(e.Path, cd)
	return v.(*card)
}

// withCoverage returns copies of cards with their story's coverage
// (sources, voices) filled in.
func (c *viewCache) withCoverage(cards []*card) []*card {
	out := make([]*card, len(cards))
	for i, cd := range cards {
		cc := *cd
		if cd.Story != "" {
			c.applyCoverage(&cc, c.coverage(cd.Story))
		}
		out[i] = &cc
	}
	return out
}

// coverage returns the coverage of a story of the view, computed the
// first time a page shows it; nil for a story the view lacks.
func (c *viewCache) coverage(id string) *storyInfo {
	c.mu.Lock()
	info, ok := c.stories[id]
	c.mu.Unlock()
	if ok {
		return info
	}
	if s := c.v.Story(id); s != nil {
		info = c.sumCoverage(s.Members)
	}
	c.mu.Lock()
	c.stories[id] = info
	c.mu.Unlock()
	return info
}

// providerID tells publishers apart: by domain, else by name.
type providerID struct{ domain, name string }

func (c *viewCache) sumCoverage(members []*publish.Entry) *storyInfo {
	providers := map[string]bool{}
	voices := map[string]int{}
	info := &storyInfo{Members: len(members)}
	for _, e := range members {
		providers[providerKey(e.Domain, e.Provider)] = true
		if v := c.voiceOf(e.Topics, e.Domain); v != nil {
			voices[v.Name]++
		}
	}
	info.Providers = len(providers)
	for _, t := range c.voice {
		if n := voices[t.Name]; n > 0 {
			info.Voices = append(info.Voices, voiceCount{Topic: t, Count: n})
		}
	}
	return info
}

// applyCoverage puts a story's coverage on a card.
func (c *viewCache) applyCoverage(cd *card, info *storyInfo) {
	if info == nil {
		return
	}
	cd.Sources, cd.Members = max(info.Providers, 1), max(info.Members, 1)
	cd.Voices = nil
	for _, vc := range info.Voices {
		cd.Voices = append(cd.Voices, c.badge(vc.Topic))
	}
	if len(cd.Voices) == 0 && cd.Voice != nil {
		cd.Voices = []*badge{cd.Voice}
	}
}

// voiceIn returns the first voice topic, in display order, among topics.
func (c *viewCache) voiceIn(topics []string) *model.Topic {
	for _, t := range c.voice {
		for _, name := range topics {
			if name == t.Name {
				return t
			}
		}
	}
	return nil
}

// voiceOf returns the voice of an article: the first voice topic it
// carries, else the one its publisher's organization names.
func (c *viewCache) voiceOf(topics []string, domain string) *model.Topic {
	if t := c.voiceIn(topics); t != nil {
		return t
	}
	if o := c.site.Organization(domain); o != nil && o.Voice != "" {
		if c.highlights[o.Voice] != nil {
			return c.site.TopicByName(o.Voice)
		}
	}
	return nil
}

// providerKey names a publisher for counting sources: its domain without
// "www.", else its name.
func providerKey(domain, name string) string {
	if domain != "" {
		return strings.ToLower(strings.TrimPrefix(domain, "www."))
	}
	return strings.ToLower(name)
}

// others makes the events, people and learning as the pages show them,
// once per view.
func (c *viewCache) others() *viewCache {
	c.othersOnce.Do(func() {
		for _, r := range c.v.Events() {
			e := c.newEvent(r)
			c.addEvent(e, r.Event.Topics)
			if publish.EventPast(r.Event, c.now) {
				c.past = append(c.past, e)
			} else {
				c.upcoming = append(c.upcoming, e)
			}
		}
		// Past events, latest first; the view lists them by start, then
		// path, which a stable sort keeps for equal starts.
		sort.SliceStable(c.past, func(i, j int) bool { return c.past[i].Start.After(c.past[j].Start) })
		people := map[string]*personView{}
		var plists, llists []*model.Record
		for _, r := range c.v.People() {
			if r.Person.Type == "collection" {
				plists = append(plists, r)
				continue
			}
			p := c.newPerson(r)
			c.addPerson(p, r.Person.Topics)
			people[p.Slug] = p
			c.people = append(c.people, p)
		}
		plists = append(plists, c.v.PeopleLists()...)
		byHeat(plists, func(r *model.Record) int { return r.Person.Heat })
		for _, r := range plists {
			l := c.newPeopleList(r, people)
			c.addCollection(l, true, r.Person.Topics)
			c.peopleLists = append(c.peopleLists, l)
		}
		learning := map[string]*learningView{}
		for _, r := range c.v.Learning() {
			if r.Kind != model.KindLearning || r.Learning.Type == "collection" {
				llists = append(llists, r)
				continue
			}
			l := c.newLearning(r)
			c.addLearning(l, r.Learning.Topics)
			learning[l.Key] = l
			c.learning = append(c.learning, l)
		}
		for _, r := range llists {
			l := c.newLearningList(r, learning)
			c.addCollection(l, false, r.Learning.Topics)
			c.learningLists = append(c.learningLists, l)
		}
	})
	return c
}

// byHeat sorts records by heat descending, then path, as the view's lists
// are.
func byHeat(rs []*model.Record, heat func(*model.Record) int) {
	sort.SliceStable(rs, func(i, j int) bool {
		if a, b := heat(rs[i]), heat(rs[j]); a != b {
			return a > b
		}
		return rs[i].Path < rs[j].Path
	})
}

// cardKey names a card rendered for pages at one depth.
type cardKey struct{ path, base string }

// maxRenderedCards bounds the rendered cards a cache keeps.
const maxRenderedCards = 20000

// maxCachedParts bounds the rendered headers and footers a cache keeps.
const maxCachedParts = 5000

func (c *viewCache) renderedCard(key cardKey) (template.HTML, bool) {
	v, ok := c.rendered.Load(key)
	if !ok {
		return "", false
	}
	return v.(template.HTML), true
}

func (c *viewCache) keepCard(key cardKey, h template.HTML) {
	if c.renderedN.Add(1) <= maxRenderedCards {
		c.rendered.Store(key, h)
	}
}
