package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"newshub/internal/model"
)

// TestALockHeldElsewhereIsNamed: a store opened, or written, while another
// connection holds the database's write lock past the wait fails saying
// that another process holds it and what to do, where it said "migrate:
// database is locked (5) (SQLITE_BUSY)" and no more.
func TestALockHeldElsewhereIsNamed(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "newshub.db")
	shortWait := func(o *options) { o.busyMS = 50 }
	st, err := Open(ctx, path, shortWait)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()

	other, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `BEGIN EXCLUSIVE`); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(ctx, `ROLLBACK`)

	rec := &model.Record{Path: "_news/2020-08-30-a.md", Kind: model.KindNews, Raw: []byte("---\ntitle: A\n---\n"),
		Article: &model.Article{Title: "A", PublishedDateTime: time.Date(2020, 8, 30, 0, 0, 0, 0, time.UTC)}}
	tests := []struct {
		name string
		do   func() error
	}{
		{"open", func() error {
			st, err := Open(ctx, path, shortWait)
			if err == nil {
				st.Close()
			}
			return err
		}},
		{"write", func() error { return st.Upsert(ctx, []*model.Record{rec}) }},
	}
	want := "sqlite store " + path + ": another process held the database locked for over 50ms"
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.do()
			if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "run this again") {
				t.Errorf("error %v, want it to hold %q and what to do", err, want)
			}
		})
	}
}
