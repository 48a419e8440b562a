package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"newshub/internal/store"
)

// SetCopyMark marks the store as the target of a copy under way, or
// clears the mark when m is nil. The generation stays.
func (s *Store) SetCopyMark(ctx context.Context, m *store.CopyMark) error {
	var err error
	if m == nil {
		_, err = s.pool.Exec(ctx, `DELETE FROM copy_mark`)
	} else {
		_, err = s.pool.Exec(ctx, `INSERT INTO copy_mark (id, source, started) VALUES (1, $1, $2)
			ON CONFLICT (id) DO UPDATE SET source = excluded.source, started = excluded.started`,
			text(m.From), m.Started.Truncate(time.Microsecond))
	}
	if err != nil {
		return fmt.Errorf("set copy mark: %w", err)
	}
	return nil
}

// CopyMark returns the mark of an unfinished copy, nil when none.
func (s *Store) CopyMark(ctx context.Context) (*store.CopyMark, error) {
	var m store.CopyMark
	err := s.db.QueryRow(ctx, `SELECT source, started FROM copy_mark WHERE id = 1`).Scan(&m.From, &m.Started)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("copy mark: %w", err)
	}
	m.Started = m.Started.UTC()
	return &m, nil
}
