// Package testutil holds helpers shared by newshub's tests.
package testutil

import (
	"os"
	"os/exec"
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

// Chromium returns the browser binary for tests that drive one. When there
// is none the test is skipped, except under CI=true (./scripts/test installs
// it), where it fails.
func Chromium(t testing.TB) string {
	t.Helper()
	for _, p := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is missing (required under CI=true): install Debian's chromium package")
	}
	t.Skip("chromium is not installed; skipping the browser tests")
	return ""
}
