package publish

import (
	"bytes"
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
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// incremental brings an existing OUT in step with a build: the documents
// are compared with OUT's files as they are rendered, and only those that
// differ reach the temporary tree, from which update renames them into
// OUT.
type incremental struct {
	out string

	mu        sync.Mutex
	unchanged map[string]struct{} // slash paths whose file in OUT holds the new bytes
	differ    map[string]struct{} // slash paths put in the temporary tree
	dirs      sync.Map            // slash folder path → whether it is a real folder in OUT
	listed    sync.Map            // slash folder path → *listing, see list
	bufs      sync.Pool
	readBack  atomic.Int64      // files of OUT read to be compared
	stagedAt  map[string]string // slash path → its file in the temporary folder (treeWriter.ioMu)
	staged    int               // files written there so far (treeWriter.ioMu)

	// With a Manifest: what the previous build left in OUT, and what this
	// one leaves (the sums of the files put in the temporary tree, until
	// they are placed).
	noting bool
	saved  bool // the manifest is kept in a file beside OUT (see withManifest)
	prev   map[string]fileSum
	next   map[string]fileSum
	sums   map[string]uint64

	// With a Manifest and a served view: the records the previous
	// build's per-article documents were rendered from (nil when not
	// known), and those of this build's (see articleDocs).
	prevArticles map[string]articleRef
	prevStamp    string
	nextArticles map[string]articleRef
	nextStamp    string
	articlesMu   sync.Mutex

	// With a Manifest: the stamps of the files the previous build put
	// with one (read only), and those of this build's (see
	// Output.KeepStamped).
	prevStamps map[string]string
	nextStamps map[string]string
	stampsMu   sync.Mutex

	// With a Manifest: the times of OUT's folders as the previous build
	// left them, those found otherwise since (dirty, known once checked
	// is closed), those this update changes (touched, under mu), and the
	// times this one leaves (see dirs.go).
	prevDirs map[string]int64
	dirty    map[string]bool
	checked  chan struct{}
	touched  map[string]bool
	nextDirs map[string]int64

	// oldTrees, when set, removes the old tree of a swap (see dropOld).
	oldTrees *OldTrees
}

// withManifest makes the comparison trust m's knowledge of OUT, and note
// what this build leaves there (see done).
//
// A build whose manifest is saved in a file (saved: a one-shot build, in
// a process of its own) also checks OUT's folders for files put there
// from outside since, and notes the folders' times for the next one. A
// process that publishes again and again keeps its manifest in memory
// and spares both, as files put in OUT from outside while it runs are
// left to the next one-shot build.
func (c *incremental) withManifest(m *Manifest, saved bool) {
	c.prev = m.take(c.out)
	c.saved = saved
	c.noting = true
	c.next = make(map[string]fileSum, len(c.prev))
	c.sums = map[string]uint64{}
	c.prevArticles, c.prevStamp = m.takeArticles()
	c.prevStamps = m.takeStamps()
	c.nextStamps = make(map[string]string, len(c.prevStamps))
	if dirs := m.takeDirs(); saved {
		c.prevDirs = dirs
	}
	if c.prev != nil && c.prevDirs != nil {
		c.checked = make(chan struct{})
		go c.checkDirs()
	}
}

// noteStamp notes the stamp of this build's file at rel.
func (c *incremental) noteStamp(rel, stamp string) {
	c.stampsMu.Lock()
	c.nextStamps[rel] = stamp
	c.stampsMu.Unlock()
}

// keepFile notes OUT's file at rel as part of this build, unchanged,
// without its bytes: where the manifest knows it, and it kept the size
// and time the manifest noted (an outside edit makes it false).
func (c *incremental) keepFile(rel string) bool {
	known, ok := c.prev[rel]
	if !ok || !c.realDir(path.Dir(rel)) {
		return false
	}
	fi, err := os.Lstat(filepath.Join(c.out, filepath.FromSlash(rel)))
	if err != nil || !fi.Mode().IsRegular() || fi.Size() != known.size || fi.ModTime().UnixNano() != known.mtime {
		return false
	}
	c.mu.Lock()
	c.unchanged[rel] = struct{}{}
	c.next[rel] = known
	c.mu.Unlock()
	return true
}

func newIncremental(out string) *incremental {
	return &incremental{out: out, unchanged: map[string]struct{}{}, differ: map[string]struct{}{}, stagedAt: map[string]string{},
		touched: map[string]bool{}}
}

// changed notes the paths whose file in OUT already holds data and
// returns the others.
func (c *incremental) changed(paths []string, data []byte) []string {
	var rest []string
	var sum uint64
	if c.noting {
		sum = fileHash(data)
	}
	for _, rel := range paths {
		if known, ok := c.same(rel, data, sum); ok {
			c.mu.Lock()
			c.unchanged[rel] = struct{}{}
			if c.noting {
				c.next[rel] = known
			}
			c.mu.Unlock()
			continue
		}
		c.mu.Lock()
		c.differ[rel] = struct{}{}
		if c.noting {
			c.sums[rel] = sum
		}
		c.mu.Unlock()
		rest = append(rest, rel)
	}
	return rest
}

// forget drops what changed noted for rel and reports whether it was
// unchanged.
func (c *incremental) forget(rel string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.unchanged[rel]
	delete(c.unchanged, rel)
	delete(c.differ, rel)
	if c.noting {
		delete(c.next, rel)
		delete(c.sums, rel)
	}
	return ok
}

// same reports whether OUT's file at rel holds exactly data (whose hash
// is sum when noting): a regular file, reached through real folders only,
// of the same size first, then the same bytes. Where the manifest knows
// the file and it kept its size and time, the hashes are compared instead
// of the bytes. When it is the same, it also returns what the manifest
// is to know of it.
func (c *incremental) same(rel string, data []byte, sum uint64) (fileSum, bool) {
	if !c.realDir(path.Dir(rel)) {
		return fileSum{}, false
	}
	name := filepath.Join(c.out, filepath.FromSlash(rel))
	if known, ok := c.prev[rel]; ok && known.size == int64(len(data)) {
		fi, err := os.Lstat(name)
		if err == nil && fi.Mode().IsRegular() && fi.Size() == known.size && fi.ModTime().UnixNano() == known.mtime {
			return known, known.sum == sum
		}
	}
	f, err := openNoFollow(name)
	if err != nil {
		return fileSum{}, false
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() || fi.Size() != int64(len(data)) {
		return fileSum{}, false
	}
	bp, _ := c.bufs.Get().(*[]byte)
	if bp == nil {
		bp = new([]byte)
	}
	defer c.bufs.Put(bp)
	if cap(*bp) < len(data)+1 {
		*bp = make([]byte, len(data)+1)
	}
	buf := (*bp)[:len(data)+1] // one byte more: a file that grew meanwhile differs
	c.readBack.Add(1)
	n, err := io.ReadFull(f, buf)
	if err != io.ErrUnexpectedEOF && err != nil {
		return fileSum{}, false
	}
	if n != len(data) || !bytes.Equal(buf[:n], data) {
		return fileSum{}, false
	}
	return fileSum{size: fi.Size(), mtime: fi.ModTime().UnixNano(), sum: sum}, true
}

// realDir reports whether the folder rel of OUT and every folder above it
// are folders, not links to one (nor missing). A folder is told from its
// parent's listing, read once (see list): most folders of OUT are an
// article's, one among many thousands in the same parent, and a listing
// spares a system call for each.
func (c *incremental) realDir(rel string) bool {
	if rel == "." || rel == "" {
		return true
	}
	if ok, known := c.dirs.Load(rel); known {
		return ok.(bool)
	}
	ok := c.realDir(path.Dir(rel))
	if ok {
		if dirs := c.list(path.Dir(rel)); dirs != nil {
			_, ok = dirs[path.Base(rel)]
			return ok // the listing holds it: no need to note it apart
		}
		fi, err := os.Lstat(filepath.Join(c.out, filepath.FromSlash(rel)))
		ok = err == nil && fi.IsDir()
	}
	c.dirs.Store(rel, ok)
	return ok
}

// list returns the names of the real folders in the real folder rel of
// OUT, read the first time it is asked for rel; nil when it cannot be
// read.
func (c *incremental) list(rel string) map[string]struct{} {
	l, _ := c.listed.LoadOrStore(rel, &listing{})
	ls := l.(*listing)
	ls.once.Do(func() {
		f, err := openNoFollow(filepath.Join(c.out, filepath.FromSlash(rel)))
		if err != nil {
			return
		}
		defer f.Close()
		dirs := map[string]struct{}{}
		for {
			entries, err := f.ReadDir(4096) // in parts: a folder may hold many
			for _, e := range entries {
				if e.IsDir() { // DirEntry does not follow links
					dirs[e.Name()] = struct{}{}
				}
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				return
			}
		}
		ls.dirs = dirs
	})
	return ls.dirs
}

// listing is what list read of a folder of OUT.
type listing struct {
	once sync.Once
	dirs map[string]struct{}
}

// update brings OUT in step with the build: the files that differ from
// OUT's (see changed) wait in the temporary folder (stagedAt). A reader of OUT never follows a
// link to a missing file:
//
//  1. files OUT lacks are added first: no file of OUT links to them yet;
//  2. then files that changed are replaced, each by one rename: their new
//     bytes link only to files of the new build, all in place by now, and
//     the old bytes of those not replaced yet link to files still there;
//  3. last, the files no longer part of the build are removed, each
//     before the documents it lists (see byRemoval), then the folders
//     left empty; of removed pages that link one another (a list's next
//     and previous pages), one links a removed file until it goes too.
//
// A build killed anywhere leaves each file as it was or as it is to be,
// and the next one completes the update.
//
// Where most of OUT changes, a new tree is swapped in instead (swapIn).
func (c *incremental) update(ctx context.Context, tmp string, stats *BuildStats, log *slog.Logger) error {
	start := time.Now()
	var err error
	staged := make([]string, 0, len(c.differ))
	for rel := range c.differ {
		staged = append(staged, rel)
	}
	slices.Sort(staged)
	var added, changed []string
	for _, rel := range staged {
		if c.exists(rel) {
			changed = append(changed, rel)
		} else {
			added = append(added, rel)
		}
	}
	// What the build leaves: the unchanged files and those placed.
	kept := func(rel string) bool {
		_, ok := c.unchanged[rel]
		if !ok {
			_, ok = c.differ[rel]
		}
		return ok
	}
	if c.prev != nil {
		gone := 0
		for rel := range c.prev {
			if !kept(rel) {
				gone++
			}
		}
		if mostChange(len(staged), gone, len(c.unchanged)) {
			swapped, err := c.swapIn(ctx, filepath.Join(tmp, "tree"), staged, stats, log)
			if swapped || err != nil {
				stats.Added = int64(len(added))
				return err
			}
		}
	}
	for _, list := range [][]string{added, changed} {
		for _, rel := range list {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := c.place(rel); err != nil {
				return err
			}
			if err := c.note(rel); err != nil {
				return err
			}
		}
	}
	log.Info("build: placed", "added", len(added), "changed", len(changed), "unchanged", len(c.unchanged), "took", time.Since(start).Round(time.Millisecond))
	files := int64(len(c.unchanged))
	for _, rel := range staged {
		if _, ok := c.unchanged[rel]; !ok {
			files++
		}
	}
	var removed int64
	var keep map[string]struct{}
	var keptDirs map[string]bool
	if c.prev == nil || c.checked != nil || c.saved {
		// As one set, and its folders, for the walks of OUT and the
		// folders' times (not needed where the manifest lists all).
		keep = c.keep()
		keptDirs = ancestors(maps.Keys(keep))
	}
	if c.checked != nil {
		removed, err = c.removeStrays(ctx, keep, keptDirs)
		if err == nil {
			var n int64
			n, err = c.removeKnown(ctx, kept)
			removed += n
		}
	} else if c.prev != nil {
		removed, err = c.removeKnown(ctx, kept)
	} else {
		removed, err = c.removeOthers(ctx, keep)
	}
	if err != nil {
		return err
	}
	if c.noting && c.saved {
		c.nextDirs = folderTimes(c.out, keptDirs, func(rel string) (int64, bool) {
			if c.checked == nil || c.touched[rel] || c.dirty[rel] {
				return 0, false
			}
			t, ok := c.prevDirs[rel]
			return t, ok
		})
	}
	// The counts only: the rest (the records left out) is the build's.
	stats.Files, stats.Written, stats.Added = files, int64(len(staged)), int64(len(added))
	stats.Unchanged, stats.Removed, stats.ReadBack = int64(len(c.unchanged)), removed, c.readBack.Load()
	return nil
}

// keep returns the files the build leaves in OUT: the unchanged ones and
// those staged.
func (c *incremental) keep() map[string]struct{} {
	keep := make(map[string]struct{}, len(c.unchanged)+len(c.differ))
	for rel := range c.unchanged {
		keep[rel] = struct{}{}
	}
	for rel := range c.differ {
		keep[rel] = struct{}{}
	}
	return keep
}

// note tells the manifest, when there is one, of the file just placed
// at rel.
func (c *incremental) note(rel string) error {
	return c.noteAt(rel, filepath.Join(c.out, filepath.FromSlash(rel)))
}

// noteAt tells the manifest, when there is one, of the file of rel just
// placed at name.
func (c *incremental) noteAt(rel, name string) error {
	if !c.noting {
		return nil
	}
	fi, err := os.Lstat(name)
	if err != nil {
		return fmt.Errorf("place %s: %w", rel, err)
	}
	c.next[rel] = fileSum{size: fi.Size(), mtime: fi.ModTime().UnixNano(), sum: c.sums[rel]}
	return nil
}

// exists reports whether OUT holds something at rel, through real folders.
func (c *incremental) exists(rel string) bool {
	if !c.realDir(path.Dir(rel)) {
		return false
	}
	_, err := os.Lstat(filepath.Join(c.out, filepath.FromSlash(rel)))
	return err == nil
}

// place renames the file staged for rel over OUT's, making its folders
// real folders first (a link or a file in their place is removed).
func (c *incremental) place(rel string) error {
	if err := c.mkdir(path.Dir(rel)); err != nil {
		return err
	}
	c.touch(path.Dir(rel))
	src := c.stagedAt[rel]
	dst := filepath.Join(c.out, filepath.FromSlash(rel))
	err := os.Rename(src, dst)
	if err != nil {
		// A folder where the file goes: rename cannot replace it.
		if fi, lerr := os.Lstat(dst); lerr == nil && fi.IsDir() {
			if err := os.RemoveAll(dst); err != nil {
				return fmt.Errorf("replace %s: %w", rel, err)
			}
			err = os.Rename(src, dst)
		}
	}
	if err != nil {
		return fmt.Errorf("place %s: %w", rel, err)
	}
	return nil
}

// mkdir makes the folder rel of OUT and those above it real folders.
func (c *incremental) mkdir(rel string) error {
	if c.realDir(rel) {
		return nil
	}
	if err := c.mkdir(path.Dir(rel)); err != nil {
		return err
	}
	c.touch(path.Dir(rel))
	p := filepath.Join(c.out, filepath.FromSlash(rel))
	if fi, err := os.Lstat(p); err == nil && !fi.IsDir() {
		if err := os.Remove(p); err != nil { // a link is removed, never followed
			return fmt.Errorf("replace %s: %w", rel, err)
		}
	}
	if err := os.Mkdir(p, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	c.dirs.Store(rel, true)
	return nil
}

// removeKnown removes the files the previous build left in OUT (its
// manifest) that are not kept, in removal order (byRemoval), then the
// folders they leave empty, deepest first. It spares the walk over OUT that
// removeOthers makes; files put in OUT from outside are removeStrays'.
func (c *incremental) removeKnown(ctx context.Context, kept func(rel string) bool) (int64, error) {
	var files []string
	for rel := range c.prev {
		if !kept(rel) {
			files = append(files, rel)
		}
	}
	slices.SortFunc(files, byRemoval)
	var n int64
	dirs := map[string]bool{}
	for _, rel := range files {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		if !c.realDir(path.Dir(rel)) {
			continue // never through a link
		}
		name := filepath.Join(c.out, filepath.FromSlash(rel))
		if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			if fi, lerr := os.Lstat(name); lerr == nil && fi.IsDir() {
				// A folder put in its place from outside, holding files:
				// left, as any file put in OUT from outside, to
				// removeStrays (of this build or the next one-shot one).
				continue
			}
			return n, err
		}
		n++
		c.touch(path.Dir(rel))
		for d := path.Dir(rel); d != "." && !dirs[d]; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	emptied := slices.Collect(maps.Keys(dirs))
	slices.SortFunc(emptied, func(a, b string) int { return -byDepth(a, b) })
	for _, rel := range emptied {
		c.touch(path.Dir(rel))
		if err := removeEmptied(filepath.Join(c.out, filepath.FromSlash(rel))); err != nil {
			return n, fmt.Errorf("remove folder %s: %w", rel, err)
		}
	}
	return n, nil
}

// removeEmptied removes the folder dir if it is empty. One that still
// holds files (kept, or put there from outside) stays; an empty one that
// cannot go (a read-only parent) is an error, as the build would leave a
// folder a fresh build has not, which the next one, trusting the
// manifest, would not look at again.
func removeEmptied(dir string) error {
	err := os.Remove(dir)
	if err == nil || errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrExist) {
		return nil
	}
	if f, oerr := openNoFollow(dir); oerr == nil {
		names, _ := f.Readdirnames(1)
		f.Close()
		if len(names) > 0 {
			return nil
		}
	}
	return err
}

// byRemoval orders the files an update removes so that a file goes before
// those it lists: the pages of lists first, as a list's page
// (topics/x/page/3/index.html) is deeper than the story and article pages
// it lists (stories/s-1/index.html), then the rest shallowest first, a
// page before the documents under it.
func byRemoval(a, b string) int {
	if la, lb := listPage(a), listPage(b); la != lb {
		if la {
			return -1
		}
		return 1
	}
	return byDepth(a, b)
}

// listPage reports whether the file rel of OUT is a page of a list:
// its folder ends in page/N or pageN (see pageOf).
func listPage(rel string) bool {
	segs := strings.Split(path.Dir(rel), "/")
	for k := 1; k <= 2 && k <= len(segs); k++ {
		if _, ok := pageOf(segs[len(segs)-k:]); ok {
			return true
		}
	}
	return false
}

// byDepth orders slash paths shallowest first, then by name.
func byDepth(a, b string) int {
	if n := strings.Count(a, "/") - strings.Count(b, "/"); n != 0 {
		return n
	}
	return strings.Compare(a, b)
}

// removeOthers removes everything under OUT that is not in keep: files
// (and links, never followed) in removal order (byRemoval), then the
// folders that hold nothing kept, deepest first.
func (c *incremental) removeOthers(ctx context.Context, keep map[string]struct{}) (int64, error) {
	keptDirs := map[string]bool{}
	for rel := range keep {
		for d := path.Dir(rel); d != "." && !keptDirs[d]; d = path.Dir(d) {
			keptDirs[d] = true
		}
	}
	var files, dirs []string
	err := filepath.WalkDir(c.out, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(c.out, p)
		if err != nil || rel == "." {
			return err
		}
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if !keptDirs[rel] {
				dirs = append(dirs, rel)
			}
			return nil
		}
		if _, ok := keep[rel]; !ok {
			files = append(files, rel)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	slices.SortFunc(files, byRemoval)
	var n int64
	for _, rel := range files {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		if err := os.Remove(filepath.Join(c.out, filepath.FromSlash(rel))); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return n, err
		}
		n++
	}
	slices.SortFunc(dirs, func(a, b string) int { return -byDepth(a, b) })
	for _, rel := range dirs {
		if err := os.Remove(filepath.Join(c.out, filepath.FromSlash(rel))); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return n, err
		}
	}
	return n, nil
}
