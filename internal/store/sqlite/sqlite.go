// Package sqlite is the embedded store: SQLite through the pure-Go
// modernc.org/sqlite driver, in WAL mode.
//
// Writes go through one connection (SQLite allows one writer at a time, so
// queueing in Go is cheaper than retrying on SQLITE_BUSY); reads use a
// separate pool of read-only connections, which WAL lets proceed while a
// write transaction is open, each seeing the last committed state. A bulk
// load into an empty store reads through the writer too (see BulkLoad).
package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	msqlite "modernc.org/sqlite" // registers the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"

	"newshub/internal/model"
	"newshub/internal/store"
	"newshub/internal/store/codec"
)

// busyTimeoutMS is how long a connection waits for a lock before giving up;
// long enough to outlast any single import batch or checkpoint.
const busyTimeoutMS = 10000

// pageSize is the page size of new databases. Large pages hold many
// records each and cut the number of write calls per batch, which is most
// of what an import costs beyond the B-tree work itself.
const pageSize = 65536

// Memory. A page cache costs far more resident memory than its nominal
// size once a batch has cycled 64 KiB pages through it, and pages read
// through a mapping count as resident too, per connection: large settings
// here put an import of 100,000 articles above 1.2 GB resident for no
// measurable CPU gain. So the writer keeps a small cache and no mapping
// (a batch's B-tree work is CPU-bound either way), and readers, whose
// random reads of a large database the mapping does speed up (a filtered
// search several times over), map only its first part.
//
// writerPragmas: no mapping, checkpoints every 64 MiB of log, temporary
// B-trees in memory; the cache is set apart (see WriteCache), 4 MiB unless
// told.
const writerPragmas = "&_pragma=mmap_size(0)&_pragma=wal_autocheckpoint(1000)&_pragma=temp_store(MEMORY)"

// defaultWriteCache is the writer's page cache unless told otherwise.
const defaultWriteCache = 4 << 20

// readerPragmas make reader connections read-only; the cache and the
// mapping are added by Open (see ReadCache and ReadMap).
const readerPragmas = "&_pragma=query_only(1)"

// defaultReadCache is each reader connection's page cache unless told
// otherwise.
const defaultReadCache = 4 << 20

// defaultReadMap is how much of the file readers map unless told otherwise:
// all of it up to SQLite's own limit. A search reads pages from all over
// the file (the full-text index, the ids, the records), and a page outside
// the mapping costs a system call on every read that misses the small
// per-connection cache: with 256 MiB mapped, where a rebuilt index landed in
// a 1.2 GB file made the same search take 12 or 24 ms. Mapped pages are the
// kernel's file cache, shared by the connections and reclaimable, though
// they count in the resident set once read.
const defaultReadMap = 2 << 30

// Option tunes how Open opens a store.
type Option func(*options)

type options struct {
	readMap    int64
	readCache  int64
	writeCache int64
	busyMS     int // how long a connection waits for a lock, in milliseconds
}

// ReadMap sets how many bytes of the file reader connections map (0: none).
// Mapping speeds up random reads, such as searches filtered by topic, several
// times; a command that reads the store once from end to end (a static
// build) gains nothing from it and keeps its resident memory lower without.
func ReadMap(bytes int64) Option {
	return func(o *options) { o.readMap = max(0, bytes) }
}

// ReadCache sets each reader connection's page cache in bytes. The caches
// are SQLite's own memory, outside the Go heap, and stay resident once
// filled: a command that reads the store in pages of records and batches of
// keys (ingest) keeps the inner pages of the B-trees it walks in a small
// one as well, where the default's four connections hold 16 MiB.
func ReadCache(bytes int64) Option {
	return func(o *options) { o.readCache = max(1<<20, bytes) }
}

// WriteCache sets the writer's page cache in bytes. A command that
// rewrites and deletes records all over a large file (retention) reads
// each page once from disk instead of many times with a cache that holds
// its B-trees' inner pages: at 100,000 articles 64 MiB halves its system
// time, for as much more resident memory.
func WriteCache(bytes int64) Option {
	return func(o *options) { o.writeCache = max(1<<20, bytes) }
}

// Store is a store.Store kept in one SQLite database file.
type Store struct {
	path    string
	file    os.FileInfo // the file opened, nil if it could not be told
	w       *sql.DB     // the single writer connection
	r       *sql.DB     // read-only connections
	readers int         // idle read connections kept
	// writeCacheKiB is the writer's page cache as opened (see WriteCache),
	// which a bulk load sets back at its end.
	writeCacheKiB int64
	busyMS        int // see options

	// rebuilt says Open found the remains of a bulk load that died and
	// started the store again.
	rebuilt bool

	// rd is where reads go: pool, or during a bulk load the writer.
	rd   atomic.Pointer[readers]
	pool *readers

	// walLimit is the size of the write-ahead log past which a write
	// first truncates it (see trimLog); trimAfter, in Unix nanoseconds,
	// is when to try again after readers kept a try from it.
	walLimit  int64
	trimAfter atomic.Int64
}

var _ store.Store = (*Store)(nil)

// Open opens (creating it and its folder if needed) the database file at
// path and brings its schema up to date.
func Open(ctx context.Context, path string, opts ...Option) (*Store, error) {
	o := options{readMap: defaultReadMap, readCache: defaultReadCache, writeCache: defaultWriteCache, busyMS: busyTimeoutMS}
	for _, opt := range opts {
		opt(&o)
	}
	if path == "" {
		return nil, errors.New("sqlite store: empty database path")
	}
	if strings.ContainsRune(path, '?') {
		return nil, fmt.Errorf("sqlite store %s: a database path may not contain '?'", path)
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("sqlite store: %w", err)
		}
	}
	rebuilt, err := recoverBulk(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite store %s: %w", path, err)
	}
	common := fmt.Sprintf("_pragma=busy_timeout(%d)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)", o.busyMS)
	// IMMEDIATE takes the write lock at BEGIN, so a write transaction never
	// fails half-way on upgrading a read lock.
	writeCacheKiB := o.writeCache >> 10
	w, err := sql.Open("sqlite", path+"?"+common+writerPragmas+fmt.Sprintf("&_pragma=cache_size(-%d)", writeCacheKiB)+
		"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("sqlite store %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxIdleTime(0)
	w.SetConnMaxLifetime(0)
	// The page size of a new database must be set before WAL mode fixes
	// it; on an existing database the first statement does nothing.
	if _, err := w.ExecContext(ctx, fmt.Sprintf(`PRAGMA page_size = %d`, pageSize)); err != nil {
		w.Close()
		return nil, openError(path, o.busyMS, err)
	}
	var mode string
	if err := w.QueryRowContext(ctx, `PRAGMA journal_mode = WAL`).Scan(&mode); err != nil {
		w.Close()
		return nil, openError(path, o.busyMS, err)
	}
	if mode != "wal" {
		w.Close()
		return nil, fmt.Errorf("sqlite store %s: cannot use WAL mode (journal mode is %q)", path, mode)
	}
	if err := migrate(ctx, w); err != nil {
		w.Close()
		return nil, openError(path, o.busyMS, err)
	}
	r, err := sql.Open("sqlite", path+"?"+common+readerPragmas+fmt.Sprintf("&_pragma=cache_size(-%d)&_pragma=mmap_size(%d)", o.readCache>>10, o.readMap))
	if err != nil {
		w.Close()
		return nil, openError(path, o.busyMS, err)
	}
	readers := max(4, 2*runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(4 * readers) // room for reads nested inside a Scan callback
	r.SetMaxIdleConns(readers)
	if err := r.PingContext(ctx); err != nil {
		w.Close()
		r.Close()
		return nil, openError(path, o.busyMS, err)
	}
	s := &Store{path: path, w: w, r: r, readers: readers, writeCacheKiB: writeCacheKiB, busyMS: o.busyMS, rebuilt: rebuilt, walLimit: walLimit}
	s.file, _ = os.Stat(path)
	if s.pool, err = newReaders(ctx, r, false); err != nil {
		s.Close()
		return nil, openError(path, o.busyMS, err)
	}
	s.rd.Store(s.pool)
	return s, nil
}

// locked reports whether err is SQLite's answer to a lock another
// connection held past the busy timeout.
func locked(err error) bool {
	e, ok := errors.AsType[*msqlite.Error](err)
	return ok && (e.Code()&0xff == sqlite3.SQLITE_BUSY || e.Code()&0xff == sqlite3.SQLITE_LOCKED)
}

// openError names the store in an error of Open, and for a lock held past
// the wait, what holds it and what to do: "database is locked (5)
// (SQLITE_BUSY)" says neither.
func openError(path string, busyMS int, err error) error {
	if locked(err) {
		return lockedError(path, busyMS, err)
	}
	return fmt.Errorf("sqlite store %s: %w", path, err)
}

// lockedError says that another process held the database locked longer
// than a connection waits, and what to do.
func lockedError(path string, busyMS int, err error) error {
	return fmt.Errorf("sqlite store %s: another process held the database locked for over %v (a sqlite3 shell with a transaction open, a long write): end it, or wait for it, and run this again: %w",
		path, time.Duration(busyMS)*time.Millisecond, err)
}

// Present returns an error when the database file is no longer at its
// path, deleted or replaced by another: the store goes on reading and
// writing the file it opened, whose writes are then lost with the process.
func (s *Store) Present() error {
	if s.file == nil {
		return nil
	}
	fi, err := os.Stat(s.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("the database file %s was removed: what is written goes to the file open, which vanishes with the process", s.path)
	case err != nil:
		return fmt.Errorf("the database file: %w", err)
	case !os.SameFile(fi, s.file):
		return fmt.Errorf("the database file %s was replaced by another: what is written goes to the file open, not to it", s.path)
	}
	return nil
}

// Rebuilt reports whether Open found the remains of a bulk load that died
// and started the store again, empty.
func (s *Store) Rebuilt() bool { return s.rebuilt }

// Close releases the statements and connections. The last connection to
// close checkpoints the write-ahead log into the database file.
func (s *Store) Close() error {
	var errs []error
	if s.pool != nil {
		errs = append(errs, s.pool.close())
	}
	return errors.Join(append(errs, s.r.Close(), s.w.Close())...)
}

// Generation returns the counter every write transaction bumps.
func (s *Store) Generation(ctx context.Context) (int64, error) {
	rd, done, err := s.reads()
	if err != nil {
		return 0, fmt.Errorf("generation: %w", err)
	}
	defer done()
	var g int64
	if err := rd.db.QueryRowContext(ctx, `SELECT value FROM generation WHERE id = 1`).Scan(&g); err != nil {
		return 0, fmt.Errorf("generation: %w", err)
	}
	return g, nil
}

// Committed returns the generation with when it was committed.
func (s *Store) Committed(ctx context.Context) (store.Commit, error) {
	rd, done, err := s.reads()
	if err != nil {
		return store.Commit{}, fmt.Errorf("generation: %w", err)
	}
	defer done()
	var (
		c         store.Commit
		at, prior int64
	)
	if err := rd.db.QueryRowContext(ctx, `SELECT value, committed, prior FROM generation WHERE id = 1`).Scan(&c.Generation, &at, &prior); err != nil {
		return store.Commit{}, fmt.Errorf("generation: %w", err)
	}
	c.At, c.Prior = commitTime(at), commitTime(prior)
	return c, nil
}

// commitTime reads a commit time of the generation table: 0 is none.
func commitTime(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(us).UTC()
}

// bump advances the generation inside a write transaction and records
// when it commits: now, by the writer's clock, or the time of the
// generation before when that clock is behind it (another process's,
// or set back), so commit times never go back.
func bump(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, `UPDATE generation SET value = value + 1, prior = committed,
		committed = max(committed, ?) WHERE id = 1`, time.Now().UnixMicro()); err != nil {
		return fmt.Errorf("bump generation: %w", err)
	}
	return nil
}

// recordColumns are the columns decodeRow reads, in order.
const recordColumns = `r.path, r.kind, r.raw, r.value, r.version`

// recordColumnsNoRaw reads records without their file bytes (Raw nil).
const recordColumnsNoRaw = `r.path, r.kind, NULL, r.value, r.version`

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// decodeRow reads one row of recordColumns into a Record.
func decodeRow(sc scanner) (*model.Record, error) {
	rec, _, err := decodeRowValue(sc)
	return rec, err
}

// decodeRowValue is decodeRow that also returns the encoded value, valid
// until the next row is read.
func decodeRowValue(sc scanner) (*model.Record, []byte, error) {
	var (
		rec   model.Record
		kind  string
		value sql.RawBytes
	)
	if err := sc.Scan(&rec.Path, &kind, &rec.Raw, &value, &rec.Version); err != nil {
		return nil, nil, err
	}
	rec.Kind = model.Kind(kind)
	if err := codec.Decode(&rec, value); err != nil {
		return nil, nil, err
	}
	return &rec, value, nil
}

// Get returns the record at path, or store.ErrNotFound.
func (s *Store) Get(ctx context.Context, path string) (*model.Record, error) {
	rd, done, err := s.reads()
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", path, err)
	}
	defer done()
	rows, err := rd.getRows(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", path, err)
	}
	recs, err := collect(rows)
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", path, err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("get %s: %w", path, store.ErrNotFound)
	}
	return recs[0], nil
}

// collect decodes every row and closes rows.
func collect(rows *sql.Rows) ([]*model.Record, error) {
	defer rows.Close()
	var recs []*model.Record
	for rows.Next() {
		rec, err := decodeRow(rows)
		if err != nil {
			return nil, err
		}
		recs = append(recs, rec)
	}
	return recs, rows.Err()
}

// kindFilter returns a WHERE clause selecting kinds (empty: all) and its
// arguments.
func kindFilter(kinds []model.Kind) (string, []any) {
	if len(kinds) == 0 {
		return "", nil
	}
	args := make([]any, len(kinds))
	for i, k := range kinds {
		args[i] = string(k)
	}
	where := ` WHERE r.kind IN (?` + strings.Repeat(`, ?`, len(kinds)-1) + `)`
	if !slices.Contains(kinds, model.KindNews) {
		where += ` AND r.kind <> 'news'` // lets records_kind serve the scan
	}
	return where, args
}

// Scan streams the records of the given kinds in path order, decoding each
// just before fn sees it.
func (s *Store) Scan(ctx context.Context, kinds []model.Kind, fn func(*model.Record) error) error {
	return s.ScanValues(ctx, kinds, func(rec *model.Record, _ []byte) error { return fn(rec) })
}

// ScanValues is Scan that also hands fn each record's value as stored
// (JSON), valid only during the call: a caller that wants to know whether
// it changes a record can compare against it without encoding it again.
func (s *Store) ScanValues(ctx context.Context, kinds []model.Kind, fn func(rec *model.Record, value []byte) error) error {
	where, args := kindFilter(kinds)
	return s.scanValues(ctx, where, args, decodeRowValue, fn)
}

// ScanHolding is Scan of the records whose value holds one of keys; the
// others are read but not decoded: bytes.Contains over each value costs
// a fraction of decoding it, where SQLite's instr over every value cost
// about as much as decoding them all.
func (s *Store) ScanHolding(ctx context.Context, kinds []model.Kind, keys []string, fn func(*model.Record) error) error {
	if len(keys) == 0 {
		return nil
	}
	marks := make([][]byte, len(keys))
	for i, k := range keys {
		marks[i] = store.ValueKey(k)
	}
	where, args := kindFilter(kinds)
	decode := func(sc scanner) (*model.Record, []byte, error) { return decodeRowHolding(sc, marks) }
	return s.scanValues(ctx, where, args, decode, func(rec *model.Record, _ []byte) error {
		if rec == nil {
			return nil
		}
		return fn(rec)
	})
}

// decodeRowHolding is decodeRowValue for a row whose value holds one of
// marks, and a nil record, not decoded, for any other.
func decodeRowHolding(sc scanner, marks [][]byte) (*model.Record, []byte, error) {
	var (
		rec        model.Record
		kind       string
		raw, value sql.RawBytes
	)
	if err := sc.Scan(&rec.Path, &kind, &raw, &value, &rec.Version); err != nil {
		return nil, nil, err
	}
	if !slices.ContainsFunc(marks, func(m []byte) bool { return bytes.Contains(value, m) }) {
		return nil, nil, nil
	}
	rec.Kind, rec.Raw = model.Kind(kind), bytes.Clone(raw)
	if err := codec.Decode(&rec, value); err != nil {
		return nil, nil, err
	}
	return &rec, value, nil
}

func (s *Store) scanValues(ctx context.Context, where string, args []any, decode func(scanner) (*model.Record, []byte, error), fn func(rec *model.Record, value []byte) error) error {
	rd, done, err := s.reads()
	if err != nil {
		return fmt.Errorf("scan: %w", err)
	}
	defer done()
	rows, err := rd.db.QueryContext(ctx, `SELECT `+recordColumns+` FROM records r`+where+` ORDER BY r.path`, args...)
	if err != nil {
		return fmt.Errorf("scan: %w", err)
	}
	defer rows.Close()
	return store.EachRecord(rows, func() (*model.Record, []byte, error) { return decode(rows) }, fn)
}

// ScanRaw streams path, kind and file bytes of the records of the given
// kinds in path order, without decoding values.
func (s *Store) ScanRaw(ctx context.Context, kinds []model.Kind, fn func(path string, kind model.Kind, raw []byte) error) error {
	rd, done, err := s.reads()
	if err != nil {
		return fmt.Errorf("scan: %w", err)
	}
	defer done()
	where, args := kindFilter(kinds)
	rows, err := rd.db.QueryContext(ctx, `SELECT r.path, r.kind, r.raw FROM records r`+where+` ORDER BY r.path`, args...)
	if err != nil {
		return fmt.Errorf("scan: %w", err)
	}
	defer rows.Close()
	return store.EachRaw(rows, fn)
}

// Count returns the number of records of each kind present.
func (s *Store) Count(ctx context.Context) (map[model.Kind]int, error) {
	rd, done, err := s.reads()
	if err != nil {
		return nil, fmt.Errorf("count: %w", err)
	}
	defer done()
	// Two halves, so each is counted from an index rather than the table.
	rows, err := rd.db.QueryContext(ctx, `SELECT 'news', count(*) FROM records WHERE kind = 'news'
		UNION ALL SELECT kind, count(*) FROM records WHERE kind <> 'news' GROUP BY kind`)
	if err != nil {
		return nil, fmt.Errorf("count: %w", err)
	}
	defer rows.Close()
	counts := map[model.Kind]int{}
	for rows.Next() {
		var (
			kind string
			n    int
		)
		if err := rows.Scan(&kind, &n); err != nil {
			return nil, fmt.Errorf("count: %w", err)
		}
		if n > 0 {
			counts[model.Kind(kind)] = n
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count: %w", err)
	}
	return counts, nil
}
