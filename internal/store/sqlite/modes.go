package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"maps"
	"slices"
)

// SetModes records the permission bits of files by path, in one
// transaction. The generation stays: no page shows them.
func (s *Store) SetModes(ctx context.Context, modes map[string]fs.FileMode) error {
	if len(modes) == 0 {
		return nil
	}
	err := s.writeTx(ctx, func(tx *sql.Tx, _ int64) (bool, error) {
		stmt, err := tx.PrepareContext(ctx, `INSERT OR REPLACE INTO file_modes (path, mode) VALUES (?, ?)`)
		if err != nil {
			return false, err
		}
		defer stmt.Close()
		for _, p := range slices.Sorted(maps.Keys(modes)) {
			if _, err := stmt.ExecContext(ctx, p, int64(modes[p].Perm())); err != nil {
				return false, fmt.Errorf("%s: %w", p, err)
			}
		}
		return false, nil
	})
	if err != nil {
		return fmt.Errorf("set modes: %w", err)
	}
	return nil
}

// sqlDropMode forgets the mode of the file at a path.
const sqlDropMode = `DELETE FROM file_modes WHERE path = ?`

// Modes returns the permission bits SetModes recorded, by path: of
// paths, or of every path when none is given.
func (s *Store) Modes(ctx context.Context, paths ...string) (map[string]fs.FileMode, error) {
	rd, done, err := s.reads()
	if err != nil {
		return nil, fmt.Errorf("modes: %w", err)
	}
	defer done()
	modes := map[string]fs.FileMode{}
	if len(paths) == 0 {
		err = readModes(ctx, rd.db, modes, `SELECT path, mode FROM file_modes`)
	}
	for part := range slices.Chunk(paths, lookupChunk) {
		list, err := hexList(part)
		if err == nil {
			err = readModes(ctx, rd.db, modes, `SELECT path, mode FROM file_modes
				WHERE path IN (SELECT CAST(unhex(value) AS TEXT) FROM json_each(?))`, list)
		}
		if err != nil {
			return nil, fmt.Errorf("modes: %w", err)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("modes: %w", err)
	}
	return modes, nil
}

// readModes adds the paths and modes query returns to modes.
func readModes(ctx context.Context, db querier, modes map[string]fs.FileMode, query string, args ...any) error {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			p    string
			mode int64
		)
		if err := rows.Scan(&p, &mode); err != nil {
			return err
		}
		modes[p] = fs.FileMode(mode).Perm()
	}
	return rows.Err()
}
