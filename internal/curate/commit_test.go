package curate

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"newshub/internal/content"
	"newshub/internal/model"
)

// TestRestoreGivesBackTheArrivalsAsGiven curates a batch on a real store,
// with a duplicate merged into an arrival whose image lists have room to
// grow and an imported record carrying its values and bytes, renders it,
// and restores the batch as Commit does after a conflict: every field and
// the file bytes of every arrival are back as given, although the backup
// keeps only what curation sets and shares the lists of images and
// related entries.
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
	other.Article.GUID = "tag:p2.example,2021:2"
	// An imported record carries its curated values and its file bytes.
	imported := fresh("Governors meet on broadband", "https://p3.example/a/3", "P3", t0.Add(3*time.Hour))
	ia := imported.Article
	ia.Quality, ia.Heat, ia.Published, ia.Story = 90, 90, true, "s-broadband"
	ia.Has = model.Curated{Quality: true, Heat: true, Published: true}
	ia.Explain = &model.Explain{Quality: []string{"carried"}}
	ia.Relevance = &model.Relevance{OnTopic: true, Basis: "everything"}
	ia.PinnedUntil = t0.Add(48 * time.Hour)
	if err := content.Render(imported); err != nil {
		t.Fatal(err)
	}
	recs := []*model.Record{first, dup, other, imported}
	raws := make([][]byte, len(recs))
	for i, r := range recs {
		raws[i] = r.Raw
	}

	given := make([][]byte, len(recs))
	for i, r := range recs {
		given[i] = articleJSON(t, r.Article)
	}
	g := saveGiven(recs)
	cur := newCurator(t, openStore(t), t0.Add(24*time.Hour))
	out, err := cur.arrive(context.Background(), recs, arriveOpts{given: &g})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range out {
		if err := content.Render(r); err != nil {
			t.Fatal(err)
		}
	}
	if len(out) != 3 || len(first.Article.Images) != 2 || first.Article.Images[0].Width != 1200 {
		t.Fatalf("the duplicate was not merged into the first arrival: %d records, images %+v", len(out), first.Article.Images)
	}
	g.restore()
	for i, r := range recs {
		if got := articleJSON(t, r.Article); string(got) != string(given[i]) {
			t.Errorf("%s restored as\n %s\nwant\n %s", r.Path, got, given[i])
		}
		if string(r.Raw) != string(raws[i]) || (r.Raw == nil) != (raws[i] == nil) {
			t.Errorf("%s restored with file bytes %q, want %q", r.Path, r.Raw, raws[i])
		}
	}
}

// TestGivenFieldsCoverEveryArticleField checks that each field of an
// article is either kept for a retry (givenFields) or one that only Merge
// sets, which keepWhole copies before: a new field must be placed in one.
// It checks the two lists, not curation: a field listed as Merge's that
// curation comes to set elsewhere is caught by the retry tests only if
// they set it (TestRestoreGivesBackTheArrivalsAsGiven).
func TestGivenFieldsCoverEveryArticleField(t *testing.T) {
	kept := []string{"PublishedDateTime", "CanonicalURL", "CdnAmpWebURL", "Topics", "Images",
		"Quality", "Heat", "Published", "Has", "Related", "HeldRelated", "MemberRelated", "CuratedRelated", "Story", "Explain", "Relevance", "Withheld", "PinnedUntil"}
	mergeOnly := []string{"Category", "Title", "Excerpt", "OriginalURL", "WebURL", "AmpWebURL", "Type",
		"Provider", "Secured", "FeaturedContent", "Archived", "GUID", "FetchedAt", "Source"}
	placed := map[string]bool{}
	for _, f := range append(kept, mergeOnly...) {
		placed[f] = true
	}
	typ := reflect.TypeFor[model.Article]()
	for i := range typ.NumField() {
		if f := typ.Field(i).Name; !placed[f] {
			t.Errorf("model.Article.%s is neither kept for a retry nor set only by Merge", f)
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
