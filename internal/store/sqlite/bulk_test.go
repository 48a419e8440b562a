package sqlite

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"newshub/internal/model"
	"newshub/internal/store"
)

// schema lists the tables and indexes of the database with their SQL.
func schema(t *testing.T, st *Store) []string {
	t.Helper()
	rows, err := st.r.Query(`SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_master ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, strings.ReplaceAll(s, "IF NOT EXISTS ", ""))
	}
	return out
}

func journalMode(t *testing.T, st *Store) string {
	t.Helper()
	var mode string
	if err := st.w.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil {
		t.Fatal(err)
	}
	return mode
}

func bulkRecord(slug string) *model.Record {
	return &model.Record{Path: "_news/2020-08-30-" + slug + ".md", Kind: model.KindNews, Raw: []byte("---\ntitle: " + slug + "\n---\n"),
		Article: &model.Article{Title: slug, Topics: []string{"Election"}, CanonicalURL: "https://example.com/" + slug}}
}

// TestBulkLoadLeavesTheStoreAsMigrationsMakeIt checks that the indexes a
// bulk load drops come back as the migrations define them, and the
// database is back in WAL mode.
func TestBulkLoadLeavesTheStoreAsMigrationsMakeIt(t *testing.T) {
	ctx := context.Background()
	fresh, loaded := openTemp(t), openTemp(t)
	defer fresh.Close()
	defer loaded.Close()
	err := loaded.BulkLoad(ctx, func(ctx context.Context) error {
		if m := journalMode(t, loaded); m != "memory" {
			t.Errorf("journal mode during the load: %q, want memory", m)
		}
		return loaded.Upsert(ctx, []*model.Record{bulkRecord("a"), bulkRecord("b")})
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := schema(t, loaded), schema(t, fresh); !reflect.DeepEqual(got, want) {
		t.Errorf("schema after a bulk load:\n%s\nwant, as migrated:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if m := journalMode(t, loaded); m != "wal" {
		t.Errorf("journal mode after the load: %q, want wal", m)
	}
	if _, err := os.Stat(loaded.path + bulkMarkerSuffix); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the marker file is left after a load: %v", err)
	}
}

// TestBulkLoadWaitsForTheStoreToBeItsAlone checks that a store another
// connection has open is not loaded in bulk (its journal mode cannot
// change), and that a store being loaded cannot be opened.
func TestBulkLoadWaitsForTheStoreToBeItsAlone(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "hub.db")
	a, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	called := false
	err = a.BulkLoad(ctx, func(context.Context) error { called = true; return nil })
	if !errors.Is(err, store.ErrNoBulk) || called {
		t.Errorf("BulkLoad with another store open: %v, load called %v; want ErrNoBulk, not called", err, called)
	}
	b.Close()
	if err := a.Upsert(ctx, []*model.Record{bulkRecord("after")}); err != nil {
		t.Errorf("Upsert after the refused load: %v", err)
	}

	c := openTemp(t)
	defer c.Close()
	err = c.BulkLoad(ctx, func(context.Context) error {
		_, err := Open(ctx, c.path)
		if err == nil || !strings.Contains(err.Error(), "a bulk import is loading this store") {
			t.Errorf("Open during a bulk load: %v, want a refusal", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestOpenStartsAgainFromTheRemainsOfABulkLoad leaves a marker nobody
// holds beside a database, as a load killed half-way does, and checks
// that Open removes what the load left and opens an empty store.
func TestOpenStartsAgainFromTheRemainsOfABulkLoad(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "hub.db")
	st, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Upsert(ctx, []*model.Record{bulkRecord("half-loaded")}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if st.Rebuilt() {
		t.Error("a new store says it was rebuilt")
	}
	if err := os.WriteFile(path+bulkMarkerSuffix, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	st, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	counts, err := st.Count(ctx)
	if err != nil || len(counts) != 0 || !st.Rebuilt() {
		t.Errorf("store after the remains of a load: counts %v, %v, rebuilt %v; want empty and rebuilt", counts, err, st.Rebuilt())
	}
	if _, err := os.Stat(path + bulkMarkerSuffix); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the marker is still there: %v", err)
	}
}

// TestBulkLoadKeepsTextAndTopicsOfRewrittenRecords writes, in a bulk load
// and in plain upserts alike, batches that rewrite or delete records of
// the batch before, whose full-text and topic rows a bulk load writes
// after each batch commits; both stores must then find the same records by
// word and by topic. Inside the load, each write follows the derived rows
// of the batch before it: a batch's words are found once the next is in.
func TestBulkLoadKeepsTextAndTopicsOfRewrittenRecords(t *testing.T) {
	ctx := context.Background()
	batches := []struct {
		name   string
		write  []*model.Record
		delete []string
	}{
		{name: "new", write: []*model.Record{
			newsRecord("_news/a.md", "Alpha harbour", "Ports"),
			newsRecord("_news/b.md", "Beta bridge", "Roads"),
			newsRecord("_news/c.md", "Gamma canal", "Ports", "Roads"),
		}},
		{name: "rewrites", write: []*model.Record{
			newsRecord("_news/a.md", "Omega harbour", "Roads"), // new words and topics
			newsRecord("_news/d.md", "Delta dam", "Ports"),
		}, delete: []string{"_news/b.md"}},
		{name: "rewrites again", write: []*model.Record{
			newsRecord("_news/c.md", "Gamma canal", "Ports"), // same words, one topic fewer
			newsRecord("_news/d.md", "Delta weir", "Ports"),
		}},
	}
	load := func(st *Store, between func(done int)) func(ctx context.Context) error {
		return func(ctx context.Context) error {
			for i, b := range batches {
				if err := st.Upsert(ctx, b.write); err != nil {
					return fmt.Errorf("%s: %w", b.name, err)
				}
				if err := st.Delete(ctx, b.delete...); err != nil {
					return fmt.Errorf("%s: %w", b.name, err)
				}
				between(i)
			}
			return nil
		}
	}
	plain, bulk := openTemp(t), openTemp(t)
	defer plain.Close()
	defer bulk.Close()
	if err := load(plain, func(int) {})(ctx); err != nil {
		t.Fatal(err)
	}
	err := bulk.BulkLoad(ctx, load(bulk, func(done int) {
		if done != 1 {
			return
		}
		// The first batch's rows are in: the second's writes waited for them.
		res, err := bulk.Search(ctx, store.SearchQuery{Text: "gamma"})
		if err != nil || res.Total != 1 {
			t.Errorf("during the load, after the second batch: search for a word of the first: %d hits, %v; want 1", res.Total, err)
		}
	}))
	if err != nil {
		t.Fatal(err)
	}
	for _, word := range []string{"alpha", "omega", "beta", "gamma", "delta", "dam", "weir", "harbour", "canal"} {
		want, err := plain.Search(ctx, store.SearchQuery{Text: word})
		if err != nil {
			t.Fatal(err)
		}
		got, err := bulk.Search(ctx, store.SearchQuery{Text: word})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(paths(got.Hits), paths(want.Hits)) || got.Total != want.Total {
			t.Errorf("search %q: bulk-loaded %v (%d), upserted %v (%d)", word, paths(got.Hits), got.Total, paths(want.Hits), want.Total)
		}
	}
	for _, topic := range []string{"Ports", "Roads"} {
		want, err := plain.News(ctx, store.NewsQuery{Topic: topic})
		if err != nil {
			t.Fatal(err)
		}
		got, err := bulk.News(ctx, store.NewsQuery{Topic: topic})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(paths(got), paths(want)) {
			t.Errorf("topic %s: bulk-loaded %v, upserted %v", topic, paths(got), paths(want))
		}
	}
}

// TestBulkLoadFailsWhenABatchsDerivedRowsCannotBeWritten makes the topic
// rows of one batch fail to go in, after its records committed: the load
// fails, and the next Open starts the store again rather than keep
// records that search and topic pages would miss.
func TestBulkLoadFailsWhenABatchsDerivedRowsCannotBeWritten(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "hub.db")
	st, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.w.ExecContext(ctx, `CREATE TRIGGER refuse_topic BEFORE INSERT ON record_topics
		WHEN NEW.topic = 'Refused' BEGIN SELECT RAISE(ABORT, 'topic refused'); END`)
	if err != nil {
		t.Fatal(err)
	}
	err = st.BulkLoad(ctx, func(ctx context.Context) error {
		if err := st.Upsert(ctx, []*model.Record{newsRecord("_news/a.md", "Alpha", "Refused")}); err != nil {
			return err // written after the batch: not this one's error
		}
		return st.Upsert(ctx, []*model.Record{newsRecord("_news/b.md", "Beta", "Roads")})
	})
	if err == nil || !strings.Contains(err.Error(), "topic refused") {
		t.Errorf("BulkLoad: %v, want the topic rows' error", err)
	}
	st.Close()
	st, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	counts, err := st.Count(ctx)
	if err != nil || len(counts) != 0 || !st.Rebuilt() {
		t.Errorf("store after the failed load: counts %v, %v, rebuilt %v; want empty and rebuilt", counts, err, st.Rebuilt())
	}
}
