package sqlite

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/store"
)

func newsRecords(n int) []*model.Record {
	recs := make([]*model.Record, n)
	for i := range recs {
		recs[i] = &model.Record{Path: fmt.Sprintf("_news/2020-08-30-a%04d.md", i), Kind: model.KindNews,
			Raw: []byte("---\ntitle: A\n---\n"),
			Article: &model.Article{Title: fmt.Sprintf("Alpha %d", i), OriginalURL: fmt.Sprintf("https://example.com/%d", i),
				PublishedDateTime: time.Date(2020, 8, 30, 0, 0, i, 0, time.UTC), Topics: []string{"Election"}}}
	}
	return recs
}

// A batch large enough to be encoded ahead of the writer is written in
// order (a path given twice keeps its later record), and a record that
// cannot be encoded, past records already written, leaves nothing stored.
func TestUpsertLargeBatch(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	defer st.Close()

	bad := newsRecords(3000)
	bad[2100].Path = ""
	err := st.Upsert(ctx, bad)
	if err == nil || !strings.Contains(err.Error(), "without a path") {
		t.Fatalf("Upsert with a record without a path: err = %v", err)
	}
	if recs, err := st.News(ctx, store.NewsQuery{}); err != nil || len(recs) != 0 {
		t.Fatalf("after a failed batch: %d records stored, err %v; want none", len(recs), err)
	}

	recs := newsRecords(3000)
	again := *recs[5]
	again.Article = &model.Article{Title: "Later", OriginalURL: "https://example.com/later",
		PublishedDateTime: recs[5].Article.PublishedDateTime, Topics: []string{"Election"}}
	recs = append(recs, &again)
	if err := st.Upsert(ctx, recs); err != nil {
		t.Fatal(err)
	}
	stored, err := st.News(ctx, store.NewsQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != 3000 {
		t.Fatalf("%d records stored, want 3000", len(stored))
	}
	got, err := st.Get(ctx, again.Path)
	if err != nil {
		t.Fatal(err)
	}
	if got.Article.Title != "Later" {
		t.Errorf("path given twice: title %q, want the later record's", got.Article.Title)
	}
}
