// Package testutil holds helpers shared by newshub's tests.
package testutil

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Root returns the repository root (the folder holding go.mod).
func Root(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("testutil: cannot locate source file")
	}
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// Shared returns the path of a folder under ../shared beside the checkout
// (for example "smartable-sample" or "datasets"). When it is absent the test
// is skipped with a message, except under CI=true, where absence fails it.
func Shared(t testing.TB, name string) string {
	t.Helper()
	dir := filepath.Join(Root(t), "..", "shared", name)
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shared data %s is missing (required under CI=true): %v", dir, err)
		}
		t.Skipf("shared data %s is absent; skipping", dir)
	}
	return dir
}
