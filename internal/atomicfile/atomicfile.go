// Package atomicfile replaces files so that a reader, or a crash, sees the
// old bytes or the new, never a part: the site folder's files that
// newshub writes while others read them (the sources list, the decisions
// log, newsletter issues, the accounts file).
package atomicfile

import (
	"os"
	"path/filepath"
)

// Write replaces the file at path with data, with permissions perm,
// creating its parent folders when missing: the data is written to a
// temporary file in the same folder, synced, and renamed over path.
func Write(path string, data []byte, perm os.FileMode) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Perm returns the permission bits of the file at path, or def when there
// is none: a file of the site folder the hub writes again (the sources
// list, the decisions log) keeps the mode its owner gave it, a sources
// list kept 0600 or shared with a group 0664, rather than become def.
func Perm(path string, def os.FileMode) os.FileMode {
	if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() {
		return fi.Mode().Perm()
	}
	return def
}
