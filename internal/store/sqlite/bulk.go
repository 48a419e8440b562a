package sqlite

import (
	"context"
	"errors"
	"fmt"
	"os"

	"newshub/internal/store"
)

// A bulk load (BulkLoad) fills an empty store with a rollback journal,
// not synced, rather than a write-ahead log: every page is written once,
// where the log writes it twice and checksums it, which is most of what
// storing a large import costs. The journal is a file truncated at each
// commit (journal_mode TRUNCATE), which measured faster than one in
// memory. A failed batch still rolls back, but a crash leaves the file
// unusable; so a marker file beside the database, locked for as long as
// the load runs, says a load is under way, and Open, finding a marker
// nobody holds, starts the store again empty, as it was when the load
// began (a load begins only on a store that holds nothing).
//
// The load's reads go through the writer connection too (see readers): a
// reader connection in rollback mode finds its page cache stale after
// each commit of the writer and reads every page again, where the writer
// keeps its cache. So reads and writes of the load share one connection
// and must not overlap (ErrNestedRead).
//
// The indexes curation does not read while records arrive are dropped at
// the start and made again at the end. The full-text rows are written
// with each batch, in one statement (see upserter.flush): making them at
// the end from the stored values costs more, as each value is decoded
// again.

// bulkMarkerSuffix names the marker file: the database path and this.
const bulkMarkerSuffix = ".bulk"

// bulkCacheKiB is the writer's page cache during a bulk load: the indexes
// kept up to date during the load stay in memory.
const bulkCacheKiB = 32 << 10

// deferredIndexes are the indexes a bulk load builds after the rows, with
// their definitions (as the migrations made them). The others (path, kind,
// time, story, canonical URL, GUID) stay: curation reads through them
// while the records arrive.
var deferredIndexes = []struct{ name, sql string }{
	{"records_news_heat", `CREATE INDEX IF NOT EXISTS records_news_heat ON records (heat DESC, published_at DESC, path) WHERE kind = 'news'`},
	{"records_news_id", `CREATE INDEX IF NOT EXISTS records_news_id ON records (id, published_at) WHERE kind = 'news'`},
	{"records_news_current", `CREATE INDEX IF NOT EXISTS records_news_current ON records (published_at DESC, path) WHERE kind = 'news' AND archived = 0`},
	{"records_withheld", `CREATE INDEX IF NOT EXISTS records_withheld ON records (withheld, canonical_url, guid) WHERE kind = 'news' AND withheld IS NOT NULL`},
	{"records_unpublished", `CREATE INDEX IF NOT EXISTS records_unpublished ON records (published_at) WHERE kind = 'news' AND coalesce(published, 0) = 0`},
}

// BulkLoad implements store.BulkLoader. The store must not be used by
// other goroutines meanwhile, but through load.
func (s *Store) BulkLoad(ctx context.Context, load func(ctx context.Context) error) error {
	unlock, err := lockBulk(s.path + bulkMarkerSuffix)
	if err != nil {
		return err
	}
	empty, err := s.empty(ctx)
	switch {
	case err != nil:
		unlock(true)
		return fmt.Errorf("bulk load: %w", err)
	case !empty:
		unlock(true)
		return store.ErrNotEmpty
	}
	if err := s.beginBulk(ctx); err != nil {
		unlock(true)
		return err
	}
	bulk, err := newReaders(ctx, s.w, true)
	if err != nil {
		err = fmt.Errorf("bulk load: %w", err)
		if endErr := s.endBulk(context.WithoutCancel(ctx)); endErr != nil {
			unlock(false)
			return errors.Join(err, endErr)
		}
		unlock(true)
		return err
	}
	s.rd.Store(bulk)
	loadErr := load(ctx)
	s.rd.Store(s.pool)
	if err := bulk.close(); err != nil {
		loadErr = errors.Join(loadErr, fmt.Errorf("bulk load: %w", err))
	}
	// The store is made whole even when the load failed: what it holds is
	// kept, with its indexes.
	if err := s.endBulk(context.WithoutCancel(ctx)); err != nil {
		unlock(false) // the next Open starts the store again
		return errors.Join(loadErr, err)
	}
	unlock(true)
	return loadErr
}

// empty reports whether the store holds no records and no source states.
func (s *Store) empty(ctx context.Context) (bool, error) {
	var n int
	err := s.w.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM records) + EXISTS (SELECT 1 FROM source_states)`).Scan(&n)
	return n == 0, err
}

// beginBulk moves the journal out of the log and drops the deferred
// indexes. It
// refuses with store.ErrNoBulk when another connection (of another
// process) has the database open: the journal mode of a database in WAL
// mode changes only when one connection alone has it.
func (s *Store) beginBulk(ctx context.Context) error {
	// This store's own readers let go of the file until the load begins.
	s.r.SetMaxIdleConns(0)
	defer s.r.SetMaxIdleConns(s.readers)
	var mode string
	// With another connection, SQLite answers busy or leaves the mode.
	if err := s.w.QueryRowContext(ctx, `PRAGMA journal_mode = TRUNCATE`).Scan(&mode); err != nil {
		return fmt.Errorf("%w: another connection has %s open: %v", store.ErrNoBulk, s.path, err)
	}
	if mode != "truncate" {
		return fmt.Errorf("%w: another connection has %s open (journal mode stays %s)", store.ErrNoBulk, s.path, mode)
	}
	stmts := []string{`PRAGMA synchronous = OFF`, fmt.Sprintf(`PRAGMA cache_size = -%d`, bulkCacheKiB)}
	for _, ix := range deferredIndexes {
		stmts = append(stmts, `DROP INDEX IF EXISTS `+ix.name)
	}
	for _, q := range stmts {
		if _, err := s.w.ExecContext(ctx, q); err != nil {
			return errors.Join(fmt.Errorf("bulk load: %s: %w", q, err), s.endBulk(ctx))
		}
	}
	return nil
}

// endBulk builds what the load put off and turns write-ahead logging on
// again.
func (s *Store) endBulk(ctx context.Context) error {
	var stmts []string
	for _, ix := range deferredIndexes {
		stmts = append(stmts, ix.sql)
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("bulk load: %w", err)
	}
	defer tx.Rollback()
	for _, q := range stmts {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("bulk load: build indexes: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("bulk load: build indexes: %w", err)
	}
	return s.restoreJournal(ctx)
}

// restoreJournal turns write-ahead logging and the usual settings of the
// writer on again, and writes everything to disk.
func (s *Store) restoreJournal(ctx context.Context) error {
	s.r.SetMaxIdleConns(0) // readers in rollback mode would hold the change up
	defer s.r.SetMaxIdleConns(s.readers)
	var mode string
	if err := s.w.QueryRowContext(ctx, `PRAGMA journal_mode = WAL`).Scan(&mode); err != nil {
		return fmt.Errorf("bulk load: %w", err)
	}
	if mode != "wal" {
		return fmt.Errorf("bulk load: cannot turn write-ahead logging on again (journal mode %q)", mode)
	}
	for _, q := range []string{`PRAGMA synchronous = NORMAL`, fmt.Sprintf(`PRAGMA cache_size = -%d`, s.writeCacheKiB)} {
		if _, err := s.w.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("bulk load: %w", err)
		}
	}
	f, err := os.OpenFile(s.path, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("bulk load: %w", err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("bulk load: %w", err)
	}
	return nil
}

// recoverBulk finds the marker of a bulk load of the database at path:
// held by a running load, it refuses to open the store; left by a load that
// died, it removes the database, which holds nothing but that load's
// unfinished work, so the store starts again empty. It reports whether it
// did.
func recoverBulk(path string) (bool, error) {
	marker := path + bulkMarkerSuffix
	if _, err := os.Stat(marker); errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	unlock, err := lockBulk(marker)
	if err != nil {
		return false, err
	}
	defer unlock(true)
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		if err := os.Remove(path + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return false, fmt.Errorf("remove the remains of an interrupted bulk load: %w", err)
		}
	}
	return true, nil
}
