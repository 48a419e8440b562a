package curate

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"newshub/internal/editorial"
	"newshub/internal/model"
)

// TestAHideTakenBackRestoresTheRelatedListsOfItsStory: a member's related
// list (as imported, or a demoted lead's) leaves out a member while it is
// withheld or in another story, and lists it again, where it was, once it
// may be published again (an unhide, a show, an unblock of its publisher)
// or is moved back; through the decision's own application and through a
// whole curate.
func TestAHideTakenBackRestoresTheRelatedListsOfItsStory(t *testing.T) {
	for _, tt := range []struct {
		name       string
		take, back model.Decision // back names no article: the withheld one's
		whole      bool           // back is applied by a whole curate
	}{
		{"unhide", model.Decision{Action: editorial.Hide}, model.Decision{Action: editorial.Unhide}, false},
		{"show", model.Decision{Action: editorial.Hide}, model.Decision{Action: editorial.Show}, false},
		{"unhide, then curate", model.Decision{Action: editorial.Hide}, model.Decision{Action: editorial.Unhide}, true},
		{"unblock", model.Decision{Action: editorial.BlockPublisher, Publisher: "moved.example"},
			model.Decision{Action: editorial.UnblockPublisher, Publisher: "moved.example"}, false},
		{"moved out and back", model.Decision{Action: editorial.Move, Out: true},
			model.Decision{Action: editorial.Move, IntoArticle: "https://best.example/engine"}, false},
		{"moved out and back, then curate", model.Decision{Action: editorial.Move, Out: true},
			model.Decision{Action: editorial.Move, IntoArticle: "https://best.example/engine"}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
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
			first, held, third, best := report("first.example", 0, 1), report("moved.example", 10, 0), report("third.example", 15, 2), report("best.example", 20, 5)
			held.Article.Excerpt = "Engine test."
			for _, r := range []*model.Record{first, held, third, best} {
				commit(t, c, r)
			}
			if a := stored(t, st, best); !a.Published {
				t.Fatal("the best report does not lead its story")
			}
			urls := func(a *model.Article) []string {
				var out []string
				for _, r := range a.Related {
					out = append(out, CanonicalURL(r.WebURL))
				}
				return out
			}
			before := urls(stored(t, st, first))
			if stored(t, st, first).Published || !slices.Contains(before, CanonicalURL(held.Article.WebURL)) {
				t.Fatalf("the first report: related %v; want demoted, listing the others", before)
			}
			apply := func(d model.Decision, whole bool) {
				t.Helper()
				if d.Publisher == "" {
					d.Article = held.Article.WebURL
				}
				if d.IntoArticle != "" {
					d.Into = stored(t, st, best).Story
				}
				d.At = judgeNow
				if _, err := editorial.Append(ctx, st, dir, d); err != nil {
					t.Fatal(err)
				}
				var err error
				if whole {
					_, err = c.All(ctx)
				} else {
					_, err = c.Apply(ctx, []model.Decision{d})
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			apply(tt.take, false)
			if got := urls(stored(t, st, first)); slices.Contains(got, CanonicalURL(held.Article.WebURL)) {
				t.Fatalf("after %s: the demoted lead lists the withheld member: %v", tt.take.Action, got)
			}
			apply(tt.back, tt.whole)
			if got := urls(stored(t, st, first)); !slices.Equal(got, before) {
				t.Errorf("after %s: the demoted lead lists %v, want %v as before %s", tt.back.Action, got, before, tt.take.Action)
			}
		})
	}
}
