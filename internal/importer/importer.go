// Package importer reads the record files of a site folder into a store.
//
// An import walks the folder in path order, reads and parses the files on
// several goroutines and takes them in path order (current news before
// the archive, see below), so its outcome does not
// depend on timing: the first file to claim an identity (a topic's id or
// name, an organization's domain, an article's URL) keeps it, and a later
// file claiming it is rejected. Configuration (site settings, topics,
// publishers) is stored first, so the news that follows is curated against
// the site it belongs to. News is curated and written in batches, the
// writing of one overlapping the parsing of the next; a batch the store
// refuses is retried record by record, so one bad record is rejected and
// the rest go in. A file whose bytes the store already holds is counted and
// left alone.
//
// Records are the files of the folders whose names start with "_"
// (Jekyll's collections and _data) and _config.yml. A file of a kind
// newshub reads is parsed; any other (a collection newshub does not model,
// a data file it does not use, a file of another format) is kept as it is,
// an opaque record that export writes back and nothing publishes. The rest
// of the folder is not records (the site's pages and assets, the published
// API, Jekyll's output, hidden files, installed packages) and is listed in
// the result with the reason.
//
// A file whose identity another file gives already (a copy of an article
// in both _news and _archive/news, as Smartable's own hubs hold: current
// news is taken before the archive, so the live copy is the one read, and
// a news file whose article the store holds under its name in the other
// news folder, where retention moved it), or one with no front matter at
// all (which Jekyll copies as a static file), is not read but kept as it
// is, like an opaque record, and reported as a FileError in Result.Kept:
// export writes it back, and nothing publishes it.
//
// Every file not imported is reported as a FileError (path:line: reason):
// nothing is dropped silently.
package importer

import (
	"cmp"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"newshub/internal/content"
	"newshub/internal/curate"
	"newshub/internal/model"
	"newshub/internal/site"
	"newshub/internal/store"
)

// DefaultMaxSize is the largest file an import reads when Options.MaxSize
// is zero (real records with hundreds of related entries reach a few
// hundred KB).
const DefaultMaxSize = 16 << 20

// DefaultBatch is how many records are curated and written per transaction
// when Options.Batch is zero. Curation re-reads the stored neighbours of
// each batch, so larger batches cost less CPU; 2000 keeps the records in
// flight near 100 MB.
const DefaultBatch = 2000

// parseAhead is how many files may be read and parsed ahead of the writer.
const parseAhead = 512

// Options tune an import. The zero value is ready to use.
type Options struct {
	// MaxSize is the largest file read, in bytes; a larger file is
	// rejected. Zero means DefaultMaxSize.
	MaxSize int64
	// Workers is how many files are read and parsed in parallel. Zero
	// means GOMAXPROCS.
	Workers int
	// Batch is how many records are curated and written per transaction.
	// Zero means DefaultBatch.
	Batch int

	// Progress, when set, is called once the record files are counted
	// (done 0) and then as files are finished: stored, found unchanged or
	// rejected. Calls are serialized.
	Progress func(done, total int)
	// Reject, when set, is called for each file not imported, as it
	// happens; Result.Rejected lists them all at the end. Calls are
	// serialized.
	Reject func(*FileError)
	// Keep, when set, is called for each file of a kind newshub reads
	// that is kept as it is, not read, as it happens; Result.Kept lists
	// them all at the end. Calls are serialized.
	Keep func(*FileError)

	// NoBulk writes record by record even into an empty store that can
	// load in bulk (store.BulkLoader).
	NoBulk bool

	// StoreFiles are the files of the store imported into, such as a
	// SQLite database and its journal: found in the source folder, they
	// are left out (SkipStore) rather than read as records.
	StoreFiles []string

	// SiteDir is the site folder whose editorial decisions
	// (_data/decisions.yaml) curation applies to the news imported; the
	// imported folder's own log, stored with the rest, serves when empty.
	// It is given the admin area's accounts of the imported folder
	// (UsersPath) it has none of.
	SiteDir string
}

// FileError is a file an import rejected, and why.
type FileError struct {
	Path string // where the file was found: the source folder joined with its site path
	Line int    // the line the reason concerns, 1 when it concerns the whole file
	Err  error
}

func (e *FileError) Error() string { return fmt.Sprintf("%s:%d: %v", e.Path, e.Line, e.Err) }

func (e *FileError) Unwrap() error { return e.Err }

// Result is what an import did.
type Result struct {
	Kinds     map[model.Kind]int // records imported, by kind: stored, or already stored unchanged
	Unchanged int                // of which were already stored with the same bytes
	Rejected  []*FileError       // files not imported, in the order they were found out
	// Kept are the files of a kind newshub reads that it keeps as they
	// are without reading them (stored as model.KindOpaque), and why.
	Kept []*FileError
	// Unread counts the files of a kind newshub reads that are stored as
	// they are, unread: the Kept, and the Rejected that were read but are
	// no record (kept so that export gives them back).
	Unread int
	// Collections counts the record files found, by collection: the first
	// folder of their path ("_news", "_challenges"), or the file itself
	// at the top of the site ("_config.yml").
	Collections map[string]Collection
	// Skipped lists the entries of the source that are not records, in
	// path order: nothing is left out without a reason.
	Skipped []Skip
	// Held counts the records the store held before the import, which
	// the folder's are merged into; Replaced, those of them a file of the
	// folder at the same path replaced with other bytes.
	Held, Replaced int
	// Accounts are the names of the admin area's accounts the site folder
	// was given from the imported folder's (UsersPath).
	Accounts []string
	// Bulk says the records were loaded into an empty store in bulk, the
	// indexes built once at the end.
	Bulk    bool
	Elapsed time.Duration
}

// Collection counts the record files of one collection.
type Collection struct {
	Files  int // found, whatever became of them
	Opaque int // of which newshub keeps without reading (model.KindOpaque)
}

// Skip is an entry of the source folder that is not a record, and why.
type Skip struct {
	Path   string // site path; a folder's ends with "/"
	Reason string // one of the Skip... reasons
}

// Imported returns the number of records imported, of every kind.
func (r Result) Imported() int {
	n := 0
	for _, c := range r.Kinds {
		n += c
	}
	return n
}

// Merged reports whether the folder's records were merged into others of
// the store: records it held that the folder does not give, or gives with
// other bytes. A store holding only what the folder gives as it is (the
// folder imported again, or a new site whose configuration its first
// commands stored) merged nothing.
func (r Result) Merged() bool { return r.Held > r.Unchanged }

// Import reads every record file under the folder src into st. Files that
// cannot be imported are rejected and reported in the result; the error is
// for what stops the import as a whole (an unreadable source folder, a
// store that refuses every write, a cancelled context).
func Import(ctx context.Context, st store.Store, src string, opts Options) (Result, error) {
	if err := CheckSource(src); err != nil {
		return Result{}, err
	}
	start := time.Now()
	if opts.MaxSize <= 0 {
		opts.MaxSize = DefaultMaxSize
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	if opts.Batch <= 0 {
		opts.Batch = DefaultBatch
	}
	imp := &importer{st: st, src: src, opts: opts, now: start, owners: map[string]string{},
		res: Result{Kinds: map[model.Kind]int{}, Collections: map[string]Collection{}}}
	if bl, ok := st.(store.BulkLoader); ok && !opts.NoBulk {
		err := bl.BulkLoad(ctx, func(ctx context.Context) error {
			imp.res.Bulk = true
			return imp.run(ctx)
		})
		if imp.res.Bulk || !errors.Is(err, store.ErrNotEmpty) && !errors.Is(err, store.ErrNoBulk) {
			imp.res.Elapsed = time.Since(start)
			return imp.res, err
		}
	}
	err := imp.run(ctx)
	imp.res.Elapsed = time.Since(start)
	return imp.res, err
}

// CheckSource reports whether src is a folder an import can read, so a
// caller can check before it opens (and perhaps creates) a store.
func CheckSource(src string) error {
	fi, err := os.Stat(src)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("import: %s is not a folder", src)
	}
	return nil
}

// importer is one import in progress.
type importer struct {
	st   store.Store
	src  string
	opts Options
	now  time.Time // when the import began

	// owners map the identity of a record to the file that first claimed
	// it, so a second file claiming it is rejected.
	owners map[string]string

	// stored holds the kind and a digest of the bytes of every record
	// already in the store, so a file that has not changed is not curated
	// and written again.
	stored map[string]storedFile
	// modes holds the permission bits recorded of the stored records'
	// files (store.Store.Modes), so only those that changed are written.
	modes map[string]fs.FileMode

	// values are newshub's own values of the imported folder's records
	// that their files do not carry (ValuesPath), by record path.
	values map[string]ownValues

	mu          sync.Mutex // guards res.Rejected, res.Kept and done: the parser and the writer both report
	res         Result     // Kinds and Unchanged are the writer's alone
	done, total int
}

func (imp *importer) run(ctx context.Context) error {
	if err := imp.loadStored(ctx); err != nil {
		return err
	}
	files := imp.walk()

	// Configuration first (site settings, topics, publishers), so the news
	// that follows is curated against the site it belongs to.
	config, news := splitNews(files)
	imp.total = len(files)
	imp.advance(0)
	imp.readValues()
	if err := imp.load(ctx, config, nil); err != nil {
		return err
	}
	news = imp.byStory(news)
	if len(news) > 0 {
		s, err := site.Load(ctx, imp.st)
		if err != nil {
			return fmt.Errorf("import: %w", err)
		}
		cur := curate.New(s, imp.st, curate.Options{SiteDir: imp.opts.SiteDir})
		if err := imp.load(ctx, news, cur); err != nil {
			return err
		}
	}
	if err := imp.keepPurged(ctx); err != nil {
		return err
	}
	if err := imp.keepSources(ctx); err != nil {
		return err
	}
	if err := imp.keepRounds(ctx); err != nil {
		return err
	}
	return imp.keepUsers()
}

// splitNews parts files into configuration and news, keeping path order
// within each but for one thing: current news comes before the archive. A
// hub may hold an article in both _news and _archive/news (Smartable's
// do), and the first file to claim an article is the one read; the copy
// in _news is the live one, the one the site publishes, so it claims the
// article and the archived copy is kept as it is.
func splitNews(files []fileRef) (config, news []fileRef) {
	var archived []fileRef
	for _, f := range files {
		switch {
		case f.kind != model.KindNews:
			config = append(config, f)
		case strings.HasPrefix(f.rel, content.ArchiveDir):
			archived = append(archived, f)
		default:
			news = append(news, f)
		}
	}
	return config, append(news, archived...)
}

// byStory orders news so that the files of a story given (ValuesPath)
// follow one another from where its first one is, the others keeping
// their places: the story then comes in one batch (see oneStory).
func (imp *importer) byStory(news []fileRef) []fileRef {
	if len(imp.values) == 0 {
		return news
	}
	first := map[string]int{} // the place of each story's first file
	at := make(map[string]int, len(news))
	for i, f := range news {
		at[f.rel] = i
		if s := imp.values[f.rel].Story; s != "" {
			if _, ok := first[s]; !ok {
				first[s] = i
			}
			at[f.rel] = first[s]
		}
	}
	out := slices.Clone(news)
	slices.SortStableFunc(out, func(a, b fileRef) int { return cmp.Compare(at[a.rel], at[b.rel]) })
	return out
}

// storedFile is what the store holds at a path.
type storedFile struct {
	kind model.Kind
	sum  [sha256.Size]byte
}

// loadStored records the kind and a digest of the bytes of every stored
// record, and the permission bits recorded of their files.
func (imp *importer) loadStored(ctx context.Context) error {
	imp.stored = map[string]storedFile{}
	err := imp.st.ScanRaw(ctx, nil, func(path string, kind model.Kind, raw []byte) error {
		imp.stored[path] = storedFile{kind, sha256.Sum256(raw)}
		return nil
	})
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	imp.res.Held = len(imp.stored)
	if imp.modes, err = imp.st.Modes(ctx); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	return nil
}

// unchanged reports whether the store already holds these exact bytes at
// this path, as a record of the same kind: importing the file again would
// change nothing. (A file kept unread because another gave its article
// becomes a record of its own once that other is gone.)
func (imp *importer) unchanged(rec *model.Record) bool {
	f, ok := imp.stored[rec.Path]
	return ok && f.kind == rec.Kind && f.sum == sha256.Sum256(rec.Raw)
}

// reject reports a file that is not imported.
func (imp *importer) reject(ref fileRef, line int, err error) {
	imp.report(&imp.res.Rejected, imp.opts.Reject, ref, line, err)
}

// keep reports a file of a kind newshub reads that it keeps as it is.
func (imp *importer) keep(ref fileRef, line int, err error) {
	imp.report(&imp.res.Kept, imp.opts.Keep, ref, line, err)
}

// report adds a FileError to the result's list and tells the caller's
// hook, when set, as it happens.
func (imp *importer) report(list *[]*FileError, hook func(*FileError), ref fileRef, line int, err error) {
	fe := &FileError{Path: ref.abs, Line: max(line, 1), Err: err}
	imp.mu.Lock()
	defer imp.mu.Unlock()
	*list = append(*list, fe)
	if hook != nil {
		hook(fe)
	}
}

// advance counts n more files finished.
func (imp *importer) advance(n int) {
	imp.mu.Lock()
	defer imp.mu.Unlock()
	imp.done += n
	if imp.opts.Progress != nil {
		imp.opts.Progress(imp.done, imp.total)
	}
}
