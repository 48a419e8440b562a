// Package atomicfile replaces files so that a reader, or a crash, sees the
// old bytes or the new, never a part: the site folder's files that
// newshub writes while others read them (the sources list, the decisions
// log, newsletter issues, the accounts file).
package atomicfile

import (
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Write replaces the file at path with data, with permissions perm,
// creating its parent folders when missing: the data is written to a
// temporary file in the same folder, synced, and renamed over path. The
// temporary files earlier writes killed midway left there go first (see
// removeStale).
func Write(path string, data []byte, perm os.FileMode) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	removeStale(dir, filepath.Base(path), time.Now())
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

// staleAge is how old a temporary file of a write of the same path is
// when a write removes it: a write lasts a moment, so one that old was
// left by a process killed as it wrote (the OOM killer, a power loss),
// where they piled up, one for each such kill. A younger one may be
// another process's write under way.
const staleAge = 10 * time.Minute

// removeStale removes the temporary files of writes of base in dir older
// than staleAge. What cannot be removed is left: the write goes on.
func removeStale(dir, base string, now time.Time) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !isTemp(e.Name(), base) {
			continue
		}
		if fi, err := e.Info(); err == nil && fi.Mode().IsRegular() && now.Sub(fi.ModTime()) > staleAge {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// isTemp reports whether name is that of a temporary file of a write of
// base: "." + base + "." + the digits os.CreateTemp puts in + ".tmp".
func isTemp(name, base string) bool {
	mid, ok := strings.CutPrefix(name, "."+base+".")
	if !ok {
		return false
	}
	mid, ok = strings.CutSuffix(mid, ".tmp")
	return ok && mid != "" && strings.Trim(mid, "0123456789") == ""
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
