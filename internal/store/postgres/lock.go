package postgres

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
)

// ErrLocked is returned by TryLock when another session holds the lock.
var ErrLocked = errors.New("locked by another process")

// TryLock takes the advisory lock called name without waiting, on a
// connection of its own that holds it until unlock is called or the
// process ends (the server drops a session's locks with the session).
func (s *Store) TryLock(ctx context.Context, name string) (unlock func() error, err error) {
	key := lockKey(name)
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	var ok bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&ok); err != nil {
		conn.Release()
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	if !ok {
		conn.Release()
		return nil, fmt.Errorf("lock %s: %w", name, ErrLocked)
	}
	return func() error {
		defer conn.Release()
		_, err := conn.Exec(context.Background(), `SELECT pg_advisory_unlock($1)`, key)
		return err
	}, nil
}

// lockKey is the advisory lock key called name: a hash, apart from the
// keys of the store's own locks by its prefix.
func lockKey(name string) int64 {
	h := fnv.New64a()
	h.Write([]byte("newshub:" + name))
	return int64(h.Sum64())
}
