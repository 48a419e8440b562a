// Package filelock takes advisory, exclusive locks on open files, which the
// system releases when the file is closed or the process dies: flock on
// Unix, LockFileEx on Windows.
package filelock

import "errors"

// ErrLocked is returned by TryLock when another process holds the lock.
var ErrLocked = errors.New("locked by another process")
