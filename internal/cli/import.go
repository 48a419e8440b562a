package cli

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"newshub/internal/content"
	"newshub/internal/curate"
	"newshub/internal/model"
	"newshub/internal/progress"
	"newshub/internal/site"
	"newshub/internal/store"
)

// defaultMaxSize is the largest file import reads (real records with
// hundreds of related entries reach a few hundred KB).
const defaultMaxSize = 16 << 20

// importBatch is how many records are curated and written per transaction.
// Curation re-reads the stored neighbours of each batch, so larger batches
// cost less CPU; 2000 keeps the records in flight near 100 MB.
const importBatch = 2000

// parseAhead is how many files may be read and parsed ahead of the writer.
const parseAhead = 512

// runImport reads every record under SRC into the database.
func runImport(ctx context.Context, env *Env, args []string) error {
	fs := env.newFlagSet("import")
	maxSize := sizeFlag{n: defaultMaxSize}
	fs.Var(&maxSize, "max-size", "largest file to read, in bytes or with a unit (KiB, MiB, GiB); larger files are rejected")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "files read and parsed in parallel")
	batch := fs.Int("batch", importBatch, "records curated and written per transaction")
	if err := env.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return usageError("want at most one source folder, got %d arguments", fs.NArg())
	}
	// Two batches and the read-ahead are the live heap.
	env.softMemoryLimit(200 << 20)
	src := env.Site
	if fs.NArg() == 1 {
		src = fs.Arg(0)
	}
	if fi, err := os.Stat(src); err != nil {
		return fmt.Errorf("import: %w", err)
	} else if !fi.IsDir() {
		return fmt.Errorf("import: %s is not a folder", src)
	}
	st, err := env.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	imp := &importer{
		out: env.Stdout, errs: env.Stderr, src: src, site: env.Site, st: st,
		maxSize: maxSize.n, workers: max(1, *workers), batch: max(1, *batch),
	}
	res, err := imp.run(ctx)
	if err != nil {
		return err
	}
	imp.summary(res)
	if res.rejected > 0 {
		return errFailed
	}
	return nil
}

// importer reads a site folder into a store.
type importer struct {
	out, errs io.Writer
	src       string
	site      string // the site folder, whose editorial decisions curation applies
	st        store.Store
	maxSize   int64
	workers   int
	batch     int

	// owners map the identity of a record to the file that first claimed
	// it, so a second file claiming it is rejected.
	owners map[string]string

	mu       sync.Mutex // guards errs and rejected: the parser and the writer both reject
	rejected int

	// stored holds a digest of the bytes of every record already in the
	// store, so a file that has not changed is not curated and written
	// again. Nil when the store cannot list raw bytes.
	stored map[string][sha256.Size]byte
}

// importResult is what an import did.
type importResult struct {
	kinds     map[model.Kind]int // records imported (stored or already there)
	unchanged int                // of which already stored with the same bytes
	rejected  int
	elapsed   time.Duration
}

// fileRef is one file to import.
type fileRef struct {
	rel  string // site path, slash separated
	abs  string // where to read it
	kind model.Kind
}

// parsed is the outcome of reading and parsing one file.
type parsed struct {
	ref  fileRef
	rec  *model.Record
	line int
	err  error
}

func (imp *importer) run(ctx context.Context) (importResult, error) {
	start := time.Now()
	res := importResult{kinds: map[model.Kind]int{}}
	imp.owners = map[string]string{}
	if err := imp.loadStored(ctx); err != nil {
		return res, err
	}
	files := imp.walk()

	// Configuration first (site settings, topics, publishers), so the news
	// that follows is curated against the site it belongs to.
	var config, news []fileRef
	for _, f := range files {
		if f.kind == model.KindNews {
			news = append(news, f)
		} else {
			config = append(config, f)
		}
	}
	bar := progress.New(imp.errs, "import", "records", int64(len(files)))
	defer bar.Finish()
	if err := imp.load(ctx, config, nil, bar, &res); err != nil {
		return res, err
	}
	if len(news) > 0 {
		s, err := site.Load(ctx, imp.st)
		if err != nil {
			return res, fmt.Errorf("import: %w", err)
		}
		cur := curate.New(s, imp.st, curate.Options{SiteDir: imp.site})
		if err := imp.load(ctx, news, cur, bar, &res); err != nil {
			return res, err
		}
	}
	bar.Finish()
	res.elapsed = time.Since(start)
	res.rejected = imp.rejected
	return res, nil
}

// loadStored records a digest of every stored record's bytes.
func (imp *importer) loadStored(ctx context.Context) error {
	rs, ok := imp.st.(rawScanner)
	if !ok {
		return nil
	}
	imp.stored = map[string][sha256.Size]byte{}
	err := rs.ScanRaw(ctx, nil, func(path string, _ model.Kind, raw []byte) error {
		imp.stored[path] = sha256.Sum256(raw)
		return nil
	})
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	return nil
}

// unchanged reports whether the store already holds these exact bytes at
// this path: importing the file again would change nothing.
func (imp *importer) unchanged(rec *model.Record) bool {
	if imp.stored == nil {
		return false
	}
	d, ok := imp.stored[rec.Path]
	return ok && d == sha256.Sum256(rec.Raw)
}

// arriver curates arriving news before it is stored.
type arriver interface {
	Arrive(ctx context.Context, recs []*model.Record) ([]*model.Record, error)
}

// load reads, parses and stores files in order, in batches, with parsing
// spread over workers and the writes of one batch overlapping the parsing
// of the next.
func (imp *importer) load(ctx context.Context, files []fileRef, cur arriver, bar *progress.Reporter, res *importResult) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	results := imp.parseAll(ctx, files)

	batches := make(chan []parsed) // one batch stored while the next fills
	written := make(chan error, 1)
	go func() {
		var err error
		for b := range batches {
			if err == nil {
				if err = imp.store(ctx, b, cur, bar, res); err != nil {
					cancel() // stop reading: nothing more can be stored
				}
			}
		}
		written <- err
	}()

	var batch []parsed
	for p := range results {
		if p.err != nil {
			imp.reject(p.ref, p.line, p.err)
			bar.Add(1)
			continue
		}
		if msg, line := imp.claim(p); msg != "" {
			imp.reject(p.ref, line, errors.New(msg))
			bar.Add(1)
			continue
		}
		batch = append(batch, p)
		if len(batch) >= imp.batch {
			batches <- batch
			batch = nil
		}
	}
	if len(batch) > 0 {
		batches <- batch
	}
	close(batches)
	if err := <-written; err != nil {
		return err
	}
	return ctx.Err()
}

// parseAll reads and parses files with imp.workers goroutines and delivers
// the results in file order.
func (imp *importer) parseAll(ctx context.Context, files []fileRef) <-chan parsed {
	type job struct {
		ref fileRef
		out chan parsed
	}
	jobs := make(chan job, 64)
	queue := make(chan chan parsed, parseAhead) // bounds what waits in memory
	for range imp.workers {
		go func() {
			for j := range jobs {
				j.out <- imp.parseFile(j.ref)
			}
		}()
	}
	go func() {
		defer close(queue)
		defer close(jobs)
		for _, f := range files {
			out := make(chan parsed, 1)
			select {
			case queue <- out:
			case <-ctx.Done():
				return
			}
			jobs <- job{f, out}
		}
	}()
	results := make(chan parsed, 64)
	go func() {
		defer close(results)
		for out := range queue {
			select {
			case results <- <-out:
			case <-ctx.Done():
				return
			}
		}
	}()
	return results
}

// parseFile reads one file within the size cap and parses it.
func (imp *importer) parseFile(ref fileRef) parsed {
	p := parsed{ref: ref}
	data, err := readCapped(ref.abs, imp.maxSize)
	if err != nil {
		p.err = err
		return p
	}
	rec, err := content.Parse(ref.rel, data)
	if err != nil {
		var pe *content.ParseError
		if errors.As(err, &pe) {
			p.line, p.err = pe.Line, errors.New(pe.Msg)
		} else {
			p.err = err
		}
		return p
	}
	if rec.Kind == model.KindNews {
		a := rec.Article
		a.Archived = strings.HasPrefix(ref.rel, "_archive/")
		if a.CanonicalURL == "" {
			a.CanonicalURL = curate.CanonicalURL(firstNonEmpty(a.OriginalURL, a.WebURL))
		}
	}
	p.rec = rec
	return p
}

// readCapped reads a file of at most max bytes.
func readCapped(name string, max int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, readError(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, readError(err)
	}
	if fi.Size() > max {
		return nil, fmt.Errorf("file of %d bytes is over the size cap of %d bytes (--max-size)", fi.Size(), max)
	}
	// Read one byte past the cap, to catch a file that grew since Stat.
	data, err := readAllInto(io.LimitReader(f, max+1), make([]byte, 0, fi.Size()+1))
	if err != nil {
		return nil, readError(err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("file is over the size cap of %d bytes (--max-size)", max)
	}
	return data, nil
}

func readAllInto(r io.Reader, b []byte) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

// readError words an I/O error for a rejection line.
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

// claim registers the identity of a parsed record and reports, with the
// line of the conflicting field, when another file already claimed it.
func (imp *importer) claim(p parsed) (string, int) {
	var key, what, field string
	switch r := p.rec; r.Kind {
	case model.KindTopic:
		key, what, field = "topic id\x00"+r.Topic.ID, "topic _id "+strconv.Quote(r.Topic.ID), "_id"
		if msg, line := imp.claimKey(p, key, what, field); msg != "" {
			return msg, line
		}
		key, what, field = "topic name\x00"+r.Topic.Name, "topic name "+strconv.Quote(r.Topic.Name), "name"
	case model.KindOrganization:
		d := strings.ToLower(strings.TrimPrefix(r.Organization.Domain, "www."))
		key, what, field = "org\x00"+d, "organization domain "+strconv.Quote(d), "domain"
	case model.KindNews:
		if r.Article.CanonicalURL == "" {
			return "", 0
		}
		key, what, field = "url\x00"+r.Article.CanonicalURL, "article URL "+strconv.Quote(r.Article.CanonicalURL), "originalUrl"
	default:
		return "", 0
	}
	return imp.claimKey(p, key, what, field)
}

func (imp *importer) claimKey(p parsed, key, what, field string) (string, int) {
	if first, ok := imp.owners[key]; ok {
		return fmt.Sprintf("duplicate record: %s is already given by %s", what, first), lineOf(p.rec.Raw, field)
	}
	imp.owners[key] = p.ref.rel
	return "", 0
}

// lineOf returns the line of the top-level key in a record's bytes, or 1.
func lineOf(raw []byte, key string) int {
	line := 1
	s := string(raw)
	for {
		if strings.HasPrefix(s, key+":") {
			return line
		}
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			return 1
		}
		s = s[i+1:]
		line++
	}
}

// store curates and writes one batch, leaving out records stored
// unchanged. A batch the store refuses is retried record by record, so one
// bad record is rejected and the rest go in.
func (imp *importer) store(ctx context.Context, batch []parsed, cur arriver, bar *progress.Reporter, res *importResult) error {
	var recs []*model.Record
	var fresh []parsed
	for _, p := range batch {
		if imp.unchanged(p.rec) {
			res.kinds[p.rec.Kind]++
			res.unchanged++
			continue
		}
		recs = append(recs, p.rec)
		fresh = append(fresh, p)
	}
	bar.Add(len(batch) - len(fresh))
	if len(fresh) == 0 {
		return nil
	}
	if cur != nil {
		var err error
		if recs, err = cur.Arrive(ctx, recs); err != nil {
			return fmt.Errorf("import: curate: %w", err)
		}
	}
	if err := imp.st.Upsert(ctx, recs); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return imp.storeOneByOne(ctx, fresh, recs, bar, res, err)
	}
	for _, p := range fresh {
		res.kinds[p.rec.Kind]++
	}
	bar.Add(len(fresh))
	return nil
}

func (imp *importer) storeOneByOne(ctx context.Context, batch []parsed, recs []*model.Record, bar *progress.Reporter, res *importResult, batchErr error) error {
	files := map[string]fileRef{}
	for _, p := range batch {
		files[p.rec.Path] = p.ref
	}
	stored := 0
	for _, r := range recs {
		ref, fromFile := files[r.Path]
		if err := imp.st.Upsert(ctx, []*model.Record{r}); err != nil {
			if !fromFile {
				return fmt.Errorf("import: store %s: %w", r.Path, err)
			}
			imp.reject(ref, 0, fmt.Errorf("cannot store record: %v", err))
			continue
		}
		if fromFile {
			res.kinds[r.Kind]++
			stored++
		}
	}
	if stored == 0 {
		return fmt.Errorf("import: %w", batchErr)
	}
	bar.Add(len(batch))
	return nil
}

// reject reports a file that is not imported, as path:line: reason.
func (imp *importer) reject(ref fileRef, line int, err error) {
	if line <= 0 {
		line = 1
	}
	imp.mu.Lock()
	defer imp.mu.Unlock()
	imp.rejected++
	fmt.Fprintf(imp.errs, "%s:%d: %v\n", ref.abs, line, err)
}

func (imp *importer) summary(res importResult) {
	n := 0
	for _, c := range res.kinds {
		n += c
	}
	fmt.Fprintf(imp.out, "imported %d records from %s in %s (%.0f records/s): %s\n",
		n, imp.src, round(res.elapsed), progress.Rate(int64(n), res.elapsed), kindSummary(res.kinds))
	if res.unchanged > 0 {
		fmt.Fprintf(imp.out, "%d of them were already stored with the same bytes\n", res.unchanged)
	}
	if res.rejected > 0 {
		fmt.Fprintf(imp.out, "rejected %d files (reasons above)\n", res.rejected)
	}
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

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// sizeFlag is a byte count given as a number with an optional unit.
type sizeFlag struct{ n int64 }

func (s *sizeFlag) String() string {
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if s.n >= u.mult && s.n%u.mult == 0 {
			return strconv.FormatInt(s.n/u.mult, 10) + u.suffix
		}
	}
	return strconv.FormatInt(s.n, 10)
}

func (s *sizeFlag) Set(v string) error {
	units := []struct {
		suffix string
		mult   int64
	}{
		{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10},
		{"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1},
	}
	num, mult := strings.TrimSpace(v), int64(1)
	for _, u := range units {
		if strings.HasSuffix(num, u.suffix) {
			num, mult = strings.TrimSpace(strings.TrimSuffix(num, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 {
		return fmt.Errorf("size %q: want a positive number of bytes, e.g. 16MiB", v)
	}
	s.n = n * mult
	return nil
}
