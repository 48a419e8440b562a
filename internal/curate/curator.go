package curate

import (
	"cmp"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"newshub/internal/content"
	"newshub/internal/curate/cluster"
	"newshub/internal/curate/scope"
	"newshub/internal/editorial"
	"newshub/internal/model"
	"newshub/internal/site"
	"newshub/internal/store"
)

// Options configure a Curator.
type Options struct {
	// Window is how far apart in time two articles of one story may be.
	// Zero means the site's story_window, else cluster.DefaultWindow.
	Window time.Duration
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// SiteDir is the site folder, whose editorial decisions
	// (_data/decisions.yaml) and sources list every run reads: they take
	// effect without an import. "" reads the copies the store holds.
	SiteDir string
	// Log receives a debug line per batch All writes, and a warning when
	// decisions taken while Commit curated a batch could not be applied
	// to it; nil discards them.
	Log *slog.Logger
}

// Curator curates a hub's news: incrementally as articles arrive (Arrive)
// or over the whole store (All).
type Curator struct {
	site   *site.Site
	st     store.Store
	window time.Duration
	now    func() time.Time
	limit  int
	canon  canonCache
	// fullWindow keeps a batch's window records whole rather than as lean
	// copies, and windowPage bounds the records decoded at a time (0: the
	// default): both for tests comparing the two ways.
	fullWindow bool
	windowPage int

	siteDir string
	log     *slog.Logger
	// decisions keeps the editors' log last read, and rules it compiled:
	// every curation reads the log, which a busy hub's months make long.
	decisions editorial.Cache
	rules     editorial.Memo[*editorial.Rules]
	// gate is the topic gate articles arriving in this process are
	// decided by, taught from the store on first use (see sharedGate);
	// gateKey is the hub's topic it was made for.
	gateMu  sync.Mutex
	gate    *scope.Gate
	gateKey string

	// readings are the words of arriving articles read ahead by Prepare,
	// until Arrive takes them.
	readMu   sync.Mutex
	readings map[*model.Article]*scope.Reading
}

// canonCache remembers canonical URLs: the same addresses (a stored
// article's own, the related coverage many records list) are keyed again
// and again, batch after batch.
type canonCache struct {
	mu sync.Mutex
	m  map[string]string
}

// canonCacheMax bounds the cache; a full cache starts again empty.
const canonCacheMax = 1 << 16

// canonical is CanonicalURL, remembered.
func (c *Curator) canonical(u string) string {
	cc := &c.canon
	cc.mu.Lock()
	k, ok := cc.m[u]
	cc.mu.Unlock()
	if ok {
		return k
	}
	k = CanonicalURL(u)
	cc.mu.Lock()
	if cc.m == nil || len(cc.m) >= canonCacheMax {
		cc.m = make(map[string]string)
	}
	cc.m[u] = k
	cc.mu.Unlock()
	return k
}

// Prepare does ahead, for a news record about to arrive, what curating it
// reads nothing stored for: it reads the article's words for the topic
// gate and puts its addresses in the cache of canonical URLs. It is safe
// for concurrent use, so an import calls it on the goroutines that parse
// its files, and Arrive finds that work done rather than doing it in turn;
// what Prepare read is used only if the article has not changed since.
// Before the gate is made (by the first Arrive) only the addresses are
// done. What Prepare read is held until the record arrives or the Curator
// is dropped: a caller that keeps its Curator prepares only records it
// means to give Arrive (an import makes one Curator per load, so the
// readings of the few files it turns away go with it).
func (c *Curator) Prepare(r *model.Record) {
	if !isNews(r) {
		return
	}
	a := r.Article
	c.linkKeys(a, true)
	c.gateMu.Lock()
	g := c.gate
	c.gateMu.Unlock()
	if g == nil {
		return
	}
	rd := g.Read(gateArticle(a, false))
	c.readMu.Lock()
	if c.readings == nil {
		c.readings = map[*model.Article]*scope.Reading{}
	}
	c.readings[a] = rd
	c.readMu.Unlock()
}

// takeReadings removes the readings Prepare made of the articles of recs
// and returns them.
func (c *Curator) takeReadings(recs []*model.Record) map[*model.Article]*scope.Reading {
	c.readMu.Lock()
	defer c.readMu.Unlock()
	if len(c.readings) == 0 {
		return nil
	}
	m := map[*model.Article]*scope.Reading{}
	for _, r := range recs {
		if rd, ok := c.readings[r.Article]; ok {
			m[r.Article] = rd
			delete(c.readings, r.Article)
		}
	}
	return m
}

// New returns a Curator for the hub s kept in st.
func New(s *site.Site, st store.Store, opts Options) *Curator {
	c := &Curator{site: s, st: st, window: opts.Window, now: opts.Now, limit: s.Config.Related(), siteDir: opts.SiteDir, log: opts.Log}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.window <= 0 {
		if d, err := model.ParseSpan(s.Config.StoryWindow); err == nil && d > 0 {
			c.window = d
		} else {
			c.window = cluster.DefaultWindow
		}
	}
	if c.now == nil {
		c.now = time.Now
	}
	return c
}

// Window returns the story window the curator uses.
func (c *Curator) Window() time.Duration { return c.window }

// storyID names a story after the record that founded it, the way the
// clusterer names the stories it starts.
func storyID(founder string) string {
	h := sha1.Sum([]byte(founder))
	return "s-" + hex.EncodeToString(h[:6])
}

// carriesStory reports whether an article came with its lifecycle values
// (an imported record): its story then comes from its related coverage and
// its values are kept.
func carriesStory(a *model.Article) bool { return a.Has.Published || a.Has.Heat }

// effectiveTime is the time an article is placed at for windows and
// clustering: its publication time, else when it was fetched, else now; a
// time in the future counts as now.
func (c *Curator) effectiveTime(a *model.Article) time.Time {
	now := c.now()
	t := a.PublishedDateTime
	if t.IsZero() {
		t = a.FetchedAt
	}
	if t.IsZero() || t.After(now) {
		t = now
	}
	return t
}

// docOf is the clusterer's view of a news record.
func (c *Curator) docOf(r *model.Record) cluster.Doc {
	a := r.Article
	return cluster.Doc{
		ID:        r.Path,
		Title:     a.Title,
		Excerpt:   a.Excerpt,
		URL:       cmp.Or(a.OriginalURL, a.WebURL),
		Provider:  a.Provider.Name,
		Domain:    a.Provider.Domain,
		Published: c.effectiveTime(a),
	}
}

// prepare fills what an article lacks before clustering: canonical URL,
// AMP-cache address, quality and topics, with their explanations. It
// reports whether a field of the record's file changed.
func (c *Curator) prepare(a *model.Article) bool {
	changed := false
	if a.Explain == nil {
		a.Explain = &model.Explain{}
	}
	a.CanonicalURL = ArticleKey(a.CanonicalURL, cmp.Or(a.OriginalURL, a.WebURL))
	if !carriesStory(a) {
		if a.AmpWebURL != "" && a.CdnAmpWebURL == "" {
			a.CdnAmpWebURL = CdnAmpURL(a.AmpWebURL)
			changed = true
		}
		// A record needs a publication time, and one in the future is a
		// feed error that would pin the article to the top of every page.
		if t := c.effectiveTime(a); !t.Equal(a.PublishedDateTime) {
			a.PublishedDateTime = t.UTC().Truncate(time.Second)
			changed = true
		}
	}
	org := c.site.Organization(publisherHost(a))
	if a.Has.Quality {
		a.Explain.Quality = []string{fmt.Sprintf("%d, carried by the record", a.Quality)}
	} else {
		q, why := Quality(a, org)
		changed = changed || q != a.Quality
		a.Quality, a.Explain.Quality = q, why
	}
	if a.Has.Topics {
		a.Explain.Topics = []string{"carried by the record: " + strings.Join(a.Topics, ", ")}
	} else {
		// Topics an ingested article already has were given by its source.
		names, why := Topics(a, c.site, a.Topics)
		changed = changed || !slices.Equal(names, a.Topics)
		a.Topics, a.Explain.Topics = names, why
	}
	return changed
}

// snapshot is what Settle may change on a record, to tell whether it did.
// It holds the values themselves: a fingerprint joined from strings could
// read the same for different values.
type snapshot struct {
	published bool
	heat      int
	related   []relatedSnap
	story     string
	// what judging may change, which lives only in the database
	withheld  string
	pinned    time.Time
	relevance *relevanceSnap
	editor    []string
}

// relatedSnap is what a snapshot keeps of one related entry.
type relatedSnap struct {
	webURL         string
	quality        int
	title, excerpt string
}

func snap(a *model.Article) snapshot {
	s := snapshot{published: a.Published, heat: a.Heat, story: a.Story}
	if len(a.Related) > 0 {
		s.related = make([]relatedSnap, len(a.Related))
		for i, r := range a.Related {
			s.related[i] = relatedSnap{r.WebURL, r.Quality, r.Title, r.Excerpt}
		}
	}
	s.withheld, s.pinned = a.Withheld, a.PinnedUntil
	if r := a.Relevance; r != nil {
		s.relevance = &relevanceSnap{r.OnTopic, r.Basis, slices.Clone(r.Reasons)}
	}
	if a.Explain != nil {
		s.editor = slices.Clone(a.Explain.Editor)
	}
	return s
}

func (s snapshot) equal(t snapshot) bool {
	return s.story == t.story && !s.fileChanged(t) && s.withheld == t.withheld && s.pinned.Equal(t.pinned) &&
		s.relevance.equal(t.relevance) && slices.Equal(s.editor, t.editor)
}

// relevanceSnap is what a snapshot keeps of a topic decision: what it
// decided and why, not the score, which moves a little with every lesson.
type relevanceSnap struct {
	onTopic bool
	basis   string
	reasons []string
}

func (r *relevanceSnap) equal(o *relevanceSnap) bool {
	if r == nil || o == nil {
		return r == o
	}
	return r.onTopic == o.onTopic && r.basis == o.basis && slices.Equal(r.reasons, o.reasons)
}

// fileChanged reports whether the fields that live in the record's file
// differ between two snapshots (the story lives only in the database).
func (s snapshot) fileChanged(t snapshot) bool {
	return s.published != t.published || s.heat != t.heat || !slices.Equal(s.related, t.related)
}

// render brings a record's bytes in step with its changed fields.
func render(r *model.Record) error {
	if err := content.Render(r); err != nil {
		return fmt.Errorf("curate %s: %w", r.Path, err)
	}
	return nil
}

// interval is a span of time to load from the store.
type interval struct{ lo, hi time.Time }

// windows returns the merged spans [t-window, t+window] around times.
func (c *Curator) windows(times []time.Time) []interval {
	sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
	var out []interval
	for _, t := range times {
		iv := interval{t.Add(-c.window), t.Add(c.window)}
		if n := len(out); n > 0 && !iv.lo.After(out[n-1].hi) {
			if iv.hi.After(out[n-1].hi) {
				out[n-1].hi = iv.hi
			}
			continue
		}
		out = append(out, iv)
	}
	return out
}

// unionFind joins keys into components. A key is of a kind (a record's
// path, a story, a canonical URL) and numbered in that kind's map, so
// linking a batch builds no key strings and follows numbers, where keys
// prefixed with their kind cost a concatenation each time one was named.
type unionFind struct {
	ids    [keyKinds]map[string]int
	parent []int
}

// keyKind is the kind of a unionFind key.
type keyKind int

const (
	pathKey keyKind = iota // a record, by its path
	storyKey
	urlKey // a canonical URL
	keyKinds
)

// node returns the number of key k of kind, adding it when new.
func (u *unionFind) node(kind keyKind, k string) int {
	if i, ok := u.ids[kind][k]; ok {
		return i
	}
	if u.ids[kind] == nil {
		u.ids[kind] = map[string]int{}
	}
	i := len(u.parent)
	u.ids[kind][k] = i
	u.parent = append(u.parent, i)
	return i
}

// has reports whether key k of kind has been added.
func (u *unionFind) has(kind keyKind, k string) bool {
	_, ok := u.ids[kind][k]
	return ok
}

// find returns the component of key k of kind, adding the key when new.
func (u *unionFind) find(kind keyKind, k string) int { return u.root(u.node(kind, k)) }

// root returns the component of node i, halving the paths it follows.
func (u *unionFind) root(i int) int {
	for u.parent[i] != i {
		u.parent[i] = u.parent[u.parent[i]]
		i = u.parent[i]
	}
	return i
}

// union joins the components of two keys.
func (u *unionFind) union(akind keyKind, a string, bkind keyKind, b string) {
	ra, rb := u.find(akind, a), u.find(bkind, b)
	if rb < ra {
		ra, rb = rb, ra
	}
	u.parent[rb] = ra
}

// linkKeys are the canonical URLs a record is known by: its own and, when
// withRelated, those of its related coverage.
func (c *Curator) linkKeys(a *model.Article, withRelated bool) []string {
	keys := c.urlKeys(a.OriginalURL, a.WebURL)
	if withRelated {
		for _, r := range a.Related {
			if r.WebURL != "" {
				keys = append(keys, c.canonical(r.WebURL))
			}
		}
	}
	return keys
}

// urlKeys are the canonical URLs of an article's own addresses.
func (c *Curator) urlKeys(originalURL, webURL string) []string {
	var keys []string
	for _, u := range []string{originalURL, webURL} {
		if u != "" {
			keys = append(keys, c.canonical(u))
		}
	}
	return keys
}

// byTime orders records by effective time, then path.
func (c *Curator) byTime(recs []*model.Record) {
	slices.SortStableFunc(recs, func(x, y *model.Record) int {
		if d := c.effectiveTime(x.Article).Compare(c.effectiveTime(y.Article)); d != 0 {
			return d
		}
		return strings.Compare(x.Path, y.Path)
	})
}

// segments splits records sorted by time where two neighbours are more
// than the window apart: nothing can tie articles across such a gap, so
// each segment is clustered on its own.
func (c *Curator) segments(recs []*model.Record) [][]*model.Record {
	var out [][]*model.Record
	start := 0
	for i := 1; i <= len(recs); i++ {
		if i == len(recs) || c.effectiveTime(recs[i].Article).Sub(c.effectiveTime(recs[i-1].Article)) > c.window {
			out = append(out, recs[start:i])
			start = i
		}
	}
	return out
}

// founder is the earliest record of a group (then the smallest path).
func (c *Curator) founder(recs []*model.Record) *model.Record {
	var f *model.Record
	for _, r := range recs {
		if f == nil {
			f = r
			continue
		}
		d := c.effectiveTime(r.Article).Compare(c.effectiveTime(f.Article))
		if d < 0 || d == 0 && r.Path < f.Path {
			f = r
		}
	}
	return f
}

func isNews(r *model.Record) bool { return r != nil && r.Kind == model.KindNews && r.Article != nil }

// Summary reports what All did.
type Summary struct {
	Articles int // news records curated
	Stories  int // stories among them
	Leads    int // published leads
	// Withheld counts the articles withheld from publication, OffTopic
	// those of them the topic gate found off topic; Edits the editors'
	// moves and merges that applied.
	Withheld, OffTopic, Edits int
	Changed                   int // records written
	// Redone counts the records another writer changed while All ran,
	// curated again from what they became; Left, those of them still
	// changing after the last round, left as the other writer wrote them.
	Redone, Left int
	Elapsed      time.Duration // time taken
}

// Explain returns why an article has its values: the explanations curation
// stored with it or, for each part it lacks, ones computed now from the
// article and its story as they stand (without changing anything).
func (c *Curator) Explain(ctx context.Context, r *model.Record) (*model.Explain, error) {
	if !isNews(r) {
		return nil, fmt.Errorf("explain %s: not a news record", r.Path)
	}
	a := r.Article
	ex := &model.Explain{}
	if a.Explain != nil {
		*ex = *a.Explain
	}
	// A value the record carried is explained by what newshub would
	// compute for it, so the two can be compared.
	if len(ex.Quality) <= 1 {
		q, why := Quality(a, c.site.Organization(publisherHost(a)))
		if len(ex.Quality) > 0 {
			ex.Quality = append(ex.Quality, fmt.Sprintf("newshub would compute %d:", q))
		}
		ex.Quality = append(ex.Quality, why...)
	}
	if len(ex.Topics) <= 1 {
		names, why := Topics(a, c.site, nil)
		if len(ex.Topics) > 0 {
			ex.Topics = append(ex.Topics, "newshub would compute "+strings.Join(names, ", ")+":")
		}
		ex.Topics = append(ex.Topics, why...)
	}
	if ex.Story == "" {
		if a.Story == "" {
			ex.Story = "no story yet: run curate"
		} else {
			members, err := c.st.Story(ctx, a.Story)
			if err != nil {
				return nil, fmt.Errorf("explain %s: %w", r.Path, err)
			}
			ex.Story = fmt.Sprintf("story %s: %d articles", a.Story, len(members))
		}
	}
	if ex.Heat == "" {
		ex.Heat = heatExplain(a, nil)
	}
	return ex, nil
}
