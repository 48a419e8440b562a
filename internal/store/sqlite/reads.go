package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync/atomic"
)

// ErrNestedRead is returned by a read or a write begun, during a bulk
// load, while the rows of a read are still open (inside the callback of a
// Scan, say): the load's reads share the writer's one connection, and the
// second use would wait for it for ever.
var ErrNestedRead = errors.New("store used inside a read during a bulk load")

// readers is where the Store's reads go, with the statements it keeps
// prepared there: the pool of read-only connections, or during a bulk
// load the writer connection (see BulkLoad).
type readers struct {
	db *sql.DB

	// Statements of the hot point reads, prepared once rather than
	// parsed again on every call.
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
		{&rd.get, `SELECT ` + recordColumns + ` FROM records r WHERE r.path = ?`},
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
	if rd := s.rd.Load(); rd.single && rd.open.Load() != 0 {
		return nil, ErrNestedRead
	}
	return s.w.BeginTx(ctx, nil)
}
