package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"time"

	msqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrNestedRead is returned by a read or a write begun, during a bulk
// load, while the rows of a read are still open (inside the callback of a
// Scan, say): the load's reads share the writer's one connection, and the
// second use would wait for it for ever.
var ErrNestedRead = errors.New("store used inside a read during a bulk load")

// querier is what reads run their statements on: a pool of connections
// or the writer (*sql.DB), or the one transaction of a snapshot (*sql.Tx).
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

var (
	_ querier = (*sql.DB)(nil)
	_ querier = (*sql.Tx)(nil)
)

// readers is where the Store's reads go, with the statements it keeps
// prepared there: the pool of read-only connections, during a bulk load
// the writer connection (see BulkLoad), or a snapshot's transaction (see
// SerialSnapshot).
type readers struct {
	db querier

	// Statements of the hot point reads, prepared once rather than
	// parsed again on every call. A snapshot has none: a statement
	// prepared in a transaction is one SQLite statement, which two reads
	// at once cannot both run, and a snapshot's Reader offers none of
	// these reads but Get, which then runs its query anew (see getRows).
	get, byCanonical, byGUID, keysCanonical, keysGUID *sql.Stmt

	// single says db is one connection: a read must not begin while
	// another's rows are open, which open counts.
	single bool
	open   atomic.Int32
}

// newReaders prepares the kept statements on db.
func newReaders(ctx context.Context, db *sql.DB, single bool) (*readers, error) {
	rd := &readers{db: db, single: single}
	for _, p := range []struct {
		stmt **sql.Stmt
		sql  string
	}{
		{&rd.get, sqlGet},
		{&rd.byCanonical, sqlArticleBy("canonical_url")},
		{&rd.byGUID, sqlArticleBy("guid")},
		{&rd.keysCanonical, sqlKeysBy("canonical_url")},
		{&rd.keysGUID, sqlKeysBy("guid")},
	} {
		st, err := db.PrepareContext(ctx, p.sql)
		if err != nil {
			return nil, errors.Join(fmt.Errorf("prepare: %w", err), rd.close())
		}
		*p.stmt = st
	}
	return rd, nil
}

// close closes the kept statements, not db.
func (rd *readers) close() error {
	var errs []error
	for _, st := range []*sql.Stmt{rd.get, rd.byCanonical, rd.byGUID, rd.keysCanonical, rd.keysGUID} {
		if st != nil {
			errs = append(errs, st.Close())
		}
	}
	return errors.Join(errs...)
}

// sqlGet selects the record at a path.
const sqlGet = `SELECT ` + recordColumns + ` FROM records r WHERE r.path = ?`

// getRows runs the query of Get.
func (rd *readers) getRows(ctx context.Context, path string) (*sql.Rows, error) {
	if rd.get == nil {
		return rd.db.QueryContext(ctx, sqlGet, path)
	}
	return rd.get.QueryContext(ctx, path)
}

// readTx returns where a read that must see one state of the store
// throughout runs its statements: a read transaction begun, or a
// snapshot's own, and end, to call once the read is over.
func (rd *readers) readTx(ctx context.Context) (q querier, end func(), err error) {
	db, ok := rd.db.(*sql.DB)
	if !ok {
		return rd.db, func() {}, nil // a snapshot is one transaction
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, nil, err
	}
	return tx, func() { tx.Rollback() }, nil
}

// reads returns where reads go now, and done, to call once the read's
// rows are closed. On one connection it refuses a read begun while
// another's rows are open, rather than wait for ever.
func (s *Store) reads() (rd *readers, done func(), err error) {
	rd = s.rd.Load()
	if !rd.single {
		return rd, func() {}, nil
	}
	if !rd.open.CompareAndSwap(0, 1) {
		return nil, nil, ErrNestedRead
	}
	return rd, func() { rd.open.Store(0) }, nil
}

// beginWrite begins a write transaction on the writer connection. During
// a bulk load it refuses while a read's rows are open there, as reads
// does: the transaction would wait for the connection the read holds.
func (s *Store) beginWrite(ctx context.Context) (*sql.Tx, error) {
	if rd := s.rd.Load(); rd.single {
		if rd.open.Load() != 0 {
			return nil, ErrNestedRead
		}
	} else {
		s.trimLog(ctx)
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if locked(err) {
		return nil, lockedError(s.path, s.busyMS, err)
	}
	return tx, err
}

// endWrite, deferred after beginWrite, rolls back the transaction of a
// write that failed, and says so of one that failed as the disk filled:
// SQLite's own "database or disk is full" names neither the file nor
// that the write left nothing behind.
func (s *Store) endWrite(tx *sql.Tx, err *error) {
	if *err == nil {
		return
	}
	tx.Rollback()
	if e, ok := errors.AsType[*msqlite.Error](*err); ok && e.Code()&0xff == sqlite3.SQLITE_FULL {
		*err = fmt.Errorf("sqlite store %s: disk full, nothing of this write stored (free space on its disk and the next write goes on): %w", s.path, *err)
	}
}

// walLimit is the size of the write-ahead log past which the next write
// first checkpoints it whole and truncates it: twice what the automatic
// checkpoint lets it reach (1000 pages of 64 KiB). That checkpoint copies
// the log into the database and the next write starts it over from its
// beginning, but its file stays as large as one large write made it (a
// whole-store curate of 20,000 articles under serve left 172 MB for as
// long as serve ran), and it is not started over while a reader holds a
// snapshot older than its end: reads spanning every write grew it with
// every write.
const walLimit = 128 << 20

// trimRetry is how long a write goes on without trying again after
// readers kept a truncation from completing.
const trimRetry = time.Minute

// trimWaitMS is how long, in milliseconds, a truncation waits for the
// readers of older snapshots: a reader that outlasts it (a build reading
// the whole store) lets the write go on, where the busy timeout held it
// for seconds, and the write after trimRetry tries again.
const trimWaitMS = 1000

// trimLog truncates the write-ahead log when it is past s.walLimit. The
// checkpoint waits, up to trimWaitMS, for the readers of older snapshots
// to finish; new reads go on meanwhile, from the database file. A try
// that fails leaves the log as it was: the write goes on, and the next
// tries after trimRetry.
func (s *Store) trimLog(ctx context.Context) {
	if time.Now().UnixNano() < s.trimAfter.Load() {
		return
	}
	fi, err := os.Stat(s.path + "-wal")
	if err != nil || fi.Size() <= s.walLimit {
		return
	}
	if !s.checkpoint(ctx) {
		s.trimAfter.Store(time.Now().Add(trimRetry).UnixNano())
	}
}

// checkpoint copies the whole write-ahead log into the database and
// truncates it, on the writer's connection with its busy timeout cut to
// trimWaitMS for the while; it reports whether it did.
func (s *Store) checkpoint(ctx context.Context) bool {
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return false
	}
	defer conn.Close()
	// The connection is the store's one writer: it gets its timeout back
	// whatever the checkpoint did, even when the short one was set as the
	// context ended, or is closed rather than kept with the short one.
	defer func() {
		if _, err := conn.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf(`PRAGMA busy_timeout = %d`, s.busyMS)); err != nil {
			conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`PRAGMA busy_timeout = %d`, trimWaitMS)); err != nil {
		return false
	}
	var busy, frames, copied int64
	err = conn.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &frames, &copied)
	return err == nil && busy == 0
}
