package postgres

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"newshub/internal/model"
	"newshub/internal/store"
	"newshub/internal/store/postgres/pgtest"
)

// indexes lists the indexes of the store's tables with their definitions.
func indexes(t *testing.T, st *Store) []string {
	t.Helper()
	rows, err := st.pool.Query(context.Background(),
		`SELECT indexname || ': ' || indexdef FROM pg_indexes WHERE schemaname = current_schema() ORDER BY indexname`)
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
		out = append(out, s)
	}
	return out
}

// searchKeys lists the foreign keys of the search rows with their
// definitions.
func searchKeys(t *testing.T, st *Store) []string {
	t.Helper()
	rows, err := st.pool.Query(context.Background(), `SELECT conname || ': ' || pg_get_constraintdef(oid)
		FROM pg_constraint WHERE conrelid = 'news_search'::regclass AND contype = 'f' ORDER BY conname`)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

func bulkRecord(slug string) *model.Record {
	return &model.Record{Path: "_news/2020-08-30-" + slug + ".md", Kind: model.KindNews, Raw: []byte("---\ntitle: " + slug + "\n---\n"),
		Article: &model.Article{Title: slug, Topics: []string{"Election", "Election"}, CanonicalURL: "https://example.com/" + slug,
			PublishedDateTime: time.Date(2020, 8, 30, 12, 0, 0, 0, time.UTC)}}
}

// TestBulkLoadLeavesTheIndexesMigrationsMake checks that the indexes and
// the search rows' key a bulk load drops come back as the migrations
// define them, a record that names a topic twice included (one topic row,
// as the unique index wants), and that the search row of a record the
// load deleted goes with it, as the key's cascade takes it.
func TestBulkLoadLeavesTheIndexesMigrationsMake(t *testing.T) {
	ctx := context.Background()
	fresh, loaded := openTemp(t), openTemp(t)
	defer fresh.Close()
	defer loaded.Close()
	err := loaded.BulkLoad(ctx, func(ctx context.Context) error {
		if n := len(indexes(t, loaded)); n != len(indexes(t, fresh))-len(deferredIndexes) {
			t.Errorf("%d indexes during the load, want all but the %d put off", n, len(deferredIndexes))
		}
		if keys := searchKeys(t, loaded); len(keys) != 0 {
			t.Errorf("search rows' keys during the load: %q, want none: checked row by row", keys)
		}
		if err := loaded.Upsert(ctx, []*model.Record{bulkRecord("a"), bulkRecord("b"), bulkRecord("c")}); err != nil {
			return err
		}
		return loaded.Delete(ctx, bulkRecord("c").Path)
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := indexes(t, loaded), indexes(t, fresh); !reflect.DeepEqual(got, want) {
		t.Errorf("indexes after a bulk load:\n%s\nwant, as migrated:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got, want := searchKeys(t, loaded), searchKeys(t, fresh); !reflect.DeepEqual(got, want) {
		t.Errorf("search rows' keys after a bulk load: %q, want, as migrated: %q", got, want)
	}
	var rows int
	if err := loaded.pool.QueryRow(ctx, `SELECT count(*) FROM news_search`).Scan(&rows); err != nil || rows != 2 {
		t.Errorf("search rows after the load: %d, %v; want 2, the deleted record's gone", rows, err)
	}
	res, err := loaded.Search(ctx, store.SearchQuery{Text: "a", Topic: "Election"})
	if err != nil || res.Total != 1 {
		t.Errorf("search after the load: %d hits, %v; want 1", res.Total, err)
	}
}

// TestOpenFinishesTheIndexesOfADeadBulkLoad leaves a store as a load that
// died leaves it (its records in, the put-off indexes missing, no load
// running) and checks that Open builds them; while a load runs, Open
// leaves them to it.
func TestOpenFinishesTheIndexesOfADeadBulkLoad(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	st := openDSN(t, dsn)
	want, wantKeys := indexes(t, st), searchKeys(t, st)
	if err := st.Upsert(ctx, []*model.Record{bulkRecord("a")}); err != nil {
		t.Fatal(err)
	}
	for _, ix := range deferredIndexes {
		if _, err := st.pool.Exec(ctx, `DROP INDEX `+ix.name); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.pool.Exec(ctx, sqlDropSearchKey); err != nil {
		t.Fatal(err)
	}
	// A load running elsewhere holds its lock: Open leaves the indexes.
	conn, err := st.pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, lockBulk); err != nil {
		t.Fatal(err)
	}
	during := openDSN(t, dsn)
	if got := len(indexes(t, during)); got != len(want)-len(deferredIndexes) {
		t.Errorf("Open during a load built indexes: %d, want %d", got, len(want)-len(deferredIndexes))
	}
	during.Close()
	unlockSession(conn, lockBulk)
	conn.Release()
	st.Close()

	after := openDSN(t, dsn)
	defer after.Close()
	if got := indexes(t, after); !reflect.DeepEqual(got, want) {
		t.Errorf("indexes after Open:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got := searchKeys(t, after); !reflect.DeepEqual(got, wantKeys) {
		t.Errorf("search rows' keys after Open: %q, want %q", got, wantKeys)
	}
}

// TestOpenAddsTheKeyOfABulkLoadDeadAfterItsIndexes checks that Open adds
// the search rows' key of a load that died between building its indexes
// and adding the key, which leaves every index there.
func TestOpenAddsTheKeyOfABulkLoadDeadAfterItsIndexes(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	st := openDSN(t, dsn)
	want := searchKeys(t, st)
	if _, err := st.pool.Exec(ctx, sqlDropSearchKey); err != nil {
		t.Fatal(err)
	}
	st.Close()
	after := openDSN(t, dsn)
	defer after.Close()
	if got := searchKeys(t, after); !reflect.DeepEqual(got, want) {
		t.Errorf("search rows' keys after Open: %q, want %q", got, want)
	}
}

// TestBulkLoadOfAStoreWhileAnotherLoadsIsRefused checks the bulk lock.
func TestBulkLoadOfAStoreWhileAnotherLoadsIsRefused(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	a, b := openDSN(t, dsn), openDSN(t, dsn)
	defer a.Close()
	defer b.Close()
	err := a.BulkLoad(ctx, func(ctx context.Context) error {
		called := false
		err := b.BulkLoad(ctx, func(context.Context) error { called = true; return nil })
		if !errors.Is(err, store.ErrNoBulk) || called {
			t.Errorf("a second BulkLoad during one: %v, called %v; want ErrNoBulk", err, called)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestOpenReadOnlyOfABulkLoadedStore opens a store whose put-off indexes
// are missing from a session that cannot build them: a hot standby of a
// store the primary is bulk loading (a standby does not see the load's
// lock either), a session whose transactions are read-only of a store
// whose load died. Open must leave the indexes to a process that can
// build them, not fail, as an API server on a replica or with a read-only
// session starts.
func TestOpenReadOnlyOfABulkLoadedStore(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name    string
		loading bool // a load holds its lock on the primary
		open    func(t *testing.T, st *Store, dsn string) string
	}{
		{"standby during a load", true, func(t *testing.T, _ *Store, dsn string) string { return pgtest.Standby(t, dsn) }},
		{"read-only session after a dead load", false, func(t *testing.T, _ *Store, dsn string) string {
			return dsn + "&default_transaction_read_only=on"
		}},
		{"role that may only read, after a dead load", false, func(t *testing.T, st *Store, dsn string) string {
			// An API server's role, as operators grant one: it may read
			// the tables and owns none, so it can build no index.
			for _, q := range []string{
				`DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'hubreader') THEN CREATE ROLE hubreader LOGIN; END IF; END $$`,
				`GRANT USAGE ON SCHEMA public TO hubreader`,
				`GRANT SELECT ON ALL TABLES IN SCHEMA public TO hubreader`,
			} {
				if _, err := st.pool.Exec(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
			return strings.Replace(dsn, "//newshub@", "//hubreader@", 1)
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dsn := pgtest.DSN(t)
			st := openDSN(t, dsn)
			defer st.Close()
			if err := st.Upsert(ctx, []*model.Record{bulkRecord("a")}); err != nil {
				t.Fatal(err)
			}
			for _, ix := range deferredIndexes {
				if _, err := st.pool.Exec(ctx, `DROP INDEX `+ix.name); err != nil {
					t.Fatal(err)
				}
			}
			if tt.loading {
				conn, err := st.pool.Acquire(ctx)
				if err != nil {
					t.Fatal(err)
				}
				defer conn.Release()
				if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, lockBulk); err != nil {
					t.Fatal(err)
				}
			}
			reader, err := Open(ctx, tt.open(t, st, dsn))
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer reader.Close()
			if counts, err := reader.Count(ctx); err != nil || counts[model.KindNews] != 1 {
				t.Errorf("the reader counts %v (%v), want the one news record", counts, err)
			}
		})
	}
}

// TestAWriteToAStandbySaysToWriteOnThePrimary: a session whose
// transactions are read-only, as every one of a standby is, opens the
// store, but each write it tries (a record stored, a source leased, as an
// ingest round begins) is refused saying where writes run, not only
// PostgreSQL's words for the statement.
func TestAWriteToAStandbySaysToWriteOnThePrimary(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	openDSN(t, dsn).Close()
	reader, err := Open(ctx, dsn+"&default_transaction_read_only=on")
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer reader.Close()
	for _, tt := range []struct {
		name  string
		write func() error
	}{
		{"upsert", func() error { return reader.Upsert(ctx, []*model.Record{bulkRecord("a")}) }},
		{"lease", func() error {
			_, err := reader.Lease(ctx, "worker-1", time.Minute, "https://example.org/feed.xml")
			return err
		}},
	} {
		err := tt.write()
		if err == nil || !strings.Contains(err.Error(), "runs against the primary") || !strings.Contains(err.Error(), "read-only") {
			t.Errorf("%s on a read-only session: %v, want a refusal saying to write on the primary", tt.name, err)
		}
	}
}
