package transfer

import (
	"context"
	"testing"
	"time"

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
