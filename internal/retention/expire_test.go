package retention

import (
	"context"
	"errors"
	"testing"
	"time"

	"newshub/internal/content"
	"newshub/internal/curate"
	"newshub/internal/model"
	"newshub/internal/store"
)

// TestApplyLetsGoTheKeysOfArticlesPurgedLongAgo purges the duplicates of
// a story, then runs again once the oldest is dated past purge_after and
// TombstoneMargin: its keys go, counted; those of a younger duplicate
// stay, and so do those of one the hub dated itself (its feed gave no
// date: it would come back dated as new) and of one an editor hid.
func TestApplyLetsGoTheKeysOfArticlesPurgedLongAgo(t *testing.T) {
	pol := Policy{PurgeAfter: 60 * day}
	later := until.Add(150 * day) // its cut: until - 90 days
	if cut := pol.TombstoneCut(later); !cut.Equal(until.Add(-90 * day)) {
		t.Fatalf("TombstoneCut = %s, want 90 days before %s", cut, until)
	}
	type member struct {
		name     string
		age      time.Duration // before until
		fetched  time.Duration // after its date
		withheld string
		stays    bool
	}
	members := []member{
		{name: "old", age: 100 * day, fetched: time.Hour},
		{name: "young", age: 70 * day, fetched: time.Hour, stays: true},
		{name: "undated", age: 100 * day, stays: true},
		{name: "hidden", age: 100 * day, fetched: time.Hour, withheld: model.WithheldHidden, stays: true},
		{name: "off-topic", age: 100 * day, fetched: time.Hour, withheld: model.WithheldOffTopic},
	}
	for _, sc := range stores {
		t.Run(sc.name, func(t *testing.T) {
			ctx := context.Background()
			st := sc.open(t)
			recs := []*model.Record{newsRecord(t, "lead", until.Add(-110*day), time.Hour, true, "")}
			for _, m := range members {
				recs = append(recs, newsRecord(t, m.name, until.Add(-m.age), m.fetched, false, m.withheld))
			}
			if err := st.Upsert(ctx, recs); err != nil {
				t.Fatal(err)
			}
			sum, err := Apply(ctx, st, pol, Options{Now: clock(until)})
			if err != nil {
				t.Fatal(err)
			}
			if sum.Purged != len(members) || sum.Expired != 0 {
				t.Fatalf("first run: purged %d, let go %d keys; want %d, 0", sum.Purged, sum.Expired, len(members))
			}
			sum, err = Apply(ctx, st, pol, Options{Now: clock(later)})
			if err != nil {
				t.Fatal(err)
			}
			want := 0
			for i, m := range members {
				key := recs[i+1].Article.CanonicalURL
				_, err := st.Tombstone(ctx, key)
				if kept := err == nil; kept != m.stays {
					t.Errorf("%s: tombstone kept %v (%v), want %v", m.name, kept, err, m.stays)
				} else if err != nil && !errors.Is(err, store.ErrNotFound) {
					t.Errorf("%s: %v", m.name, err)
				}
				if !m.stays {
					want++
				}
			}
			if sum.Expired != want {
				t.Errorf("second run let go %d keys, want %d", sum.Expired, want)
			}
		})
	}
}

// newsRecord is an article of story s-expire dated at, fetched fetched
// after it (0: the hub dated it by its fetch, its feed giving no date).
func newsRecord(t *testing.T, name string, at time.Time, fetched time.Duration, lead bool, withheld string) *model.Record {
	t.Helper()
	u := "https://example.com/expire/" + name
	rec := &model.Record{Path: content.NewsPath(at, name), Kind: model.KindNews, Article: &model.Article{
		Title: name, PublishedDateTime: at, FetchedAt: at.Add(fetched), OriginalURL: u, WebURL: u,
		CanonicalURL: curate.CanonicalURL(u), Story: "s-expire", Published: lead, Withheld: withheld,
		Provider: model.Provider{Name: "Example", Domain: "example.com"},
	}}
	if err := content.Render(rec); err != nil {
		t.Fatal(err)
	}
	return rec
}
