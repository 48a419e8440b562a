package postgres

import (
	"context"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5"
)

// SetModes records the permission bits of files by path, in one
// statement. The generation stays: no page shows them. A path no record
// can have (see storablePath) is left out.
func (s *Store) SetModes(ctx context.Context, modes map[string]fs.FileMode) error {
	paths := make([]string, 0, len(modes))
	bits := make([]int32, 0, len(modes))
	for p, m := range modes {
		if storablePath(p) {
			paths, bits = append(paths, p), append(bits, int32(m.Perm()))
		}
	}
	if len(paths) == 0 {
		return nil
	}
	err := s.write(ctx, func(tx pgx.Tx, _ int64) (bool, error) {
		_, err := tx.Exec(ctx, `INSERT INTO file_modes (path, mode) SELECT * FROM unnest($1::text[], $2::integer[])
			ON CONFLICT (path) DO UPDATE SET mode = excluded.mode`, paths, bits)
		return false, err
	})
	if err != nil {
		return fmt.Errorf("set modes: %w", err)
	}
	return nil
}

// sqlDropModes and sqlMoveModes give the modes of the files at $1 to the
// paths at $2, as Move gives the records their new paths: a mode noted
// where no record was is stale.
const (
	sqlDropModes = `DELETE FROM file_modes WHERE path = ANY($1)`
	sqlMoveModes = `UPDATE file_modes f SET path = m.dst FROM unnest($1::text[], $2::text[]) AS m (src, dst) WHERE f.path = m.src`
)

// Modes returns the permission bits SetModes recorded, by path: of
// paths, or of every path when none is given.
func (s *Store) Modes(ctx context.Context, paths ...string) (map[string]fs.FileMode, error) {
	query, args := `SELECT path, mode FROM file_modes`, []any(nil)
	if len(paths) > 0 {
		keys := make([]string, 0, len(paths))
		for _, p := range paths {
			if storablePath(p) { // no other path is recorded
				keys = append(keys, p)
			}
		}
		query, args = query+` WHERE path = ANY($1)`, []any{keys}
	}
	rows, err := s.db.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("modes: %w", lost(err))
	}
	modes := map[string]fs.FileMode{}
	var (
		p    string
		mode int32
	)
	_, err = pgx.ForEachRow(rows, []any{&p, &mode}, func() error {
		modes[p] = fs.FileMode(mode).Perm()
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("modes: %w", lost(err))
	}
	return modes, nil
}
