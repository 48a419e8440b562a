package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"newshub/internal/importer"
	"newshub/internal/publish"
)

// staticGiven is what an import gave the site folder's static/ folder
// (publish.StaticDir) of the imported folder's, which every build
// publishes and the store does not hold. Paths are site paths
// ("static/CNAME").
type staticGiven struct {
	// Added are the files the site folder had none of, copied with
	// their modes.
	Added []string
	// Same counts the files the site folder held with the same bytes.
	Same int
	// Kept are the files the site folder holds with other bytes (or as
	// other than a file): the site's own are kept, as an operator may
	// have changed them for the new machine (a CNAME of its own name),
	// and nothing of a live site is overwritten.
	Kept []string
	// Left are the files a build leaves out (a link leading out of the
	// folder, a named pipe, a file too large), and why: they are not
	// copied either.
	Left []importer.Skip
}

// importStatic gives the site folder site the static/ files of the
// imported folder src it has none of, when the two are not one folder:
// without them the moved hub's builds published no CNAME, robots.txt or
// .well-known/ file, which export writes beside the records for the
// hub's next site folder.
func importStatic(ctx context.Context, src, site string) (staticGiven, error) {
	var res staticGiven
	if importer.SameFolder(site, src) {
		return res, nil
	}
	from, err := os.OpenRoot(filepath.Join(src, publish.StaticDir))
	if errors.Is(err, fs.ErrNotExist) {
		return res, nil
	}
	if err != nil {
		return res, wrapStatic(err)
	}
	defer from.Close()
	var names []string
	err = fs.WalkDir(from.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			names = append(names, p)
		}
		return ctx.Err()
	})
	if err != nil || len(names) == 0 {
		return res, wrapStatic(err)
	}
	dir := filepath.Join(site, publish.StaticDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return res, wrapStatic(err)
	}
	// Within the site's folder only: a link there leading out is not
	// written through.
	to, err := os.OpenRoot(dir)
	if err != nil {
		return res, wrapStatic(err)
	}
	defer to.Close()
	for _, p := range names {
		rel := publish.StaticDir + "/" + p
		data, perm, err := readStaticFile(from, p)
		var left *publish.LeftOut
		if errors.As(err, &left) {
			res.Left = append(res.Left, importer.Skip{Path: rel, Reason: left.Reason})
			continue
		}
		if err != nil {
			return res, fmt.Errorf("import: %s: %w", rel, err)
		}
		switch have, err := to.ReadFile(filepath.FromSlash(p)); {
		case err == nil && bytes.Equal(have, data):
			res.Same++
			continue
		case !errors.Is(err, fs.ErrNotExist):
			// Another file, a folder, a link: the site's own.
			res.Kept = append(res.Kept, rel)
			continue
		}
		added, err := addFile(to, filepath.FromSlash(p), data, perm)
		if err != nil {
			return res, fmt.Errorf("import: %s: %w", rel, err)
		}
		if !added {
			res.Kept = append(res.Kept, rel)
			continue
		}
		res.Added = append(res.Added, rel)
	}
	return res, nil
}

func wrapStatic(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("import: %s: %w", publish.StaticDir, err)
}

// addFile writes data as the new file name of root, with the mode perm,
// whole or not at all: the bytes go to a hidden file beside it, linked
// into its place only if none has been made there meanwhile. It reports
// false, writing nothing, when name is taken.
func addFile(root *os.Root, name string, data []byte, perm fs.FileMode) (bool, error) {
	if dir := filepath.Dir(name); dir != "." {
		if err := root.MkdirAll(dir, 0o755); err != nil {
			return false, err
		}
	}
	tmp := filepath.Join(filepath.Dir(name), "."+filepath.Base(name)+".newshub-import")
	root.Remove(tmp) // left by an import killed while writing it
	f, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return false, err
	}
	defer root.Remove(tmp)
	// The umask may have taken bits off a group-writable file.
	err = f.Chmod(perm)
	if err == nil {
		_, err = f.Write(data)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return false, err
	}
	err = root.Link(tmp, name)
	if err != nil && !errors.Is(err, fs.ErrExist) {
		// A file system without links (FAT): the rename takes the
		// place, looked at just before.
		if _, lerr := root.Lstat(name); errors.Is(lerr, fs.ErrNotExist) {
			err = root.Rename(tmp, name)
		}
	}
	if errors.Is(err, fs.ErrExist) {
		return false, nil
	}
	return err == nil, err
}
