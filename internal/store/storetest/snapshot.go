package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/store"
)

// SnapshotNews writes n news records whose titles all carry label, in one
// transaction, and returns the generation it made.
func SnapshotNews(t *testing.T, st store.Store, n int, label string) int64 {
	t.Helper()
	ctx := context.Background()
	at := time.Date(2020, 8, 30, 12, 0, 0, 0, time.UTC)
	recs := make([]*model.Record, n)
	for i := range recs {
		recs[i] = &model.Record{Path: fmt.Sprintf("_news/2020-08-30-n%03d.md", i), Kind: model.KindNews, Raw: []byte(label),
			Article: &model.Article{Title: label, PublishedDateTime: at.Add(time.Duration(i) * time.Minute), GUID: fmt.Sprintf("tag:n%d", i)}}
	}
	upsert(t, st, recs...)
	gen, err := st.Generation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return gen
}

// SnapshotTitles reads the titles of the news records through every read
// of r that returns records, counting each title. It may be called from
// several goroutines at once.
func SnapshotTitles(t *testing.T, r store.Reader) map[string]int {
	t.Helper()
	ctx := context.Background()
	seen := map[string]int{}
	err := r.Scan(ctx, []model.Kind{model.KindNews}, func(rec *model.Record) error {
		seen[rec.Article.Title]++
		// A read inside a scan's callback, while the scan's rows are
		// open: it must see the snapshot too.
		got, err := r.Get(ctx, rec.Path)
		if err != nil {
			return err
		}
		seen[got.Article.Title]++
		return nil
	})
	if err != nil {
		t.Error(err)
		return nil
	}
	recs, err := r.News(ctx, store.NewsQuery{Order: store.ByTime})
	if err != nil {
		t.Error(err)
		return nil
	}
	for _, rec := range recs {
		seen[rec.Article.Title]++
	}
	return seen
}

// testSnapshot writes a generation after a snapshot is taken: every read
// of the snapshot, from several goroutines at once and inside a scan's
// callback, sees the generation before. A read after release fails, and
// the store itself reads the generation after.
func testSnapshot(t *testing.T, st store.Store) {
	var snapshot func(context.Context) (store.HubReader, func(), error)
	switch sn := st.(type) {
	case store.Snapshotter:
		snapshot = sn.Snapshot
	case store.SerialSnapshotter:
		snapshot = sn.SerialSnapshot
	default:
		t.Skip("the store offers no snapshot")
	}
	ctx := context.Background()
	const n = 20
	before := SnapshotNews(t, st, n, "before")
	r, release, err := snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if _, ok := r.(store.Store); ok {
		t.Error("a snapshot offers writes")
	}
	after := SnapshotNews(t, st, n, "after")
	if gen, err := r.Generation(ctx); err != nil || gen != before {
		t.Errorf("the snapshot's generation is %d (%v), want %d", gen, err, before)
	}
	entries := 0
	err = r.ScanNews(ctx, store.NewsQuery{}, func(e store.NewsEntry) error {
		if e.Version != before {
			t.Errorf("%s: version %d in the snapshot, want %d", e.Path, e.Version, before)
		}
		entries++
		return nil
	})
	if err != nil || entries != n {
		t.Errorf("the snapshot's news index lists %d records (%v), want %d", entries, err, n)
	}
	const readers = 4
	var wg sync.WaitGroup
	got := make([]map[string]int, readers)
	for i := range readers {
		wg.Go(func() { got[i] = SnapshotTitles(t, r) })
	}
	wg.Wait()
	want := fmt.Sprint(map[string]int{"before": 3 * n})
	for i, g := range got {
		if fmt.Sprint(g) != want {
			t.Errorf("reader %d of the snapshot reads titles %v, want %s", i, g, want)
		}
	}
	// A snapshot may hold every connection of a pool until released.
	release()
	if _, err := r.Generation(ctx); err == nil {
		t.Error("a snapshot released is read")
	}
	if got, want := SnapshotTitles(t, st), map[string]int{"after": 3 * n}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("the store reads titles %v, want %v", got, want)
	}
	if gen, err := st.Generation(ctx); err != nil || gen != after {
		t.Errorf("the store's generation is %d (%v), want %d", gen, err, after)
	}
}
