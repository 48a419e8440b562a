package filelock

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"
)

// Acquire takes an exclusive lock on the file at path, creating it, and
// waits for another process that holds it until ctx is done, trying again
// every few milliseconds (a blocking Lock could not be cut short). The
// lock ends with unlock or with the process. Where the system has no file
// locks (neither Unix nor Windows), it locks nothing.
func Acquire(ctx context.Context, path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	for wait := time.Millisecond; ; wait = min(2*wait, 50*time.Millisecond) {
		err := TryLock(f)
		if err == nil || errors.Is(err, errors.ErrUnsupported) {
			return func() { f.Close() }, nil
		}
		if !errors.Is(err, ErrLocked) {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, ctx.Err())
		case <-time.After(wait):
		}
	}
}
