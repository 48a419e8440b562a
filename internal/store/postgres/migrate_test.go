package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/text/unicode/norm"

	"newshub/internal/model"
	"newshub/internal/store"
	"newshub/internal/store/migration"
	"newshub/internal/store/postgres/pgtest"
)

// versions returns the versions schema_version lists, in order.
func versions(t *testing.T, ctx context.Context, pool *pgxpool.Pool) []int {
	t.Helper()
	rows, err := pool.Query(ctx, `SELECT version FROM schema_version ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	vs, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		t.Fatal(err)
	}
	return vs
}

// migratedPool makes a database at the schema of the embedded migrations
// and returns a pool of its own on it, closed when the test ends, the
// migrations and its address.
func migratedPool(t *testing.T) (*pgxpool.Pool, []migration.Migration, string) {
	t.Helper()
	dsn := pgtest.DSN(t)
	openDSN(t, dsn).Close()
	pool, err := pgxpool.New(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	return pool, ms, dsn
}

func tableExists(t *testing.T, ctx context.Context, pool *pgxpool.Pool, name string) bool {
	t.Helper()
	var ok bool
	if err := pool.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, name).Scan(&ok); err != nil {
		t.Fatal(err)
	}
	return ok
}

// TestMigrationInterruptedHalfwayRunsAgainCleanly ends the server session
// of a migration after its first statement ran, as a killed process or a
// lost connection would: the migration must leave no trace, the ones
// before it stay applied, and the next run applies it whole.
func TestMigrationInterruptedHalfwayRunsAgainCleanly(t *testing.T) {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	ms, err := migration.Load(migrationFiles, "migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	next := ms[len(ms)-1].Version + 1
	slow := append(ms[:len(ms):len(ms)], migration.Migration{Version: next, Name: "slow.sql",
		SQL: `CREATE TABLE half_done (x integer); INSERT INTO half_done VALUES (1); SELECT pg_sleep(60);`})

	errc := make(chan error, 1)
	go func() { errc <- migrate(ctx, pool, slow, defaultMigrateWait) }()
	admin, err := pgx.Connect(ctx, pgtest.Admin(t))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	deadline := time.Now().Add(30 * time.Second)
	for {
		var ended bool
		err := admin.QueryRow(ctx, `SELECT coalesce(bool_or(pg_terminate_backend(pid)), false) FROM pg_stat_activity
			WHERE query LIKE '%pg_sleep(60)%' AND state = 'active' AND pid <> pg_backend_pid()`).Scan(&ended)
		if err != nil {
			t.Fatal(err)
		}
		if ended {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the slow migration never started")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := <-errc; err == nil {
		t.Fatal("migrate succeeded though its session was ended")
	}
	if got := versions(t, ctx, pool); len(got) != len(ms) || got[len(got)-1] != ms[len(ms)-1].Version {
		t.Errorf("after the interruption schema_version lists %v, want the %d migrations before it", got, len(ms))
	}
	if tableExists(t, ctx, pool, "half_done") {
		t.Error("the interrupted migration left its table behind")
	}

	fixed := append(ms[:len(ms):len(ms)], migration.Migration{Version: next, Name: "slow.sql",
		SQL: `CREATE TABLE half_done (x integer); INSERT INTO half_done VALUES (1);`})
	for run := 1; run <= 2; run++ { // the second run finds nothing to do
		if err := migrate(ctx, pool, fixed, defaultMigrateWait); err != nil {
			t.Fatalf("run %d after the interruption: %v", run, err)
		}
	}
	if got := versions(t, ctx, pool); len(got) != len(fixed) || got[len(got)-1] != next {
		t.Errorf("schema_version lists %v, want %d versions up to %d", got, len(fixed), next)
	}
	var rows int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM half_done`).Scan(&rows); err != nil || rows != 1 {
		t.Errorf("half_done holds %d rows (%v), want the one row of one whole run", rows, err)
	}
}

// TestOpenAtOnceMigratesOnce opens a new database from several processes'
// worth of connections at the same time.
func TestOpenAtOnceMigratesOnce(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			st, err := Open(ctx, dsn)
			if err == nil {
				st.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Open %d: %v", i, err)
		}
	}
	st := openDSN(t, dsn)
	defer st.Close()
	ms, _ := migration.Load(migrationFiles, "migrations/*.sql")
	if got := versions(t, ctx, st.pool); len(got) != len(ms) {
		t.Errorf("schema_version lists %v, want each of the %d migrations once", got, len(ms))
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	st := openDSN(t, dsn)
	if _, err := st.pool.Exec(ctx, `INSERT INTO schema_version (version, name) VALUES (9999, 'future.sql')`); err != nil {
		t.Fatal(err)
	}
	st.Close()
	_, err := Open(ctx, dsn)
	if !errors.Is(err, store.ErrNewerSchema) || !strings.Contains(err.Error(), "newer than this program knows") {
		t.Fatalf("Open of a newer schema: %v, want a refusal saying so", err)
	}
}

// TestMigrationWaitingForABusyTableLetsReadsGoOn runs a migration that
// changes a table another session keeps open in a long transaction. The
// migration's lock request must not queue every read of the table behind
// it for as long as that session lasts (the whole hub stalled): it gives
// the request up after its lock timeout, tries again a few times, and
// fails naming the table and the session, while reads go on; once the
// session is gone it runs.
func TestMigrationWaitingForABusyTableLetsReadsGoOn(t *testing.T) {
	ctx := context.Background()
	pool, ms, dsn := migratedPool(t)
	next := ms[len(ms)-1].Version + 1
	more := append(ms[:len(ms):len(ms)], migration.Migration{Version: next, Name: "busy.sql",
		SQL: `ALTER TABLE records ADD COLUMN busy integer`})

	holder, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close(ctx)
	var holderPID int
	if err := holder.QueryRow(ctx, `SELECT pg_backend_pid()`).Scan(&holderPID); err != nil {
		t.Fatal(err)
	}
	tx, err := holder.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `SELECT count(*) FROM records`); err != nil {
		t.Fatal(err)
	}

	wait := migrateWait{lockTimeout: 300 * time.Millisecond, tries: 3, backoff: 100 * time.Millisecond}
	errc := make(chan error, 1)
	go func() { errc <- migrate(ctx, pool, more, wait) }()
	var (
		reads   int
		readErr error
		migErr  error
	)
	giveUp := time.After(time.Minute)
reading:
	for {
		select {
		case migErr = <-errc:
			break reading
		case <-giveUp:
			t.Fatal("the migration still waits for the table a minute on, every read queued behind it")
		default:
		}
		rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		var n int
		err := pool.QueryRow(rctx, `SELECT count(*) FROM records`).Scan(&n)
		cancel()
		if err != nil {
			readErr = err
			break
		}
		reads++
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("the migration: %v", migErr)
	if readErr != nil {
		t.Fatalf("a read of the table while the migration waited: %v", readErr)
	}
	if reads == 0 {
		t.Error("no read of the table went through while the migration waited")
	}
	for _, want := range []string{"busy.sql", "table records", fmt.Sprintf("session %d", holderPID)} {
		if migErr == nil || !strings.Contains(migErr.Error(), want) {
			t.Errorf("migration of a table held by a long transaction: %v, want a failure naming %q", migErr, want)
		}
	}
	if got := versions(t, ctx, pool); got[len(got)-1] != ms[len(ms)-1].Version {
		t.Errorf("schema_version lists %v after the migration gave up, want it without %d", got, next)
	}

	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := migrate(ctx, pool, more, wait); err != nil {
		t.Fatalf("the migration once the table is free: %v", err)
	}
	if got := versions(t, ctx, pool); got[len(got)-1] != next {
		t.Errorf("schema_version lists %v, want %d applied", got, next)
	}
}

// TestMigrationOfAStandbyTellsToMigrateThePrimary opens hot standbys
// with a program that knows migrations their primary lacks (one, or all:
// a server started on a replica before anything ran on the primary): the
// standby refuses the change, and the message says where to run it.
func TestMigrationOfAStandbyTellsToMigrateThePrimary(t *testing.T) {
	ctx := context.Background()
	ms, err := migration.Load(migrationFiles, "migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	more := append(ms[:len(ms):len(ms)], migration.Migration{Version: ms[len(ms)-1].Version + 1, Name: "later.sql",
		SQL: `ALTER TABLE records ADD COLUMN later integer`})
	for _, tt := range []struct {
		name     string
		migrated bool     // the primary has the migrations before later.sql
		want     []string // in the message
	}{
		{"one behind", true, []string{"later.sql", "on the primary"}},
		{"never migrated", false, []string{"on the primary"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dsn := pgtest.DSN(t)
			if tt.migrated {
				openDSN(t, dsn).Close()
			}
			pool, err := pgxpool.New(ctx, pgtest.Standby(t, dsn))
			if err != nil {
				t.Fatal(err)
			}
			defer pool.Close()
			err = migrate(ctx, pool, more, defaultMigrateWait)
			for _, want := range tt.want {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("migration of a standby: %v, want a refusal saying %q", err, want)
				}
			}
		})
	}
}

// TestMigrationIndexesCJKPairs makes the search documents of a database as
// they were before schema 18, each run of CJK text one word, and checks
// that the migration makes them as a write makes them now, runs read as
// pairs of characters, and leaves the others as they were.
func TestMigrationIndexesCJKPairs(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	st := openDSN(t, dsn)
	at := time.Date(2026, 1, 2, 12, 0, 0, 0, time.UTC)
	mk := func(path, title, provider string, topics ...string) *model.Record {
		return &model.Record{Path: path, Kind: model.KindNews, Raw: []byte("---\ntitle: " + title + "\n---\n"),
			Article: &model.Article{Title: title, Excerpt: "An excerpt.", Provider: model.Provider{Name: provider},
				PublishedDateTime: at, Topics: topics}}
	}
	withheld := mk("_news/2026-01-05-withheld.md", "東京五輪の新日程", "Wire", "Sports")
	withheld.Article.Withheld = "duplicate"
	recs := []*model.Record{
		mk("_news/2026-01-02-tokyo.md", "東京オリンピック延期が決定", "Wire", "Sports"),
		mk("_news/2026-01-03-seoul.md", "서울에서 대규모 집회", "한빛일보", "Politics"),
		mk("_news/2026-01-04-senate.md", "Senate passes the bill — at last", "Wire", "Politics"),
		withheld,
	}
	if err := st.Upsert(ctx, recs); err != nil {
		t.Fatal(err)
	}
	written := searchRows(t, ctx, st)
	// Back to schema 17: each document made of the words as they were.
	old := func(s string) string {
		words := strings.FieldsFunc(s, func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsNumber(r) && !unicode.IsMark(r)
		})
		for i, w := range words {
			words[i] = fold(w)
		}
		return strings.Join(words, " ")
	}
	for _, r := range recs {
		a := r.Article
		if _, err := st.pool.Exec(ctx, `UPDATE news_search SET doc = search_doc($2, $3, $4)
			WHERE id = (SELECT id FROM records WHERE path = $1)`, r.Path, old(a.Title), old(a.Excerpt), old(a.Provider.Name)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.pool.Exec(ctx, `UPDATE records SET search_key = NULL WHERE path = $1`, recs[2].Path); err != nil {
		t.Fatal(err) // a document of Latin text is not made again: its digest stays
	}
	// The later migrations may run again (IF NOT EXISTS).
	if _, err := st.pool.Exec(ctx, `DELETE FROM schema_version WHERE version >= 18`); err != nil {
		t.Fatal(err)
	}
	if res, err := st.Search(ctx, store.SearchQuery{Text: "東京"}); err != nil || res.Total != 0 {
		t.Fatalf("before migration, search 東京: total %d, %v; want 0, the runs being one word", res.Total, err)
	}
	st.Close()
	st = openDSN(t, dsn)
	defer st.Close()
	migrated := searchRows(t, ctx, st)
	for path, want := range written {
		got := migrated[path]
		if path == recs[2].Path {
			want.key = ""
		}
		if got != want {
			t.Errorf("after migration, %s has document %s and digest %s; want %s and %s", path, got.doc, got.key, want.doc, want.key)
		}
	}
	tests := []struct {
		q    store.SearchQuery
		want int
	}{
		{store.SearchQuery{Text: "東京"}, 2},
		{store.SearchQuery{Text: "東京", Public: true}, 1},
		{store.SearchQuery{Text: "オリンピック", Topic: "Sports"}, 1},
		{store.SearchQuery{Text: "서울"}, 1},
		{store.SearchQuery{Text: "한빛"}, 1},
		{store.SearchQuery{Text: "senate", Topic: "Politics"}, 1},
	}
	for _, tt := range tests {
		res, err := st.Search(ctx, tt.q)
		if err != nil || res.Total != tt.want || len(res.Hits) != tt.want {
			t.Errorf("after migration, search %q (topic %q, public %v): total %d, %d hits, %v; want %d",
				tt.q.Text, tt.q.Topic, tt.q.Public, res.Total, len(res.Hits), err, tt.want)
		}
	}
}

// TestMigrationComposesKorean makes the search document of Korean sent as
// its jamo as it was before schema 21, and checks that the migration makes
// it as a write makes it now, of the syllables, and leaves the documents
// without jamo as they were.
func TestMigrationComposesKorean(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	st := openDSN(t, dsn)
	at := time.Date(2026, 1, 2, 12, 0, 0, 0, time.UTC)
	mk := func(path, title string) *model.Record {
		return &model.Record{Path: path, Kind: model.KindNews, Raw: []byte("---\ntitle: " + title + "\n---\n"),
			Article: &model.Article{Title: title, Excerpt: "An excerpt.", Provider: model.Provider{Name: "Wire"}, PublishedDateTime: at}}
	}
	seoul := mk("_news/2026-01-02-seoul.md", norm.NFD.String("서울시장 선거"))
	senate := mk("_news/2026-01-03-senate.md", "Senate passes the bill")
	if err := st.Upsert(ctx, []*model.Record{seoul, senate}); err != nil {
		t.Fatal(err)
	}
	written := searchRows(t, ctx, st)
	// Back to schema 20: the jamo as they were sent; the other document
	// made of other words, which a migration that made it again would drop.
	for path, title := range map[string]string{seoul.Path: seoul.Article.Title, senate.Path: "stale"} {
		if _, err := st.pool.Exec(ctx, `UPDATE news_search SET doc = search_doc($2, '', '')
			WHERE id = (SELECT id FROM records WHERE path = $1)`, path, title); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.pool.Exec(ctx, `DELETE FROM schema_version WHERE version >= 21`); err != nil {
		t.Fatal(err)
	}
	if res, err := st.Search(ctx, store.SearchQuery{Text: "서울"}); err != nil || res.Total != 0 {
		t.Fatalf("before migration, search 서울: total %d, %v; want 0, the document holding jamo", res.Total, err)
	}
	st.Close()
	st = openDSN(t, dsn)
	defer st.Close()
	if got, want := searchRows(t, ctx, st)[seoul.Path], written[seoul.Path]; got != want {
		t.Errorf("after migration, the Korean document is %s with digest %s; want %s and %s", got.doc, got.key, want.doc, want.key)
	}
	for text, want := range map[string]int{"서울": 1, "선거": 1, "stale": 1, "senate": 0} {
		if res, err := st.Search(ctx, store.SearchQuery{Text: text}); err != nil || res.Total != want {
			t.Errorf("after migration, search %s: total %d, %v; want %d", text, res.Total, err, want)
		}
	}
}

// searchRow is a record's search document and digest, as text.
type searchRow struct{ doc, key string }

// searchRows returns the search row of every news record, by path.
func searchRows(t *testing.T, ctx context.Context, st *Store) map[string]searchRow {
	t.Helper()
	rows, err := st.pool.Query(ctx, `SELECT r.path, s.doc::text, coalesce(encode(r.search_key, 'hex'), '')
		FROM records r JOIN news_search s ON s.id = r.id`)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]searchRow{}
	var (
		path string
		row  searchRow
	)
	if _, err := pgx.ForEachRow(rows, []any{&path, &row.doc, &row.key}, func() error { m[path] = row; return nil }); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestWriteOfAnOlderProgramIsRefused deletes a record as this program
// does, once a newer one migrated the store, and as a program of before
// schema 26 did (a write lock, the change, the generation's bump, no
// schema named): the database refuses both whole, saying to upgrade,
// where they wrote rows as the schema they knew wanted them. This
// program's writes to its own schema go on.
func TestWriteOfAnOlderProgramIsRefused(t *testing.T) {
	ctx := context.Background()
	newer := newerMigrations(t)
	rec := bulkRecord("a")
	olderDelete := func(st *Store) error {
		return pgx.BeginFunc(ctx, st.pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, lockWrite); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `DELETE FROM records WHERE path = $1`, rec.Path); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `UPDATE generation SET value = value + 1 WHERE id = 1`)
			return err
		})
	}
	thisDelete := func(st *Store) error { return st.Delete(ctx, rec.Path) }
	for _, tt := range []struct {
		name    string
		migrate []migration.Migration // by a newer program, before the write
		delete  func(st *Store) error
		refused bool
	}{
		{"this program", nil, thisDelete, false},
		{"this program after a newer one migrated", newer, thisDelete, true},
		{"a program of before schema 26", nil, olderDelete, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st := openDSN(t, pgtest.DSN(t))
			defer st.Close()
			if err := st.Upsert(ctx, []*model.Record{rec}); err != nil {
				t.Fatal(err)
			}
			if tt.migrate != nil {
				if err := migrate(ctx, st.pool, tt.migrate, defaultMigrateWait); err != nil {
					t.Fatal(err)
				}
			}
			before, err := st.Generation(ctx)
			if err != nil {
				t.Fatal(err)
			}
			err = tt.delete(st)
			after, gerr := st.Generation(ctx)
			if gerr != nil {
				t.Fatal(gerr)
			}
			_, getErr := st.Get(ctx, rec.Path)
			kept := getErr == nil
			if !tt.refused {
				if err != nil || kept || after != before+1 {
					t.Errorf("delete: %v; record kept %v, generation %d to %d: want it deleted in one generation", err, kept, before, after)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), "newer than this program knows") {
				t.Errorf("delete: %v, want a refusal saying the schema is newer than the program knows", err)
			}
			if tt.migrate != nil && !errors.Is(err, store.ErrNewerSchema) {
				t.Errorf("delete: %v, want it to match store.ErrNewerSchema, as its callers stop on it", err)
			}
			if !kept || after != before {
				t.Errorf("record kept %v (%v), generation %d to %d: want nothing of the refused write stored", kept, getErr, before, after)
			}
		})
	}
}

// newerMigrations returns the migrations of a program newer than this
// one: this program's and one more, which changes nothing.
func newerMigrations(t *testing.T) []migration.Migration {
	t.Helper()
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	return append(ms[:len(ms):len(ms)], migration.Migration{Version: ms[len(ms)-1].Version + 1, Name: "newer.sql", SQL: `SELECT 1`})
}

// TestLeaseOfAnOlderProgramIsRefused leases two sources, one whose lease
// the holder has already (renewed) and one without (taken), as this
// program does, as a program of before schema 30 did (the lease statement
// alone, no schema named), and as this program does once a newer one
// migrated the store (last: the cases share a database): the database
// refuses the last two whole, saying to upgrade, where an older worker
// took sources from the current ones and fetched them to have each write
// of what it fetched refused. This program's leases go on.
func TestLeaseOfAnOlderProgramIsRefused(t *testing.T) {
	ctx := context.Background()
	st := openDSN(t, pgtest.DSN(t))
	defer st.Close()
	const holder = "worker"
	olderLease := func(names []string) error {
		rows, err := st.pool.Query(ctx, sqlLease, holder, names, time.Hour.Microseconds())
		if err != nil {
			return err
		}
		_, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	}
	thisLease := func(names []string) error {
		got, err := st.Lease(ctx, holder, time.Hour, names...)
		if err == nil && len(got) != len(names) {
			return fmt.Errorf("leased %q of %q", got, names)
		}
		return err
	}
	leases := func(names []string) string {
		t.Helper()
		rows, err := st.pool.Query(ctx, `SELECT format('%s %s %s', name, holder, expires_at) FROM leases
			WHERE name = ANY($1) ORDER BY name`, names)
		if err != nil {
			t.Fatal(err)
		}
		got, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(got, "; ")
	}
	for i, tt := range []struct {
		name    string
		migrate []migration.Migration // by a newer program, before the lease
		lease   func(names []string) error
		refused bool
	}{
		{"this program", nil, thisLease, false},
		{"a program of before schema 30", nil, olderLease, true},
		{"this program after a newer one migrated", newerMigrations(t), thisLease, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			names := []string{fmt.Sprintf("https://a.example/feed/%d", i), fmt.Sprintf("https://b.example/feed/%d", i)}
			if _, err := st.Lease(ctx, holder, time.Minute, names[0]); err != nil {
				t.Fatal(err)
			}
			if tt.migrate != nil {
				if err := migrate(ctx, st.pool, tt.migrate, defaultMigrateWait); err != nil {
					t.Fatal(err)
				}
			}
			before := leases(names)
			err := tt.lease(names)
			after := leases(names)
			if !tt.refused {
				if err != nil || strings.Count(after, holder) != len(names) || after == before {
					t.Errorf("lease: %v; leases %q before, %q after: want both held, the first renewed", err, before, after)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), "newer than this program knows") {
				t.Errorf("lease: %v, want a refusal saying the schema is newer than the program knows", err)
			}
			if tt.migrate != nil && !errors.Is(err, store.ErrNewerSchema) {
				t.Errorf("lease: %v, want it to match store.ErrNewerSchema, as its callers stop on it", err)
			}
			if after != before {
				t.Errorf("leases %q before, %q after: want none taken or renewed", before, after)
			}
		})
	}
}

// TestMigrationWaitsForAWriteInProgress starts a migration while a writer
// holds the write lock, mid-write, as an older program's ingest may when a
// newer one starts: the migration waits for the write to end, so that
// what it wrote is there for the migration to change, where before the
// migration ran beside it and the write's rows, committed after, were
// never migrated.
func TestMigrationWaitsForAWriteInProgress(t *testing.T) {
	ctx := context.Background()
	pool, ms, dsn := migratedPool(t)
	next := ms[len(ms)-1].Version + 1
	more := append(ms[:len(ms):len(ms)], migration.Migration{Version: next, Name: "next.sql", SQL: `SELECT 1`})

	writer, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Rollback(ctx)
	var writerPID int
	if err := writer.QueryRow(ctx, `SELECT pg_backend_pid() FROM (SELECT pg_advisory_xact_lock($1)) l`, lockWrite).Scan(&writerPID); err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() { errc <- migrate(ctx, pool, more, defaultMigrateWait) }()
	admin, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	for waiting := false; !waiting; {
		select {
		case err := <-errc:
			t.Fatalf("the migration ended (%v) while a write held the write lock, want it to wait for the write", err)
		case <-time.After(20 * time.Millisecond):
		}
		// The migration's session waiting for the lock the writer holds.
		err := admin.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_locks w JOIN pg_locks h
			ON h.locktype = 'advisory' AND h.objid = w.objid AND h.classid = w.classid AND h.granted AND h.pid = $1
			WHERE w.locktype = 'advisory' AND NOT w.granted)`, writerPID).Scan(&waiting)
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := versions(t, ctx, pool); got[len(got)-1] == next {
		t.Fatalf("schema_version lists %v while the write is in progress, want %d not yet applied", got, next)
	}
	if err := writer.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err != nil {
		t.Fatalf("the migration once the write ended: %v", err)
	}
	if got := versions(t, ctx, pool); got[len(got)-1] != next {
		t.Errorf("schema_version lists %v, want %d applied", got, next)
	}
}
