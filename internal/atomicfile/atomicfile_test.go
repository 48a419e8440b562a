package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

// TestPermKeepsAFilesMode gives the mode of a file there, and the default
// for a path with no file, or a folder.
func TestPermKeepsAFilesMode(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sources.yaml")
	if got := Perm(path, 0o644); got != 0o644 {
		t.Errorf("no file: %v, want the default", got)
	}
	if got := Perm(dir, 0o644); got != 0o644 {
		t.Errorf("a folder: %v, want the default", got)
	}
	if err := os.WriteFile(path, []byte("sources: []\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o664); err != nil {
		t.Fatal(err)
	}
	if got := Perm(path, 0o644); got != 0o664 {
		t.Errorf("a file of 0664: %v", got)
	}
}

// TestWriteReplacesTheFileWhole writes a file in folders that do not
// exist yet, replaces it, and checks the bytes, the permissions and that
// no temporary file is left beside it.
func TestWriteReplacesTheFileWhole(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a", "b", "users.yaml")
	for _, c := range []struct {
		data string
		perm os.FileMode
	}{{"first\n", 0o644}, {"second, longer\n", 0o600}} {
		if err := Write(path, []byte(c.data), c.perm); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != c.data {
			t.Fatalf("read %q %v, want %q", got, err, c.data)
		}
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != c.perm {
			t.Errorf("mode %v, want %v", fi.Mode().Perm(), c.perm)
		}
		entries, err := os.ReadDir(filepath.Dir(path))
		if err != nil || len(entries) != 1 {
			t.Errorf("the folder holds %d entries, want the file alone: %v", len(entries), err)
		}
	}
}
