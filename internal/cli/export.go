package cli

import (
	"cmp"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/unicode/norm"

	"newshub/internal/importer"
	"newshub/internal/model"
	"newshub/internal/progress"
	"newshub/internal/publish"
	"newshub/internal/store"
)

// exportWriters is how many files export writes at once: writing is
// system calls, not CPU, so more than the cores helps.
const exportWriters = 8

// runExport writes every record back as a file under OUT.
func runExport(ctx context.Context, env *Env, args []string) error {
	fs := env.newFlagSet("export")
	withUsers := fs.Bool("users", false, "also write the admin area's accounts (password hashes) beside the records, readable by their owner only")
	if err := env.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("want one output folder, got %d arguments", fs.NArg())
	}
	out := fs.Arg(0)
	st, err := env.openForExport(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	res, err := exportStore(ctx, st, out, env)
	if err != nil {
		return err
	}
	n := 0
	for _, c := range res.kinds {
		n += c
	}
	fmt.Fprintf(env.Stdout, "exported %d records to %s in %s (%.0f records/s): %s\n",
		n, out, round(res.elapsed), progress.Rate(int64(n), res.elapsed), kindSummary(res.kinds))
	if err := exportUsers(env, out, *withUsers); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if sg, ok := st.(store.Stager); ok {
		// Staged arrivals have no file yet; say so rather than leave
		// them out without a word.
		staged, err := sg.Staged(ctx)
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		if len(staged) > 0 {
			fmt.Fprintf(env.Stdout, "not exported: %d arrivals staged by ingest workers and not stored yet; run `newshub ingest --once`, which stores them, then export again\n", len(staged))
		}
	}
	if res.failed > 0 {
		fmt.Fprintf(env.Stdout, "failed to write %d records (reasons above)\n", res.failed)
		return errFailed
	}
	return nil
}

// openForExport opens the store with the configuration files stored as
// the site folder has them, their source of truth. Export reads none of
// their settings, so a _config.yml that does not read is reported, not a
// reason to refuse as commands that run the hub do: import keeps such a
// file as it is, and export writes it back like any other.
func (env *Env) openForExport(ctx context.Context) (store.Store, error) {
	st, err := env.openStoreFor(ctx, onePass)
	if err != nil {
		return nil, err
	}
	res, err := importer.SyncSite(ctx, st, env.Site)
	if err != nil {
		st.Close()
		return nil, err
	}
	res.Log(env.Log)
	return st, nil
}

type exportResult struct {
	kinds   map[model.Kind]int
	failed  int
	elapsed time.Duration
}

type exportFile struct {
	path string
	kind model.Kind
	raw  []byte
	perm fs.FileMode // as import read the file; 0 when not known
	err  error       // why it is not written, found before writing
}

// exportStore writes every record's bytes to out/<path>.
func exportStore(ctx context.Context, st store.Store, out string, env *Env) (exportResult, error) {
	start := time.Now()
	res := exportResult{kinds: map[model.Kind]int{}}
	counts, err := st.Count(ctx)
	if err != nil {
		return res, fmt.Errorf("export: %w", err)
	}
	total := 0
	for _, n := range counts {
		total += n
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return res, fmt.Errorf("export: %w", err)
	}
	modes, err := st.Modes(ctx)
	if err != nil {
		return res, fmt.Errorf("export: %w", err)
	}
	bar := progress.New(env.Stderr, "export", "records", int64(total))
	defer bar.Finish()

	var clashes caseClashes
	if foldsCase(out) {
		clashes = caseClashes{}
	}
	w := &exportWriter{out: out, dirs: map[string]bool{}}
	files := make(chan exportFile, 256)
	var mu sync.Mutex
	// The digests of the news written, with which their stories are kept.
	sums := map[string][sha256.Size]byte{}
	var wg sync.WaitGroup
	for range exportWriters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range files {
				err := w.write(f)
				var sum [sha256.Size]byte
				if err == nil && f.kind == model.KindNews {
					sum = sha256.Sum256(f.raw)
				}
				mu.Lock()
				if err != nil {
					fmt.Fprintf(env.Stderr, "%s:1: %v\n", f.path, err)
					res.failed++
				} else {
					res.kinds[f.kind]++
					if f.kind == model.KindNews {
						sums[f.path] = sum
					}
				}
				mu.Unlock()
				bar.Add(1)
			}
		}()
	}
	send := func(p string, kind model.Kind, raw []byte) error {
		select {
		case files <- exportFile{p, kind, raw, modes[p], clashes.clash(p)}:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	// File bytes only: decoding values would make export several times slower.
	err = st.ScanRaw(ctx, nil, send)
	close(files)
	wg.Wait()
	bar.Finish()
	if err != nil {
		return res, fmt.Errorf("export: %w", err)
	}
	if err := exportValues(ctx, st, out, sums); err != nil {
		return res, fmt.Errorf("export: %w", err)
	}
	purged, err := importer.PurgedFile(ctx, st)
	if err == nil {
		err = exportOwn(out, importer.PurgedPath, purged)
	}
	if err != nil {
		return res, fmt.Errorf("export: %w", err)
	}
	sources, err := importer.SourcesFile(ctx, st, time.Now())
	if err == nil {
		err = exportOwn(out, importer.SourcesPath, sources)
	}
	if err != nil {
		return res, fmt.Errorf("export: %w", err)
	}
	rounds, err := importer.RoundsFile(ctx, st)
	if err == nil {
		err = exportOwn(out, importer.RoundsPath, rounds)
	}
	if err != nil {
		return res, fmt.Errorf("export: %w", err)
	}
	if err := exportStatic(ctx, env.Site, out, env); err != nil {
		return res, fmt.Errorf("export: %w", err)
	}
	res.elapsed = time.Since(start)
	return res, nil
}

// exportValues writes beside the records newshub's own values their files
// do not carry (importer.ValuesPath), which import reads back, or removes
// the file an earlier export left when the store holds none now. sums are
// the digests of the news files written, by path.
func exportValues(ctx context.Context, st store.Store, out string, sums map[string][sha256.Size]byte) error {
	data, err := importer.ValuesFile(ctx, st, sums)
	if err != nil {
		return err
	}
	return exportOwn(out, importer.ValuesPath, data)
}

// exportUsers writes the site folder's accounts of the admin area
// (importer.UsersPath) beside the records when asked (--users), readable
// by their owner only as the site keeps them, or removes the file an
// earlier export left when the site has none now. Password hashes are not
// written unasked into a folder that may be published or shared; an
// export that leaves accounts behind says so. Into the site folder itself
// it writes nothing: the file is there.
func exportUsers(env *Env, out string, asked bool) error {
	if importer.SameFolder(env.Site, out) {
		return nil
	}
	data, err := os.ReadFile(filepath.Join(env.Site, filepath.FromSlash(importer.UsersPath)))
	if errors.Is(err, fs.ErrNotExist) {
		data, err = nil, nil
	}
	if err != nil {
		return err
	}
	if !asked {
		if len(data) > 0 {
			fmt.Fprintf(env.Stdout, "not exported: the admin area's accounts (%s, password hashes); give --users to write them beside the records, or copy the file keeping its mode 0600\n", importer.UsersPath)
		}
		return nil
	}
	return exportOwnMode(out, importer.UsersPath, data, 0o600)
}

// exportStatic writes the site folder's static/ files (publish.StaticDir)
// under out as they are, with their modes: what every build publishes
// beside newshub's files (a CNAME, robots.txt, .well-known/), which the
// store does not hold, so a hub whose site folder is the export would
// publish without them. A file a build leaves out is named and left out
// here too. Into the site folder itself it writes nothing.
func exportStatic(ctx context.Context, site, out string, env *Env) error {
	if importer.SameFolder(site, out) {
		return nil
	}
	root, err := os.OpenRoot(filepath.Join(site, publish.StaticDir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer root.Close()
	return fs.WalkDir(root.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel := publish.StaticDir + "/" + p
		data, perm, err := readStaticFile(root, p)
		var left *publish.LeftOut
		if errors.As(err, &left) {
			fmt.Fprintf(env.Stderr, "%s: left out, as a build leaves it out: %s\n", rel, left.Reason)
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", rel, err)
		}
		name := filepath.Join(out, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			return err
		}
		return writeFile(name, data, perm)
	})
}

// readStaticFile reads the file p of the static folder root whole, as a
// build reads it (publish.OpenStatic), and returns its permission bits.
func readStaticFile(root *os.Root, p string) ([]byte, fs.FileMode, error) {
	f, fi, err := publish.OpenStatic(root, p)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	return data, fi.Mode().Perm(), err
}

// exportOwn writes one of newshub's own files, at the site path rel under
// out, or removes the one an earlier export left when data is nil.
func exportOwn(out, rel string, data []byte) error {
	return exportOwnMode(out, rel, data, store.DefaultMode)
}

// exportOwnMode is exportOwn writing the file with the mode perm.
func exportOwnMode(out, rel string, data []byte, perm fs.FileMode) error {
	name := filepath.Join(out, filepath.FromSlash(rel))
	if data == nil {
		if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	return writeFile(name, data, perm)
}

// exportWriter writes files under out, creating each folder once.
type exportWriter struct {
	out  string
	mu   sync.Mutex
	dirs map[string]bool
}

func (w *exportWriter) write(f exportFile) error {
	if f.err != nil {
		return f.err
	}
	if !safePath(f.path) {
		return errors.New("unsafe record path: not written")
	}
	name := filepath.Join(w.out, filepath.FromSlash(f.path))
	if dir := path.Dir(f.path); dir != "." {
		w.mu.Lock()
		done := w.dirs[dir]
		w.mu.Unlock()
		if !done {
			if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
				return err
			}
			w.mu.Lock()
			w.dirs[dir] = true
			w.mu.Unlock()
		}
	}
	return writeFile(name, f.raw, cmp.Or(f.perm, store.DefaultMode))
}

// maxName is the longest file name most file systems take, in bytes.
const maxName = 255

// writeFile writes data to the file name with the mode perm, so that an
// export that stops midway (killed, the disk full) leaves the file an
// earlier export wrote there whole: the bytes go to a hidden file beside
// it, renamed over it once all are written. A link is written through and
// kept (a rename would put a file in its place), and so is a file whose
// name leaves no room for the hidden one's.
func writeFile(name string, data []byte, perm fs.FileMode) error {
	fi, err := os.Lstat(name)
	// The same name each time, so an export run again after one was
	// killed takes the file the killed one left; import leaves it out.
	tmp := filepath.Join(filepath.Dir(name), "."+filepath.Base(name)+importer.ExportTemp)
	if (err == nil && fi.Mode()&fs.ModeSymlink != 0) || len(filepath.Base(tmp)) > maxName {
		return writeInPlace(name, data, perm)
	}
	existed := err == nil
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if errors.Is(err, fs.ErrExist) { // left by an export killed while writing it
		if err := os.Remove(tmp); err != nil {
			return err
		}
		f, err = os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	}
	if err != nil {
		return err
	}
	// The umask may have taken bits off; a file replaced gets perm whole,
	// as one written in place did.
	if existed || perm != store.DefaultMode {
		err = f.Chmod(perm)
	}
	if existed {
		keepOwner(f, fi)
	}
	if err == nil {
		_, err = f.Write(data)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, name)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", name, unwrapPath(err))
	}
	return nil
}

// unwrapPath returns the error under a *fs.PathError or *os.LinkError,
// which name the hidden file rather than the one being written.
func unwrapPath(err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		return pe.Err
	case errors.As(err, &le):
		return le.Err
	}
	return err
}

// writeInPlace writes data to the file name with the mode perm, in place.
// A new file is made with it, so a private file is never readable by
// others on the way, then given it whole when the umask may have taken
// bits off (a group-writable 0664). A file already there (an earlier
// export's) would keep its own mode: it is given perm before its new bytes
// go in, and one its owner may not write (an earlier export of a read-only
// 0400 file) is made writable to its owner first.
func writeInPlace(name string, data []byte, perm fs.FileMode) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	set := perm != store.DefaultMode
	if errors.Is(err, fs.ErrExist) {
		// As os.WriteFile opens it (a link to no file makes its target).
		f, err = os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
		if errors.Is(err, fs.ErrPermission) && os.Chmod(name, perm|0o200) == nil {
			f, err = os.OpenFile(name, os.O_WRONLY|os.O_TRUNC, perm)
		}
		set = true
	}
	if err != nil {
		return err
	}
	if set {
		if err := f.Chmod(perm); err != nil {
			f.Close()
			return err
		}
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// caseClashes maps the folded form of each path exported (lower case,
// composed accents) to the path, where the export folder's file system
// takes names that differ only by case for one file (Windows' and macOS's
// do by default; macOS's takes an accent composed or not, é or e and
// U+0301, for one too): a hub kept on another system may hold both, and
// writing both would leave one file, the other lost without a word.
type caseClashes map[string]string

// clash reports why the record at p is not written: an earlier one's path
// differs from it only by case or by how its accents are composed. A nil
// map finds no clash.
func (c caseClashes) clash(p string) error {
	if c == nil {
		return nil
	}
	key := strings.ToLower(norm.NFC.String(p))
	first, ok := c[key]
	if !ok {
		c[key] = p
		return nil
	}
	if first == p {
		return nil
	}
	return fmt.Errorf("not written: the path differs from %s only by case or accents composed otherwise, and the file system of the export folder takes both for one file", first)
}

// foldsCase reports whether the file system of the folder dir takes names
// that differ only by case for one file; a variable so that tests can
// stand in for such a file system.
var foldsCase = func(dir string) bool {
	f, err := os.CreateTemp(dir, ".newshub-case-")
	if err != nil {
		return false
	}
	name := f.Name()
	f.Close()
	defer os.Remove(name)
	a, errA := os.Stat(name)
	b, errB := os.Stat(filepath.Join(dir, strings.ToUpper(filepath.Base(name))))
	return errA == nil && errB == nil && os.SameFile(a, b)
}

// safePath reports whether a record path stays inside the output folder.
func safePath(p string) bool {
	return p != "" && !strings.HasPrefix(p, "/") && !strings.Contains(p, "\\") &&
		path.Clean(p) == p && p != ".." && !strings.HasPrefix(p, "../")
}
