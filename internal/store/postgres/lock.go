package postgres

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"

	"github.com/jackc/pgx/v5/pgxpool"
)

// ErrLocked is returned by TryLock when another session holds the lock.
var ErrLocked = errors.New("locked by another process")

// TryLock takes the advisory lock called name without waiting, on a
// connection of its own that holds it until unlock is called or the
// process ends (the server drops a session's locks with the session).
func (s *Store) TryLock(ctx context.Context, name string) (unlock func() error, err error) {
	conn, err := s.tryLock(ctx, name)
	if err != nil {
		return nil, err
	}
	return func() error {
		defer conn.Release()
		_, err := conn.Exec(context.Background(), `SELECT pg_advisory_unlock($1)`, lockKey(name))
		return err
	}, nil
}

// tryLock takes the advisory lock called name without waiting, and returns
// the connection whose session holds it.
func (s *Store) tryLock(ctx context.Context, name string) (*pgxpool.Conn, error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	var ok bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, lockKey(name)).Scan(&ok); err != nil {
		conn.Release()
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	if !ok {
		conn.Release()
		return nil, fmt.Errorf("lock %s: %w", name, ErrLocked)
	}
	return conn, nil
}

// unlock releases the session lock called name that conn holds, and conn.
func unlock(ctx context.Context, conn *pgxpool.Conn, name string) {
	if _, err := conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, lockKey(name)); err != nil {
		// Ending the session is the other way to drop its locks.
		conn.Conn().Close(context.WithoutCancel(ctx))
	}
	conn.Release()
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
				cancel(fmt.Errorf("%w: %w", errSessionEnded, err))
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

// lockKey is the advisory lock key called name: a hash, apart from the
// keys of the store's own locks by its prefix.
func lockKey(name string) int64 {
	h := fnv.New64a()
	h.Write([]byte("newshub:" + name))
	return int64(h.Sum64())
}
