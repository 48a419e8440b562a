package postgres

import (
	"context"
	"embed"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

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

// Advisory lock keys. Advisory locks are the database's, so every process
// of a hub that takes one takes the same.
const (
	lockMigrate int64 = 0x6e657773_00000001 // "news", 1: schema changes
	lockWrite   int64 = 0x6e657773_00000002 // every write transaction
)

// migrate applies the migrations the database lacks. ms nil means the
// embedded ones. Processes opening the store at once apply each migration
// once: the others wait on the lock, then find it applied.
func migrate(ctx context.Context, pool *pgxpool.Pool, ms []migration.Migration) error {
	if ms == nil {
		var err error
		if ms, err = migration.Load(migrationFiles, "migrations/*.sql"); err != nil {
			return err
		}
	}
	if _, err := pool.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version    integer PRIMARY KEY,
		name       text NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now()
	)`); err != nil {
		// Two processes creating the table at once: one fails on the
		// catalog's unique key; the table exists either way.
		if _, err2 := pool.Exec(ctx, `SELECT 1 FROM schema_version LIMIT 1`); err2 != nil {
			return fmt.Errorf("migrate: %w", err)
		}
	}
	for {
		done, err := migrateNext(ctx, pool, ms)
		if err != nil || done {
			return err
		}
	}
}

// migrateNext applies the first migration the database lacks, in one
// transaction, and reports whether there was none left.
func migrateNext(ctx context.Context, pool *pgxpool.Pool, ms []migration.Migration) (done bool, err error) {
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, lockMigrate); err != nil {
			return err
		}
		var current int
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&current); err != nil {
			return err
		}
		if latest := ms[len(ms)-1].Version; current > latest {
			return fmt.Errorf("database schema version %d is newer than this program knows (%d): upgrade newshub", current, latest)
		}
		for _, m := range ms {
			if m.Version <= current {
				continue
			}
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return fmt.Errorf("migration %s: %w", m.Name, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO schema_version (version, name) VALUES ($1, $2)`, m.Version, m.Name); err != nil {
				return fmt.Errorf("migration %s: %w", m.Name, err)
			}
			return nil
		}
		done = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("migrate: %w", err)
	}
	return done, nil
}
