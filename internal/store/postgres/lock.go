package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
)

// ErrLocked is returned by TryLock when another session holds the lock.
var ErrLocked = errors.New("locked by another process")

// TryLock takes the advisory lock called name without waiting, on a
// connection of its own that holds it until unlock is called or the
// process ends (the server drops a session's locks with the session).
func (s *Store) TryLock(ctx context.Context, name string) (func() error, error) {
	conn, err := s.tryLock(ctx, name)
	if err != nil {
		return nil, err
	}
	return func() error { return unlock(conn, s.space.lock(name)) }, nil
}

// tryLock takes the advisory lock called name without waiting, and returns
// the connection whose session holds it.
func (s *Store) tryLock(ctx context.Context, name string) (*pgxpool.Conn, error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", name, lost(err))
	}
	var ok bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, s.space.lock(name)).Scan(&ok); err != nil {
		conn.Release()
		return nil, fmt.Errorf("lock %s: %w", name, lost(err))
	}
	if !ok {
		conn.Release()
		return nil, fmt.Errorf("lock %s: %w", name, ErrLocked)
	}
	return conn, nil
}

// unlock releases the session lock key that conn holds, and conn.
func unlock(conn *pgxpool.Conn, key int64) error {
	defer conn.Release()
	return unlockSession(conn, key)
}

// errSessionEnded says the session holding a lock ended while fn ran.
var errSessionEnded = errors.New("the lock's session ended")

// holding runs fn while the session of conn holds the lock called name,
// with a context cancelled if that session ends (a server restart, a
// fail-over, a lost network): the server drops the lock with it, another
// process may take it, and fn must not go on as the lock's only holder.
func holding(ctx context.Context, conn *pgxpool.Conn, name string, fn func(ctx context.Context) error) error {
	fctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	watch, stop := context.WithCancel(context.WithoutCancel(ctx))
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		// Nothing is sent on the connection while fn runs, so a read
		// returns only when the server ends the session, or at stop.
		for {
			err := conn.Conn().PgConn().WaitForNotification(watch)
			if err == nil {
				continue // a notification, of no concern here
			}
			if watch.Err() == nil {
				cancel(fmt.Errorf("%w: %w", errSessionEnded, lost(err)))
			}
			return
		}
	}()
	err := fn(fctx)
	stop()
	<-watched
	if cause := context.Cause(fctx); err != nil && errors.Is(cause, errSessionEnded) {
		return fmt.Errorf("exclusive %s: %w (%w)", name, cause, err)
	}
	return err
}
