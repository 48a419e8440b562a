package postgres

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"newshub/internal/model"
	"newshub/internal/store"
	"newshub/internal/store/codec"
)

// A batch is written with a few statements whatever its size: each takes
// its rows as arrays (unnest), so the server parses and plans each
// statement once per connection rather than once per record.
const (
	// sqlUpsert writes the batch's records, leaving alone those stored
	// already with the same kind, file and value, and returns for each
	// record it wrote its id and what the row it replaced held (NULL when
	// the path is new), from which the derived rows are brought in step.
	sqlUpsert = `WITH input AS (
		SELECT * FROM unnest($1::text[], $2::text[], $3::bytea[], $4::bytea[], $5::text[], $6::text[], $7::text[],
			$8::boolean[], $9::bigint[], $10::bigint[], $11::bigint[], $12::boolean[], $13::text[], $14::text[],
			$15::text[], $16::bytea[], $18::text[], $19::bigint[])
		AS i (path, kind, raw, value, canonical_url, guid, story, published, published_at, heat, quality, archived,
			original_url, web_url, topics, search_key, withheld, pinned_until)
	), old AS (
		SELECT r.path, r.kind, r.published_at, r.topics, r.search_key FROM records r WHERE r.path = ANY($1)
	), written AS (
		INSERT INTO records AS r (path, kind, raw, value, canonical_url, guid, story, published, published_at,
			heat, quality, archived, original_url, web_url, topics, search_key, version, withheld, pinned_until)
		SELECT path, kind, raw, value, canonical_url, guid, story, published, published_at, heat, quality, archived,
			original_url, web_url,
			CASE WHEN topics IS NOT NULL THEN ARRAY(SELECT json_array_elements_text(topics::json)) END, search_key,
			$17::bigint, withheld, pinned_until
		FROM input
		ON CONFLICT (path) DO UPDATE SET kind = excluded.kind, raw = excluded.raw, value = excluded.value,
			canonical_url = excluded.canonical_url, guid = excluded.guid, story = excluded.story,
			published = excluded.published, published_at = excluded.published_at, heat = excluded.heat,
			quality = excluded.quality, archived = excluded.archived, original_url = excluded.original_url,
			web_url = excluded.web_url, topics = excluded.topics, search_key = excluded.search_key,
			version = excluded.version, withheld = excluded.withheld, pinned_until = excluded.pinned_until
		WHERE (r.kind, r.raw, r.value) IS DISTINCT FROM (excluded.kind, excluded.raw, excluded.value)
		RETURNING r.id, r.path
	)
	SELECT w.id, w.path, o.kind, o.published_at, o.topics, o.search_key FROM written w LEFT JOIN old o ON o.path = w.path`

	// sqlConflicts names the records of a conditional batch (those carrying
	// a version) whose stored record has another version and other
	// contents, or is gone: the ones another writer changed since they
	// were read.
	sqlConflicts = `SELECT i.path
		FROM unnest($1::text[], $2::bigint[], $3::text[], $4::bytea[], $5::bytea[]) WITH ORDINALITY
			AS i (path, version, kind, raw, value, n)
		LEFT JOIN records r ON r.path = i.path
		WHERE i.version <> 0 AND (r.path IS NULL OR (r.version <> i.version
			AND (r.kind, r.raw, r.value) IS DISTINCT FROM (i.kind, i.raw, i.value)))
		ORDER BY i.n`

	sqlDeleteTopics = `DELETE FROM record_topics t USING unnest($1::text[], $2::bigint[], $3::text[]) AS d (topic, published_at, path)
		WHERE t.topic = d.topic AND t.published_at = d.published_at AND t.path = d.path`
	sqlInsertTopics = `INSERT INTO record_topics (topic, published_at, path)
		SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[]) ON CONFLICT DO NOTHING`
	sqlDeleteSearch = `DELETE FROM news_search WHERE id = ANY($1)`
	sqlPutSearch    = `INSERT INTO news_search (id, published_at, topics, doc, withheld)
		SELECT i.id, i.published_at, ARRAY(SELECT json_array_elements_text(i.topics::json)),
			search_doc(i.title, i.excerpt, i.provider), i.withheld
		FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::boolean[])
			AS i (id, published_at, topics, title, excerpt, provider, withheld)
		ON CONFLICT (id) DO UPDATE SET published_at = excluded.published_at, topics = excluded.topics, doc = excluded.doc,
			withheld = excluded.withheld`
)

// encoded is a record ready to write: its file (raw), its value as the
// codec encodes it and, for news, the columns indexed beside it. The value
// of a record a COPY writes, and its file when the writer renders them
// (UpsertRendering), are made as its row is sent (see copyRows), so a
// large batch does not hold all of them at once; until then they are nil.
type encoded struct {
	rec    *model.Record
	raw    []byte
	value  []byte
	news   *newsColumns                        // nil for other kinds
	render func(*model.Record) ([]byte, error) // makes raw; nil once made
}

// newsColumns are the indexed copies of a news record's fields, and the
// words of its search document.
type newsColumns struct {
	canonicalURL, guid, story, originalURL, webURL *string
	published, archived                            bool
	publishedAt                                    int64
	heat, quality                                  int64
	topics                                         []string // as stored: text()
	topicsJSON                                     string   // the same, as a JSON array for unnest
	title, excerpt, provider                       string   // search words
	searchKey                                      []byte
	withheld                                       *string // nil when publishable
	pinnedUntil                                    *int64  // nil when not pinned
}

// encodeValue encodes rec's typed value: the one place values are written
// (see decodeValue).
func encodeValue(rec *model.Record) ([]byte, error) {
	return codec.Encode(rec)
}

// encode checks a record and computes what is stored for it, its value
// too unless lazy. It runs before the write transaction, so the lock is
// held only for the database's work; a lazy value is encoded in the
// transaction, as its row is sent (see copyRows).
func encode(rec *model.Record, lazy bool, render func(*model.Record) ([]byte, error)) (encoded, error) {
	if rec == nil {
		return encoded{}, errors.New("upsert: nil record")
	}
	if rec.Path == "" {
		return encoded{}, fmt.Errorf("upsert: %s record without a path", rec.Kind)
	}
	if !storablePath(rec.Path) {
		return encoded{}, fmt.Errorf("upsert %q: a path must be UTF-8 without NUL", rec.Path)
	}
	e := encoded{rec: rec, raw: rec.Raw, render: render}
	if render == nil && e.raw == nil {
		e.raw = []byte{}
	}
	if !lazy {
		if err := e.encodeValue(); err != nil {
			return encoded{}, err
		}
	}
	if rec.Kind == model.KindNews && rec.Article != nil {
		e.news = newsColumnsOf(rec)
	}
	return e, nil
}

// encodeValue sets e.value unless it is set, and e.raw when it is to be
// rendered.
func (e *encoded) encodeValue() error {
	if e.render != nil && e.raw == nil {
		raw, err := e.render(e.rec)
		if err != nil {
			return fmt.Errorf("upsert %s: %w", e.rec.Path, err)
		}
		e.raw = raw
		if e.raw == nil {
			e.raw = []byte{}
		}
	}
	if e.value != nil {
		return nil
	}
	value, err := encodeValue(e.rec)
	if err != nil {
		return fmt.Errorf("upsert %s: %w", e.rec.Path, err)
	}
	if string(value) == "null" { // a typed nil pointer for its kind
		return fmt.Errorf("upsert %s: no value for kind %q", e.rec.Path, e.rec.Kind)
	}
	e.value = value
	return nil
}

// encodeValues encodes the values of batch's records that pick selects
// (every one when pick is nil), spread over the processors, and returns
// the first error in batch order.
func encodeValues(batch []encoded, pick func(*encoded) bool) error {
	errs := make([]error, len(batch))
	inParallel(len(batch), func(i int) {
		if e := &batch[i]; pick == nil || pick(e) {
			errs[i] = e.encodeValue()
		}
	})
	return firstError(errs)
}

// firstError returns the first non-nil error of errs, or nil.
func firstError(errs []error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// inParallel calls fn for each of 0..n-1, spread over the processors in
// chunks when n is large enough to be worth it.
func inParallel(n int, fn func(i int)) {
	const chunk = 64
	var (
		wg   sync.WaitGroup
		next atomic.Int64
	)
	for range max(1, min(runtime.GOMAXPROCS(0), n/chunk)) {
		wg.Go(func() {
			for {
				start := int(next.Add(chunk)) - chunk
				if start >= n {
					return
				}
				for i := start; i < min(start+chunk, n); i++ {
					fn(i)
				}
			}
		})
	}
	wg.Wait()
}

func newsColumnsOf(rec *model.Record) *newsColumns {
	a := rec.Article
	c := &newsColumns{
		canonicalURL: nullText(a.CanonicalURL),
		guid:         nullText(a.GUID),
		story:        nullText(a.Story),
		originalURL:  nullText(a.OriginalURL),
		webURL:       nullText(a.WebURL),
		published:    a.Published,
		archived:     a.Archived || strings.HasPrefix(rec.Path, "_archive/"),
		publishedAt:  a.PublishedDateTime.UnixMicro(),
		heat:         int64(a.Heat),
		quality:      int64(a.Quality),
		topics:       make([]string, len(a.Topics)),
		title:        searchText(a.Title),
		excerpt:      searchText(a.Excerpt),
		provider:     searchText(a.Provider.Name),
		withheld:     nullText(a.Withheld),
	}
	c.pinnedUntil = microsOrNil(a.PinnedUntil)
	for i, t := range a.Topics {
		c.topics[i] = text(t)
	}
	tj, _ := json.Marshal(c.topics) // strings always encode
	c.topicsJSON = string(tj)
	h := sha256.New()
	for _, s := range append([]string{c.title, c.excerpt, c.provider}, c.topics...) {
		h.Write(binary.BigEndian.AppendUint64(nil, uint64(len(s))))
		h.Write([]byte(s))
	}
	h.Write(binary.BigEndian.AppendUint64(nil, uint64(c.publishedAt)))
	if c.withheld != nil {
		h.Write([]byte{1}) // so the search row's withheld flag follows
	}
	c.searchKey = h.Sum(nil)[:16]
	return c
}

// storablePath reports whether a path can be a key of records: text
// PostgreSQL holds as it is (UTF-8 without NUL). Another path is refused
// rather than altered, so two paths never share a row.
func storablePath(path string) bool {
	return utf8.ValidString(path) && strings.IndexByte(path, 0) < 0
}

// encodeAll encodes a batch (see encode), spread over the processors when
// it is large enough to be worth it, and keeps the last record of each
// path (a batch may hold one path twice; the last wins).
func encodeAll(recs []*model.Record, lazy bool, render func(*model.Record) ([]byte, error)) ([]encoded, error) {
	batch := make([]encoded, len(recs))
	errs := make([]error, len(recs))
	inParallel(len(recs), func(i int) { batch[i], errs[i] = encode(recs[i], lazy, render) })
	if err := firstError(errs); err != nil {
		return nil, err // the first in batch order, as when encoding in turn
	}
	last := make(map[string]int, len(batch))
	for i, e := range batch {
		last[e.rec.Path] = i
	}
	if len(last) < len(batch) {
		kept := make([]encoded, 0, len(last))
		for i, e := range batch {
			if last[e.rec.Path] == i {
				kept = append(kept, e)
			}
		}
		batch = kept
	}
	return batch, nil
}

// Upsert writes the batch in one transaction: all of it or, on any error,
// none of it. Records stored already with the same bytes and value are
// left alone, so re-importing an unchanged site writes next to nothing.
func (s *Store) Upsert(ctx context.Context, recs []*model.Record) error {
	return s.upsert(ctx, recs, false, nil)
}

// UpsertIfUnchanged is Upsert that writes a record carrying a version only
// over that version (see store.Store.UpsertIfUnchanged). The check and the
// write are one transaction under the write lock, so no other write comes
// between them.
func (s *Store) UpsertIfUnchanged(ctx context.Context, recs []*model.Record) error {
	return s.upsert(ctx, recs, true, nil)
}

// UpsertRendering is UpsertIfUnchanged for records whose files render
// makes: a large batch's are made as their rows are sent, spread over the
// processors, so the files of a whole batch are never held at once.
func (s *Store) UpsertRendering(ctx context.Context, recs []*model.Record, render func(*model.Record) ([]byte, error)) error {
	return s.upsert(ctx, recs, true, render)
}

func (s *Store) upsert(ctx context.Context, recs []*model.Record, conditional bool, render func(*model.Record) ([]byte, error)) error {
	if len(recs) == 0 {
		return nil
	}
	bulk := s.bulk.Load() != nil
	copied := func(n int) bool { return bulk || n >= copyFrom }
	// The values of a batch a COPY writes are encoded as their rows are
	// sent, not all before.
	batch, err := encodeAll(recs, copied(len(recs)), render)
	if err != nil {
		return err
	}
	err = s.write(ctx, func(tx pgx.Tx, version int64) (bool, error) {
		if conditional {
			if err := checkVersions(ctx, tx, batch); err != nil {
				return false, err
			}
		}
		if copied(len(batch)) {
			return copyNew(ctx, tx, batch, version)
		}
		if err := encodeValues(batch, nil); err != nil {
			return false, err
		}
		return upsertParts(ctx, tx, batch, version)
	})
	if err == nil && !bulk {
		s.wrote(ctx, len(batch)) // a bulk load analyzes at its end
	}
	return store.WriteErr("upsert", err)
}

// checkVersions returns a *store.ConflictError naming the records of batch
// that another writer changed since they were read, or nil.
func checkVersions(ctx context.Context, tx pgx.Tx, batch []encoded) error {
	stored := func(e *encoded) bool { return e.rec.Version != 0 }
	if err := encodeValues(batch, stored); err != nil {
		return err
	}
	var (
		paths, kinds []string
		versions     []int64
		raws, values [][]byte
	)
	for _, e := range batch {
		if e.rec.Version == 0 {
			continue // a new record, written whatever is stored: nothing to send
		}
		paths, versions, kinds = append(paths, e.rec.Path), append(versions, e.rec.Version), append(kinds, text(string(e.rec.Kind)))
		raws, values = append(raws, e.raw), append(values, e.value)
	}
	if len(paths) == 0 {
		return nil
	}
	rows, err := tx.Query(ctx, sqlConflicts, paths, versions, kinds, raws, values)
	if err != nil {
		return err
	}
	conflicts, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	if len(conflicts) > 0 {
		return &store.ConflictError{Paths: conflicts}
	}
	return nil
}

// upsertPart is how many records one statement of a batch writes: the
// statement's arguments are built in memory whole, so an ingest batch of
// 25,000 articles sent at once would hold all their files and values a
// second time (some 150 MB) until the server has them.
const upsertPart = 2000

// upsertParts upserts the batch a part at a time, in one transaction.
func upsertParts(ctx context.Context, tx pgx.Tx, batch []encoded, version int64) (bool, error) {
	changed := false
	for len(batch) > 0 {
		n := min(len(batch), upsertPart)
		c, err := upsert(ctx, tx, batch[:n], version)
		if err != nil {
			return false, err
		}
		changed = changed || c
		batch = batch[n:]
	}
	return changed, nil
}

// write runs fn in a write transaction holding the write lock, and bumps
// the generation when fn reports a change. Every write of the store goes
// through here. fn is given the generation the transaction makes, which
// is the version of the records it writes: versions of a path never
// repeat, even after a delete.
func (s *Store) write(ctx context.Context, fn func(tx pgx.Tx, version int64) (changed bool, err error)) error {
	var db interface {
		Begin(context.Context) (pgx.Tx, error)
	} = s.pool
	if c := s.bulk.Load(); c != nil {
		db = c // which holds the write lock for the whole load
	}
	wait := cmp.Or(s.lockTimeout, writeLockTimeout)
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		var gen int64
		err := tx.QueryRow(ctx, `SELECT pg_advisory_xact_lock($1), (SELECT value FROM generation WHERE id = 1)`,
			s.space.write).Scan(nil, &gen)
		if err != nil {
			return err
		}
		// Set once the write lock is held: a writer queued on it waits
		// for the one writing, as long as that takes. The schema this
		// program knows is named for the generation's bump, which the
		// database refuses once a newer program migrated it.
		if _, err := tx.Exec(ctx, fmt.Sprintf(`SET LOCAL lock_timeout = %d; `, wait.Milliseconds())+s.sqlSchema()); err != nil {
			return err
		}
		changed, err := fn(tx, gen+1)
		if err != nil || !changed {
			return err
		}
		return bump(ctx, tx, s.space.channel)
	})
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == codeLockNotAvailable {
		// Asked once the transaction is over, on another connection.
		return &heldError{wait: wait, holders: holders(ctx, s.pool, wait), err: err}
	}
	if older := olderRefusal(err); older != nil {
		return older
	}
	return lost(onPrimary(err))
}

// sqlSchema names, for the transaction, the latest schema version this
// program knows, without which the database refuses its writes and leases
// (0026_older_writers.sql, 0030_older_leases.sql).
func (s *Store) sqlSchema() string {
	return fmt.Sprintf(`SET LOCAL newshub.schema = %d`, s.schema)
}

// olderRefusal returns the database's refusal of a write or lease of a
// program older than its schema (codeOlderWriter), which says it all in
// one line (matching store.ErrNewerSchema); nil for any other error.
func olderRefusal(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == codeOlderWriter {
		return &store.NewerSchemaError{Msg: pgErr.Message}
	}
	return nil
}

// writeLockTimeout bounds how long a write waits for a table or row lock
// once it holds the write lock. Only a session outside the hub's writers
// can be in its way (a psql left in a transaction after LOCK TABLE or an
// UPDATE, a schema change made by hand), and for as long as it lasts the
// write waited without a word, with every other writer of the hub queued
// behind its write lock.
const writeLockTimeout = 30 * time.Second

// heldError says a write gave up waiting for a lock another session holds.
type heldError struct {
	wait    time.Duration
	holders []string // the tables likely in the way and who holds them
	err     error
}

func (e *heldError) Error() string {
	return fmt.Sprintf("write waited %s for a lock another session holds: %s: "+
		"let it finish or end it (pg_terminate_backend); nothing of the write was stored (%v)", e.wait, heldBy(e.holders), e.err)
}

func (e *heldError) Unwrap() error { return e.err }

// prior is what a write learns of the row it replaced.
type prior struct {
	id          int64
	kind        *string // nil: the path was new
	publishedAt *int64
	topics      []string
	searchKey   []byte
}

// upsert writes the records of batch and brings the derived rows of those
// that changed in step; it reports whether any changed.
func upsert(ctx context.Context, tx pgx.Tx, batch []encoded, version int64) (bool, error) {
	var cols struct {
		path, kind                                          []string
		raw, value, searchKey                               [][]byte
		canonicalURL, guid, story, originalURL, webURL, tps []*string
		published, archived                                 []*bool
		publishedAt                                         []*int64
		heat, quality                                       []*int64
		withheld                                            []*string
		pinnedUntil                                         []*int64
	}
	byPath := make(map[string]*encoded, len(batch))
	for i := range batch {
		e := &batch[i]
		byPath[e.rec.Path] = e
		cols.path = append(cols.path, e.rec.Path)
		cols.kind = append(cols.kind, text(string(e.rec.Kind)))
		cols.raw = append(cols.raw, e.raw)
		cols.value = append(cols.value, e.value)
		n := e.news
		if n == nil {
			n = &newsColumns{}
		}
		cols.canonicalURL = append(cols.canonicalURL, n.canonicalURL)
		cols.guid = append(cols.guid, n.guid)
		cols.story = append(cols.story, n.story)
		cols.originalURL = append(cols.originalURL, n.originalURL)
		cols.webURL = append(cols.webURL, n.webURL)
		cols.withheld = append(cols.withheld, n.withheld)
		cols.pinnedUntil = append(cols.pinnedUntil, n.pinnedUntil)
		if e.news == nil {
			cols.published, cols.archived = append(cols.published, nil), append(cols.archived, nil)
			cols.publishedAt = append(cols.publishedAt, nil)
			cols.heat, cols.quality = append(cols.heat, nil), append(cols.quality, nil)
			cols.tps = append(cols.tps, nil)
			cols.searchKey = append(cols.searchKey, nil)
			continue
		}
		cols.published, cols.archived = append(cols.published, &n.published), append(cols.archived, &n.archived)
		cols.publishedAt = append(cols.publishedAt, &n.publishedAt)
		cols.heat, cols.quality = append(cols.heat, &n.heat), append(cols.quality, &n.quality)
		cols.tps = append(cols.tps, &n.topicsJSON)
		cols.searchKey = append(cols.searchKey, n.searchKey)
	}
	rows, err := tx.Query(ctx, sqlUpsert, cols.path, cols.kind, cols.raw, cols.value, cols.canonicalURL, cols.guid,
		cols.story, cols.published, cols.publishedAt, cols.heat, cols.quality, cols.archived, cols.originalURL,
		cols.webURL, cols.tps, cols.searchKey, version, cols.withheld, cols.pinnedUntil)
	if err != nil {
		return false, err
	}
	var d derived
	var (
		p    prior
		path string
	)
	_, err = pgx.ForEachRow(rows, []any{&p.id, &path, &p.kind, &p.publishedAt, &p.topics, &p.searchKey}, func() error {
		e := byPath[path]
		if e == nil {
			return fmt.Errorf("the database wrote %q, which the batch does not hold", path)
		}
		d.add(e, p)
		return nil
	})
	if err != nil {
		return false, err
	}
	if d.changed == 0 {
		return false, nil
	}
	return true, d.write(ctx, tx)
}

// copyFrom is the size of a batch from which the records of paths not
// stored yet go in with COPY, as in a bulk load (an ingest turn's batch
// is mostly new articles): the rows stream to the server, rather than be
// built in memory whole as the upsert statement's arguments, and the
// server inserts them without planning or unnesting a statement.
const copyFrom = 256

// copyNew is upsert for a bulk load or a large batch: the records of paths
// not stored yet go in with COPY, the others as upsert writes them; the
// derived rows of both follow. The write lock, held by every writer, keeps
// a path from being stored between the look-up and the COPY.
func copyNew(ctx context.Context, tx pgx.Tx, batch []encoded, version int64) (bool, error) {
	paths := make([]string, len(batch))
	for i, e := range batch {
		paths[i] = e.rec.Path
	}
	rows, err := tx.Query(ctx, `SELECT path FROM records WHERE path = ANY($1)`, paths)
	if err != nil {
		return false, err
	}
	stored := map[string]bool{}
	var p string
	if _, err := pgx.ForEachRow(rows, []any{&p}, func() error { stored[p] = true; return nil }); err != nil {
		return false, err
	}
	var fresh, old []encoded
	for _, e := range batch {
		if stored[e.rec.Path] {
			old = append(old, e)
		} else {
			fresh = append(fresh, e)
		}
	}
	changed := false
	if len(old) > 0 {
		if err := encodeValues(old, nil); err != nil {
			return false, err
		}
		if changed, err = upsertParts(ctx, tx, old, version); err != nil {
			return false, err
		}
	}
	if len(fresh) == 0 {
		return changed, nil
	}
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"records"}, []string{"path", "kind", "raw", "value", "canonical_url", "guid",
		"story", "published", "published_at", "heat", "quality", "archived", "original_url", "web_url", "topics",
		"search_key", "withheld", "pinned_until", "version"}, &copyRows{rows: fresh, version: version, i: -1})
	if err != nil {
		return false, err
	}
	// The derived rows need the ids the records were given.
	freshPaths := make([]string, len(fresh))
	byPath := make(map[string]*encoded, len(fresh))
	for i := range fresh {
		freshPaths[i], byPath[fresh[i].rec.Path] = fresh[i].rec.Path, &fresh[i]
	}
	rows, err = tx.Query(ctx, `SELECT id, path FROM records WHERE path = ANY($1)`, freshPaths)
	if err != nil {
		return false, err
	}
	var (
		d    derived
		id   int64
		path string
	)
	_, err = pgx.ForEachRow(rows, []any{&id, &path}, func() error {
		d.add(byPath[path], prior{id: id})
		return nil
	})
	if err != nil {
		return false, err
	}
	return true, d.write(ctx, tx)
}

// copyPart is how many values of a COPY's rows are encoded at once, ahead
// of sending them: enough to spread the encoding over the processors, few
// enough that their values weigh little (about 1.5 MB of articles).
const copyPart = 1024

// copyRows are the rows of records a COPY writes (pgx.CopyFromSource). It
// encodes their values a part at a time as the rows are sent and drops
// each once sent, so a batch of 25,000 articles does not hold all of
// theirs (some 40 MB) while its rows go to the server. An error encoding
// one ends the COPY, and so the write.
type copyRows struct {
	rows    []encoded
	version int64
	i       int // the row Values returns
	ready   int // the rows before it have their values
	err     error
}

func (c *copyRows) Next() bool {
	if c.i >= 0 {
		// Sent: pgx has encoded the row. A file rendered here is made
		// again should the write be tried again.
		e := &c.rows[c.i]
		e.value = nil
		if e.render != nil {
			e.raw = nil
		}
	}
	c.i++
	if c.i >= len(c.rows) {
		return false
	}
	if c.i == c.ready {
		end := min(c.i+copyPart, len(c.rows))
		if c.err = encodeValues(c.rows[c.i:end], nil); c.err != nil {
			return false
		}
		c.ready = end
	}
	return true
}

func (c *copyRows) Values() ([]any, error) {
	e := &c.rows[c.i]
	row := []any{e.rec.Path, text(string(e.rec.Kind)), e.raw, e.value}
	if n := e.news; n != nil {
		row = append(row, n.canonicalURL, n.guid, n.story, n.published, n.publishedAt, n.heat, n.quality,
			n.archived, n.originalURL, n.webURL, n.topics, n.searchKey, n.withheld, n.pinnedUntil)
	} else {
		row = append(row, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil)
	}
	return append(row, c.version), nil
}

func (c *copyRows) Err() error { return c.err }

// derived gathers the changes to record_topics and news_search that the
// records written call for, to send them as one round trip.
type derived struct {
	changed                 int
	delTopic, insTopic      topicRows
	delSearch               []int64
	searchID, searchAt      []int64
	searchTopics            []string // JSON arrays
	title, excerpt, provide []string
	searchWithheld          []bool
}

type topicRows struct {
	topic, path []string
	at          []int64
}

func (t *topicRows) add(topics []string, at int64, path string) {
	for i, tp := range topics {
		if tp == "" || slices.Contains(topics[:i], tp) {
			continue // a topic given twice has one row
		}
		t.topic, t.at, t.path = append(t.topic, tp), append(t.at, at), append(t.path, path)
	}
}

// add records what replacing p with e calls for: topic rows replaced when
// the topics or the time changed, the search row when its digest did.
func (d *derived) add(e *encoded, p prior) {
	d.changed++
	wasNews := p.kind != nil && *p.kind == string(model.KindNews)
	n := e.news
	sameTopics := wasNews && n != nil && p.publishedAt != nil && *p.publishedAt == n.publishedAt && slices.Equal(p.topics, n.topics)
	if wasNews && !sameTopics {
		d.delTopic.add(p.topics, *p.publishedAt, e.rec.Path)
	}
	if n != nil && !sameTopics {
		d.insTopic.add(n.topics, n.publishedAt, e.rec.Path)
	}
	switch {
	case n == nil && wasNews:
		d.delSearch = append(d.delSearch, p.id)
	case n != nil && !(wasNews && string(p.searchKey) == string(n.searchKey)):
		d.putSearch(p.id, n)
	}
}

// putSearch has the search row of the record id made again from n.
func (d *derived) putSearch(id int64, n *newsColumns) {
	d.searchID, d.searchAt = append(d.searchID, id), append(d.searchAt, n.publishedAt)
	d.searchTopics = append(d.searchTopics, n.topicsJSON)
	d.title, d.excerpt, d.provide = append(d.title, n.title), append(d.excerpt, n.excerpt), append(d.provide, n.provider)
	d.searchWithheld = append(d.searchWithheld, n.withheld != nil)
}

// write sends the derived changes in one batch.
func (d *derived) write(ctx context.Context, tx pgx.Tx) error {
	b := &pgx.Batch{}
	if len(d.delTopic.topic) > 0 {
		b.Queue(sqlDeleteTopics, d.delTopic.topic, d.delTopic.at, d.delTopic.path)
	}
	if len(d.insTopic.topic) > 0 {
		b.Queue(sqlInsertTopics, d.insTopic.topic, d.insTopic.at, d.insTopic.path)
	}
	if len(d.delSearch) > 0 {
		b.Queue(sqlDeleteSearch, d.delSearch)
	}
	if len(d.searchID) > 0 {
		b.Queue(sqlPutSearch, d.searchID, d.searchAt, d.searchTopics, d.title, d.excerpt, d.provide, d.searchWithheld)
	}
	if b.Len() == 0 {
		return nil
	}
	return tx.SendBatch(ctx, b).Close()
}

// Delete removes the records at paths with their topics and search rows
// (news_search follows records by its foreign key).
func (s *Store) Delete(ctx context.Context, paths ...string) error {
	if len(paths) == 0 {
		return nil
	}
	keys := make([]string, 0, len(paths))
	for _, p := range paths {
		if storablePath(p) { // no other path is stored
			keys = append(keys, p)
		}
	}
	err := s.write(ctx, func(tx pgx.Tx, _ int64) (bool, error) {
		return remove(ctx, tx, keys)
	})
	if err != nil {
		return fmt.Errorf("delete: %w", err)
	}
	return nil
}

// remove deletes the records at paths (each storable) with their topic
// rows and file modes, reporting whether there was any.
func remove(ctx context.Context, tx pgx.Tx, paths []string) (bool, error) {
	// A file written at the path later is a new one, of its own mode.
	if _, err := tx.Exec(ctx, sqlDropModes, paths); err != nil {
		return false, err
	}
	rows, err := tx.Query(ctx, `DELETE FROM records WHERE path = ANY($1) RETURNING path, kind, published_at, topics`, paths)
	if err != nil {
		return false, err
	}
	var (
		del         topicRows
		n           int
		path, kind  string
		publishedAt *int64
		topics      []string
	)
	_, err = pgx.ForEachRow(rows, []any{&path, &kind, &publishedAt, &topics}, func() error {
		n++
		if kind == string(model.KindNews) && publishedAt != nil {
			del.add(topics, *publishedAt, path)
		}
		return nil
	})
	if err != nil || n == 0 {
		return false, err
	}
	if len(del.topic) > 0 {
		if _, err := tx.Exec(ctx, sqlDeleteTopics, del.topic, del.at, del.path); err != nil {
			return false, err
		}
	}
	return true, nil
}
