package sqlite

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"maps"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"newshub/internal/model"
	"newshub/internal/store"
	"newshub/internal/store/codec"
)

// The statements of an Upsert, prepared once per batch.
const (
	sqlInsertRecord = `INSERT INTO records (path, kind, raw, value, canonical_url, guid, story,
		published, published_at, heat, quality, archived, text_key, topics_key, original_url, web_url, version,
		withheld, pinned_until)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (path) DO NOTHING`
	// sqlSelectRecord finds the stored record at a path, whether it already
	// holds this kind, file and value, the digests of what its full-text
	// and topic rows were made from, so a change that leaves those alone
	// (as curation's changes to heat and quality do) leaves their rows
	// alone, and its version.
	sqlSelectRecord = `SELECT id, kind, kind = ? AND raw = ? AND value = ?, text_key, topics_key, version
		FROM records WHERE path = ?`
	// sqlSelectIndexed reads what the full-text and topic rows of a record
	// stored without digests were made from.
	sqlSelectIndexed = `SELECT coalesce(published_at, 0), value FROM records WHERE id = ?`
	sqlUpdateRecord  = `UPDATE records SET kind = ?, raw = ?, value = ?, canonical_url = ?, guid = ?,
		story = ?, published = ?, published_at = ?, heat = ?, quality = ?, archived = ?,
		text_key = ?, topics_key = ?, original_url = ?, web_url = ?, version = ?, withheld = ?, pinned_until = ?
		WHERE id = ?`
	// sqlDeleteTopics removes the topic rows of the record with id ?, read
	// from its stored value, before the record changes or goes.
	sqlDeleteTopics = `DELETE FROM record_topics WHERE (topic, published_at, path) IN (
		SELECT j.value, r.published_at, r.path FROM records r, json_each(r.value, '$.topics') j
		WHERE r.id = ? AND r.kind = 'news')`
	sqlDeleteText      = `DELETE FROM news_fts WHERE rowid = ?`
	sqlDeleteTopicText = `DELETE FROM news_topics WHERE rowid = ?`
)

// upserter holds the prepared statements of one write transaction and
// the version it gives what it writes.
type upserter struct {
	insert, selectID, selectIndexed, update, delTopics *sql.Stmt

	// conditional: records carrying a version are written only over it.
	conditional bool
	// The topic and full-text rows of the records written, inserted
	// together before the transaction commits (see flush).
	topicRows map[string][]topicRow // by record path
	textRows  map[int64]textRow     // by record id
	textDel   map[int64]bool        // full-text rows to delete first, by id
	inserted  map[int64]bool        // ids of the records inserted

	// version is the generation this transaction makes: the version of
	// every record it writes.
	version int64
	// before holds the version each path it rewrote had before, so a
	// second record of the batch at that path is checked as the first was.
	before map[string]int64
}

func prepareUpserter(ctx context.Context, tx *sql.Tx, conditional bool) (*upserter, error) {
	u := &upserter{conditional: conditional, before: map[string]int64{},
		topicRows: map[string][]topicRow{}, textRows: map[int64]textRow{},
		textDel: map[int64]bool{}, inserted: map[int64]bool{}}
	var gen int64
	if err := tx.QueryRowContext(ctx, `SELECT value FROM generation WHERE id = 1`).Scan(&gen); err != nil {
		return nil, fmt.Errorf("read generation: %w", err)
	}
	u.version = gen + 1
	for _, p := range []struct {
		stmt **sql.Stmt
		sql  string
	}{
		{&u.insert, sqlInsertRecord}, {&u.selectID, sqlSelectRecord}, {&u.selectIndexed, sqlSelectIndexed},
		{&u.update, sqlUpdateRecord},
		{&u.delTopics, sqlDeleteTopics},
	} {
		st, err := tx.PrepareContext(ctx, p.sql)
		if err != nil {
			return nil, fmt.Errorf("prepare: %w", err)
		}
		*p.stmt = st
	}
	return u, nil
}

// columns are the values of a record's indexed columns; nil (NULL) for
// kinds other than news.
type columns struct {
	canonicalURL, guid, story                    any
	published, publishedAt, heat, quality, archd any
	textKey, topicsKey                           []byte // digests, see textKey and topicsKey
	originalURL, webURL                          any
	withheld, pinnedUntil                        any
}

func newsColumns(rec *model.Record) columns {
	a := rec.Article
	if rec.Kind != model.KindNews || a == nil {
		return columns{}
	}
	return columns{
		canonicalURL: nullString(a.CanonicalURL),
		guid:         nullString(a.GUID),
		story:        nullString(a.Story),
		published:    a.Published,
		publishedAt:  a.PublishedDateTime.UnixMicro(),
		heat:         a.Heat,
		quality:      a.Quality,
		archd:        isArchived(rec),
		textKey:      textKey(a.Title, a.Excerpt, a.Provider.Name, a.Topics, a.Withheld != ""),
		topicsKey:    topicsKey(a.PublishedDateTime.UnixMicro(), a.Topics),
		originalURL:  nullString(a.OriginalURL),
		webURL:       nullString(a.WebURL),
		withheld:     nullString(a.Withheld),
		pinnedUntil:  nullTime(a.PinnedUntil),
	}
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}

// textKey is the digest of what a news record's full-text row holds.
func textKey(title, excerpt, provider string, topics []string, withheld bool) []byte {
	return digest(func(h hash.Hash) {
		for _, s := range []string{title, excerpt, provider, topicTokens(topics, withheld)} {
			writeString(h, s)
		}
	})
}

// topicTokens is the topics column of a full-text row: a token for each
// topic, which no word of a text can be (see migration 0004), and for a
// withheld record the token "withheld", which no topic's can be (see
// migration 0007).
func topicTokens(topics []string, withheld bool) string {
	var b strings.Builder
	if withheld {
		b.WriteString(withheldToken)
	}
	for _, t := range topics {
		if t == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(topicToken(t))
	}
	return b.String()
}

// withheldToken marks the full-text row of a withheld record.
const withheldToken = "withheld"

// topicToken is the token of one topic: "t" and the hex of its name, the
// name as the stored JSON value holds it (each invalid UTF-8 byte made
// U+FFFD, as encoding/json does), so migration 0004 makes the same token
// from the value.
func topicToken(topic string) string {
	if !utf8.ValidString(topic) {
		topic = strings.Map(func(r rune) rune { return r }, topic)
	}
	return "t" + hex.EncodeToString([]byte(topic))
}

// topicsKey is the digest of what a news record's topic rows are made of.
func topicsKey(publishedAt int64, topics []string) []byte {
	return digest(func(h hash.Hash) {
		h.Write(binary.BigEndian.AppendUint64(nil, uint64(publishedAt)))
		h.Write(binary.BigEndian.AppendUint64(nil, uint64(len(topics))))
		for _, t := range topics {
			writeString(h, t)
		}
	})
}

// digest returns the first 16 bytes of the SHA-256 of what write writes.
func digest(write func(hash.Hash)) []byte {
	h := sha256.New()
	write(h)
	return h.Sum(nil)[:16]
}

// writeString writes s length first, so no two lists of strings hash alike.
func writeString(h hash.Hash, s string) {
	h.Write(binary.BigEndian.AppendUint64(nil, uint64(len(s))))
	io.WriteString(h, s)
}

// isArchived reports whether a news record lives under _archive/news/.
func isArchived(rec *model.Record) bool {
	return rec.Article.Archived || strings.HasPrefix(rec.Path, "_archive/")
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// encoded is a record ready to write: its value as JSON and the columns
// indexed beside it.
type encoded struct {
	rec   *model.Record
	raw   []byte
	value []byte
	cols  columns
}

// encode checks a record and computes what is stored for it, its file
// bytes by render when it has none and render is set. Other goroutines
// run it ahead of the writer (encodeAhead), so that the writer's time
// under the lock goes to SQLite's work; a batch too small to share is
// encoded by the writer itself.
func encode(rec *model.Record, render func(*model.Record) ([]byte, error)) (encoded, error) {
	if rec == nil {
		return encoded{}, errors.New("upsert: nil record")
	}
	if rec.Path == "" {
		return encoded{}, fmt.Errorf("upsert: %s record without a path", rec.Kind)
	}
	raw := rec.Raw
	if len(raw) == 0 && render != nil {
		// Before the value: rendering may set what the value holds.
		var err error
		if raw, err = render(rec); err != nil {
			return encoded{}, fmt.Errorf("upsert %s: %w", rec.Path, err)
		}
	}
	value, err := codec.Encode(rec)
	if err != nil {
		return encoded{}, fmt.Errorf("upsert %s: %w", rec.Path, err)
	}
	if raw == nil {
		raw = []byte{}
	}
	return encoded{rec: rec, raw: raw, value: value, cols: newsColumns(rec)}, nil
}

// Upsert writes the batch in one transaction: all of it or, on any error,
// none of it. Records stored already with the same bytes and value are
// left alone, so re-importing an unchanged site writes next to nothing.
func (s *Store) Upsert(ctx context.Context, recs []*model.Record) error {
	return s.upsert(ctx, recs, false, nil)
}

// UpsertIfUnchanged is Upsert that writes a record carrying a version only
// over that version (see store.Store.UpsertIfUnchanged). The check and the
// write are one transaction on the single writer connection, so no other
// write comes between them.
func (s *Store) UpsertIfUnchanged(ctx context.Context, recs []*model.Record) error {
	return s.upsert(ctx, recs, true, nil)
}

// UpsertRendering is UpsertIfUnchanged for records of which some are still
// to be rendered: render gives the bytes of each record without them as
// the chunk it is in is encoded, and they are not kept, so the files of a
// large batch are never all in memory at once. render may set fields of
// the record its bytes reflect, and is called for several records at once.
func (s *Store) UpsertRendering(ctx context.Context, recs []*model.Record, render func(*model.Record) ([]byte, error)) error {
	return s.upsert(ctx, recs, true, render)
}

func (s *Store) upsert(ctx context.Context, recs []*model.Record, conditional bool, render func(*model.Record) ([]byte, error)) (err error) {
	if len(recs) == 0 {
		return nil
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return fmt.Errorf("upsert: %w", err)
	}
	defer s.endWrite(tx, &err)
	u, err := prepareUpserter(ctx, tx, conditional)
	if err != nil {
		return fmt.Errorf("upsert: %w", err)
	}
	changed := false
	var conflicts []string
	err = encodeAhead(recs, render, func(e encoded) error {
		r, err := u.put(ctx, e)
		if err != nil {
			return fmt.Errorf("upsert %s: %w", e.rec.Path, err)
		}
		if r.conflict {
			// Checked on to name every conflict; nothing is committed.
			conflicts = append(conflicts, e.rec.Path)
		}
		changed = changed || r.changed
		return nil
	})
	if err != nil {
		return err
	}
	if len(conflicts) > 0 {
		return &store.ConflictError{Paths: conflicts}
	}
	if err := u.flush(ctx, tx); err != nil {
		return fmt.Errorf("upsert: %w", err)
	}
	if changed {
		if err := bump(ctx, tx); err != nil {
			return fmt.Errorf("upsert: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("upsert: %w", err)
	}
	return nil
}

// encodeAhead encodes a batch and hands put each record in batch order,
// encoding on the other processors a few chunks ahead of put when the
// batch is large enough to be worth it. Only those chunks are held: the
// encoded values of a whole batch (twice the size of its files) would
// otherwise all be in memory at once.
func encodeAhead(recs []*model.Record, render func(*model.Record) ([]byte, error), put func(encoded) error) error {
	workers := min(runtime.GOMAXPROCS(0), len(recs)/encodeChunk)
	if workers <= 1 {
		for _, rec := range recs {
			e, err := encode(rec, render)
			if err != nil {
				return err
			}
			if err := put(e); err != nil {
				return err
			}
		}
		return nil
	}
	type chunk struct {
		encoded []encoded
		err     error
		done    chan struct{}
	}
	chunks := make([]chunk, (len(recs)+encodeChunk-1)/encodeChunk)
	for i := range chunks {
		chunks[i].done = make(chan struct{})
	}
	var (
		wg   sync.WaitGroup
		next atomic.Int64
	)
	// ahead holds a token for each chunk taken and not yet put: chunks
	// are taken in order, so the one put waits for is always taken first.
	ahead := make(chan struct{}, encodeAheadChunks)
	stop := make(chan struct{})
	for range workers {
		wg.Go(func() {
			for {
				select {
				case ahead <- struct{}{}:
				case <-stop:
					return
				}
				select {
				case <-stop:
					return
				default:
				}
				i := int(next.Add(1)) - 1
				if i >= len(chunks) {
					return
				}
				c := &chunks[i]
				lo, hi := i*encodeChunk, min((i+1)*encodeChunk, len(recs))
				c.encoded = make([]encoded, 0, hi-lo)
				for _, rec := range recs[lo:hi] {
					e, err := encode(rec, render)
					if err != nil {
						c.err = err
						break
					}
					c.encoded = append(c.encoded, e)
				}
				close(c.done)
			}
		})
	}
	defer func() {
		close(stop)
		wg.Wait()
	}()
	for i := range chunks {
		c := &chunks[i]
		<-c.done
		for _, e := range c.encoded {
			if err := put(e); err != nil {
				return err
			}
		}
		if c.err != nil {
			return c.err // the first in batch order, as when encoding in turn
		}
		c.encoded = nil
		<-ahead
	}
	return nil
}

// encodeChunk is how many records an encoding worker takes at a time, and
// encodeAheadChunks how many chunks may wait encoded for put.
const (
	encodeChunk       = 64
	encodeAheadChunks = 16
)

// putResult is what put did with one record.
type putResult struct {
	changed  bool // it was written
	conflict bool // it was not: it changed since it was read
}

// put writes one record: a plain insert when the path is new, otherwise an
// update that replaces its topics and text in place when they changed. In
// a conditional write, a record carrying a version is written only over
// that version.
func (u *upserter) put(ctx context.Context, e encoded) (putResult, error) {
	conditional := u.conditional && e.rec.Version != 0
	if !conditional {
		// Most unconditional writes are of new paths: try the insert first.
		id, inserted, err := u.insertNew(ctx, e)
		if err != nil {
			return putResult{}, err
		}
		if inserted {
			u.inserted[id] = true
			return putResult{changed: true}, u.index(ctx, e, id, false, false)
		}
	}
	var (
		id      int64
		old     stored
		same    bool
		version int64
	)
	rec := e.rec
	err := u.selectID.QueryRowContext(ctx, string(rec.Kind), e.raw, e.value, rec.Path).Scan(
		&id, &old.kind, &same, &old.textKey, &old.topicsKey, &version)
	if conditional && errors.Is(err, sql.ErrNoRows) {
		return putResult{conflict: true}, nil // deleted since it was read
	}
	if err != nil {
		return putResult{}, err
	}
	if same {
		return putResult{}, nil
	}
	if first, ok := u.before[rec.Path]; ok && version == u.version {
		version = first // rewritten earlier in this batch: checked as then
	}
	if conditional && rec.Version != version {
		return putResult{conflict: true}, nil
	}
	if _, ok := u.before[rec.Path]; !ok {
		u.before[rec.Path] = version
	}
	if err := u.replace(ctx, e, id, old); err != nil {
		return putResult{}, err
	}
	return putResult{changed: true}, nil
}

// insertNew inserts a record at a path not stored yet; inserted is false
// when the path is taken.
func (u *upserter) insertNew(ctx context.Context, e encoded) (id int64, inserted bool, err error) {
	rec, c := e.rec, e.cols
	res, err := u.insert.ExecContext(ctx, rec.Path, string(rec.Kind), e.raw, e.value,
		c.canonicalURL, c.guid, c.story, c.published, c.publishedAt, c.heat, c.quality, c.archd,
		c.textKey, c.topicsKey, c.originalURL, c.webURL, u.version, c.withheld, c.pinnedUntil)
	if err != nil {
		return 0, false, err
	}
	n, err := res.RowsAffected()
	if err != nil || n != 1 {
		return 0, false, err
	}
	id, err = res.LastInsertId()
	return id, err == nil, err
}

// replace updates the stored record id (old) with e, replacing its topic
// and full-text rows when what they are made of changed.
func (u *upserter) replace(ctx context.Context, e encoded, id int64, old stored) error {
	rec, c := e.rec, e.cols
	var keepTopics, keepText bool // the rows of the record replaced still hold
	oldNews := model.Kind(old.kind) == model.KindNews
	if oldNews && (old.textKey == nil || old.topicsKey == nil) {
		if err := u.readIndexed(ctx, id, &old); err != nil {
			return err
		}
	}
	if oldNews && rec.Kind == model.KindNews {
		keepTopics = old.topicsKey != nil && bytes.Equal(old.topicsKey, c.topicsKey)
		keepText = old.textKey != nil && bytes.Equal(old.textKey, c.textKey)
	}
	if oldNews {
		if !keepTopics {
			delete(u.topicRows, rec.Path) // written earlier in this batch
			if _, err := u.delTopics.ExecContext(ctx, id); err != nil {
				return err
			}
		}
		if !keepText {
			delete(u.textRows, id)
		}
		if !keepText && !u.inserted[id] {
			u.textDel[id] = true // a row of this batch is only pending
		}
	}
	if _, err := u.update.ExecContext(ctx, string(rec.Kind), e.raw, e.value,
		c.canonicalURL, c.guid, c.story, c.published, c.publishedAt, c.heat, c.quality, c.archd,
		c.textKey, c.topicsKey, c.originalURL, c.webURL, u.version, c.withheld, c.pinnedUntil, id); err != nil {
		return err
	}
	return u.index(ctx, e, id, keepTopics, keepText)
}

// index writes the topic and full-text rows of a news record just written,
// unless the ones it had still hold.
func (u *upserter) index(ctx context.Context, e encoded, id int64, keepTopics, keepText bool) error {
	rec := e.rec
	if rec.Kind != model.KindNews || id == 0 {
		return nil
	}
	a := rec.Article
	if !keepTopics {
		rows := make([]topicRow, 0, len(a.Topics))
		for _, t := range a.Topics {
			if t != "" {
				rows = append(rows, topicRow{t, e.cols.publishedAt.(int64), rec.Path})
			}
		}
		u.topicRows[rec.Path] = rows
	}
	if !keepText {
		u.textRows[id] = textRow{id, a.Title, a.Excerpt, a.Provider.Name, topicTokens(a.Topics, a.Withheld != "")}
	}
	return nil
}

// topicRow is a row of record_topics.
type topicRow struct {
	topic       string
	publishedAt int64
	path        string
}

// textRow is a row of news_fts and, its topics, of news_topics.
type textRow struct {
	id                               int64
	title, excerpt, provider, topics string
}

// flush inserts the topic and full-text rows of the records written, each
// table's in as few statements as the parameter limit allows (one per
// 6,553 full-text rows, per 10,922 topic rows): a statement per row costs several
// times SQLite's own work for the row, and each statement on the
// full-text table ends with writing its pending rows out as a new
// segment, which later have to be merged.
func (u *upserter) flush(ctx context.Context, tx *sql.Tx) error {
	if len(u.textDel) > 0 {
		ids := appendJSONInts(nil, slices.Sorted(maps.Keys(u.textDel)))
		if err := deleteTexts(ctx, tx, ids); err != nil {
			return err
		}
	}
	var topics []topicRow
	for _, rows := range u.topicRows {
		topics = append(topics, rows...)
	}
	slices.SortFunc(topics, func(a, b topicRow) int {
		return cmp.Or(strings.Compare(a.topic, b.topic), cmp.Compare(b.publishedAt, a.publishedAt), strings.Compare(a.path, b.path))
	})
	args := make([]any, 0, 3*len(topics))
	for _, r := range topics {
		args = append(args, validText(r.topic), r.publishedAt, validText(r.path))
	}
	if err := insertRows(ctx, tx, sqlInsertTopics, 3, insertParams, args); err != nil {
		return err
	}
	texts := slices.SortedFunc(maps.Values(u.textRows), func(a, b textRow) int { return cmp.Compare(a.id, b.id) })
	args = make([]any, 0, 5*len(texts))
	for _, r := range texts {
		args = append(args, r.id, indexText(r.title), indexText(r.excerpt), indexText(r.provider), validText(r.topics))
	}
	return insertTexts(ctx, tx, args)
}

// insertTexts inserts full-text rows given as five values each (rowid,
// title, excerpt, provider, topics): the texts in news_fts, the topics'
// tokens in news_topics, which bm25 does not read (a row's length there
// is all its columns').
func insertTexts(ctx context.Context, tx *sql.Tx, rows []any) error {
	texts := make([]any, 0, len(rows)/5*4)
	topics := make([]any, 0, len(rows)/5*2)
	for i := 0; i+5 <= len(rows); i += 5 {
		texts = append(texts, rows[i:i+4]...)
		topics = append(topics, rows[i], rows[i+4])
	}
	if err := insertRows(ctx, tx, sqlInsertTexts, 4, insertParams, texts); err != nil {
		return err
	}
	return insertRows(ctx, tx, sqlInsertTopicTexts, 2, insertParams, topics)
}

// deleteTexts deletes the full-text rows of the records whose ids the
// JSON array ids holds.
func deleteTexts(ctx context.Context, tx *sql.Tx, ids []byte) error {
	for _, table := range []string{"news_fts", "news_topics"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE rowid IN (SELECT value FROM json_each(?))`, ids); err != nil {
			return err
		}
	}
	return nil
}

// The statements of flush: the head of a multi-row INSERT, to which
// insertRows adds the rows.
const (
	sqlInsertTopics     = `INSERT OR IGNORE INTO record_topics (topic, published_at, path) VALUES `
	sqlInsertTexts      = `INSERT INTO news_fts (rowid, title, excerpt, provider) VALUES `
	sqlInsertTopicTexts = `INSERT INTO news_topics (rowid, topics) VALUES `
)

// insertParams is how many parameters one multi-row INSERT binds. SQLite
// allows 32,766, but a statement that long is parsed and coded into
// megabytes, which SQLite's allocator keeps mapped for reuse after it (8 MB
// of an ingest round's resident memory, measured); at a thousand, the
// statements of a batch reuse small regions and cost no more to run.
const insertParams = 999

// insertRows runs head with the rows of args, width values a row, in as
// few statements as binding at most limit parameters each allows. Bound
// rather than read from a JSON array, the values cost SQLite no parsing.
func insertRows(ctx context.Context, tx *sql.Tx, head string, width, limit int, args []any) error {
	row := "(?" + strings.Repeat(",?", width-1) + ")"
	for len(args) > 0 {
		n := min(len(args)/width, limit/width)
		q := head + row + strings.Repeat(","+row, n-1)
		if _, err := tx.ExecContext(ctx, q, args[:n*width]...); err != nil {
			return err
		}
		args = args[n*width:]
	}
	return nil
}

// validText returns s with each byte that is not UTF-8 made U+FFFD, as
// the stored JSON value holds it (see topicToken): the full-text and topic
// rows are then made of the same text as the value, by this store or by a
// migration reading the value.
func validText(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.Map(func(r rune) rune { return r }, s)
}

// indexText is a text column of a full-text row: s as valid UTF-8, with
// the runs search reads as pairs of characters written as the pairs
// (store.SearchIndexText), which the table's word tokenizer then finds.
func indexText(s string) string { return store.SearchIndexText(validText(s)) }

func appendJSONInts(b []byte, ns []int64) []byte {
	b = append(b, '[')
	for i, n := range ns {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, n, 10)
	}
	return append(b, ']')
}

// stored is what a write needs to know of the record it replaces.
type stored struct {
	kind               string
	textKey, topicsKey []byte // nil when unknown
}

// indexedFields are the fields of a news record's value its full-text
// rows are made of: decoding only them skips the rest.
type indexedFields struct {
	Title, Excerpt string
	Provider       struct{ Name string }
	Topics         []string
	Withheld       string
}

// readIndexed computes the digests of a news record stored without them
// from its value.
func (u *upserter) readIndexed(ctx context.Context, id int64, old *stored) error {
	var (
		publishedAt int64
		value       sql.RawBytes
	)
	rows, err := u.selectIndexed.QueryContext(ctx, id)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return sql.ErrNoRows
	}
	if err := rows.Scan(&publishedAt, &value); err != nil {
		return err
	}
	var v indexedFields
	old.textKey, old.topicsKey = nil, nil
	if err := json.Unmarshal(value, &v); err != nil {
		return nil // unreadable: the rows are replaced
	}
	old.textKey = textKey(v.Title, v.Excerpt, v.Provider.Name, v.Topics, v.Withheld != "")
	old.topicsKey = topicsKey(publishedAt, v.Topics)
	return rows.Close()
}

// Delete removes the records at paths with their topics and text.
func (s *Store) Delete(ctx context.Context, paths ...string) error {
	if len(paths) == 0 {
		return nil
	}
	err := s.writeTx(ctx, func(tx *sql.Tx, _ int64) (bool, error) {
		rm, err := newRemover(ctx, tx)
		if err != nil {
			return false, err
		}
		deleted := false
		for _, p := range paths {
			ok, err := rm.remove(ctx, p)
			if err != nil {
				return false, fmt.Errorf("delete %s: %w", p, err)
			}
			deleted = deleted || ok
		}
		return deleted, nil
	})
	if err != nil {
		return fmt.Errorf("delete: %w", err)
	}
	return nil
}

// remover deletes records with their topic and full-text rows and their
// file modes inside a write transaction.
type remover struct {
	sel, delTopics, delText, delTopicText, del, delMode *sql.Stmt
}

func newRemover(ctx context.Context, tx *sql.Tx) (*remover, error) {
	st, err := statements(ctx, tx, `SELECT id, kind FROM records WHERE path = ?`, sqlDeleteTopics, sqlDeleteText,
		sqlDeleteTopicText, `DELETE FROM records WHERE id = ?`, sqlDropMode)
	if err != nil {
		return nil, err
	}
	return &remover{sel: st[0], delTopics: st[1], delText: st[2], delTopicText: st[3], del: st[4], delMode: st[5]}, nil
}

// remove deletes the record at path, reporting whether there was one.
func (rm *remover) remove(ctx context.Context, path string) (bool, error) {
	var (
		id   int64
		kind string
	)
	err := rm.sel.QueryRowContext(ctx, path).Scan(&id, &kind)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if model.Kind(kind) == model.KindNews {
		if _, err := rm.delTopics.ExecContext(ctx, id); err != nil {
			return false, err
		}
		if _, err := rm.delText.ExecContext(ctx, id); err != nil {
			return false, err
		}
		if _, err := rm.delTopicText.ExecContext(ctx, id); err != nil {
			return false, err
		}
	}
	if _, err := rm.del.ExecContext(ctx, id); err != nil {
		return false, err
	}
	// A file written at the path later is a new one, of its own mode.
	if _, err := rm.delMode.ExecContext(ctx, path); err != nil {
		return false, err
	}
	return true, nil
}
