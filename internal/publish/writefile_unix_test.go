//go:build unix

package publish

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestWriteFileCreatesOrReplacesWithTheBytes(t *testing.T) {
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // more than one write may take
	tests := []struct {
		name   string
		before []byte // nil: no file yet
		data   []byte
	}{
		{"new file", nil, []byte(`{"page":1}`)},
		{"shorter than the file it replaces", []byte("a longer old document"), []byte("new")},
		{"empty", []byte("old"), []byte{}},
		{"large", nil, big},
	}
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := filepath.Join(t.TempDir(), "index.json")
			if tt.before != nil {
				if err := os.WriteFile(name, tt.before, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if err := writeFile(name, tt.data); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tt.data) {
				t.Errorf("file holds %d bytes, want the %d written", len(got), len(tt.data))
			}
			fi, err := os.Stat(name)
			if err != nil {
				t.Fatal(err)
			}
			want := os.FileMode(0o644)
			if tt.before != nil {
				want = 0o600 // an existing file keeps its mode, as with os.WriteFile
			}
			if fi.Mode().Perm() != want {
				t.Errorf("mode %v, want %v", fi.Mode().Perm(), want)
			}
		})
	}
}

func TestWriteFileFailsWhereNoFileCanBe(t *testing.T) {
	dir := t.TempDir()
	if err := writeFile(filepath.Join(dir, "missing", "index.json"), []byte("x")); err == nil {
		t.Error("a file in a missing folder was reported written")
	}
	if err := writeFile(dir, []byte("x")); err == nil {
		t.Error("a folder was reported written as a file")
	}
}

// A manifest whose save meets a full disk leaves no part of itself
// beside OUT: the temporary file, where a write to /dev/full stands for
// the disk, is removed with the error, and no manifest is trusted.
func TestManifestSavedOnAFullDiskLeavesNothing(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skipf("no /dev/full to stand for a full disk: %v", err)
	}
	out := filepath.Join(t.TempDir(), "site")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	m := &Manifest{}
	m.keep(map[string]fileSum{"index.html": {size: 10, mtime: 1, sum: 2}})
	tmp := manifestFile(out) + ".tmp"
	if err := os.Symlink("/dev/full", tmp); err != nil {
		t.Fatal(err)
	}
	err := saveManifest(m, out)
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("save on a full disk: %v, want no space left", err)
	}
	for _, name := range []string{tmp, manifestFile(out)} {
		if _, err := os.Lstat(name); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s left after the save failed: %v", filepath.Base(name), err)
		}
	}
}
