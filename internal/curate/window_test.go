package curate

import (
	"bytes"
	"context"
	"testing"
	"time"

	"newshub/internal/content"
	"newshub/internal/model"
)

// TestArriveKeepsTheFileOfAStoredRecordItChanges checks that a stored
// record of the window, read without its file bytes, is written back with
// them: a field newshub does not know, written by hand, survives its
// demotion by an arrival.
func TestArriveKeepsTheFileOfAStoredRecordItChanges(t *testing.T) {
	ctx, st := context.Background(), openStore(t)
	day := time.Date(2020, 9, 12, 17, 0, 0, 0, time.UTC)
	cur := newCurator(t, st, day.Add(6*time.Hour))
	background(t, cur, st, day)
	a := fresh("Pence drops plan to go to fundraiser hosted by QAnon backers", "https://triblive.com/news/pence-drops-plan-qanon/", "TribLIVE", day)
	if out := arrive(t, cur, st, a); len(out) != 1 || !a.Article.Published {
		t.Fatalf("a lone arrival should lead its story: %q", paths(out))
	}
	const kept = "sponsorNote: \"written by hand\"\n"
	edited := bytes.Replace(a.Raw, []byte("\ntitle:"), []byte("\n"+kept+"title:"), 1)
	if bytes.Equal(edited, a.Raw) {
		t.Fatalf("no title line to edit before:\n%s", a.Raw)
	}
	if _, err := content.Parse(a.Path, edited); err != nil {
		t.Fatal(err)
	}
	// The file as edited, over the values curation gave it.
	if err := st.Upsert(ctx, []*model.Record{{Path: a.Path, Kind: a.Kind, Raw: edited, Article: a.Article}}); err != nil {
		t.Fatal(err)
	}

	b := fresh("Vice President Mike Pence drops plan to go to fundraiser hosted by QAnon backers", "https://www.chicagotribune.com/nation-world/ct-nw-mike-pence-qanon-story.html", "Chicago Tribune", day.Add(2*time.Hour))
	b.Article.Images = []model.Image{{URL: "https://img.example/p.jpg", Width: 1200, Height: 800}}
	out := arrive(t, cur, st, b)
	if got := paths(out); len(got) != 2 || got[1] != a.Path {
		t.Fatalf("returned %q, want the arrival and the demoted former lead", got)
	}
	stored, err := st.Get(ctx, a.Path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(stored.Raw, []byte("published: false")) || !bytes.Contains(stored.Raw, []byte(kept)) {
		t.Errorf("former lead's file lost its own field or was not re-rendered:\n%s", stored.Raw)
	}
}
