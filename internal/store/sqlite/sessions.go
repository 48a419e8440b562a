package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"newshub/internal/store"
)

// The admin area's sessions and keys are written in write transactions of
// their own, none of which bumps the generation: no page of the hub shows
// them.

// inWrite runs fn in a write transaction, committed when fn returns nil.
func (s *Store) inWrite(ctx context.Context, op string, fn func(tx *sql.Tx) error) (err error) {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	defer s.endWrite(tx, &err)
	if err := fn(tx); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}

// StartSession stores sess with the sweep of the sessions expired at
// sess.Created and, past max, of the least recently seen.
func (s *Store) StartSession(ctx context.Context, sess store.Session, life store.SessionLife, max int) error {
	now := sess.Created
	return s.inWrite(ctx, "start session", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM admin_sessions WHERE seen <= ? OR created <= ?`,
			now.Add(-life.Idle).UnixMicro(), now.Add(-life.Max).UnixMicro()); err != nil {
			return fmt.Errorf("sweep: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM admin_sessions WHERE hash IN (SELECT hash FROM admin_sessions
			ORDER BY seen LIMIT max(0, (SELECT count(*) FROM admin_sessions) - ? + 1))`, max); err != nil {
			return fmt.Errorf("cap: %w", err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO admin_sessions (hash, account, stamp, created, seen, note)
			VALUES (?, ?, ?, ?, ?, ?)`, sess.Hash, sess.User, sess.Stamp, sess.Created.UnixMicro(), sess.Seen.UnixMicro(), sess.Note)
		return err
	})
}

// TouchSession marks the session seen when it is live and its seen is
// stale, and returns it; else it deletes what there is of it, in one
// write transaction.
func (s *Store) TouchSession(ctx context.Context, hash []byte, now time.Time, life store.SessionLife) (store.Session, error) {
	sess := store.Session{Hash: hash}
	live := false
	err := s.inWrite(ctx, "touch session", func(tx *sql.Tx) error {
		var created, seen int64
		err := tx.QueryRowContext(ctx, `SELECT account, stamp, created, seen, note FROM admin_sessions WHERE hash = ?`, hash).
			Scan(&sess.User, &sess.Stamp, &created, &seen, &sess.Note)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		sess.Created, sess.Seen = time.UnixMicro(created).UTC(), time.UnixMicro(seen).UTC()
		live = err == nil && life.Live(sess.Created, sess.Seen, now)
		switch {
		case !live:
			_, err = tx.ExecContext(ctx, `DELETE FROM admin_sessions WHERE hash = ?`, hash)
		case life.Stale(sess.Seen, now):
			sess.Seen = now.Truncate(time.Microsecond).UTC()
			_, err = tx.ExecContext(ctx, `UPDATE admin_sessions SET seen = ? WHERE hash = ?`, now.UnixMicro(), hash)
		}
		return err
	})
	if err != nil {
		return store.Session{}, err
	}
	if !live {
		return store.Session{}, fmt.Errorf("session: %w", store.ErrNotFound)
	}
	return sess, nil
}

// EndSessions deletes the sessions named by hashes.
func (s *Store) EndSessions(ctx context.Context, hashes ...[]byte) error {
	return s.inWrite(ctx, "end sessions", func(tx *sql.Tx) error {
		for _, h := range hashes {
			if _, err := tx.ExecContext(ctx, `DELETE FROM admin_sessions WHERE hash = ?`, h); err != nil {
				return err
			}
		}
		return nil
	})
}

// EndUserSessions deletes every session of user.
func (s *Store) EndUserSessions(ctx context.Context, user string) (int, error) {
	var n int64
	err := s.inWrite(ctx, "end sessions of "+user, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM admin_sessions WHERE account = ?`, user)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

// SetSessionNote keeps note for the session's next page.
func (s *Store) SetSessionNote(ctx context.Context, hash, note []byte) error {
	return s.inWrite(ctx, "set session note", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE admin_sessions SET note = ? WHERE hash = ?`, note, hash)
		return err
	})
}

// TakeSessionNote returns the session's note and forgets it.
func (s *Store) TakeSessionNote(ctx context.Context, hash []byte) ([]byte, error) {
	var note []byte
	err := s.inWrite(ctx, "take session note", func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT note FROM admin_sessions WHERE hash = ?`, hash).Scan(&note)
		if errors.Is(err, sql.ErrNoRows) || note == nil {
			return nil
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE admin_sessions SET note = NULL WHERE hash = ?`, hash)
		return err
	})
	return note, err
}

// SessionKey returns the key called name, storing fresh as it when there
// is none: the first process to ask makes it.
func (s *Store) SessionKey(ctx context.Context, name string, fresh []byte) ([]byte, error) {
	var key []byte
	err := s.inWrite(ctx, "session key "+name, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO admin_keys (name, key) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`,
			name, fresh); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT key FROM admin_keys WHERE name = ?`, name).Scan(&key)
	})
	return key, err
}
