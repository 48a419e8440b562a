package cli

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// hubOnce generates a hub of articles with seed and runs each command
// line of steps on it in turn. The cases of a test that all start from
// the same hub each take a copy of it (copyFor), where each generated,
// imported and built it again: the same work, most of a case's time.
func hubOnce(t *testing.T, articles int, seed int64, steps ...[]string) *editHub {
	t.Helper()
	h := &editHub{t: t, site: genSite(t, articles, seed), db: filepath.Join(t.TempDir(), "hub.db")}
	for _, args := range steps {
		h.run(args...)
	}
	return h
}

// copyFor returns, for the case t, a hub on copies of h's site folder
// and store, as the commands run on h left them (closed: each command
// closes the store it opened).
func (h *editHub) copyFor(t *testing.T) *editHub {
	t.Helper()
	c := &editHub{t: t, site: filepath.Join(t.TempDir(), "site"), db: filepath.Join(t.TempDir(), "db", filepath.Base(h.db))}
	copyTree(t, h.site, c.site)
	// The store's folder whole, with any file SQLite keeps beside it.
	copyTree(t, filepath.Dir(h.db), filepath.Dir(c.db))
	return c
}

// copyTree copies the folder src to dst, which must not exist, keeping
// the files' modes and links.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		to := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			return os.Mkdir(to, info.Mode().Perm())
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(target, to)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.WriteFile(to, data, info.Mode().Perm()); err != nil {
			return err
		}
		// WriteFile's mode passes through the umask; the copy keeps the
		// source's.
		return os.Chmod(to, info.Mode().Perm())
	})
	if err != nil {
		t.Fatalf("copy %s: %v", src, err)
	}
}
