package publish

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"newshub/internal/content"
	"newshub/internal/model"
	"newshub/internal/site"
	"newshub/internal/store"
)

// TestBuildLeavesOutWhatItCannotPlace puts records with names no file
// can have straight into the store, past import's checks (as an older
// store or a copy could hold them): a news file name of 230 bytes, one
// with a backslash, and topics whose _id is "..", holds a slash or is 300
// bytes long. The build writes the rest of the hub and names each record
// it left out with its reason.
func TestBuildLeavesOutWhatItCannotPlace(t *testing.T) {
	st, _ := genStore(t, 30)
	ctx := context.Background()
	var lead *model.Record
	err := st.Scan(ctx, []model.Kind{model.KindNews}, func(r *model.Record) error {
		if lead == nil && r.Article.Published {
			lead = r
		}
		return nil
	})
	if err != nil || lead == nil {
		t.Fatalf("no published article: %v", err)
	}
	badNews := []string{
		"_news/2026-01-01-" + strings.Repeat("x", 230) + ".md",
		`_news/2026-01-01-back\slash.md`,
	}
	var recs []*model.Record
	for i, p := range badNews {
		r := *lead
		a := *lead.Article
		a.CanonicalURL = "https://bad.example/" + string(rune('a'+i))
		a.GUID, a.WebURL = a.CanonicalURL, a.CanonicalURL
		r.Path, r.Article, r.Raw = p, &a, nil
		if err := content.Render(&r); err != nil {
			t.Fatal(err)
		}
		recs = append(recs, &r)
	}
	badTopics := []string{"..", "a/b", strings.Repeat("t", 300)}
	for i, id := range badTopics {
		r := &model.Record{Path: "_data/topics/9" + string(rune('0'+i)) + "-bad.yaml", Kind: model.KindTopic,
			Topic: &model.Topic{Taxonomy: "topic", ID: id, Name: "Bad " + string(rune('A'+i)), Order: 90 + i}}
		if err := content.Render(r); err != nil {
			t.Fatal(err)
		}
		recs = append(recs, r)
	}
	if err := st.Upsert(ctx, recs); err != nil {
		t.Fatal(err)
	}
	s, err := site.Load(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out")
	// A first build writes the whole tree; the next updates it in place.
	for _, how := range []string{"whole", "in place"} {
		t.Run(how, func(t *testing.T) {
			leavesOut(t, st, s, out, lead, badNews, badTopics)
		})
	}
}

// leavesOut builds out and checks that the build names each bad record
// as left out and writes the rest of the hub.
func leavesOut(t *testing.T, st store.Store, s *site.Site, out string, lead *model.Record, badNews, badTopics []string) {
	stats, err := Build(context.Background(), st, s, out, BuildOptions{Options: genOptions(), Extra: []func(context.Context, *View, *Output) error{pageOfEveryArticle}})
	if err != nil {
		t.Fatalf("one bad name stopped the build: %v", err)
	}
	left := map[string]string{}
	for _, sk := range stats.Skipped {
		left[sk.Path] = sk.Reason
	}
	for _, p := range badNews {
		if left[p] == "" {
			t.Errorf("%.60s… is not named as left out: %v", p, stats.Skipped)
		}
	}
	for _, id := range badTopics {
		if left["topic "+id] == "" {
			t.Errorf("topic %.40q is not named as left out: %v", id, stats.Skipped)
		}
	}
	if len(stats.Skipped) != len(badNews)+len(badTopics) {
		t.Errorf("%d left out, want %d: %v", len(stats.Skipped), len(badNews)+len(badTopics), stats.Skipped)
	}
	key := ArticleKey(lead.Path, lead.Article.PublishedDateTime)
	for _, rel := range []string{"api/news/index.json", "api/news/" + key + "/index.json", "news/" + key + "/index.html"} {
		if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(rel))); err != nil {
			t.Errorf("the rest of the hub is not built: %v", err)
		}
	}
}
