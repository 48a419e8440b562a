package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"newshub/internal/model"
)

// TestAStoreGrownByWritesIsPlannedFromItsSize starts a hub as import does
// (a bulk load of a few records that are not news, analyzed at its end),
// then grows it by ordinary writes, as the first ingest rounds do, faster
// than autovacuum would look. The key look-up of a fetched feed must then
// be planned with the canonical URL index: planned from the statistics
// the bulk load left (no news at all), it walked every news row.
func TestAStoreGrownByWritesIsPlannedFromItsSize(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	defer st.Close()
	err := st.BulkLoad(ctx, func(ctx context.Context) error {
		var recs []*model.Record
		for i := range 5 {
			recs = append(recs, &model.Record{Path: fmt.Sprintf("_data/topics/%02d.yaml", i), Kind: model.KindTopic,
				Raw: []byte(fmt.Sprintf("name: T%d\n", i)), Topic: &model.Topic{Name: fmt.Sprintf("T%d", i)}})
		}
		return st.Upsert(ctx, recs)
	})
	if err != nil {
		t.Fatal(err)
	}
	analyses := func() (n int64) {
		t.Helper()
		err := st.pool.QueryRow(ctx, `SELECT analyze_count FROM pg_stat_user_tables WHERE relname = 'records'`).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := analyses()
	const batches, per = 24, 100
	for b := range batches {
		recs := make([]*model.Record, per)
		for i := range recs {
			recs[i] = bulkRecord(fmt.Sprintf("b%02d-%03d", b, i))
		}
		if err := st.Upsert(ctx, recs); err != nil {
			t.Fatal(err)
		}
	}
	if n := analyses() - before; n < 1 || n > 4 {
		t.Errorf("%d analyses while 2,400 rows were written in %d transactions, want 1 to 4", n, batches)
	}
	var rows float64
	if err := st.pool.QueryRow(ctx, sqlAnalyzedRows).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows < 1500 {
		t.Errorf("the planner counts %.0f records after 2,405 were written, want at least 1,500", rows)
	}
	lines, err := st.pool.Query(ctx, `EXPLAIN `+sqlArticlePaths, []string{"https://example.com/b03-007", "https://example.com/none"})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := pgx.CollectRows(lines, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if p := strings.Join(plan, "\n"); !strings.Contains(p, "records_canonical_url") {
		t.Errorf("the key look-up is planned without the canonical URL index:\n%s", p)
	}
	got, err := st.ArticlePaths(ctx, []string{"https://example.com/b03-007"})
	if err != nil || got["https://example.com/b03-007"] != bulkRecord("b03-007").Path {
		t.Errorf("ArticlePaths = %v, %v", got, err)
	}
}

// TestAnalysisCoversEveryColumnButFileAndValue keeps sqlAnalyze in step
// with the migrations: a column added later and left out of it would have
// no statistics until autovacuum's first analysis of the table.
func TestAnalysisCoversEveryColumnButFileAndValue(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	defer st.Close()
	rows, err := st.pool.Query(ctx, `SELECT column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = 'records' AND column_name NOT IN ('raw', 'value')`)
	if err != nil {
		t.Fatal(err)
	}
	cols, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	listed, _, _ := strings.Cut(sqlAnalyze[strings.Index(sqlAnalyze, "records (")+len("records ("):], ")")
	for _, c := range cols {
		if !slices.Contains(strings.Fields(strings.ReplaceAll(listed, ",", " ")), c) {
			t.Errorf("column records.%s is not analyzed", c)
		}
	}
	if len(cols) < 10 {
		t.Errorf("found %d columns of records: %v", len(cols), cols)
	}
}
