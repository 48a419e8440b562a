package postgres

import (
	"context"
	"errors"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/store"
	"newshub/internal/store/storetest"
)

// TestSnapshotConnections takes a snapshot, writes a generation after it
// and reads it inside a scan's callback (see storetest.SnapshotTitles): the
// snapshot holds a transaction more for that read, and release ends them
// all, after which a read says the snapshot was released.
func TestSnapshotConnections(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	defer st.Close()
	storetest.SnapshotNews(t, st, 20, "before")
	r, release, err := st.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	storetest.SnapshotNews(t, st, 20, "after")
	storetest.SnapshotTitles(t, r)
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

// TestSnapshotReleasedWhileAReadRuns releases a snapshot while a read
// holds one of its transactions, its rows half read, as a copy stopped
// half way does while its reader reads: the read goes on to its end, its
// transaction ends when its rows are closed, and no connection is left
// held, where release ended the transaction under the read (pgx panics
// when that happens in another goroutine, and the pool never closed).
func TestSnapshotReleasedWhileAReadRuns(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	defer st.Close()
	storetest.SnapshotNews(t, st, 3, "only")
	r, release, err := st.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sn := r.(reader).HubReader.(*Store).db.(*snapshot)
	rows, err := sn.Query(ctx, `SELECT generate_series(1, 1000)`)
	if err != nil {
		t.Fatal(err)
	}
	read := 0
	for rows.Next() {
		if read++; read == 1 {
			release()
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || read != 1000 {
		t.Errorf("the read the release met: %d rows of 1000, %v", read, err)
	}
	if used := st.pool.Stat().AcquiredConns(); used != 0 {
		t.Errorf("after the read, %d connections are still held", used)
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
	gen := storetest.SnapshotNews(t, st, 3, "only")
	r, release, err := st.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	storetest.SnapshotTitles(t, r) // opens a second transaction, for a read inside a scan
	// A session the client has its answer from may still report itself
	// active for a moment: the snapshot's are ended once none does.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		var active int
		err := st.pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active'`).Scan(&active)
		if err != nil {
			t.Fatal(err)
		}
		if active == 0 || time.Now().After(deadline) {
			break
		}
	}
	// Each session is waited for until it is gone (the timeout, in ms): a
	// backend told to end exports its snapshot until it exits, so a read
	// that began another transaction meanwhile imported it and read on.
	var ended int
	err = st.pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 10000)) FROM pg_stat_activity
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
