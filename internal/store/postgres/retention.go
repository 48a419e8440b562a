package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"newshub/internal/model"
	"newshub/internal/store"
)

// ScanNews calls fn with the indexed fields of the news records q selects,
// in q's order, without reading their values.
func (s *Store) ScanNews(ctx context.Context, q store.NewsQuery, fn func(store.NewsEntry) error) error {
	if q.Order < store.ByTime || q.Order > store.ByStorage {
		return fmt.Errorf("scan news: unknown order %d", q.Order)
	}
	var args params
	from, tcol := newsWhere(q, &args)
	sql := `SELECT r.path, r.version, coalesce(r.story, ''), coalesce(r.published, false),
		coalesce(r.archived, false), coalesce(r.published_at, 0), coalesce(r.canonical_url, ''), coalesce(r.guid, ''),
		coalesce(r.original_url, ''), coalesce(r.pinned_until, 0)` + from + orderBy(q.Order, tcol) + limitOffset(q.Limit, q.Offset, &args)
	return s.stream(ctx, "scan news", sql, append([]any{planEachTime}, args...), func(rows pgx.Rows) error {
		var (
			e         store.NewsEntry
			at, until int64
		)
		_, err := pgx.ForEachRow(rows, []any{&e.Path, &e.Version, &e.Story, &e.Published, &e.Archived, &at,
			&e.CanonicalURL, &e.GUID, &e.OriginalURL, &until}, func() error {
			e.PublishedAt = time.UnixMicro(at).UTC()
			e.PinnedUntil = time.Time{}
			if until != 0 {
				e.PinnedUntil = time.UnixMicro(until).UTC()
			}
			return fn(e)
		})
		if err != nil {
			return fmt.Errorf("scan news: %w", err)
		}
		return nil
	})
}

// Move gives records new paths in one transaction (see store.Store.Move).
// A record keeps its row, so its search row stays; its topic rows, keyed
// by path, are made again.
func (s *Store) Move(ctx context.Context, moves []store.Move) error {
	if len(moves) == 0 {
		return nil
	}
	from, to := make([]string, len(moves)), make([]string, len(moves))
	versions := make([]int64, len(moves))
	var gone []string
	for i, m := range moves {
		if !storablePath(m.To) {
			return fmt.Errorf("move %q: a path must be UTF-8 without NUL", m.To)
		}
		if !storablePath(m.From) { // no such path is stored
			gone = append(gone, m.From)
		}
		from[i], to[i], versions[i] = m.From, m.To, m.Version
	}
	if len(gone) > 0 {
		return &store.ConflictError{Paths: gone}
	}
	err := s.write(ctx, func(tx pgx.Tx, version int64) (bool, error) {
		found, err := movable(ctx, tx, moves, from, to, versions)
		if err != nil {
			return false, err
		}
		values := make([][]byte, len(moves))
		archived := make([]*bool, len(moves))
		var del, ins topicRows
		for i, m := range moves {
			r := found[m.From]
			values[i] = r.value
			if r.kind != string(model.KindNews) {
				continue
			}
			rec := &model.Record{Path: m.To, Kind: model.KindNews}
			if err := decodeValue(rec, r.value); err != nil {
				return false, fmt.Errorf("%s: %w", m.From, err)
			}
			a := rec.Article
			a.Archived = strings.HasPrefix(m.To, "_archive/")
			if values[i], err = encodeValue(rec); err != nil {
				return false, fmt.Errorf("%s: %w", m.From, err)
			}
			archived[i] = &a.Archived
			if r.publishedAt != nil {
				del.add(r.topics, *r.publishedAt, text(m.From))
				ins.add(r.topics, *r.publishedAt, text(m.To))
			}
		}
		b := &pgx.Batch{}
		if len(del.topic) > 0 {
			b.Queue(sqlDeleteTopics, del.topic, del.at, del.path)
		}
		b.Queue(`UPDATE records r SET path = m.dst, value = m.value, archived = coalesce(m.archived, r.archived), version = $5
			FROM unnest($1::text[], $2::text[], $3::bytea[], $4::boolean[]) AS m (src, dst, value, archived)
			WHERE r.path = m.src`, from, to, values, archived, version)
		if len(ins.topic) > 0 {
			b.Queue(sqlInsertTopics, ins.topic, ins.at, ins.path)
		}
		b.Queue(sqlDropModes, to)
		b.Queue(sqlMoveModes, from, to)
		return true, tx.SendBatch(ctx, b).Close()
	})
	return store.WriteErr("move", err)
}

// movedRow is what a move reads of the record at its From path.
type movedRow struct {
	kind        string
	value       []byte
	version     int64
	publishedAt *int64
	topics      []string
}

// movable reads the records to move and returns them by path, or a
// *store.ConflictError naming each From that is gone or changed and each
// To that is taken (by a record, or by another move of the batch).
func movable(ctx context.Context, tx pgx.Tx, moves []store.Move, from, to []string, versions []int64) (map[string]movedRow, error) {
	rows, err := tx.Query(ctx, `SELECT path, kind, value, version, published_at, topics FROM records WHERE path = ANY($1)`, from)
	if err != nil {
		return nil, err
	}
	found := map[string]movedRow{}
	var (
		path string
		r    movedRow
	)
	_, err = pgx.ForEachRow(rows, []any{&path, &r.kind, &r.value, &r.version, &r.publishedAt, &r.topics}, func() error {
		found[path] = r
		return nil
	})
	if err != nil {
		return nil, err
	}
	rows, err = tx.Query(ctx, `SELECT path FROM records WHERE path = ANY($1)`, to)
	if err != nil {
		return nil, err
	}
	taken, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	targets := map[string]bool{}
	for _, p := range append(from, taken...) {
		targets[p] = true
	}
	var conflicts []string
	for i, m := range moves {
		if r, ok := found[m.From]; !ok || (versions[i] != 0 && r.version != versions[i]) {
			conflicts = append(conflicts, m.From)
		}
		if targets[m.To] || m.To == "" {
			conflicts = append(conflicts, m.To)
		}
		targets[m.To] = true
	}
	if len(conflicts) > 0 {
		return nil, &store.ConflictError{Paths: conflicts}
	}
	return found, nil
}

// Purge deletes records and keeps their keys as tombstones, in one
// transaction (see store.Store.Purge).
func (s *Store) Purge(ctx context.Context, purges []store.Purge) error {
	if len(purges) == 0 {
		return nil
	}
	var (
		paths, keys, keyPaths []string
		versions, ats         []int64
		dated                 []*int64 // nil: kept for ever
	)
	for _, p := range purges {
		if p.Version != 0 {
			if !storablePath(p.Path) {
				return &store.ConflictError{Paths: []string{p.Path}} // no such path is stored
			}
			paths, versions = append(paths, p.Path), append(versions, p.Version)
		}
		for _, k := range p.Keys {
			if k != "" {
				keys, keyPaths, ats = append(keys, text(k)), append(keyPaths, text(p.Path)), append(ats, p.At.UnixMicro())
				dated = append(dated, microsOrNil(p.Dated))
			}
		}
	}
	err := s.write(ctx, func(tx pgx.Tx, _ int64) (bool, error) {
		rows, err := tx.Query(ctx, `SELECT c.path FROM unnest($1::text[], $2::bigint[]) WITH ORDINALITY AS c (path, version, n)
			LEFT JOIN records r ON r.path = c.path WHERE r.version IS DISTINCT FROM c.version ORDER BY c.n`, paths, versions)
		if err != nil {
			return false, err
		}
		conflicts, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return false, err
		}
		if len(conflicts) > 0 {
			return false, &store.ConflictError{Paths: conflicts}
		}
		if _, err := remove(ctx, tx, paths); err != nil {
			return false, err
		}
		// The last purge of a key in the batch wins, as a later purge
		// does over an earlier one.
		_, err = tx.Exec(ctx, `INSERT INTO tombstones AS t (key, path, purged_at, dated)
			SELECT DISTINCT ON (key) key, path, at, dated FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[]) WITH ORDINALITY AS k (key, path, at, dated, n)
			ORDER BY key, n DESC
			ON CONFLICT ((md5(key))) DO UPDATE SET path = excluded.path, purged_at = excluded.purged_at, dated = excluded.dated`,
			keys, keyPaths, ats, dated)
		return true, err
	})
	return store.WriteErr("purge", err)
}

// Tombstone returns the tombstone of key, or store.ErrNotFound.
func (s *Store) Tombstone(ctx context.Context, key string) (store.Tombstone, error) {
	var found []store.Tombstone
	// By the digest first, which the unique index holds (see 0014_long_keys.sql).
	err := s.tombstones(ctx, ` WHERE md5(key) = md5($1) AND key = $1`, []any{text(key)}, func(t store.Tombstone) error {
		found = append(found, t)
		return nil
	})
	if err != nil {
		return store.Tombstone{}, fmt.Errorf("tombstone %s: %w", key, lost(err))
	}
	if len(found) == 0 {
		return store.Tombstone{}, fmt.Errorf("tombstone %s: %w", key, store.ErrNotFound)
	}
	return found[0], nil
}

// PurgedKeys returns, of keys, those kept as tombstones, each with the
// path of its purged article.
func (s *Store) PurgedKeys(ctx context.Context, keys []string) (map[string]string, error) {
	// By the digests first, which the unique index holds (see 0014_long_keys.sql).
	out, err := s.keyPaths(ctx, `SELECT key, path FROM tombstones
		WHERE md5(key) = ANY(ARRAY(SELECT md5(k) FROM unnest($1::text[]) k)) AND key = ANY($1)`, keys)
	if err != nil {
		return nil, fmt.Errorf("purged keys: %w", err)
	}
	return out, nil
}

// PurgedPaths returns those of paths that a tombstone names.
func (s *Store) PurgedPaths(ctx context.Context, paths []string) ([]string, error) {
	asked, forms := storedForms(paths)
	if len(forms) == 0 {
		return nil, nil
	}
	rows, err := s.db.Query(ctx, `SELECT DISTINCT path FROM tombstones WHERE path = `+anyKey, forms)
	if err != nil {
		return nil, fmt.Errorf("purged paths: %w", lost(err))
	}
	var found []string
	var p string
	_, err = pgx.ForEachRow(rows, []any{&p}, func() error {
		found = append(found, asked[p]...)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("purged paths: %w", lost(err))
	}
	return found, nil
}

// Tombstones calls fn for every tombstone, in key order.
func (s *Store) Tombstones(ctx context.Context, fn func(store.Tombstone) error) error {
	return s.stream(ctx, "tombstones", `SELECT key, path, purged_at, dated FROM tombstones ORDER BY key`, nil, func(rows pgx.Rows) error {
		if err := eachTombstone(rows, fn); err != nil {
			return fmt.Errorf("tombstones: %w", err)
		}
		return nil
	})
}

func (s *Store) tombstones(ctx context.Context, where string, args []any, fn func(store.Tombstone) error) error {
	rows, err := s.db.Query(ctx, `SELECT key, path, purged_at, dated FROM tombstones`+where, args...)
	if err != nil {
		return err
	}
	return eachTombstone(rows, fn)
}

// eachTombstone calls fn for each row of key, path, purged_at and dated,
// and closes rows.
func eachTombstone(rows pgx.Rows, fn func(store.Tombstone) error) error {
	var (
		t     store.Tombstone
		at    int64
		dated *int64
	)
	_, err := pgx.ForEachRow(rows, []any{&t.Key, &t.Path, &at, &dated}, func() error {
		t.PurgedAt, t.Dated = time.UnixMicro(at).UTC(), time.Time{}
		if dated != nil {
			t.Dated = time.UnixMicro(*dated).UTC()
		}
		return fn(t)
	})
	return err
}

// microsOrNil is t in Unix microseconds, nil for the zero time.
func microsOrNil(t time.Time) *int64 {
	if t.IsZero() {
		return nil
	}
	return new(t.UnixMicro())
}

// ExpireTombstones deletes the tombstones dated before before (see
// store.Store.ExpireTombstones).
func (s *Store) ExpireTombstones(ctx context.Context, before time.Time) (int, error) {
	var n int64
	err := s.write(ctx, func(tx pgx.Tx, _ int64) (bool, error) {
		tag, err := tx.Exec(ctx, `DELETE FROM tombstones WHERE dated < $1`, before.UnixMicro())
		n = tag.RowsAffected()
		return n > 0, err
	})
	if err != nil {
		return 0, store.WriteErr("expire tombstones", err)
	}
	return int(n), nil
}
