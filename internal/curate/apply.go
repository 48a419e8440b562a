package curate

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"newshub/internal/content"
	"newshub/internal/editorial"
	"newshub/internal/model"
	"newshub/internal/store"
)

// Applied reports what Apply did.
type Applied struct {
	Stories  int // stories settled again
	Articles int // their articles
	Changed  int // records written
	Attempts int // times curated, more than one when another writer intervened
}

// Apply brings the stored stories the given decisions touch in step with
// every decision of the hub's log (the given ones among them: append them
// first): the stories of the articles and stories they name, the stories
// of every article of a publisher or feed blocked or unblocked, and those
// whose lead lists one of those articles as related coverage. It judges
// and settles those stories as curation does, without clustering again,
// and writes what changed over the versions it read (UpsertIfUnchanged),
// curating again from what another writer wrote meanwhile, once it pauses
// (awaitQuiet), up to CommitAttempts times.
func (c *Curator) Apply(ctx context.Context, ds []model.Decision) (Applied, error) {
	var sum Applied
	for sum.Attempts = 1; ; sum.Attempts++ {
		recs, stories, err := c.applyOnce(ctx, ds)
		if err != nil {
			return sum, err
		}
		sum.Stories, sum.Articles, sum.Changed = stories, len(recs), 0
		var out []*model.Record
		for _, r := range recs {
			if r.changed() {
				out = append(out, r.rec)
			}
		}
		err = c.st.UpsertIfUnchanged(ctx, out)
		if err == nil {
			sum.Changed = len(out)
			return sum, nil
		}
		if !errors.Is(err, store.ErrConflict) || sum.Attempts == CommitAttempts {
			return sum, fmt.Errorf("curate: apply decisions: %w", err)
		}
		if err := awaitQuiet(ctx, c.st, sum.Attempts); err != nil {
			return sum, fmt.Errorf("curate: apply decisions: %w", err)
		}
	}
}

// Settle judges and settles the stored stories given again, as Apply
// settles those decisions touch: a story whose lead was deleted gets
// another one.
func (c *Curator) Settle(ctx context.Context, stories ...string) (Applied, error) {
	ds := make([]model.Decision, 0, len(stories))
	for _, id := range stories {
		ds = append(ds, model.Decision{Story: id})
	}
	return c.Apply(ctx, ds)
}

// applied is a record Apply read, with a digest of its value as read.
type applied struct {
	rec    *model.Record
	before [sha256.Size]byte
	file   fileSnap
	// published says the article could be published as read; gone, that
	// it can no longer and the leads listing it were found.
	published, gone bool
}

func (a *applied) changed() bool {
	v, err := a.rec.MarshalValue()
	return err != nil || sha256.Sum256(v) != a.before
}

// applyOnce reads the stories ds touch, judges and settles them, and
// returns their records (bytes rendered where their file changed) and how
// many stories there were.
func (c *Curator) applyOnce(ctx context.Context, ds []model.Decision) ([]*applied, int, error) {
	j, err := c.newJudge(ctx, false)
	if err != nil {
		return nil, 0, err
	}
	w := &applyWork{c: c, j: j, byPath: map[string]*applied{}, byKey: map[string]*model.Record{},
		stories: storySet{members: map[string][]*model.Record{}}}
	ids, err := w.touched(ctx, ds)
	if err != nil {
		return nil, 0, err
	}
	for _, id := range ids {
		if err := w.load(ctx, id); err != nil {
			return nil, 0, err
		}
	}
	for _, r := range w.list {
		j.editTopics(r.rec.Article)
	}
	j.restructure(func(k string) *model.Record { return w.byKey[k] },
		func(id string) []*model.Record { return w.stories.members[id] }, w.stories.move)
	settled := map[string]bool{}
	for next := w.stories.order; len(next) > 0; {
		for _, id := range next {
			members := w.stories.members[id]
			if len(members) == 0 {
				continue
			}
			settled[id] = true
			if err := w.settle(ctx, id, members); err != nil {
				return nil, 0, err
			}
		}
		// Members that left publication with their story (on topic only
		// through a lead now withheld) leave the related lists of other
		// stories' leads too, which are published with those leads.
		if next, err = w.listing(ctx, w.withdrawn()); err != nil {
			return nil, 0, err
		}
	}
	n := len(settled)
	for _, r := range w.list {
		if !fileSnapOf(r.rec.Article).equal(r.file) {
			if err := render(r.rec); err != nil {
				return nil, 0, err
			}
		}
	}
	return w.list, n, nil
}

// applyWork is the state of one applyOnce.
type applyWork struct {
	c       *Curator
	j       *judge
	list    []*applied
	byPath  map[string]*applied
	byKey   map[string]*model.Record
	stories storySet
	// listed are the articles whose listing leads touched found already.
	listed map[string]bool
}

// touched returns the ids of the stored stories ds touch.
func (w *applyWork) touched(ctx context.Context, ds []model.Decision) ([]string, error) {
	var ids []string
	add := func(id string) {
		if id != "" && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	storyOfURL := func(u string) error {
		if u == "" {
			return nil
		}
		r, err := w.c.st.ArticleByURL(ctx, w.j.key(u))
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("curate: %w", err)
		}
		if isNews(r) {
			add(r.Article.Story)
		}
		return nil
	}
	var publishers, sources []string
	withheld := map[string]bool{} // articles that may have left or joined the published
	for _, d := range ds {
		for _, u := range []string{d.Article, d.StoryArticle, d.IntoArticle} {
			if err := storyOfURL(u); err != nil {
				return nil, err
			}
		}
		add(d.Story)
		add(d.Into)
		switch d.Action {
		case editorial.BlockPublisher, editorial.UnblockPublisher:
			publishers = append(publishers, d.Publisher)
		case editorial.BlockSource, editorial.UnblockSource:
			sources = append(sources, editorial.SourceKey(d.Source))
		case editorial.Hide, editorial.Show, editorial.Unhide, editorial.Unshow:
			withheld[w.j.key(d.Article)] = true
		}
	}
	if len(publishers)+len(sources) > 0 {
		blocked := editorial.Compile(blocks(publishers, sources), w.c.canonical)
		err := w.c.st.Scan(ctx, []model.Kind{model.KindNews}, func(r *model.Record) error {
			a := r.Article
			if !isNews(r) {
				return nil
			}
			_, bySource := blocked.Source(a.Source)
			_, byPublisher := blocked.Publisher(publisherHost(a))
			if bySource || byPublisher {
				add(a.Story)
				withheld[a.CanonicalURL] = true
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("curate: %w", err)
		}
	}
	w.listed = withheld
	if len(withheld) > 0 {
		// Leads of other stories that list one of them as related
		// coverage drop or take it back.
		leads, err := w.c.st.News(ctx, store.NewsQuery{PublishedOnly: true, NoRaw: true})
		if err != nil {
			return nil, fmt.Errorf("curate: %w", err)
		}
		for _, r := range leads {
			for _, rel := range r.Article.Related {
				if withheld[w.c.canonical(rel.WebURL)] {
					add(r.Article.Story)
					break
				}
			}
		}
	}
	return ids, nil
}

// blocks are decisions that block each publisher and source, to find
// their articles with the rules' own matching.
func blocks(publishers, sources []string) []model.Decision {
	var out []model.Decision
	for _, p := range publishers {
		out = append(out, model.Decision{Action: editorial.BlockPublisher, Publisher: p})
	}
	for _, s := range sources {
		out = append(out, model.Decision{Action: editorial.BlockSource, Source: s})
	}
	return out
}

// load reads a story's members, once.
func (w *applyWork) load(ctx context.Context, id string) error {
	if _, ok := w.stories.members[id]; ok {
		return nil
	}
	recs, err := w.c.st.Story(ctx, id)
	if err != nil {
		return fmt.Errorf("curate: %w", err)
	}
	w.stories.members[id] = nil
	w.stories.order = append(w.stories.order, id)
	for _, r := range recs {
		if !isNews(r) || w.byPath[r.Path] != nil {
			continue
		}
		v, err := r.MarshalValue()
		if err != nil {
			return fmt.Errorf("curate: %w", err)
		}
		a := r.Article
		if a.Explain == nil {
			a.Explain = &model.Explain{}
		}
		a.Explain.Editor = nil // what applies is written again
		ap := &applied{rec: r, before: sha256.Sum256(v), file: fileSnapOf(a), published: a.Publishable()}
		w.list = append(w.list, ap)
		w.byPath[r.Path] = ap
		if _, ok := w.byKey[a.CanonicalURL]; !ok {
			w.byKey[a.CanonicalURL] = r
		}
		w.stories.members[id] = append(w.stories.members[id], r)
	}
	return nil
}

// withdrawn returns the canonical URLs of the articles in play that could
// be published as read and no longer can, each once.
func (w *applyWork) withdrawn() map[string]bool {
	keys := map[string]bool{}
	for _, ap := range w.list {
		if ap.published && !ap.gone && !ap.rec.Article.Publishable() {
			ap.gone = true
			if k := ap.rec.Article.CanonicalURL; !w.listed[k] {
				keys[k] = true
			}
		}
	}
	return keys
}

// listing loads the stories whose lead lists one of the articles keys
// names as related coverage and returns their ids: the stored leads, and
// the leads in play as they are now.
func (w *applyWork) listing(ctx context.Context, keys map[string]bool) ([]string, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	leads, err := w.c.st.News(ctx, store.NewsQuery{PublishedOnly: true, NoRaw: true})
	if err != nil {
		return nil, fmt.Errorf("curate: %w", err)
	}
	var ids []string
	add := func(a *model.Article) {
		for _, rel := range a.Related {
			if keys[w.c.canonical(rel.WebURL)] {
				if !slices.Contains(ids, a.Story) {
					ids = append(ids, a.Story)
				}
				return
			}
		}
	}
	for _, r := range leads {
		if w.byPath[r.Path] == nil {
			add(r.Article)
		}
	}
	for _, ap := range w.list {
		if ap.rec.Article.Published {
			add(ap.rec.Article)
		}
	}
	for _, id := range ids {
		if err := w.load(ctx, id); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// settle judges and settles one story. Its related candidates beyond its
// members are the related entries its members list of other articles
// (the similar stories curation found), less those stored withheld.
func (w *applyWork) settle(ctx context.Context, id string, members []*model.Record) error {
	arts := make([]*model.Article, len(members))
	in := map[string]bool{}
	for i, r := range members {
		arts[i] = r.Article
		in[r.Article.CanonicalURL] = true
	}
	lead := w.j.judgeStory(id, arts)
	var extra []model.Related
	for _, a := range arts {
		for _, rel := range a.Related {
			k := w.c.canonical(rel.WebURL)
			if in[k] {
				continue
			}
			ok, err := w.publishable(ctx, k)
			if err != nil {
				return err
			}
			if ok {
				extra = append(extra, rel)
			}
		}
	}
	w.j.finishStory(id, arts, lead, extra)
	held, err := w.held(ctx, arts, lead)
	if err != nil {
		return err
	}
	pruneOthers(arts, lead, func(k string) bool { return held[k] })
	for _, a := range arts {
		a.Explain.Heat = heatExplain(a, lead)
		if a.Explain.Story == "" || !strings.HasPrefix(a.Explain.Story, "story "+id) {
			a.Explain.Story = fmt.Sprintf("story %s: settled again after an editor's decision", id)
		}
	}
	return nil
}

// held returns the keys of the articles the hub holds among those the
// related lists of a story's members other than its lead name beyond the
// story (what pruneOthers asks).
func (w *applyWork) held(ctx context.Context, members []*model.Article, lead *model.Article) (map[string]bool, error) {
	held := map[string]bool{}
	for _, a := range members {
		held[a.CanonicalURL] = true
	}
	for _, a := range members {
		if a == lead {
			continue
		}
		for _, rel := range a.Related {
			k := w.c.canonical(rel.WebURL)
			if _, done := held[k]; done {
				continue
			}
			if w.byKey[k] != nil {
				held[k] = true
				continue
			}
			r, err := w.c.st.ArticleByURL(ctx, k)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return nil, fmt.Errorf("curate: %w", err)
			}
			held[k] = err == nil && isNews(r)
		}
	}
	return held, nil
}

// publishable reports whether the article with key k may be published:
// it is not a record withheld, in play or stored.
func (w *applyWork) publishable(ctx context.Context, k string) (bool, error) {
	if r := w.byKey[k]; r != nil {
		return r.Article.Publishable(), nil
	}
	r, err := w.c.st.ArticleByURL(ctx, k)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return true, nil // coverage known only from a record's list
	case err != nil:
		return false, fmt.Errorf("curate: %w", err)
	}
	return !isNews(r) || r.Article.Publishable(), nil
}

// syncDecisions applies the decisions the site folder's log holds and the
// store's copy does not (written by hand, or brought by git) to the
// stories they touch, then stores the copy: a process that curates (serve,
// ingest) applies them without an import. The log is append-only, so the
// decisions past the copy's are the new ones; a log that differs earlier
// (edited by hand) is applied whole.
func (c *Curator) syncDecisions(ctx context.Context) error {
	if c.siteDir == "" {
		return nil
	}
	data, err := os.ReadFile(editorial.File(c.siteDir))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("curate: %w", err)
	}
	// The copy's bytes are compared first: decoding its decisions, at
	// every round, cost as much as parsing the file.
	same := false
	err = c.st.ScanRaw(ctx, []model.Kind{model.KindDecisions}, func(path string, _ model.Kind, raw []byte) error {
		same = same || path == editorial.Path && bytes.Equal(raw, data)
		return nil
	})
	if err != nil {
		return fmt.Errorf("curate: %w", err)
	}
	if same {
		return nil
	}
	var old []model.Decision
	prev, err := c.st.Get(ctx, editorial.Path)
	switch {
	case err == nil && prev.Decisions != nil:
		old = prev.Decisions.Decisions
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("curate: %w", err)
	}
	rec, err := editorial.ParseRecord(editorial.File(c.siteDir), data)
	if err != nil {
		return fmt.Errorf("curate: %w", err)
	}
	now := rec.Decisions.Decisions
	fresh := now
	if len(old) <= len(now) && sameDecisions(old, now[:len(old)]) {
		fresh = now[len(old):]
	}
	var valid []model.Decision
	for _, d := range fresh {
		if editorial.Validate(d) == nil {
			valid = append(valid, d)
		}
	}
	if len(valid) > 0 {
		if _, err := c.Apply(ctx, valid); err != nil {
			return err
		}
	}
	return c.st.Upsert(ctx, []*model.Record{rec})
}

func sameDecisions(a, b []model.Decision) bool {
	return slices.EqualFunc(a, b, func(x, y model.Decision) bool {
		x.Line, y.Line = 0, 0
		return x.At.Equal(y.At) && x.Until.Equal(y.Until) && x.Action == y.Action && x.Article == y.Article &&
			x.Publisher == y.Publisher && x.Source == y.Source && x.StoryArticle == y.StoryArticle &&
			x.IntoArticle == y.IntoArticle && x.Topic == y.Topic && x.Out == y.Out && x.OffTopic == y.OffTopic
	})
}

// storeDecisions keeps in the store the copy of the site folder's log
// that a whole curation applied.
func (c *Curator) storeDecisions(ctx context.Context, log *editorial.Log) error {
	if c.siteDir == "" || log.From != editorial.File(c.siteDir) {
		return nil
	}
	rec, err := content.Parse(editorial.Path, log.Raw)
	if err != nil {
		return fmt.Errorf("curate: %w", err)
	}
	return c.st.Upsert(ctx, []*model.Record{rec})
}
