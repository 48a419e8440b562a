package curate

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"newshub/internal/content"
	"newshub/internal/model"
	"newshub/internal/site"
)

// TestCurateGivesAnArticleItsOwnFeedsTopics holds curate to the topics
// ingest gave: a publisher with two feeds assigning different topics (two
// voice labels, or a politics and a sports feed) has each article carry
// those of the feed it came from, not both; an article without a listed
// feed (a record read from a file) takes those of its publisher's feeds.
func TestCurateGivesAnArticleItsOwnFeedsTopics(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	dir := t.TempDir()
	topics := []*model.Topic{
		{ID: "news", Name: "News", Order: 0},
		{ID: "democratic-voice", Name: "Democratic Voice", Parent: "News", Order: 1},
		{ID: "republican-voice", Name: "Republican Voice", Parent: "News", Order: 2},
	}
	s := site.New(&model.Config{Title: "Press", Topic: "News"}, topics, nil)
	srcs := &model.Record{Path: sourcesPath, Kind: model.KindSources, Sources: &model.Sources{Sources: []model.Source{
		{URL: "https://press.example/left.xml", Provider: "press.example", Topics: []string{"Democratic Voice"}},
		{URL: "https://press.example/right.xml", Provider: "press.example", Topics: []string{"Republican Voice"}},
	}}}
	if err := content.Render(srcs); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "_data"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "_data", "sources.yaml"), srcs.Raw, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := st.Upsert(ctx, []*model.Record{srcs}); err != nil {
		t.Fatal(err)
	}

	t0 := judgeNow.Add(-6 * time.Hour)
	left := fromFeed("Harbour bridge reopens after repairs", "https://press.example/bridge", "https://press.example/left.xml", t0)
	left.Article.Topics = []string{"Democratic Voice"} // as ingest gives them
	right := fromFeed("Orchard growers expect record apple harvest", "https://press.example/apples", "https://press.example/right.xml", t0.Add(time.Hour))
	right.Article.Topics = []string{"Republican Voice"}
	file := fresh("Museum opens a wing of maritime maps", "https://press.example/maps", "press.example", t0.Add(2*time.Hour))

	c := New(s, st, Options{Now: func() time.Time { return judgeNow }, SiteDir: dir})
	commit(t, c, left, right, file)
	if _, err := New(s, st, Options{Now: func() time.Time { return judgeNow }, SiteDir: dir}).All(ctx); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		r    *model.Record
		want []string
	}{
		{"left feed", left, []string{"News", "Democratic Voice"}},
		{"right feed", right, []string{"News", "Republican Voice"}},
		{"no feed", file, []string{"News", "Democratic Voice", "Republican Voice"}},
	} {
		if got := stored(t, st, c.r).Topics; !slices.Equal(got, c.want) {
			t.Errorf("%s: topics %q after curate, want %q", c.name, got, c.want)
		}
	}
}
