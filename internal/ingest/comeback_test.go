package ingest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"newshub/internal/curate"
	"newshub/internal/editorial"
	"newshub/internal/model"
)

// TestDecisionsHoldOverArticlesThatLeftAndCameBack takes editors'
// decisions on articles that leave the lists and are listed again by
// their feeds: a hidden article archived by retention stays hidden when
// its feed lists it again, and a duplicate purged (its keys kept) stays
// out when its feed lists it again, whatever a pin of its story or a show
// of it says.
func TestDecisionsHoldOverArticlesThatLeftAndCameBack(t *testing.T) {
	var later atomic.Bool
	now := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	h, srv, opts := retentionHub(t, &later, &now)
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "_data"), 0o755); err != nil {
		t.Fatal(err)
	}
	opts.SiteDir = dir
	ctx := context.Background()
	// The decisions are appended to the site folder's log alone, as by
	// hand: the next round applies them.
	decide := func(ds ...model.Decision) {
		t.Helper()
		if _, err := editorial.Append(ctx, nil, dir, ds...); err != nil {
			t.Fatal(err)
		}
	}
	hidden := srv.URL + "/wire/governor-election-chief"
	lead := srv.URL + "/daily/senate-voting-rights-bill-house?utm_source=rss"
	dup := srv.URL + "/wire/senate-voting-rights-bill"
	decide(model.Decision{Action: editorial.Hide, Article: hidden, By: "ada", At: now.Add(-time.Hour), Note: "a press release"})

	in := h.ingester(opts)
	defer in.Close()
	sum, err := in.RunOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rs := sum.Retention; rs.Purged != 1 || rs.Archived != 2 {
		t.Fatalf("round 1: retention %+v; want the duplicate purged, the two others archived", rs)
	}
	news := h.news(t)
	if a := news[hidden]; a == nil || !a.Archived || a.Published || a.Withheld != model.WithheldHidden {
		t.Fatalf("round 1: the hidden article %+v; want it archived, withheld as hidden", a)
	}
	if news[lead] == nil {
		t.Fatalf("round 1: no lead %s stored", lead)
	}
	// The editor pins both stories, each named by its first article as
	// the admin area names it, which brings a story with a lead back from
	// the archive; and shows the purged duplicate, by hand (the area
	// refuses it).
	until := now.Add(72 * time.Hour)
	decide(
		model.Decision{Action: editorial.Pin, Story: news[lead].Story, StoryArticle: curate.CanonicalURL(lead), Until: until, By: "ada", At: now},
		model.Decision{Action: editorial.Pin, Story: news[hidden].Story, StoryArticle: curate.CanonicalURL(hidden), Until: until, By: "ada", At: now},
		model.Decision{Action: editorial.Show, Article: dup, By: "ada", At: now},
	)

	// Round 2: the feeds list all three again.
	later.Store(true)
	now = now.Add(time.Hour)
	if sum, err = in.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if sum.NotStored[ReasonPurged] != 1 {
		t.Errorf("round 2: %+v; want the duplicate not stored, as %q", sum, ReasonPurged)
	}
	news = h.news(t)
	if a := news[hidden]; a == nil || a.Published || a.Withheld != model.WithheldHidden || !a.PinnedUntil.IsZero() {
		t.Errorf("round 2: the hidden article %+v; want it still withheld as hidden, and no pin on it (its story has no lead)", a)
	}
	if a := news[lead]; a == nil || a.Archived || !a.Published || !a.PinnedUntil.Equal(until) {
		t.Errorf("round 2: the pinned lead %+v; want it back from the archive, published, pinned until %s", a, until)
	}
	for u := range news {
		if strings.HasPrefix(u, dup) {
			t.Errorf("round 2: the purged duplicate %s is stored again", u)
		}
	}
	if len(news) != 3 {
		t.Errorf("round 2: %d news stored, want 3 (the lead, the hidden article, the House's)", len(news))
	}
}
