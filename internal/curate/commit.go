package curate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"newshub/internal/editorial"
	"newshub/internal/model"
	"newshub/internal/store"
)

// CommitAttempts bounds how many times Commit curates a batch again after
// another writer changed the stored records it read.
const CommitAttempts = 5

// After a conflict, the next attempt waits until no writer has changed the
// store for firstQuiet, twice as long after each conflict, at most
// maxQuietWait in all (see awaitQuiet); the generation is looked at every
// quietPoll meanwhile.
const (
	firstQuiet   = 50 * time.Millisecond
	maxQuietWait = 10 * time.Second
	quietPoll    = 10 * time.Millisecond
)

// awaitQuiet waits, after the conflicts-th conflict in a row, until no
// writer has changed the store (its generation) for a while, at most
// maxQuietWait: another writer at work, such as an import writing batch
// after batch over the stories a batch reads, would otherwise change them
// again before each attempt is written, and every attempt would fail
// while it runs. The quiet asked doubles with each conflict, so the
// pauses between the other writer's batches stop counting as its end.
func awaitQuiet(ctx context.Context, st store.Store, conflicts int) error {
	quiet := firstQuiet << min(conflicts-1, 8)
	last, err := st.Generation(ctx)
	if err != nil {
		return err
	}
	start := time.Now()
	changed := start
	t := time.NewTicker(quietPoll)
	defer t.Stop()
	for time.Since(changed) < quiet && time.Since(start) < maxQuietWait {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
		g, err := st.Generation(ctx)
		if err != nil {
			return err
		}
		if g != last {
			last, changed = g, time.Now()
		}
	}
	return nil
}

// Commit curates arriving records (Arrive) and stores the result in one
// transaction, writing the stored records Arrive changed only over the
// versions it read (UpsertIfUnchanged); records without bytes are rendered
// first, or by a store that can render them as it writes them
// (renderingWriter), which leaves them without their bytes. When another
// writer changed one of them meanwhile, nothing is written and the
// arrivals are curated again, as they came, against what is stored now,
// once the other writer pauses (awaitQuiet), up to CommitAttempts times;
// then the error wraps store.ErrConflict.
// Decisions an editor added to the site folder's log since the store last
// saw it are applied first (see syncDecisions), and those added while the
// batch was curated after it is stored (see catchUp). It returns what it stored,
// how many times it curated the batch and, as Arrive does, an error
// wrapping ErrRejected for the arrivals it left out.
func (c *Curator) Commit(ctx context.Context, recs []*model.Record) (out []*model.Record, attempts int, err error) {
	if err := c.syncDecisions(ctx); err != nil {
		return nil, 0, err
	}
	seen, err := c.decisions.Load(ctx, c.st, c.siteDir)
	if err != nil {
		return nil, 0, fmt.Errorf("curate: %w", err)
	}
	rw, lazy := c.st.(renderingWriter)
	given := saveGiven(recs)
	for attempts = 1; ; attempts++ {
		out, rejected := c.arrive(ctx, recs, arriveOpts{given: &given, lazy: lazy})
		if rejected != nil && !errors.Is(rejected, ErrRejected) {
			return nil, attempts, rejected
		}
		var err error
		if lazy {
			err = rw.UpsertRendering(ctx, out, renderAsWritten)
		} else {
			for _, r := range out {
				if len(r.Raw) == 0 {
					if err := render(r); err != nil {
						return nil, attempts, err
					}
				}
			}
			err = c.st.UpsertIfUnchanged(ctx, out)
		}
		if err == nil {
			c.catchUp(ctx, seen)
			return out, attempts, rejected
		}
		if !errors.Is(err, store.ErrConflict) || attempts == CommitAttempts {
			return nil, attempts, fmt.Errorf("curate: store %d records (attempt %d): %w", len(out), attempts, err)
		}
		if err := awaitQuiet(ctx, c.st, attempts); err != nil {
			return nil, attempts, fmt.Errorf("curate: store %d records: %w", len(out), err)
		}
		given.restore()
	}
}

// catchUp applies the decisions an editor added to the log after seen,
// the log as it was before a batch was curated: the batch was judged by
// the decisions before them, and an editor applying them before the batch
// was stored found none of its arrivals (a block of their publisher) or
// saw its view written over theirs (a hide of a member). Applied again
// after the batch, they hold whatever the batch wrote; an editor's
// decision applied twice changes nothing the second time.
func (c *Curator) catchUp(ctx context.Context, seen *editorial.Log) {
	now, err := c.decisions.Load(ctx, c.st, c.siteDir)
	if err != nil {
		c.log.Warn("decisions taken while a batch was curated are not applied to it: run newshub curate", "err", err)
		return
	}
	if now == seen || len(now.Decisions) <= len(seen.Decisions) {
		return // the same log, or one edited by hand: the next batch syncs it
	}
	fresh := now.Decisions[len(seen.Decisions):]
	if _, err := c.Apply(ctx, fresh); err != nil {
		// The batch is stored: failing it now would have it stored again.
		c.log.Warn("decisions taken while a batch was curated are not applied to it: run newshub curate",
			"decisions", len(fresh), "err", err)
	}
}

// renderingWriter is implemented by stores that can render the records
// of a batch as they write them (store/sqlite does): the files of a whole
// batch, a large part of its memory, are then never held at once.
type renderingWriter interface {
	UpsertRendering(ctx context.Context, recs []*model.Record, render func(*model.Record) ([]byte, error)) error
}

// renderAsWritten renders a record for the store to write, and lets go
// of the bytes once given.
func renderAsWritten(r *model.Record) ([]byte, error) {
	if err := render(r); err != nil {
		return nil, err
	}
	raw := r.Raw
	r.Raw = nil
	return raw, nil
}

// givenRecords holds news records as they were given, to curate them
// again from scratch: Arrive sets their fields and Render their bytes.
// A whole copy of every arrival would be a large part of a batch's memory
// and is seldom used, so only the fields curation sets are kept
// (givenFields), most of them only when given (an arrival from a feed
// carries few); Merge alone sets the others, and the arrivals a duplicate
// is merged into are copied whole first (keepWhole).
type givenRecords struct {
	recs   []*model.Record
	fields []givenFields
	whole  map[*model.Record]*model.Article
}

// givenFields are the fields of an article curation sets other than by
// Merge, as given, with the record's file bytes: those an arrival from a
// feed carries inline, the others only when one is set.
type givenFields struct {
	published    time.Time // PublishedDateTime, which prepare truncates
	canonicalURL string
	cdnAmpWebURL string
	topics       []string
	images       []model.Image
	more         *givenMore
}

// givenMore is the rest of givenFields: curated values, which an arrival
// from a feed lacks.
type givenMore struct {
	quality, heat int
	published     bool
	has           model.Curated
	related       []model.Related
	heldRelated   []model.HeldRelated
	memberRelated *[]model.Related
	curated       bool // CuratedRelated
	story         string
	explain       *model.Explain
	relevance     *model.Relevance
	withheld      string
	pinnedUntil   time.Time
	raw           []byte
}

func saveGiven(recs []*model.Record) givenRecords {
	g := givenRecords{recs: recs, fields: make([]givenFields, len(recs))}
	for i, r := range recs {
		if !isNews(r) {
			continue
		}
		a := cloneArticle(*r.Article)
		g.fields[i] = givenFields{published: a.PublishedDateTime, canonicalURL: a.CanonicalURL,
			cdnAmpWebURL: a.CdnAmpWebURL, topics: a.Topics, images: a.Images}
		m := givenMore{quality: a.Quality, heat: a.Heat, published: a.Published, has: a.Has,
			related: a.Related, heldRelated: a.HeldRelated, memberRelated: a.MemberRelated, curated: a.CuratedRelated, story: a.Story, explain: a.Explain, relevance: a.Relevance,
			withheld: a.Withheld, pinnedUntil: a.PinnedUntil, raw: r.Raw}
		if !m.zero() {
			g.fields[i].more = &m
		}
	}
	return g
}

func (m *givenMore) zero() bool {
	return m.quality == 0 && m.heat == 0 && !m.published && m.has == (model.Curated{}) &&
		m.related == nil && m.heldRelated == nil && m.memberRelated == nil && !m.curated && m.story == "" && m.explain == nil && m.relevance == nil &&
		m.withheld == "" && m.pinnedUntil.IsZero() && m.raw == nil
}

// keepWhole copies an arrival whole before a duplicate is merged into it,
// unless it was copied before: what Merge may set beside the fields kept.
func (g *givenRecords) keepWhole(r *model.Record) {
	if g.whole == nil {
		g.whole = map[*model.Record]*model.Article{}
	}
	if g.whole[r] == nil {
		a := cloneArticle(*r.Article)
		g.whole[r] = &a
	}
}

func (g *givenRecords) restore() {
	for i, r := range g.recs {
		if !isNews(r) {
			continue
		}
		a := r.Article
		if w := g.whole[r]; w != nil {
			*a = cloneArticle(*w)
		}
		f := g.fields[i]
		a.PublishedDateTime, a.CanonicalURL, a.CdnAmpWebURL = f.published, f.canonicalURL, f.cdnAmpWebURL
		a.Topics, a.Images = slices.Clone(f.topics), f.images
		m := f.more
		if m == nil {
			m = &givenMore{}
		}
		a.Quality, a.Heat, a.Published, a.Has = m.quality, m.heat, m.published, m.has
		a.Related, a.Story, a.Relevance, a.Withheld, a.PinnedUntil = m.related, m.story, m.relevance, m.withheld, m.pinnedUntil
		a.HeldRelated, a.MemberRelated, a.CuratedRelated = m.heldRelated, m.memberRelated, m.curated
		a.Explain = nil
		if m.explain != nil {
			e := *m.explain
			a.Explain = &e
		}
		r.Raw = m.raw
	}
}

// cloneArticle copies an article with the lists curation may change in
// place: topics an editor adds to. The lists of images and related
// entries are shared, as they make up much of a batch: curation replaces
// them, and a merge copies them before it changes one (see unionImages).
func cloneArticle(a model.Article) model.Article {
	a.Topics = slices.Clone(a.Topics)
	if a.Explain != nil {
		e := *a.Explain
		a.Explain = &e
	}
	return a
}
