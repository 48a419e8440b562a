package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"newshub/internal/store"
)

// The admin area's sessions and keys are written apart from the records:
// no write of them bumps the generation or notifies a watcher, as no page
// of the hub shows them.

// StartSession stores sess with the sweep of the sessions expired at
// sess.Created and, past max, of the least recently seen, in one
// transaction. Two processes starting sessions at once may each leave
// max: the cap bounds the table, not one process's count.
func (s *Store) StartSession(ctx context.Context, sess store.Session, life store.SessionLife, max int) error {
	now := sess.Created
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM admin_sessions WHERE seen <= $1 OR created <= $2`,
			now.Add(-life.Idle), now.Add(-life.Max)); err != nil {
			return fmt.Errorf("sweep: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM admin_sessions WHERE hash IN (SELECT hash FROM admin_sessions
			ORDER BY seen LIMIT greatest(0, (SELECT count(*) FROM admin_sessions) - $1 + 1))`, max); err != nil {
			return fmt.Errorf("cap: %w", err)
		}
		_, err := tx.Exec(ctx, `INSERT INTO admin_sessions (hash, account, stamp, created, seen, note)
			VALUES ($1, $2, $3, $4, $5, $6)`, sess.Hash, text(sess.User), sess.Stamp,
			sess.Created.Truncate(time.Microsecond), sess.Seen.Truncate(time.Microsecond), sess.Note)
		return err
	})
	if err != nil {
		return fmt.Errorf("start session: %w", lost(err))
	}
	return nil
}

// TouchSession marks the session seen when it is live and its seen is
// stale, and returns it; else it deletes what there is of it. It reads
// first: most requests of a session in use write nothing.
func (s *Store) TouchSession(ctx context.Context, hash []byte, now time.Time, life store.SessionLife) (store.Session, error) {
	sess := store.Session{Hash: hash}
	err := s.pool.QueryRow(ctx, `SELECT account, stamp, created, seen, note FROM admin_sessions WHERE hash = $1`, hash).
		Scan(&sess.User, &sess.Stamp, &sess.Created, &sess.Seen, &sess.Note)
	if err != nil && !errNoRows(err) {
		return store.Session{}, fmt.Errorf("touch session: %w", lost(err))
	}
	sess.Created, sess.Seen = sess.Created.UTC(), sess.Seen.UTC()
	switch {
	case err != nil || !life.Live(sess.Created, sess.Seen, now):
		if _, err := s.pool.Exec(ctx, `DELETE FROM admin_sessions WHERE hash = $1`, hash); err != nil {
			return store.Session{}, fmt.Errorf("touch session: %w", lost(err))
		}
		return store.Session{}, fmt.Errorf("session: %w", store.ErrNotFound)
	case !life.Stale(sess.Seen, now):
		return sess, nil
	}
	// Never back: another process may have written a later request.
	sess.Seen = now.Truncate(time.Microsecond).UTC()
	tag, err := s.pool.Exec(ctx, `UPDATE admin_sessions SET seen = greatest(seen, $2) WHERE hash = $1`, hash, sess.Seen)
	switch {
	case err != nil:
		return store.Session{}, fmt.Errorf("touch session: %w", lost(err))
	case tag.RowsAffected() == 0: // ended since it was read
		return store.Session{}, fmt.Errorf("session: %w", store.ErrNotFound)
	}
	return sess, nil
}

// EndSessions deletes the sessions named by hashes.
func (s *Store) EndSessions(ctx context.Context, hashes ...[]byte) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM admin_sessions WHERE hash = ANY($1)`, hashes); err != nil {
		return fmt.Errorf("end sessions: %w", lost(err))
	}
	return nil
}

// EndUserSessions deletes every session of user.
func (s *Store) EndUserSessions(ctx context.Context, user string) (int, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM admin_sessions WHERE account = $1`, text(user))
	if err != nil {
		return 0, fmt.Errorf("end sessions of %s: %w", user, lost(err))
	}
	return int(tag.RowsAffected()), nil
}

// SetSessionNote keeps note for the session's next page.
func (s *Store) SetSessionNote(ctx context.Context, hash, note []byte) error {
	if _, err := s.pool.Exec(ctx, `UPDATE admin_sessions SET note = $2 WHERE hash = $1`, hash, note); err != nil {
		return fmt.Errorf("set session note: %w", lost(err))
	}
	return nil
}

// TakeSessionNote returns the session's note and forgets it in one
// statement, so two requests of the session never both show it.
func (s *Store) TakeSessionNote(ctx context.Context, hash []byte) ([]byte, error) {
	var note []byte
	err := s.pool.QueryRow(ctx, `UPDATE admin_sessions n SET note = NULL
		FROM (SELECT hash, note FROM admin_sessions WHERE hash = $1 AND note IS NOT NULL FOR UPDATE) o
		WHERE n.hash = o.hash RETURNING o.note`, hash).Scan(&note)
	if err != nil && !errNoRows(err) {
		return nil, fmt.Errorf("take session note: %w", lost(err))
	}
	return note, nil
}

// SessionKey returns the key called name, storing fresh as it when there
// is none. It reads first, so a process reading a standby, where nothing
// is written, gets the key the primary made.
func (s *Store) SessionKey(ctx context.Context, name string, fresh []byte) ([]byte, error) {
	var key []byte
	err := s.pool.QueryRow(ctx, `SELECT key FROM admin_keys WHERE name = $1`, name).Scan(&key)
	if errNoRows(err) {
		// Its own statement, then a read of its own: a key another
		// process inserted meanwhile is the one kept, and read.
		if _, err = s.pool.Exec(ctx, `INSERT INTO admin_keys (name, key) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`,
			name, fresh); err == nil {
			err = s.pool.QueryRow(ctx, `SELECT key FROM admin_keys WHERE name = $1`, name).Scan(&key)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("session key %s: %w", name, lost(err))
	}
	return key, nil
}
