package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"newshub/internal/model"
	"newshub/internal/store"
	"newshub/internal/store/codec"
)

// sqlNewsEntry reads a store.NewsEntry from the indexed columns.
const sqlNewsEntry = `SELECT r.path, r.version, coalesce(r.story, ''), coalesce(r.published, 0), coalesce(r.archived, 0),
	coalesce(r.published_at, 0), coalesce(r.canonical_url, ''), coalesce(r.guid, ''), coalesce(r.original_url, ''),
	coalesce(r.pinned_until, 0)`

// ScanNews calls fn with the indexed fields of the news records q selects,
// in q's order, without reading their values.
func (s *Store) ScanNews(ctx context.Context, q store.NewsQuery, fn func(store.NewsEntry) error) error {
	if err := checkOrder(q.Order); err != nil {
		return err
	}
	from, tcol, args := newsWhere(q)
	lim, largs := limitOffset(q.Limit, q.Offset)
	rd, done, err := s.reads()
	if err != nil {
		return fmt.Errorf("scan news: %w", err)
	}
	defer done()
	query := sqlNewsEntry + from + orderBy(q.Order, tcol) + lim
	if q.Order == store.ByStorage {
		// The ids first, from the indexes, then the rows in the file's
		// order: each page is read once, not once for each of its rows.
		query = sqlNewsEntry + ` FROM records r WHERE r.id IN (SELECT r.id` + from + `) ORDER BY r.id` + lim
	}
	rows, err := rd.db.QueryContext(ctx, query, append(args, largs...)...)
	if err != nil {
		return fmt.Errorf("scan news: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			e         store.NewsEntry
			at, until int64
		)
		if err := rows.Scan(&e.Path, &e.Version, &e.Story, &e.Published, &e.Archived, &at,
			&e.CanonicalURL, &e.GUID, &e.OriginalURL, &until); err != nil {
			return fmt.Errorf("scan news: %w", err)
		}
		e.PublishedAt = time.UnixMicro(at).UTC()
		if until != 0 {
			e.PinnedUntil = time.UnixMicro(until).UTC()
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("scan news: %w", err)
	}
	return nil
}

// writeTx runs fn in a write transaction on the writer connection, with
// the version the transaction gives what it writes, and bumps the
// generation when fn reports a change.
func (s *Store) writeTx(ctx context.Context, fn func(tx *sql.Tx, version int64) (changed bool, err error)) (err error) {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer s.endWrite(tx, &err)
	var gen int64
	if err := tx.QueryRowContext(ctx, `SELECT value FROM generation WHERE id = 1`).Scan(&gen); err != nil {
		return fmt.Errorf("read generation: %w", err)
	}
	changed, err := fn(tx, gen+1)
	if err != nil {
		return err
	}
	if changed {
		if err := bump(ctx, tx); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// statements prepares sqls in tx, in order.
func statements(ctx context.Context, tx *sql.Tx, sqls ...string) ([]*sql.Stmt, error) {
	out := make([]*sql.Stmt, len(sqls))
	for i, q := range sqls {
		st, err := tx.PrepareContext(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("prepare: %w", err)
		}
		out[i] = st
	}
	return out, nil
}

// storedAt is what a move or a purge reads of the record at a path.
type storedAt struct {
	id      int64
	kind    string
	value   []byte
	version int64
}

const sqlSelectStored = `SELECT id, kind, value, version FROM records WHERE path = ?`

// readStored reads the record at path; ok is false when there is none.
func readStored(ctx context.Context, sel *sql.Stmt, path string) (r storedAt, ok bool, err error) {
	err = sel.QueryRowContext(ctx, path).Scan(&r.id, &r.kind, &r.value, &r.version)
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	return r, err == nil, err
}

// Move gives records new paths in one transaction (see store.Store.Move).
// A record keeps its row, so its full-text row stays; its topic rows,
// keyed by path, are made again.
func (s *Store) Move(ctx context.Context, moves []store.Move) error {
	if len(moves) == 0 {
		return nil
	}
	err := s.writeTx(ctx, func(tx *sql.Tx, version int64) (bool, error) {
		st, err := statements(ctx, tx, sqlSelectStored, sqlDeleteTopics,
			`UPDATE records SET path = ?, value = ?, archived = ?, version = ? WHERE id = ?`,
			`INSERT OR IGNORE INTO record_topics (topic, published_at, path) VALUES (?, ?, ?)`,
			sqlDropMode, `UPDATE file_modes SET path = ? WHERE path = ?`)
		if err != nil {
			return false, err
		}
		sel, delTopics, update, insTopic, dropMode, moveMode := st[0], st[1], st[2], st[3], st[4], st[5]
		found := make([]storedAt, len(moves))
		var conflicts []string
		targets := map[string]bool{}
		for _, m := range moves {
			targets[m.From] = true // a chain of moves is refused: To must be free before the batch
		}
		for i, m := range moves {
			r, ok, err := readStored(ctx, sel, m.From)
			if err != nil {
				return false, fmt.Errorf("%s: %w", m.From, err)
			}
			if !ok || (m.Version != 0 && r.version != m.Version) {
				conflicts = append(conflicts, m.From)
			}
			found[i] = r
			_, taken, err := readStored(ctx, sel, m.To)
			if err != nil {
				return false, fmt.Errorf("%s: %w", m.To, err)
			}
			if taken || targets[m.To] || m.To == "" {
				conflicts = append(conflicts, m.To)
			}
			targets[m.To] = true
		}
		if len(conflicts) > 0 {
			return false, &store.ConflictError{Paths: conflicts}
		}
		for i, m := range moves {
			r := found[i]
			rec := &model.Record{Path: m.To, Kind: model.Kind(r.kind)}
			if err := codec.Decode(rec, r.value); err != nil {
				return false, fmt.Errorf("%s: %w", m.From, err)
			}
			value, archived := r.value, any(nil)
			if news := rec.Kind == model.KindNews && rec.Article != nil; news {
				rec.Article.Archived = strings.HasPrefix(m.To, "_archive/")
				if value, err = codec.Encode(rec); err != nil {
					return false, fmt.Errorf("%s: %w", m.From, err)
				}
				archived = rec.Article.Archived
				if _, err := delTopics.ExecContext(ctx, r.id); err != nil {
					return false, fmt.Errorf("%s: %w", m.From, err)
				}
			}
			if _, err := update.ExecContext(ctx, m.To, value, archived, version, r.id); err != nil {
				return false, fmt.Errorf("%s: %w", m.From, err)
			}
			// The file keeps its mode; one noted where no record was is stale.
			if _, err := dropMode.ExecContext(ctx, m.To); err != nil {
				return false, fmt.Errorf("%s: %w", m.To, err)
			}
			if _, err := moveMode.ExecContext(ctx, m.To, m.From); err != nil {
				return false, fmt.Errorf("%s: %w", m.From, err)
			}
			if archived == nil {
				continue
			}
			at := rec.Article.PublishedDateTime.UnixMicro()
			for _, t := range rec.Article.Topics {
				if t == "" {
					continue
				}
				if _, err := insTopic.ExecContext(ctx, t, at, m.To); err != nil {
					return false, fmt.Errorf("%s: %w", m.To, err)
				}
			}
		}
		return true, nil
	})
	return store.WriteErr("move", err)
}

// Purge deletes records and keeps their keys as tombstones, in one
// transaction (see store.Store.Purge).
func (s *Store) Purge(ctx context.Context, purges []store.Purge) error {
	if len(purges) == 0 {
		return nil
	}
	err := s.writeTx(ctx, func(tx *sql.Tx, _ int64) (bool, error) {
		st, err := statements(ctx, tx, sqlSelectStored,
			`INSERT INTO tombstones (key, path, purged_at, dated) VALUES (?, ?, ?, ?)
				ON CONFLICT (key) DO UPDATE SET path = excluded.path, purged_at = excluded.purged_at, dated = excluded.dated`)
		if err != nil {
			return false, err
		}
		sel, keep := st[0], st[1]
		var conflicts []string
		for _, p := range purges {
			if p.Version == 0 {
				continue
			}
			r, ok, err := readStored(ctx, sel, p.Path)
			if err != nil {
				return false, fmt.Errorf("%s: %w", p.Path, err)
			}
			if !ok || r.version != p.Version {
				conflicts = append(conflicts, p.Path)
			}
		}
		if len(conflicts) > 0 {
			return false, &store.ConflictError{Paths: conflicts}
		}
		rm, err := newRemover(ctx, tx)
		if err != nil {
			return false, err
		}
		for _, p := range purges {
			if p.Version != 0 {
				if _, err := rm.remove(ctx, p.Path); err != nil {
					return false, fmt.Errorf("%s: %w", p.Path, err)
				}
			}
			for _, k := range p.Keys {
				if k == "" {
					continue
				}
				if _, err := keep.ExecContext(ctx, k, p.Path, p.At.UnixMicro(), micros(p.Dated)); err != nil {
					return false, fmt.Errorf("%s: %w", p.Path, err)
				}
			}
		}
		return true, nil
	})
	return store.WriteErr("purge", err)
}

const sqlTombstone = `SELECT key, path, purged_at, dated FROM tombstones`

func scanTombstone(sc scanner) (store.Tombstone, error) {
	var (
		t     store.Tombstone
		at    int64
		dated sql.NullInt64
	)
	err := sc.Scan(&t.Key, &t.Path, &at, &dated)
	t.PurgedAt, t.Dated = time.UnixMicro(at).UTC(), fromMicros(dated)
	return t, err
}

// ExpireTombstones deletes the tombstones dated before before (see
// store.Store.ExpireTombstones).
func (s *Store) ExpireTombstones(ctx context.Context, before time.Time) (int, error) {
	var n int64
	err := s.writeTx(ctx, func(tx *sql.Tx, _ int64) (bool, error) {
		res, err := tx.ExecContext(ctx, `DELETE FROM tombstones WHERE dated IS NOT NULL AND dated < ?`, before.UnixMicro())
		if err != nil {
			return false, err
		}
		n, err = res.RowsAffected()
		return n > 0, err
	})
	if err != nil {
		return 0, store.WriteErr("expire tombstones", err)
	}
	return int(n), nil
}

// Tombstone returns the tombstone of key, or store.ErrNotFound.
func (s *Store) Tombstone(ctx context.Context, key string) (store.Tombstone, error) {
	rd, done, err := s.reads()
	if err != nil {
		return store.Tombstone{}, fmt.Errorf("tombstone %s: %w", key, err)
	}
	defer done()
	t, err := scanTombstone(rd.db.QueryRowContext(ctx, sqlTombstone+` WHERE key = ?`, key))
	if errors.Is(err, sql.ErrNoRows) {
		return store.Tombstone{}, fmt.Errorf("tombstone %s: %w", key, store.ErrNotFound)
	}
	if err != nil {
		return store.Tombstone{}, fmt.Errorf("tombstone %s: %w", key, err)
	}
	return t, nil
}

// PurgedKeys returns, of keys, those kept as tombstones, each with the
// path of its purged article.
func (s *Store) PurgedKeys(ctx context.Context, keys []string) (map[string]string, error) {
	found := map[string]string{}
	if len(keys) == 0 {
		return found, nil
	}
	rd, done, err := s.reads()
	if err != nil {
		return nil, fmt.Errorf("purged keys: %w", err)
	}
	defer done()
	err = lookUp(ctx, rd.db, `SELECT key, path FROM tombstones WHERE key IN `+inList, keys, func(rows *sql.Rows) error {
		var k, p string
		err := rows.Scan(&k, &p)
		found[k] = p
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("purged keys: %w", err)
	}
	return found, nil
}

// PurgedPaths returns those of paths that a tombstone names.
func (s *Store) PurgedPaths(ctx context.Context, paths []string) ([]string, error) {
	found, err := s.pathsIn(ctx, `SELECT DISTINCT path FROM tombstones WHERE path IN `+inList, paths)
	if err != nil {
		return nil, fmt.Errorf("purged paths: %w", err)
	}
	return found, nil
}

// Tombstones calls fn for every tombstone, in key order.
func (s *Store) Tombstones(ctx context.Context, fn func(store.Tombstone) error) error {
	rd, done, err := s.reads()
	if err != nil {
		return fmt.Errorf("tombstones: %w", err)
	}
	defer done()
	rows, err := rd.db.QueryContext(ctx, sqlTombstone+` ORDER BY key`)
	if err != nil {
		return fmt.Errorf("tombstones: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		t, err := scanTombstone(rows)
		if err != nil {
			return fmt.Errorf("tombstones: %w", err)
		}
		if err := fn(t); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("tombstones: %w", err)
	}
	return nil
}
