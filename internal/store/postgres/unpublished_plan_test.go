package postgres

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"newshub/internal/store"
)

// TestUnpublishedScanCanUseItsIndex: the scan of the unpublished news,
// which retention runs after every ingest round where purge_after is set,
// has a partial index to find its rows by, not only a walk through every
// record: the published leads of the archive, most of a hub run for
// years, are not read. Sequential scans are turned off so that the plan
// of a small table shows which index the query can use.
func TestUnpublishedScanCanUseItsIndex(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	conn, err := st.pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SET enable_seqscan = off`); err != nil {
		t.Fatal(err)
	}
	defer conn.Exec(ctx, `RESET enable_seqscan`)
	var args params
	from, _ := newsWhere(store.NewsQuery{Unpublished: true}, &args)
	rows, err := conn.Query(ctx, `EXPLAIN SELECT r.path`+from, args...)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if p := strings.Join(plan, "\n"); !strings.Contains(p, "records_unpublished") {
		t.Errorf("the scan of the unpublished news is planned without its index:\n%s", p)
	}
}
