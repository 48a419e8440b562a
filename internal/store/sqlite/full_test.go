package sqlite

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"newshub/internal/store"
)

// fill lets the store's file grow by no page more (PRAGMA max_page_count
// on the writer's one connection): its next writes meet SQLITE_FULL as
// on a full disk. free lifts the cap again, as space freed on the disk.
func fill(t *testing.T, st *Store) (free func()) {
	t.Helper()
	ctx := context.Background()
	var pages int64
	if err := st.w.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := st.w.ExecContext(ctx, fmt.Sprintf(`PRAGMA max_page_count = %d`, pages)); err != nil {
		t.Fatal(err)
	}
	return func() {
		if _, err := st.w.ExecContext(ctx, `PRAGMA max_page_count = 1073741823`); err != nil {
			t.Fatal(err)
		}
	}
}

// A write that meets a full disk fails naming the store's file and the
// full disk, leaves nothing of itself in the store, and the same write
// succeeds once there is space again, on the same connection.
func TestAWriteOnAFullDiskNamesTheStoreAndLeavesNothing(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name  string
		write func(st *Store) error
		count func(st *Store) (int, error)
	}{
		{"news", func(st *Store) error { return st.Upsert(ctx, newsRecords(2000)) },
			func(st *Store) (int, error) {
				recs, err := st.News(ctx, store.NewsQuery{})
				return len(recs), err
			}},
		{"round log", func(st *Store) error {
			return st.AddRound(ctx, store.Round{Started: time.Now(), Summary: []byte(`{"Note":"` + strings.Repeat("x", 1<<20) + `"}`)})
		}, func(st *Store) (int, error) {
			rounds, err := st.Rounds(ctx, 10)
			return len(rounds), err
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := openTemp(t)
			defer st.Close()
			gen, err := st.Generation(ctx)
			if err != nil {
				t.Fatal(err)
			}
			free := fill(t, st)
			err = c.write(st)
			if err == nil || !strings.Contains(err.Error(), "sqlite store "+st.path+": disk full") {
				t.Fatalf("write on a full disk: %v; want the store's file and the full disk named", err)
			}
			if n, err := c.count(st); err != nil || n != 0 {
				t.Fatalf("after the write failed: %d stored, %v; want none", n, err)
			}
			if now, err := st.Generation(ctx); err != nil || now != gen {
				t.Fatalf("generation %d, %v; want %d as before", now, err, gen)
			}
			free()
			if err := c.write(st); err != nil {
				t.Fatalf("once there is space again: %v", err)
			}
			if n, err := c.count(st); err != nil || n == 0 {
				t.Fatalf("once there is space again: %d stored, %v", n, err)
			}
		})
	}
	// Other failures are told as they were.
	st := openTemp(t)
	defer st.Close()
	bad := newsRecords(1)
	bad[0].Path = ""
	if err := st.Upsert(ctx, bad); err == nil || strings.Contains(err.Error(), "disk full") {
		t.Fatalf("a record without a path: %v", err)
	}
}
