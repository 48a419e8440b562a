//go:build windows

package filelock

import (
	"errors"
	"os"

	"golang.org/x/sys/windows"
)

// Lock waits for an exclusive lock on f; closing f releases it.
func Lock(f *os.File) error {
	return lock(f, windows.LOCKFILE_EXCLUSIVE_LOCK)
}

// TryLock takes an exclusive lock on f without waiting: ErrLocked when
// another process holds it. Closing f releases it.
func TryLock(f *os.File) error {
	err := lock(f, windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY)
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
		return ErrLocked
	}
	return err
}

// lock locks the whole file, as cmd/go's file locks do: every byte a file
// can have, so the lock does not depend on its size.
func lock(f *os.File, flags uint32) error {
	return windows.LockFileEx(windows.Handle(f.Fd()), flags, 0, ^uint32(0), ^uint32(0), new(windows.Overlapped))
}
