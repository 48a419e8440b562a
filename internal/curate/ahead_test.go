package curate

import (
	"context"
	"fmt"
	"testing"
	"time"

	"newshub/internal/model"
)

// TestReadAheadHandsOutStoriesInTurn reads three stored stories ahead and
// checks what settling meets: the next story is handed out as the store
// holds it, another one is not (it is read as usual), a read that fails
// hands out its error, and stopping with stories left unread returns.
func TestReadAheadHandsOutStoriesInTurn(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	at := time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC)
	var recs []*model.Record
	for i := range 9 {
		a := &model.Article{Title: fmt.Sprintf("Article %d", i), Story: fmt.Sprintf("s%d", i%3), PublishedDateTime: at,
			OriginalURL: fmt.Sprintf("https://example.org/%d", i)}
		recs = append(recs, &model.Record{Path: fmt.Sprintf("_news/2025-05-01-a%d.md", i), Kind: model.KindNews, Article: a})
	}
	if err := st.Upsert(ctx, recs); err != nil {
		t.Fatal(err)
	}
	b := &batch{c: &Curator{st: st}}
	a := b.readAhead(ctx, []string{"s0", "s1", "s2"})
	if _, ok, _ := a.take("s1"); ok {
		t.Error("s1 was handed out before s0")
	}
	got, ok, err := a.take("s0")
	if !ok || err != nil || len(got) != 3 {
		t.Fatalf("s0: %d records, handed out %v, %v; want its 3", len(got), ok, err)
	}
	for _, r := range got {
		if r.Article.Story != "s0" {
			t.Errorf("s0 handed out %s of story %s", r.Path, r.Article.Story)
		}
	}
	a.stop() // s1 and s2 left: it must not wait for them to be taken
	if _, ok, _ := a.take("s1"); ok {
		t.Error("a story was handed out after the reading stopped")
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	a = b.readAhead(cancelled, []string{"s0"})
	defer a.stop()
	if _, ok, err := a.take("s0"); ok && err == nil {
		t.Error("a read with its context cancelled handed out no error")
	}
}
