package retention

import (
	"context"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/store"
)

// TestApplyKeepsAPinnedStoryCurrentUntilItsPinEnds pins an old story (an
// editor keeps an explainer at the top): retention leaves it in the
// current lists while the pin lasts, archives it once the pin is over,
// and brings it back when an editor pins it again.
func TestApplyKeepsAPinnedStoryCurrentUntilItsPinEnds(t *testing.T) {
	for _, sc := range stores {
		t.Run(sc.name, func(t *testing.T) {
			ctx := context.Background()
			h := genHub(t, sc.open(t), 300)
			pol := Policy{ArchiveAfter: 30 * day}
			cutoff := until.Add(-30 * day)
			before := entriesOf(t, h.st)
			newest := newestOf(before)
			var lead store.NewsEntry
			for _, e := range before {
				if e.Published && e.Story != "" && newest[e.Story].Before(cutoff) && (lead.Path == "" || e.Path < lead.Path) {
					lead = e
				}
			}
			if lead.Path == "" {
				t.Fatal("no old story with a lead generated")
			}
			pin := func(path string, until time.Time) string {
				t.Helper()
				r, err := h.st.Get(ctx, path)
				if err != nil {
					t.Fatal(err)
				}
				r.Article.PinnedUntil = until
				if err := h.st.Upsert(ctx, []*model.Record{r}); err != nil {
					t.Fatal(err)
				}
				return path
			}
			// storyIn reports whether every record of the story is in the
			// folder asked for, and the path of its lead.
			storyIn := func(archived bool) (bool, string) {
				t.Helper()
				ok, at := true, ""
				for _, e := range entriesOf(t, h.st) {
					if e.Story != lead.Story {
						continue
					}
					ok = ok && e.Archived == archived
					if name(e.Path) == name(lead.Path) {
						at = e.Path
					}
				}
				return ok, at
			}

			pinEnd := until.Add(10 * day)
			pin(lead.Path, pinEnd)
			sum, err := Apply(ctx, h.st, pol, Options{SiteDir: h.dir, Now: clock(until)})
			if err != nil {
				t.Fatal(err)
			}
			if current, _ := storyIn(false); !current || sum.Archived == 0 {
				t.Fatalf("while pinned: story current %v, %d records archived; want it current, others archived", current, sum.Archived)
			}
			if sum.Next.IsZero() || sum.Next.After(pinEnd.Add(time.Microsecond)) {
				t.Errorf("next run due at %s, want by the pin's end %s", sum.Next, pinEnd)
			}

			if _, err := Apply(ctx, h.st, pol, Options{SiteDir: h.dir, Now: clock(pinEnd.Add(time.Hour))}); err != nil {
				t.Fatal(err)
			}
			archived, at := storyIn(true)
			if !archived {
				t.Fatal("once its pin is over, the old story is not archived")
			}

			pin(at, until.Add(60*day))
			sum, err = Apply(ctx, h.st, pol, Options{SiteDir: h.dir, Now: clock(pinEnd.Add(2 * time.Hour))})
			if err != nil {
				t.Fatal(err)
			}
			if current, _ := storyIn(false); !current || sum.Restored == 0 {
				t.Fatalf("pinned again: story current %v, %d restored; want it back in _news/", current, sum.Restored)
			}
			checkFolder(t, h, nil)
		})
	}
}
