package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"newshub/internal/model"
	"newshub/internal/store"
)

// sqlArticleBy selects the news record whose column col is ?, the first
// by path.
func sqlArticleBy(col string) string {
	return `SELECT ` + recordColumns + ` FROM records r
		WHERE r.` + col + ` = ? AND r.kind = 'news' ORDER BY r.path LIMIT 1`
}

// ArticleByURL returns the news record whose canonical URL, or else whose
// feed GUID, is key.
func (s *Store) ArticleByURL(ctx context.Context, key string) (*model.Record, error) {
	if key != "" {
		rd, done, err := s.reads()
		if err != nil {
			return nil, fmt.Errorf("article %s: %w", key, err)
		}
		defer done()
		for _, stmt := range []*sql.Stmt{rd.byCanonical, rd.byGUID} {
			rows, err := stmt.QueryContext(ctx, key)
			if err != nil {
				return nil, fmt.Errorf("article %s: %w", key, err)
			}
			recs, err := collect(rows)
			if err != nil {
				return nil, fmt.Errorf("article %s: %w", key, err)
			}
			if len(recs) > 0 {
				return recs[0], nil
			}
		}
	}
	return nil, fmt.Errorf("article %s: %w", key, store.ErrNotFound)
}

// keysPerQuery is how many keys one ArticlePaths query looks up. Every
// query has this many parameters (the last key repeated to fill them), so
// the statement is prepared once.
const keysPerQuery = 256

// sqlKeysBy selects path and col of the news records whose col is one of
// keysPerQuery keys.
func sqlKeysBy(col string) string {
	return `SELECT r.` + col + `, r.path FROM records r WHERE r.` + col + ` IN (?` +
		strings.Repeat(`, ?`, keysPerQuery-1) + `) AND r.kind = 'news'`
}

// ArticlePaths looks up many keys at once: for each key that ArticleByURL
// would find, the path of the record it would return (canonical URL
// matches first, then GUID matches, the first path of either). Only paths
// are read, so checking a batch of arrivals for duplicates costs a few
// index lookups rather than a query per key.
func (s *Store) ArticlePaths(ctx context.Context, keys []string) (map[string]string, error) {
	keys = slices.DeleteFunc(slices.Clone(keys), func(k string) bool { return k == "" })
	slices.Sort(keys)
	keys = slices.Compact(keys)
	rd, done, err := s.reads()
	if err != nil {
		return nil, fmt.Errorf("article paths: %w", err)
	}
	defer done()
	byCanonical, err := keyPaths(ctx, rd.keysCanonical, keys)
	if err != nil {
		return nil, fmt.Errorf("article paths: %w", err)
	}
	byGUID, err := keyPaths(ctx, rd.keysGUID, keys)
	if err != nil {
		return nil, fmt.Errorf("article paths: %w", err)
	}
	for k, p := range byGUID {
		if _, ok := byCanonical[k]; !ok {
			byCanonical[k] = p
		}
	}
	return byCanonical, nil
}

// keyPaths runs a key statement over keys in chunks and keeps, for each
// key found, its smallest path.
func keyPaths(ctx context.Context, stmt *sql.Stmt, keys []string) (map[string]string, error) {
	out := map[string]string{}
	args := make([]any, keysPerQuery)
	for start := 0; start < len(keys); start += keysPerQuery {
		chunk := keys[start:min(start+keysPerQuery, len(keys))]
		for i := range args {
			args[i] = chunk[min(i, len(chunk)-1)]
		}
		rows, err := stmt.QueryContext(ctx, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var k, p string
			if err := rows.Scan(&k, &p); err != nil {
				rows.Close()
				return nil, err
			}
			if old, ok := out[k]; !ok || p < old {
				out[k] = p
			}
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ScanLinks calls fn with the path, story and addresses (original and web
// URL) of each news record published in [since, until), in the order of
// News by time, without decoding values: enough to tell which stored
// articles a batch of arrivals links to.
func (s *Store) ScanLinks(ctx context.Context, since, until time.Time, fn func(path, story, originalURL, webURL string) error) error {
	rd, done, err := s.reads()
	if err != nil {
		return fmt.Errorf("links: %w", err)
	}
	defer done()
	from, tcol, args := newsWhere(store.NewsQuery{Since: since, Until: until})
	rows, err := rd.db.QueryContext(ctx, `SELECT r.path, coalesce(r.story, ''), coalesce(r.original_url, ''), coalesce(r.web_url, '')`+
		from+orderBy(store.ByTime, tcol), args...)
	if err != nil {
		return fmt.Errorf("links: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var path, story, orig, web string
		if err := rows.Scan(&path, &story, &orig, &web); err != nil {
			return fmt.Errorf("links: %w", err)
		}
		if err := fn(path, story, orig, web); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("links: %w", err)
	}
	return nil
}

// newsWhere builds the FROM and WHERE clauses of q. With a topic the rows
// come from record_topics in (topic, time) index order; tcol is the table
// whose time and path columns the ordering should use.
func newsWhere(q store.NewsQuery) (from string, tcol string, args []any) {
	var b strings.Builder
	// The join order is chosen here rather than left to the planner, which
	// has no statistics on a new database. A topic page by time reads the
	// topic's rows in (time, path) order; other orders read the records in
	// their own index order and probe the topic for each, which stops after
	// a page as soon as the topic is common, and a story narrows to a few
	// rows whatever the order.
	tcol = "r"
	switch {
	case q.Topic != "" && q.Story == "" && q.Order == store.ByTime:
		tcol = "t"
		b.WriteString(` FROM record_topics t CROSS JOIN records r WHERE r.path = t.path AND t.topic = ? AND r.kind = 'news'`)
		args = append(args, q.Topic)
	case q.Topic != "":
		b.WriteString(` FROM records r WHERE r.kind = 'news' AND EXISTS (SELECT 1 FROM record_topics t WHERE t.topic = ? AND t.published_at = r.published_at AND t.path = r.path)`)
		args = append(args, q.Topic)
	default:
		b.WriteString(` FROM records r WHERE r.kind = 'news'`)
	}
	if q.Story != "" {
		b.WriteString(` AND r.story = ?`)
		args = append(args, q.Story)
	}
	if q.PublishedOnly {
		b.WriteString(` AND r.published = 1`)
	}
	if q.Unpublished {
		b.WriteString(` AND coalesce(r.published, 0) = 0`)
	}
	if q.Public {
		b.WriteString(` AND r.withheld IS NULL`)
	}
	if q.Withheld {
		b.WriteString(` AND r.withheld IS NOT NULL`)
	}
	if !q.StoryActiveSince.IsZero() {
		// The stories come from the time index's recent end, and their
		// records from the story index: the cost follows the recent news,
		// not the archive.
		b.WriteString(` AND r.story IN (SELECT a.story FROM records a WHERE a.kind = 'news' AND a.published_at >= ? AND a.story IS NOT NULL)`)
		args = append(args, q.StoryActiveSince.UnixMicro())
	}
	if !q.PinnedAt.IsZero() {
		b.WriteString(` AND r.pinned_until > ?`)
		args = append(args, q.PinnedAt.UnixMicro())
	}
	// Written out, not bound, so that current news is read through its
	// own index (records_news_current), whose condition the query must
	// state.
	switch {
	case q.Archived == nil:
	case *q.Archived:
		b.WriteString(` AND r.archived = 1`)
	default:
		b.WriteString(` AND r.archived = 0`)
	}
	if !q.Since.IsZero() {
		b.WriteString(` AND ` + tcol + `.published_at >= ?`)
		args = append(args, q.Since.UnixMicro())
	}
	if !q.Until.IsZero() {
		b.WriteString(` AND ` + tcol + `.published_at < ?`)
		args = append(args, q.Until.UnixMicro())
	}
	return b.String(), tcol, args
}

// orderBy is the ORDER BY clause of a listing; every order ends in path
// so pages are stable.
func orderBy(o store.Order, tcol string) string {
	switch o {
	case store.ByHeat:
		return ` ORDER BY r.heat DESC, r.published_at DESC, r.path`
	case store.ByQuality:
		return ` ORDER BY r.quality DESC, r.published_at ASC, r.path`
	case store.ByStorage:
		return ` ORDER BY r.id`
	default:
		return ` ORDER BY ` + tcol + `.published_at DESC, ` + tcol + `.path`
	}
}

// limitOffset is the LIMIT clause for a page; limit 0 means no limit.
func limitOffset(limit, offset int) (string, []any) {
	if limit <= 0 {
		limit = -1
	}
	return ` LIMIT ? OFFSET ?`, []any{limit, max(offset, 0)}
}

// News lists the news records q selects, in q's order.
func (s *Store) News(ctx context.Context, q store.NewsQuery) ([]*model.Record, error) {
	if err := checkOrder(q.Order); err != nil {
		return nil, err
	}
	from, tcol, args := newsWhere(q)
	lim, largs := limitOffset(q.Limit, q.Offset)
	cols := recordColumns
	if q.NoRaw {
		cols = recordColumnsNoRaw
	}
	rd, done, err := s.reads()
	if err != nil {
		return nil, fmt.Errorf("news: %w", err)
	}
	defer done()
	rows, err := rd.db.QueryContext(ctx, `SELECT `+cols+from+orderBy(q.Order, tcol)+lim, append(args, largs...)...)
	if err != nil {
		return nil, fmt.Errorf("news: %w", err)
	}
	recs, err := collect(rows)
	if err != nil {
		return nil, fmt.Errorf("news: %w", err)
	}
	return recs, nil
}

func checkOrder(o store.Order) error {
	if o < store.ByTime || o > store.ByStorage {
		return fmt.Errorf("news: unknown order %d", o)
	}
	return nil
}

// CountNews counts the news records q selects.
func (s *Store) CountNews(ctx context.Context, q store.NewsQuery) (int, error) {
	rd, done, err := s.reads()
	if err != nil {
		return 0, fmt.Errorf("count news: %w", err)
	}
	defer done()
	from, _, args := newsWhere(q)
	var n int
	if err := rd.db.QueryRowContext(ctx, `SELECT count(*)`+from, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count news: %w", err)
	}
	return n, nil
}

// Story returns a story's records: the lead (published) first, then by
// quality descending, earliest first among equals.
func (s *Store) Story(ctx context.Context, id string) ([]*model.Record, error) {
	return s.story(ctx, id, recordColumns)
}

// StoryValues is Story without the records' file bytes (Raw nil), for
// curation, which reads every member of a story it settles and writes
// back only the few that change.
func (s *Store) StoryValues(ctx context.Context, id string) ([]*model.Record, error) {
	return s.story(ctx, id, recordColumnsNoRaw)
}

func (s *Store) story(ctx context.Context, id, cols string) ([]*model.Record, error) {
	rd, done, err := s.reads()
	if err != nil {
		return nil, fmt.Errorf("story %s: %w", id, err)
	}
	defer done()
	// Sorted here, not by an ORDER BY: SQLite's sorter would copy every
	// member's value into a buffer that grows to 16 MiB for a large story
	// (250 of the file's 64 KiB pages), which its allocator then keeps
	// mapped, where the members are collected here whole anyway.
	rows, err := rd.db.QueryContext(ctx, `SELECT `+cols+`, r.published, r.quality, r.published_at FROM records r
		WHERE r.story = ? AND r.kind = 'news'`, id)
	if err != nil {
		return nil, fmt.Errorf("story %s: %w", id, err)
	}
	members, err := collectMembers(rows)
	if err != nil {
		return nil, fmt.Errorf("story %s: %w", id, err)
	}
	slices.SortFunc(members, storyOrder)
	recs := make([]*model.Record, len(members))
	for i, m := range members {
		recs[i] = m.rec
	}
	return recs, nil
}

// member is a story's record with the columns it is ordered by.
type member struct {
	rec                    *model.Record
	published, quality, at sql.NullInt64
}

func collectMembers(rows *sql.Rows) ([]member, error) {
	defer rows.Close()
	var ms []member
	for rows.Next() {
		var m member
		rec, err := decodeRow(extraScanner{rows, []any{&m.published, &m.quality, &m.at}})
		if err != nil {
			return nil, err
		}
		m.rec = rec
		ms = append(ms, m)
	}
	return ms, rows.Err()
}

// storyOrder is the order of a story's members: published first, then by
// quality, then the earliest, then by path; a NULL sorts below every
// value, as in SQLite's ORDER BY.
func storyOrder(a, b member) int {
	return cmp.Or(compareNull(b.published, a.published), compareNull(b.quality, a.quality),
		compareNull(a.at, b.at), strings.Compare(a.rec.Path, b.rec.Path))
}

func compareNull(a, b sql.NullInt64) int {
	if a.Valid != b.Valid {
		if a.Valid {
			return 1
		}
		return -1
	}
	return cmp.Compare(a.Int64, b.Int64)
}
