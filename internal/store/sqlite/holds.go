package sqlite

import (
	"context"
	"fmt"
	"time"

	"newshub/internal/store"
)

// HostHolds returns the hosts held off past now, with until when, but
// for stale holds (see store.MaxHostHold).
func (s *Store) HostHolds(ctx context.Context, now time.Time) (map[string]time.Time, error) {
	rd, done, err := s.reads()
	if err != nil {
		return nil, fmt.Errorf("host holds: %w", err)
	}
	defer done()
	rows, err := rd.db.QueryContext(ctx, `SELECT host, until FROM host_holds WHERE until > ? AND until <= ?`,
		now.UnixMicro(), now.Add(store.MaxHostHold).UnixMicro())
	if err != nil {
		return nil, fmt.Errorf("host holds: %w", err)
	}
	defer rows.Close()
	holds := map[string]time.Time{}
	for rows.Next() {
		var (
			host  string
			until int64
		)
		if err := rows.Scan(&host, &until); err != nil {
			return nil, fmt.Errorf("host holds: %w", err)
		}
		holds[host] = time.UnixMicro(until).UTC()
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("host holds: %w", err)
	}
	return holds, nil
}

// PutHostHolds records holds, each kept unless a later one is recorded
// for its host, and forgets those over by now or stale (see
// store.MaxHostHold), in one transaction, so a stale hold never wins over
// a new one. The generation stays: no page shows them.
func (s *Store) PutHostHolds(ctx context.Context, holds map[string]time.Time, now time.Time) (err error) {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return fmt.Errorf("put host holds: %w", err)
	}
	defer s.endWrite(tx, &err)
	latest := now.Add(store.MaxHostHold)
	if _, err := tx.ExecContext(ctx, `DELETE FROM host_holds WHERE until <= ? OR until > ?`, now.UnixMicro(), latest.UnixMicro()); err != nil {
		return fmt.Errorf("put host holds: %w", err)
	}
	for host, until := range holds {
		if !until.After(now) || until.After(latest) {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO host_holds (host, until) VALUES (?, ?)
			ON CONFLICT (host) DO UPDATE SET until = max(until, excluded.until)`, host, until.UnixMicro()); err != nil {
			return fmt.Errorf("put host holds: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("put host holds: %w", err)
	}
	return nil
}
