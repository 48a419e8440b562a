//go:build unix

package filelock

import (
	"errors"
	"os"
	"syscall"
)

// Lock waits for an exclusive lock on f; closing f releases it.
func Lock(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
}

// TryLock takes an exclusive lock on f without waiting: ErrLocked when
// another process holds it. Closing f releases it.
func TryLock(f *os.File) error {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return ErrLocked
	}
	return err
}
