package curate

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"newshub/internal/curate/cluster"
	"newshub/internal/curate/scope"
	"newshub/internal/editorial"
	"newshub/internal/model"
	"newshub/internal/store"
)

// batch is the state of one Arrive call.
type batch struct {
	c *Curator
	j *judge

	arrivals []*model.Record          // news arrivals kept, input order
	arrived  map[string]bool          // their paths
	dropped  map[*model.Record]bool   // arrivals merged into another record
	work     map[string]*model.Record // every news record in play, by path
	window   []*model.Record          // stored records of the windows (not arrivals)
	links    []windowLink             // the same as linkImported sees them
	byKey    keyIndex                 // canonical URL or GUID → record in play
	prior    map[string]string        // story a stored record had at an arrival's path
	changed  map[string]*model.Record // stored records changed, by path
	dirty    map[*model.Record]bool   // records whose file fields changed
	// lean holds the window records kept as lean copies (see leanArena.copy),
	// and at the index of each window record in window, by path: a lean
	// copy is replaced by its full record before anything changes it.
	lean  map[*model.Record]bool
	at    map[string]int
	leans leanArena
	// stored maps the keys of the arrivals to the path of the stored
	// article ArticleByURL would return, when the store can look them up
	// all at once; nil otherwise.
	stored map[string]string
	arriveOpts
}

// arriveOpts are what Commit asks of Arrive beside curating.
type arriveOpts struct {
	// given keeps the arrivals as given: it is told of an arrival before
	// a duplicate is merged into it.
	given *givenRecords
	// lazy leaves the records without file bytes unrendered: the store
	// renders them as it writes them.
	lazy bool
}

// windowLink is a stored article of the windows as linkImported sees it:
// its canonical URLs and story, and the record itself once read.
type windowLink struct {
	path, story string
	keys        []string
	rec         *model.Record // nil until needed, when listed by linkScanner
}

// linkScanner is implemented by stores that can list the addresses of the
// news of a time span without decoding records (store/sqlite does).
type linkScanner interface {
	ScanLinks(ctx context.Context, since, until time.Time, fn func(path, story, originalURL, webURL string) error) error
}

// pathFinder is implemented by stores that can look up many article keys
// in one go (store/sqlite does).
type pathFinder interface {
	ArticlePaths(ctx context.Context, keys []string) (map[string]string, error)
}

// Arrive curates newly arrived news records incrementally and returns every
// record to upsert: the arrivals (mutated) plus the stored records it
// changed (a lead that gains related coverage, a former lead demoted, a
// record an arrival was merged into). It does not write; the caller
// upserts the result in one transaction.
//
// An arrival keeps every curated value its record carried (Article.Has);
// only what it lacks is computed. Arrivals that carry their lifecycle
// values (imported records) are grouped into stories through their related
// coverage and left otherwise unchanged. The others are merged into an
// existing article with the same canonical URL or GUID when there is one,
// else clustered against the stored articles of their time window, and the
// stories they join get their lead, related lists and heat settled again.
// Records of other kinds are returned unchanged.
//
// An arrival of which no valid record can be made (no title, no URL) is
// left out; Arrive then returns the rest together with an error wrapping
// ErrRejected that names each one ("path: rejected: no title"), so the
// caller upserts what it got and reports the error.
func (c *Curator) Arrive(ctx context.Context, recs []*model.Record) ([]*model.Record, error) {
	return c.arrive(ctx, recs, arriveOpts{})
}

func (c *Curator) arrive(ctx context.Context, recs []*model.Record, opts arriveOpts) ([]*model.Record, error) {
	b, rejected, err := c.newBatch(ctx, recs, opts)
	if err != nil {
		return nil, err
	}
	if err := b.curate(ctx); err != nil {
		return nil, err
	}
	b.release()
	if err := b.readRaw(ctx); err != nil {
		return nil, err
	}
	out, err := b.result(recs)
	if err != nil {
		return nil, err
	}
	return out, errors.Join(rejected...)
}

// newBatch gathers the usable news arrivals of recs, prepared, into a
// batch; rejected names the others.
func (c *Curator) newBatch(ctx context.Context, recs []*model.Record, opts arriveOpts) (b *batch, rejected []error, err error) {
	j, err := c.newJudge(ctx, false)
	if err != nil {
		return nil, nil, err
	}
	b = &batch{c: c, j: j, arrived: map[string]bool{}, dropped: map[*model.Record]bool{},
		work: map[string]*model.Record{}, byKey: newKeyIndex(),
		prior: map[string]string{}, changed: map[string]*model.Record{}, dirty: map[*model.Record]bool{},
		lean: map[*model.Record]bool{}, at: map[string]int{}, arriveOpts: opts}
	for _, r := range recs {
		if !isNews(r) {
			continue
		}
		if b.arrived[r.Path] {
			// The same path twice in one batch: the later one wins.
			for i, x := range b.arrivals {
				if x.Path == r.Path {
					b.arrivals = slices.Delete(b.arrivals, i, i+1)
					break
				}
			}
		}
		b.arrived[r.Path] = true
		b.arrivals = append(b.arrivals, r)
		b.work[r.Path] = r
	}
	j.readings = c.takeReadings(b.arrivals)
	b.arrivals = slices.DeleteFunc(b.arrivals, func(r *model.Record) bool {
		if err := c.usable(r); err != nil {
			rejected = append(rejected, err)
			delete(b.arrived, r.Path)
			delete(b.work, r.Path)
			return true
		}
		return false
	})
	for _, r := range b.arrivals {
		if c.prepare(r.Article) {
			b.dirty[r] = true
		}
		if j.editTopics(r.Article) {
			b.dirty[r] = true
		}
	}
	return b, rejected, nil
}

// curate settles the stories of the batch's arrivals over the stored
// articles of their windows.
func (b *batch) curate(ctx context.Context) error {
	c := b.c
	// A batch of imported records only links them to the stored articles
	// of their windows: the addresses of those are enough, and only the
	// few linked to are read.
	if ls, ok := c.st.(linkScanner); ok && b.allCarry() {
		if err := b.loadLinks(ctx, ls); err != nil {
			return err
		}
	} else if err := b.loadWindows(ctx); err != nil {
		return err
	}
	if err := b.dedup(ctx); err != nil {
		return err
	}
	b.forgetGUIDs()
	if err := b.linkImported(ctx); err != nil {
		return err
	}
	return b.clusterFresh(ctx)
}

// forgetGUIDs lets go of the index of GUIDs and of the GUIDs of the lean
// copies once the arrivals are de-duplicated: nothing looks a record up by
// its GUID after that.
func (b *batch) forgetGUIDs() {
	b.byKey.guids = nil
	for r := range b.lean {
		r.Article.GUID = ""
	}
}

// release lets go of the windows once the stories are settled: what is
// left to do (reading the file bytes of the records to write back,
// rendering) needs only the arrivals and the records changed, and the
// renderings would otherwise come on top of the windows.
func (b *batch) release() {
	b.work, b.window, b.links, b.byKey, b.prior, b.stored = nil, nil, nil, keyIndex{}, nil, nil
	b.lean, b.at, b.leans = nil, nil, leanArena{}
}

// readRaw reads the file bytes of the stored records to be written back
// that loadWindows or settle read without them, so that rendering keeps
// each file as written.
func (b *batch) readRaw(ctx context.Context) error {
	for p, r := range b.changed {
		if b.arrived[p] || r.Raw != nil || r.Version == 0 {
			continue
		}
		stored, err := b.c.st.Get(ctx, p)
		if err != nil {
			return fmt.Errorf("curate: read %s: %w", p, err)
		}
		// Another writer may have changed it since: the write checks the
		// version read with the window and fails as a conflict.
		r.Raw = stored.Raw
	}
	return nil
}

// ErrRejected marks an arrival Arrive left out because no valid record can
// be made of it.
var ErrRejected = errors.New("rejected")

// usable checks that an arrival can become a valid record: within the
// size limits (a record read from a file is; one from a feed is fitted to
// them before, see model.FitArticle) and, lacking curated values, with a
// title and an address.
func (c *Curator) usable(r *model.Record) error {
	a := r.Article
	if over := model.OverLimits(a); len(over) > 0 {
		return fmt.Errorf("%s: %w: %s", r.Path, ErrRejected, overMessage(over[0]))
	}
	if carriesStory(a) {
		return nil
	}
	if strings.TrimSpace(a.Title) == "" {
		return fmt.Errorf("%s: %w: no title", r.Path, ErrRejected)
	}
	if a.OriginalURL == "" && a.WebURL == "" {
		return fmt.Errorf("%s: %w: no originalUrl or webUrl", r.Path, ErrRejected)
	}
	return nil
}

// overMessage says how a field (named as model.OverLimits names it) is
// over its limit, in the words import uses for a file.
func overMessage(field string) string {
	name := field[strings.LastIndexByte(field, '.')+1:]
	if limit := model.ListLimit(name); limit > 0 {
		return fmt.Sprintf("%s longer than %d entries", field, limit)
	}
	name, _, _ = strings.Cut(name, "[")
	return fmt.Sprintf("%s longer than %d characters", field, model.TextLimit(name))
}

// loadWindows reads the stored articles around the arrivals' times. It
// keeps a lean copy of each (what clustering and related coverage read):
// most of a window is only compared with, and the few records a batch
// changes are read again in full (see full).
func (b *batch) loadWindows(ctx context.Context) error {
	var times []time.Time
	for _, r := range b.arrivals {
		times = append(times, b.c.effectiveTime(r.Article))
	}
	// Shared by the lean copies, which nothing changes: on topic surely,
	// or by the gate's threshold alone (see storyOnTopic).
	onTopic := &leanRelevance{sure: &model.Relevance{OnTopic: true}, threshold: &model.Relevance{OnTopic: true, Basis: scope.Model.String()}}
	for _, iv := range b.c.windows(times) {
		err := b.c.scanWindow(ctx, iv, func(r *model.Record) {
			if !isNews(r) {
				return
			}
			if b.arrived[r.Path] {
				b.prior[r.Path] = r.Article.Story
				return
			}
			if _, ok := b.work[r.Path]; ok {
				return
			}
			if !b.c.fullWindow {
				r = b.leans.copy(r, onTopic)
				b.lean[r] = true
			}
			b.work[r.Path] = r
			b.at[r.Path] = len(b.window)
			b.window = append(b.window, r)
		})
		if err != nil {
			return fmt.Errorf("curate: load window: %w", err)
		}
	}
	for _, r := range b.window {
		b.index(r)
	}
	for _, r := range b.arrivals {
		if carriesStory(r.Article) {
			b.index(r)
		}
	}
	return nil
}

// defaultWindowPage is how many stored records loadWindows decodes at a
// time: a page is held in full only while its lean copies are taken.
const defaultWindowPage = 2000

// scanWindow calls fn with the stored news of a span, newest first (the
// order of store.ByTime), a page at a time. A page ends within the
// records of one time, so the next starts at that time again and skips
// those already given; a page of one time only is read again twice as
// large.
func (c *Curator) scanWindow(ctx context.Context, iv interval, fn func(*model.Record)) error {
	limit := cmp.Or(c.windowPage, defaultWindowPage)
	until := iv.hi
	var edge int64             // the time (Unix µs) of the last page's last record
	given := map[string]bool{} // records of that time already given
	for {
		recs, err := c.st.News(ctx, store.NewsQuery{Since: iv.lo, Until: until, NoRaw: true, Limit: limit})
		if err != nil {
			return err
		}
		progress := false
		for _, r := range recs {
			if given[r.Path] {
				continue
			}
			progress = true
			fn(r)
		}
		if len(recs) < limit {
			return nil
		}
		if !progress {
			limit *= 2
			continue
		}
		last := recs[len(recs)-1].Article.PublishedDateTime.UnixMicro()
		if last != edge {
			edge = last
			clear(given)
		}
		for _, r := range recs {
			if r.Article.PublishedDateTime.UnixMicro() == edge {
				given[r.Path] = true
			}
		}
		until = time.UnixMicro(edge + 1)
	}
}

// leanArena holds a batch's lean copies in chunks, and the strings they
// keep until the batch ends (see shed) in shared buffers. Allocated one by
// one, each would sit between the garbage of the page of records it was
// decoded from: a window's lean copies would then keep most of the heap's
// pages of those sizes half empty.
type leanArena struct {
	recs []model.Record
	arts []model.Article
	text strings.Builder
}

const (
	leanChunk = 256      // lean copies allocated at once
	leanText  = 64 << 10 // bytes of kept strings allocated at once
)

// leanRelevance are the relevances lean copies share.
type leanRelevance struct{ sure, threshold *model.Relevance }

// copy returns a lean copy of a stored window record: what clustering,
// lead choice and related coverage read of a record they do not change:
// its words, addresses, time, story, quality and whether it may be
// published (a relevance of onTopic, when it is on topic: whether surely).
func (la *leanArena) copy(r *model.Record, onTopic *leanRelevance) *model.Record {
	if len(la.recs) == 0 {
		la.recs, la.arts = make([]model.Record, leanChunk), make([]model.Article, leanChunk)
	}
	rec, l := &la.recs[0], &la.arts[0]
	la.recs, la.arts = la.recs[1:], la.arts[1:]
	a := r.Article
	*l = model.Article{
		Title: la.keep(a.Title), Excerpt: a.Excerpt, PublishedDateTime: a.PublishedDateTime,
		OriginalURL: a.OriginalURL, WebURL: a.WebURL, AmpWebURL: a.AmpWebURL, CdnAmpWebURL: a.CdnAmpWebURL,
		Type: la.keep(a.Type), Quality: a.Quality, Heat: a.Heat, Published: a.Published,
		Provider: model.Provider{Name: a.Provider.Name, Domain: a.Provider.Domain},
		Images:   slices.Clip(a.Images), Has: a.Has, Archived: a.Archived,
		CanonicalURL: la.keep(a.CanonicalURL), GUID: a.GUID, Story: la.keep(a.Story), FetchedAt: a.FetchedAt,
		Withheld: la.keep(a.Withheld),
	}
	// One string for an address given twice, as most records give it.
	if l.OriginalURL == l.CanonicalURL {
		l.OriginalURL = l.CanonicalURL
	}
	if l.WebURL == l.OriginalURL {
		l.WebURL = l.OriginalURL
	}
	if rel := a.Relevance; surelyOnTopic(rel) {
		l.Relevance = onTopic.sure
	} else if rel != nil && rel.OnTopic {
		l.Relevance = onTopic.threshold
	}
	*rec = model.Record{Path: la.keep(r.Path), Kind: r.Kind, Version: r.Version, Article: l}
	return rec
}

// keep returns a copy of s in the arena's buffer of kept strings. A
// strings.Builder never changes the bytes it has written, so a string cut
// from what it has built stays valid when it grows or is replaced.
func (la *leanArena) keep(s string) string {
	if s == "" {
		return ""
	}
	if la.text.Cap()-la.text.Len() < len(s) {
		la.text = strings.Builder{}
		la.text.Grow(max(leanText, len(s)))
	}
	start := la.text.Len()
	la.text.WriteString(s)
	return la.text.String()[start:]
}

// shed drops from a lean copy, once the clusterer has its words, what
// only related coverage reads: a related entry made of it is made of the
// stored record, read again (see similar). Across a window of tens of
// thousands of records the excerpts, images and addresses are much of what
// the lean copies hold. The title stays, as headlines are matched against
// it, and the canonical URL, by which the batch finds records in play.
func shed(a *model.Article) {
	a.Excerpt, a.Images, a.AmpWebURL, a.CdnAmpWebURL = "", nil, "", ""
	a.OriginalURL, a.WebURL = "", ""
	a.Provider = model.Provider{}
}

// full returns the full record in play at path, reading it when the batch
// holds only its lean copy or nothing; nil when it has gone meanwhile or
// is no news.
func (b *batch) full(ctx context.Context, path string) (*model.Record, error) {
	if w := b.work[path]; w != nil && !b.lean[w] {
		return w, nil
	}
	r, err := b.c.st.Get(ctx, path)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("curate: %w", err)
	}
	if !isNews(r) {
		return nil, nil
	}
	return b.inPlay(r), nil
}

// inPlay returns the record in play at the path of r, a record just read
// in full from the store: the one the batch holds unless that is a lean
// copy, which r then replaces everywhere.
func (b *batch) inPlay(r *model.Record) *model.Record {
	w := b.work[r.Path]
	if w == nil {
		b.work[r.Path] = r
		return r
	}
	if !b.lean[w] {
		return w
	}
	delete(b.lean, w)
	b.work[r.Path] = r
	b.window[b.at[r.Path]] = r
	if k := w.Article.CanonicalURL; b.byKey.get(k) == w {
		b.byKey.set(k, r)
	}
	if g := w.Article.GUID; b.byKey.guids[g] == w {
		b.byKey.guids[g] = r
	}
	return r
}

// allCarry reports whether every arrival carries its lifecycle values.
func (b *batch) allCarry() bool {
	for _, r := range b.arrivals {
		if !carriesStory(r.Article) {
			return false
		}
	}
	return true
}

// loadLinks lists the stored articles around the arrivals' times as links,
// as loadWindows would load them, without reading the records.
func (b *batch) loadLinks(ctx context.Context, ls linkScanner) error {
	var times []time.Time
	for _, r := range b.arrivals {
		times = append(times, b.c.effectiveTime(r.Article))
	}
	seen := map[string]bool{}
	for _, iv := range b.c.windows(times) {
		err := ls.ScanLinks(ctx, iv.lo, iv.hi, func(path, story, originalURL, webURL string) error {
			if b.arrived[path] {
				b.prior[path] = story
				return nil
			}
			if !seen[path] {
				seen[path] = true
				b.links = append(b.links, windowLink{path: path, story: story, keys: b.c.urlKeys(originalURL, webURL)})
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("curate: load window: %w", err)
		}
	}
	for _, r := range b.arrivals {
		b.index(r)
	}
	return nil
}

// linkRecord returns the record of a window link, reading it when only
// its link was listed; nil when it has gone meanwhile.
func (b *batch) linkRecord(ctx context.Context, l *windowLink) (*model.Record, error) {
	if l.rec != nil {
		return l.rec, nil
	}
	r, err := b.full(ctx, l.path)
	if err != nil || r == nil {
		return nil, err
	}
	l.rec = r
	return r, nil
}

// index makes a record findable by its canonical URL and GUID.
func (b *batch) index(r *model.Record) {
	a := r.Article
	if k := a.CanonicalURL; k != "" && b.byKey.get(k) == nil {
		b.byKey.set(k, r)
	}
	if g := a.GUID; g != "" && b.byKey.guids[g] == nil {
		b.byKey.guids[g] = r
	}
}

// keyIndex maps the keys of records in play, canonical URLs and "guid:"
// and a GUID, to the records. The GUID keys are held without the prefix,
// in a map of their own, so that indexing a window builds no string.
type keyIndex struct {
	urls  map[string]*model.Record // every other key
	guids map[string]*model.Record // "guid:" keys, by what follows
}

func newKeyIndex() keyIndex {
	return keyIndex{urls: map[string]*model.Record{}, guids: map[string]*model.Record{}}
}

func (x keyIndex) get(k string) *model.Record {
	if g, ok := strings.CutPrefix(k, "guid:"); ok {
		return x.guids[g]
	}
	return x.urls[k]
}

func (x keyIndex) set(k string, r *model.Record) {
	if g, ok := strings.CutPrefix(k, "guid:"); ok {
		x.guids[g] = r
		return
	}
	x.urls[k] = r
}

// find returns the record in play, or else stored, that is the same
// article as a (other than the record at path itself).
func (b *batch) find(ctx context.Context, path string, a *model.Article) (*model.Record, error) {
	for _, k := range []string{a.CanonicalURL, "guid:" + a.GUID} {
		if k == "" || k == "guid:" {
			continue
		}
		if r := b.byKey.get(k); r != nil && r.Path != path {
			if b.lean[r] {
				return b.full(ctx, r.Path)
			}
			return r, nil
		}
	}
	for _, k := range []string{a.CanonicalURL, a.GUID} {
		if k == "" {
			continue
		}
		r, err := b.storedArticle(ctx, k)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("curate: %w", err)
		}
		if r.Path == path || !isNews(r) {
			continue
		}
		if b.lean[r] {
			return b.full(ctx, r.Path)
		}
		return b.inPlay(r), nil
	}
	return nil, nil
}

// storedArticle is the store's ArticleByURL, answered from the keys looked
// up for the whole batch when there are some: only an article found is
// read.
func (b *batch) storedArticle(ctx context.Context, key string) (*model.Record, error) {
	if b.stored == nil {
		return b.c.st.ArticleByURL(ctx, key)
	}
	p, ok := b.stored[key]
	if !ok {
		return nil, store.ErrNotFound
	}
	if w := b.work[p]; w != nil {
		return w, nil
	}
	return b.c.st.Get(ctx, p)
}

// lookUpKeys asks the store, in one go, for the stored articles the
// arrivals to de-duplicate may be copies of.
func (b *batch) lookUpKeys(ctx context.Context) error {
	pf, ok := b.c.st.(pathFinder)
	if !ok {
		return nil
	}
	var keys []string
	for _, r := range b.arrivals {
		if a := r.Article; !carriesStory(a) {
			keys = append(keys, a.CanonicalURL, a.GUID)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	m, err := pf.ArticlePaths(ctx, keys)
	if err != nil {
		return fmt.Errorf("curate: %w", err)
	}
	b.stored = m
	return nil
}

// dedup merges each arrival lacking curated values into the article it
// duplicates (same canonical URL or GUID), in the batch or in the store.
func (b *batch) dedup(ctx context.Context) error {
	if err := b.lookUpKeys(ctx); err != nil {
		return err
	}
	for _, r := range b.arrivals {
		if carriesStory(r.Article) {
			continue
		}
		same, err := b.find(ctx, r.Path, r.Article)
		if err != nil {
			return err
		}
		if same == nil || b.dropped[same] {
			b.index(r)
			continue
		}
		if b.given != nil && b.arrived[same.Path] && b.work[same.Path] == same {
			b.given.keepWhole(same)
		}
		Merge(same.Article, r.Article)
		b.dropped[r] = true
		b.dirty[same] = true
		if !b.arrived[same.Path] {
			b.changed[same.Path] = same
		}
	}
	kept := b.arrivals[:0]
	for _, r := range b.arrivals {
		if !b.dropped[r] {
			kept = append(kept, r)
		} else {
			delete(b.work, r.Path)
			delete(b.arrived, r.Path)
		}
	}
	b.arrivals = kept
	return nil
}

// linkImported gives imported arrivals their stories: records whose own
// URLs and related URLs connect form one story (union-find over canonical
// URLs), joining the story of any stored record they connect to. An
// arrival given its story (by the hub an export wrote it from, see
// importer.ValuesPath) keeps it: its own URLs link it, not its related
// coverage, which may name articles the clusterer put in other stories,
// and no two stories given are joined. Their files are left as they are.
func (b *batch) linkImported(ctx context.Context) error {
	var uf unionFind
	var imported []*model.Record
	given := map[*model.Record]string{}
	for _, r := range b.arrivals {
		if !carriesStory(r.Article) {
			continue
		}
		carried := r.Article.Relevance
		b.j.relevance(r.Article, false)
		if carried != nil && carried.Basis == scope.Story.String() && r.Article.Relevance == carried.Own {
			// On topic through its story on the hub an export wrote it
			// from, as judgeImported would find it again, but for the
			// words: the decision comes back as it was.
			r.Article.Relevance = carried
		}
		imported = append(imported, r)
		uf.find(pathKey, r.Path)
		withRelated := true
		if s := r.Article.Story; s != "" {
			given[r], withRelated = s, false
			uf.union(pathKey, r.Path, storyKey, s)
		}
		for _, k := range b.c.linkKeys(r.Article, withRelated) {
			uf.union(pathKey, r.Path, urlKey, k)
		}
	}
	if len(imported) == 0 {
		return nil
	}
	if b.links == nil {
		for _, r := range b.window {
			l := windowLink{path: r.Path, story: r.Article.Story, keys: b.c.linkKeys(r.Article, false)}
			if !b.lean[r] {
				l.rec = r
			}
			b.links = append(b.links, l)
		}
	}
	for _, l := range b.links {
		for _, k := range l.keys {
			if uf.has(urlKey, k) {
				uf.union(pathKey, l.path, urlKey, k)
			}
		}
	}
	groups := map[int]*linkGroup{}
	var roots []int
	group := func(path string) *linkGroup {
		root := uf.find(pathKey, path)
		g := groups[root]
		if g == nil {
			g = &linkGroup{}
			groups[root] = g
			roots = append(roots, root)
		}
		return g
	}
	for _, r := range imported {
		g := group(r.Path)
		g.arrivals = append(g.arrivals, r)
	}
	for i := range b.links {
		if path := b.links[i].path; uf.has(pathKey, path) {
			g := group(path)
			g.links = append(g.links, &b.links[i])
		}
	}
	for _, root := range roots {
		for _, sg := range byGivenStory(groups[root], given) {
			if err := b.settleImported(ctx, sg.group, sg.story); err != nil {
				return err
			}
		}
	}
	return nil
}

// givenGroup is a group of linked records and the story given with its
// arrivals, "" when none is.
type givenGroup struct {
	group *linkGroup
	story string
}

// byGivenStory splits a group of linked records by the stories given with
// its arrivals: each story given is kept apart, and the records given none
// (an arrival of a file edited since the export, a stored article) join
// the first by id. A group given no story stays whole.
func byGivenStory(g *linkGroup, given map[*model.Record]string) []givenGroup {
	by := map[string]*linkGroup{}
	var ids []string
	for _, r := range g.arrivals {
		if s := given[r]; s != "" && by[s] == nil {
			by[s] = &linkGroup{}
			ids = append(ids, s)
		}
	}
	if len(ids) == 0 {
		return []givenGroup{{group: g}}
	}
	slices.Sort(ids)
	first := by[ids[0]]
	for _, r := range g.arrivals {
		if s := given[r]; s != "" {
			by[s].arrivals = append(by[s].arrivals, r)
		} else {
			first.arrivals = append(first.arrivals, r)
		}
	}
	first.links = g.links
	out := make([]givenGroup, len(ids))
	for i, id := range ids {
		out[i] = givenGroup{group: by[id], story: id}
	}
	return out
}

// linkGroup is a group of records connected by their addresses: imported
// arrivals and stored articles of the windows.
type linkGroup struct {
	arrivals []*model.Record
	links    []*windowLink
}

// linkStory is the story a window link's record has now: the one read or
// relabelled in this batch, else the one listed.
func (b *batch) linkStory(l *windowLink) string {
	if l.rec != nil {
		return l.rec.Article.Story
	}
	if w := b.work[l.path]; w != nil {
		return w.Article.Story
	}
	return l.story
}

// settleImported gives one connected group its story id: the story given
// with its arrivals, else the smallest of the stories its stored members
// already have, else one named after its earliest member. Stored stories
// the group joins are relabelled, but for a story given, which is taken as
// the exported hub had it: only its linked stored members join it. A
// stored member is read only when it must change or name the story.
func (b *batch) settleImported(ctx context.Context, g *linkGroup, given string) error {
	id := given
	if id == "" {
		var err error
		if id, err = b.linkedStory(ctx, g); err != nil {
			return err
		}
	}
	for _, l := range g.links {
		if b.linkStory(l) == id {
			continue
		}
		r, err := b.linkRecord(ctx, l)
		if err != nil {
			return err
		}
		if r != nil {
			b.relabel(r, id)
		}
	}
	n := len(g.arrivals) + len(g.links) - 1
	edited := false
	for _, r := range g.arrivals {
		kept := given != "" && r.Article.Story == given
		b.relabel(r, id)
		a := r.Article
		switch {
		case kept:
			a.Explain.Story = fmt.Sprintf("story %s: as the hub it was exported from had it", id)
		case n > 0:
			a.Explain.Story = fmt.Sprintf("story %s: linked by related coverage with %d other records", id, n)
		default:
			a.Explain.Story = fmt.Sprintf("story %s: no related coverage links it to another record", id)
		}
		b.fillLifecycle(r)
	}
	b.j.judgeImported(id, g.arrivals)
	for _, r := range g.arrivals {
		a := r.Article
		edited = edited || a.Withheld != "" && a.Withheld != model.WithheldOffTopic || b.j.shapes(a)
	}
	if edited {
		// What editors or the gate decided overrides the values the
		// records carried: the story is settled as curation would.
		return b.settle(ctx, nil, id, false, g.arrivals, true)
	}
	return b.oneLead(ctx, id, g.arrivals)
}

// linkedStory returns the story of a linked group given none: the
// smallest of the stories its stored members already have, into which it
// relabels the others, else one named after its earliest member.
func (b *batch) linkedStory(ctx context.Context, g *linkGroup) (string, error) {
	var ids []string
	for _, r := range g.arrivals {
		if s := b.prior[r.Path]; s != "" {
			ids = append(ids, s)
		}
	}
	for _, l := range g.links {
		if s := b.linkStory(l); s != "" {
			ids = append(ids, s)
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if len(ids) > 0 {
		id := ids[0]
		for _, old := range ids[1:] {
			members, err := b.c.st.Story(ctx, old)
			if err != nil {
				return "", fmt.Errorf("curate: %w", err)
			}
			for _, m := range members {
				b.relabel(b.inPlay(m), id)
			}
		}
		return id, nil
	}
	all := slices.Clone(g.arrivals)
	for _, l := range g.links {
		r, err := b.linkRecord(ctx, l)
		if err != nil {
			return "", err
		}
		if r != nil {
			all = append(all, r)
		}
	}
	return storyID(b.c.founder(all).Path), nil
}

// oneLead keeps one lead in story id when arrivals update stored records
// (older copies brought back by an import: a backup, a checkout of the
// site folder) whose lifecycle values the story has changed since. An
// arrival that says it leads the story another stored article has led
// since leads it: the import says what the hub shows, so the stored leads
// are demoted as curation demotes a lead (unpublished, heat -1, keeping
// only their story's coverage). Arrivals that say none leads a story whose
// stored lead was one of them leave it without a lead: it is settled as
// curation would.
func (b *batch) oneLead(ctx context.Context, id string, arrivals []*model.Record) error {
	var lead *model.Article
	updates, published, publishable := false, false, false
	for _, r := range arrivals {
		a := r.Article
		if b.prior[r.Path] != "" {
			updates = true
			if a.Published && (lead == nil || compareLead(a, lead) < 0) {
				lead = a
			}
		}
		published = published || a.Published
		publishable = publishable || a.Publishable()
	}
	if !updates {
		return nil
	}
	members, err := b.storyValues(ctx, id)
	if err != nil {
		return fmt.Errorf("curate: %w", err)
	}
	keys := map[string]bool{}
	for _, r := range arrivals {
		keys[KeyOf(r.Article)] = true
	}
	var leads []string
	for _, r := range members {
		if b.arrived[r.Path] {
			continue
		}
		if w := b.work[r.Path]; w != nil {
			r = w
		}
		if r.Article.Story != id {
			continue
		}
		keys[KeyOf(r.Article)] = true
		publishable = publishable || r.Article.Publishable()
		if r.Article.Published {
			leads = append(leads, r.Path)
		}
	}
	if lead == nil {
		if published || len(leads) > 0 || !publishable {
			return nil
		}
		return b.settle(ctx, nil, id, false, arrivals, true)
	}
	for _, p := range leads {
		r, err := b.full(ctx, p)
		if err != nil {
			return err
		}
		if r == nil {
			continue // gone meanwhile
		}
		a := r.Article
		a.Published, a.Heat = false, -1
		demote(a, keys)
		if a.Explain == nil {
			a.Explain = &model.Explain{}
		}
		a.Explain.Heat = heatExplain(a, lead)
		b.dirty[r] = true
		b.changed[p] = r
	}
	return nil
}

// relabel moves a record to story id, noting a stored record as changed.
func (b *batch) relabel(r *model.Record, id string) {
	if r.Article.Story == id {
		return
	}
	r.Article.Story = id
	if !b.arrived[r.Path] {
		b.changed[r.Path] = r
	}
}

// fillLifecycle completes an imported record that carries only part of
// its lifecycle values, and explains its heat.
func (b *batch) fillLifecycle(r *model.Record) {
	a := r.Article
	if !a.Has.Published {
		a.Published = a.Heat != -1
		b.dirty[r] = true
	}
	if !a.Has.Heat {
		a.Heat = -1
		if a.Published {
			a.Heat = Heat(a.Quality, len(a.Related))
		}
		b.dirty[r] = true
	}
	if a.Has.Heat {
		a.Explain.Heat = fmt.Sprintf("%d, carried by the record", a.Heat)
	} else {
		a.Explain.Heat = heatExplain(a, nil)
	}
}

// clusterFresh assigns a story to each arrival lacking curated values, one
// clusterer per merged time window seeded with that window's stored and
// imported articles, and settles the stories they touch.
func (b *batch) clusterFresh(ctx context.Context) error {
	var fresh []*model.Record
	var times []time.Time
	for _, r := range b.arrivals {
		if !carriesStory(r.Article) {
			fresh = append(fresh, r)
			times = append(times, b.c.effectiveTime(r.Article))
		}
	}
	if len(fresh) == 0 {
		return nil
	}
	for _, iv := range b.c.windows(times) {
		in := func(r *model.Record) bool {
			t := b.c.effectiveTime(r.Article)
			return !t.Before(iv.lo) && t.Before(iv.hi)
		}
		var all []*model.Record
		for _, r := range b.window {
			if in(r) {
				all = append(all, r)
			}
		}
		for _, r := range b.arrivals {
			if in(r) {
				all = append(all, r)
			}
		}
		b.c.byTime(all)
		for _, seg := range b.c.segments(all) {
			var seeds, adds []*model.Record
			for _, r := range seg {
				// A window record read in full since (settling an
				// earlier segment's stories) is seen as it is now.
				if w := b.work[r.Path]; w != nil {
					r = w
				}
				if b.arrived[r.Path] && !carriesStory(r.Article) {
					adds = append(adds, r)
				} else {
					seeds = append(seeds, r)
				}
			}
			if len(adds) == 0 {
				continue
			}
			if err := b.clusterWindow(ctx, seeds, adds); err != nil {
				return err
			}
		}
	}
	return nil
}

// clusterWindow runs one clusterer over a window: seeds and additions in
// time order (seeds first among equals), then settles the touched stories.
func (b *batch) clusterWindow(ctx context.Context, seeds, adds []*model.Record) error {
	c := b.c
	c.byTime(seeds)
	c.byTime(adds)
	cl := cluster.New(cluster.Options{Window: c.window})
	// A story brings its arrivals on topic when it is led by an on-topic
	// article and holds one surely on topic (storyOnTopic): an arrival
	// given the story's relevance teaches the gate so, and a story on
	// topic by the threshold alone would teach it whatever joins it.
	onTopic := map[string]bool{} // stories led by an on-topic article
	sure := map[string]bool{}    // stories holding an article surely on topic
	for _, r := range seeds {
		a := r.Article
		if a.Published && a.Publishable() && a.Relevance != nil && a.Relevance.OnTopic {
			onTopic[a.Story] = true
		}
		if surelyOnTopic(a.Relevance) {
			sure[a.Story] = true
		}
	}
	touched := map[string]bool{}
	founded := map[string]bool{}
	titled := newHeadlines()
	var order []string
	seed := func(r *model.Record) {
		cl.Seed(c.docOf(r), r.Article.Story)
		titled.add(r.Article.Title, r)
		if b.lean[r] {
			shed(r.Article)
		}
	}
	i := 0
	for j, r := range adds {
		t := c.effectiveTime(r.Article)
		for ; i < len(seeds) && !c.effectiveTime(seeds[i].Article).After(t); i++ {
			seed(seeds[i])
		}
		if j == 0 && i > 0 {
			// Seeds were weighed as they came, the first ones against a
			// nearly empty window: weigh them all again with the whole
			// window's statistics before matching anything against them.
			cl.Refine()
		}
		a := r.Article
		if same := titled.first(a.Title); same != nil && same.Article.Story != "" {
			// The same headline twice in one window is one story, whatever
			// the word statistics say.
			a.Story = same.Article.Story
			cl.Seed(c.docOf(r), a.Story)
			a.Explain.Story = fmt.Sprintf("story %s: same headline as %s", a.Story, same.Path)
		} else {
			as := cl.Add(c.docOf(r))
			a.Story = as.Story
			a.Explain.Story = fmt.Sprintf("story %s: %s", as.Story, as.Reason)
			if as.New {
				founded[as.Story] = true
			}
			titled.add(a.Title, r)
		}
		if err := b.move(ctx, r); err != nil {
			return err
		}
		b.j.relevance(a, onTopic[a.Story] && sure[a.Story])
		if a.Relevance.OnTopic && b.j.article(a) == nil && a.Publishable() {
			onTopic[a.Story] = true
		}
		if surelyOnTopic(a.Relevance) && a.Relevance.Basis != scope.Story.String() {
			sure[a.Story] = true
		}
		// Withheld now, not when its story is settled: a story settled
		// before lists the similar articles that may be published.
		b.j.withhold(a)
		if !touched[a.Story] {
			touched[a.Story] = true
			order = append(order, a.Story)
		}
	}
	for ; i < len(seeds); i++ {
		seed(seeds[i])
	}
	// Settling moves no record between stories, so the arrivals of each
	// story can be listed once rather than searched for every story.
	arrivals := map[string][]*model.Record{}
	for _, r := range b.arrivals {
		if touched[r.Article.Story] {
			arrivals[r.Article.Story] = append(arrivals[r.Article.Story], r)
		}
	}
	for _, id := range order {
		if err := b.settle(ctx, cl, id, founded[id], arrivals[id], false); err != nil {
			return err
		}
	}
	return nil
}

// storyReader is implemented by stores that can read a story's records
// without their file bytes (store/sqlite does).
type storyReader interface {
	StoryValues(ctx context.Context, id string) ([]*model.Record, error)
}

// storyValues returns the stored records of a story, without their file
// bytes where the store can leave them out: a story may have thousands of
// members, of which settling changes a few, and readRaw reads the bytes of
// those.
func (b *batch) storyValues(ctx context.Context, id string) ([]*model.Record, error) {
	if sr, ok := b.c.st.(storyReader); ok {
		return sr.StoryValues(ctx, id)
	}
	return b.c.st.Story(ctx, id)
}

// settle applies the lifecycle rules to one story: its stored members (not
// read back for a story founded in this batch) and its arrivals. Imported
// arrivals keep the values they carried unless force is set.
func (b *batch) settle(ctx context.Context, cl *cluster.Clusterer, id string, founded bool, arrivals []*model.Record, force bool) error {
	seen := map[string]bool{}
	var members []*model.Record
	addMember := func(r *model.Record) {
		if !seen[r.Path] {
			seen[r.Path] = true
			members = append(members, r)
		}
	}
	if !founded {
		stored, err := b.storyValues(ctx, id)
		if err != nil {
			return fmt.Errorf("curate: %w", err)
		}
		for _, r := range stored {
			if b.arrived[r.Path] && b.work[r.Path].Article.Story != id {
				continue // the arrival at this path now belongs elsewhere
			}
			if w := b.work[r.Path]; w == nil {
				b.work[r.Path] = r
			} else if !b.lean[w] {
				r = w
			}
			// Else r stands in for the lean copy while the story is
			// settled, and replaces it only if it changes (below): what
			// settling changes without changing the record (a score, an
			// explanation) is never written nor read by another story.
			if r.Article.Story == id {
				addMember(r)
			}
		}
	}
	for _, r := range arrivals {
		addMember(r)
	}
	if len(members) == 0 {
		return nil
	}
	arts := make([]*model.Article, len(members))
	before := make([]snapshot, len(members))
	saved := make([]model.Article, len(members))
	for i, r := range members {
		arts[i] = r.Article
		before[i] = snap(r.Article)
		saved[i] = *r.Article
	}
	lead := b.j.judgeStory(id, arts)
	extra, err := b.similar(ctx, cl, members, lead)
	if err != nil {
		return err
	}
	b.j.finishStory(id, arts, lead, extra)
	for i, r := range members {
		a := r.Article
		if b.arrived[r.Path] && carriesStory(&saved[i]) && !force {
			// An imported arrival keeps the values its record carried.
			a.Published, a.Heat, a.Related = saved[i].Published, saved[i].Heat, saved[i].Related
			a.HeldRelated, a.MemberRelated, a.CuratedRelated = saved[i].HeldRelated, saved[i].MemberRelated, saved[i].CuratedRelated
			continue
		}
		if a.Explain == nil {
			a.Explain = &model.Explain{}
		}
		a.Explain.Heat = heatExplain(a, lead)
		after := snap(a)
		if after.equal(before[i]) {
			continue
		}
		if before[i].fileChanged(after) || b.arrived[r.Path] {
			b.dirty[r] = true
		}
		if !b.arrived[r.Path] {
			b.changed[r.Path] = b.inPlay(r)
		}
	}
	return nil
}

// similar returns the candidate related entries of a story beyond its
// members: similar articles of other stories in the window, then the
// related entries the members already list that are not records in play
// (coverage known only from the records themselves).
func (b *batch) similar(ctx context.Context, cl *cluster.Clusterer, members []*model.Record, lead *model.Article) ([]model.Related, error) {
	in := map[string]bool{}
	var leadPath string
	for _, r := range members {
		in[r.Path] = true
		if r.Article == lead {
			leadPath = r.Path
		}
	}
	var out []model.Related
	if cl != nil && leadPath != "" {
		for _, id := range cl.Related(leadPath, b.c.limit+len(members)) {
			if in[id] {
				continue
			}
			r := b.work[id]
			if r == nil || b.dropped[r] || !r.Article.Publishable() {
				continue
			}
			if b.lean[r] {
				// A lean copy shed its texts once seeded: the few
				// listed as similar are read again.
				full, err := b.c.st.Get(ctx, r.Path)
				if errors.Is(err, store.ErrNotFound) {
					continue
				}
				if err != nil {
					return nil, fmt.Errorf("curate: %w", err)
				}
				r = full
			}
			out = append(out, RelatedOf(r.Article))
		}
	}
	for _, r := range members {
		for _, rel := range r.Article.Related {
			if b.byKey.get(CanonicalURL(rel.WebURL)) == nil {
				out = append(out, rel)
			}
		}
	}
	return out, nil
}

// move applies an editor's move of an arrival (one named before it was
// stored) to the story the clusterer gave it.
func (b *batch) move(ctx context.Context, r *model.Record) error {
	d, ok := b.j.moveOf(r.Article)
	if !ok {
		return nil
	}
	a := r.Article
	to := movedOutID(a.CanonicalURL)
	if !d.Out {
		to = d.Into
		if k := b.j.key(d.IntoArticle); k != "" {
			if t := b.byKey.get(k); t != nil {
				to = t.Article.Story
			} else if t, err := b.storedArticle(ctx, k); err == nil && isNews(t) {
				to = t.Article.Story
			} else if err != nil && !errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("curate: %w", err)
			}
		}
	}
	if to == "" {
		return nil
	}
	a.Story = to
	b.j.note(a, editorial.Describe(d))
	a.Explain.Story = fmt.Sprintf("story %s: %s", to, editorial.Describe(d))
	return nil
}

// result renders what changed and lists the records to upsert: the input
// records kept, in input order, then changed stored records by path.
func (b *batch) result(recs []*model.Record) ([]*model.Record, error) {
	kept := map[*model.Record]bool{}
	for _, r := range b.arrivals {
		kept[r] = true
	}
	var out []*model.Record
	for _, r := range recs {
		if !isNews(r) || kept[r] {
			out = append(out, r)
			delete(kept, r) // a record given twice is returned once
		}
	}
	var paths []string
	for p := range b.changed {
		if !b.arrived[p] {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	for _, p := range paths {
		out = append(out, b.changed[p])
	}
	for _, r := range out {
		if b.dirty[r] && !(b.lazy && len(r.Raw) == 0) {
			if err := render(r); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// headlines finds the first record of a window with a headline (by its
// titleKey). It keeps a hash of each key rather than the key, and hashes
// and compares headlines word by word without folding them into a new
// string: a window's loop would otherwise allocate two strings per
// article, garbage the collector finds alive when it runs meanwhile. A
// record found by its hash is checked against the headline.
type headlines struct {
	seed   maphash.Seed
	byHash map[uint64]*model.Record
	other  map[string]*model.Record // keys (titleKey) whose hash another key has
}

func newHeadlines() *headlines {
	return &headlines{seed: maphash.MakeSeed(), byHash: map[uint64]*model.Record{}}
}

// first returns the first record added with the headline of title, or
// nil; a headline too short for a key has none.
func (h *headlines) first(title string) *model.Record {
	sum, ok := h.sum(title)
	if !ok {
		return nil
	}
	r := h.byHash[sum]
	if r == nil {
		return nil
	}
	if sameHeadline(r.Article.Title, title) {
		return r
	}
	return h.other[titleKey(title)]
}

// add adds r under the headline of title unless a record has it already.
func (h *headlines) add(title string, r *model.Record) {
	sum, ok := h.sum(title)
	if !ok || h.first(title) != nil {
		return
	}
	if h.byHash[sum] == nil {
		h.byHash[sum] = r
		return
	}
	if h.other == nil {
		h.other = map[string]*model.Record{}
	}
	h.other[titleKey(title)] = r
}

// sum is the hash of titleKey(title), false when that is "".
func (h *headlines) sum(title string) (uint64, bool) {
	var mh maphash.Hash
	mh.SetSeed(h.seed)
	var buf [utf8.UTFMax]byte
	sc := headlineScan{s: title}
	for r, ok := sc.next(); ok; r, ok = sc.next() {
		if r < utf8.RuneSelf {
			mh.WriteByte(byte(r))
		} else {
			mh.Write(utf8.AppendRune(buf[:0], r))
		}
	}
	return mh.Sum64(), sc.words >= 3
}

// sameHeadline reports whether a and b have one titleKey.
func sameHeadline(a, b string) bool {
	sa, sb := headlineScan{s: a}, headlineScan{s: b}
	for {
		ra, oka := sa.next()
		rb, okb := sb.next()
		if oka != okb || ra != rb {
			return false
		}
		if !oka {
			return sa.words >= 3
		}
	}
}

// headlineScan yields the runes of titleKey(s) one by one.
type headlineScan struct {
	s      string
	i      int
	words  int
	inWord bool
}

func (sc *headlineScan) next() (rune, bool) {
	gap := false
	for sc.i < len(sc.s) {
		r, n := utf8.DecodeRuneInString(sc.s[sc.i:])
		r = unicode.ToLower(r)
		if !headlineRune(r) {
			sc.i += n
			gap = gap || sc.inWord
			sc.inWord = false
			continue
		}
		if gap {
			return ' ', true // the rune comes next time
		}
		sc.i += n
		if !sc.inWord {
			sc.inWord = true
			sc.words++
		}
		return r, true
	}
	return 0, false
}

func headlineRune(r rune) bool {
	return isWordRune(r) || unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai)
}

// titleKey folds a headline for exact comparison: lower case, words of
// letters and digits only. Headlines of fewer than three words ("Live
// updates") are too generic to tie anything and give "".
func titleKey(title string) string {
	words := strings.FieldsFunc(strings.ToLower(title), func(r rune) bool { return !headlineRune(r) })
	if len(words) < 3 {
		return ""
	}
	return strings.Join(words, " ")
}
