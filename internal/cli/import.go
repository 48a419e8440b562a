package cli

import (
	"context"
	"fmt"
	"io"
	"maps"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"newshub/internal/importer"
	"newshub/internal/progress"
)

// importMemoryLimit is import's soft memory limit (see runImport).
const importMemoryLimit = 208 << 20

// runImport reads every record under SRC into the database.
func runImport(ctx context.Context, env *Env, args []string) error {
	fs := env.newFlagSet("import")
	maxSize := sizeFlag{n: importer.DefaultMaxSize}
	fs.Var(&maxSize, "max-size", "largest file to read, in bytes or with a unit (KiB, MiB, GiB); larger files are rejected")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "files read and parsed in parallel")
	batch := fs.Int("batch", importer.DefaultBatch, "records curated and written per transaction")
	noBulk := fs.Bool("no-bulk", false, "write record by record even into an empty store (which otherwise loads rows first and builds its indexes after)")
	if err := env.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return usageError("want at most one source folder, got %d arguments", fs.NArg())
	}
	// Two batches and the read-ahead are the live heap, 115-125 MB: under
	// 160 MiB the collector marked 9 GB in 79 collections to import the
	// 100k hub; under 208 MiB, 7.2 GB in 57, the peak 262 MB against 229.
	env.softMemoryLimit(importMemoryLimit)
	src := env.Site
	if fs.NArg() == 1 {
		src = fs.Arg(0)
	}
	if err := importer.CheckSource(src); err != nil {
		return err
	}
	// Curation reads a few records around each batch: mapping the file
	// would only add the pages it reads to the resident memory.
	st, err := env.openStoreIn(ctx, onePass)
	if err != nil {
		return err
	}
	defer st.Close()

	var bar *progress.Reporter
	done := 0
	res, err := importer.Import(ctx, st, src, importer.Options{
		MaxSize: maxSize.n, Workers: max(1, *workers), Batch: max(1, *batch), NoBulk: *noBulk,
		Progress: func(n, total int) {
			if bar == nil {
				bar = progress.New(env.Stderr, "import", "records", int64(total))
			}
			bar.Add(n - done)
			done = n
		},
		Reject:     func(e *importer.FileError) { fmt.Fprintln(env.Stderr, e) },
		Keep:       func(e *importer.FileError) { fmt.Fprintln(env.Stderr, e) },
		StoreFiles: env.storeFiles(),
		SiteDir:    env.Site,
	})
	if bar != nil {
		bar.Finish()
	}
	if err != nil {
		return err
	}
	static, err := importStatic(ctx, src, env.Site)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "imported %d records from %s in %s (%.0f records/s): %s\n",
		res.Imported(), src, round(res.Elapsed), progress.Rate(int64(res.Imported()), res.Elapsed), kindSummary(res.Kinds))
	if res.Unchanged > 0 {
		fmt.Fprintf(env.Stdout, "%d of them were already stored with the same bytes\n", res.Unchanged)
	}
	if res.Merged() {
		fmt.Fprintf(env.Stdout, "merged into the %d records the store held: %d of them replaced by the folder's files at their paths, the others kept\n", res.Held, res.Replaced)
	}
	if len(res.Accounts) > 0 {
		fmt.Fprintf(env.Stdout, "gave the site the admin area's accounts of %s it had none of: %s\n", src, strings.Join(res.Accounts, ", "))
	}
	printStatic(env.Stdout, src, static)
	printCollections(env.Stdout, res)
	if len(res.Rejected) > 0 {
		fmt.Fprintf(env.Stdout, "rejected %d files (reasons above)\n", len(res.Rejected))
		return errFailed
	}
	return nil
}

// printStatic says what the site folder was given of the static/ files
// of src, and names those it kept of its own.
func printStatic(w io.Writer, src string, s staticGiven) {
	if len(s.Added) > 0 {
		fmt.Fprintf(w, "gave the site folder the static files of %s it had none of, which its next build publishes: %s\n", src, listSome(s.Added, 8))
	}
	if len(s.Kept) > 0 {
		fmt.Fprintf(w, "kept the site folder's own static files that differ from those of %s (copy one over by hand to publish it instead): %s\n", src, strings.Join(s.Kept, ", "))
	}
	for _, l := range s.Left {
		fmt.Fprintf(w, "not copied, as a build leaves it out: %s (%s)\n", l.Path, l.Reason)
	}
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

// printCollections says how many files of each collection the import
// read, which of them it keeps without reading, and what it left out as
// not records, with the reason.
func printCollections(w io.Writer, res importer.Result) {
	names := slices.Sorted(maps.Keys(res.Collections))
	var read, kept []string
	for _, name := range names {
		c := res.Collections[name]
		read = append(read, fmt.Sprintf("%s %d", name, c.Files))
		if c.Opaque > 0 {
			kept = append(kept, fmt.Sprintf("%s %d", name, c.Opaque))
		}
	}
	if len(read) > 0 {
		fmt.Fprintf(w, "files by collection: %s\n", strings.Join(read, ", "))
	}
	if len(kept) > 0 {
		fmt.Fprintf(w, "kept as they are, not read (not published; export writes them back): %s\n", strings.Join(kept, ", "))
	}
	if res.Unread > 0 {
		fmt.Fprintf(w, "  %d of them in folders of records newshub reads (reasons above)\n", res.Unread)
	}
	if len(res.Skipped) == 0 {
		return
	}
	// One line per reason, in the order the reasons first appear.
	var reasons []string
	paths := map[string][]string{}
	for _, s := range res.Skipped {
		if _, ok := paths[s.Reason]; !ok {
			reasons = append(reasons, s.Reason)
		}
		paths[s.Reason] = append(paths[s.Reason], s.Path)
	}
	fmt.Fprintf(w, "not records, left out: %d\n", len(res.Skipped))
	for _, r := range reasons {
		fmt.Fprintf(w, "  %s (%s)\n", listSome(paths[r], 8), r)
	}
}

// listSome joins at most n names, saying how many more there are.
func listSome(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:n], ", "), len(names)-n)
}
