package transfer

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"newshub/internal/model"
	"newshub/internal/store"
	"newshub/internal/store/postgres"
	"newshub/internal/store/postgres/pgtest"
)

// TestCopyIntoPostgresOfSourcesItsCollationSortsOtherwise copies a hub
// whose sources' URLs sort one way byte by byte and another in a
// database's linguistic collation (ICU's en-US, as many servers are set
// up: capitals among small letters, punctuation ignored at first), both
// ways between SQLite and PostgreSQL.
func TestCopyIntoPostgresOfSourcesItsCollationSortsOtherwise(t *testing.T) {
	ctx := context.Background()
	urls := []string{"https://example.com/Feed.xml", "https://example.com/atom.xml",
		"https://example.com/a-b.xml", "https://example.com/aa.xml", "https://Example.org/rss"}
	from := openSQLite(t)
	if err := from.Upsert(ctx, []*model.Record{news("a", "Story A")}); err != nil {
		t.Fatal(err)
	}
	for i, u := range urls {
		st := store.SourceState{URL: u, Items: i + 1, LastFetch: time.Date(2020, 8, 30, 12, i, 0, 0, time.UTC)}
		if err := from.PutSourceState(ctx, st); err != nil {
			t.Fatal(err)
		}
	}
	pg, err := postgres.Open(ctx, pgtest.DSNWithLocale(t, "en-US"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pg.Close() })
	back := openSQLite(t)
	for _, hop := range []struct {
		name     string
		from, to store.Store
	}{{"into PostgreSQL", from, pg}, {"back into SQLite", pg, back}} {
		sum, err := Copy(ctx, hop.from, hop.to, Options{})
		if err != nil {
			t.Fatalf("copy %s: %v", hop.name, err)
		}
		if sum.Sources != len(urls) {
			t.Errorf("copy %s: %d source states, want %d", hop.name, sum.Sources, len(urls))
		}
	}
	for i, u := range urls {
		if st, err := back.SourceState(ctx, u); err != nil || st.Items != i+1 {
			t.Errorf("%s after the copies: %+v, %v; want its %d items", u, st, err, i+1)
		}
	}
}

// TestCopyIntoPostgresOfTextItCannotHold copies a SQLite hub whose source
// states hold what PostgreSQL's text cannot (a status a server sent in
// Latin-1, an ETag with a NUL): the copy keeps them as that store keeps
// such text, and both copies pass their check.
func TestCopyIntoPostgresOfTextItCannotHold(t *testing.T) {
	ctx := context.Background()
	from := openSQLite(t)
	if err := from.Upsert(ctx, []*model.Record{news("a", "Story A")}); err != nil {
		t.Fatal(err)
	}
	state := store.SourceState{URL: "https://example.com/feed.xml", ETag: "\"v1\x00\"", LastModified: "Dom, 30 Ago 2020 12:00:00 GMT",
		LastStatus: "404 N\xe3o encontrado", Errors: 2, LastFetch: time.Date(2020, 8, 30, 12, 0, 0, 0, time.UTC)}
	if err := from.PutSourceState(ctx, state); err != nil {
		t.Fatal(err)
	}
	pg := openPostgres(t)
	back := openSQLite(t)
	for _, hop := range []struct {
		name     string
		from, to store.Store
	}{{"into PostgreSQL", from, pg}, {"back into SQLite", pg, back}} {
		if _, err := Copy(ctx, hop.from, hop.to, Options{}); err != nil {
			t.Fatalf("copy %s: %v", hop.name, err)
		}
	}
	got, err := back.SourceState(ctx, state.URL)
	if err != nil {
		t.Fatal(err)
	}
	if got.LastStatus != "404 N\uFFFDo encontrado" || got.ETag != `"v1"` || got.Errors != 2 {
		t.Errorf("state after the copies: status %q, ETag %q, %d errors; want the text as PostgreSQL keeps it", got.LastStatus, got.ETag, got.Errors)
	}
}

// TestCopyStoppedHalfWayLeavesItsTargetMarked stops a copy after its
// first batch, as a kill does, both ways between SQLite and PostgreSQL:
// the half-filled target says it holds an unfinished copy, and a second
// copy into it is refused as such rather than as a store holding a hub.
func TestCopyStoppedHalfWayLeavesItsTargetMarked(t *testing.T) {
	ctx := context.Background()
	pgSource := func(t *testing.T) store.Store {
		st := openPostgres(t)
		if _, err := Copy(ctx, seeded(t, 60), st, Options{}); err != nil {
			t.Fatal(err)
		}
		return st
	}
	hops := []struct {
		name     string
		from, to func(t *testing.T) store.Store
	}{
		{"SQLite into PostgreSQL", func(t *testing.T) store.Store { return seeded(t, 60) }, func(t *testing.T) store.Store { return openPostgres(t) }},
		{"PostgreSQL into SQLite", pgSource, openSQLite},
	}
	for _, hop := range hops {
		t.Run(hop.name, func(t *testing.T) {
			from, to := hop.from(t), hop.to(t)
			stop, cancel := context.WithCancel(ctx)
			defer cancel()
			_, err := Copy(stop, from, to, Options{From: "sqlite:old.db", Batch: 25, Progress: func(int) { cancel() }})
			if err == nil {
				t.Fatal("the copy stopped after its first batch reports no error")
			}
			if counts, err := to.Count(ctx); err != nil || total(counts) == 0 || total(counts) >= 61 {
				t.Fatalf("the stopped copy left %v (%v), want some of the 61 records", counts, err)
			}
			err = CheckFinished(ctx, to)
			if !errors.Is(err, ErrUnfinished) || !strings.Contains(err.Error(), "from sqlite:old.db") {
				t.Errorf("the half-filled target: %v, want it marked as an unfinished copy from sqlite:old.db", err)
			}
			g, err := to.Generation(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := Copy(ctx, from, to, Options{}); !errors.Is(err, ErrUnfinished) {
				t.Errorf("a copy again into the half-filled target: %v, want ErrUnfinished", err)
			}
			if g2, err := to.Generation(ctx); err != nil || g2 != g {
				t.Errorf("the refused copy wrote: generation %d -> %d (%v)", g, g2, err)
			}
		})
	}
}

// TestCopyRefusesAPostgresHubReachedByAnotherAddress copies a hub into
// itself named otherwise, which its address alone does not tell, and into
// hubs that are not it: another database, another schema of its database.
func TestCopyRefusesAPostgresHubReachedByAnotherAddress(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `CREATE SCHEMA other`); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)
	localhost := *u
	localhost.Host = "localhost:" + u.Port()
	for _, tt := range []struct {
		name, to string
		want     error
	}{
		{"localhost for 127.0.0.1", localhost.String(), ErrSameStore},
		{"parameters reordered", "postgresql://" + u.User.String() + "@" + u.Host + u.Path + "?application_name=copy&" + u.RawQuery + "&connect_timeout=5", ErrSameStore},
		{"another database", pgtest.DSN(t), nil},
		{"another schema", dsn + "&search_path=other", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			from := openPostgresAt(t, dsn)
			if err := from.Upsert(ctx, []*model.Record{news("a", "Story A")}); err != nil {
				t.Fatal(err)
			}
			_, err := Copy(ctx, from, openPostgresAt(t, tt.to), Options{})
			if !errors.Is(err, tt.want) {
				t.Errorf("copy into %s: %v; want %v", tt.to, err, tt.want)
			}
		})
	}
}
