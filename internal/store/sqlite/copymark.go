package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"newshub/internal/store"
)

// SetCopyMark marks the store as the target of a copy under way, or
// clears the mark when m is nil. The generation stays.
func (s *Store) SetCopyMark(ctx context.Context, m *store.CopyMark) (err error) {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return fmt.Errorf("set copy mark: %w", err)
	}
	defer s.endWrite(tx, &err)
	if m == nil {
		_, err = tx.ExecContext(ctx, `DELETE FROM copy_mark`)
	} else {
		_, err = tx.ExecContext(ctx, `INSERT INTO copy_mark (id, source, started) VALUES (1, ?, ?)
			ON CONFLICT (id) DO UPDATE SET source = excluded.source, started = excluded.started`, m.From, m.Started.UnixMicro())
	}
	if err != nil {
		return fmt.Errorf("set copy mark: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("set copy mark: %w", err)
	}
	return nil
}

// CopyMark returns the mark of an unfinished copy, nil when none.
func (s *Store) CopyMark(ctx context.Context) (*store.CopyMark, error) {
	rd, done, err := s.reads()
	if err != nil {
		return nil, fmt.Errorf("copy mark: %w", err)
	}
	defer done()
	var (
		m       store.CopyMark
		started int64
	)
	err = rd.db.QueryRowContext(ctx, `SELECT source, started FROM copy_mark WHERE id = 1`).Scan(&m.From, &started)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("copy mark: %w", err)
	}
	m.Started = time.UnixMicro(started).UTC()
	return &m, nil
}
