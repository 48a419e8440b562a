package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"newshub/internal/store"
)

const sourceColumns = `url, etag, last_modified, last_fetch, last_success, last_status,
	items, errors, next_fetch, interval_ns, paused, last_read`

// SourceStates returns the state of every source, by URL.
func (s *Store) SourceStates(ctx context.Context) ([]store.SourceState, error) {
	rd, done, err := s.reads()
	if err != nil {
		return nil, fmt.Errorf("source states: %w", err)
	}
	defer done()
	rows, err := rd.db.QueryContext(ctx, `SELECT `+sourceColumns+` FROM source_states ORDER BY url`)
	if err != nil {
		return nil, fmt.Errorf("source states: %w", err)
	}
	defer rows.Close()
	var states []store.SourceState
	for rows.Next() {
		st, err := scanSourceState(rows)
		if err != nil {
			return nil, fmt.Errorf("source states: %w", err)
		}
		states = append(states, st)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("source states: %w", err)
	}
	return states, nil
}

// SourceState returns the state of the source at url, or store.ErrNotFound.
func (s *Store) SourceState(ctx context.Context, url string) (store.SourceState, error) {
	rd, done, err := s.reads()
	if err != nil {
		return store.SourceState{}, fmt.Errorf("source state %s: %w", url, err)
	}
	defer done()
	st, err := scanSourceState(rd.db.QueryRowContext(ctx, `SELECT `+sourceColumns+` FROM source_states WHERE url = ?`, url))
	if errors.Is(err, sql.ErrNoRows) {
		return store.SourceState{}, fmt.Errorf("source state %s: %w", url, store.ErrNotFound)
	}
	if err != nil {
		return store.SourceState{}, fmt.Errorf("source state %s: %w", url, err)
	}
	return st, nil
}

// SourceStatesOf returns the states of the sources at urls, by URL, in
// one statement (a few for thousands of URLs; see lookupChunk); those
// with none are left out.
func (s *Store) SourceStatesOf(ctx context.Context, urls ...string) (map[string]store.SourceState, error) {
	rd, done, err := s.reads()
	if err != nil {
		return nil, fmt.Errorf("source states of %d: %w", len(urls), err)
	}
	defer done()
	out := make(map[string]store.SourceState, len(urls))
	err = lookUp(ctx, rd.db, `SELECT `+sourceColumns+` FROM source_states WHERE url IN `+inList, distinct(urls),
		func(rows *sql.Rows) error {
			st, err := scanSourceState(rows)
			if err == nil {
				out[st.URL] = st
			}
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("source states of %d: %w", len(urls), err)
	}
	return out, nil
}

// PutSourceState stores the states given, replacing what was there, in
// one transaction.
func (s *Store) PutSourceState(ctx context.Context, states ...store.SourceState) (err error) {
	if len(states) == 0 {
		return nil
	}
	lastRead := make([]string, len(states))
	for i, st := range states {
		if st.URL == "" {
			return errors.New("put source state: empty URL")
		}
		if !st.LastRead.IsZero() {
			b, err := json.Marshal(st.LastRead)
			if err != nil {
				return fmt.Errorf("put source state %s: %w", st.URL, err)
			}
			lastRead[i] = string(b)
		}
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return fmt.Errorf("put source state: %w", err)
	}
	defer s.endWrite(tx, &err)
	stmt, err := tx.PrepareContext(ctx, `INSERT OR REPLACE INTO source_states (`+sourceColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("put source state: %w", err)
	}
	defer stmt.Close()
	for i, st := range states {
		if _, err := stmt.ExecContext(ctx, st.URL, st.ETag, st.LastModified, micros(st.LastFetch), micros(st.LastSuccess),
			st.LastStatus, st.Items, st.Errors, micros(st.NextFetch), int64(st.Interval), st.Paused, lastRead[i]); err != nil {
			return fmt.Errorf("put source state %s: %w", st.URL, err)
		}
	}
	if err := bump(ctx, tx); err != nil {
		return fmt.Errorf("put source state: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("put source state: %w", err)
	}
	return nil
}

// DeleteSourceStates deletes the states at urls in one transaction.
func (s *Store) DeleteSourceStates(ctx context.Context, urls ...string) (n int, err error) {
	urls = distinct(urls)
	if len(urls) == 0 {
		return 0, nil
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return 0, fmt.Errorf("delete source states: %w", err)
	}
	defer s.endWrite(tx, &err)
	stmt, err := tx.PrepareContext(ctx, `DELETE FROM source_states WHERE url = ?`)
	if err != nil {
		return 0, fmt.Errorf("delete source states: %w", err)
	}
	defer stmt.Close()
	for _, u := range urls {
		res, err := stmt.ExecContext(ctx, u)
		if err != nil {
			return 0, fmt.Errorf("delete source state %s: %w", u, err)
		}
		d, err := res.RowsAffected()
		if err != nil {
			return 0, fmt.Errorf("delete source state %s: %w", u, err)
		}
		n += int(d)
	}
	if n > 0 {
		if err := bump(ctx, tx); err != nil {
			return 0, fmt.Errorf("delete source states: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("delete source states: %w", err)
	}
	return n, nil
}

func scanSourceState(sc scanner) (store.SourceState, error) {
	var (
		st                   store.SourceState
		fetch, success, next sql.NullInt64
		interval             int64
		lastRead             string
	)
	err := sc.Scan(&st.URL, &st.ETag, &st.LastModified, &fetch, &success, &st.LastStatus,
		&st.Items, &st.Errors, &next, &interval, &st.Paused, &lastRead)
	if err != nil {
		return store.SourceState{}, err
	}
	if lastRead != "" {
		if err := json.Unmarshal([]byte(lastRead), &st.LastRead); err != nil {
			return store.SourceState{}, fmt.Errorf("last read of %s: %w", st.URL, err)
		}
	}
	st.LastFetch, st.LastSuccess, st.NextFetch = fromMicros(fetch), fromMicros(success), fromMicros(next)
	st.Interval = time.Duration(interval)
	return st, nil
}

// micros stores a time as Unix microseconds; the zero time is NULL.
func micros(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}

func fromMicros(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.UnixMicro(n.Int64).UTC()
}
