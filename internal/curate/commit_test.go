package curate

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"newshub/internal/model"
)

// TestRestoreGivesBackTheArrivalsAsGiven curates a batch on a real store,
// with a duplicate merged into an arrival whose image lists have room to
// grow, and restores the batch as Commit does after a conflict: every
// field of every arrival is back as given, although the backup shares
// their lists of images and related entries.
func TestRestoreGivesBackTheArrivalsAsGiven(t *testing.T) {
	t0 := time.Date(2021, 4, 6, 12, 0, 0, 0, time.UTC)
	imgs := func(ims ...model.Image) []model.Image {
		return append(make([]model.Image, 0, 8), ims...) // spare room an append could write into
	}
	first := fresh("Harris moves into the Naval Observatory", "https://p1.example/a/1", "P1", t0)
	first.Article.Images = imgs(model.Image{URL: "https://p1.example/a.jpg"})
	first.Article.Related = append(make([]model.Related, 0, 4), model.Related{Title: "Earlier", WebURL: "https://p9.example/e"})
	dup := fresh("Harris moves into the Naval Observatory (updated)", "https://p1.example/a/1?utm_source=feed", "P1", t0.Add(time.Hour))
	dup.Article.Images = imgs(model.Image{URL: "https://p1.example/a.jpg", Width: 1200, Height: 800}, model.Image{URL: "https://p1.example/b.jpg"})
	dup.Article.Related = []model.Related{{Title: "Later", WebURL: "https://p8.example/l"}}
	other := fresh("Senate passes the infrastructure bill", "https://p2.example/a/2", "P2", t0.Add(2*time.Hour))
	other.Article.Topics = append(make([]string, 0, 4), "Congress")
	recs := []*model.Record{first, dup, other}

	given := make([][]byte, len(recs))
	for i, r := range recs {
		given[i] = articleJSON(t, r.Article)
	}
	g := saveGiven(recs)
	cur := newCurator(t, openStore(t), t0.Add(24*time.Hour))
	out, err := cur.Arrive(context.Background(), recs)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 || len(first.Article.Images) != 2 || first.Article.Images[0].Width != 1200 {
		t.Fatalf("the duplicate was not merged into the first arrival: %d records, images %+v", len(out), first.Article.Images)
	}
	g.restore()
	for i, r := range recs {
		if got := articleJSON(t, r.Article); string(got) != string(given[i]) {
			t.Errorf("%s restored as\n %s\nwant\n %s", r.Path, got, given[i])
		}
		if r.Raw != nil {
			t.Errorf("%s restored with its rendering", r.Path)
		}
	}
}

func articleJSON(t *testing.T, a *model.Article) []byte {
	t.Helper()
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
