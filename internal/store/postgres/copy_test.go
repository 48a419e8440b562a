package postgres

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/store"
)

// copyArticle is the i-th news record of a set, its fields set by rev: a
// record written again with another rev has changed.
func copyArticle(i, rev int) *model.Record {
	at := time.Date(2026, 6, 12, 9, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute)
	url := fmt.Sprintf("https://example%d.org/news/%d", i%7, i)
	a := &model.Article{Title: fmt.Sprintf("Count %d goes on, take %d", i, rev), Excerpt: fmt.Sprintf("Ballots of ward %d.", i),
		PublishedDateTime: at, OriginalURL: url, WebURL: url, CanonicalURL: url, GUID: url, Type: "article",
		Provider: model.Provider{Name: fmt.Sprintf("Ledger %d", i%7), Domain: fmt.Sprintf("example%d.org", i%7)},
		Topics:   []string{"Election", fmt.Sprintf("Ward %d", (i+rev)%5)}, Story: fmt.Sprintf("s-%d", i/3),
		Quality: 100 + i%50, Heat: 100 + rev, Published: i%4 != 0}
	if i%9 == 0 {
		a.Withheld = model.WithheldOffTopic
	}
	rec := &model.Record{Path: fmt.Sprintf("_news/2026-06-12-count-%d.md", i), Kind: model.KindNews, Article: a}
	raw, err := rec.MarshalValue()
	if err != nil {
		panic(err)
	}
	rec.Raw = append([]byte("---\n"), raw...)
	return rec
}

// TestLargeBatchStoresWhatSmallBatchesStore writes the same records to two
// stores, to one in a batch large enough that its new records go in with
// COPY, to the other in batches too small for it, over records both hold
// already (some written again unchanged, some changed), and compares every
// row of the records and of the rows derived from them.
func TestLargeBatchStoresWhatSmallBatchesStore(t *testing.T) {
	ctx := context.Background()
	large, small := openTemp(t), openTemp(t)
	defer large.Close()
	defer small.Close()
	var before, after []*model.Record
	for i := range 100 {
		before = append(before, copyArticle(i, 0))
	}
	for i := range copyPart + copyFrom { // values encoded in more than one part
		rev := 0
		if i%2 == 1 {
			rev = 1 // a stored record changed, or a new one
		}
		after = append(after, copyArticle(i, rev))
	}
	after = append(after, &model.Record{Path: "_people/joe.md", Kind: model.KindPerson, Raw: []byte("Joe"), Person: &model.Person{Name: "Joe", Type: "person"}})
	for _, st := range []*Store{large, small} {
		if err := st.Upsert(ctx, before); err != nil {
			t.Fatal(err)
		}
	}
	if err := large.Upsert(ctx, after); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(after); i += copyFrom / 4 {
		if err := small.Upsert(ctx, after[i:min(i+copyFrom/4, len(after))]); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []string{
		`SELECT path, kind, raw, value, canonical_url, guid, story, published, published_at, heat, quality,
			archived, original_url, web_url, topics, search_key, withheld, pinned_until FROM records ORDER BY path`,
		`SELECT topic, published_at, path FROM record_topics ORDER BY topic, published_at, path`,
		`SELECT r.path, s.published_at, s.topics, s.doc::text, s.withheld FROM news_search s JOIN records r USING (id) ORDER BY r.path`,
	} {
		want, got := dump(t, small, q), dump(t, large, q)
		if len(want) < len(after)-1 {
			t.Fatalf("%d rows, want one a record at least:\n%s", len(want), q)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("the large batch stored other rows than the small ones:\n%s", q)
		}
	}
}

// A batch whose files the store renders as it writes them
// (UpsertRendering) stores what one given its files stores, in a batch
// large enough for COPY and in a small one.
func TestRenderedBatchStoresWhatAGivenOneStores(t *testing.T) {
	ctx := context.Background()
	render := func(r *model.Record) ([]byte, error) {
		raw, err := r.MarshalValue()
		return append([]byte("---\n"), raw...), err
	}
	for _, n := range []int{copyFrom / 2, copyPart + copyFrom} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			given, rendered := openTemp(t), openTemp(t)
			defer given.Close()
			defer rendered.Close()
			var withFiles, without []*model.Record
			for i := range n {
				withFiles = append(withFiles, copyArticle(i, 0))
				r := copyArticle(i, 0)
				r.Raw = nil
				without = append(without, r)
			}
			if err := given.Upsert(ctx, withFiles); err != nil {
				t.Fatal(err)
			}
			if err := rendered.UpsertRendering(ctx, without, render); err != nil {
				t.Fatal(err)
			}
			q := `SELECT path, kind, raw, value, search_key FROM records ORDER BY path`
			want, got := dump(t, given, q), dump(t, rendered, q)
			if len(want) != n {
				t.Fatalf("%d rows, want %d", len(want), n)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("the rendered batch stored other rows than the given one")
			}
			// A record changed since it was read is a conflict, as with
			// UpsertIfUnchanged.
			stale := copyArticle(0, 1)
			stale.Raw, stale.Version = nil, 12345
			if err := rendered.UpsertRendering(ctx, []*model.Record{stale}, render); !errors.Is(err, store.ErrConflict) {
				t.Errorf("UpsertRendering of a stale record = %v, want a conflict", err)
			}
		})
	}
}

// A record whose value cannot be encoded, among the rows of a COPY past
// its first part, fails the whole write: nothing of the batch is stored.
func TestLargeBatchWithAnUnwritableRecordWritesNothing(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	defer st.Close()
	var recs []*model.Record
	for i := range copyPart + 10 {
		recs = append(recs, copyArticle(i, 0))
	}
	bad := recs[copyPart+5]
	bad.Article = nil // a news record without its article: no value to store
	err := st.Upsert(ctx, recs)
	if err == nil || !strings.Contains(err.Error(), bad.Path) || !strings.Contains(err.Error(), "no value") {
		t.Fatalf("Upsert = %v, want an error naming %s and its missing value", err, bad.Path)
	}
	if rows := dump(t, st, `SELECT path FROM records`); len(rows) != 0 {
		t.Errorf("%d records stored of a batch that failed, want none", len(rows))
	}
}

// dump returns the rows a query gives, each as text.
func dump(t *testing.T, st *Store, q string) []string {
	t.Helper()
	rows, err := st.pool.Query(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		v, err := rows.Values()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%q", v))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
