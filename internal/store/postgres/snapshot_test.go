package postgres

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/store"
)

// snapshotNews writes n news records whose titles all carry label, in one
// transaction, and returns the generation it made.
func snapshotNews(t *testing.T, st *Store, n int, label string) int64 {
	t.Helper()
	ctx := context.Background()
	at := time.Date(2020, 8, 30, 12, 0, 0, 0, time.UTC)
	recs := make([]*model.Record, n)
	for i := range recs {
		recs[i] = &model.Record{Path: fmt.Sprintf("_news/2020-08-30-n%03d.md", i), Kind: model.KindNews, Raw: []byte(label),
			Article: &model.Article{Title: label, PublishedDateTime: at.Add(time.Duration(i) * time.Minute), GUID: fmt.Sprintf("tag:n%d", i)}}
	}
	if err := st.Upsert(ctx, recs); err != nil {
		t.Fatal(err)
	}
	gen, err := st.Generation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return gen
}

// titles reads the titles of the news records through every read of r that
// returns records, counting each title.
func titles(t *testing.T, r store.Reader) map[string]int {
	t.Helper()
	ctx := context.Background()
	seen := map[string]int{}
	err := r.Scan(ctx, []model.Kind{model.KindNews}, func(rec *model.Record) error {
		seen[rec.Article.Title]++
		// A read inside a scan's callback takes another connection,
		// which begins after the write: it must see the snapshot too.
		got, err := r.Get(ctx, rec.Path)
		if err != nil {
			return err
		}
		seen[got.Article.Title]++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	recs, err := r.News(ctx, store.NewsQuery{Order: store.ByTime})
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs {
		seen[rec.Article.Title]++
	}
	return seen
}

// TestSnapshotReadsOneGeneration writes a generation after a snapshot is
// taken: every read of the snapshot, on each of its connections, the ones
// begun after the write included, sees the generation before, and the
// store itself the one after. Release ends the snapshot's transactions.
func TestSnapshotReadsOneGeneration(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	defer st.Close()
	const n = 20
	before := snapshotNews(t, st, n, "before")
	r, release, err := st.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := r.(store.Store); ok {
		t.Error("a snapshot offers writes")
	}
	after := snapshotNews(t, st, n, "after")
	if gen, err := r.Generation(ctx); err != nil || gen != before {
		t.Errorf("the snapshot's generation is %d (%v), want %d", gen, err, before)
	}
	entries := 0
	err = r.ScanNews(ctx, store.NewsQuery{}, func(e store.NewsEntry) error {
		if e.Version != before {
			t.Errorf("%s: version %d in the snapshot, want %d", e.Path, e.Version, before)
		}
		entries++
		return nil
	})
	if err != nil || entries != n {
		t.Errorf("the snapshot's news index lists %d records (%v), want %d", entries, err, n)
	}
	if got, want := titles(t, r), map[string]int{"before": 3 * n}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("the snapshot reads titles %v, want %v", got, want)
	}
	if got, want := titles(t, st), map[string]int{"after": 3 * n}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("the store reads titles %v, want %v", got, want)
	}
	if gen, err := st.Generation(ctx); err != nil || gen != after {
		t.Errorf("the store's generation is %d (%v), want %d", gen, err, after)
	}
	if used := st.pool.Stat().AcquiredConns(); used < 2 {
		t.Errorf("the snapshot holds %d connections, want at least 2 (a read inside a scan)", used)
	}
	release()
	if used := st.pool.Stat().AcquiredConns(); used != 0 {
		t.Errorf("after release, %d connections are still held", used)
	}
	if _, err := r.Generation(ctx); !errors.Is(err, errSnapshotReleased) {
		t.Errorf("a read after release: %v, want %v", err, errSnapshotReleased)
	}
}

// TestSnapshotLostConnections ends the sessions of a snapshot's
// transactions from the server, as a restart or a fail-over does: its
// reads fail with the server's error, none waits, and release gives every
// connection back; the store reads on.
func TestSnapshotLostConnections(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	defer st.Close()
	gen := snapshotNews(t, st, 3, "only")
	r, release, err := st.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	titles(t, r) // opens a second transaction, for a read inside a scan
	var ended int
	err = st.pool.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'`).Scan(&ended)
	if err != nil {
		t.Fatal(err)
	}
	if ended < 2 {
		t.Fatalf("ended %d sessions, want the snapshot's, at least 2", ended)
	}
	for _, read := range []struct {
		name string
		read func() error
	}{
		{"generation", func() error { _, err := r.Generation(ctx); return err }},
		{"get", func() error { _, err := r.Get(ctx, "_news/2020-08-30-n000.md"); return err }},
		{"scan", func() error { return r.Scan(ctx, nil, func(*model.Record) error { return nil }) }},
		{"news", func() error { _, err := r.News(ctx, store.NewsQuery{}); return err }},
	} {
		if err := read.read(); err == nil {
			t.Errorf("%s: read a snapshot whose sessions ended", read.name)
		}
	}
	release()
	if used := st.pool.Stat().AcquiredConns(); used != 0 {
		t.Errorf("after release, %d connections are still held", used)
	}
	if got, err := st.Generation(ctx); err != nil || got != gen {
		t.Errorf("the store's generation after the snapshot: %d (%v), want %d", got, err, gen)
	}
}
