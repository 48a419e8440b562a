//go:build unix

package sqlite

import (
	"errors"
	"fmt"
	"os"
	"syscall"

	"newshub/internal/store"
)

// lockBulk takes the lock of a bulk load's marker file, creating it. The
// lock lasts until unlock, or until the process ends however it ends;
// unlock removes the marker first when the load left the store whole.
func lockBulk(marker string) (unlock func(remove bool), err error) {
	f, err := os.OpenFile(marker, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("bulk load: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w: a bulk import is loading this store (%s); try again when it has finished", store.ErrNoBulk, marker)
		}
		return nil, fmt.Errorf("bulk load: lock %s: %w", marker, err)
	}
	return func(remove bool) {
		if remove {
			os.Remove(marker)
		}
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
