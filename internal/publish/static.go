package publish

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// StaticDir is the folder of a site whose files every build publishes in
// OUT as they are, at the same paths: what an operator's host wants there
// and newshub does not make (a CNAME, robots.txt, favicon.ico,
// .well-known/), which a build would otherwise remove from OUT as no
// build's file.
const StaticDir = "static"

// StaticMaxBytes is the most a static file may hold: a build reads each
// whole into memory to compare it with OUT's.
const StaticMaxBytes = 32 << 20

// A LeftOut is a file of the static folder that is not published, with
// why.
type LeftOut struct{ Reason string }

func (e *LeftOut) Error() string { return e.Reason }

// OpenStatic opens the file name (a slash path) of the static folder
// root to publish it: a regular file, reached inside root (a link is
// followed only within it), of at most StaticMaxBytes. Any other is a
// *LeftOut saying why; a named pipe or a device is never opened.
func OpenStatic(root *os.Root, name string) (*os.File, fs.FileInfo, error) {
	name = filepath.FromSlash(name)
	fi, err := root.Stat(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil, &LeftOut{"gone, or a link leading to nothing"}
	case err != nil && !errors.Is(err, fs.ErrPermission):
		return nil, nil, &LeftOut{"a link leading out of " + StaticDir + "/"}
	case err != nil:
		return nil, nil, err
	case fi.IsDir():
		return nil, nil, &LeftOut{"a folder"}
	case !fi.Mode().IsRegular():
		return nil, nil, &LeftOut{"not a regular file (a named pipe, socket or device)"}
	case fi.Size() > StaticMaxBytes:
		return nil, nil, &LeftOut{fmt.Sprintf("larger than %d MiB, the most a static file may hold", StaticMaxBytes>>20)}
	}
	f, err := root.Open(name)
	if err != nil {
		return nil, nil, err
	}
	// The file may have been swapped since the look.
	if got, err := f.Stat(); err != nil || !os.SameFile(fi, got) {
		f.Close()
		return nil, nil, &LeftOut{"changed while read"}
	}
	return f, fi, nil
}

// putStatic publishes the files of the folder dir (the site's static/)
// at the same paths, after every file newshub makes is put: a static
// file at the path of one of those, or of one of their folders, fails
// the build naming both, before OUT changes. It returns how many files
// it put and those it left out.
func (w *treeWriter) putStatic(ctx context.Context, dir string, log *slog.Logger) (int64, []Skip, error) {
	root, err := os.OpenRoot(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil, nil
	}
	if err != nil {
		return 0, nil, fmt.Errorf("%s: %w", StaticDir, err)
	}
	defer root.Close()
	var names []string
	var skipped []Skip
	err = fs.WalkDir(root.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			// A link to a folder is not walked: it may lead back up.
			if fi, err := root.Stat(filepath.FromSlash(p)); err == nil && fi.IsDir() {
				skipped = append(skipped, Skip{Path: StaticDir + "/" + p, Reason: "a link to a folder"})
				return nil
			}
		}
		names = append(names, p)
		return nil
	})
	if err != nil {
		return 0, nil, fmt.Errorf("%s: %w", StaticDir, err)
	}
	if err := w.staticClashes(names); err != nil {
		return 0, nil, err
	}
	var put int64
	for _, p := range names {
		data, err := readStatic(root, p)
		var left *LeftOut
		if errors.As(err, &left) {
			skipped = append(skipped, Skip{Path: StaticDir + "/" + p, Reason: left.Reason})
			continue
		}
		if err != nil {
			return put, skipped, fmt.Errorf("%s/%s: %w", StaticDir, p, err)
		}
		if err := w.put([]string{p}, data); err != nil {
			return put, skipped, fmt.Errorf("%s/%s: %w", StaticDir, p, err)
		}
		put++
	}
	for _, sk := range skipped {
		log.Warn("build: static file left out", "file", sk.Path, "reason", sk.Reason)
	}
	return put, skipped, nil
}

// readStatic reads the static file p of root whole.
func readStatic(root *os.Root, p string) ([]byte, error) {
	f, _, err := OpenStatic(root, p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, StaticMaxBytes+1))
	if err == nil && len(data) > StaticMaxBytes {
		return nil, &LeftOut{fmt.Sprintf("larger than %d MiB, the most a static file may hold", StaticMaxBytes>>20)}
	}
	return data, err
}

// searchAPI is the path of the search API, which the server answers
// itself: a static file there would be a static host's and not serve's.
const searchAPI = "api/search"

// staticClashes fails naming each static file at the path of a file the
// build made, or of a folder of those, or under such a file's path: OUT
// can hold one of the two, and which one an operator wants there is
// theirs to say.
func (w *treeWriter) staticClashes(names []string) error {
	if len(names) == 0 {
		return nil
	}
	made := w.made()
	dirs := ancestors(maps.Keys(made))
	var errs []error
	for _, p := range names {
		switch {
		case p == searchAPI || strings.HasPrefix(p, searchAPI+"/"):
			errs = append(errs, fmt.Errorf("%s/%s has the path of %s/, where the server answers searches: rename or remove the static file", StaticDir, p, searchAPI))
		case made[p]:
			errs = append(errs, fmt.Errorf("%s/%s has the path of %s, a file newshub makes in OUT: rename or remove the static file", StaticDir, p, p))
		case dirs[p]:
			errs = append(errs, fmt.Errorf("%s/%s has the path of %s/, a folder of files newshub makes in OUT: rename or remove the static file", StaticDir, p, p))
		default:
			for d := path.Dir(p); d != "."; d = path.Dir(d) {
				if made[d] {
					errs = append(errs, fmt.Errorf("%s/%s lies under %s, a file newshub makes in OUT: move the static file", StaticDir, p, d))
					break
				}
			}
		}
	}
	return errors.Join(errs...)
}

// made returns the files the build has put so far.
func (w *treeWriter) made() map[string]bool {
	files := map[string]bool{}
	if c := w.inc; c != nil {
		c.mu.Lock()
		defer c.mu.Unlock()
		for rel := range c.unchanged {
			files[rel] = true
		}
		for rel := range c.differ {
			files[rel] = true
		}
	} else if n := w.whole; n != nil {
		n.mu.Lock()
		defer n.mu.Unlock()
		for rel := range n.files {
			files[rel] = true
		}
	}
	return files
}

// inside reports whether the folder out is dir or lies inside it, as
// the file system has them (links followed).
func inside(out, dir string) bool {
	d, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return false
	}
	o, err := filepath.EvalSymlinks(out)
	if err != nil {
		// OUT not made yet: the folder above it decides.
		if o, err = filepath.EvalSymlinks(filepath.Dir(out)); err != nil {
			return false
		}
	}
	rel, err := filepath.Rel(d, o)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
