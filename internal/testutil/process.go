package testutil

import (
	"os"
	"runtime"
	"testing"
	"time"
)

// OpenFiles counts the process's open files where /proc tells them
// (Linux, where CI runs), and says 0 elsewhere, where a test's count of
// files checks nothing. On Linux a /proc it cannot read fails the test,
// so that the count is never 0 unseen.
func OpenFiles(t testing.TB) int {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		if runtime.GOOS == "linux" {
			t.Fatalf("testutil: counting open files: %v", err)
		}
		return 0
	}
	return len(fds)
}

// SettledGoroutines returns the number of goroutines once it is no more
// than want, or after half a second of tries: the server's side of a
// connection closed ends a moment after it.
func SettledGoroutines(want int) int {
	n := runtime.NumGoroutine()
	for try := 0; try < 50 && n > want; try++ {
		time.Sleep(10 * time.Millisecond)
		n = runtime.NumGoroutine()
	}
	return n
}
