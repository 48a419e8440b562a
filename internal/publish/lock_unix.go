//go:build unix

package publish

import (
	"fmt"
	"os"
	"syscall"
)

// lockOut takes an exclusive lock on a file beside OUT so two builds of
// the same folder cannot run at once (each would remove the other's
// temporary tree as a leftover).
func lockOut(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("another build of the same folder is running (%s): %w", path, err)
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
