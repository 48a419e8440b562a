package postgres

import (
	"context"
	"fmt"
	"testing"
	"time"

	"newshub/internal/model"
)

// TestStoriesReadsWhatStoryReadsForEach checks that reading several
// stories at once gives each story's records as Story gives them, in its
// order, and nothing for a story with no record; a story id PostgreSQL
// cannot hold as it is (NUL) is found as Story finds it.
func TestStoriesReadsWhatStoryReadsForEach(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	defer st.Close()
	at := time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC)
	stories := []string{"s1", "s2", "s\x00odd", "s4"}
	var recs []*model.Record
	for i := range 14 {
		id := stories[i%len(stories)]
		a := &model.Article{Title: fmt.Sprintf("Article %d", i), Story: id, Quality: i % 3, Published: i%4 == 1,
			PublishedDateTime: at.Add(time.Duration(i%5) * time.Hour), OriginalURL: fmt.Sprintf("https://example.org/%d", i)}
		recs = append(recs, &model.Record{Path: fmt.Sprintf("_news/2024-03-01-a%02d.md", i), Kind: model.KindNews,
			Raw: fmt.Appendf(nil, "raw %d", i), Article: a})
	}
	if err := st.Upsert(ctx, recs); err != nil {
		t.Fatalf("Upsert: %v", err)
	}
	ids := []string{"s4", "s1", "missing", "s\x00odd", "s2"}
	got, err := st.Stories(ctx, ids)
	if err != nil {
		t.Fatalf("Stories: %v", err)
	}
	for _, id := range ids {
		want, err := st.Story(ctx, id)
		if err != nil {
			t.Fatalf("Story(%q): %v", id, err)
		}
		if id == "missing" {
			if len(want) != 0 || got[id] != nil {
				t.Errorf("story %q: Story gave %d, Stories %d; want none", id, len(want), len(got[id]))
			}
			continue
		}
		if len(want) == 0 {
			t.Fatalf("story %q: Story found nothing: the test's records are wrong", id)
		}
		if len(got[id]) != len(want) {
			t.Errorf("story %q: Stories gave %d records, Story %d", id, len(got[id]), len(want))
			continue
		}
		for i := range want {
			g, w := got[id][i], want[i]
			if g.Path != w.Path || string(g.Raw) != string(w.Raw) || g.Version != w.Version || g.Article.Title != w.Article.Title {
				t.Errorf("story %q, record %d: Stories gave %s (%q), Story %s (%q)", id, i, g.Path, g.Raw, w.Path, w.Raw)
			}
		}
	}
	if len(got) != 4 {
		t.Errorf("Stories gave %d stories, want the 4 with records", len(got))
	}
}
