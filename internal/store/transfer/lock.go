package transfer

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// ErrLocked is returned when another process holds a lock.
var ErrLocked = errors.New("locked by another process")

// LockFile takes an exclusive lock on the file at path, creating it,
// without waiting: ErrLocked when another process holds it. The lock ends
// with unlock or with the process. For a SQLite store the lock is a file
// beside the database, never the database itself: closing a descriptor of
// that file would drop the locks SQLite holds on it.
func LockFile(path string) (unlock func() error, err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("lock %s: %w", path, ErrLocked)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return f.Close, nil
}
