package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"newshub/internal/store"
)

// querier is what the store's reads run their queries on: the pool, or a
// snapshot's connections.
type querier interface {
	Begin(ctx context.Context) (pgx.Tx, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

var (
	_ querier           = (*pgxpool.Pool)(nil)
	_ querier           = (*snapshot)(nil)
	_ store.Snapshotter = (*Store)(nil)
)

// errSnapshotReleased is the error of a read of a snapshot released.
var errSnapshotReleased = errors.New("snapshot released")

// snapshotTx begins each transaction of a snapshot.
var snapshotTx = pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}

// reader is a snapshot's store.HubReader, staged arrivals included: the
// store's reads, and no writes, which a snapshot cannot make.
type reader struct {
	store.HubReader
	store.StagedReader
}

// Snapshot reads the store at one snapshot, PostgreSQL's own: a
// transaction exports it (pg_export_snapshot), and every other connection
// the reads need begins a transaction that imports it (SET TRANSACTION
// SNAPSHOT), so reads in parallel, on as many connections, all see the
// generation the first one saw. The transactions are read-only and end
// when release is called.
func (s *Store) Snapshot(ctx context.Context) (store.HubReader, func(), error) {
	tx, err := s.pool.BeginTx(ctx, snapshotTx)
	if err != nil {
		return nil, nil, fmt.Errorf("snapshot: %w", lost(err))
	}
	var id string
	if err := tx.QueryRow(ctx, `SELECT pg_export_snapshot()`).Scan(&id); err != nil {
		rollback(tx)
		return nil, nil, fmt.Errorf("snapshot: %w", lost(err))
	}
	sn := &snapshot{pool: s.pool, id: id, idle: []pgx.Tx{tx}, open: []pgx.Tx{tx}}
	// No pool: nothing of the store but its reads runs on the snapshot.
	st := &Store{db: sn, space: s.space}
	return reader{st, st}, sn.release, nil
}

// snapshot hands each read one of the transactions that share the
// snapshot id, beginning another when all are busy (a read inside the
// callback of a scan, reads in parallel). A transaction a read failed on
// is ended rather than used again: its connection may be lost, or the
// transaction aborted.
type snapshot struct {
	pool *pgxpool.Pool
	id   string

	mu       sync.Mutex
	idle     []pgx.Tx
	open     []pgx.Tx // every transaction not yet ended, the idle included
	released bool
}

// take returns an idle transaction of the snapshot, or a new one.
func (sn *snapshot) take(ctx context.Context) (pgx.Tx, error) {
	sn.mu.Lock()
	if sn.released {
		sn.mu.Unlock()
		return nil, errSnapshotReleased
	}
	if n := len(sn.idle); n > 0 {
		tx := sn.idle[n-1]
		sn.idle = sn.idle[:n-1]
		sn.mu.Unlock()
		return tx, nil
	}
	sn.mu.Unlock()
	tx, err := sn.pool.BeginTx(ctx, snapshotTx)
	if err != nil {
		return nil, fmt.Errorf("snapshot: %w", lost(err))
	}
	// The id comes from the server, but is quoted all the same: SET takes
	// no parameters.
	if _, err := tx.Exec(ctx, `SET TRANSACTION SNAPSHOT '`+strings.ReplaceAll(sn.id, `'`, `''`)+`'`); err != nil {
		rollback(tx)
		return nil, fmt.Errorf("snapshot %s: %w", sn.id, lost(err))
	}
	sn.mu.Lock()
	defer sn.mu.Unlock()
	if sn.released {
		rollback(tx)
		return nil, errSnapshotReleased
	}
	sn.open = append(sn.open, tx)
	return tx, nil
}

// put gives back a transaction take returned: to use again when its read
// went well, else ended.
func (sn *snapshot) put(tx pgx.Tx, ok bool) {
	sn.mu.Lock()
	if ok && !sn.released {
		sn.idle = append(sn.idle, tx)
		sn.mu.Unlock()
		return
	}
	i := slices.Index(sn.open, tx)
	if i >= 0 {
		sn.open = slices.Delete(sn.open, i, i+1)
	}
	sn.mu.Unlock()
	if i >= 0 {
		rollback(tx)
	}
}

// release ends the snapshot's idle transactions, which gives their
// connections back to the pool; a transaction a read still holds ends when
// the read gives it back (put), since a pgx connection is not to be used
// by two goroutines at once: a rollback beside a running read panicked in
// pgx, and the connection was never given back, so closing the pool
// waited for ever (a copy stopped half way, released as its reader read).
// A read begun after release fails.
func (sn *snapshot) release() {
	sn.mu.Lock()
	idle := sn.idle
	sn.open = slices.DeleteFunc(sn.open, func(tx pgx.Tx) bool { return slices.Contains(idle, tx) })
	sn.idle, sn.released = nil, true
	sn.mu.Unlock()
	for _, tx := range idle {
		rollback(tx)
	}
}

// rollback ends a read-only transaction, within pingTimeout: the pool
// closes a connection whose transaction could not be ended, one that
// stopped answering too.
func rollback(tx pgx.Tx) {
	ctx, cancel := context.WithTimeout(context.Background(), pingTimeout)
	defer cancel()
	_ = tx.Rollback(ctx) // nothing to undo: an error only costs the connection
}

// Query runs a query in one of the snapshot's transactions, given back
// when its rows are read or closed.
func (sn *snapshot) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	tx, err := sn.take(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		sn.put(tx, false)
		return nil, err
	}
	return &snapshotRows{Rows: rows, done: func(ok bool) { sn.put(tx, ok) }}, nil
}

// QueryRow is Query for one row, the transaction given back by its Scan.
func (sn *snapshot) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	tx, err := sn.take(ctx)
	if err != nil {
		return errRow{err}
	}
	return snapshotRow{row: tx.QueryRow(ctx, sql, args...), done: func(ok bool) { sn.put(tx, ok) }}
}

// Begin begins a subtransaction (a savepoint) of one of the snapshot's
// transactions, given back when it ends.
func (sn *snapshot) Begin(ctx context.Context) (pgx.Tx, error) {
	tx, err := sn.take(ctx)
	if err != nil {
		return nil, err
	}
	sub, err := tx.Begin(ctx)
	if err != nil {
		sn.put(tx, false)
		return nil, err
	}
	return &snapshotSub{Tx: sub, done: func(ok bool) { sn.put(tx, ok) }}, nil
}

// snapshotRows gives its transaction back once, when read to the end or
// closed.
type snapshotRows struct {
	pgx.Rows
	done func(ok bool)
	once sync.Once
}

func (r *snapshotRows) Next() bool {
	if r.Rows.Next() {
		return true
	}
	r.giveBack() // pgx closed the rows
	return false
}

func (r *snapshotRows) Close() {
	r.Rows.Close()
	r.giveBack()
}

func (r *snapshotRows) giveBack() {
	r.once.Do(func() { r.done(r.Rows.Err() == nil) })
}

// snapshotRow gives its transaction back when scanned.
type snapshotRow struct {
	row  pgx.Row
	done func(ok bool)
}

func (r snapshotRow) Scan(dest ...any) error {
	err := r.row.Scan(dest...)
	r.done(err == nil || errNoRows(err))
	return err
}

// errRow is a row that could not be read.
type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

// snapshotSub gives its transaction back once, when it ends.
type snapshotSub struct {
	pgx.Tx
	done func(ok bool)
	once sync.Once
}

func (t *snapshotSub) Commit(ctx context.Context) error {
	err := t.Tx.Commit(ctx)
	t.once.Do(func() { t.done(err == nil) })
	return err
}

func (t *snapshotSub) Rollback(ctx context.Context) error {
	err := t.Tx.Rollback(ctx)
	t.once.Do(func() { t.done(err == nil) })
	return err
}
