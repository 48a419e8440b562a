package transfer

import (
	"fmt"
	"os"

	"newshub/internal/filelock"
)

// ErrLocked is returned when another process holds a lock.
var ErrLocked = filelock.ErrLocked

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
	if err := filelock.TryLock(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return f.Close, nil
}
