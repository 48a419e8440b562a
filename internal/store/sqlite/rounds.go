package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"newshub/internal/store"
)

// AddRound logs an ingest round and drops the rounds past the newest
// store.MaxRounds, in one transaction.
func (s *Store) AddRound(ctx context.Context, r store.Round) (err error) {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return fmt.Errorf("add round: %w", err)
	}
	defer s.endWrite(tx, &err)
	res, err := tx.ExecContext(ctx, `INSERT INTO ingest_rounds (started_at, summary) VALUES (?, ?)`,
		r.Started.UnixMicro(), string(r.Summary))
	if err != nil {
		return fmt.Errorf("add round: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return fmt.Errorf("add round: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM ingest_rounds WHERE id <= ?`, id-store.MaxRounds); err != nil {
		return fmt.Errorf("add round: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("add round: %w", err)
	}
	return nil
}

// Rounds returns the newest logged rounds, newest first.
func (s *Store) Rounds(ctx context.Context, limit int) ([]store.Round, error) {
	if limit <= 0 {
		return nil, nil
	}
	rd, done, err := s.reads()
	if err != nil {
		return nil, fmt.Errorf("rounds: %w", err)
	}
	defer done()
	rows, err := rd.db.QueryContext(ctx, `SELECT started_at, summary FROM ingest_rounds ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("rounds: %w", err)
	}
	defer rows.Close()
	var out []store.Round
	for rows.Next() {
		var (
			started sql.NullInt64
			summary string
		)
		if err := rows.Scan(&started, &summary); err != nil {
			return nil, fmt.Errorf("rounds: %w", err)
		}
		out = append(out, store.Round{Started: fromMicros(started), Summary: []byte(summary)})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("rounds: %w", err)
	}
	return out, nil
}
