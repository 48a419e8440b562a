package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"newshub/internal/model"
	"newshub/internal/store"
	"newshub/internal/store/migration"
)

// Schema changes are numbered files, NNNN_what.sql, applied in order; the
// database records the versions it has in schema_version. Each runs in a
// transaction of its own with its version row, so a migration interrupted
// half-way (a killed process, a lost connection) leaves no trace and the
// next Open runs it again; the ones before it stay applied. A migration
// must therefore not use statements that cannot run in a transaction (such
// as CREATE INDEX CONCURRENTLY).
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// Advisory lock keys of a hub in the public schema (see space). Advisory
// locks are the database's, so every process of a hub that takes one takes
// the same.
const (
	lockMigrate int64 = 0x6e657773_00000001 // "news", 1: schema changes
	lockWrite   int64 = 0x6e657773_00000002 // every write transaction
)

// migrateWait bounds how long a migration waits for the locks of the
// tables it changes. A schema change waits for every transaction that has
// read the table, and every query of the table queues behind its request:
// a session that holds a long transaction open would stall the whole hub
// for as long. A migration gives up its request after lockTimeout, lets
// the queries go on, and tries again after backoff (doubling), tries times
// in all before it fails naming the tables and the sessions holding them.
type migrateWait struct {
	lockTimeout time.Duration
	tries       int
	backoff     time.Duration
}

// defaultMigrateWait stalls a busy hub's queries for at most 2 s at a
// time, and gives the sessions in the way about half a minute to finish.
var defaultMigrateWait = migrateWait{lockTimeout: 2 * time.Second, tries: 5, backoff: time.Second}

// migrations returns the embedded migrations, in order.
func migrations() ([]migration.Migration, error) {
	return migration.Load(migrationFiles, "migrations/*.sql")
}

// migrate applies the migrations of ms the database lacks. Processes
// opening the store at once apply each migration once: the others wait
// on the lock, then find it applied.
func migrate(ctx context.Context, pool *pgxpool.Pool, ms []migration.Migration, wait migrateWait) error {
	sp, err := spaceOf(ctx, pool)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if _, err := pool.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version    integer PRIMARY KEY,
		name       text NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now()
	)`); err != nil {
		// Two processes creating the table at once: one fails on the
		// catalog's unique key; the table exists either way.
		if _, err2 := pool.Exec(ctx, `SELECT 1 FROM schema_version LIMIT 1`); err2 != nil {
			return fmt.Errorf("migrate: %w", readOnlyHint(err))
		}
	}
	backoff := wait.backoff
	for try := 1; ; try++ {
		done, err := migrateNext(ctx, pool, sp, ms, wait)
		var busy *busyError
		if errors.As(err, &busy) && try < wait.tries {
			slog.Warn("migration waits for tables other sessions hold; trying again",
				"migration", busy.migration, "held", busy.held(), "try", try, "of", wait.tries, "again_in", backoff)
			select {
			case <-ctx.Done():
				return fmt.Errorf("migrate: %w", ctx.Err())
			case <-time.After(backoff):
			}
			backoff *= 2
			continue
		}
		if err != nil || done {
			return err
		}
		try, backoff = 0, wait.backoff
	}
}

// migrateNext applies the first migration the database lacks, in one
// transaction, and reports whether there was none left. It holds the
// write lock, which writers of every version take, so that no write is
// half done while it runs: a row an older program wrote is either there
// for the migration to change, or written after it, when the schema
// refuses the older program (0026_older_writers.sql).
func migrateNext(ctx context.Context, pool *pgxpool.Pool, sp space, ms []migration.Migration, wait migrateWait) (done bool, err error) {
	var busy *busyError
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, sp.migrate); err != nil {
			return err
		}
		var current int
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&current); err != nil {
			return err
		}
		if latest := ms[len(ms)-1].Version; current > latest {
			return store.NewerSchema(current, latest)
		}
		for _, m := range ms {
			if m.Version <= current {
				continue
			}
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, sp.write); err != nil {
				return fmt.Errorf("migration %s: %w", m.Name, err)
			}
			// Set once the migration lock is held: processes queued on
			// it wait for the one migrating, as long as it takes. A
			// statement timeout the DBA set for the role stops runaway
			// queries; a change over a large table would fail at every
			// start, and the store never open again.
			if _, err := tx.Exec(ctx, fmt.Sprintf(`SET LOCAL lock_timeout = %d; SET LOCAL statement_timeout = 0`, wait.lockTimeout.Milliseconds())); err != nil {
				return fmt.Errorf("migration %s: %w", m.Name, err)
			}
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				var pgErr *pgconn.PgError
				if errors.As(err, &pgErr) && pgErr.Code == codeLockNotAvailable {
					busy = &busyError{migration: m.Name, wait: wait, err: err}
					return busy
				}
				return fmt.Errorf("migration %s: %w", m.Name, readOnlyHint(err))
			}
			if step := migrationSteps[m.Name]; step != nil {
				if err := step(ctx, tx); err != nil {
					return fmt.Errorf("migration %s: %w", m.Name, err)
				}
			}
			if _, err := tx.Exec(ctx, `INSERT INTO schema_version (version, name) VALUES ($1, $2)`, m.Version, m.Name); err != nil {
				return fmt.Errorf("migration %s: %w", m.Name, err)
			}
			return nil
		}
		done = true
		return nil
	})
	if busy != nil {
		// Asked once the transaction is over, on another connection.
		busy.holders = holders(ctx, pool, wait.lockTimeout)
	}
	if err != nil {
		return false, fmt.Errorf("migrate: %w", err)
	}
	return done, nil
}

// migrationSteps are the parts of migrations that SQL cannot say, run
// after the file they are named by, in its transaction.
var migrationSteps = map[string]func(context.Context, pgx.Tx) error{
	// The documents that hold a word of a script past U+0E00 (a superset
	// of those read as pairs of characters, each of whose runs was one
	// word in the documents made before).
	"0018_search_pairs.sql": reindexDocs(`[^\x01-\u0dff]`),
	// The documents that hold Korean sent as its jamo, which search reads
	// composed (store.SearchForm), where their pairs were of jamo.
	"0021_search_form.sql": reindexDocs(`[\u1100-\u11ff]`),
}

// reindexDocs returns the step that makes again the search documents
// whose text matches the regular expression pattern, from their records,
// a page of ids at a time.
func reindexDocs(pattern string) func(context.Context, pgx.Tx) error {
	return func(ctx context.Context, tx pgx.Tx) error { return reindexMatching(ctx, tx, pattern) }
}

// reindexMatching makes again the search documents whose text matches
// pattern.
func reindexMatching(ctx context.Context, tx pgx.Tx, pattern string) error {
	const page = 1000
	type row struct {
		id    int64
		path  string
		value []byte
	}
	for after := int64(0); ; {
		rows, err := tx.Query(ctx, `SELECT r.id, r.path, r.value FROM news_search s JOIN records r ON r.id = s.id
			WHERE s.id > $1 AND s.doc::text ~ $3 ORDER BY s.id LIMIT $2`, after, page, pattern)
		if err != nil {
			return err
		}
		rs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (row, error) {
			var x row
			return x, r.Scan(&x.id, &x.path, &x.value)
		})
		if err != nil || len(rs) == 0 {
			return err
		}
		var (
			d    derived
			keys [][]byte
		)
		for _, x := range rs {
			rec := &model.Record{Path: x.path, Kind: model.KindNews}
			if decodeValue(rec, x.value) != nil {
				continue // unreadable: its document stays as it was
			}
			n := newsColumnsOf(rec)
			d.putSearch(x.id, n)
			keys = append(keys, n.searchKey)
		}
		if err := d.write(ctx, tx); err != nil {
			return err
		}
		// The digests of the documents made, so the next write of an
		// unchanged record keeps its document.
		if _, err := tx.Exec(ctx, `UPDATE records r SET search_key = k.key
			FROM unnest($1::bigint[], $2::bytea[]) AS k (id, key) WHERE r.id = k.id`, d.searchID, keys); err != nil {
			return err
		}
		after = rs[len(rs)-1].id
	}
}

// codeLockNotAvailable is PostgreSQL's error code for a lock not granted
// within lock_timeout.
const codeLockNotAvailable = "55P03"

// codeOlderWriter is the error code of a write or lease the database
// refuses to a program older than its schema (0026_older_writers.sql,
// 0030_older_leases.sql).
const codeOlderWriter = "NH001"

// codeReadOnly is PostgreSQL's error code for a write refused by a
// read-only transaction, as every transaction of a standby is.
const codeReadOnly = "25006"

// readOnlyHint adds to a refusal by a read-only database (a standby)
// where a migration must run.
func readOnlyHint(err error) error {
	return onReadOnly(err, "open it with this version on the primary first, whose changes it follows")
}

// onPrimary adds to a write refused by a read-only database (a standby, a
// replica, a session whose transactions are read-only) where it must run:
// PostgreSQL's own words name only the statement.
func onPrimary(err error) error {
	return onReadOnly(err, "what writes (ingest, curate, edit, import, retention) runs against the primary, where serve --no-ingest may read a standby")
}

// onReadOnly adds advice to err when a read-only database refused it.
func onReadOnly(err error, advice string) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == codeReadOnly {
		return fmt.Errorf("the database is read-only, a standby, a replica or a read-only session: %s: %w", advice, err)
	}
	return err
}

// busyError says a migration gave up waiting for the lock of a table.
type busyError struct {
	migration string
	wait      migrateWait
	holders   []string // the tables in the way and who holds them
	err       error
}

func (e *busyError) held() string { return heldBy(e.holders) }

// heldBy names what holders found for a message.
func heldBy(holders []string) string {
	if len(holders) == 0 {
		return "(the sessions were gone when asked)"
	}
	return strings.Join(holders, "; ")
}

func (e *busyError) Error() string {
	return fmt.Sprintf("migration %s waited %d times %s for the lock of a table other sessions hold: %s: "+
		"let them finish or end them (pg_terminate_backend), then start again (%v)",
		e.migration, e.wait.tries, e.wait.lockTimeout, e.held(), e.err)
}

func (e *busyError) Unwrap() error { return e.err }

// holders names the tables of the database that sessions other than this
// one have held locked for at least d, which a migration waiting d for
// its lock was likely waiting for, with the sessions: "table records
// (session 1234 of newshub, idle in transaction since 13:02:05)".
func holders(ctx context.Context, pool *pgxpool.Pool, d time.Duration) []string {
	rows, err := pool.Query(ctx, `SELECT DISTINCT c.relname, a.pid, coalesce(a.state, ''), a.xact_start, a.application_name
		FROM pg_locks l
		JOIN pg_class c ON c.oid = l.relation AND c.relkind IN ('r', 'p')
		JOIN pg_stat_activity a ON a.pid = l.pid
		WHERE l.locktype = 'relation' AND l.granted AND l.pid <> pg_backend_pid()
			AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
			AND c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())
			AND a.xact_start <= now() - $1 * interval '1 millisecond'
		ORDER BY c.relname, a.pid`, d.Milliseconds())
	if err != nil {
		return nil
	}
	var out []string
	var (
		table, state, app string
		pid               int
		since             time.Time
	)
	pgx.ForEachRow(rows, []any{&table, &pid, &state, &since, &app}, func() error {
		who := fmt.Sprintf("session %d", pid)
		if app != "" {
			who += " of " + app
		}
		out = append(out, fmt.Sprintf("table %s (%s, %s since %s)", table, who, state, since.UTC().Format(time.TimeOnly)))
		return nil
	})
	return out
}
