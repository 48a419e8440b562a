package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"newshub/internal/store"
)

// Backup writes a copy of the store to the new file path with VACUUM INTO:
// one read transaction, so the copy is the store at one commit however
// much is written meanwhile, and compact (no free pages), so it is also
// how a file left large by a purge is made small again. It reads on a
// connection of its own (the readers' are query-only, which VACUUM INTO
// is refused on) and takes no lock a writer waits for: a serving hub goes
// on ingesting. path must not exist (SQLite would refuse it too, with
// a vaguer error).
func (s *Store) Backup(ctx context.Context, path string) error {
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("backup to %s: %w", path, fs.ErrExist)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("backup: %w", err)
	}
	db, err := sql.Open("sqlite", s.path+fmt.Sprintf("?_pragma=busy_timeout(%d)", s.busyMS))
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}

// Space is how the database file's pages are used.
type Space = store.Space

var _ store.Spacer = (*Store)(nil)

// Space reads the size of the database file and of its free pages, which
// deletes and rewrites leave and later writes reuse: the file does not
// shrink by itself (see Backup).
func (s *Store) Space(ctx context.Context) (Space, error) {
	var size, pages, free int64
	err := s.r.QueryRowContext(ctx, `SELECT page_size, page_count, freelist_count
		FROM pragma_page_size, pragma_page_count, pragma_freelist_count`).Scan(&size, &pages, &free)
	if err != nil {
		return Space{}, fmt.Errorf("space: %w", err)
	}
	return Space{File: size * pages, Free: size * free}, nil
}
