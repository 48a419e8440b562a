package sqlite

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

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
		if m := journalMode(t, loaded); m != "truncate" {
			t.Errorf("journal mode during the load: %q, want truncate", m)
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

// TestBulkLoadKeepsTheWriteCache checks that the writer's page cache is
// the one the store was opened with after a bulk load, failed or not,
// where the load's end set it to the default whatever the operator had
// configured.
func TestBulkLoadKeepsTheWriteCache(t *testing.T) {
	for _, tt := range []struct {
		name string
		opts []Option
		fail bool
		want int64 // PRAGMA cache_size: negative KiB
	}{
		{"default", nil, false, -4096},
		{"64 MiB", []Option{WriteCache(64 << 20)}, false, -65536},
		{"64 MiB, the load failed", []Option{WriteCache(64 << 20)}, true, -65536},
		{"1 MiB", []Option{WriteCache(1 << 20)}, false, -1024},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			st, err := Open(ctx, filepath.Join(t.TempDir(), "newshub.db"), tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			failed := errors.New("the import's input ended")
			err = st.BulkLoad(ctx, func(ctx context.Context) error {
				if err := st.Upsert(ctx, []*model.Record{bulkRecord("a")}); err != nil || !tt.fail {
					return err
				}
				return failed
			})
			if tt.fail != errors.Is(err, failed) || !tt.fail && err != nil {
				t.Fatalf("BulkLoad: %v", err)
			}
			var got int64
			if err := st.w.QueryRow(`PRAGMA cache_size`).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("the writer's cache_size after the load = %d, want %d", got, tt.want)
			}
		})
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

// TestBulkLoadReadsThroughTheWriter checks that the reads of a bulk load
// see what it wrote, through the writer connection, and that a read or a
// write begun inside another read's callback is refused: on the one
// connection it would wait for ever (the deadline only bounds a
// regression).
func TestBulkLoadReadsThroughTheWriter(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st := openTemp(t)
	defer st.Close()
	err := st.BulkLoad(ctx, func(ctx context.Context) error {
		if rd := st.rd.Load(); rd.db != st.w {
			t.Error("reads during a bulk load do not go through the writer")
		}
		if err := st.Upsert(ctx, []*model.Record{bulkRecord("a"), bulkRecord("b")}); err != nil {
			return err
		}
		if rec, err := st.Get(ctx, bulkRecord("a").Path); err != nil || rec.Article.Title != "a" {
			t.Errorf("Get during the load: %v, %v", rec, err)
		}
		if rec, err := st.ArticleByURL(ctx, "https://example.com/b"); err != nil || rec.Path != bulkRecord("b").Path {
			t.Errorf("ArticleByURL during the load: %v, %v", rec, err)
		}
		n := 0
		err := st.ScanRaw(ctx, nil, func(path string, _ model.Kind, _ []byte) error {
			n++
			if _, err := st.Get(ctx, path); !errors.Is(err, ErrNestedRead) {
				t.Errorf("Get inside ScanRaw: %v, want ErrNestedRead", err)
			}
			if err := st.Upsert(ctx, []*model.Record{bulkRecord("c")}); !errors.Is(err, ErrNestedRead) {
				t.Errorf("Upsert inside ScanRaw: %v, want ErrNestedRead", err)
			}
			return nil
		})
		if err != nil || n != 2 {
			t.Errorf("ScanRaw during the load: %d records, %v; want 2", n, err)
		}
		// The refused calls leave the connection usable.
		return st.Upsert(ctx, []*model.Record{bulkRecord("d")})
	})
	if err != nil {
		t.Fatal(err)
	}
	if rd := st.rd.Load(); rd != st.pool {
		t.Error("reads after a bulk load do not go back to the reader pool")
	}
	counts, err := st.Count(ctx)
	if err != nil || counts[model.KindNews] != 3 {
		t.Errorf("news after the load: %v, %v; want 3", counts, err)
	}
}
