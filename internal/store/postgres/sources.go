package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"newshub/internal/store"
)

const sourceColumns = `url, etag, last_modified, last_fetch, last_success, last_status,
	items, errors, next_fetch, interval_ns, paused, last_read`

// SourceStates returns the state of every source, by URL.
func (s *Store) SourceStates(ctx context.Context) ([]store.SourceState, error) {
	rows, err := s.db.Query(ctx, `SELECT `+sourceColumns+` FROM source_states ORDER BY url`)
	if err != nil {
		return nil, fmt.Errorf("source states: %w", lost(err))
	}
	states, err := pgx.CollectRows(rows, scanSourceState)
	if err != nil {
		return nil, fmt.Errorf("source states: %w", lost(err))
	}
	return states, nil
}

// SourceState returns the state of the source at url, or store.ErrNotFound.
func (s *Store) SourceState(ctx context.Context, url string) (store.SourceState, error) {
	rows, err := s.db.Query(ctx, `SELECT `+sourceColumns+` FROM source_states WHERE md5(url) = md5($1) AND url = $1`, text(url))
	if err != nil {
		return store.SourceState{}, fmt.Errorf("source state %s: %w", url, lost(err))
	}
	st, err := pgx.CollectExactlyOneRow(rows, scanSourceState)
	if errNoRows(err) {
		return store.SourceState{}, fmt.Errorf("source state %s: %w", url, store.ErrNotFound)
	}
	if err != nil {
		return store.SourceState{}, fmt.Errorf("source state %s: %w", url, lost(err))
	}
	return st, nil
}

// sqlSourceStatesOf reads the states of the URLs $1 by the index on
// md5(url), the URLs read through subqueries, as anyKey does, so that the
// generic plan is kept whatever their number.
const sqlSourceStatesOf = `SELECT ` + sourceColumns + ` FROM source_states
	WHERE md5(url) = ANY(ARRAY(SELECT md5(u) FROM unnest($1::text[]) u)) AND url = ` + anyKey

// SourceStatesOf returns the states of the sources at urls, by URL as
// given, in one statement; those with none are left out.
func (s *Store) SourceStatesOf(ctx context.Context, urls ...string) (map[string]store.SourceState, error) {
	asked, forms := storedForms(urls)
	out := make(map[string]store.SourceState, len(forms))
	if len(forms) == 0 {
		return out, nil
	}
	rows, err := s.db.Query(ctx, sqlSourceStatesOf, forms)
	if err != nil {
		return nil, fmt.Errorf("source states of %d: %w", len(forms), lost(err))
	}
	states, err := pgx.CollectRows(rows, scanSourceState)
	if err != nil {
		return nil, fmt.Errorf("source states of %d: %w", len(forms), lost(err))
	}
	for _, st := range states {
		for _, u := range asked[st.URL] {
			out[u] = st
		}
	}
	return out, nil
}

// PutSourceState stores the states given, replacing what was there, in
// one transaction: one statement a state, sent in one round trip.
func (s *Store) PutSourceState(ctx context.Context, states ...store.SourceState) error {
	if len(states) == 0 {
		return nil
	}
	b := &pgx.Batch{}
	if err := queueSourceStates(b, states); err != nil {
		return err
	}
	err := s.write(ctx, func(tx pgx.Tx, _ int64) (bool, error) {
		err := tx.SendBatch(ctx, b).Close()
		return err == nil, err
	})
	if err != nil {
		return fmt.Errorf("put source state: %w", err)
	}
	return nil
}

// DeleteSourceStates deletes the states at urls in one transaction.
func (s *Store) DeleteSourceStates(ctx context.Context, urls ...string) (int, error) {
	if len(urls) == 0 {
		return 0, nil
	}
	keys := make([]string, len(urls))
	for i, u := range urls {
		keys[i] = text(u)
	}
	var n int
	err := s.write(ctx, func(tx pgx.Tx, _ int64) (bool, error) {
		tag, err := tx.Exec(ctx, `DELETE FROM source_states WHERE md5(url) IN (SELECT md5(u) FROM unnest($1::text[]) u)
			AND url = ANY($1)`, keys)
		n = int(tag.RowsAffected())
		return n > 0, err
	})
	if err != nil {
		return 0, fmt.Errorf("delete source states: %w", err)
	}
	return n, nil
}

// queueSourceStates queues the statements that store states on b.
func queueSourceStates(b *pgx.Batch, states []store.SourceState) error {
	for _, st := range states {
		if st.URL == "" {
			return errors.New("put source state: empty URL")
		}
		var lastRead string
		if !st.LastRead.IsZero() {
			data, err := json.Marshal(st.LastRead)
			if err != nil {
				return fmt.Errorf("put source state %s: %w", st.URL, err)
			}
			lastRead = string(data)
		}
		b.Queue(sqlPutSourceState, text(st.URL), text(st.ETag), text(st.LastModified), timestamp(st.LastFetch),
			timestamp(st.LastSuccess), text(st.LastStatus), st.Items, st.Errors, timestamp(st.NextFetch),
			int64(st.Interval), st.Paused, text(lastRead))
	}
	return nil
}

const sqlPutSourceState = `INSERT INTO source_states (` + sourceColumns + `)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
	ON CONFLICT ((md5(url))) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,
		last_fetch = excluded.last_fetch, last_success = excluded.last_success,
		last_status = excluded.last_status, items = excluded.items, errors = excluded.errors,
		next_fetch = excluded.next_fetch, interval_ns = excluded.interval_ns, paused = excluded.paused,
		last_read = excluded.last_read`

func scanSourceState(row pgx.CollectableRow) (store.SourceState, error) {
	var (
		st                   store.SourceState
		fetch, success, next *time.Time
		interval             int64
		lastRead             string
	)
	err := row.Scan(&st.URL, &st.ETag, &st.LastModified, &fetch, &success, &st.LastStatus,
		&st.Items, &st.Errors, &next, &interval, &st.Paused, &lastRead)
	if err != nil {
		return store.SourceState{}, err
	}
	if lastRead != "" {
		if err := json.Unmarshal([]byte(lastRead), &st.LastRead); err != nil {
			return store.SourceState{}, fmt.Errorf("last read of %s: %w", st.URL, err)
		}
	}
	st.LastFetch, st.LastSuccess, st.NextFetch = fromTimestamp(fetch), fromTimestamp(success), fromTimestamp(next)
	st.Interval = time.Duration(interval)
	return st, nil
}

// timestamp stores a time to the microsecond; the zero time is NULL.
func timestamp(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.Truncate(time.Microsecond)
	return &t
}

func fromTimestamp(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}
