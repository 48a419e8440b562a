package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"newshub/internal/model"
	"newshub/internal/store"
)

// TryExclusive runs fn holding the advisory lock called name, as Exclusive
// does, when no other session holds it; else it returns false at once.
func (s *Store) TryExclusive(ctx context.Context, name string, fn func(ctx context.Context) error) (bool, error) {
	conn, err := s.tryLock(ctx, name)
	if errors.Is(err, ErrLocked) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer unlock(conn, s.space.lock(name))
	return true, holding(ctx, conn, name, fn)
}

// Stage keeps arrivals in the staged table and stores their sources'
// states, in one write transaction. The rows go in with COPY: a stage is
// what a worker does instead of a turn, and should cost little.
func (s *Store) Stage(ctx context.Context, arrivals []store.Staged, states ...store.SourceState) error {
	rows := make([][]any, 0, len(arrivals))
	for _, a := range arrivals {
		if a.Record == nil || a.Record.Kind != model.KindNews {
			return errors.New("stage: not a news record")
		}
		value, err := encodeValue(a.Record)
		if err != nil {
			return fmt.Errorf("stage: %w", err)
		}
		rows = append(rows, []any{text(a.Source), text(string(a.Record.Kind)), value})
	}
	b := &pgx.Batch{}
	if err := queueSourceStates(b, states); err != nil {
		return fmt.Errorf("stage: %w", err)
	}
	err := s.writeWithStates(ctx, b, func(tx pgx.Tx) error {
		if len(rows) == 0 {
			return nil
		}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"staged"}, []string{"source", "kind", "value"}, pgx.CopyFromRows(rows))
		return err
	})
	if err != nil {
		return fmt.Errorf("stage %d arrivals: %w", len(arrivals), err)
	}
	return nil
}

// Staged returns the staged arrivals in the order staged.
func (s *Store) Staged(ctx context.Context) ([]store.Staged, error) {
	rows, err := s.db.Query(ctx, `SELECT id, source, kind, value FROM staged ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("staged: %w", lost(err))
	}
	var (
		out          []store.Staged
		id           int64
		source, kind string
		value        []byte
	)
	_, err = pgx.ForEachRow(rows, []any{&id, &source, &kind, &value}, func() error {
		r := &model.Record{Kind: model.Kind(kind)}
		if err := decodeValue(r, value); err != nil {
			return err
		}
		out = append(out, store.Staged{ID: id, Source: source, Record: r})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("staged: %w", lost(err))
	}
	return out, nil
}

// HasStaged reports whether any arrival is staged.
func (s *Store) HasStaged(ctx context.Context) (bool, error) {
	var found bool
	if err := s.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM staged)`).Scan(&found); err != nil {
		return false, fmt.Errorf("staged: %w", lost(err))
	}
	return found, nil
}

// Unstage deletes staged arrivals and stores the states given, in one
// write transaction.
func (s *Store) Unstage(ctx context.Context, ids []int64, states ...store.SourceState) error {
	b := &pgx.Batch{}
	if err := queueSourceStates(b, states); err != nil {
		return fmt.Errorf("unstage: %w", err)
	}
	err := s.writeWithStates(ctx, b, func(tx pgx.Tx) error {
		if len(ids) == 0 {
			return nil
		}
		_, err := tx.Exec(ctx, `DELETE FROM staged WHERE id = ANY($1)`, ids)
		return err
	})
	if err != nil {
		return fmt.Errorf("unstage %d arrivals: %w", len(ids), err)
	}
	return nil
}

// writeWithStates runs first and then the source states queued on b in
// one write transaction; only the states make a new generation, since
// the staged table is not published.
func (s *Store) writeWithStates(ctx context.Context, b *pgx.Batch, first func(pgx.Tx) error) error {
	return s.write(ctx, func(tx pgx.Tx, _ int64) (bool, error) {
		if err := first(tx); err != nil {
			return false, err
		}
		if b.Len() == 0 {
			return false, nil
		}
		return true, tx.SendBatch(ctx, b).Close()
	})
}
