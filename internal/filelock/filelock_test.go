package filelock_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"newshub/internal/filelock"
)

// Two opens of one file are two open file descriptions, which lock each other
// out as two processes do.
func open(t *testing.T, path string) *os.File {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestTryLockRefusesWhileHeldAndTakesAfterClose(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hub.lock")
	a, b := open(t, path), open(t, path)
	if err := filelock.TryLock(a); err != nil {
		t.Fatalf("first lock: %v", err)
	}
	if err := filelock.TryLock(b); !errors.Is(err, filelock.ErrLocked) {
		t.Fatalf("second lock while the first is held: got %v, want ErrLocked", err)
	}
	a.Close()
	if err := filelock.TryLock(b); err != nil {
		t.Fatalf("lock after the holder closed: %v", err)
	}
}

func TestLockWaitsForTheHolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hub.lock")
	a, b := open(t, path), open(t, path)
	if err := filelock.Lock(a); err != nil {
		t.Fatal(err)
	}
	got := make(chan error, 1)
	go func() { got <- filelock.Lock(b) }()
	select {
	case err := <-got:
		t.Fatalf("Lock returned (%v) while another holder had the lock", err)
	case <-time.After(100 * time.Millisecond):
	}
	a.Close()
	if err := <-got; err != nil {
		t.Fatalf("Lock after the holder closed: %v", err)
	}
}
