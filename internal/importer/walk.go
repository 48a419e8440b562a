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

// walk lists the record files under imp.src in path order. Folders that
// cannot hold records (api/, assets/, hidden ones such as .git and
// .newshub) are skipped; symbolic links are followed unless they loop.
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
			if skipEntry(rel, name) {
				continue
			}
			info := fs.FileInfo(nil)
			if e.Type()&fs.ModeSymlink != 0 {
				fi, err := os.Stat(abs)
				if err != nil {
					if _, ok := content.KindOf(r); ok || !errors.Is(err, fs.ErrNotExist) {
						imp.reject(fileRef{abs: abs, rel: r}, 0, readError(err))
					}
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
				kind, ok := content.KindOf(r)
				if !ok {
					continue
				}
				mode := e.Type()
				if info != nil {
					mode = info.Mode().Type()
				}
				if !mode.IsRegular() {
					// Reading a pipe or a device could block or never end.
					imp.reject(fileRef{abs: abs, rel: r}, 0, fmt.Errorf("not a regular file but %s", describeMode(mode)))
					continue
				}
				files = append(files, fileRef{rel: r, abs: abs, kind: kind})
			}
		}
	}
	visit(imp.src, "", []os.FileInfo{rootInfo})
	return files
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

// skipEntry reports folders and files that never hold records.
func skipEntry(rel, name string) bool {
	if strings.HasPrefix(name, ".") {
		return true // .git, .newshub, editor files
	}
	// At the top only the underscore folders and _config.yml hold records.
	return rel == "" && !strings.HasPrefix(name, "_")
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
