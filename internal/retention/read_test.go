package retention

import (
	"context"
	"testing"

	"newshub/internal/store"
)

// TestApplyWithPurgeReadsNoIdleArchive checks that purge_after does not
// undo what readEntries saves: a run after the hub settled reads no
// published archived record of a story past archive_after, which neither
// rule can apply to, however long purge_after is. Such records are most of
// a hub that has run for a year, and a run follows every ingest round.
func TestApplyWithPurgeReadsNoIdleArchive(t *testing.T) {
	ctx := context.Background()
	for _, sc := range stores {
		t.Run(sc.name, func(t *testing.T) {
			h := genHub(t, sc.open(t), 600)
			pol := Policy{ArchiveAfter: 30 * day, PurgeAfter: 60 * day}
			if _, err := Apply(ctx, h.st, pol, Options{SiteDir: h.dir, Now: clock(until)}); err != nil {
				t.Fatal(err)
			}
			cut := until.Add(-pol.ArchiveAfter)
			all := entriesOf(t, h.st)
			newest := newestOf(all)
			idle := map[string]bool{}
			for p, e := range all {
				if e.Archived && e.Published && newest[storyKey(e)].Before(cut) && e.PublishedAt.After(until.Add(-pol.PurgeAfter)) {
					idle[p] = true
				}
			}
			if len(idle) == 0 {
				t.Fatal("the hub has no archived lead within purge_after of a story past archive_after: the test tests nothing")
			}
			rd := &reading{Store: h.st}
			if _, err := Apply(ctx, rd, pol, Options{SiteDir: h.dir, Now: clock(until)}); err != nil {
				t.Fatal(err)
			}
			n := 0
			for p := range rd.read {
				if idle[p] {
					n++
				}
			}
			if n > 0 {
				t.Errorf("a run read %d of the %d archived leads of stories past archive_after, which no rule applies to", n, len(idle))
			}
		})
	}
}

// reading is a store that notes the news records each scan gives.
type reading struct {
	store.Store
	read map[string]bool
}

func (s *reading) ScanNews(ctx context.Context, q store.NewsQuery, fn func(store.NewsEntry) error) error {
	return s.Store.ScanNews(ctx, q, func(e store.NewsEntry) error {
		if s.read == nil {
			s.read = map[string]bool{}
		}
		s.read[e.Path] = true
		return fn(e)
	})
}
