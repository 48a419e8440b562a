package curate

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"newshub/internal/curate/cluster"
	"newshub/internal/model"
	"newshub/internal/store"
	"newshub/internal/store/codec"
)

// WriteBatch is how many records All writes in one transaction.
const WriteBatch = 500

// RedoRounds bounds how many times All curates again the stories of
// records another writer changed while it ran.
const RedoRounds = 3

// All recomputes every curated value over the whole store — canonical URLs,
// quality, topics, stories, lead and related, heat — and writes the records
// that changed in batches of WriteBatch. It is the `newshub curate` command.
//
// Stories come from two sources. Records tied together by the related lists
// they came with as members of their stories (the coverage lists
// Smartable wrote, which curation never rewrites) form one story, as on
// import: a member made the lead ties its story by the list it keeps
// aside, as it did while a member. A lead's list, an ingested article's
// and a demoted lead's never a member (each keeps its story's coverage)
// are curation's own, and tying by them would make each run's stories
// depend on the last one's leads and on the batches articles arrived in,
// so that a run after a run would change them again (see memberCoverage).
// Every other article is clustered in time order by the story clusterer,
// which may join it to such a story. Source topics come from the hub's
// sources list: the article's own feed's, else (a record read from a
// file) its publisher's feeds'.
//
// All reads the store once and writes only over what it read
// (UpsertIfUnchanged): a record another writer changed meanwhile (an edit,
// an import) keeps that writer's version. All then reads it again with
// the other members of its story, computes their values from what they
// are now (the record stays in the story this run gave it) and writes
// them, up to RedoRounds times; a record still changing after that keeps
// the other writer's version and is counted in Summary.Left.
func (c *Curator) All(ctx context.Context) (Summary, error) {
	start := time.Now()
	var sum Summary
	srcTopics, err := c.sourceTopics(ctx)
	if err != nil {
		return sum, err
	}
	j, err := c.newJudge(ctx, true)
	if err != nil {
		return sum, err
	}
	p := &pass{c: c, j: j, srcTopics: srcTopics, before: map[*model.Record][sha256.Size]byte{},
		files: map[*model.Record]fileSnap{}, written: map[string]bool{}, stored: map[*model.Record]string{}}
	recs, err := p.read(ctx)
	if err != nil {
		return sum, fmt.Errorf("curate: read news: %w", err)
	}
	sum.Articles = len(recs)

	for _, r := range recs {
		p.files[r] = fileSnapOf(r.Article)
		c.recompute(r.Article, srcTopics)
		j.editTopics(r.Article)
	}
	p.stories = c.assignAll(recs)
	// The gate learns the hub in the order articles arrived: what it
	// decided before as it was, the undecided as it decides them now.
	for _, r := range recs {
		replay(j.gate, r.Article)
		j.relevance(r.Article, false)
	}
	c.useGate(j.gate, c.hub(len(j.dedicated) > 0))
	p.byPath = make(map[string]*model.Record, len(recs))
	p.known = map[string]bool{}
	byKey := map[string]*model.Record{}
	for _, r := range recs {
		p.byPath[r.Path] = r
		p.known[r.Article.CanonicalURL] = true
		if _, ok := byKey[r.Article.CanonicalURL]; !ok {
			byKey[r.Article.CanonicalURL] = r
		}
	}
	sum.Edits = j.restructure(func(k string) *model.Record { return byKey[k] },
		func(id string) []*model.Record { return p.stories.members[id] }, p.stories.move)
	for _, r := range recs {
		j.withhold(r.Article) // before any story, so related lists know
	}
	for _, id := range p.stories.order {
		if len(p.stories.members[id]) == 0 {
			continue
		}
		sum.Stories++
		if p.settle(id) != nil {
			sum.Leads++
		}
	}
	for _, r := range recs {
		if !r.Article.Publishable() {
			sum.Withheld++
			if r.Article.Withheld == model.WithheldOffTopic {
				sum.OffTopic++
			}
		}
	}

	changed, err := p.write(ctx, recs)
	redone := map[string]bool{}
	for round := 0; err == nil && len(changed) > 0 && round < RedoRounds; round++ {
		for _, path := range changed {
			redone[path] = true
		}
		var again []*model.Record
		if again, err = p.refresh(ctx, changed); err == nil {
			changed, err = p.write(ctx, again)
		}
	}
	sum.Changed, sum.Redone, sum.Left = len(p.written), len(redone), len(changed)
	if err != nil {
		return sum, err
	}
	if err := c.storeDecisions(ctx, j.log); err != nil {
		return sum, err
	}
	sum.Elapsed = time.Since(start)
	return sum, nil
}

// pass is the state of one All run.
type pass struct {
	c         *Curator
	j         *judge
	srcTopics feedTopics
	stories   storySet
	byPath    map[string]*model.Record
	known     map[string]bool // canonical URLs of the records in the run
	// before holds a digest of each record's value as read, to write only
	// the records whose value curation changes; files holds the curated
	// fields of its file as read, to render only records whose file
	// changes.
	before  map[*model.Record][sha256.Size]byte
	files   map[*model.Record]fileSnap
	written map[string]bool // paths written
	// stored holds the story each record had as read, to write a story's
	// old and new members together (see wholeStories).
	stored map[*model.Record]string
}

// read reads every news record, keeping the digest of each one's value.
func (p *pass) read(ctx context.Context) ([]*model.Record, error) {
	var recs []*model.Record
	keep := func(r *model.Record, value []byte) {
		if isNews(r) {
			recs = append(recs, r)
			p.before[r] = sha256.Sum256(value)
			p.stored[r] = r.Article.Story
		}
	}
	if vs, ok := p.c.st.(valueScanner); ok {
		// The store hands over the value it holds: no need to encode it again.
		err := vs.ScanValues(ctx, []model.Kind{model.KindNews}, func(r *model.Record, value []byte) error {
			keep(r, value)
			return nil
		})
		return recs, err
	}
	err := p.c.st.Scan(ctx, []model.Kind{model.KindNews}, func(r *model.Record) error {
		if !isNews(r) {
			return nil
		}
		v, err := codec.Encode(r)
		if err != nil {
			return err
		}
		keep(r, v)
		return nil
	})
	return recs, err
}

// settle judges a story, picks its lead and settles its members' related
// lists and heat; it returns the lead, nil when no member may be
// published.
func (p *pass) settle(id string) *model.Article {
	members := p.stories.members[id]
	arts := make([]*model.Article, len(members))
	for i, r := range members {
		arts[i] = r.Article
	}
	lead := p.j.judgeStory(id, arts)
	var extra []model.Related
	in := map[string]bool{}
	for _, r := range members {
		in[r.Path] = true
	}
	for _, r := range members {
		if r.Article != lead {
			continue
		}
		for _, s := range p.stories.similar[r.Path] {
			if o := p.byPath[s]; !in[s] && o != nil && o.Article.Publishable() {
				extra = append(extra, RelatedOf(o.Article))
			}
		}
	}
	for _, r := range members {
		for _, rel := range r.Article.Related {
			if !p.known[CanonicalURL(rel.WebURL)] {
				extra = append(extra, rel)
			}
		}
	}
	p.j.finishStory(id, arts, lead, extra)
	pruneOthers(arts, lead, func(k string) bool { return p.known[k] })
	for _, a := range arts {
		a.Explain.Heat = heatExplain(a, lead)
	}
	return lead
}

// write writes the records whose value changed, each only over the
// version it read, in batches that each hold whole the stories they touch
// (see wholeStories), so that a run stopped between two (killed, the disk
// full) leaves every story as it was or as it is to be, one lead each,
// and the next run writes the rest. It returns the paths of the records
// another writer changed meanwhile, which it left alone.
func (p *pass) write(ctx context.Context, recs []*model.Record) (changed []string, err error) {
	var out []*model.Record
	for _, r := range recs {
		if !fileSnapOf(r.Article).equal(p.files[r]) {
			if err := render(r); err != nil {
				return nil, err
			}
		}
		v, err := codec.Encode(r)
		if err != nil {
			return nil, fmt.Errorf("curate: %w", err)
		}
		if sha256.Sum256(v) != p.before[r] {
			out = append(out, r)
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	var batch []*model.Record
	flush := func() error {
		left, err := p.flush(ctx, batch)
		changed = append(changed, left...)
		batch = batch[:0]
		return err
	}
	for _, group := range p.wholeStories(out) {
		batch = append(batch, group...)
		if len(batch) >= WriteBatch {
			if err := flush(); err != nil {
				return changed, err
			}
		}
	}
	return changed, flush()
}

// wholeStories groups the records to write so that a story's members as
// stored and as they are to be all fall in one group: a record moving from
// story A to story B ties the two, as writing B's new members without A's
// would leave A without its lead, or B with two. Groups keep the order of
// their first record.
func (p *pass) wholeStories(recs []*model.Record) [][]*model.Record {
	var uf unionFind
	for _, r := range recs {
		if s := p.stored[r]; s != "" {
			uf.union(storyKey, s, storyKey, r.Article.Story)
		}
	}
	at := map[int]int{}
	var groups [][]*model.Record
	for _, r := range recs {
		root := uf.find(storyKey, r.Article.Story)
		i, ok := at[root]
		if !ok {
			i = len(groups)
			at[root] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], r)
	}
	return groups
}

// flush writes one batch over the versions read. The store refuses a
// batch holding records changed since: those are left out and the rest is
// written again, until it goes through. It returns the paths left out.
func (p *pass) flush(ctx context.Context, batch []*model.Record) (changed []string, err error) {
	for len(batch) > 0 {
		err := p.c.st.UpsertIfUnchanged(ctx, batch)
		var conflict *store.ConflictError
		if !errors.As(err, &conflict) {
			if err != nil {
				return changed, fmt.Errorf("curate: write: %w", err)
			}
			for _, r := range batch {
				p.written[r.Path] = true
			}
			p.c.log.Debug("curate: wrote a batch", "records", len(batch), "written", len(p.written))
			return changed, nil
		}
		changed = append(changed, conflict.Paths...)
		rest := slices.DeleteFunc(slices.Clone(batch), func(r *model.Record) bool {
			return slices.Contains(conflict.Paths, r.Path)
		})
		if len(rest) == len(batch) {
			return changed, fmt.Errorf("curate: write: %w (of no record written)", err)
		}
		batch = rest
	}
	return changed, nil
}

// refresh reads again the records at paths (changed by another writer)
// and the other members of their stories, computes their own values
// afresh, keeps each in the story this run gave it, settles those
// stories again and returns their members, to be written.
func (p *pass) refresh(ctx context.Context, paths []string) ([]*model.Record, error) {
	var ids []string
	for _, path := range paths {
		if r := p.byPath[path]; r != nil && !slices.Contains(ids, r.Article.Story) {
			ids = append(ids, r.Article.Story)
		}
	}
	var out []*model.Record
	for _, id := range ids {
		var members []*model.Record
		for _, old := range p.stories.members[id] {
			r, err := p.c.st.Get(ctx, old.Path)
			if errors.Is(err, store.ErrNotFound) || err == nil && !isNews(r) {
				delete(p.byPath, old.Path) // gone meanwhile
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("curate: read again: %w", err)
			}
			v, err := codec.Encode(r)
			if err != nil {
				return nil, fmt.Errorf("curate: %w", err)
			}
			p.before[r], p.files[r], p.stored[r] = sha256.Sum256(v), fileSnapOf(r.Article), r.Article.Story
			p.c.recompute(r.Article, p.srcTopics)
			p.j.editTopics(r.Article)
			p.j.relevance(r.Article, false)
			r.Article.Story, r.Article.Explain.Story = id, old.Article.Explain.Story
			r.Article.Explain.Editor = old.Article.Explain.Editor
			p.byPath[r.Path] = r
			p.known[r.Article.CanonicalURL] = true
			members = append(members, r)
		}
		p.stories.members[id] = members
		if len(members) > 0 {
			p.settle(id)
		}
		out = append(out, members...)
	}
	return out, nil
}

// valueScanner is implemented by stores that can hand over, beside each
// record, the encoded value they hold (store/sqlite does); value is valid
// only during the call.
type valueScanner interface {
	ScanValues(ctx context.Context, kinds []model.Kind, fn func(r *model.Record, value []byte) error) error
}

// fileSnap holds the curated fields that live in a record's file.
type fileSnap struct {
	snapshot
	quality int
	topics  []string
	cdnAmp  string
}

func fileSnapOf(a *model.Article) fileSnap {
	s := snap(a)
	s.story, s.withheld, s.pinned, s.relevance, s.editor = "", "", time.Time{}, nil, nil
	return fileSnap{s, a.Quality, slices.Clone(a.Topics), a.CdnAmpWebURL}
}

func (s fileSnap) equal(t fileSnap) bool {
	return s.snapshot.equal(t.snapshot) && s.quality == t.quality && slices.Equal(s.topics, t.topics) && s.cdnAmp == t.cdnAmp
}

// recompute sets an article's canonical URL, AMP-cache address, quality and
// topics afresh, with their explanations.
func (c *Curator) recompute(a *model.Article, srcTopics feedTopics) {
	a.Explain = &model.Explain{}
	a.CanonicalURL = ArticleKey(a.CanonicalURL, a.OriginalURL)
	if a.CanonicalURL == "" {
		a.CanonicalURL = CanonicalURL(a.WebURL)
	}
	if a.AmpWebURL != "" && a.CdnAmpWebURL == "" {
		a.CdnAmpWebURL = CdnAmpURL(a.AmpWebURL)
	}
	host := publisherHost(a)
	a.Quality, a.Explain.Quality = Quality(a, c.site.Organization(host))
	a.Topics, a.Explain.Topics = Topics(a, c.site, srcTopics.of(a, host))
}

// feedTopics are the topics the hub's sources assign: by feed, and by
// publisher domain (those of all its feeds).
type feedTopics struct {
	byFeed   map[string][]string // by model.SourceKey; every listed feed
	byDomain map[string][]string
}

// of returns the topics the sources give an article: those of the feed it
// came from, as ingest gave them, when the feed is listed, so that a
// publisher's two feeds (one labelled "Democratic Voice", one "Republican
// Voice") do not give each other's articles their topics; else, for a
// record read from a file or of a feed no longer listed, those of every
// feed of its publisher.
func (ft feedTopics) of(a *model.Article, host string) []string {
	if a.Source != "" {
		if ts, ok := ft.byFeed[model.SourceKey(a.Source)]; ok {
			return ts
		}
	}
	given := ft.byDomain[strings.ToLower(host)]
	if d := RegistrableDomain(host); d != strings.ToLower(host) {
		given = append(slices.Clone(given), ft.byDomain[d]...)
	}
	return given
}

// sourceTopics reads the topics the hub's sources assign.
func (c *Curator) sourceTopics(ctx context.Context) (feedTopics, error) {
	out := feedTopics{byFeed: map[string][]string{}, byDomain: map[string][]string{}}
	srcs, err := c.sources(ctx)
	if err != nil {
		return out, err
	}
	for _, s := range srcs {
		k := model.SourceKey(s.URL)
		out.byFeed[k] = append(out.byFeed[k], s.Topics...)
		d := strings.ToLower(s.Provider)
		if d == "" {
			continue
		}
		for _, t := range s.Topics {
			if !slices.Contains(out.byDomain[d], t) {
				out.byDomain[d] = append(out.byDomain[d], t)
			}
		}
	}
	return out, nil
}

// storySet is the result of assigning stories to a whole store.
type storySet struct {
	order   []string                   // story ids, in order of founding
	members map[string][]*model.Record // by story id
	similar map[string][]string        // record path → related article paths
}

// move puts a record in story id (an editor's move or merge).
func (s *storySet) move(r *model.Record, id string) {
	old := r.Article.Story
	s.members[old] = slices.DeleteFunc(s.members[old], func(x *model.Record) bool { return x == r })
	if _, ok := s.members[id]; !ok {
		s.order = append(s.order, id)
	}
	s.members[id] = append(s.members[id], r)
	r.Article.Story = id
}

// assignAll gives every record a story: related-linked groups first (see
// All), then the clusterer for the rest, all in time order so the
// clusterer's window slides over the store once.
func (c *Curator) assignAll(recs []*model.Record) storySet {
	var uf unionFind
	for _, r := range recs {
		uf.find(pathKey, r.Path)
		for _, k := range c.linkKeys(r.Article, false) {
			uf.union(pathKey, r.Path, urlKey, k)
		}
		for _, rel := range memberCoverage(r.Article) {
			if rel.WebURL != "" {
				uf.union(pathKey, r.Path, urlKey, c.canonical(rel.WebURL))
			}
		}
	}
	groups := map[int][]*model.Record{}
	for _, r := range recs {
		root := uf.find(pathKey, r.Path)
		groups[root] = append(groups[root], r)
	}
	linked := map[*model.Record]string{} // record → story of its group
	for _, g := range groups {
		if len(g) < 2 {
			continue
		}
		id := c.groupStory(g)
		for _, r := range g {
			linked[r] = id
		}
	}

	c.byTime(recs)
	story, similar := c.clusterAll(recs, linked)
	set := storySet{members: map[string][]*model.Record{}, similar: similar}
	for _, r := range recs {
		a := r.Article
		id := story[r.Path]
		if g, ok := linked[r]; ok {
			n := len(groups[uf.find(pathKey, r.Path)]) - 1
			a.Explain.Story = fmt.Sprintf("story %s: linked by related coverage with %d other records", g, n)
		} else if a.Story != id && a.Explain.Story != "" {
			a.Explain.Story = fmt.Sprintf("story %s: moved there by the refinement pass (first: %s)", id, a.Explain.Story)
		}
		a.Story = id
		if _, seen := set.members[id]; !seen {
			set.order = append(set.order, id)
		}
		set.members[id] = append(set.members[id], r)
	}
	return set
}

// memberCoverage is the related coverage by which a record ties its story
// together (see All): the list a record read from a file came with as a
// member of its story, whatever curation did to it since, so that the
// stories of one run are those of the next. A member's list counts with
// the entries held out of it; a lead's is the member list it keeps aside
// (MemberRelated), none for a lead never a member. An ingested article's
// list, and a demoted lead's that was never a member (CuratedRelated), are
// curation's own and tie nothing.
func memberCoverage(a *model.Article) []model.Related {
	switch {
	case a.Source != "" || a.CuratedRelated:
		return nil
	case a.MemberRelated != nil:
		return *a.MemberRelated
	case a.Published:
		return nil
	}
	return wholeRelated(a)
}

// clusterAll assigns every record (in time order) to a story: records of a
// related-linked group are seeded with the group's story, the others are
// clustered, and each segment of the timeline is refined (the batch pass of
// the cluster package) before its stories are read, so curate gives the
// same stories as "newshub cluster". It returns each record's story and its
// similar articles, by path.
func (c *Curator) clusterAll(recs []*model.Record, linked map[*model.Record]string) (story map[string]string, similar map[string][]string) {
	story = make(map[string]string, len(recs))
	similar = make(map[string][]string, len(recs))
	var cl *cluster.Clusterer
	var open []string // paths in the current clusterer, not yet evicted
	flush := func() {
		if cl == nil {
			return
		}
		cl.Refine()
		for _, p := range open {
			if _, done := story[p]; !done {
				story[p] = cl.Story(p)
				similar[p] = cl.Related(p, c.limit)
			}
		}
		open = open[:0]
	}
	var last time.Time
	for i, r := range recs {
		a := r.Article
		// A fresh clusterer after a gap longer than the window, so nothing
		// matches across it however few articles lie between.
		t := c.effectiveTime(a)
		if i == 0 || t.Sub(last) > c.window {
			flush()
			var cur *cluster.Clusterer
			cur = cluster.New(cluster.Options{Window: c.window, OnEvict: func(id, st string) {
				story[id] = st
				similar[id] = cur.Related(id, c.limit)
			}})
			cl = cur
		}
		last = t
		open = append(open, r.Path)
		if id, ok := linked[r]; ok {
			cl.Seed(c.docOf(r), id)
			continue
		}
		as := cl.Add(c.docOf(r))
		a.Story = as.Story
		a.Explain.Story = fmt.Sprintf("story %s: %s", as.Story, as.Reason)
	}
	flush()
	return story, similar
}

// groupStory names a related-linked group: the story most of its members
// already have (the smallest id among equals), else one named after its
// earliest member.
func (c *Curator) groupStory(g []*model.Record) string {
	count := map[string]int{}
	for _, r := range g {
		if s := r.Article.Story; s != "" {
			count[s]++
		}
	}
	best := ""
	for s, n := range count {
		if best == "" || n > count[best] || n == count[best] && s < best {
			best = s
		}
	}
	if best != "" {
		return best
	}
	return storyID(c.founder(g).Path)
}
