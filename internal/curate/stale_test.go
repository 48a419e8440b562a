package curate

import (
	"context"
	"strings"
	"testing"
	"time"

	"newshub/internal/editorial"
	"newshub/internal/model"
)

// TestAMemberMovedOutLeavesTheRelatedListsOfItsFormerStory: a lead
// demoted by a better arrival keeps its story's coverage, and its
// document, published, shows it. When an editor moves a member out of the
// story, the demoted lead no longer lists it, and once it is hidden no
// document of the hub does.
func TestAMemberMovedOutLeavesTheRelatedListsOfItsFormerStory(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	s, dir := spaceHub(t, "rocket")
	c := New(s, st, Options{Now: func() time.Time { return judgeNow }, SiteDir: dir})
	at := judgeNow.Add(-3 * time.Hour)
	report := func(host string, minutes, sentences int) *model.Record {
		r := fromFeed("Rocket engine test fires for full duration at Stennis", "https://"+host+"/engine", "https://wire.example/all.xml", at.Add(time.Duration(minutes)*time.Minute))
		r.Article.Excerpt = strings.Repeat("The engine ran for the full planned duration. ", sentences)
		return r
	}
	first, moved, best := report("first.example", 0, 1), report("moved.example", 10, 0), report("best.example", 20, 5)
	moved.Article.Excerpt = "Engine test."
	commit(t, c, first)
	commit(t, c, moved)
	commit(t, c, best)
	if a := stored(t, st, best); !a.Published {
		t.Fatalf("the best report does not lead its story")
	}
	listed := func(a *model.Article) bool {
		for _, r := range a.Related {
			if CanonicalURL(r.WebURL) == CanonicalURL(moved.Article.WebURL) {
				return true
			}
		}
		return false
	}
	if a := stored(t, st, first); a.Published || !listed(a) {
		t.Fatalf("the first report: published %v, related %d; want demoted, listing the other member", a.Published, len(a.Related))
	}
	apply := func(d model.Decision) {
		t.Helper()
		d.At = judgeNow
		if _, err := editorial.Append(ctx, st, dir, d); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Apply(ctx, []model.Decision{d}); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []model.Decision{
		{Action: editorial.Move, Article: moved.Article.WebURL, Out: true},
		{Action: editorial.Hide, Article: moved.Article.WebURL},
	} {
		apply(d)
		// The lead may list the member moved out as a similar story's
		// coverage while it may be published; the demoted lead lists its
		// own story's.
		if a := stored(t, st, first); listed(a) {
			t.Errorf("after %s: the demoted lead lists the member moved out of its story", d.Action)
		}
	}
	if a := stored(t, st, best); listed(a) {
		t.Errorf("the lead lists the member hidden")
	}
}
