// Package testutil holds helpers shared by newshub's tests.
package testutil

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
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
	dir, ok := SharedIfPresent(t, name)
	if !ok {
		t.Skipf("shared data %s is absent; skipping", dir)
	}
	return dir
}

// SharedIfPresent is Shared for a test that has more to check without the
// shared data: it returns the folder's path and whether it is there, and
// logs its absence instead of skipping (under CI=true absence still fails).
func SharedIfPresent(t testing.TB, name string) (string, bool) {
	t.Helper()
	dir := filepath.Join(Root(t), "..", "shared", name)
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shared data %s is missing (required under CI=true): %v", dir, err)
		}
		t.Logf("shared data %s is absent; going on without it", dir)
		return dir, false
	}
	return dir, true
}

// Chromium returns the path of a Chromium (or Chrome) binary for browser
// tests. When there is none the test is skipped with a message, except
// under CI=true, where scripts/test installs it and absence fails the test.
func Chromium(t testing.TB) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is missing (required under CI=true): install Debian's chromium package")
	}
	t.Skip("chromium is not installed; skipping the browser test")
	return ""
}

// BuildBinary returns the newshub command built from this checkout. It is
// built once per test binary and shared by every test that asks (linking
// the whole program takes seconds each time); RemoveBinary, called when
// the tests end, removes it.
func BuildBinary(t testing.TB) string {
	t.Helper()
	root := Root(t)
	built.once.Do(func() {
		dir, err := os.MkdirTemp("", "newshub-test-bin-")
		if err != nil {
			built.err = err
			return
		}
		built.dir = dir
		bin := filepath.Join(dir, "newshub")
		cmd := exec.Command("go", "build", "-o", bin, "./cmd/newshub")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			built.err = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		built.bin = bin
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.bin
}

// built is the binary BuildBinary shares.
var built struct {
	once sync.Once
	dir  string
	bin  string
	err  error
}

// RemoveBinary removes the binary BuildBinary built, if it did.
func RemoveBinary() {
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
}

// Files returns the bytes of every file under dir (a link is read
// through), by slash path.
func Files(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = data
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// WriteFile writes body to the file at the slash-separated path rel under
// dir, making its folders.
func WriteFile(t testing.TB, dir, rel, body string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}
