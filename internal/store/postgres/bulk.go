package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"newshub/internal/store"
)

// A bulk load (BulkLoad) fills an empty store on one connection of its
// own, which holds the write lock from start to end: other writers wait,
// readers see each batch as it commits. New records go in with COPY, and
// the indexes curation does not read while records arrive, the full-text
// index among them, are dropped at the start and built once at the end,
// which costs a fraction of keeping them up to date row by row. So is the
// foreign key of the search rows: checked row by row, it locked each
// record (SELECT ... FOR KEY SHARE), which cost more than the rest of
// writing the row; added at the end, it is checked in one join.
//
// Every batch commits whole, its derived rows with it, so a load that dies
// leaves a sound store that lacks only the dropped indexes and key: the
// next Open that finds them missing, while no load runs, builds them again.

// lockBulk is held, for a session, by the connection of a running load.
const lockBulk int64 = 0x6e657773_00000003

// deferredIndexes are the indexes a bulk load builds after the rows, as
// the migrations define them. The others (path, kind, time, story,
// canonical URL, GUID, the primary keys) stay: curation reads through them
// while the records arrive, and the writes through the primary keys.
var deferredIndexes = []struct{ name, sql string }{
	{"records_news_topics", `CREATE INDEX IF NOT EXISTS records_news_topics ON records USING gin (topics) WHERE kind = 'news'`},
	{"record_topics_key", `CREATE UNIQUE INDEX IF NOT EXISTS record_topics_key ON record_topics (topic, published_at DESC, path);
		ALTER TABLE record_topics REPLICA IDENTITY USING INDEX record_topics_key`}, // as 0016_replica_identity.sql has it
	{"news_search_doc", `CREATE INDEX IF NOT EXISTS news_search_doc ON news_search USING gin (doc, topics)`},
	{"records_news_current", `CREATE INDEX IF NOT EXISTS records_news_current ON records (published_at DESC, path) WHERE kind = 'news' AND NOT archived`},
	{"records_withheld", `CREATE INDEX IF NOT EXISTS records_withheld ON records (withheld, canonical_url, guid) WHERE kind = 'news' AND withheld IS NOT NULL`},
	{"records_unpublished", `CREATE INDEX IF NOT EXISTS records_unpublished ON records (published_at) WHERE kind = 'news' AND NOT coalesce(published, false)`},
}

// searchKey is the foreign key a bulk load adds after the rows, as
// 0001_init.sql names it. The search rows of records deleted while it was
// away go first, as its ON DELETE CASCADE would have taken them.
const (
	searchKey        = "news_search_id_fkey"
	sqlDropSearchKey = `ALTER TABLE news_search DROP CONSTRAINT IF EXISTS news_search_id_fkey`
	sqlAddSearchKey  = `DELETE FROM news_search s WHERE NOT EXISTS (SELECT 1 FROM records r WHERE r.id = s.id);
		ALTER TABLE news_search ADD CONSTRAINT news_search_id_fkey FOREIGN KEY (id) REFERENCES records (id) ON DELETE CASCADE`
	sqlHasSearchKey = `SELECT count(*) FROM pg_constraint WHERE conrelid = 'news_search'::regclass AND conname = $1`
)

// BulkLoad implements store.BulkLoader. Writes of the store go through the
// load's connection until it returns.
func (s *Store) BulkLoad(ctx context.Context, load func(ctx context.Context) error) (err error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("bulk load: %w", lost(err))
	}
	defer conn.Release()
	var ok bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, s.space.bulk).Scan(&ok); err != nil {
		return fmt.Errorf("bulk load: %w", lost(err))
	}
	if !ok {
		return fmt.Errorf("%w: another bulk load of this store is running", store.ErrNoBulk)
	}
	// Session locks outlive a failed statement: dropped with the session
	// when the connection cannot be trusted.
	defer unlockSession(conn, s.space.bulk)
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, s.space.write); err != nil {
		return fmt.Errorf("bulk load: %w", lost(err))
	}
	defer unlockSession(conn, s.space.write)

	var nonEmpty bool
	err = conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM records) OR EXISTS (SELECT 1 FROM source_states)`).Scan(&nonEmpty)
	if err != nil {
		return fmt.Errorf("bulk load: %w", lost(err))
	}
	if nonEmpty {
		return store.ErrNotEmpty
	}
	// A batch lost to a crash of the server is loaded again by the next
	// import: no need to wait for each commit to reach the disk.
	if _, err := conn.Exec(ctx, `SET synchronous_commit = off`); err != nil {
		return fmt.Errorf("bulk load: %w", lost(err))
	}
	defer conn.Exec(context.Background(), `RESET synchronous_commit`)
	err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		for _, ix := range deferredIndexes {
			if _, err := tx.Exec(ctx, `DROP INDEX IF EXISTS `+ix.name); err != nil {
				return err
			}
		}
		_, err := tx.Exec(ctx, sqlDropSearchKey)
		return err
	})
	if err != nil {
		return fmt.Errorf("bulk load: drop indexes and key: %w", lost(err))
	}
	s.bulk.Store(conn)
	loadErr := load(ctx)
	s.bulk.Store(nil)
	// The indexes are built even when the load failed: what it wrote is
	// kept.
	if err := buildDeferred(context.WithoutCancel(ctx), conn.Conn()); err != nil {
		return errors.Join(loadErr, err)
	}
	s.analyzed(ctx)
	return loadErr
}

// unlockSession releases a session-level advisory lock, or closes the
// connection (which releases it) when that fails.
func unlockSession(conn *pgxpool.Conn, key int64) error {
	if _, err := conn.Exec(context.Background(), `SELECT pg_advisory_unlock($1)`, key); err != nil {
		conn.Conn().Close(context.Background())
		return err
	}
	return nil
}

// buildDeferred builds the indexes and adds the key a bulk load dropped,
// and makes the planner's statistics of the tables it filled.
func buildDeferred(ctx context.Context, conn *pgx.Conn) error {
	// No statement timeout, which the DBA may set for the role: a build
	// over a large table would fail, and with it every Open after.
	if _, err := conn.Exec(ctx, `SET maintenance_work_mem = '256MB'; SET statement_timeout = 0`); err != nil {
		return fmt.Errorf("bulk load: %w", lost(err))
	}
	for _, ix := range deferredIndexes {
		if _, err := conn.Exec(ctx, ix.sql); err != nil {
			return fmt.Errorf("bulk load: build index %s: %w", ix.name, lost(err))
		}
	}
	var keys int
	if err := conn.QueryRow(ctx, sqlHasSearchKey, searchKey).Scan(&keys); err != nil {
		return fmt.Errorf("bulk load: %w", lost(err))
	}
	if keys == 0 {
		if _, err := conn.Exec(ctx, sqlAddSearchKey); err != nil {
			return fmt.Errorf("bulk load: add key %s: %w", searchKey, lost(err))
		}
	}
	// The whole tables, with the server's own sample: an analysis that
	// names columns would leave autovacuum to analyze them all again.
	if _, err := conn.Exec(ctx, `ANALYZE records, record_topics, news_search`); err != nil {
		return fmt.Errorf("bulk load: %w", lost(err))
	}
	_, err := conn.Exec(ctx, `RESET maintenance_work_mem; RESET statement_timeout`)
	return err
}

// completeBulk builds the indexes and key a bulk load that died dropped,
// unless a load is running: Open calls it, so the next use of the store
// after such a crash finds it whole.
func completeBulk(ctx context.Context, pool *pgxpool.Pool, sp space) error {
	names := make([]string, len(deferredIndexes))
	for i, ix := range deferredIndexes {
		names[i] = ix.name
	}
	var present, keys int
	err := pool.QueryRow(ctx, `SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexname = ANY($1)`,
		names).Scan(&present)
	if err == nil {
		err = pool.QueryRow(ctx, sqlHasSearchKey, searchKey).Scan(&keys)
	}
	if err != nil || present == len(names) && keys == 1 {
		return err
	}
	// A read-only session can build no index, and a standby sees none
	// of the primary's advisory locks: the load, or the next Open that
	// may write, builds them.
	if ro, err := readOnly(ctx, pool); err != nil || ro {
		return err
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	var ok bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, sp.bulk).Scan(&ok); err != nil || !ok {
		return err // a load is running: it builds them
	}
	defer unlockSession(conn, sp.bulk)
	err = buildDeferred(ctx, conn.Conn())
	if pgErr := (*pgconn.PgError)(nil); errors.As(err, &pgErr) && pgErr.Code == "42501" {
		// A role that may read and owns no table (an API server's, as
		// operators grant one) can build no index: the next Open of a
		// role that owns them does.
		slog.Warn("an interrupted bulk load's indexes are left to the tables' owner", "err", err)
		return nil
	}
	return err
}
