package curate

import (
	"context"
	"crypto/sha256"
	"fmt"
	"slices"
	"strings"
	"time"

	"newshub/internal/curate/cluster"
	"newshub/internal/model"
	"newshub/internal/store/codec"
)

// WriteBatch is how many records All writes in one transaction.
const WriteBatch = 500

// All recomputes every curated value over the whole store — canonical URLs,
// quality, topics, stories, lead and related, heat — and writes the records
// that changed in batches of WriteBatch. It is the `newshub curate` command.
//
// Stories come from two sources. Records tied together by the related lists
// of records that are not leads (the coverage lists Smartable wrote, which
// curation never rewrites) form one story, as on import. Every other
// article is clustered in time order by the story clusterer, which may
// join it to such a story. Source topics come from the hub's sources list,
// by publisher domain.
func (c *Curator) All(ctx context.Context) (Summary, error) {
	start := time.Now()
	var sum Summary
	srcTopics, err := c.sourceTopics(ctx)
	if err != nil {
		return sum, err
	}
	// The value each record had is kept as a digest, to write only the
	// records whose value curation changes.
	var recs []*model.Record
	before := map[*model.Record][sha256.Size]byte{}
	keep := func(r *model.Record, value []byte) {
		if isNews(r) {
			recs = append(recs, r)
			before[r] = sha256.Sum256(value)
		}
	}
	if vs, ok := c.st.(valueScanner); ok {
		// The store hands over the value it holds: no need to encode it again.
		err = vs.ScanValues(ctx, []model.Kind{model.KindNews}, func(r *model.Record, value []byte) error {
			keep(r, value)
			return nil
		})
	} else {
		err = c.st.Scan(ctx, []model.Kind{model.KindNews}, func(r *model.Record) error {
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
	}
	if err != nil {
		return sum, fmt.Errorf("curate: read news: %w", err)
	}
	sum.Articles = len(recs)

	files := make(map[*model.Record]fileSnap, len(recs))
	for _, r := range recs {
		files[r] = fileSnapOf(r.Article)
		c.recompute(r.Article, srcTopics)
	}

	stories := c.assignAll(recs)
	sum.Stories = len(stories.order)
	byPath := make(map[string]*model.Record, len(recs))
	known := map[string]bool{}
	for _, r := range recs {
		byPath[r.Path] = r
		known[r.Article.CanonicalURL] = true
	}
	for _, id := range stories.order {
		members := stories.members[id]
		arts := make([]*model.Article, len(members))
		for i, r := range members {
			arts[i] = r.Article
		}
		lead := Lead(arts)
		var extra []model.Related
		in := map[string]bool{}
		for _, r := range members {
			in[r.Path] = true
		}
		for _, r := range members {
			if r.Article != lead {
				continue
			}
			for _, p := range stories.similar[r.Path] {
				if !in[p] && byPath[p] != nil {
					extra = append(extra, RelatedOf(byPath[p].Article))
				}
			}
		}
		for _, r := range members {
			for _, rel := range r.Article.Related {
				if !known[CanonicalURL(rel.WebURL)] {
					extra = append(extra, rel)
				}
			}
		}
		Settle(arts, extra, c.limit)
		sum.Leads++
		for _, a := range arts {
			a.Explain.Heat = heatExplain(a, lead)
		}
	}

	var batch []*model.Record
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := c.st.Upsert(ctx, batch); err != nil {
			return fmt.Errorf("curate: write: %w", err)
		}
		sum.Changed += len(batch)
		batch = batch[:0]
		return nil
	}
	for _, r := range recs {
		if !fileSnapOf(r.Article).equal(files[r]) {
			if err := render(r); err != nil {
				return sum, err
			}
		}
		v, err := codec.Encode(r)
		if err != nil {
			return sum, fmt.Errorf("curate: %w", err)
		}
		if sha256.Sum256(v) == before[r] {
			continue
		}
		batch = append(batch, r)
		if len(batch) >= WriteBatch {
			if err := flush(); err != nil {
				return sum, err
			}
		}
		if err := ctx.Err(); err != nil {
			return sum, err
		}
	}
	if err := flush(); err != nil {
		return sum, err
	}
	sum.Elapsed = time.Since(start)
	return sum, nil
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
	s.story = ""
	return fileSnap{s, a.Quality, slices.Clone(a.Topics), a.CdnAmpWebURL}
}

func (s fileSnap) equal(t fileSnap) bool {
	return s.snapshot.equal(t.snapshot) && s.quality == t.quality && slices.Equal(s.topics, t.topics) && s.cdnAmp == t.cdnAmp
}

// recompute sets an article's canonical URL, AMP-cache address, quality and
// topics afresh, with their explanations.
func (c *Curator) recompute(a *model.Article, srcTopics map[string][]string) {
	a.Explain = &model.Explain{}
	a.CanonicalURL = CanonicalURL(a.OriginalURL)
	if a.CanonicalURL == "" {
		a.CanonicalURL = CanonicalURL(a.WebURL)
	}
	if a.AmpWebURL != "" && a.CdnAmpWebURL == "" {
		a.CdnAmpWebURL = CdnAmpURL(a.AmpWebURL)
	}
	host := publisherHost(a)
	a.Quality, a.Explain.Quality = Quality(a, c.site.Organization(host))
	var given []string
	given = append(given, srcTopics[strings.ToLower(host)]...)
	if d := RegistrableDomain(host); d != strings.ToLower(host) {
		given = append(given, srcTopics[d]...)
	}
	a.Topics, a.Explain.Topics = Topics(a, c.site, given)
}

// sourceTopics maps a publisher domain to the topics its sources assign.
func (c *Curator) sourceTopics(ctx context.Context) (map[string][]string, error) {
	out := map[string][]string{}
	err := c.st.Scan(ctx, []model.Kind{model.KindSources}, func(r *model.Record) error {
		if r.Sources == nil {
			return nil
		}
		for _, s := range r.Sources.Sources {
			d := strings.ToLower(s.Provider)
			if d == "" || len(s.Topics) == 0 {
				continue
			}
			for _, t := range s.Topics {
				if !slices.Contains(out[d], t) {
					out[d] = append(out[d], t)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("curate: read sources: %w", err)
	}
	return out, nil
}

// storySet is the result of assigning stories to a whole store.
type storySet struct {
	order   []string                   // story ids, in order of founding
	members map[string][]*model.Record // by story id
	similar map[string][]string        // record path → related article paths
}

// assignAll gives every record a story: related-linked groups first (see
// All), then the clusterer for the rest, all in time order so the
// clusterer's window slides over the store once.
func (c *Curator) assignAll(recs []*model.Record) storySet {
	uf := unionFind{}
	for _, r := range recs {
		uf.find(recordKey(r))
		for _, k := range c.linkKeys(r.Article, !r.Article.Published) {
			uf.union(recordKey(r), "url:"+k)
		}
	}
	groups := map[string][]*model.Record{}
	for _, r := range recs {
		root := uf.find(recordKey(r))
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
			n := len(groups[uf.find(recordKey(r))]) - 1
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
