package admin

import (
	"context"
	"net/url"
	"strings"
	"sync"
	"testing"

	"newshub/internal/model"
	"newshub/internal/store"
	"newshub/internal/store/postgres"
)

// racedTurn is a hub's store as an ingest worker holds it, where an
// editor's decision lands once the turn curated a batch holding an
// arrival that arrives names, and before the turn writes it: an editor
// deciding while a turn curates.
type racedTurn struct {
	store.Store
	arrives func(*model.Article) bool
	decide  func()
	once    sync.Once
}

func (s *racedTurn) race(recs []*model.Record) {
	for _, r := range recs {
		if r.Article != nil && s.arrives(r.Article) {
			s.once.Do(s.decide)
			return
		}
	}
}

func (s *racedTurn) UpsertIfUnchanged(ctx context.Context, recs []*model.Record) error {
	s.race(recs)
	return s.Store.UpsertIfUnchanged(ctx, recs)
}

// UpsertRendering is the write of a turn on both stores.
func (s *racedTurn) UpsertRendering(ctx context.Context, recs []*model.Record, render func(*model.Record) ([]byte, error)) error {
	s.race(recs)
	return s.Store.(interface {
		UpsertRendering(context.Context, []*model.Record, func(*model.Record) ([]byte, error)) error
	}).UpsertRendering(ctx, recs, render)
}

// racedStagingTurn is racedTurn on a store where workers hand their
// arrivals to the one curating (PostgreSQL).
type racedStagingTurn struct {
	*racedTurn
	store.Stager
}

// openPostgres opens a new PostgreSQL database as the hub's store.
func openPostgres(t testing.TB) func(ctx context.Context, dir string) (store.Store, error) {
	dsn := postgresDSN(t)
	return func(ctx context.Context, dir string) (store.Store, error) { return postgres.Open(ctx, dsn) }
}

// TestADecisionTakenWhileATurnCuratesHolds has an editor block a
// publisher in the admin area while an ingest turn curates an arrival of
// that publisher, after the turn read the decisions and before it writes:
// the arrival is stored withheld, where the turn's view, computed before
// the block, published it.
func TestADecisionTakenWhileATurnCuratesHolds(t *testing.T) {
	for _, tt := range []struct {
		name string
		open func(t testing.TB) func(ctx context.Context, dir string) (store.Store, error)
	}{
		{"sqlite", func(testing.TB) func(ctx context.Context, dir string) (store.Store, error) { return openSQLite }},
		{"postgres", openPostgres},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixtureOn(t, tt.open(t), nil)
			addFreshFeed(t, f)
			c := f.signedIn(t)
			ctx := context.Background()
			raced := &racedTurn{Store: f.st,
				arrives: func(a *model.Article) bool { return strings.HasPrefix(a.CanonicalURL, "https://fresh.example/") },
				decide: func() {
					msg, isErr := c.follow(Prefix+"decide", url.Values{"action": {"block-publisher"}, "publisher": {"fresh.example"}})
					if isErr {
						t.Errorf("block: %s", msg)
					}
				}}
			var st store.Store = raced
			if sg, ok := f.st.(store.Stager); ok {
				st = &racedStagingTurn{raced, sg}
			}
			in := newIngester(f.hubSite, st, f.dir, f.clock.now, true)
			defer in.Close()
			if sum, err := in.RunOnce(ctx); err != nil || sum.New != 1 {
				t.Fatalf("round: %+v %v", sum, err)
			}
			rec, err := f.st.ArticleByURL(ctx, "https://fresh.example/senate-1")
			if err != nil {
				t.Fatal(err)
			}
			if a := rec.Article; a.Published || a.Withheld == "" {
				t.Errorf("the arrival of a publisher blocked while the turn curated it: published %v, withheld %q", a.Published, a.Withheld)
			}
		})
	}
}
