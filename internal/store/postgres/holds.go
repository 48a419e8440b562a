package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"newshub/internal/store"
)

// HostHolds returns the hosts held off past now, with until when, but
// for stale holds (see store.MaxHostHold).
func (s *Store) HostHolds(ctx context.Context, now time.Time) (map[string]time.Time, error) {
	rows, err := s.db.Query(ctx, `SELECT host, until FROM host_holds WHERE until > $1 AND until <= $2`,
		now, now.Add(store.MaxHostHold))
	if err != nil {
		return nil, fmt.Errorf("host holds: %w", lost(err))
	}
	holds := map[string]time.Time{}
	var (
		host  string
		until time.Time
	)
	_, err = pgx.ForEachRow(rows, []any{&host, &until}, func() error {
		holds[host] = until.UTC()
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("host holds: %w", lost(err))
	}
	return holds, nil
}

// PutHostHolds records holds, each kept unless a later one is recorded
// for its host, and forgets those over by now or stale (see
// store.MaxHostHold), in one transaction, so a stale hold never wins over
// a new one. The generation stays: no page shows them.
func (s *Store) PutHostHolds(ctx context.Context, holds map[string]time.Time, now time.Time) error {
	stale := now.Add(store.MaxHostHold)
	// One row a host as stored: an insert may not change a row twice.
	latest := map[string]time.Time{}
	for host, until := range holds {
		if h := text(host); until.After(now) && !until.After(stale) && until.After(latest[h]) {
			latest[h] = until
		}
	}
	hosts := make([]string, 0, len(latest))
	untils := make([]time.Time, 0, len(latest))
	for host, until := range latest {
		hosts, untils = append(hosts, host), append(untils, until.Truncate(time.Microsecond))
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM host_holds WHERE until <= $1 OR until > $2`, now, stale); err != nil {
			return err
		}
		if len(hosts) == 0 {
			return nil
		}
		// In the hosts' order: workers put the same hosts at once (each
		// read the others' holds), and rows locked in a map's order
		// deadlocked one against another.
		_, err := tx.Exec(ctx, `INSERT INTO host_holds (host, until)
			SELECT h, u FROM unnest($1::text[], $2::timestamptz[]) AS t(h, u) ORDER BY h COLLATE "C"
			ON CONFLICT (host) DO UPDATE SET until = greatest(host_holds.until, excluded.until)`, hosts, untils)
		return err
	})
	if err != nil {
		return fmt.Errorf("put host holds: %w", lost(err))
	}
	return nil
}
