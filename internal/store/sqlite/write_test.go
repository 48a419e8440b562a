package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/store"
)

func newsRecords(n int) []*model.Record {
	recs := make([]*model.Record, n)
	for i := range recs {
		recs[i] = &model.Record{Path: fmt.Sprintf("_news/2020-08-30-a%04d.md", i), Kind: model.KindNews,
			Raw: []byte("---\ntitle: A\n---\n"),
			Article: &model.Article{Title: fmt.Sprintf("Alpha %d", i), OriginalURL: fmt.Sprintf("https://example.com/%d", i),
				PublishedDateTime: time.Date(2020, 8, 30, 0, 0, i, 0, time.UTC), Topics: []string{"Election"}}}
	}
	return recs
}

// A batch large enough to be encoded ahead of the writer is written in
// order (a path given twice keeps its later record), and a record that
// cannot be encoded, past records already written, leaves nothing stored.
func TestUpsertLargeBatch(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	defer st.Close()

	bad := newsRecords(3000)
	bad[2100].Path = ""
	err := st.Upsert(ctx, bad)
	if err == nil || !strings.Contains(err.Error(), "without a path") {
		t.Fatalf("Upsert with a record without a path: err = %v", err)
	}
	if recs, err := st.News(ctx, store.NewsQuery{}); err != nil || len(recs) != 0 {
		t.Fatalf("after a failed batch: %d records stored, err %v; want none", len(recs), err)
	}

	recs := newsRecords(3000)
	again := *recs[5]
	again.Article = &model.Article{Title: "Later", OriginalURL: "https://example.com/later",
		PublishedDateTime: recs[5].Article.PublishedDateTime, Topics: []string{"Election"}}
	recs = append(recs, &again)
	if err := st.Upsert(ctx, recs); err != nil {
		t.Fatal(err)
	}
	stored, err := st.News(ctx, store.NewsQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != 3000 {
		t.Fatalf("%d records stored, want 3000", len(stored))
	}
	got, err := st.Get(ctx, again.Path)
	if err != nil {
		t.Fatal(err)
	}
	if got.Article.Title != "Later" {
		t.Errorf("path given twice: title %q, want the later record's", got.Article.Title)
	}
}

// TestInsertRowsSplitsAtTheParameterLimit inserts more rows than one
// statement may bind, with a limit that is not a whole number of rows:
// every row lands once, with its values in their places.
func TestInsertRowsSplitsAtTheParameterLimit(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "rows.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `CREATE TABLE t (a INTEGER, b TEXT, c TEXT)`); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ rows, limit int }{{0, 7}, {1, 7}, {2, 6}, {10, 7}, {11, 3}, {25, 32766}} {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM t`); err != nil {
			t.Fatal(err)
		}
		var args []any
		for i := range tc.rows {
			args = append(args, i, fmt.Sprint("b", i), fmt.Sprint("c", i))
		}
		if err := insertRows(ctx, tx, `INSERT INTO t (a, b, c) VALUES `, 3, tc.limit, args); err != nil {
			t.Fatalf("%d rows, limit %d: %v", tc.rows, tc.limit, err)
		}
		var n, bad int
		err = tx.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE b <> 'b' || a OR c <> 'c' || a) FROM t`).Scan(&n, &bad)
		if err != nil {
			t.Fatal(err)
		}
		if n != tc.rows || bad != 0 {
			t.Errorf("%d rows, limit %d: %d rows stored, %d out of place", tc.rows, tc.limit, n, bad)
		}
		if err := tx.Rollback(); err != nil {
			t.Fatal(err)
		}
	}
}
