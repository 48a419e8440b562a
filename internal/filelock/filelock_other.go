//go:build !unix && !windows

package filelock

import (
	"errors"
	"os"
)

// Lock is not supported on this system.
func Lock(f *os.File) error { return errors.ErrUnsupported }

// TryLock is not supported on this system.
func TryLock(f *os.File) error { return errors.ErrUnsupported }
