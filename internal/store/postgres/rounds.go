package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"newshub/internal/store"
)

// AddRound logs an ingest round and drops the rounds past the newest
// store.MaxRounds, in one transaction.
func (s *Store) AddRound(ctx context.Context, r store.Round) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO ingest_rounds (started_at, summary) VALUES ($1, $2) RETURNING id`,
			r.Started.Truncate(time.Microsecond), text(string(r.Summary))).Scan(&id); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM ingest_rounds WHERE id <= $1`, id-store.MaxRounds)
		return err
	})
	if err != nil {
		return fmt.Errorf("add round: %w", lost(err))
	}
	return nil
}

// Rounds returns the newest logged rounds, newest first.
func (s *Store) Rounds(ctx context.Context, limit int) ([]store.Round, error) {
	if limit <= 0 {
		return nil, nil
	}
	rows, err := s.db.Query(ctx, `SELECT started_at, summary FROM ingest_rounds ORDER BY id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("rounds: %w", lost(err))
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.Round, error) {
		var (
			started time.Time
			summary string
		)
		err := row.Scan(&started, &summary)
		return store.Round{Started: started.UTC(), Summary: []byte(summary)}, err
	})
	if err != nil {
		return nil, fmt.Errorf("rounds: %w", lost(err))
	}
	return out, nil
}
