package postgres

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"newshub/internal/model"
	"newshub/internal/store/migration"
	"newshub/internal/store/postgres/pgtest"
)

// withStatementTimeout is dsn for a session whose statements the server
// cancels after d, as a DBA sets for a role or a database to stop runaway
// queries.
func withStatementTimeout(dsn string, d time.Duration) string {
	return fmt.Sprintf("%s&statement_timeout=%d", dsn, d.Milliseconds())
}

// TestSchemaWorkRunsPastTheStatementTimeout changes the schema from a
// session with a statement timeout shorter than the change takes (a
// migration over a large table, the indexes a dead bulk load left to
// build): it runs to its end, where it failed at every start, the store
// never opening again until the DBA lifted the timeout.
func TestSchemaWorkRunsPastTheStatementTimeout(t *testing.T) {
	const timeout = 300 * time.Millisecond
	ctx := context.Background()

	t.Run("migration", func(t *testing.T) {
		dsn := pgtest.DSN(t)
		openDSN(t, dsn).Close()
		pool, err := pgxpool.New(ctx, withStatementTimeout(dsn, timeout))
		if err != nil {
			t.Fatal(err)
		}
		defer pool.Close()
		ms, err := migration.Load(migrationFiles, "migrations/*.sql")
		if err != nil {
			t.Fatal(err)
		}
		next := ms[len(ms)-1].Version + 1
		more := append(ms[:len(ms):len(ms)], migration.Migration{Version: next, Name: "slow.sql",
			SQL: `SELECT pg_sleep(1)`}) // longer than the timeout
		if err := migrate(ctx, pool, more, defaultMigrateWait); err != nil {
			t.Fatalf("a migration longer than the session's statement timeout: %v", err)
		}
		if got := versions(t, ctx, pool); got[len(got)-1] != next {
			t.Errorf("schema_version lists %v, want %d applied", got, next)
		}
	})

	t.Run("indexes of a dead bulk load", func(t *testing.T) {
		dsn := pgtest.DSN(t)
		st := openDSN(t, dsn)
		defer st.Close()
		want := indexes(t, st)
		if err := st.Upsert(ctx, []*model.Record{bulkRecord("a")}); err != nil {
			t.Fatal(err)
		}
		for _, ix := range deferredIndexes {
			if _, err := st.pool.Exec(ctx, `DROP INDEX `+ix.name); err != nil {
				t.Fatal(err)
			}
		}
		// A writer's transaction the index build waits for, longer than
		// the timeout, as a build over a large table takes.
		holder, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer holder.Close(ctx)
		tx, err := holder.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(ctx, `LOCK TABLE records IN ROW EXCLUSIVE MODE`); err != nil {
			t.Fatal(err)
		}
		committed := make(chan struct{})
		go func() {
			defer close(committed)
			time.Sleep(3 * timeout)
			tx.Commit(ctx)
		}()
		after, err := Open(ctx, withStatementTimeout(dsn, timeout))
		<-committed // the holder's connection is the goroutine's until then
		if err != nil {
			t.Fatalf("Open building a dead load's indexes longer than the statement timeout: %v", err)
		}
		defer after.Close()
		if got := indexes(t, after); !reflect.DeepEqual(got, want) {
			t.Errorf("indexes after Open:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}

// TestScansRunPastTheStatementTimeout reads a store through scans whose
// callbacks take longer than the session's statement timeout, as curation,
// an export or a build of a large hub takes over the whole store: the
// server counts the time the reader takes over the rows as the statement's,
// and cancelled the scan ("canceling statement due to statement timeout"),
// so that curation failed on every hub larger than the timeout allowed.
func TestScansRunPastTheStatementTimeout(t *testing.T) {
	const timeout = 300 * time.Millisecond
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	w := openDSN(t, dsn)
	defer w.Close()
	// More than the sockets hold, so the server is still sending when
	// the timeout comes.
	raw := []byte(strings.Repeat("x", 200<<10))
	var recs []*model.Record
	for i := range 60 {
		recs = append(recs, &model.Record{Path: fmt.Sprintf("_news/2020-08-30-a%03d.md", i), Kind: model.KindNews, Raw: raw,
			Article: &model.Article{Title: fmt.Sprintf("Council %d", i), Topics: []string{"Election"},
				PublishedDateTime: time.Date(2020, 8, 30, 12, 0, 0, 0, time.UTC)}})
	}
	if err := w.Upsert(ctx, recs); err != nil {
		t.Fatal(err)
	}
	st := openDSN(t, withStatementTimeout(dsn, timeout))
	defer st.Close()
	slow := func(n *int) {
		if *n == 0 {
			time.Sleep(3 * timeout)
		}
		*n++
	}
	for _, tt := range []struct {
		name string
		scan func(n *int) error
	}{
		{"scan", func(n *int) error {
			return st.Scan(ctx, []model.Kind{model.KindNews}, func(*model.Record) error { slow(n); return nil })
		}},
		{"scan raw", func(n *int) error {
			return st.ScanRaw(ctx, []model.Kind{model.KindNews}, func(string, model.Kind, []byte) error { slow(n); return nil })
		}},
	} {
		var n int
		if err := tt.scan(&n); err != nil || n != len(recs) {
			t.Errorf("%s slower than the statement timeout: %d records, %v; want %d", tt.name, n, err, len(recs))
		}
	}
}
