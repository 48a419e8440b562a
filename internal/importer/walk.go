package importer

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"

	"newshub/internal/content"
	"newshub/internal/model"
)

// fileRef is one file to import.
type fileRef struct {
	rel  string // site path, slash separated
	abs  string // where to read it
	kind model.Kind
}

// walk lists the record files under imp.src in path order and counts them
// by collection. What is not a record (see leftOut) is counted as skipped;
// symbolic links are followed unless they loop.
func (imp *importer) walk() []fileRef {
	var files []fileRef
	rootInfo, err := os.Stat(imp.src)
	if err != nil {
		imp.reject(fileRef{abs: imp.src}, 0, readError(err))
		return nil
	}
	var visit func(dir, rel string, ancestors []os.FileInfo)
	visit = func(dir, rel string, ancestors []os.FileInfo) {
		entries, err := os.ReadDir(dir)
		if err != nil {
			imp.reject(fileRef{abs: dir, rel: rel}, 0, fmt.Errorf("cannot read folder: %v", unwrapPath(err)))
			return
		}
		for _, e := range entries {
			name := e.Name()
			abs := filepath.Join(dir, name)
			r := path.Join(rel, name)
			if reason := leftOut(rel, name, e.IsDir()); reason != "" {
				imp.skip(r, e.IsDir(), reason)
				continue
			}
			if imp.isStoreFile(abs) {
				imp.skip(r, false, SkipStore)
				continue
			}
			info := fs.FileInfo(nil)
			if e.Type()&fs.ModeSymlink != 0 {
				fi, err := os.Stat(abs)
				if err != nil {
					imp.reject(fileRef{abs: abs, rel: r}, 0, readError(err))
					continue
				}
				info = fi
			} else if e.IsDir() {
				if fi, err := e.Info(); err == nil {
					info = fi
				}
			}
			switch {
			case info != nil && info.IsDir():
				if ancestor := loopsTo(info, ancestors); ancestor >= 0 {
					imp.reject(fileRef{abs: abs, rel: r}, 0,
						fmt.Errorf("symbolic link loop: leads back to %s", displayRel(imp.src, ancestorRel(rel, len(ancestors)-1-ancestor))))
					continue
				}
				visit(abs, r, append(ancestors[:len(ancestors):len(ancestors)], info))
			case e.IsDir():
				// A folder whose information vanished; ReadDir reports it.
				visit(abs, r, ancestors)
			default:
				if ref, ok := imp.recordFile(r, abs, e.Type(), info); ok {
					files = append(files, ref)
				}
			}
		}
	}
	visit(imp.src, "", []os.FileInfo{rootInfo})
	return files
}

// recordFile checks a file found under a collection and counts it: a
// record of a kind newshub reads, or one it keeps without reading.
func (imp *importer) recordFile(rel, abs string, mode fs.FileMode, info fs.FileInfo) (fileRef, bool) {
	kind, ok := content.KindOf(rel)
	if !ok {
		kind = model.KindOpaque
	}
	ref := fileRef{rel: rel, abs: abs, kind: kind}
	c := imp.res.Collections[model.Collection(rel)]
	c.Files++
	if kind == model.KindOpaque {
		c.Opaque++
	}
	imp.res.Collections[model.Collection(rel)] = c
	if info != nil {
		mode = info.Mode().Type()
	}
	if !mode.IsRegular() {
		// Reading a pipe or a device could block or never end.
		imp.reject(ref, 0, fmt.Errorf("not a regular file but %s", describeMode(mode)))
		return ref, false
	}
	if err := content.CheckPath(rel, kind); err != nil {
		imp.reject(ref, 0, err)
		return ref, false
	}
	return ref, true
}

// The reasons an entry of a site folder is not a record.
const (
	SkipHidden       = "hidden"
	SkipGit          = "version control"
	SkipNewshub      = "newshub's own folder: the database and keys"
	SkipStore        = "the store being imported into"
	SkipAPI          = "the published API, which newshub build writes"
	SkipJekyllOutput = "the site Jekyll built"
	SkipPackages     = "installed packages"
	SkipSiteFile     = "a page or static file, served from the folder as it is"
	SkipExportTemp   = "a file an export stopped writing (export writes each file beside its place, then renames it there)"
)

// ExportTemp ends the name of the hidden file export writes a record to
// beside its place (".name.md" + ExportTemp), renamed there once whole:
// one found in a site is what an export killed left, part of a record.
const ExportTemp = ".newshub-export"

// leftOut returns why the entry name (a folder when dir) of the folder rel
// is not a record, or "" when it is one or holds some. Records are the
// files of the folders whose names start with "_" (Jekyll's collections
// and _data) and the files beside them at the top whose names do
// (_config.yml); every other entry at the top is the site's own (pages,
// assets, the published API), and hidden folders and top-level entries,
// installed packages and Jekyll's output are never records. A hidden file
// inside a collection (_news/.gitkeep, which keeps an empty folder in
// version control) is part of the hub: it is kept as it is, unread, as
// content.KindOf names no kind for a hidden file.
func leftOut(rel, name string, dir bool) string {
	switch {
	case name == ".git":
		return SkipGit
	case name == ".newshub" && rel == "":
		return SkipNewshub
	case strings.HasPrefix(name, ".") && (dir || rel == ""):
		return SkipHidden // caches (.jekyll-cache, .sass-cache), .github, editor folders...
	case !dir && strings.HasPrefix(name, ".") && strings.HasSuffix(name, ExportTemp):
		return SkipExportTemp
	case name == "node_modules":
		return SkipPackages
	case rel != "":
		return ""
	case name == "_site":
		return SkipJekyllOutput
	case name == "api":
		return SkipAPI
	case !strings.HasPrefix(name, "_"):
		return SkipSiteFile
	}
	return ""
}

// skip counts an entry of the site that is not a record.
func (imp *importer) skip(rel string, dir bool, reason string) {
	if dir {
		rel += "/"
	}
	imp.res.Skipped = append(imp.res.Skipped, Skip{Path: rel, Reason: reason})
}

// isStoreFile reports whether abs is a file of the store being imported
// into (a SQLite database kept inside the site folder).
func (imp *importer) isStoreFile(abs string) bool {
	for _, f := range imp.opts.StoreFiles {
		if filepath.Base(f) != filepath.Base(abs) {
			continue
		}
		fa, errA := os.Stat(abs)
		fb, errB := os.Stat(f)
		if errA == nil && errB == nil && os.SameFile(fa, fb) {
			return true
		}
	}
	return false
}

// describeMode names a file type that is not a regular file.
func describeMode(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}

// loopsTo returns the index of the ancestor folder fi is, or -1.
func loopsTo(fi os.FileInfo, ancestors []os.FileInfo) int {
	for i, a := range ancestors {
		if os.SameFile(fi, a) {
			return i
		}
	}
	return -1
}

// ancestorRel returns rel with up levels removed.
func ancestorRel(rel string, up int) string {
	for ; up > 0 && rel != ""; up-- {
		rel = path.Dir(rel)
		if rel == "." {
			rel = ""
		}
	}
	return rel
}

func displayRel(root, rel string) string {
	if rel == "" {
		return root
	}
	return filepath.Join(root, filepath.FromSlash(rel))
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// readError words an I/O error for a rejection.
func readError(err error) error {
	switch {
	case errors.Is(err, fs.ErrPermission):
		return errors.New("cannot read file: permission denied")
	case errors.Is(err, syscall.ELOOP):
		return errors.New("symbolic link loop")
	case errors.Is(err, fs.ErrNotExist):
		return errors.New("cannot read file: it no longer exists (or is a broken symbolic link)")
	case errors.Is(err, syscall.EISDIR):
		return errors.New("cannot read file: it is a folder")
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("cannot read file: %v", pe.Err)
	}
	return fmt.Errorf("cannot read file: %v", err)
}
