package publish

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"newshub/internal/content"
	"newshub/internal/model"
	"newshub/internal/openapi"
	"newshub/internal/site"
	"newshub/internal/store"
)

// BuildOptions tune a static build.
type BuildOptions struct {
	Options
	// Workers is how many files are rendered and written at once; 0 means
	// twice the number of CPUs.
	Workers int
	// Extra run after the API and feeds are rendered, each given the view
	// they were rendered from and the build's Output, so other forms of
	// the hub (the website) show the same view and land in OUT in the same
	// way as the API: by a swap of the whole tree on a first build, file
	// by file where OUT holds a previous one.
	Extra []func(ctx context.Context, v *View, out *Output) error
	// Views, when set, are the views a server answers from: the build
	// takes their fresh view (see Views.Fresh) rather than loading one of
	// its own, so a process that serves and publishes holds one view and
	// loads it once per change of the store.
	Views *Views
	// Manifest, when set, remembers what each build left in OUT, for the
	// next build of the same OUT to compare with (see Manifest): a process
	// that publishes again and again keeps one. Without one, a build
	// starts from the manifest the last one saved beside OUT, and saves
	// its own there.
	Manifest *Manifest
	// Static is the folder whose files are published in OUT as they are
	// (a site's StaticDir, see putStatic); "" or a missing folder: none.
	Static string
	// OldTrees, when set, removes in the background the old tree an
	// update that swaps a new one in sets aside (see swapIn), and the
	// build returns once OUT is whole: a process that publishes again
	// and again keeps one, so its next update does not wait on the
	// removal, which in turn waits while a build runs (see OldTrees).
	// Without, the build removes it before it returns
	// (BuildStats.OldTree).
	OldTrees *OldTrees
	// Logger receives progress lines; nil discards them.
	Logger *slog.Logger
}

// BuildStats counts what a build did.
type BuildStats struct {
	Whole     bool   // a first build: the tree was written whole and swapped in
	Files     int64  // files of the build
	Written   int64  // files written because they are new or changed
	Added     int64  // of Written, files OUT did not hold
	Unchanged int64  // files identical to the previous build, left as they were
	Removed   int64  // files of the previous build that are no longer part of it
	ReadBack  int64  // files of OUT read to be compared (the others: by size, or by a Manifest)
	Skipped   []Skip // records left out: no file could be written for them
	Static    int64  // of Files, the static folder's (BuildOptions.Static)
	// StaticSkipped are the static folder's files not published, with why.
	StaticSkipped []Skip
	Duration      time.Duration
	// OldTree is, of Duration, how long the removal of the old tree an
	// update swapped out took (zero where none was, or OldTrees has it).
	OldTree time.Duration
	// PinEnds is when the first pin the build shows ends, zero for none:
	// from then on a build of the same store ranks its leads otherwise.
	PinEnds time.Time
}

// Build writes the API tree (OUT/api/**/index.json) and the feeds
// (OUT/feeds/**) of the store's current generation, byte for byte what the
// server answers for the same paths, what the Extra hooks write, and last
// the files of the Static folder as they are (see putStatic).
//
// Into a missing or empty OUT it writes a temporary folder beside OUT and
// swaps it in at the end (see swap), so OUT is always a whole build. Where
// OUT holds a previous build, only the files whose bytes change are
// written, each by a rename over the old one, in an order that never lets
// a reader follow a link to a missing file (see update). OUT holds a
// previous build where it holds the mark (buildMark) or, the mark lost,
// the files the manifest of its last build lists (see holdsFiles); any
// other OUT holding files is refused, as an update removes what it does
// not write. Symbolic links inside OUT are never followed: one found
// where the build puts a file or a folder is replaced. OUT itself may be
// a link to a folder (see resolveOut).
func Build(ctx context.Context, st store.Store, s *site.Site, out string, opt BuildOptions) (BuildStats, error) {
	start := time.Now()
	if opt.OldTrees != nil {
		// An old tree's removal in the background waits meanwhile,
		// leaving the update the disk and the processors.
		defer opt.OldTrees.hold()()
	}
	var stats BuildStats
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	out = resolveOut(out)
	parent, base := filepath.Dir(out), filepath.Base(out)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return stats, fmt.Errorf("build: %w", err)
	}
	if mountPoint(out) {
		// A container's volume shared with a web server, say: a build
		// would fail at its first rename, after rendering the whole hub.
		return stats, fmt.Errorf("build: %s is a mount point (another file system than the folder above it), and a build writes its files beside OUT and renames them in, which cannot cross file systems: give a folder inside it, such as %s",
			out, filepath.Join(out, "site"))
	}
	if opt.Static != "" && inside(out, opt.Static) {
		// Each build would publish the last one again inside itself.
		return stats, fmt.Errorf("build: %s lies inside %s, whose files every build publishes in OUT: give a folder outside it", out, opt.Static)
	}
	unlock, err := lockOut(lockFile(out))
	if err != nil {
		return stats, fmt.Errorf("build: %w", err)
	}
	defer unlock()
	if err := recoverLeftovers(ctx, parent, base, opt.OldTrees, log); err != nil {
		return stats, fmt.Errorf("build: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, "."+base+".build-")
	if err != nil {
		return stats, fmt.Errorf("build: %w", err)
	}
	done := false
	defer func() {
		if !done {
			os.RemoveAll(tmp)
		}
	}()
	if err := os.Chmod(tmp, 0o755); err != nil {
		return stats, fmt.Errorf("build: %w", err)
	}
	m := opt.Manifest
	saved := m == nil // a one-shot build: its manifest lives in a file beside OUT
	if saved {
		m = &Manifest{}
	}
	w := &treeWriter{tmp: tmp, stats: &stats}
	if hasBuild(out) {
		// A publishing process's first build starts from what the last
		// process saved too (see SaveManifest).
		lerr := loadManifest(m, out)
		if !hasMark(out) {
			if !m.holdsFiles(out) {
				// An update removes every file the build does not write.
				return stats, fmt.Errorf("build: %s holds files but no build of a hub (no %s, nor the files a build left there): give an empty or a new folder", out, buildMark)
			}
			log.Warn("build: OUT lacks its mark but holds the files the last build left; writing it again", "out", out, "mark", buildMark)
		}
		if errors.Is(lerr, errNoManifest) {
			log.Info("build: no saved manifest; reading OUT back to compare", "out", out)
		} else if lerr != nil {
			log.Warn("build: saved manifest not trusted; reading OUT back to compare", "out", out, "err", lerr)
		}
		w.inc = newIncremental(out)
		w.inc.withManifest(m, saved)
		w.inc.oldTrees = opt.OldTrees
	} else {
		m.take(out) // a whole new tree: nothing known holds
		w.whole = &wholeNotes{files: map[string]fileSum{}, stamps: map[string]string{}}
	}
	stats.Whole = w.inc == nil
	rd, release, err := buildSnapshot(ctx, st)
	if err != nil {
		return stats, fmt.Errorf("build: %w", err)
	}
	defer release()
	var v *View
	if opt.Views != nil {
		v, err = w.run(ctx, opt.Workers, w.viewsSource(opt.Views, rd, log))
	} else {
		hopt := opt.Options
		hopt.CacheBytes = -1 // every document is rendered once: nothing to cache
		v, err = w.run(ctx, opt.Workers, loadSource(st, rd, s, hopt, log))
	}
	if err != nil {
		return stats, fmt.Errorf("build: %w", err)
	}
	stats.Skipped = v.Skipped()
	for _, sk := range stats.Skipped {
		log.Warn("build: left out", "record", sk.Path, "reason", sk.Reason)
	}
	// The extras (the website) need the memory more than these do.
	w.owners.Clear()
	w.dirs.made.Clear()
	for _, fn := range opt.Extra {
		if err := fn(ctx, v, &Output{w: w}); err != nil {
			return stats, fmt.Errorf("build: %w", err)
		}
	}
	if opt.Static != "" {
		if stats.Static, stats.StaticSkipped, err = w.putStatic(ctx, opt.Static, log); err != nil {
			return stats, fmt.Errorf("build: %w", err)
		}
	}
	// The saved manifest goes before OUT changes: a build killed from
	// here on leaves none to be trusted.
	if err := forgetManifest(out); err != nil {
		return stats, fmt.Errorf("build: %w", err)
	}
	if w.inc != nil {
		err = w.inc.update(ctx, tmp, &stats, log)
		if rerr := removeTree(ctx, tmp, removers, nil, nil); err == nil {
			err = rerr
		}
		if err == nil {
			m.keep(w.inc.next)
			if w.inc.nextArticles != nil {
				m.keepArticles(w.inc.nextArticles, w.inc.nextStamp)
			}
			m.keepStamps(w.inc.nextStamps)
			m.keepDirs(w.inc.nextDirs)
		}
	} else {
		err = swap(ctx, tmp, out)
		if err == nil {
			m.keep(w.whole.files)
			m.keepStamps(w.whole.stamps)
			if saved {
				m.keepDirs(folderTimes(out, ancestors(maps.Keys(w.whole.files)), func(string) (int64, bool) { return 0, false }))
			}
		}
	}
	if err != nil {
		return stats, fmt.Errorf("build: %w", err)
	}
	done = true
	// A publishing process keeps its manifest in memory only: saved on
	// every round, a large hub's would cost it more than it spares.
	if saved {
		if err := saveManifest(m, out); err != nil {
			// OUT is complete: the next build reads it back instead.
			log.Warn("build: manifest not saved", "err", err)
		}
	}
	stats.PinEnds = v.rank.pinEnds
	stats.Duration = time.Since(start)
	log.Info("build: done", "whole", stats.Whole, "files", stats.Files, "written", stats.Written,
		"unchanged", stats.Unchanged, "removed", stats.Removed, "took", stats.Duration.Round(time.Millisecond))
	return stats, nil
}

// resolveOut returns the folder a build of out writes, as an absolute
// path (the lock, the temporary tree and the manifest go beside it, which
// "." or ".." do not name): out, or where out is a link to a folder (a
// web root linking to another disk), the folder it leads to, so that the
// build goes there and the link stays, where the swap of a whole build
// put a folder in the link's place. A link to anything else is replaced,
// as a link inside OUT is.
func resolveOut(out string) string {
	if abs, err := filepath.Abs(out); err == nil {
		out = abs
	} else {
		out = filepath.Clean(out)
	}
	if fi, err := os.Lstat(out); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		return out
	}
	target, err := filepath.EvalSymlinks(out)
	if err != nil {
		return out
	}
	if fi, err := os.Stat(target); err != nil || !fi.IsDir() {
		return out
	}
	return target
}

// hasBuild reports whether out is a folder (not a link to one) holding
// anything, which a build then updates in place.
func hasBuild(out string) bool {
	fi, err := os.Lstat(out)
	if err != nil || !fi.IsDir() {
		return false
	}
	f, err := os.Open(out)
	if err != nil {
		return false
	}
	defer f.Close()
	names, _ := f.Readdirnames(1)
	return len(names) > 0
}

// buildMark is a file every build writes: a folder holding it was built.
const buildMark = "api/news/index.json"

// hasMark reports whether the folder out holds the mark of a build.
func hasMark(out string) bool {
	fi, err := os.Lstat(filepath.Join(out, filepath.FromSlash(buildMark)))
	return err == nil && fi.Mode().IsRegular()
}

// recoverLeftovers cleans up after builds that were killed: their
// temporary folders are deleted, and a previous tree a swap had renamed
// away (.OUT.old-*, see swap) is put back when OUT is missing, else
// deleted, removers files at once (see removeTree), their links never
// followed. One that cannot be deleted is logged and left. Old trees an
// update set aside (.OUT.gone-*, see OldTrees), whole or part removed,
// are deleted too, never put back: by trees, when given, in the
// background as it has room for them, else here.
func recoverLeftovers(ctx context.Context, parent, base string, trees *OldTrees, log *slog.Logger) error {
	remove := func(tree string) {
		if err := removeTree(ctx, tree, removers, nil, nil); err != nil {
			log.Warn("build: a killed build's leftover left", "err", err)
		}
	}
	builds, _ := filepath.Glob(filepath.Join(parent, "."+base+".build-*"))
	for _, m := range builds {
		remove(m)
	}
	os.Remove(manifestFile(filepath.Join(parent, base)) + ".tmp") // a save killed half-way
	old, _ := filepath.Glob(filepath.Join(parent, "."+base+".old-*"))
	out := filepath.Join(parent, base)
	if _, err := os.Lstat(out); errors.Is(err, fs.ErrNotExist) && len(old) > 0 {
		// Only one build runs at a time (lockOut), so there is one.
		if err := os.Rename(old[0], out); err != nil {
			return fmt.Errorf("restore the previous build from %s: %w", old[0], err)
		}
		log.Warn("build: restored the previous build a killed swap left aside", "from", old[0])
		old = old[1:]
	}
	for _, m := range old {
		remove(m)
	}
	gone, _ := filepath.Glob(filepath.Join(parent, "."+base+".gone-*"))
	for _, m := range gone {
		if trees != nil {
			trees.add(ctx, m, false) // or, with no room, at a later build
			continue
		}
		remove(m)
	}
	return nil
}

// swap puts the finished tree tmp in place of out. Where the system can
// exchange two paths in one step (exchange), out is never missing: a
// reader sees the old tree or the new one. Elsewhere the old tree is
// renamed away first, and out is missing between the two renames (a build
// killed there is put back by recoverLeftovers).
func swap(ctx context.Context, tmp, out string) error {
	if _, err := os.Lstat(out); errors.Is(err, fs.ErrNotExist) {
		return os.Rename(tmp, out)
	}
	if err := exchange(tmp, out); err == nil {
		return removeTree(ctx, tmp, removers, nil, nil) // which now holds the old tree
	} else if !errors.Is(err, errors.ErrUnsupported) {
		return err
	}
	old := filepath.Join(filepath.Dir(out), "."+filepath.Base(out)+".old-"+filepath.Base(tmp))
	if err := os.Rename(out, old); err != nil {
		return err
	}
	if err := os.Rename(tmp, out); err != nil {
		os.Rename(old, out)
		return err
	}
	return removeTree(ctx, old, removers, nil, nil)
}

// Output is where a build's Extra hooks put their files. Each file is
// handed over in memory: a whole build writes it into the new tree; an
// update in place compares it with OUT's copy first and writes only a
// file that differs, so an unchanged page costs no write.
type Output struct {
	w *treeWriter
}

// Folder returns an Output that writes every file into dir, for forms of
// the hub written outside a Build.
func Folder(dir string) *Output {
	return &Output{w: &treeWriter{tmp: dir, stats: &BuildStats{}}}
}

// Put puts data at rel, a slash path under OUT ("news/index.html"). It is
// safe for concurrent use.
func (o *Output) Put(rel string, data []byte) error {
	if !fs.ValidPath(rel) || rel == "." {
		return fmt.Errorf("build: unsafe file path %q", rel)
	}
	return o.w.put([]string{rel}, data)
}

// KeepStamped leaves OUT's file at rel as it is, as part of this build,
// and reports true, when the previous build put it with PutStamped, fresh
// says its stamp still holds, and the file was not changed in OUT since.
// Otherwise the caller is to put the file. It is safe for concurrent use.
func (o *Output) KeepStamped(rel string, fresh func(stamp string) bool) bool {
	c := o.w.inc
	if c == nil || !c.noting {
		return false
	}
	prev, ok := c.prevStamps[rel]
	if !ok || !fresh(prev) || !c.keepFile(rel) {
		return false
	}
	c.noteStamp(rel, prev)
	return true
}

// PrevStamp returns the stamp the previous build noted for the file at rel
// (see PutStamped), when an update in place knows it (with a Manifest):
// what that file was made from, which a caller may compare with what it
// would make now.
func (o *Output) PrevStamp(rel string) (string, bool) {
	c := o.w.inc
	if c == nil || !c.noting {
		return "", false
	}
	s, ok := c.prevStamps[rel]
	return s, ok
}

// PutStamped puts data at rel, as Put does, and notes stamp, what the
// data was made from, for the next build's KeepStamped.
func (o *Output) PutStamped(rel string, data []byte, stamp string) error {
	if err := o.Put(rel, data); err != nil {
		return err
	}
	if c := o.w.inc; c != nil && c.noting {
		c.noteStamp(rel, stamp)
	} else if n := o.w.whole; n != nil {
		n.mu.Lock()
		n.stamps[rel] = stamp
		n.mu.Unlock()
	}
	return nil
}

// job is one document and every file path it is written to: rendered by
// render, or already in doc (a pooled writer, released once written).
type job struct {
	paths  []string
	render func() ([]byte, error)
	doc    *jw
	owner  string // per-article jobs: the record path, see owns
}

// bytes renders the job's document.
func (j job) bytes() ([]byte, error) {
	if j.doc != nil {
		return j.doc.b, nil
	}
	return j.render()
}

// treeWriter writes documents into the temporary tree: every one on a
// whole build, only those that differ from OUT's files on an incremental
// one (inc).
type treeWriter struct {
	tmp   string
	inc   *incremental
	whole *wholeNotes // what a whole build's tree holds, for its Manifest
	stats *BuildStats
	dirs  folders
	ioMu  sync.Mutex // serializes an update's staging, see put

	ownMu  [64]sync.Mutex // striped by path: one writer per document
	owners sync.Map       // relative path → record path that wrote it
}

// wholeNotes is what the Manifest is to know of a whole build's files
// (an update notes it in incremental).
type wholeNotes struct {
	mu     sync.Mutex
	files  map[string]fileSum
	stamps map[string]string
}

// note notes the files at paths, copies of data written at times.
func (n *wholeNotes) note(paths []string, times []int64, data []byte) {
	sum := fileHash(data)
	n.mu.Lock()
	defer n.mu.Unlock()
	for i, rel := range paths {
		n.files[rel] = fileSum{size: int64(len(data)), mtime: times[i], sum: sum}
	}
}

// putOwned writes a per-article document unless a record that owns the
// path more (see owns) has written it; it replaces a lesser one's file.
func (w *treeWriter) putOwned(j job) error {
	rel := j.paths[0]
	mu := &w.ownMu[fnv32(rel)%uint32(len(w.ownMu))]
	mu.Lock()
	defer mu.Unlock()
	if cur, ok := w.owners.Load(rel); ok {
		if owns(cur.(string), j.owner) {
			return nil
		}
		w.drop(rel)
	}
	data, err := j.bytes()
	if err != nil {
		return err
	}
	w.owners.Store(rel, j.owner)
	return w.put(j.paths, data)
}

func fnv32(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

// source makes the view a build renders, sending jobs for the
// per-article documents, which the view does not hold, as it goes.
type source func(ctx context.Context, send func(job) bool) (*View, error)

// loadSource loads a view of its own for the build. The per-article
// documents need the related lists, which the view does not keep: they
// are written as the records stream by. The view is not complete yet, so
// they are rendered from the record alone.
func loadSource(st store.Store, rd store.Reader, s *site.Site, opt Options, log *slog.Logger) source {
	return func(ctx context.Context, send func(job) bool) (*View, error) {
		start := time.Now()
		each := func(v *View, r *model.Record, it *newsJSON) { send(articleJob(r, it)) }
		var (
			v   *View
			err error
		)
		if rd == nil {
			v, err = load(ctx, st, s, opt, each)
		} else {
			v, err = loadViewOnce(ctx, st, rd, s, opt, nil, each)
			if err == nil {
				v.rd = rd
			}
		}
		if err == nil {
			log.Info("build: view loaded", "news", len(v.news), "leads", len(v.leads), "took", time.Since(start).Round(time.Millisecond))
		}
		return v, err
	}
}

// buildSnapshot returns the snapshot a build reads the store at, and its
// release; none (nil) for a store that offers none. A build writes each
// article's document as it reads the record: read again after a commit
// landed between its reads, as a view is (see loadView), it would have
// written files of two generations. Every later read of the build
// (archived articles, the editors' decisions, newsletters, the website's
// related coverage: View.Reader) reads it too, where on PostgreSQL they
// read the store as it was by then.
func buildSnapshot(ctx context.Context, st store.Store) (store.Reader, func(), error) {
	rd, release, err := store.OpenSnapshot(ctx, st)
	if errors.Is(err, store.ErrNoSnapshot) {
		return nil, func() {}, nil
	}
	return rd, release, err
}

// viewsSource takes the view of vs of the generation of rd, the build's
// snapshot (loaded by the server, or now from rd if the server's is of
// another), and renders the per-article documents from the records, which
// the view does not hold (see articleDocs). The server's view read them
// from the store as it was by then: a list of the view linked to the
// document of an article moved, archived or purged since, which was not
// written, and the documents and pages read after it were of later
// generations.
func (w *treeWriter) viewsSource(vs *Views, rd store.Reader, log *slog.Logger) source {
	return func(ctx context.Context, send func(job) bool) (*View, error) {
		start := time.Now()
		v, err := vs.At(ctx, rd)
		if err != nil {
			return nil, err
		}
		log.Info("build: view taken", "generation", v.Generation(), "news", len(v.news), "leads", len(v.leads), "took", time.Since(start).Round(time.Millisecond))
		start = time.Now()
		read, kept, err := w.articleDocs(ctx, v, send)
		if err != nil {
			return nil, fmt.Errorf("publish: %w", err)
		}
		log.Info("build: articles", "rendered", read, "kept", kept, "took", time.Since(start).Round(time.Millisecond))
		return v, nil
	}
}

// articleDocs sends the jobs of the per-article documents of what v reads
// (View.Reader).
// Such a document is made from its record alone and the view's settings
// (articleStamp), so where the manifest knows what the previous build
// rendered each from, only the documents whose owning record has another
// version (or is another record) are rendered again, from records read
// one by one; the others are left in OUT as they are. Without that
// knowledge every news record is read. It returns how many documents were
// rendered and kept.
func (w *treeWriter) articleDocs(ctx context.Context, v *View, send func(job) bool) (read, kept int, err error) {
	stamp := v.articleStamp()
	c := w.inc
	if c == nil || !c.noting {
		// No manifest to keep what this build renders for the next.
		err = eachNews(ctx, v.rd, v.gen, nil, runtime.GOMAXPROCS(0), func(_ int, r *model.Record) {
			if v.shows(r) && content.CheckPath(r.Path, r.Kind) == nil {
				send(articleJob(r, v.newsItem(r.Path, r.Article, true)))
			}
		})
		return 0, 0, err
	}
	c.nextStamp = stamp
	c.nextArticles = map[string]articleRef{}
	// The owner of each article key, as putOwned would elect it.
	owners := map[string]articleRef{}
	err = v.rd.ScanNews(ctx, store.NewsQuery{Public: true}, func(e store.NewsEntry) error {
		if content.CheckPath(e.Path, model.KindNews) != nil {
			return nil
		}
		key := ArticleKey(e.Path, e.PublishedAt)
		if cur, ok := owners[key]; !ok || owns(e.Path, cur.path) {
			owners[key] = articleRef{path: e.Path, version: e.Version}
		}
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	known := c.prevArticles
	if c.prevStamp != stamp {
		known = nil
	}
	var todo []string
	for key, ref := range owners {
		if known[key] == ref && c.keepFile(articleFile(key)) {
			c.nextArticles[key] = ref
			kept++
			continue
		}
		todo = append(todo, ref.path)
	}
	if known == nil || len(todo) > len(owners)/4 {
		// Most records changed: one pass over the news costs less than
		// reading them one by one.
		err = eachNews(ctx, v.rd, v.gen, nil, runtime.GOMAXPROCS(0), func(_ int, r *model.Record) {
			if ref, ok := owners[ArticleKey(r.Path, r.Article.PublishedDateTime)]; ok && ref.path == r.Path && v.shows(r) {
				if _, done := c.nextArticle(r); !done {
					send(articleJob(r, v.newsItem(r.Path, r.Article, true)))
				}
			}
		})
	} else {
		err = c.renderArticles(ctx, v, todo, send)
	}
	if err != nil {
		return 0, 0, err
	}
	// From a store read at no snapshot, a document of an article the view
	// lists, whose record went since the view was loaded, stays until the
	// build that follows the change: the lists rendered from this view
	// still link to it.
	for key := range v.articles {
		if _, ok := c.nextArticles[key]; !ok {
			c.keepFile(articleFile(key))
		}
	}
	return len(todo), kept, nil
}

// renderArticles reads the records at paths one by one and sends the
// jobs of their documents.
func (c *incremental) renderArticles(ctx context.Context, v *View, paths []string, send func(job) bool) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for _, p := range paths {
		g.Go(func() error {
			r, err := v.rd.Get(gctx, p)
			switch {
			case errors.Is(err, store.ErrNotFound):
				return nil // gone since the scan: the next build follows
			case err != nil:
				return fmt.Errorf("article %s: %w", p, err)
			case !v.shows(r) || content.CheckPath(r.Path, r.Kind) != nil:
				return nil
			}
			if _, done := c.nextArticle(r); !done {
				send(articleJob(r, v.newsItem(r.Path, r.Article, true)))
			}
			return nil
		})
	}
	return g.Wait()
}

// nextArticle notes the record r's document is rendered from; done when
// the document of its key has been rendered already (a record read twice).
func (c *incremental) nextArticle(r *model.Record) (articleRef, bool) {
	key := ArticleKey(r.Path, r.Article.PublishedDateTime)
	ref := articleRef{path: r.Path, version: r.Version}
	c.articlesMu.Lock()
	defer c.articlesMu.Unlock()
	if cur, ok := c.nextArticles[key]; ok && cur.path == r.Path {
		return cur, true
	}
	c.nextArticles[key] = ref
	return ref, false
}

// articleFile is the file of the per-article document at key.
func articleFile(key string) string { return "api/news/" + key + "/index.json" }

// articleStamp tells what a per-article document depends on beside its
// record: a change of it makes every such document be rendered again.
func (v *View) articleStamp() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\x00%s\x00%s", v.base, v.loc, v.locale)
	for _, vc := range v.voices {
		fmt.Fprintf(&b, "\x00%s\x00%+v", vc.name, vc.h)
	}
	return b.String()
}

// articleJob is the job of a news record's own document.
func articleJob(r *model.Record, it *newsJSON) job {
	return job{paths: []string{articleFile(ArticleKey(r.Path, r.Article.PublishedDateTime))},
		doc: newsWriter(it, "", nil), owner: r.Path}
}

func (w *treeWriter) run(ctx context.Context, workers int, src source) (*View, error) {
	if workers <= 0 {
		workers = 2 * runtime.GOMAXPROCS(0)
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	jobs := make(chan job, 4*workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				var err error
				switch {
				case ctx.Err() != nil:
				case j.owner != "":
					err = w.putOwned(j)
				default:
					var data []byte
					if data, err = j.bytes(); err == nil {
						err = w.put(j.paths, data)
					}
				}
				if j.doc != nil {
					j.doc.release()
				}
				if err != nil {
					cancel(fmt.Errorf("%s: %w", j.paths[0], err))
				}
			}
		}()
	}
	send := func(j job) bool {
		select {
		case jobs <- j:
			return true
		case <-ctx.Done():
			if j.doc != nil {
				j.doc.release()
			}
			return false
		}
	}
	v, err := src(ctx, send)
	if err == nil {
		err = v.jobs(ctx, send)
	}
	close(jobs)
	wg.Wait()
	if c := context.Cause(ctx); c != nil {
		return nil, c
	}
	return v, err
}

// put writes data at every path, linking the other aliases to the first
// written copy. On an incremental build a path whose file in OUT already
// holds data is only noted as unchanged.
func (w *treeWriter) put(paths []string, data []byte) error {
	// A whole build writes from every worker at once: the files go to
	// many folders, and while one worker waits on the file system the
	// other processor renders or writes too. An update stages its few
	// files under numbers it hands out one at a time.
	if w.inc != nil {
		paths = w.inc.changed(paths, data)
		w.ioMu.Lock()
		defer w.ioMu.Unlock()
	}
	first := ""
	var mtime int64              // of first, which the links share
	times := make([]int64, 0, 3) // a whole build's, per path, for its Manifest
	for _, rel := range paths {
		atomic.AddInt64(&w.stats.Files, 1)
		atomic.AddInt64(&w.stats.Written, 1)
		dst := w.tmpName(rel)
		if err := w.dirs.mkdir(filepath.Dir(dst)); err != nil {
			return err
		}
		if first == "" || os.Link(first, dst) != nil {
			t, err := writeFileTime(dst, data)
			if err != nil {
				return err
			}
			first, mtime = dst, t
		}
		times = append(times, mtime)
	}
	if w.whole != nil {
		w.whole.note(paths, times, data)
	}
	return nil
}

// tmpName is where rel is written in the temporary folder: at its path
// on a whole build, which swaps the folder in; under a number on an
// update in place, so that the folder holds no subfolders to remove once
// its files are renamed into OUT. The caller holds ioMu.
func (w *treeWriter) tmpName(rel string) string {
	if w.inc == nil {
		return filepath.Join(w.tmp, filepath.FromSlash(rel))
	}
	w.inc.staged++
	name := filepath.Join(w.tmp, strconv.Itoa(w.inc.staged))
	w.inc.stagedAt[rel] = name
	return name
}

// drop forgets the file a lesser owner wrote at rel (see putOwned).
func (w *treeWriter) drop(rel string) {
	w.ioMu.Lock()
	defer w.ioMu.Unlock()
	if w.inc != nil && w.inc.forget(rel) {
		return // it was unchanged: nothing in the temporary tree
	}
	if w.inc != nil {
		os.Remove(w.inc.stagedAt[rel])
		delete(w.inc.stagedAt, rel)
	} else {
		os.Remove(filepath.Join(w.tmp, filepath.FromSlash(rel)))
		if n := w.whole; n != nil {
			n.mu.Lock()
			delete(n.files, rel)
			delete(n.stamps, rel)
			n.mu.Unlock()
		}
	}
	atomic.AddInt64(&w.stats.Files, -1)
	atomic.AddInt64(&w.stats.Written, -1)
}

// folders makes the folders of a tree being written, each once.
type folders struct {
	made sync.Map // folder → true
}

// mkdir creates dir once; with its parent known to exist that is one
// system call, where MkdirAll would look at every ancestor.
func (f *folders) mkdir(dir string) error {
	if _, ok := f.made.Load(dir); ok {
		return nil
	}
	var err error
	if _, ok := f.made.Load(filepath.Dir(dir)); ok {
		if err = os.Mkdir(dir, 0o755); errors.Is(err, fs.ErrExist) {
			err = nil
		}
	} else {
		err = os.MkdirAll(dir, 0o755)
	}
	if err != nil {
		return err
	}
	f.made.Store(dir, true)
	return nil
}

// firstPageFiles lists the three spellings of a one-page list at prefix
// ("api/people"): the folder, page1 and page/1. noIndex leaves the folder
// out when an item document owns it.
func firstPageFiles(prefix string, noIndex bool) []string {
	files := []string{prefix + "/page1/index.json", prefix + "/page/1/index.json"}
	if !noIndex {
		files = append([]string{prefix + "/index.json"}, files...)
	}
	return files
}

// pagedFiles lists the files of page p of a paged list at prefix.
func pagedFiles(prefix string, p int) []string {
	n := strconv.Itoa(p)
	files := []string{prefix + "/page/" + n + "/index.json", prefix + "/page" + n + "/index.json"}
	if p == 1 {
		files = append([]string{prefix + "/index.json"}, files...)
	}
	return files
}

// jobs sends every document of the hub except the per-article ones.
func (v *View) jobs(ctx context.Context, send func(job) bool) error {
	var stop bool
	emit := func(t target, paths ...string) {
		if stop {
			return
		}
		stop = !send(job{paths: paths, render: func() ([]byte, error) {
			b, _, err := v.render(ctx, t)
			return b, err
		}})
	}
	// emitItem writes an item document only where the path leads back to
	// it (a slug such as "page1" would be shadowed by a list).
	emitItem := func(t target, path string) {
		if got, ok := v.parse(path); ok && got == t {
			emit(t, path+"/index.json")
		}
	}
	emitPaged := func(prefix string, kind kind, a string, n int) {
		for p := 1; p <= n; p++ {
			emit(target{kind: kind, a: a, page: p}, pagedFiles(prefix, p)...)
		}
	}
	for p, n := 1, pageCount(len(v.leads), v.pageSize); p <= n; p++ {
		files := pagedFiles("api/news", p)
		if v.root != nil && validID(v.root.ID) {
			files = append(files, pagedFiles("api/news/"+v.root.ID, p)...)
		}
		emit(target{kind: tNewsPage, page: p}, files...)
	}
	for _, t := range v.site.Topics {
		if !v.isTopic(t.ID) || !validID(t.ID) {
			continue
		}
		emitPaged("api/news/"+t.ID, tNewsPage, t.ID, pageCount(len(v.topicLeads[t.ID]), v.pageSize))
		emit(target{kind: tEventsTopic, a: t.ID}, firstPageFiles("api/events/"+t.ID, v.eventBySlug[t.ID] != nil)...)
		emit(target{kind: tPeople, a: t.ID}, firstPageFiles("api/people/"+t.ID, v.personBy[t.ID] != nil)...)
		for _, f := range []string{"rss", "atom", "json"} {
			emit(target{kind: tFeed, a: t.ID, b: f}, "feeds/"+t.ID+"/"+feedFile[f])
		}
	}
	emit(target{kind: tEvents}, firstPageFiles("api/events", false)...)
	emit(target{kind: tEvents, a: "future"}, firstPageFiles("api/events/future", false)...)
	emit(target{kind: tEvents, a: "past"}, firstPageFiles("api/events/past", false)...)
	for slug := range v.eventBySlug {
		emitItem(target{kind: tEvent, a: slug}, "api/events/"+slug)
	}
	emit(target{kind: tPeople}, firstPageFiles("api/people", false)...)
	emit(target{kind: tPeopleLists}, firstPageFiles("api/people/collections", false)...)
	for slug := range v.personBy {
		emitItem(target{kind: tPerson, a: slug}, "api/people/"+slug)
	}
	for slug := range v.peopleList {
		emitItem(target{kind: tPeopleList, a: slug}, "api/people/collections/"+slug)
	}
	emit(target{kind: tLearning}, firstPageFiles("api/learning", false)...)
	emit(target{kind: tLearnLists}, firstPageFiles("api/learning/collections", false)...)
	for key := range v.learnBy {
		emitItem(target{kind: tLearnItem, a: key}, "api/learning/"+key)
	}
	emit(target{kind: tTopics}, "api/topics/index.json")
	emitPaged("api/stories", tStories, "", pageCount(len(v.apiStories), v.pageSize))
	for _, s := range v.apiStories {
		emitItem(target{kind: tStory, a: s.ID}, "api/stories/"+s.ID)
	}
	for _, f := range []string{"rss", "atom", "json"} {
		emit(target{kind: tFeed, b: f}, "feeds/"+feedFile[f])
	}
	emit(target{kind: tNewsletters}, firstPageFiles("api/newsletters", false)...)
	emit(target{kind: tOpenAPI}, openapi.Path)
	emit(target{kind: tAPIIndex}, "api/index.json")
	for slug := range v.newsletterBy {
		emitItem(target{kind: tNewsletter, a: slug}, "api/newsletters/"+slug)
	}
	for _, f := range []string{"rss", "atom"} {
		emit(target{kind: tNewsletterFeed, b: f}, "feeds/"+newsletterFeedFile[f])
	}
	if stop {
		return context.Cause(ctx)
	}
	return nil
}

var feedFile = map[string]string{"rss": "rss.xml", "atom": "atom.xml", "json": "feed.json"}

// Paths lists every file path a build writes, for tests and tools.
func (v *View) Paths(ctx context.Context) []string {
	var out []string
	v.jobs(ctx, func(j job) bool { out = append(out, j.paths...); return true })
	v.eachArticleKey(ctx, func(key string) { out = append(out, articleFile(key)) })
	return out
}
