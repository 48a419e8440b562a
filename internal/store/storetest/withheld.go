package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/store"
)

// testPublicLeavesOutWithheld checks that public listings, counts and
// searches leave out withheld records, and take them back in once they
// are no longer withheld, whatever else the record keeps; and that a
// listing of the withheld holds the others.
func testPublicLeavesOutWithheld(t *testing.T, st store.Store) {
	ctx := context.Background()
	open := article("senate-open", "Senate passes voting bill", hours(0), "Election")
	hidden := article("senate-hidden", "Senate voting bill, press release", hours(1), "Election")
	hidden.Article.Withheld = model.WithheldHidden
	hidden.Article.Published = false
	offTopic := article("senate-football", "Senate football club wins cup", hours(2), "Election")
	offTopic.Article.Withheld = model.WithheldOffTopic
	offTopic.Article.Published = false
	upsert(t, st, open, hidden, offTopic)
	stored := []string{open.Path, hidden.Path, offTopic.Path}

	check := func(step string, wantPublic ...*model.Record) {
		t.Helper()
		want := paths(wantPublic)
		for _, q := range []store.NewsQuery{
			{Public: true},
			{Public: true, Topic: "Election"},
			{Public: true, Topic: "Election", Order: store.ByHeat},
			{Public: true, Order: store.ByQuality},
		} {
			got, err := st.News(ctx, q)
			if err != nil {
				t.Fatalf("%s: News(%+v): %v", step, q, err)
			}
			if !sameSet(paths(got), want) {
				t.Errorf("%s: News(%+v) = %v, want %v", step, q, paths(got), want)
			}
			n, err := st.CountNews(ctx, q)
			if err != nil {
				t.Fatalf("%s: CountNews: %v", step, err)
			}
			if n != len(want) {
				t.Errorf("%s: CountNews(%+v) = %d, want %d", step, q, n, len(want))
			}
		}
		for _, q := range []store.SearchQuery{
			{Text: "senate", Public: true},
			{Text: "senate", Public: true, Topic: "Election"},
			{Text: "senate", Public: true, Since: hours(-1), Until: hours(10)},
		} {
			res := search(t, st, q)
			if !sameSet(paths(res.Hits), want) || res.Total != len(want) {
				t.Errorf("%s: Search(%+v) = %v (total %d), want %v", step, q, paths(res.Hits), res.Total, want)
			}
		}
		var withheld []string
		if err := st.ScanNews(ctx, store.NewsQuery{Withheld: true}, func(e store.NewsEntry) error {
			withheld = append(withheld, e.Path)
			return nil
		}); err != nil {
			t.Fatalf("%s: ScanNews(Withheld): %v", step, err)
		}
		if want := without(stored, want); !sameSet(withheld, want) {
			t.Errorf("%s: ScanNews(Withheld) = %v, want %v", step, withheld, want)
		}
		all, err := st.News(ctx, store.NewsQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 3 {
			t.Errorf("%s: News without Public lists %d records, want all 3", step, len(all))
		}
		if res := search(t, st, store.SearchQuery{Text: "senate"}); res.Total != 3 {
			t.Errorf("%s: Search without Public found %d, want all 3", step, res.Total)
		}
	}
	check("stored", open)

	// An editor shows the hidden one; the gate's decision on the other is
	// overridden later: both come back, title and all unchanged.
	hidden = get(t, st, hidden.Path)
	hidden.Article.Withheld = ""
	upsert(t, st, hidden)
	check("hidden one shown", open, hidden)

	offTopic = get(t, st, offTopic.Path)
	offTopic.Article.Withheld = ""
	open = get(t, st, open.Path)
	open.Article.Withheld = model.WithheldPublisher
	upsert(t, st, offTopic, open)
	check("publisher blocked", hidden, offTopic)
}

// testPinnedAtListsPinnedLeads checks NewsQuery.PinnedAt: only the records
// pinned past the time, and a pin that is lifted is gone.
func testPinnedAtListsPinnedLeads(t *testing.T, st store.Store) {
	ctx := context.Background()
	now := hours(10)
	pinned := article("pinned", "Debate night live", hours(0), "Election")
	pinned.Article.PinnedUntil = now.Add(24 * time.Hour)
	expired := article("expired", "Convention recap", hours(1), "Election")
	expired.Article.PinnedUntil = now.Add(-time.Hour)
	plain := article("plain", "Polls tighten", hours(2), "Election")
	upsert(t, st, pinned, expired, plain)

	list := func() []string {
		t.Helper()
		got, err := st.News(ctx, store.NewsQuery{PinnedAt: now, PublishedOnly: true, Order: store.ByHeat})
		if err != nil {
			t.Fatalf("News: %v", err)
		}
		return paths(got)
	}
	if got := list(); !sameSet(got, []string{pinned.Path}) {
		t.Errorf("pinned at %s: %v, want only %s", now, got, pinned.Path)
	}
	back := get(t, st, pinned.Path)
	if !back.Article.PinnedUntil.Equal(pinned.Article.PinnedUntil) {
		t.Errorf("PinnedUntil read back %s, want %s", back.Article.PinnedUntil, pinned.Article.PinnedUntil)
	}
	// Retention reads the pin by the indexed fields.
	var entries []store.NewsEntry
	if err := st.ScanNews(ctx, store.NewsQuery{PinnedAt: now}, func(e store.NewsEntry) error {
		entries = append(entries, e)
		return nil
	}); err != nil {
		t.Fatalf("ScanNews: %v", err)
	}
	if len(entries) != 1 || entries[0].Path != pinned.Path || !entries[0].PinnedUntil.Equal(pinned.Article.PinnedUntil) {
		t.Errorf("ScanNews pinned at %s: %+v, want %s pinned until %s", now, entries, pinned.Path, pinned.Article.PinnedUntil)
	}
	back.Article.PinnedUntil = time.Time{}
	upsert(t, st, back)
	if got := list(); len(got) != 0 {
		t.Errorf("after unpinning: %v, want none", got)
	}
}

// without returns the strings of all that are not in drop.
func without(all, drop []string) []string {
	var out []string
	for _, s := range all {
		if !slices.Contains(drop, s) {
			out = append(out, s)
		}
	}
	return out
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	in := map[string]int{}
	for _, s := range a {
		in[s]++
	}
	for _, s := range b {
		in[s]--
	}
	for _, n := range in {
		if n != 0 {
			return false
		}
	}
	return true
}
