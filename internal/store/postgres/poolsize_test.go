package postgres

import (
	"context"
	"strings"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/store/postgres/pgtest"
)

// TestPoolTooSmallForTheHubIsRefused opens stores whose DSN caps the
// connections of the pool (pool_max_conns, as an operator sets to fit
// the hub's processes in max_connections). A process holds a lock on one
// connection while it scans on another and reads inside the scan: with
// fewer than that, an ingest round waited for a connection for ever.
// Open refuses such a cap, saying so; with the least it takes, a scan
// nested in a lock, with a read nested in it, runs to its end.
func TestPoolTooSmallForTheHubIsRefused(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	for _, n := range []string{"1", "2"} {
		_, err := Open(ctx, dsn+"&pool_max_conns="+n)
		if err == nil || !strings.Contains(err.Error(), "pool_max_conns="+n) {
			t.Errorf("Open with pool_max_conns=%s: %v, want a refusal naming it", n, err)
		}
	}

	st := openDSN(t, dsn+"&pool_max_conns=3")
	defer st.Close()
	rec := &model.Record{Path: "_news/2020-08-30-a.md", Kind: model.KindNews, Raw: []byte("a"),
		Article: &model.Article{Title: "Council", Topics: []string{"Election"},
			PublishedDateTime: time.Date(2020, 8, 30, 12, 0, 0, 0, time.UTC)}}
	if err := st.Upsert(ctx, []*model.Record{rec}); err != nil {
		t.Fatal(err)
	}
	// Bounded, so that a wait for a connection fails the test rather
	// than hangs it.
	wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	read := 0
	err := st.Exclusive(wctx, "curate", func(ctx context.Context) error {
		return st.Scan(ctx, []model.Kind{model.KindNews}, func(r *model.Record) error {
			_, err := st.Get(ctx, r.Path)
			read++
			return err
		})
	})
	if err != nil || read != 1 {
		t.Errorf("a read in a scan under a lock with the least pool: %v, %d records read, want 1", err, read)
	}
}
