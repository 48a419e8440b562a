package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"fmt"
	"time"

	"newshub/internal/store"
	"newshub/internal/store/migration"
)

// Schema changes are numbered files, NNNN_what.sql, applied in order; each
// database records the versions it has in schema_version.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrations lists the embedded schema changes in version order.
func migrations() ([]migration.Migration, error) {
	return migration.Load(migrationFiles, "migrations/*.sql")
}

// migrationSteps are the parts of migrations that SQL cannot say, run
// after the file they are named by, in its transaction.
// The rows 0015 and 0016 made again are made by 0019's, which makes the
// full-text tables again after them, in the same transaction.
var migrationSteps = map[string]func(context.Context, *sql.Tx) error{
	"0019_search_topics_apart.sql": reindexAll,
	"0020_search_form.sql":         reindexForm,
}

// reindexBatch is how many news records a reindex reads at a time, so a
// large hub's migration holds a bounded part of its text in memory.
var reindexBatch = 2000

// reindexAll fills the emptied full-text tables with the rows of every
// news record, as a write makes them.
func reindexAll(ctx context.Context, tx *sql.Tx) error { return reindex(ctx, tx, nil) }

// reindexForm makes again the full-text rows of the news records whose
// texts search now reads in another form (store.SearchForm): letters
// written as a base letter and marks, the dotless ı. The others keep
// theirs.
func reindexForm(ctx context.Context, tx *sql.Tx) error {
	return reindex(ctx, tx, func(v indexedFields) bool {
		for _, s := range []string{v.Title, v.Excerpt, v.Provider.Name} {
			if s = validText(s); store.SearchForm(s) != s {
				return true
			}
		}
		return false
	})
}

// reindex makes the full-text rows of the news records whose value which
// selects, as a write makes them, replacing the rows they have; which nil
// selects every record, into emptied tables.
func reindex(ctx context.Context, tx *sql.Tx, which func(indexedFields) bool) error {
	for after := int64(0); ; {
		rows, err := tx.QueryContext(ctx, `SELECT id, value FROM records WHERE kind = 'news' AND id > ? ORDER BY id LIMIT ?`,
			after, reindexBatch)
		if err != nil {
			return err
		}
		var (
			texts []any   // the new rows, five values each
			ids   []int64 // their records
		)
		n := 0
		err = func() error {
			defer rows.Close()
			for rows.Next() {
				var value sql.RawBytes
				if err := rows.Scan(&after, &value); err != nil {
					return err
				}
				n++
				var v indexedFields
				if err := json.Unmarshal(value, &v); err != nil {
					continue // unreadable: its rows stay, as a write left them
				}
				if which == nil || which(v) {
					texts = append(texts, indexRow(after, v)...)
					ids = append(ids, after)
				}
			}
			return rows.Err()
		}()
		if err == nil && which != nil && len(ids) > 0 {
			err = deleteTextsOf(ctx, tx, ids)
		}
		if err == nil && len(texts) > 0 {
			err = insertTexts(ctx, tx, texts)
		}
		if err != nil || n < reindexBatch {
			return err
		}
	}
}

// deleteTextsOf deletes the full-text rows of the records ids.
func deleteTextsOf(ctx context.Context, tx *sql.Tx, ids []int64) error {
	b, err := json.Marshal(ids)
	if err != nil {
		return err
	}
	return deleteTexts(ctx, tx, b)
}

// indexRow returns the values of the full-text row of the news record id
// whose value holds v: its rowid and four columns.
func indexRow(id int64, v indexedFields) []any {
	return []any{id, indexText(v.Title), indexText(v.Excerpt), indexText(v.Provider.Name),
		validText(topicTokens(v.Topics, v.Withheld != ""))}
}

// migrate brings the schema up to date in one transaction: a failed
// migration leaves the database as it was.
func migrate(ctx context.Context, db *sql.DB) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at TEXT NOT NULL
	)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	applied, err := appliedVersions(ctx, tx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	current := 0
	for v := range applied {
		current = max(current, v)
	}
	if latest := ms[len(ms)-1].Version; current > latest {
		return store.NewerSchema(current, latest)
	}
	// Every migration not applied yet is, even one numbered below the
	// latest applied: branches developed side by side add theirs in
	// either order.
	for _, m := range ms {
		if applied[m.Version] {
			continue
		}
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			return fmt.Errorf("migration %s: %w", m.Name, err)
		}
		if step := migrationSteps[m.Name]; step != nil {
			if err := step(ctx, tx); err != nil {
				return fmt.Errorf("migration %s: %w", m.Name, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)`,
			m.Version, m.Name, time.Now().UTC().Format(time.RFC3339)); err != nil {
			return fmt.Errorf("migration %s: %w", m.Name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// appliedVersions returns the versions schema_version lists.
func appliedVersions(ctx context.Context, tx *sql.Tx) (map[int]bool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT version FROM schema_version`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	applied := map[int]bool{}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		applied[v] = true
	}
	return applied, rows.Err()
}
