package curate

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"newshub/internal/content"
	"newshub/internal/model"
	"newshub/internal/store"
)

// CommitAttempts bounds how many times Commit curates a batch again after
// another writer changed the stored records it read.
const CommitAttempts = 5

// Commit curates arriving records (Arrive) and stores the result in one
// transaction, writing the stored records Arrive changed only over the
// versions it read (UpsertIfUnchanged); records without bytes are rendered
// first. When another writer changed one of them meanwhile, nothing is
// written and the arrivals are curated again, as they came, against what
// is stored now, up to CommitAttempts times; then the error wraps
// store.ErrConflict. Decisions an editor added to the site folder's log
// since the store last saw it are applied first (see syncDecisions). It
// returns what it stored, how many times it curated
// the batch and, as Arrive does, an error wrapping ErrRejected for the
// arrivals it left out.
func (c *Curator) Commit(ctx context.Context, recs []*model.Record) (out []*model.Record, attempts int, err error) {
	if err := c.syncDecisions(ctx); err != nil {
		return nil, 0, err
	}
	given := saveGiven(recs)
	for attempts = 1; ; attempts++ {
		out, rejected := c.Arrive(ctx, recs)
		if rejected != nil && !errors.Is(rejected, ErrRejected) {
			return nil, attempts, rejected
		}
		for _, r := range out {
			if len(r.Raw) == 0 {
				if err := content.Render(r); err != nil {
					return nil, attempts, fmt.Errorf("curate %s: %w", r.Path, err)
				}
			}
		}
		err := c.st.UpsertIfUnchanged(ctx, out)
		if err == nil {
			return out, attempts, rejected
		}
		if !errors.Is(err, store.ErrConflict) || attempts == CommitAttempts {
			return nil, attempts, fmt.Errorf("curate: store %d records (attempt %d): %w", len(out), attempts, err)
		}
		given.restore()
	}
}

// givenRecords holds news records as they were given, to curate them
// again from scratch: Arrive sets their fields and Render their bytes.
type givenRecords struct {
	recs     []*model.Record
	articles []model.Article
	raws     [][]byte
}

func saveGiven(recs []*model.Record) givenRecords {
	g := givenRecords{recs: recs, articles: make([]model.Article, len(recs)), raws: make([][]byte, len(recs))}
	for i, r := range recs {
		if isNews(r) {
			g.articles[i], g.raws[i] = cloneArticle(*r.Article), r.Raw
		}
	}
	return g
}

func (g givenRecords) restore() {
	for i, r := range g.recs {
		if isNews(r) {
			*r.Article, r.Raw = cloneArticle(g.articles[i]), g.raws[i]
		}
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
