package publish

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// exchange swaps the paths a and b in one step (renameat2 with
// RENAME_EXCHANGE). It returns errors.ErrUnsupported where the kernel or
// the file system cannot.
func exchange(a, b string) error {
	err := unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, unix.ENOSYS), errors.Is(err, unix.EINVAL):
		return fmt.Errorf("exchange %s and %s: %w (%w)", a, b, errors.ErrUnsupported, err)
	}
	return fmt.Errorf("exchange %s and %s: %w", a, b, err)
}

// exchangeable tells that exchange can work on this system.
const exchangeable = true
