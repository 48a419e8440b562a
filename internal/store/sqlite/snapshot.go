package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"newshub/internal/store"
)

var _ store.SerialSnapshotter = (*Store)(nil)

// reader is a snapshot's store.HubReader: the store's reads, and no
// writes, which a snapshot cannot make.
type reader struct{ store.HubReader }

// SerialSnapshot reads the store at one snapshot of its write-ahead log: one
// reader connection holds a read transaction, whose first read fixes
// the commits it sees, and every read of the snapshot runs on it. SQLite
// cannot share a snapshot between connections, so reads in parallel take
// turns on the connection (statements may be open together, a read
// inside a scan's callback too). The transaction ends, and the connection
// goes back to the pool, when release is called.
//
// During a bulk load the store's reads already go through the one
// connection that writes, and nothing else writes: the snapshot is the
// store itself.
func (s *Store) SerialSnapshot(ctx context.Context) (store.HubReader, func(), error) {
	if s.rd.Load().single {
		return reader{s}, func() {}, nil
	}
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, nil, fmt.Errorf("snapshot: %w", err)
	}
	// BEGIN takes no snapshot yet: the first read does, here rather than
	// at the first read of the caller.
	var gen int64
	if err := tx.QueryRowContext(ctx, `SELECT value FROM generation WHERE id = 1`).Scan(&gen); err != nil {
		tx.Rollback()
		return nil, nil, fmt.Errorf("snapshot: %w", err)
	}
	sn := &Store{path: s.path}
	sn.rd.Store(&readers{db: tx}) // no kept statements: see readers
	// Nothing to undo: an error of the rollback leaves nothing to tell.
	return reader{sn}, func() { tx.Rollback() }, nil
}
