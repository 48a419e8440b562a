package web

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"newshub/internal/curate"
	"newshub/internal/model"
	"newshub/internal/site"
	"newshub/internal/store"
)

// snapshot is everything the pages derive from the whole store, computed once
// per store generation (and refreshed now and then so recency moves).
type snapshot struct {
	gen   int64
	now   time.Time
	site  *site.Site
	voice []*model.Topic // topics with a highlight, in display order

	highlights map[string]*model.Highlight // voice topic name → its colours
	loc        *time.Location              // the site's time zone (loading it reads the zone database)
	commonOnce sync.Once
	common     *pageCommon

	top     []*card            // every story lead, ranked by heat with recency
	byTopic map[string][]*card // topic name → its ranked leads

	mu      sync.Mutex            // guards stories
	stories map[string]*storyInfo // coverage of the stories shown so far

	cards     sync.Map // cardKey → rendered card (template.HTML)
	cardCount atomic.Int64
	parts     sync.Map // header and footer keys → rendered HTML
	partCount atomic.Int64

	upcoming, past []*eventView
	people         []*personView
	peopleLists    []*collectionView
	learning       []*learningView
	learningLists  []*collectionView
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

// snapshot returns the current snapshot. The first one is built while the
// caller waits; later, when the store has changed or the snapshot is old, the
// caller gets the current one while a new one is built in the background, so
// a write never stalls page views.
func (w *Web) snapshot(ctx context.Context) (*snapshot, error) {
	gen, err := w.st.Generation(ctx)
	if err != nil {
		return nil, fmt.Errorf("store generation: %w", err)
	}
	now := w.now()
	s := w.snap.Load()
	if s == nil {
		return w.rebuild(ctx, gen, now)
	}
	due := time.Since(time.Unix(0, w.lastBuild.Load())) >= w.minRefresh
	if !s.fresh(gen, now) && due && w.refreshing.CompareAndSwap(false, true) {
		go func() {
			defer w.refreshing.Store(false)
			ctx, cancel := context.WithTimeout(context.Background(), refreshTimeout)
			defer cancel()
			if _, err := w.rebuild(ctx, gen, now); err != nil {
				w.log.Error("web: refresh derived data", "err", err)
			}
		}()
	}
	return s, nil
}

// freshSnapshot returns a snapshot of the store as it is now, waiting for it
// to be built if needed (the static build must not show stale data).
func (w *Web) freshSnapshot(ctx context.Context) (*snapshot, error) {
	gen, err := w.st.Generation(ctx)
	if err != nil {
		return nil, fmt.Errorf("store generation: %w", err)
	}
	return w.rebuild(ctx, gen, w.now())
}

// refreshTimeout bounds a background rebuild.
const refreshTimeout = 10 * time.Minute

func (s *snapshot) fresh(gen int64, now time.Time) bool {
	return s != nil && s.gen == gen && now.Sub(s.now) < maxSnapshotAge && !now.Before(s.now)
}

// rebuild builds the snapshot for gen unless one is already there; one build
// at a time, the others wait for it.
func (w *Web) rebuild(ctx context.Context, gen int64, now time.Time) (*snapshot, error) {
	w.buildMu.Lock()
	defer w.buildMu.Unlock()
	if s := w.snap.Load(); s.fresh(gen, now) {
		return s, nil
	}
	start := time.Now()
	w.lastBuild.Store(start.UnixNano())
	s, err := w.buildSnapshot(ctx, gen, now)
	if err != nil {
		return nil, err
	}
	w.log.Debug("web: derived data built", "generation", gen, "stories", len(s.top), "took", time.Since(start))
	w.snap.Store(s)
	return s, nil
}

// buildSnapshot reads the store and derives what the pages show.
func (w *Web) buildSnapshot(ctx context.Context, gen int64, now time.Time) (*snapshot, error) {
	s, err := w.newSnapshot(ctx, gen, now)
	if err != nil {
		return nil, err
	}
	if err := s.loadLeads(ctx, w.st); err != nil {
		return nil, err
	}
	if err := s.loadOthers(ctx, w.st); err != nil {
		return nil, err
	}
	return s, nil
}

// newSnapshot starts a snapshot: the site and its voices.
func (w *Web) newSnapshot(ctx context.Context, gen int64, now time.Time) (*snapshot, error) {
	st := w.site
	if st == nil {
		var err error
		if st, err = site.Load(ctx, w.st); err != nil {
			return nil, err
		}
	}
	s := &snapshot{gen: gen, now: now, site: st, byTopic: map[string][]*card{}, stories: map[string]*storyInfo{}, loc: st.Config.Location()}
	s.highlights = map[string]*model.Highlight{}
	for _, t := range st.Topics {
		if hl := site.TopicHighlight(t); hl != nil {
			s.voice = append(s.voice, t)
			s.highlights[t.Name] = hl
		}
	}
	return s, nil
}

// loadLeads ranks every story lead (published: true).
func (s *snapshot) loadLeads(ctx context.Context, st store.Store) error {
	recs, err := st.News(ctx, store.NewsQuery{PublishedOnly: true})
	if err != nil {
		return fmt.Errorf("read story leads: %w", err)
	}
	leads := make([]*entry, 0, len(recs))
	for _, r := range recs {
		if r.Article != nil {
			leads = append(leads, s.newEntry(r))
		}
	}
	s.rankLeads(leads)
	return nil
}

// rankLeads ranks the story leads, given in the store's time order.
func (s *snapshot) rankLeads(leads []*entry) {
	// curate.Rank looks at heat, time and the URLs only: a light copy of
	// each lead's article will do.
	arts := make([]*model.Article, len(leads))
	cardOf := make(map[*model.Article]*card, len(leads))
	for i, e := range leads {
		c := e.card
		arts[i] = &model.Article{Heat: e.heat, PublishedDateTime: c.Time, OriginalURL: e.originalURL, CanonicalURL: e.canonicalURL,
			WebURL: e.webURL, Topics: c.Topics}
		cardOf[arts[i]] = c
	}
	ranked := curate.Rank(arts, s.now)
	s.top = make([]*card, 0, len(ranked))
	for _, a := range ranked {
		c := cardOf[a]
		s.top = append(s.top, c)
		for _, name := range a.Topics {
			s.byTopic[name] = append(s.byTopic[name], c)
		}
	}
}

// withCoverage returns copies of cards with their story's coverage (sources,
// voices) filled in. A story's coverage is read from the store the first time
// a page shows it, then kept with the snapshot.
func (s *snapshot) withCoverage(ctx context.Context, st store.Store, cards []*card) ([]*card, error) {
	out := make([]*card, len(cards))
	for i, c := range cards {
		cc := *c
		if c.Story != "" {
			info, err := s.storyCoverage(ctx, st, c.Story)
			if err != nil {
				return nil, err
			}
			s.applyCoverage(&cc, info)
		}
		out[i] = &cc
	}
	return out, nil
}

// storyCoverage returns the coverage of a story, from the cache or the store.
func (s *snapshot) storyCoverage(ctx context.Context, st store.Store, id string) (*storyInfo, error) {
	s.mu.Lock()
	info := s.stories[id]
	s.mu.Unlock()
	if info != nil {
		return info, nil
	}
	members, err := st.Story(ctx, id)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("story %s: %w", id, err)
	}
	return s.coverageOf(id, members), nil
}

// coverageOf sums up a story's members and caches the result.
func (s *snapshot) coverageOf(id string, members []*model.Record) *storyInfo {
	vs := make([]voiced, 0, len(members))
	for _, r := range members {
		if r.Article != nil {
			vs = append(vs, voiced{providerKey(r.Article.Provider), s.voiceOf(r.Article)})
		}
	}
	return s.sumCoverage(id, vs)
}

// entryCoverage is coverageOf for the entries of a story's members.
func (s *snapshot) entryCoverage(id string, members []*entry) *storyInfo {
	vs := make([]voiced, len(members))
	for i, e := range members {
		vs[i] = voiced{e.provider, e.voice}
	}
	return s.sumCoverage(id, vs)
}

// voiced is what coverage counts of an article: its publisher and voice.
type voiced struct {
	provider string
	voice    *model.Topic
}

func (s *snapshot) sumCoverage(id string, members []voiced) *storyInfo {
	providers := map[string]bool{}
	voices := map[string]int{}
	info := &storyInfo{Members: len(members)}
	for _, m := range members {
		providers[m.provider] = true
		if m.voice != nil {
			voices[m.voice.Name]++
		}
	}
	info.Providers = len(providers)
	for _, t := range s.voice {
		if n := voices[t.Name]; n > 0 {
			info.Voices = append(info.Voices, voiceCount{Topic: t, Count: n})
		}
	}
	s.mu.Lock()
	s.stories[id] = info
	s.mu.Unlock()
	return info
}

// applyCoverage puts a story's coverage on a card.
func (s *snapshot) applyCoverage(c *card, info *storyInfo) {
	if info == nil {
		return
	}
	c.Sources, c.Members = max(info.Providers, 1), max(info.Members, 1)
	c.Voices = nil
	for _, vc := range info.Voices {
		c.Voices = append(c.Voices, s.badge(vc.Topic))
	}
	if len(c.Voices) == 0 && c.Voice != nil {
		c.Voices = []*badge{c.Voice}
	}
}

// location returns the site's time zone.
func (s *snapshot) location() *time.Location {
	if s.loc != nil {
		return s.loc
	}
	return s.site.Config.Location()
}

// voiceIn returns the first voice topic, in display order, among topics.
func (s *snapshot) voiceIn(topics []string) *model.Topic {
	for _, t := range s.voice {
		for _, name := range topics {
			if name == t.Name {
				return t
			}
		}
	}
	return nil
}

// voiceOf returns the voice topic of an article: the first voice topic it
// carries, else the one its publisher's organization names.
func (s *snapshot) voiceOf(a *model.Article) *model.Topic {
	if t := s.voiceIn(a.Topics); t != nil {
		return t
	}
	if o := s.site.Organization(a.Provider.Domain); o != nil && o.Voice != "" {
		if s.highlights[o.Voice] != nil {
			return s.site.TopicByName(o.Voice)
		}
	}
	return nil
}

func providerKey(p model.Provider) string {
	if p.Domain != "" {
		return strings.ToLower(strings.TrimPrefix(p.Domain, "www."))
	}
	return strings.ToLower(p.Name)
}

// loadOthers reads events, people and learning resources.
func (s *snapshot) loadOthers(ctx context.Context, st store.Store) error {
	people := map[string]*personView{}
	learning := map[string]*learningView{}
	var plists, llists []*model.Record
	kinds := []model.Kind{model.KindEvent, model.KindPerson, model.KindPeopleList, model.KindLearning, model.KindLearningList}
	err := st.Scan(ctx, kinds, func(r *model.Record) error {
		switch {
		case r.Kind == model.KindEvent && r.Event != nil:
			e := s.newEvent(r)
			if r.Event.EndDateTime.IsZero() && !r.Event.StartDateTime.Before(s.now) || r.Event.EndDateTime.After(s.now) {
				s.upcoming = append(s.upcoming, e)
			} else {
				s.past = append(s.past, e)
			}
		case r.Kind == model.KindPerson && r.Person != nil:
			if r.Person.Type == "collection" {
				plists = append(plists, r)
				break
			}
			p := s.newPerson(r)
			people[p.Slug] = p
			s.people = append(s.people, p)
		case r.Kind == model.KindPeopleList && r.Person != nil:
			plists = append(plists, r)
		case r.Kind == model.KindLearning && r.Learning != nil:
			if r.Learning.Type == "collection" {
				llists = append(llists, r)
				break
			}
			l := s.newLearning(r)
			learning[l.Key] = l
			s.learning = append(s.learning, l)
		case r.Kind == model.KindLearningList && r.Learning != nil:
			llists = append(llists, r)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("read events, people and learning: %w", err)
	}
	sort.SliceStable(s.upcoming, func(i, j int) bool { return s.upcoming[i].Start.Before(s.upcoming[j].Start) })
	sort.SliceStable(s.past, func(i, j int) bool { return s.past[i].Start.After(s.past[j].Start) })
	sort.SliceStable(s.people, func(i, j int) bool { return s.people[i].Heat > s.people[j].Heat })
	sort.SliceStable(s.learning, func(i, j int) bool { return s.learning[i].Heat > s.learning[j].Heat })
	for _, r := range plists {
		s.peopleLists = append(s.peopleLists, s.newPeopleList(r, people))
	}
	for _, r := range llists {
		s.learningLists = append(s.learningLists, s.newLearningList(r, learning))
	}
	sort.SliceStable(s.peopleLists, func(i, j int) bool { return s.peopleLists[i].Heat > s.peopleLists[j].Heat })
	sort.SliceStable(s.learningLists, func(i, j int) bool { return s.learningLists[i].Heat > s.learningLists[j].Heat })
	return nil
}
