package postgres

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"newshub/internal/model"
	"newshub/internal/store/postgres/pgtest"
)

// TestWriteWaitingForALockedTableFailsNamingIt writes while another
// session (a psql left in a transaction after LOCK TABLE, a schema change
// by hand) holds a table the write needs. The write must give up after its
// lock timeout, naming the table and the session, rather than wait as
// long as that session lasts with every other writer of the hub queued
// behind its write lock; and nothing of it may be left stored.
func TestWriteWaitingForALockedTableFailsNamingIt(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	st := openDSN(t, dsn)
	defer st.Close()
	st.lockTimeout = 300 * time.Millisecond
	rec := func(slug string) *model.Record {
		return &model.Record{Path: "_news/2020-08-30-" + slug + ".md", Kind: model.KindNews, Raw: []byte(slug),
			Article: &model.Article{Title: "Council " + slug, Topics: []string{"Election"},
				PublishedDateTime: time.Date(2020, 8, 30, 12, 0, 0, 0, time.UTC)}}
	}

	for _, table := range []string{"records", "news_search", "generation"} {
		t.Run(table, func(t *testing.T) {
			holder, err := pgx.Connect(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer holder.Close(ctx)
			var pid int
			if err := holder.QueryRow(ctx, `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
				t.Fatal(err)
			}
			tx, err := holder.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tx.Exec(ctx, `LOCK TABLE `+table+` IN SHARE MODE`); err != nil {
				t.Fatal(err)
			}
			time.Sleep(2 * st.lockTimeout) // older than the wait, as holders asks

			// Bounded, so that a write waiting for ever fails the test
			// rather than hangs it.
			wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
			defer cancel()
			err = st.Upsert(wctx, []*model.Record{rec("held-" + table)})
			t.Logf("the write: %v", err)
			for _, want := range []string{"table " + table, fmt.Sprintf("session %d", pid), "pg_terminate_backend"} {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("write to a held table: %v, want a failure naming %q", err, want)
				}
			}
			if wctx.Err() != nil {
				t.Errorf("the write waited until its caller gave up: %v", wctx.Err())
			}

			if err := tx.Commit(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := st.Get(ctx, rec("held-"+table).Path); err == nil {
				t.Errorf("the failed write of %s left its record stored", table)
			}
			if err := st.Upsert(ctx, []*model.Record{rec("free-" + table)}); err != nil {
				t.Fatalf("the write once the table is free: %v", err)
			}
		})
	}
}
