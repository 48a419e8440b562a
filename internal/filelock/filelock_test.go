package filelock_test

import (
	"context"
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

// TestAcquireWaitsForTheHolderAndGivesUpWithItsContext holds a lock, then
// asks Acquire for it: with a short context it gives up with the
// context's error; with a longer one it gets the lock once the holder lets
// go.
func TestAcquireWaitsForTheHolderAndGivesUpWithItsContext(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.lock")
	unlock, err := filelock.Acquire(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := filelock.Acquire(short, path); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Acquire while another holds the lock: %v, want the context's deadline", err)
	}
	released := make(chan time.Time, 1)
	go func() {
		time.Sleep(150 * time.Millisecond)
		released <- time.Now()
		unlock()
	}()
	unlock2, err := filelock.Acquire(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	got := time.Now()
	defer unlock2()
	if at := <-released; got.Before(at) {
		t.Errorf("Acquire returned %v before the holder let go", at.Sub(got))
	}
}
